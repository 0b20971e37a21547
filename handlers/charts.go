package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/views/pages"
)

// charts shows the event in charts: check-ins over time, interests, ratings, conversations per
// staff member and sources, drawn as SVG on the server.
func (s *Server) charts(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	st, err := s.store.EventStats(c.Request().Context(), ev)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.ChartsPage(s.eventChrome(c, ev, "Charts — "+ev.Name, "charts"), pages.NewChartsVM(ev, st)))
}
