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

// value returns the value of a form field in the tab.
func value(t testing.TB, ctx context.Context, css string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("value of %s: %v", css, err)
	}
	return v
}

// poll waits until a JS expression is true in the tab.
func poll(t testing.TB, ctx context.Context, what, expr string, within time.Duration) {
	t.Helper()
	if !eventually(ctx, expr, within) { // across page loads
		t.Fatalf("%s: not within %s", what, within)
	}
}

const streamOpen = `(() => { const t = document.querySelector('[sse-connect]');
	return !!(t && t['htmx-internal-data'] && t['htmx-internal-data'].sseEventSource && t['htmx-internal-data'].sseEventSource.readyState === 1) })()`

// TestJourneyPairedTablet: an admin names and pairs a tablet from the board; the tablet sees its
// event's board and nothing else; its board catches up on check-ins made while its stream was
// down; the admin ends it from the devices page (after a confirmation) and the tablet's screen
// goes back to the sign-in page by itself within seconds.
func TestJourneyPairedTablet(t *testing.T) {
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "europython", "Backend", "Data")
	modelstest.Staff(t, a.db, "ada@example.com", models.RoleAdmin)
	laptop := newBrowser(t, tabletW, tabletH, false)
	u := a.ts.URL

	run(t, laptop, "pair a tablet", signInSteps(u, "ada@example.com"),
		chromedp.Navigate(u+paths.Event(ev.Slug)),
		chromedp.Click(chromedp.CSS(`[data-testid="board-menu"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="pair-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="pair-form"]`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid="pair-form"] input[name="name"]`), "Front desk iPad"),
		chromedp.Submit(chromedp.CSS(`[data-testid="pair-form"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="pair-qr"]`)))
	screenshot(t, laptop, "tablet-30-pair-code")
	code := text(t, laptop, `[data-testid="pair-url"]`)

	tablet, cancel := chromedp.NewContext(laptop, chromedp.WithNewBrowserContext())
	defer cancel()
	run(t, tablet, "the tablet opens the code", chromedp.EmulateViewport(tabletW, tabletH),
		chromedp.Navigate(strings.TrimSpace(code)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="device-login-form"]`)))
	screenshot(t, tablet, "tablet-31-pair-confirm")
	run(t, tablet, "sign the tablet in", chromedp.Submit(chromedp.CSS(`[data-testid="device-login-form"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="scan-form"]`)))
	if who := text(t, tablet, `[data-testid="signed-in-as"]`); !strings.Contains(who, "Front desk iPad") || !strings.Contains(who, "ada") {
		t.Errorf("the tablet's header says %q", who)
	}
	if nav := text(t, tablet, `nav`); strings.Contains(nav, "Staff") || strings.Contains(nav, "Events") || strings.Contains(nav, "Leads") {
		t.Errorf("the tablet's navigation offers %q", nav)
	}
	poll(t, tablet, "the tablet's live stream opens", streamOpen, 10*time.Second)
	viewportShot(t, tablet, "tablet-32-paired-board")

	run(t, tablet, "the tablet tries the staff page", chromedp.Navigate(u+paths.Staff()),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-page"]`)))
	if msg := text(t, tablet, `[data-testid="error-page"]`); !strings.Contains(msg, "403") || !strings.Contains(msg, ev.Name) {
		t.Errorf("the tablet on the staff page: %q", msg)
	}
	screenshot(t, tablet, "tablet-33-paired-forbidden")

	// the stream drops (Wi-Fi, a proxy): check-ins meanwhile reach the board when it is back
	run(t, tablet, "back to the board", chromedp.Navigate(u+paths.Event(ev.Slug)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="scan-form"]`)))
	poll(t, tablet, "the stream opens", streamOpen, 10*time.Second)
	checkInDirect(t, a, ev, "Before The Drop", "before@example.com")
	poll(t, tablet, "a live arrival", `document.querySelector('#board-rows').innerText.includes('Before The Drop')`, 5*time.Second)
	a.ts.CloseClientConnections()
	checkInDirect(t, a, ev, "Missed Mariana", "mariana@example.com")
	checkInDirect(t, a, ev, "Missed Moritz", "moritz@example.com")
	start := time.Now()
	poll(t, tablet, "the board catches up", `(() => { const b = document.querySelector('#board-rows').innerText;
		return b.includes('Missed Mariana') && b.includes('Missed Moritz') })()`, 15*time.Second)
	t.Logf("the board showed what it missed %s after its stream dropped", time.Since(start).Round(10*time.Millisecond))

	// the admin ends the tablet: one question first, then the tablet goes back to sign-in
	run(t, laptop, "end the tablet", chromedp.Navigate(u+paths.Devices()),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="devices-table"]`)))
	screenshot(t, laptop, "tablet-34-devices")
	run(t, laptop, "ask to end it",
		chromedp.Click(chromedp.CSS(`[data-testid="device-row"] [data-testid="device-scope"]`)), // (scroll into view)
		chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll('[data-testid="device-row"]'))
			.find(r => r.innerText.includes('Front desk iPad')).querySelector('form button').click()`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirm"]`)))
	if c := text(t, laptop, `[data-testid="confirm"]`); !strings.Contains(c, "Front desk iPad") || !strings.Contains(c, "signed out at once") {
		t.Errorf("the confirmation says %q", c)
	}
	screenshot(t, laptop, "tablet-35-confirm-end-device")
	ended := time.Now()
	run(t, laptop, "confirm", chromedp.Click(chromedp.CSS(`[data-testid="confirm-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)))
	poll(t, tablet, "the tablet leaves the board", `location.pathname === '/login'`, 10*time.Second)
	t.Logf("the tablet's screen went to the sign-in page %s after the device was ended", time.Since(ended).Round(10*time.Millisecond))
	screenshot(t, tablet, "tablet-36-ended")
}

// TestJourneyDestructiveActionsAsk: rotating the check-in key asks first, naming the posters;
// with BASE_URL on this machine, the event page and the poster warn that phones cannot open the QR.
func TestJourneyDestructiveActionsAsk(t *testing.T) {
	a := newTestApp(t) // BASE_URL is the test server's http://127.0.0.1:port
	ev := modelstest.Event(t, a.db, "pycon", "Backend")
	modelstest.Staff(t, a.db, "ada@example.com", models.RoleAdmin)
	tab := newBrowser(t, tabletW, tabletH, false)
	u := a.ts.URL
	run(t, tab, "open the event's settings", signInSteps(u, "ada@example.com"),
		chromedp.Navigate(u+paths.EditEvent(ev.Slug)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="localhost-warning"]`)))
	viewportShot(t, tab, "tablet-40-event-localhost-warning")
	run(t, tab, "ask for a new QR code", chromedp.Click(chromedp.CSS(`[data-testid="rotate-key"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirm"]`)))
	if c := text(t, tab, `[data-testid="confirm"]`); !strings.Contains(c, "Every printed poster stops working") {
		t.Errorf("the confirmation says %q", c)
	}
	screenshot(t, tab, "tablet-41-confirm-rotate")
	if again, _ := a.store.EventBySlug(t.Context(), ev.Slug); again.CheckinKey != ev.CheckinKey {
		t.Fatal("the key changed before the confirmation")
	}
	run(t, tab, "confirm", chromedp.Click(chromedp.CSS(`[data-testid="confirm-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)))
	if again, _ := a.store.EventBySlug(t.Context(), ev.Slug); again.CheckinKey == ev.CheckinKey {
		t.Error("the key did not change after the confirmation")
	}
	run(t, tab, "the poster", chromedp.Navigate(u+paths.Poster(ev.Slug)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="localhost-warning"]`)))
	screenshot(t, tab, "tablet-42-poster-localhost-warning")
}

// TestJourneyCheckInDuringOutage: a candidate sends the form while the database is unreachable;
// the page says so and keeps every field; once it is back, pressing Check in again works.
func TestJourneyCheckInDuringOutage(t *testing.T) {
	a, proxy, direct := outageApp(t)
	ev := modelstest.Event(t, direct, "outage", "Backend", "Data")
	phone := newBrowser(t, phoneW, phoneH, true)
	run(t, phone, "fill in the check-in", chromedp.Navigate(CheckInURL(a.ts.URL, ev)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`[name="name"]`), "Zoë Ångström"),
		chromedp.SendKeys(chromedp.CSS(`[name="email"]`), "zoe@example.se"),
		chromedp.Click(chromedp.CSS(`input[name="interests"][value="Data"]`)),
		chromedp.Click(chromedp.CSS(`input[name="consent"]`)),
		chromedp.Sleep(2500*time.Millisecond))
	proxy.Cut()
	run(t, phone, "send it", chromedp.Submit(chromedp.CSS(`[data-testid="checkin-form"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="form-notice"]`)))
	viewportShot(t, phone, "phone-30-checkin-outage")
	if v := value(t, phone, `[name="name"]`); v != "Zoë Ångström" {
		t.Errorf("the name is gone: %q", v)
	}
	proxy.Restore()
	time.Sleep(500 * time.Millisecond)
	run(t, phone, "send it again", chromedp.Submit(chromedp.CSS(`[data-testid="checkin-form"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="personal-qr"]`)))
}
