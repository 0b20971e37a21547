package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/outbox"
	"github.com/boothlead/boothlead/views/pages"
)

var errUnknownUnsubscribe = echo.NewHTTPError(http.StatusNotFound,
	"This unsubscribe link is not valid. If you copied it from a mail, copy the whole link.")

// unsubscribeForm is the page an unsubscribe link opens: one button, or "done" when it was.
// Opening it changes nothing (mail scanners open links too).
func (s *Server) unsubscribeForm(c echo.Context) error {
	token := c.Param("token")
	if token == outbox.TestUnsubscribeToken {
		return render(c, http.StatusOK, pages.UnsubscribePage(s.chrome(c, "Unsubscribe", ""), pages.UnsubscribeVM{Test: true}))
	}
	u, err := s.store.UnsubscribeState(c.Request().Context(), token)
	if errors.Is(err, models.ErrNotFound) {
		return errUnknownUnsubscribe
	}
	if err != nil {
		return err
	}
	vm := pages.UnsubscribeVM{Token: token, Company: u.Event.Company, Event: u.Event.Name, Done: u.Done}
	return render(c, http.StatusOK, pages.UnsubscribePage(s.chrome(c, "Unsubscribe", ""), vm))
}

// unsubscribe withdraws the contact consent behind the link: from the page's button, or as the
// one-click POST a mail app sends (RFC 8058: body List-Unsubscribe=One-Click, no cookies, no
// form token), which gets a plain 200.
func (s *Server) unsubscribe(c echo.Context) error {
	token := c.Param("token")
	oneClick := c.FormValue("List-Unsubscribe") == "One-Click"
	if token == outbox.TestUnsubscribeToken {
		if oneClick {
			return c.String(http.StatusOK, "test link: nothing to do\n")
		}
		return render(c, http.StatusOK, pages.UnsubscribePage(s.chrome(c, "Unsubscribe", ""), pages.UnsubscribeVM{Test: true}))
	}
	u, err := s.store.Unsubscribe(c.Request().Context(), token)
	if errors.Is(err, models.ErrNotFound) {
		return errUnknownUnsubscribe
	}
	if err != nil {
		return err
	}
	s.nudgeWork()
	if oneClick {
		return c.String(http.StatusOK, "unsubscribed\n")
	}
	vm := pages.UnsubscribeVM{Token: token, Company: u.Event.Company, Event: u.Event.Name, Done: true}
	return render(c, http.StatusOK, pages.UnsubscribePage(s.chrome(c, "Unsubscribed", ""), vm))
}

// nudgeWork wakes this instance's webhook and ATS workers after a change queued work for them.
func (s *Server) nudgeWork() {
	if s.ints.Nudge != nil {
		s.ints.Nudge()
	}
}
