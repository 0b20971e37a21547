package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/static"
)

// healthz answers while the process runs.
func (s *Server) healthz(c echo.Context) error { return c.String(http.StatusOK, "ok\n") }

// readyz answers 200 when the database answers, else 503 (a load balancer then routes around us).
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ready\n")
}

// serviceWorker serves the offline service worker from the root, so it may control staff pages.
func (s *Server) serviceWorker(c echo.Context) error {
	b, err := static.Read("sw.js")
	if err != nil {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Service-Worker-Allowed", "/")
	h.Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", b)
}
