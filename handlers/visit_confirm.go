package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
)

// errConfirmUsed answers a confirm link that was used, has expired or never was.
var errConfirmUsed = echo.NewHTTPError(http.StatusNotFound,
	"This link was used already or has expired, so nothing was changed. Your private link in the same mail still shows what is stored.")

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
	loc := ev.Location()
	vm := pages.VisitConfirmVM{Token: c.Param("token"), Event: ev.Name, Company: ev.Company, When: candidateTime(v.At, loc)}
	for _, f := range v.Changes.Fields {
		vm.Changes = append(vm.Changes, pages.VisitChange{Label: models.FieldWords(f.Field), From: f.From, To: f.To})
	}
	vm.Interests = v.Changes.Interests
	for _, ask := range v.Changes.Consents {
		vm.Consents = append(vm.Consents, candidatePurpose(ask.Purpose))
	}
	return render(c, http.StatusOK, pages.VisitConfirmPage(s.chrome(c, "Confirm your check-in", ""), vm))
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
	return render(c, http.StatusOK, pages.VisitConfirmedPage(s.chrome(c, "Confirmed", ""), ev.Company, ev.Name))
}
