package handlers

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/boothlead/boothlead/api"
	"github.com/boothlead/boothlead/models"
)

// The API's access levels in the route table: a bearer token of at least this scope, never a
// session (API routes get no session and no CSRF check: a token is not sent by browsers on
// their own, so there is nothing to forge).
const (
	apiRecruiter access = iota + 100
	apiAdmin
)

func (a access) isAPI() bool { return a == apiRecruiter || a == apiAdmin }

func isAPIPath(p string) bool { return strings.HasPrefix(p, "/api/") }

const (
	apiTokenKey  = "boothlead.api_token"
	apiEventKey  = "boothlead.api_event" // the event an answer was about, for the audit log
	apiLeadsKey  = "boothlead.api_leads" // how many leads an answer held, for the audit log
	apiRateBurst = 120
)

// APILimit is the per-token rate limit of the API: a steady rate and a burst.
type APILimit struct {
	Rate  rate.Limit
	Burst int
}

// DefaultAPILimit allows 10 requests a second per token, in bursts of 120 (a client paging
// through a large event at full speed stays under it; a runaway loop does not).
var DefaultAPILimit = APILimit{Rate: 10, Burst: apiRateBurst}

// tokenLimiter keeps one token bucket per API token (per instance).
type tokenLimiter struct {
	mu    sync.Mutex
	limit APILimit
	m     map[int64]*rate.Limiter
}

// allow takes one request from the token's bucket; when it is empty it says how long until the
// next request would be allowed.
func (l *tokenLimiter) allow(id int64) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[int64]*rate.Limiter{}
	}
	lim, ok := l.m[id]
	if !ok {
		lim = rate.NewLimiter(l.limit.Rate, l.limit.Burst)
		l.m[id] = lim
	}
	now := time.Now()
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// apiAuth lets a request through with a bearer token of the route's scope: 401 without a valid
// token, 403 for a token of a smaller scope, 429 (with Retry-After) past the token's rate. Every
// call with a valid token is written to the audit log with the route, the status and how many
// leads it answered, never the leads themselves.
func (s *Server) apiAuth(a access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("Cache-Control", "no-store")
			raw, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
			if !ok || strings.TrimSpace(raw) == "" {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="boothlead"`)
				return echo.NewHTTPError(http.StatusUnauthorized, "An API token is required: send Authorization: Bearer <token>.")
			}
			ctx := c.Request().Context()
			t, err := s.store.APITokenFor(ctx, strings.TrimSpace(raw))
			if errors.Is(err, models.ErrNotFound) {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="boothlead", error="invalid_token"`)
				return echo.NewHTTPError(http.StatusUnauthorized, "This API token is not valid (unknown or revoked).")
			}
			if err != nil {
				return err
			}
			c.Set(apiTokenKey, &t)
			if ok, wait := s.apiLimits.allow(t.ID); !ok {
				secs := int(math.Ceil(wait.Seconds()))
				c.Response().Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
				return echo.NewHTTPError(http.StatusTooManyRequests, "Too many requests for this token: wait "+strconv.Itoa(max(secs, 1))+" s.")
			}
			err = s.apiScope(t, a, next, c)
			status := c.Response().Status
			if err != nil {
				status = statusOf(err)
			}
			eventID, _ := c.Get(apiEventKey).(int64)
			leads, _ := c.Get(apiLeadsKey).(int)
			if aerr := s.store.AuditAPICall(context.WithoutCancel(ctx), t.ID, eventID, c.Path(), status, leads); aerr != nil {
				s.log.Error("api: call not audited", slog.String("request_id", requestID(c)), slog.String("err", aerr.Error()))
			}
			return err
		}
	}
}

func (s *Server) apiScope(t models.APIToken, a access, next echo.HandlerFunc, c echo.Context) error {
	role := models.RoleRecruiter
	if a == apiAdmin {
		role = models.RoleAdmin
	}
	if !t.Can(role) {
		return echo.NewHTTPError(http.StatusForbidden, "This token's scope ("+t.Role+") does not cover this call: it needs an "+role+" token.")
	}
	return next(c)
}

// apiErrorJSON answers an API error as JSON, with the same rule as the pages: our own message for
// a 4xx, nothing but the request id for a 5xx.
func apiErrorJSON(c echo.Context, code int, msg string) {
	if msg == "" || code >= 500 {
		msg = http.StatusText(code)
		if code >= 500 {
			msg = "Something went wrong; the request id is " + requestID(c) + "."
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	_ = c.JSON(code, api.Error{Error: msg})
}
