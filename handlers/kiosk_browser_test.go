package handlers

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// bodyText is everything the page shows, and the values in its fields.
const bodyText = `document.body.innerText + " " + [...document.querySelectorAll("input, textarea")]
	.filter(e => e.type !== "hidden").map(e => (e.type === "checkbox" || e.type === "radio") ? (e.checked ? "[x]" : "") : e.value).join(" ")`

// TestJourneyKiosk is a tablet on a stand at the booth (1024×768): a staff member opens kiosk
// mode, two walk-up candidates check in one after the other, the second sees nothing of the
// first (not on the form, not through the back button, not in the fields), and the kiosk opens
// no staff page.
func TestJourneyKiosk(t *testing.T) {
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "kiosk-journey", "Backend", "Data", "SRE")
	addQuestion(t, a, ev, models.QuestionInput{Key: "visa", Label: "Do you need a visa?", Kind: "yesno"})
	modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	ctx := newBrowser(t, tabletW, tabletH, true)
	u := a.ts.URL

	checkInDirect(t, a, ev, "Earlier Candidate", "earlier@example.com")
	run(t, ctx, "staff sign in and open the board", signInSteps(u, "sam@example.com"),
		chromedp.Navigate(u+paths.Event(ev.Slug)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="lead-row"]`)))
	// the staff service worker saves the board (with a candidate's name) on this tablet
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(r => !!r.active)`,
		chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("the staff service worker did not start: %v", err)
	}
	run(t, ctx, "reload the board under the service worker", chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lead-row"]`)))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(async () => { for (const k of await caches.keys()) {
		if ((await (await caches.open(k)).keys()).some(r => r.url.includes("/events/"))) return true; } return false; })()`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the board was not saved on the tablet, so the check below proves nothing: %v", err)
	}
	run(t, ctx, "open kiosk mode", chromedp.Navigate(u+paths.Kiosk(ev.Slug)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(async () => (await caches.keys()).length === 0 &&
		(await navigator.serviceWorker.getRegistrations()).length === 0)()`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the staff service worker or its saved pages are still on the kiosk: %v", err)
	}
	screenshot(t, ctx, "tablet-kiosk-01-form")

	fill := func(name, email string) {
		t.Helper()
		run(t, ctx, "check in "+name,
			chromedp.SendKeys(chromedp.ID("f-name"), name),
			chromedp.SendKeys(chromedp.ID("f-email"), email),
			chromedp.Tap(chromedp.CSS(`#f-interests-1 + span`)),
			chromedp.Tap(chromedp.CSS(`#f-q\.visa-0 + span`)),
			chromedp.Tap(chromedp.ID("f-consent")),
			chromedp.Sleep(2100*time.Millisecond),
			chromedp.Tap(chromedp.CSS(`[data-testid="checkin-submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="personal-qr"]`)))
	}
	fill("Ada First", "ada.first@example.com")
	if got := text(t, ctx, `[data-testid="thanks-name"]`); got != "Ada First" {
		t.Errorf("the confirmation names %q", got)
	}
	if !imageLoaded(ctx, `[data-testid="personal-qr"]`, 256) {
		t.Error("the personal QR did not load")
	}
	first, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-countdown]`)))
	time.Sleep(1500 * time.Millisecond)
	later, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-countdown]`)))
	if atoiOr(first, 0) > 15 || atoiOr(later, 99) >= atoiOr(first, 0) {
		t.Errorf("the countdown does not count down from at most 15: %q then %q", first, later)
	}
	screenshot(t, ctx, "tablet-kiosk-02-done")

	run(t, ctx, "tap Done", chromedp.Tap(chromedp.CSS(`[data-testid="kiosk-next"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)))
	seen := func(what string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](bodyText))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return s
	}
	if s := seen("the next form"); strings.Contains(s, "Ada First") || strings.Contains(s, "ada.first") || strings.Contains(s, "[x]") {
		t.Errorf("the next person's form shows the first person: %q", s)
	}

	// the first person's back button: the confirmation is gone, the form comes back empty
	run(t, ctx, "go back", chromedp.NavigateBack(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)))
	if s := seen("after going back"); strings.Contains(s, "Ada First") || strings.Contains(s, "ada.first") {
		t.Errorf("going back shows the first person: %q", s)
	}
	run(t, ctx, "go back again", chromedp.NavigateBack(), chromedp.Sleep(500*time.Millisecond),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)))
	if s := seen("after going back twice"); strings.Contains(s, "Ada First") || strings.Contains(s, "ada.first") {
		t.Errorf("going back twice shows the first person: %q", s)
	}

	// the second person, who leaves the confirmation to time out by itself
	a.server.kioskShow.Store(int64(3 * time.Second))
	run(t, ctx, "a fresh form", chromedp.Navigate(u+paths.Kiosk(ev.Slug)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)))
	fill("Bo Second", "bo.second@example.com")
	if s := seen("the second confirmation"); strings.Contains(s, "Ada First") || !strings.Contains(s, "Bo Second") {
		t.Errorf("the second confirmation: %q", s)
	}
	run(t, ctx, "wait for the form to come back by itself",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)))
	if !strings.HasSuffix(location(t, ctx), paths.Kiosk(ev.Slug)) {
		t.Errorf("after the countdown the kiosk shows %s", location(t, ctx))
	}
	run(t, ctx, "type half a form, go elsewhere and come back",
		chromedp.SendKeys(chromedp.ID("f-name"), "Cy Third"),
		chromedp.Navigate(u+paths.KioskExit(ev.Slug)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="kiosk-exit-form"]`)),
		chromedp.NavigateBack(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)))
	if s := seen("after coming back"); strings.Contains(s, "Bo Second") || strings.Contains(s, "Cy Third") {
		t.Errorf("coming back shows what was typed before: %q", s)
	}

	// no staff page opens on the kiosk
	run(t, ctx, "try the board", chromedp.Navigate(u+paths.Event(ev.Slug)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-page"]`)))
	if s := seen("the board"); strings.Contains(s, "Ada First") || strings.Contains(s, "Bo Second") || !strings.Contains(s, "403") {
		t.Errorf("the board on the kiosk: %q", s)
	}
	screenshot(t, ctx, "tablet-kiosk-03-board-refused")

	// staff leave kiosk mode with their password
	run(t, ctx, "leave kiosk mode", chromedp.Navigate(u+paths.Kiosk(ev.Slug)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="kiosk-exit"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="kiosk-exit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="kiosk-exit-form"]`)),
		chromedp.SendKeys(chromedp.ID("f-email"), "sam@example.com"),
		chromedp.SendKeys(chromedp.ID("f-password"), modelstest.Password+"\n"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="scan-form"]`)))
	if n, err := a.store.CountLeads(t.Context(), ev.ID); err != nil || n != 3 {
		t.Errorf("%d leads after one check-in and two at the kiosk, %v", n, err)
	}
}

// TestKioskInArabic is the kiosk's form and confirmation right to left, at tablet size.
func TestKioskInArabic(t *testing.T) {
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "kiosk-ar", "Backend", "Data")
	modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	ctx := newBrowser(t, tabletW, tabletH, true)
	u := a.ts.URL
	run(t, ctx, "open kiosk mode in Arabic", signInSteps(u, "sam@example.com"),
		chromedp.Navigate(u+paths.Kiosk(ev.Slug)+"?lang=ar"), chromedp.WaitVisible(chromedp.CSS(`html[dir="rtl"] [data-testid="checkin-form"]`)),
		chromedp.SendKeys(chromedp.ID("f-name"), "سارة"),
		chromedp.SendKeys(chromedp.ID("f-email"), "sara@example.com"),
		chromedp.Tap(chromedp.ID("f-consent")),
		chromedp.Sleep(2100*time.Millisecond),
		chromedp.Tap(chromedp.CSS(`[data-testid="checkin-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[dir="rtl"] [data-testid="personal-qr"]`)))
	viewportShot(t, ctx, "tablet-kiosk-ar-done")
}

// TestQuestionsPageAtTabletSize is the admin's questions page (and the edit page) at tablet size,
// for a person to look at.
func TestQuestionsPageAtTabletSize(t *testing.T) {
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "qpage", "Backend")
	q := addQuestion(t, a, ev, models.QuestionInput{Key: "grad_year", Label: "Graduation year", Kind: "text", Required: true})
	addQuestion(t, a, ev, models.QuestionInput{Key: "where", Label: "Where would you work?", Kind: "multi", Options: "Remote, Berlin, Lisbon"})
	modelstest.Staff(t, a.db, "ada@example.com", models.RoleAdmin)
	ctx := newBrowser(t, tabletW, tabletH, false)
	run(t, ctx, "open the questions", signInSteps(a.ts.URL, "ada@example.com"),
		chromedp.Navigate(a.ts.URL+paths.Questions(ev.Slug)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="question-form"]`)))
	noSideScroll(t, ctx, "questions page", tabletW)
	screenshot(t, ctx, "tablet-questions")
	run(t, ctx, "edit one", chromedp.Navigate(a.ts.URL+paths.Question(ev.Slug, q.ID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="question-edit-form"]`)))
	screenshot(t, ctx, "tablet-question-edit")
}
