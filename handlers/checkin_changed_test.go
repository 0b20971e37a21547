package handlers

import (
	"net/http"
	"testing"
)

// The check-in's POST finds the event in the Store's cache. An event closed, or whose key was
// rotated, behind the cache's back (here: by SQL, which tells no instance) is still answered as
// a fresh lookup would: the statement checks the event itself, and the handler looks again.
func TestCheckInAtAnEventChangedBehindTheCache(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c := a.client()
	wantStatus(t, c.checkIn(ev, minimalForm()), http.StatusSeeOther) // the event is cached now

	if err := a.db.Gorm.Exec(`UPDATE events SET status = 'closed' WHERE id = ?`, ev.ID).Error; err != nil {
		t.Fatal(err)
	}
	form := minimalForm()
	form.Set("email", "second@example.com")
	p := c.checkIn(ev, form)
	if p.status != http.StatusGone || p.testid("checkin-closed").Length() != 1 {
		t.Errorf("a check-in at an event closed behind the cache: %d, want 410 with checkin-closed", p.status)
	}

	if err := a.db.Gorm.Exec(`UPDATE events SET status = 'live', checkin_key = 'rotated-behind-the-cache' WHERE id = ?`,
		ev.ID).Error; err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c.checkIn(ev, form), http.StatusNotFound) // the old booth QR
	if n := leadCount(t, a, ev); n != 1 {
		t.Fatalf("%d leads, want only the first", n)
	}
}
