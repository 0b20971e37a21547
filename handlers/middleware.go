package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/boothlead/boothlead/models"
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
				attrs = append(attrs, slog.String("err", models.SafeErrorText(v.Error)))
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
	return middleware.CSRFWithConfig(middleware.CSRFConfig{ //nolint:gosec // G101 takes the cookie's name for a credential
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		CookieName:     "boothlead_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   s.secure,
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   7 * 24 * 3600,
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			// The API authenticates every call with a bearer token (no cookie rides along, so
			// there is nothing to forge); an unsubscribe link's one-click POST (RFC 8058) comes
			// from mail apps without a form and is authorised by its unguessable token.
			return strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" || p == "/metrics" ||
				isAPIPath(p) || (strings.HasPrefix(p, "/u/") && c.Request().Method == http.MethodPost)
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
			if strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" || p == "/metrics" || isAPIPath(p) {
				return next(c)
			}
			return withSession(c)
		}
	}
}

// rejectUnreadableAddress answers 400 for a path or query string that holds NUL or bytes that
// are not UTF-8 once decoded: no page has such an address, and Postgres text cannot hold them, so
// they would otherwise reach the database as a 500. Form fields are checked by each form, which
// shows the problem next to the field.
func rejectUnreadableAddress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := c.Request().URL
		bad := !models.Storable(u.Path)
		if !bad && u.RawQuery != "" {
			q, err := url.ParseQuery(u.RawQuery)
			bad = err != nil
			for k, vs := range q {
				bad = bad || !models.Storable(k)
				for _, v := range vs {
					bad = bad || !models.Storable(v)
				}
			}
		}
		if bad {
			return echo.NewHTTPError(http.StatusBadRequest, "This address holds characters no page of ours uses. Check the link and try again.")
		}
		return next(c)
	}
}
