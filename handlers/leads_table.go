package handlers

import "github.com/labstack/echo/v4"

func (s *Server) leadsTable(c echo.Context) error { return echo.ErrNotImplemented }
