package handlers

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/views/pages"
)

// heartbeat keeps proxies from closing an idle stream.
const heartbeat = 25 * time.Second

// boardLive streams new and updated board rows as server-sent events ("lead", the row's HTML).
// Notices come from Postgres LISTEN/NOTIFY, so a check-in on any instance reaches every board.
func (s *Server) boardLive(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	if s.live == nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "Live updates are off on this server; use Refresh.")
	}
	// the questions as they are when the board opens (a board reloads after an admin changes them)
	qs, err := s.store.Questions(c.Request().Context(), ev.ID)
	if err != nil {
		return err
	}
	notices, stop := s.live.Subscribe(ev.ID)
	defer stop()

	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	c.Response().WriteHeader(http.StatusOK)
	w := c.Response()
	if _, err := fmt.Fprint(w, "retry: 3000\n: connected\n\n"); err != nil {
		return nil
	}
	w.Flush()

	ctx := c.Request().Context()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return nil
			}
			w.Flush()
		case n, ok := <-notices:
			if !ok {
				return nil // the server is shutting down
			}
			row, err := s.store.BoardLead(ctx, n.LeadID)
			if err != nil {
				continue // deleted meanwhile
			}
			var buf bytes.Buffer
			if err := pages.BoardRow(boardRowVM(ev, row, time.Now(), qs)).Render(ctx, &buf); err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "event: lead\ndata: %s\n\n", strings.ReplaceAll(buf.String(), "\n", "\ndata: ")); err != nil {
				return nil
			}
			w.Flush()
		}
	}
}
