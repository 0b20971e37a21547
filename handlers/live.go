package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
)

// heartbeat keeps proxies from closing an idle stream.
const heartbeat = 25 * time.Second

// replayLimit is the most rows a stream replays at once; a board that missed more reloads.
const replayLimit = boardLimit

// boardLive streams new and updated board rows as server-sent events ("lead": the row's HTML,
// its id the number of the change). Notices come from Postgres LISTEN/NOTIFY, so a check-in on
// any instance reaches every board. A board that reconnects says what it has (Last-Event-ID, or
// ?after= from the board page or the page's script) and gets what it missed first; so does
// every stream after this instance's listener reconnected. The stream ends ("revoked") within
// seconds of its session being ended.
func (s *Server) boardLive(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	if s.live == nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "Live updates are off on this server; use Refresh.")
	}
	ctx := c.Request().Context()
	sub := s.live.Subscribe(ev.ID) // before the replay: nothing falls between the two
	defer sub.Close()
	cursor, replay := streamCursor(c)
	if !replay {
		if cursor, err = s.store.BoardCursor(ctx, ev.ID); err != nil {
			return err
		}
	}
	qs, err := s.store.Questions(ctx, ev.ID)
	if err != nil {
		return err
	}
	st := &stream{s: s, c: c, ev: ev, qs: qs, cursor: cursor, device: currentSession(c).Device.ID}

	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	c.Response().WriteHeader(http.StatusOK)
	if !st.write("retry: 3000\n: connected\n\n") {
		return nil
	}
	// retry is armed when a catch-up could not read the change log (the database is away)
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	catchUp := func() bool {
		ok, err := st.catchUp(ctx)
		if err != nil {
			retry.Reset(catchUpRetry)
		}
		return ok
	}
	if replay && !catchUp() {
		return nil
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	recheck := time.NewTicker(s.streamRecheck)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-beat.C:
			if !st.write(": ping\n\n") {
				return nil
			}
		case <-sub.Recheck():
			if !st.stillSignedIn(ctx) {
				return nil
			}
		case <-recheck.C:
			if !st.stillSignedIn(ctx) {
				return nil
			}
		case <-sub.Resync():
			if !catchUp() {
				return nil
			}
		case <-retry.C:
			if !catchUp() {
				return nil
			}
		case n, ok := <-sub.Notices():
			if !ok {
				return nil // the server is shutting down
			}
			ok, err := st.sendLeads(ctx, []models.LeadChange{{LeadID: n.LeadID, Seq: n.Seq}})
			if !ok {
				return nil
			}
			if err != nil {
				retry.Reset(catchUpRetry) // the change log has it: replay it from there
			}
		}
	}
}

// streamCursor is the last change the board has: the Last-Event-ID its browser sends when it
// reconnects by itself, else ?after= from the page. replay is false when it gave neither.
func streamCursor(c echo.Context) (int64, bool) {
	for _, v := range []string{c.Request().Header.Get("Last-Event-ID"), c.QueryParam("after")} {
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n >= 0 {
			return n, true
		}
	}
	return 0, false
}

// stream is one open board stream.
type stream struct {
	s      *Server
	c      echo.Context
	ev     models.Event
	qs     []models.Question // the questions as they were when the board opened (it reloads after a change)
	cursor int64             // the newest change sent
	device int64
}

// write sends text and flushes; false when the client is gone.
func (st *stream) write(text string) bool {
	w := st.c.Response()
	if _, err := fmt.Fprint(w, text); err != nil {
		return false
	}
	w.Flush()
	return true
}

// stillSignedIn re-checks the stream's session. When it was ended, the board is told so (its
// page reloads, to the sign-in page) and the stream ends; when it cannot be checked (the
// database is away), the stream ends too and the browser reconnects later.
func (st *stream) stillSignedIn(ctx context.Context) bool {
	_, err := st.s.store.DeviceSession(ctx, st.device)
	if errors.Is(err, models.ErrNotFound) {
		st.write("event: revoked\ndata: signed out\n\n")
		return false
	}
	return err == nil
}

// catchUpRetry is how soon a catch-up that could not read the database is tried again.
const catchUpRetry = time.Second

// catchUp sends what changed after the cursor; a board too far behind is told to reload. ok is
// false when the client is gone; err says the change log could not be read (try again).
func (st *stream) catchUp(ctx context.Context) (ok bool, err error) {
	changes, more, err := st.s.store.LeadChangesSince(ctx, st.ev.ID, st.cursor, replayLimit)
	if err != nil {
		return true, err
	}
	if more {
		return st.write("event: reload\ndata: missed too much\n\n"), nil
	}
	return st.sendLeads(ctx, changes)
}

// sendLeads sends the board rows of changed leads (deleted ones are skipped), each labelled with
// its change number, never going back below the cursor. ok is false when the client is gone;
// err says the rows could not be read (the cursor stays, to try again).
func (st *stream) sendLeads(ctx context.Context, changes []models.LeadChange) (ok bool, err error) {
	ids := make([]string, 0, len(changes))
	for _, ch := range changes {
		ids = append(ids, ch.LeadID)
	}
	rows, err := st.s.store.BoardLeadsByID(ctx, ids)
	if err != nil {
		return true, err
	}
	now := time.Now()
	for _, ch := range changes {
		st.cursor = max(st.cursor, ch.Seq)
		row, ok := rows[ch.LeadID]
		if !ok {
			continue // deleted meanwhile
		}
		var buf bytes.Buffer
		if err := pages.BoardRow(boardRowVM(st.ev, row, now, st.qs)).Render(ctx, &buf); err != nil {
			return false, err
		}
		data := strings.ReplaceAll(strings.TrimRight(buf.String(), "\n"), "\n", "\ndata: ")
		if !st.write(fmt.Sprintf("id: %d\nevent: lead\ndata: %s\n\n", st.cursor, data)) {
			return false, nil
		}
	}
	return true, nil
}
