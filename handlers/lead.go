package handlers

import "github.com/labstack/echo/v4"

func (s *Server) leadShow(c echo.Context) error { return echo.ErrNotImplemented }

func (s *Server) leadUpdate(c echo.Context) error { return echo.ErrNotImplemented }

func (s *Server) conversationCreate(c echo.Context) error { return echo.ErrNotImplemented }
