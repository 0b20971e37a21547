package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/views/pages"
)

// board is the live booth board of an event.
func (s *Server) board(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.BoardPage(s.eventChrome(c, ev, ev.Name, "board"), pages.BoardVM{Slug: ev.Slug}))
}
