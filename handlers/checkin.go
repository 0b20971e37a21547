package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
)

// checkInEvent finds the event behind a booth QR; a wrong or rotated key is a friendly 404.
func (s *Server) checkInEvent(c echo.Context) (models.Event, error) {
	ev, err := s.store.EventByCheckinKey(c.Request().Context(), c.Param("key"))
	if errors.Is(err, models.ErrNotFound) {
		return ev, render(c, http.StatusNotFound, pages.CodeInvalidPage(s.chrome(c, "Code no longer valid", "")))
	}
	return ev, err
}

func (s *Server) checkInForm(c echo.Context) error {
	ev, err := s.checkInEvent(c)
	if err != nil || ev.ID == 0 {
		return err
	}
	return render(c, http.StatusOK, pages.CheckInPage(s.chrome(c, "Check in — "+ev.Name, ""), pages.CheckInVM{Event: ev.Name, Company: ev.Company}))
}

func (s *Server) checkIn(c echo.Context) error { return echo.ErrNotImplemented }
