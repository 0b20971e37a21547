package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// offlineSwitch drops every connection while on, as venue Wi-Fi does; with loseNext it lets the
// next POST through to the app and then drops the connection before the answer leaves (the
// server stored it, the tablet never heard).
type offlineSwitch struct {
	next     http.Handler
	on       atomic.Bool
	loseNext atomic.Bool
}

func (o *offlineSwitch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	drop := func() {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
	}
	if o.on.Load() {
		drop()
		return
	}
	if r.Method == http.MethodPost && o.loseNext.CompareAndSwap(true, false) {
		o.next.ServeHTTP(httptest.NewRecorder(), r)
		drop()
		return
	}
	o.next.ServeHTTP(w, r)
}

// offlineRule is Network.emulateNetworkConditionsByRule as this chromium speaks it (the switch is
// a top-level "offline", newer than the generated cdproto types).
type offlineRule struct {
	Offline bool                  `json:"offline"`
	Matched []*network.Conditions `json:"matchedNetworkConditions"`
}

// setOffline takes the tablet's network away for real: its requests fail and navigator.onLine
// says so.
func setOffline(t testing.TB, ctx context.Context, off bool) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return fmt.Errorf("enable: %w", err)
		}
		rule := cdp.Command[offlineRule, network.EmulateNetworkConditionsByRuleResult]{Method: "Network.emulateNetworkConditionsByRule"}
		if _, err := chromedp.Call(ctx, rule, offlineRule{Offline: off, Matched: []*network.Conditions{}}); err != nil {
			return fmt.Errorf("conditions: %w", err)
		}
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off,
			DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
	if err != nil {
		t.Fatalf("set offline %v: %v", off, err)
	}
}

func pendingIs(ctx context.Context, n int, within time.Duration) bool {
	return eventually(ctx, `document.querySelector('[data-testid="pending-count"]').textContent.trim() === '`+strconv.Itoa(n)+`'`, within)
}

// TestJourneyOfflineOutbox: the network really goes away (the browser is offline and the server
// drops connections). The tablet reloads the lead page and the walk-in form from its own copies,
// saves five conversations and a walk-in into its outbox, its session expires meanwhile; back
// online it keeps the captures until staff sign in again, then sends each exactly once — also the
// one whose answer was lost on the way back.
func TestJourneyOfflineOutbox(t *testing.T) {
	a := newTestApp(t)
	sw := &offlineSwitch{next: a.ts.Config.Handler}
	a.ts.Config.Handler = sw
	ev := modelstest.Event(t, a.db, "offline", "Backend", "Data")
	lead := checkInDirect(t, a, ev, "Offline Olga", "olga@example.com", "Data")
	modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	tablet := newBrowser(t, tabletW, tabletH, false)
	u := a.ts.URL
	run(t, tablet, "sign in and open the board", signInSteps(u, "sam@example.com"), chromedp.Navigate(u+paths.Event(ev.Slug)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="scan-form"]`)))
	// the service worker is installed on the first visit and serves the pages from the next one
	if !eventually(tablet, `(async () => { const r = await navigator.serviceWorker.getRegistration(); return !!(r && r.active) })()`, 15*time.Second) {
		t.Fatal("no service worker")
	}
	run(t, tablet, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="scan-form"]`)))
	if !eventually(tablet, `!!navigator.serviceWorker.controller`, 15*time.Second) {
		st, _ := chromedp.Run(tablet, chromedp.Evaluate[string](`navigator.serviceWorker.getRegistration().then(r => r ? JSON.stringify({a: !!r.active, i: !!r.installing, w: !!r.waiting, s: r.active && r.active.state}) : 'none')`, chromedp.EvalAwaitPromise))
		t.Fatalf("the service worker does not control the page: %s", st)
	}
	// the pages of the day, opened once while online
	for _, p := range []string{paths.Event(ev.Slug), paths.QuickAdd(ev.Slug), paths.Lead(lead.ID)} {
		run(t, tablet, "open "+p, chromedp.Navigate(u+p), chromedp.WaitReady(chromedp.CSS(`main`)))
	}

	sw.on.Store(true)
	setOffline(t, tablet, true)
	run(t, tablet, "reload the lead page offline", chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="conversation-form"]`)))
	if got := text(t, tablet, `[data-testid="lead-name"]`); got != "Offline Olga" {
		t.Fatalf("offline reload shows %q", got)
	}
	if !eventually(tablet, `!!window.Boothlead`, 10*time.Second) {
		t.Fatal("app.js did not start on the offline copy")
	}
	for i := range 5 {
		run(t, tablet, "save conversation "+strconv.Itoa(i),
			chromedp.SendKeys(chromedp.CSS(`[data-testid="conversation-form"] textarea[name="notes"]`), "Offline note "+strconv.Itoa(i)),
			chromedp.Click(chromedp.CSS(`label.r-warm`)),
			chromedp.Click(chromedp.CSS(`[data-testid="save-conversation"]`)))
		if !pendingIs(tablet, i+1, 10*time.Second) {
			screenshot(t, tablet, "tablet-29-offline-failed")
			st, _ := chromedp.Run(tablet, chromedp.Evaluate[string](`document.querySelector('[data-sync-status]').textContent + ' | ' + location.href`))
			t.Fatalf("conversation %d is not in the outbox: %s", i, st)
		}
	}
	if got, _ := chromedp.Run(tablet, chromedp.Evaluate[string](`document.querySelector('[data-sync-status]').dataset.state || ''`)); got != "warn" {
		t.Errorf("while offline the status line is %q, want warn (amber)", got)
	}
	screenshot(t, tablet, "tablet-20-offline-pending")

	run(t, tablet, "open the walk-in form offline", chromedp.Navigate(u+paths.QuickAdd(ev.Slug)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="walk-in-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="walk-in-form"] input[name="name"]`), "Walk-in Wanda"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="walk-in-form"] input[name="email"]`), "wanda@example.com"),
		chromedp.Click(chromedp.CSS(`[data-testid="walk-in-form"] input[name="consent"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="walk-in-form"] button[type="submit"]`)))
	if !pendingIs(tablet, 6, 10*time.Second) {
		t.Fatal("the walk-in is not in the outbox")
	}

	// the session ends while the tablet is offline (it expired; here: the row is gone)
	a.db.Gorm.Exec(`DELETE FROM sessions`)
	sw.on.Store(false)
	setOffline(t, tablet, false)
	run(t, tablet, "back online", chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('online'))`))
	if !eventually(tablet, `document.querySelector('[data-sync-status]').textContent.includes('signed out')`, 20*time.Second) {
		t.Fatal("the tablet does not say it must sign in again")
	}
	if !pendingIs(tablet, 6, time.Second) {
		t.Fatal("the outbox lost captures when the session was gone")
	}
	screenshot(t, tablet, "tablet-21-offline-signed-out")

	// sign in again: the outbox goes out; the first answer is lost on the way back
	sw.loseNext.Store(true)
	run(t, tablet, "sign in again", signInSteps(u, "sam@example.com"))
	run(t, tablet, "open the board", chromedp.Navigate(u+paths.Event(ev.Slug)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="scan-form"]`)))
	if !pendingIs(tablet, 0, 60*time.Second) {
		screenshot(t, tablet, "tablet-29-offline-failed")
		st, _ := chromedp.Run(tablet, chromedp.Evaluate[string](`document.querySelector('[data-sync-status]').textContent + ' | ' + location.href + ' | ' + navigator.onLine`))
		t.Fatalf("the outbox was not sent after signing in again: %s", st)
	}
	if got := text(t, tablet, `[data-sync-last]`); !strings.HasPrefix(got, "synced ") {
		t.Errorf("last sync shown as %q", got)
	}
	screenshot(t, tablet, "tablet-22-offline-synced")
	cs, _ := a.store.Conversations(t.Context(), lead.ID)
	notes := map[string]int{}
	for _, c := range cs {
		notes[c.Notes]++
	}
	if len(cs) != 5 {
		t.Errorf("%d conversations stored for Olga, want 5: %v", len(cs), notes)
	}
	for i := range 5 {
		if n := notes["Offline note "+strconv.Itoa(i)]; n != 1 {
			t.Errorf("offline note %d stored %d times", i, n)
		}
	}
	var walkIns int64
	a.db.Gorm.Raw(`SELECT count(*) FROM leads WHERE email = 'wanda@example.com'`).Scan(&walkIns)
	if walkIns != 1 {
		t.Errorf("%d walk-in leads for Wanda, want 1", walkIns)
	}
}
