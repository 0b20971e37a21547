package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
)

const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
	"base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// securityHeaders sets the CSP (no inline scripts anywhere) and the other protective headers.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer") // capability URLs (check-in, private pages) must not leak
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

// requestLogger logs one line per request with its id, route pattern, status and latency; never
// the URI (tokens) nor any form data (personal data).
func (s *Server) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError:  true,
		LogStatus:    true,
		LogLatency:   true,
		LogMethod:    true,
		LogRoutePath: true,
		LogRequestID: true,
		LogError:     true,
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/metrics"
		},
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []slog.Attr{
				slog.String("request_id", v.RequestID), slog.String("method", v.Method),
				slog.String("route", v.RoutePath), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
			}
			level := slog.LevelInfo
			if v.Error != nil {
				attrs = append(attrs, slog.String("err", v.Error.Error()))
				if v.Status >= 500 {
					level = slog.LevelError
				}
			}
			if u := currentUser(c); u != nil {
				attrs = append(attrs, slog.Int64("staff_id", u.ID))
			}
			s.log.LogAttrs(context.Background(), level, "request", attrs...)
			return nil
		},
	})
}

func isCheckInPath(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/c/") }

// bodyLimits keeps public check-in posts small (64 KB) and everything else under 1 MB.
func bodyLimits() []echo.MiddlewareFunc {
	return []echo.MiddlewareFunc{
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "64K",
			Skipper: func(c echo.Context) bool { return !isCheckInPath(c) }}),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M", Skipper: isCheckInPath}),
	}
}

func (s *Server) csrf() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		CookieName:     "boothlead_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   s.secure,
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   7 * 24 * 3600,
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" || p == "/metrics"
		},
		// A missing token is as forbidden as a wrong one (echo answers 400 for missing).
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden,
				"This form has expired or was not sent from this site. Go back, reload the page and try again.")
		},
	})
}

// sessionsMW loads and saves the scs session and the signed-in account, except for assets and
// probes (they never need one, and a session costs a query).
func (s *Server) sessionsMW() echo.MiddlewareFunc {
	load := echo.WrapMiddleware(s.sessions.LoadAndSave)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		withSession := load(s.loadUser(next))
		return func(c echo.Context) error {
			p := c.Request().URL.Path
			if strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" || p == "/metrics" {
				return next(c)
			}
			return withSession(c)
		}
	}
}

func (s *Server) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("session store", slog.String("err", err.Error()))
	http.Error(w, "Something went wrong with your session. Please try again.", http.StatusInternalServerError)
}

const userKey = "boothlead.user"

// loadUser puts the signed-in account (if any) into the context. An ended device or a
// deactivated account ends the session there and then.
func (s *Server) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id := s.sessions.GetInt64(ctx, "device_id")
		if id == 0 {
			if k := s.sessions.GetInt64(ctx, kioskEventKey); k != 0 {
				c.Set(kioskKey, k) // a kiosk: a candidate's screen, never a staff member's
			}
			return next(c)
		}
		u, err := s.store.SessionUser(ctx, id)
		switch {
		case errors.Is(err, models.ErrNotFound):
			if err := s.sessions.Destroy(ctx); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			c.Set(userKey, &u)
		}
		return next(c)
	}
}

func currentUser(c echo.Context) *models.StaffUser {
	u, _ := c.Get(userKey).(*models.StaffUser)
	return u
}

// access is who may use a route.
type access int

const (
	public access = iota
	signedIn
	recruiter
	admin
	kioskStart // a staff member turning this browser into a kiosk, or the kiosk itself
	kioskOnly  // a kiosk's own pages
)

func (a access) role() string {
	switch a {
	case admin:
		return models.RoleAdmin
	case recruiter:
		return models.RoleRecruiter
	}
	return models.RoleStaff
}

// require lets a request through only with a session of at least the given role: without a
// session it redirects to the sign-in page; with too small a role it is 403.
func require(a access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if a == public {
				return next(c)
			}
			if kioskEvent(c) != 0 && currentUser(c) == nil {
				if a == kioskStart || a == kioskOnly {
					return next(c) // the handler checks it is this event's kiosk
				}
				return echo.NewHTTPError(http.StatusForbidden,
					"This browser is a self check-in kiosk: it has no staff rights. Staff leave kiosk mode with the link at the bottom of its screen.")
			}
			u := currentUser(c)
			if u == nil {
				next := c.Request().URL.RequestURI()
				if c.Request().Method != http.MethodGet {
					next = paths.Home()
				}
				return c.Redirect(http.StatusSeeOther, paths.LoginNext(next))
			}
			if a == kioskOnly {
				return echo.NewHTTPError(http.StatusForbidden, "This page belongs to a kiosk; open the event's kiosk first.")
			}
			if !u.Can(a.role()) {
				return echo.NewHTTPError(http.StatusForbidden, "Your role ("+u.Role+") cannot open this page. Ask an admin if you need it.")
			}
			return next(c)
		}
	}
}
