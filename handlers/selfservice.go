package handlers

import "github.com/labstack/echo/v4"

func (s *Server) thanks(c echo.Context) error { return echo.ErrNotImplemented }

func (s *Server) personal(c echo.Context) error { return echo.ErrNotImplemented }

func (s *Server) personalQR(c echo.Context) error { return echo.ErrNotImplemented }

func (s *Server) selfService(c echo.Context) error { return echo.ErrNotImplemented }

func (s *Server) selfServiceUpdate(c echo.Context) error { return echo.ErrNotImplemented }

func (s *Server) selfServiceExport(c echo.Context) error { return echo.ErrNotImplemented }

func (s *Server) selfServiceWithdraw(c echo.Context) error { return echo.ErrNotImplemented }

func (s *Server) selfServiceDelete(c echo.Context) error { return echo.ErrNotImplemented }
