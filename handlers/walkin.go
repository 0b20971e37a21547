package handlers

import "github.com/labstack/echo/v4"

func (s *Server) walkInForm(c echo.Context) error { return echo.ErrNotImplemented }

func (s *Server) walkIn(c echo.Context) error { return echo.ErrNotImplemented }
