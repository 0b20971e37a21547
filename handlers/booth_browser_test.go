package handlers

import (
	"context"
	"strings"
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
	if _, err := chromedp.Run(tablet, chromedp.Poll[bool](`(() => { const t = document.querySelector('[sse-connect]');
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
	if r := resultOf(t, tablet); r.state != "warn" || !strings.Contains(r.text, "New lead from the badge") {
		t.Errorf("after scanning a new badge the tablet says %+v, want an amber 'new lead'", r)
	}
	inFirstScreen(t, tablet, "the capture screen of a new badge", tabletH, `[data-testid="save-conversation"]`,
		`[data-testid="lead-name"]`, `label.r-hot`, `textarea[name="notes"]`, `[data-testid="verbal-consent"]`)
	screenshot(t, tablet, "tablet-11-lead-scanned")

	run(t, tablet, "rate, tap an interest, note, save",
		chromedp.Click(chromedp.CSS(`label.r-hot`)),
		chromedp.Click(chromedp.CSS(`[data-testid="conversation-form"] input[name="interests"][value="Data"] + span`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="conversation-form"] textarea[name="notes"]`), "Builds Postgres pipelines; wants to move to Berlin."),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="conversation-form"] input[name="follow_up"]`), "Send the data team's job ad"),
		chromedp.Click(chromedp.CSS(`[data-testid="save-conversation"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-result="ok"]`)))
	if r := resultOf(t, tablet); !strings.Contains(r.text, "Saved: Jane Doe") {
		t.Errorf("after saving the tablet says %+v", r)
	}
	if tl := text(t, tablet, `[data-testid="timeline"]`); !strings.Contains(tl, "Berlin") || !strings.Contains(tl, "Hot") {
		t.Errorf("timeline after saving: %q", tl)
	}
	if n := text(t, tablet, `[data-testid="pending-count"]`); n != "0" {
		t.Errorf("pending count %q after a sent capture", n)
	}
	if f, _ := chromedp.Run(tablet, chromedp.Evaluate[string](`document.activeElement.id`)); f != "scan-next-code" {
		t.Errorf("after saving the focus is on %q, want the scan field", f)
	}
	screenshot(t, tablet, "tablet-12-lead-saved")
	if cs, _ := a.store.Conversations(t.Context(), leadIDIn(location(t, tablet))); len(cs) != 1 {
		t.Errorf("%d conversations stored for Jane, want 1", len(cs))
	}

	// the scanner itself goes on: the next badge is Zoë's personal QR, typed into the focused field
	zoe := checkInDirect(t, a, ev, "Zoë Two", "zoe2@example.com", "Backend", "SRE")
	run(t, tablet, "scan the next badge", chromedp.SendKeys(chromedp.ID("scan-next-code"), u+paths.Personal(zoe.PersonalToken)+"\n"))
	if !eventually(tablet, `(document.querySelector('[data-testid="lead-name"]') || {}).innerText === 'Zoë Two'`, 10*time.Second) {
		t.Fatal("the next scan did not open Zoë Two")
	}
	if r := resultOf(t, tablet); r.state != "ok" || !strings.Contains(r.text, "Found: Zoë Two") {
		t.Errorf("after scanning a known person the tablet says %+v", r)
	}
	picked, _ := chromedp.Run(tablet, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="conversation-form"] input[name=interests]:checked')].map(e => e.value)`))
	if strings.Join(picked, ",") != "Backend,SRE" {
		t.Errorf("interests pre-selected %q, want what she picked at check-in", picked)
	}
	screenshot(t, tablet, "tablet-13-lead-found")
}

// eventually evaluates js until it is true (across page loads) or the time is up.
func eventually(ctx context.Context, js string, within time.Duration) bool {
	end := time.Now().Add(within)
	for time.Now().Before(end) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err == nil && ok {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// resultState is the result banner a page shows.
type resultState struct{ state, text string }

func resultOf(t testing.TB, ctx context.Context) resultState {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { const r = document.querySelector('[data-result]');
		return r ? [r.dataset.result, r.innerText.replace(/\s+/g, ' ').trim()] : ['', ''] })()`))
	if err != nil || len(got) != 2 {
		t.Fatalf("result banner: %v", err)
	}
	return resultState{got[0], got[1]}
}

// inFirstScreen fails unless each element is entirely within the first viewport (no scrolling).
func inFirstScreen(t testing.TB, ctx context.Context, what string, height int, selectors ...string) {
	t.Helper()
	for _, sel := range selectors {
		bottom, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => { const e = document.querySelector(`+"`"+sel+"`"+`);
			if (!e) return -1; window.scrollTo(0, 0); const r = e.getBoundingClientRect(); return r.height ? r.bottom + window.scrollY : -1 })()`))
		switch {
		case err != nil:
			t.Errorf("%s: %s: %v", what, sel, err)
		case bottom < 0:
			t.Errorf("%s: %s is missing or hidden", what, sel)
		case bottom > float64(height):
			t.Errorf("%s: %s ends at %.0f px, below the first screen (%d px)", what, sel, bottom, height)
		}
	}
}

// signInSteps signs a tab in through the login form with the builders' password.
func signInSteps(base, email string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Navigate(base+paths.Login()),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-password"), modelstest.Password+"\n"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="signed-in-as"]`)))
}
