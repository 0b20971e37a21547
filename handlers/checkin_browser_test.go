package handlers

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// noSideScroll fails when the page is wider than the viewport (WCAG 1.4.10 Reflow).
func noSideScroll(t *testing.T, ctx context.Context, what string, width int) {
	t.Helper()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if w > width {
		t.Errorf("%s: the page is %d px wide at a %d px viewport (horizontal scroll)", what, w, width)
	}
}

// smallTargets lists the controls smaller than 24×24 px (WCAG 2.5.8).
const smallTargets = `[...document.querySelectorAll('input:not([type=hidden]), textarea, button, summary, a.btn, .toggle span')]
	.filter(e => !e.closest('.hp'))
	.filter(e => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24; })
	.map(e => (e.id || e.name || e.textContent).trim())`

// focusedInView reports the id of the focused element and whether it is fully inside the
// viewport (WCAG 2.4.11 Focus Not Obscured).
const focusedInView = `(() => { const e = document.activeElement; const r = e.getBoundingClientRect();
	return e.id + ":" + (r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth); })()`

// TestJourneyCandidateCheckIn is a candidate at the booth on a phone (390×844): the form filled
// by keyboard and by tap, a validation error, the confirmation with the personal QR, the
// private page.
func TestJourneyCandidateCheckIn(t *testing.T) {
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "pycon-phone", "Backend", "Data", "SRE", "Internships")
	ctx := newBrowser(t, phoneW, phoneH, true)

	run(t, ctx, "open the booth QR", chromedp.Navigate(a.ts.URL+paths.CheckIn(ev.CheckinKey)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)))
	noSideScroll(t, ctx, "check-in form", phoneW)
	if small, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](smallTargets)); len(small) > 0 {
		t.Errorf("targets under 24 px: %q", small)
	}
	screenshot(t, ctx, "phone-01-checkin")

	run(t, ctx, "type name and email, tap two interests",
		chromedp.SendKeys(chromedp.ID("f-name"), "Zoë Ångström"),
		chromedp.SendKeys(chromedp.ID("f-email"), "Zoe@Example.com"),
		chromedp.Tap(chromedp.CSS(`#f-interests-0 + span`)),
		chromedp.Tap(chromedp.CSS(`#f-interests-2 + span`)),
		chromedp.Sleep(2100*time.Millisecond), // a person takes longer than the 2 s anti-bot minimum
		chromedp.Tap(chromedp.CSS(`[data-testid="checkin-submit"]`)),
		chromedp.WaitVisible(chromedp.ID("f-consent-error")),
	)
	if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-name"))); got != "Zoë Ångström" {
		t.Errorf("after the error the name reads %q", got)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name=interests]:checked').length`)); got != 2 {
		t.Errorf("after the error %d interests are ticked, want 2", got)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](focusedInView)); got != "f-consent:true" {
		t.Errorf("after the error the focus is %q, want the consent box, in view", got)
	}
	noSideScroll(t, ctx, "form with an error", phoneW)
	screenshot(t, ctx, "phone-02-checkin-error")

	run(t, ctx, "add optional details, tap the consents, check in",
		chromedp.Tap(chromedp.CSS(`details.more summary`)),
		chromedp.SendKeys(chromedp.ID("f-company"), "Nordic Compilers AB"),
		chromedp.SendKeys(chromedp.ID("f-github"), "zoe-a"),
		chromedp.SendKeys(chromedp.ID("f-message"), "Looking for compiler work."),
		chromedp.Tap(chromedp.ID("f-consent")),
		chromedp.Tap(chromedp.ID("f-talent_pool")),
		chromedp.Tap(chromedp.CSS(`[data-testid="checkin-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="personal-qr"]`)),
	)
	if !strings.HasPrefix(location(t, ctx), a.ts.URL+"/thanks/") {
		t.Fatalf("after checking in the phone shows %s", location(t, ctx))
	}
	if !imageLoaded(ctx, `[data-testid="personal-qr"]`, 256) {
		t.Error("the personal QR did not load")
	}
	if got := text(t, ctx, `[data-testid="thanks-name"]`); got != "Zoë Ångström" {
		t.Errorf("confirmation name %q", got)
	}
	noSideScroll(t, ctx, "confirmation", phoneW)
	screenshot(t, ctx, "phone-03-thanks")

	// The private link comes by mail: read it as a mail program would show it (its HTML part),
	// and follow its button.
	a.mailTo("Zoe@Example.com", 1)
	webmail := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		msgs := a.mailbox.To("Zoe@Example.com")
		_, _ = io.WriteString(w, msgs[len(msgs)-1].HTML) // the newest mail
	}))
	t.Cleanup(webmail.Close)
	run(t, ctx, "open the mail", chromedp.Navigate(webmail.URL),
		chromedp.WaitVisible(chromedp.CSS(`a[href*="/me/"]`)))
	noSideScroll(t, ctx, "the check-in mail", phoneW)
	screenshot(t, ctx, "phone-04-mail")
	run(t, ctx, "follow the mail's link to the private page", chromedp.Tap(chromedp.CSS(`a[href*="/me/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="self-service"]`)))
	if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-company"))); got != "Nordic Compilers AB" {
		t.Errorf("the private page shows company %q", got)
	}
	noSideScroll(t, ctx, "private page", phoneW)
	screenshot(t, ctx, "phone-05-private-page")

	run(t, ctx, "correct the company and save",
		chromedp.SetValue(chromedp.ID("f-company"), "Nordic Compilers Oy"),
		chromedp.Tap(chromedp.CSS(`[data-testid="self-service-form"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="self-service-status"]`)))
	if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-company"))); got != "Nordic Compilers Oy" {
		t.Errorf("after saving the private page shows company %q", got)
	}
	var company string
	if err := a.db.SQL.QueryRowContext(context.Background(), `SELECT company FROM leads WHERE email = $1`,
		"Zoe@Example.com").Scan(&company); err != nil || company != "Nordic Compilers Oy" {
		t.Errorf("stored company %q (%v)", company, err)
	}
	screenshot(t, ctx, "phone-06-private-page-saved")

	// Checking in again with the same address changes nothing until the mail's confirm button.
	run(t, ctx, "check in again with a job title",
		chromedp.Navigate(a.ts.URL+paths.CheckIn(ev.CheckinKey)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)),
		chromedp.SendKeys(chromedp.ID("f-name"), "Zoë Ångström"),
		chromedp.SendKeys(chromedp.ID("f-email"), "zoe@example.com"),
		chromedp.Tap(chromedp.CSS(`details.more summary`)),
		chromedp.SendKeys(chromedp.ID("f-title"), "Compiler engineer"),
		chromedp.Tap(chromedp.ID("f-consent")),
		chromedp.Sleep(2100*time.Millisecond),
		chromedp.Tap(chromedp.CSS(`[data-testid="checkin-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="personal-qr"]`)))
	a.mailTo("Zoe@Example.com", 2)
	run(t, ctx, "open the second mail", chromedp.Navigate(webmail.URL),
		chromedp.WaitVisible(chromedp.CSS(`a[href*="/confirm/"]`)))
	screenshot(t, ctx, "phone-07-mail-confirm")
	run(t, ctx, "follow its confirm button", chromedp.Tap(chromedp.CSS(`a[href*="/confirm/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirm-form"]`)))
	noSideScroll(t, ctx, "confirm page", phoneW)
	screenshot(t, ctx, "phone-08-confirm")
	var title string
	_ = a.db.SQL.QueryRowContext(context.Background(), `SELECT title FROM leads WHERE email = $1`, "Zoe@Example.com").Scan(&title)
	if title != "" {
		t.Fatalf("the repeat changed the title before confirmation: %q", title)
	}
	run(t, ctx, "confirm", chromedp.Tap(chromedp.CSS(`[data-testid="confirm-form"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirmed"]`)))
	screenshot(t, ctx, "phone-09-confirmed")
	_ = a.db.SQL.QueryRowContext(context.Background(), `SELECT title FROM leads WHERE email = $1`, "Zoe@Example.com").Scan(&title)
	if title != "Compiler engineer" {
		t.Errorf("after confirming, the title is %q", title)
	}
}

// TestCheckInPageAt320px checks the candidate pages reflow at the narrowest phone width.
func TestCheckInPageAt320px(t *testing.T) {
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "pycon-narrow", "Backend", "Data", "Site reliability engineering", "Internships")
	ctx := newBrowser(t, 320, 640, true)
	run(t, ctx, "open the form", chromedp.Navigate(a.ts.URL+paths.CheckIn(ev.CheckinKey)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)))
	noSideScroll(t, ctx, "check-in form", 320)
	run(t, ctx, "open the optional details and send without a name",
		chromedp.Tap(chromedp.CSS(`details.more summary`)),
		chromedp.SendKeys(chromedp.ID("f-cv_url"), "https://example.com/a-very-long-address/that-goes-on-and-on/and-on/cv.pdf"),
		chromedp.Sleep(2100*time.Millisecond),
		chromedp.Tap(chromedp.CSS(`[data-testid="checkin-submit"]`)),
		chromedp.WaitVisible(chromedp.ID("f-name-error")))
	noSideScroll(t, ctx, "form with errors", 320)
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](focusedInView)); got != "f-name:true" {
		t.Errorf("after the error the focus is %q, want the name field, in view", got)
	}
	screenshot(t, ctx, "phone-07-checkin-320-error")
}
