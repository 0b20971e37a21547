package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
)

const (
	userKey    = "boothlead.user"
	sessionKey = "boothlead.session"
)

// loadUser puts the signed-in session (if any) into the context. An ended device, a deactivated
// account, or a tablet whose pairing session ended ends the session there and then.
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
		sess, err := s.store.DeviceSession(ctx, id)
		switch {
		case errors.Is(err, models.ErrNotFound):
			if err := s.sessions.Destroy(ctx); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			c.Set(userKey, &sess.User)
			c.Set(sessionKey, &sess)
		}
		return next(c)
	}
}

// currentUser is the signed-in account (for a paired tablet, the account that paired it).
func currentUser(c echo.Context) *models.StaffUser {
	u, _ := c.Get(userKey).(*models.StaffUser)
	return u
}

// currentSession is the signed-in session with its device and scope, or nil.
func currentSession(c echo.Context) *models.Session {
	sess, _ := c.Get(sessionKey).(*models.Session)
	return sess
}

// pairedTablet is the session of a tablet paired for one event's booth, or nil.
func pairedTablet(c echo.Context) *models.Session {
	if sess := currentSession(c); sess != nil && sess.Paired() {
		return sess
	}
	return nil
}

// landing is where a signed-in browser starts: a paired tablet on its event's board.
func landing(c echo.Context) string {
	if t := pairedTablet(c); t != nil {
		return paths.Event(t.EventSlug)
	}
	return paths.Events()
}

// access is who may use a route; every line of the route table names one.
type access int

const (
	undecided  access = iota // the zero value: a route that did not choose; the router refuses it
	public                   // anyone
	operator                 // monitoring: loopback clients, others with the METRICS_TOKEN bearer token
	booth                    // any staff session, or a tablet paired for the event the route is about
	signedIn                 // a staff member's own session, any role (not a paired tablet)
	recruiter                // a recruiter's or admin's own session
	admin                    // an admin's own session
	kioskStart               // staff turning this browser into a kiosk (a tablet for its own event), or the kiosk itself
	kioskOnly                // a kiosk's own pages
)

// String names the access level (in test messages).
func (a access) String() string {
	switch a {
	case apiRecruiter:
		return "api-recruiter"
	case apiAdmin:
		return "api-admin"
	}
	if int(a) < 0 || int(a) > int(kioskOnly) {
		return "unknown"
	}
	return [...]string{"undecided", "public", "operator", "booth", "signed-in", "recruiter", "admin", "kiosk-start", "kiosk-only"}[a]
}

// role is the least staff role the access level asks for.
func (a access) role() string {
	switch a {
	case admin:
		return models.RoleAdmin
	case recruiter:
		return models.RoleRecruiter
	}
	return models.RoleStaff
}

// require enforces a route's access level. Without a session it redirects to the sign-in page;
// with too small a role, or a paired tablet outside its booth, it is 403.
func (s *Server) require(r route) echo.MiddlewareFunc {
	switch r.access {
	case public:
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	case operator:
		return s.operatorOnly
	case booth, signedIn, recruiter, admin, kioskStart, kioskOnly:
	case apiRecruiter, apiAdmin:
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next } // s.apiAuth checks the token (router)
	default:
		panic(fmt.Sprintf("handlers: route %s %s has no access level", r.method, r.path))
	}
	a := r.access
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			sess := currentSession(c)
			if kioskEvent(c) != 0 && sess == nil {
				// a kiosk: a candidate's screen with no staff rights
				if a == kioskStart || a == kioskOnly {
					return next(c) // the handler checks it is this event's kiosk
				}
				return echo.NewHTTPError(http.StatusForbidden,
					"This browser is a self check-in kiosk: it has no staff rights. Staff leave kiosk mode with the link at the bottom of its screen.")
			}
			if sess != nil && a == kioskOnly {
				return echo.NewHTTPError(http.StatusForbidden, "This page belongs to a kiosk; open the event's kiosk first.")
			}
			if sess == nil {
				next := c.Request().URL.RequestURI()
				if c.Request().Method != http.MethodGet {
					next = paths.Home()
				}
				return c.Redirect(http.StatusSeeOther, paths.LoginNext(next))
			}
			if sess.Paired() {
				ok, err := a == booth || a == kioskStart, error(nil)
				if ok {
					ok, err = s.inTabletScope(c, sess)
				}
				if err != nil {
					return err
				}
				if !ok {
					return echo.NewHTTPError(http.StatusForbidden, "This tablet is signed in for the booth of “"+
						sess.Device.EventName+"” only: its board, scanning, walk-ins and lead pages. Sign in with your own account for the rest.")
				}
				return next(c)
			}
			if u := currentUser(c); !u.Can(a.role()) {
				return echo.NewHTTPError(http.StatusForbidden, "Your role ("+u.Role+") cannot open this page. Ask an admin if you need it.")
			}
			return next(c)
		}
	}
}

// inTabletScope reports whether a booth route's request is about the event a tablet was paired
// for: by the event's slug in the path, or by the event of the lead in the path. A booth route
// that names neither is outside every tablet's scope.
func (s *Server) inTabletScope(c echo.Context, t *models.Session) (bool, error) {
	names := c.ParamNames()
	switch {
	case slices.Contains(names, "slug"):
		return c.Param("slug") == t.EventSlug, nil
	case slices.Contains(names, "id") && strings.HasPrefix(c.Path(), "/leads/"):
		eventID, err := s.store.LeadEventID(c.Request().Context(), c.Param("id"))
		if errors.Is(err, models.ErrNotFound) {
			return true, nil // the page answers 404 itself
		}
		return err == nil && t.Device.EventID != nil && eventID == *t.Device.EventID, err
	}
	return false, nil
}
