package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/wording"
)

// errConfirmUsed answers a confirm link that was used, has expired or never was.
var errConfirmUsed = candidateError(http.StatusNotFound, "error.confirm_used")

// visitConfirmForm shows what a repeat check-in asked for, with the button that applies it. Opening
// the link changes nothing (mail scanners open links too); only the form's POST does.
func (s *Server) visitConfirmForm(c echo.Context) error {
	noIndex(c)
	ctx := c.Request().Context()
	v, lead, err := s.store.VisitByConfirmLink(ctx, c.Param("token"))
	if errors.Is(err, models.ErrTokenUsed) {
		return errConfirmUsed
	}
	if err != nil {
		return err
	}
	ev, err := s.store.EventByID(ctx, lead.EventID)
	if err != nil {
		return err
	}
	qs, err := s.store.Questions(ctx, ev.ID)
	if err != nil {
		return err
	}
	l := s.candidateLang(c, v.Language, ev.Language)
	vm := pages.VisitConfirmVM{Token: c.Param("token"), Event: ev.Name, Company: ev.Company, When: l.DateTime(v.At.In(ev.Location())),
		Asked: wording.Changes(l, v.Changes, qs)}
	return render(c, http.StatusOK, pages.VisitConfirmPage(s.candidateChrome(c, l.T("confirm.title"), l, ""), vm))
}

// visitConfirm applies what a repeat check-in asked for, exactly once.
func (s *Server) visitConfirm(c echo.Context) error {
	noIndex(c)
	ctx := c.Request().Context()
	lead, err := s.store.ConfirmVisit(ctx, c.Param("token"))
	if errors.Is(err, models.ErrTokenUsed) {
		return errConfirmUsed
	}
	if err != nil {
		return err
	}
	ev, err := s.store.EventByID(ctx, lead.EventID)
	if err != nil {
		return err
	}
	l := s.leadLang(c, lead, ev)
	ch := s.candidateChrome(c, l.T("confirmed.title"), l, "")
	ch.LangSwitch = nil // the link is spent: this page cannot be opened again
	return render(c, http.StatusOK, pages.VisitConfirmedPage(ch, ev.Company, ev.Name))
}
