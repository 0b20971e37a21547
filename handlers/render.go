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

// seeOther redirects after a successful POST.
func seeOther(c echo.Context, url string) error { return c.Redirect(http.StatusSeeOther, url) }
