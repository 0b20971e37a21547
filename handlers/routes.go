package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/boothlead/boothlead/static"
)

// route is one line of the route table: who may use it is part of the line.
type route struct {
	method string
	path   string
	access access
	h      echo.HandlerFunc
	mw     []echo.MiddlewareFunc
}

// routes is the one route table of the app.
func (s *Server) routes() []route {
	return []route{
		// probes and assets
		{http.MethodGet, "/healthz", public, s.healthz, nil},
		{http.MethodGet, "/readyz", public, s.readyz, nil},
		{http.MethodGet, "/metrics", public, s.metricsHandler(), nil},
		{http.MethodGet, "/static/*", public, echo.WrapHandler(static.Handler()), nil},
		{http.MethodGet, "/sw.js", public, s.serviceWorker, nil},

		// sign-in, setup, own account
		{http.MethodGet, "/", public, s.home, nil},
		{http.MethodGet, "/setup", public, s.setupForm, nil},
		{http.MethodPost, "/setup", public, s.setup, nil},
		{http.MethodGet, "/login", public, s.loginForm, nil},
		{http.MethodPost, "/login", public, s.login, nil},
		{http.MethodPost, "/logout", public, s.logout, nil},
		{http.MethodGet, "/reset/:token", public, s.resetForm, nil},
		{http.MethodPost, "/reset/:token", public, s.reset, nil},
		{http.MethodGet, "/account", signedIn, s.account, nil},
		{http.MethodPost, "/account", signedIn, s.changePassword, nil},

		// staff accounts and devices (admin)
		{http.MethodGet, "/staff", admin, s.staffList, nil},
		{http.MethodPost, "/staff", admin, s.staffCreate, nil},
		{http.MethodPost, "/staff/:id/reset", admin, s.staffReset, nil},
		{http.MethodPost, "/staff/:id/active", admin, s.staffActive, nil},
		{http.MethodGet, "/devices", admin, s.deviceList, nil},
		{http.MethodPost, "/devices/:id/end", admin, s.deviceEnd, nil},
		{http.MethodGet, "/audit", admin, s.auditList, nil},

		// events
		{http.MethodGet, "/events", signedIn, s.eventList, nil},
		{http.MethodGet, "/events/new", admin, s.eventNew, nil},
		{http.MethodPost, "/events", admin, s.eventCreate, nil},
		{http.MethodGet, "/events/:slug/edit", admin, s.eventEdit, nil},
		{http.MethodPost, "/events/:slug/edit", admin, s.eventUpdate, nil},
		{http.MethodPost, "/events/:slug/rotate-key", admin, s.eventRotateKey, nil},
		{http.MethodGet, "/events/:slug/qr.png", signedIn, s.eventQR, nil},
		{http.MethodGet, "/events/:slug/poster", signedIn, s.eventPoster, nil},
		{http.MethodGet, "/events/:slug", signedIn, s.board, nil},

		// candidates (public, capability URLs)
		{http.MethodGet, "/c/:key", public, s.checkInForm, nil},
	}
}

func (s *Server) router() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.IPExtractor = echo.ExtractIPDirect()
	if s.trustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(middleware.RequestID())
	e.Use(s.requestLogger())
	e.Use(middleware.Recover())
	e.Use(s.measure)
	e.Use(s.securityHeaders)
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: 5, MinLength: 512, Skipper: func(c echo.Context) bool {
		p := c.Request().URL.Path
		return strings.HasSuffix(p, "/live") || strings.HasSuffix(p, ".png")
	}}))
	e.Use(bodyLimits()...)
	e.Use(s.sessionsMW())
	e.Use(s.csrf())
	for _, r := range s.routes() {
		mw := append([]echo.MiddlewareFunc{require(r.access)}, r.mw...)
		e.Add(r.method, r.path, r.h, mw...)
	}
	return e
}
