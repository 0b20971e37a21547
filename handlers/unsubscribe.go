package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/outbox"
	"github.com/boothlead/boothlead/views/pages"
)

// errUnknownUnsubscribe answers an unsubscribe link that matches no follow-up (forged or cut short).
var errUnknownUnsubscribe = candidateError(http.StatusNotFound, "error.unknown_unsubscribe")

// unsubscribeForm is the page an unsubscribe link opens: one button, or "done" when it was.
// Opening it changes nothing (mail scanners open links too).
func (s *Server) unsubscribeForm(c echo.Context) error {
	noIndex(c)
	token := c.Param("token")
	if token == outbox.TestUnsubscribeToken {
		return s.unsubscribeTestPage(c)
	}
	u, err := s.store.UnsubscribeState(c.Request().Context(), token)
	if errors.Is(err, models.ErrNotFound) {
		return errUnknownUnsubscribe
	}
	if err != nil {
		return err
	}
	return s.unsubscribePage(c, token, u)
}

// unsubscribe withdraws the contact consent behind the link: from the page's button, or as the
// one-click POST a mail app sends (RFC 8058: body List-Unsubscribe=One-Click, no cookies, no
// form token), which gets a plain 200.
func (s *Server) unsubscribe(c echo.Context) error {
	noIndex(c)
	token := c.Param("token")
	oneClick := c.FormValue("List-Unsubscribe") == "One-Click"
	if token == outbox.TestUnsubscribeToken {
		if oneClick {
			return c.String(http.StatusOK, "test link: nothing to do\n")
		}
		return s.unsubscribeTestPage(c)
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
	return s.unsubscribePage(c, token, u)
}

// unsubscribePage asks, or says it is done, in the lead's language. The language switch stays on
// the done page too: its links open the same link, which then says "done" in that language.
func (s *Server) unsubscribePage(c echo.Context, token string, u models.Unsubscription) error {
	l := s.candidateLang(c, u.Language, u.Event.Language)
	title := l.T("unsubscribe.title")
	if u.Done {
		title = l.T("unsubscribed.title")
	}
	vm := pages.UnsubscribeVM{Token: token, Company: u.Event.Company, Event: u.Event.Name, Done: u.Done}
	return render(c, http.StatusOK, pages.UnsubscribePage(s.candidateChrome(c, title, l, ""), vm))
}

// unsubscribeTestPage is what the link of a test send opens: staff see it, so it stays in English.
func (s *Server) unsubscribeTestPage(c echo.Context) error {
	return render(c, http.StatusOK, pages.UnsubscribePage(s.chrome(c, "Unsubscribe", ""), pages.UnsubscribeVM{Test: true}))
}

// nudgeWork wakes this instance's webhook and ATS workers after a change queued work for them.
func (s *Server) nudgeWork() {
	if s.ints.Nudge != nil {
		s.ints.Nudge()
	}
}
