package handlers

import "github.com/labstack/echo/v4"

func (s *Server) pairDevice(c echo.Context) error { return echo.ErrNotImplemented }

func (s *Server) deviceLoginForm(c echo.Context) error { return echo.ErrNotImplemented }

func (s *Server) deviceLogin(c echo.Context) error { return echo.ErrNotImplemented }
