package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
)

// checkInAgain answers a check-in whose event changed between the request's (cached) lookup and
// its write (models.ErrEventChanged): with the event as it is now, it is refused as a fresh
// request would be — closed (410), not open yet (403), an old booth QR (404) — or, when the event
// still takes it, recorded. done is true when the answer was sent.
func (s *Server) checkInAgain(c echo.Context, ev models.Event, site checkInSite, in models.LeadInput) (models.CheckInResult, bool, error) {
	var none models.CheckInResult
	ctx := c.Request().Context()
	fresh, err := s.store.EventByID(ctx, ev.ID)
	if err != nil {
		return none, true, err
	}
	page := paths.CheckIn(fresh.CheckinKey)
	if site.kiosk {
		page = paths.Kiosk(fresh.Slug)
	}
	if !s.isOpen(c, fresh, page, site.kiosk, &err) {
		return none, true, err
	}
	if !site.kiosk && fresh.CheckinKey != ev.CheckinKey {
		_, err := s.checkInEvent(c) // the old key: the friendly 404
		return none, true, err
	}
	res, err := s.store.CheckIn(ctx, fresh, in)
	return res, false, err
}
