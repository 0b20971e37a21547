package handlers

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/views/layouts"
)

// render writes a component into a buffer first, so a template error still becomes a clean 500.
func render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// chrome gathers what every layout needs for this request.
func (s *Server) chrome(c echo.Context, title, section string) layouts.Chrome {
	ch := layouts.Chrome{Title: title, Section: section, RequestID: requestID(c)}
	if tok, ok := c.Get("csrf").(string); ok {
		ch.CSRF = tok
	}
	if u := currentUser(c); u != nil {
		ch.User = &layouts.User{Name: u.Name, Role: u.Role}
		if t := pairedTablet(c); t != nil {
			ch.User = &layouts.User{Name: t.Device.Label, Role: layouts.RoleTablet, By: u.Name}
		}
		ch.Flash = s.popFlash(c)
		if ch.User.IsAdmin() {
			ch.MailNotice = s.mailNotice(c.Request().Context())
			ch.HookNotice = s.hookNotice(c.Request().Context())
		}
	}
	return ch
}

// flash keeps a one-line confirmation for the next page this browser opens.
func (s *Server) flash(c echo.Context, msg string) {
	s.sessions.Put(c.Request().Context(), "flash", msg)
}

func (s *Server) popFlash(c echo.Context) string {
	return s.sessions.PopString(c.Request().Context(), "flash")
}

// seeOther redirects after a successful POST. A capture sent from a tablet's outbox (header
// X-Outbox: 1) gets 204 with X-Outbox-Saved naming that page instead: app.js then knows for sure
// the capture is stored (a proxy's or the login page, which a lapsed session is sent to, never
// carries the header) without downloading a page it does not show.
func seeOther(c echo.Context, url string) error {
	if c.Request().Header.Get("X-Outbox") == "1" {
		c.Response().Header().Set("X-Outbox-Saved", url)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, url)
}
