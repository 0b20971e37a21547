package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// outageApp is an app instance whose every connection to Postgres (pool, sessions, listener)
// goes through a proxy the test cuts: a database outage as the app sees it.
func outageApp(t *testing.T) (*testApp, *modelstest.Proxy, modelstest.DB) {
	t.Helper()
	direct := modelstest.New(t)
	proxy := modelstest.NewProxy(t, direct.URL)
	return startInstance(t, modelstest.Connect(t, proxy.URL(direct.URL))), proxy, direct
}

// While the database is unreachable a check-in answers 503 with Retry-After and the form again
// with everything typed; staff pages say the database is unreachable; once it is back, sending
// the same form again works.
func TestCheckInWhileTheDatabaseIsDown(t *testing.T) {
	t.Parallel()
	a, proxy, direct := outageApp(t)
	ev := modelstest.Event(t, direct, "outage", "Backend", "Data", "SRE")
	cold := startInstance(t, modelstest.Connect(t, proxy.URL(direct.URL))) // has never shown the form
	admin := a.signedIn("ada@example.com", models.RoleAdmin)
	phone, otherPhone := a.client(), cold.client()
	wantStatus(t, phone.get(paths.CheckIn(ev.CheckinKey)), http.StatusOK)
	otherPhone.get("/login") // a CSRF cookie, as any page gives
	form := fullForm()
	form.Set("stamp", a.oldStamp(ev, 3*time.Second))

	proxy.Cut()
	start := time.Now()
	p := phone.checkIn(ev, form)
	took := time.Since(start)
	wantStatus(t, p, http.StatusServiceUnavailable)
	if p.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	if took > 3*time.Second {
		t.Errorf("the 503 took %s", took)
	}
	f := p.testid("checkin-form")
	for _, name := range []string{"name", "email", "phone", "company", "title", "github"} {
		if v, _ := f.Find(`input[name="` + name + `"]`).Attr("value"); v != form.Get(name) {
			t.Errorf("%s not kept: %q, want %q", name, v, form.Get(name))
		}
	}
	if got := f.Find(`textarea[name="message"]`).Text(); !strings.Contains(got, "I build compilers.") {
		t.Errorf("message not kept: %q", got)
	}
	if n := f.Find(`input[name="interests"][checked]`).Length(); n != 2 {
		t.Errorf("%d interests still ticked, want 2", n)
	}
	if _, ok := f.Find(`input[name="consent"]`).Attr("checked"); !ok {
		t.Error("the consent box lost its tick")
	}
	if !strings.Contains(p.testid("form-notice").Text(), "Nothing was saved") {
		t.Errorf("notice %q", p.testid("form-notice").Text())
	}
	stamp, _ := f.Find(`input[name="stamp"]`).Attr("value")

	// an instance that never showed this form keeps the typing in hidden fields
	p = otherPhone.checkIn(ev, form)
	wantStatus(t, p, http.StatusServiceUnavailable)
	retry := p.testid("checkin-retry-form")
	if v, _ := retry.Find(`input[name="email"]`).Attr("value"); v != form.Get("email") || retry.Find(`input[name="interests"]`).Length() != 2 {
		t.Errorf("the retry form lost what was typed: %q", v)
	}
	// the form itself, from memory
	p = phone.get(paths.CheckIn(ev.CheckinKey))
	wantStatus(t, p, http.StatusServiceUnavailable)
	if p.testid("checkin-form").Length() != 1 {
		t.Error("the check-in page is not shown while the database is down")
	}
	// staff pages say what is wrong
	for _, path := range []string{paths.Events(), paths.Event(ev.Slug)} {
		p = admin.get(path)
		wantStatus(t, p, http.StatusServiceUnavailable)
		if !strings.Contains(p.body, "database is unreachable") || strings.Contains(p.body, "Something went wrong") {
			t.Errorf("%s while the database is down: %.300s", path, p.testid("error-page").Text())
		}
	}

	proxy.Restore()
	form.Set("stamp", stamp)
	deadline := time.Now().Add(10 * time.Second)
	for p = phone.checkIn(ev, form); p.status != http.StatusSeeOther && time.Now().Before(deadline); p = phone.checkIn(ev, form) {
		time.Sleep(100 * time.Millisecond)
	}
	wantStatus(t, p, http.StatusSeeOther)
	if n, _ := direct.Store.CountLeads(t.Context(), ev.ID); n != 1 {
		t.Errorf("%d leads after the retry, want 1", n)
	}
}

// A board that lost its stream gets what it missed when it reconnects: by Last-Event-ID (the
// browser's own reconnect) or by ?after= (a new stream, as htmx opens after an error, and the
// board page's first one).
func TestLiveStreamReplaysWhatTheBoardMissed(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "replay", "Go")
	sam := a.signedIn("sam@example.com", models.RoleStaff)

	board := sam.get(paths.Event(ev.Slug))
	src, _ := board.doc.Find("[sse-connect]").Attr("sse-connect")
	if !strings.Contains(src, "after=") {
		t.Fatalf("the board's stream %q says nothing about what the page shows", src)
	}
	checkInDirect(t, a, ev, "Between Page And Stream", "between@example.com") // before the stream opens
	ctx, cancel := context.WithCancel(context.Background())
	lines := sseLines(t, ctx, sam, src)
	waitFor(t, lines, "Between Page And Stream", 5*time.Second)

	checkInDirect(t, a, ev, "Seen Live", "seen@example.com")
	last := waitForID(t, lines)
	waitFor(t, lines, "Seen Live", time.Second)
	cancel() // the stream drops

	checkInDirect(t, a, ev, "Missed One", "missed1@example.com")
	checkInDirect(t, a, ev, "Missed Two", "missed2@example.com")
	for _, how := range []struct {
		name string
		req  func(*http.Request)
	}{
		{"Last-Event-ID", func(r *http.Request) { r.Header.Set("Last-Event-ID", last) }},
		{"after", func(r *http.Request) { r.URL.RawQuery = "after=" + last }},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		lines := sseLinesWith(t, ctx, sam, paths.Live(ev.Slug), how.req)
		waitFor(t, lines, "Missed One", 5*time.Second)
		waitFor(t, lines, "Missed Two", 5*time.Second)
		cancel()
	}
}

// waitForID returns the next SSE id on the stream.
func waitForID(t testing.TB, lines <-chan string) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("stream ended")
			}
			if id, found := strings.CutPrefix(l, "id: "); found {
				return id
			}
		case <-deadline:
			t.Fatal("no id on the stream")
		}
	}
}

// The outage: check-ins keep coming while the database drops for a few seconds. Every
// check-in that was saved reaches a board that stayed open, however the listener's reconnection
// went: the stream replays the change log after the listener is back.
func TestLiveBoardMissesNothingAcrossADatabaseOutage(t *testing.T) {
	t.Parallel()
	a, proxy, direct := outageApp(t)
	ev := modelstest.Event(t, direct, "drop", "Go")
	sam := a.signedIn("sam@example.com", models.RoleStaff)
	lines := openStream(t, sam, ev)
	stamp := a.oldStamp(ev, 3*time.Second)

	seen := map[string]time.Time{}
	var mu sync.Mutex
	go func() {
		for l := range lines {
			if i := strings.Index(l, "Outage Guest "); i >= 0 {
				mu.Lock()
				if name := l[i : i+len("Outage Guest 000")]; seen[name].IsZero() {
					seen[name] = time.Now()
				}
				mu.Unlock()
			}
		}
	}()

	phone := a.client()
	phone.get("/login")
	var saved []string
	savedAt := map[string]time.Time{}
	var cut, restored time.Time
	for i := 0; i < 120; i++ {
		switch i {
		case 30:
			proxy.Cut()
			cut = time.Now()
		case 70:
			proxy.Restore()
			restored = time.Now()
		}
		name := fmt.Sprintf("Outage Guest %03d", i)
		f := url.Values{"name": {name}, "email": {fmt.Sprintf("guest%03d@example.com", i)}, "consent": {"yes"}, "stamp": {stamp}}
		if p := phone.checkIn(ev, f); p.status == http.StatusSeeOther {
			saved = append(saved, name)
			savedAt[name] = time.Now()
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(saved) < 60 {
		t.Fatalf("only %d of 120 check-ins were saved", len(saved))
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		var missing []string
		var slowest time.Duration
		for _, n := range saved {
			if seen[n].IsZero() {
				missing = append(missing, n)
			}
			slowest = max(slowest, seen[n].Sub(savedAt[n]))
		}
		mu.Unlock()
		if len(missing) == 0 {
			t.Logf("%d of 120 check-ins saved around a %s outage; all reached the open board, the slowest %s after it was saved",
				len(saved), restored.Sub(cut).Round(100*time.Millisecond), slowest.Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d saved check-ins never reached the board: %v", len(missing), missing)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The listener alone drops (the pool stays fine): what was announced meanwhile is replayed as
// soon as the listener is back, which is within two seconds of the database answering.
func TestLiveBoardCatchesUpAfterItsListenerDropped(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	proxy := modelstest.NewProxy(t, db.URL)
	a := startInstanceHub(t, db, proxy.URL(db.URL))
	ev := modelstest.Event(t, db, "listener", "Go")
	sam := a.signedIn("sam@example.com", models.RoleStaff)
	lines := openStream(t, sam, ev)

	proxy.Cut()
	time.Sleep(3 * time.Second) // the listener retries meanwhile, its pause growing
	for i := range 5 {
		checkInDirect(t, a, ev, fmt.Sprintf("Unheard %d", i), fmt.Sprintf("unheard%d@example.com", i))
	}
	restored := time.Now()
	proxy.Restore()
	for i := range 5 {
		waitFor(t, lines, fmt.Sprintf("Unheard %d", i), 5*time.Second)
	}
	t.Logf("the board had all 5 announcements it missed %s after the listener's database came back (3 s outage)",
		time.Since(restored).Round(time.Millisecond))
	stillOpen(t, a, ev, lines, "Heard Again")
}
