package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// boardLimit is how many arrivals the board shows; older ones are found by search.
const boardLimit = 200

// board is the live booth board of an event: newest arrivals first, search, scanning.
func (s *Server) board(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	return s.boardPage(c, ev, http.StatusOK, "", "")
}

func (s *Server) boardPage(c echo.Context, ev models.Event, status int, code, codeErr string) error {
	ctx := c.Request().Context()
	q := c.QueryParam("q")
	// the cursor first: whatever changes after it, the live stream replays (a row twice is fine)
	cursor, err := s.store.BoardCursor(ctx, ev.ID)
	if err != nil {
		return err
	}
	rows, err := s.store.BoardLeads(ctx, ev.ID, q, boardLimit)
	if err != nil {
		return err
	}
	total, err := s.store.CountLeads(ctx, ev.ID)
	if err != nil {
		return err
	}
	qs, err := s.store.Questions(ctx, ev.ID)
	if err != nil {
		return err
	}
	vm := pages.BoardVM{Slug: ev.Slug, Event: ev.Name, Query: q, Total: total, Code: code, CodeError: codeErr,
		ClientID: uuid.NewString(), Live: ev.Status == models.StatusLive, Stream: paths.LiveFrom(ev.Slug, cursor),
		Tablet: pairedTablet(c) != nil}
	switch ev.Status {
	case models.StatusDraft:
		vm.CheckInClosed = "Check-in is not open yet: the event is a draft. An admin sets it to live in the event settings."
	case models.StatusClosed:
		vm.CheckInClosed = "Check-in is closed for this event. You can still scan, add walk-ins and record conversations."
	}
	now := time.Now()
	for _, r := range rows {
		vm.Rows = append(vm.Rows, boardRowVM(ev, r, now, qs))
	}
	ch := s.eventChrome(c, ev, ev.Name, "board")
	ch.Scanner = true
	return render(c, status, pages.BoardPage(ch, vm))
}

func boardRowVM(ev models.Event, r models.BoardRow, now time.Time, qs []models.Question) pages.BoardRowVM {
	at := r.LastSeenAt.In(ev.Location())
	row := pages.BoardRowVM{ID: r.ID, Name: r.DisplayName(), Company: r.Company, Interests: r.Interests,
		Time: at.Format("Mon 15:04"), ISOTime: at.Format(time.RFC3339), Ago: ago(ev.Location(), r.LastSeenAt, now),
		Rating: r.RatingText(), TalkedBy: r.TalkedBy, Unresolved: !r.Resolved(), Visits: r.VisitCount}
	for _, a := range staffAnswers(qs, r.Answers) {
		row.Answers = append(row.Answers, a.Label+": "+a.Value)
	}
	return row
}

// ago says how long ago in a few words: minutes and hours the same day, then calendar days in the
// event's time zone ("yesterday" is the day before today there, not 24 hours).
func ago(loc *time.Location, t, now time.Time) string {
	d := now.Sub(t)
	tt, nn := t.In(loc), now.In(loc)
	days := int(time.Date(nn.Year(), nn.Month(), nn.Day(), 0, 0, 0, 0, time.UTC).
		Sub(time.Date(tt.Year(), tt.Month(), tt.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case days <= 0:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	case days == 1:
		return "yesterday"
	}
	return fmt.Sprintf("%d days ago", days)
}

// when formats a time in the event's time zone for people.
func when(ev models.Event, t time.Time) string { return t.In(ev.Location()).Format("Mon 2 Jan 15:04") }
