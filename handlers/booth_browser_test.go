package handlers

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// TestJourneyBoothTablet: booth staff on a tablet sign in, watch a candidate's check-in from a
// phone (another browser context) appear on the board without a reload, scan a vCard through
// the manual field as a keyboard-wedge scanner types it, and record a conversation.
func TestJourneyBoothTablet(t *testing.T) {
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "booth", "Backend", "Data", "SRE")
	sam := modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	// a booth that has been busy for a while (the board shows the latest arrivals first)
	today := time.Now().In(ev.Location()).Truncate(24 * time.Hour)
	seed := models.DemoLeads(models.DemoOptions{Leads: 12, Days: []time.Time{today.Add(-24 * time.Hour)},
		Interests: ev.Interests, Staff: []int64{sam.ID}, Seed: 7})
	if err := a.store.SeedLeads(t.Context(), ev, seed); err != nil {
		t.Fatal(err)
	}
	tablet := newBrowser(t, tabletW, tabletH, false)
	u := a.ts.URL

	run(t, tablet, "sign in", signInSteps(u, "sam@example.com"),
		chromedp.Navigate(u+paths.Event(ev.Slug)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="scan-form"]`)),
		chromedp.Evaluate[chromedp.Void](`window.__noReload = 'still here'`))
	// the live stream is open before the candidate checks in
	if _, err := chromedp.Run(tablet, chromedp.Poll[bool](`(() => { const t = document.querySelector('table[sse-connect]');
		return !!(t && t['htmx-internal-data'] && t['htmx-internal-data'].sseEventSource && t['htmx-internal-data'].sseEventSource.readyState === 1) })()`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the board's live stream did not open: %v", err)
	}

	// a candidate checks in on a phone: another browser context, its own cookies
	phone, cancel := chromedp.NewContext(tablet, chromedp.WithNewBrowserContext())
	defer cancel()
	run(t, phone, "candidate opens the booth QR", chromedp.EmulateViewport(phoneW, phoneH, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(CheckInURL(u, ev)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`[name="name"]`), "Zoë Ångström"),
		chromedp.SendKeys(chromedp.CSS(`[name="email"]`), "zoe@example.se"),
		chromedp.Click(chromedp.CSS(`input[name="interests"][value="Data"]`)),
		chromedp.Click(chromedp.CSS(`input[name="consent"]`)),
		chromedp.Sleep(2500*time.Millisecond), // a person takes a moment (the form refuses bots that don't)
		chromedp.Submit(chromedp.CSS(`[data-testid="checkin-form"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="personal-qr"]`)))

	if _, err := chromedp.Run(tablet, chromedp.Poll[bool](`document.querySelector('#board-rows').innerText.includes('Zoë Ångström')`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the check-in did not appear on the board: %v", err)
	}
	if still, _ := chromedp.Run(tablet, chromedp.Evaluate[string](`window.__noReload || ''`)); still != "still here" {
		t.Error("the board reloaded to show the arrival")
	}
	screenshot(t, tablet, "tablet-10-board-live")

	// a keyboard-wedge scanner types a vCard into the focused field, Enter at every line end
	vcard := "BEGIN:VCARD\nVERSION:3.0\nN:Jane;Doe;;;\nFN:Jane Doe\nEMAIL:jane@example.org\nORG:Acme GmbH\nTITLE:Data Engineer\nNOTE:EuroPython 2026\nEND:VCARD\n"
	run(t, tablet, "scan a vCard", chromedp.SendKeys(chromedp.ID("scan-code"), vcard),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lead-name"]`)))
	if got := text(t, tablet, `[data-testid="lead-name"]`); got != "Jane Doe" {
		t.Fatalf("the scan opened %q, want Jane Doe", got)
	}
	if got := text(t, tablet, `[data-testid="flash"]`); got != "New lead from the scan." {
		t.Errorf("after the scan the tablet says %q", got)
	}
	screenshot(t, tablet, "tablet-11-lead-scanned")

	run(t, tablet, "record a conversation",
		chromedp.Click(chromedp.CSS(`label.r-hot`)),
		chromedp.Click(chromedp.CSS(`[data-testid="conversation-form"] input[name="interests"][value="Data"] + span`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="conversation-form"] textarea[name="notes"]`), "Builds Postgres pipelines; wants to move to Berlin."),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="conversation-form"] input[name="follow_up"]`), "Send the data team's job ad"),
		chromedp.Click(chromedp.CSS(`[data-testid="conversation-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="conversation"]`)))
	if tl := text(t, tablet, `[data-testid="timeline"]`); !strings.Contains(tl, "Berlin") || !strings.Contains(tl, "Hot") {
		t.Errorf("timeline after saving: %q", tl)
	}
	if n := text(t, tablet, `[data-testid="pending-count"]`); n != "0" {
		t.Errorf("pending count %q after a sent capture", n)
	}
	screenshot(t, tablet, "tablet-12-lead-conversation")
	if got := text(t, tablet, `[data-testid="flash"]`); got != "Conversation saved." {
		t.Errorf("after saving the tablet says %q", got)
	}
	if cs, _ := a.store.Conversations(t.Context(), leadIDIn(location(t, tablet))); len(cs) != 1 {
		t.Errorf("%d conversations stored for Jane, want 1", len(cs))
	}
}

// signInSteps signs a tab in through the login form with the builders' password.
func signInSteps(base, email string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Navigate(base+paths.Login()),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-password"), modelstest.Password+"\n"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="signed-in-as"]`)))
}

// offlineSwitch drops every connection while on, as venue Wi-Fi does.
type offlineSwitch struct {
	next http.Handler
	on   atomic.Bool
}

func (o *offlineSwitch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if o.on.Load() {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
	}
	o.next.ServeHTTP(w, r)
}

// TestJourneyOfflineOutbox: the network drops while staff save a conversation; it waits in the
// tablet's outbox (the pending count says so) and is sent, once, when the network is back.
func TestJourneyOfflineOutbox(t *testing.T) {
	a := newTestApp(t)
	sw := &offlineSwitch{next: a.ts.Config.Handler}
	a.ts.Config.Handler = sw
	ev := modelstest.Event(t, a.db, "offline", "Backend")
	lead := checkInDirect(t, a, ev, "Offline Olga", "olga@example.com")
	modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	tablet := newBrowser(t, tabletW, tabletH, false)
	u := a.ts.URL
	run(t, tablet, "sign in and open the lead", signInSteps(u, "sam@example.com"),
		chromedp.Navigate(u+paths.Lead(lead.ID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="conversation-form"]`)))

	sw.on.Store(true)
	run(t, tablet, "save while offline",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="conversation-form"] textarea[name="notes"]`), "Talked during the Wi-Fi outage"),
		chromedp.Click(chromedp.CSS(`label.r-warm`)),
		chromedp.Click(chromedp.CSS(`[data-testid="conversation-form"] button[type="submit"]`)))
	if _, err := chromedp.Run(tablet, chromedp.Poll[bool](`document.querySelector('[data-testid="pending-count"]').textContent.trim() === '1'`,
		chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		t.Fatalf("the pending count did not show the waiting capture: %v", err)
	}
	screenshot(t, tablet, "tablet-20-offline-pending")

	sw.on.Store(false)
	run(t, tablet, "back online", chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('online'))`))
	if _, err := chromedp.Run(tablet, chromedp.Poll[bool](`document.querySelector('[data-testid="pending-count"]').textContent.trim() === '0'`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the capture was not sent when the network came back: %v", err)
	}
	cs, _ := a.store.Conversations(t.Context(), lead.ID)
	if len(cs) != 1 || cs[0].Notes != "Talked during the Wi-Fi outage" || cs[0].RatingText() != "warm" {
		t.Fatalf("conversations after sync: %+v", cs)
	}
	run(t, tablet, "see it", chromedp.Navigate(u+paths.Lead(lead.ID)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="conversation"]`)))
	screenshot(t, tablet, "tablet-21-offline-synced")
}
