package handlers

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// TestCheckInPageInEveryLanguage opens the check-in page at 390 px in each language, with an
// event question and an error shown, and saves a screenshot of each (phone-lang-<code>.png) to
// look at: the page reflows without sideways scrolling, and Arabic runs right to left with the
// layout mirrored (labels, toggles and the language switch start at the right).
func TestCheckInPageInEveryLanguage(t *testing.T) {
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "polyglot-phone", "Backend", "Data", "SRE")
	q := addQuestion(t, a, ev, models.QuestionInput{Key: "auth", Label: "May you work in the EU?", Kind: "yesno", Required: true})
	q.Translations = models.QuestionTranslations{"ar": {Label: "هل يحق لك العمل في الاتحاد الأوروبي؟"},
		"de": {Label: "Dürfen Sie in der EU arbeiten?"}}
	if err := a.store.UpdateQuestion(t.Context(), 0, q); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t, phoneW, phoneH, true)
	for _, lang := range models.Languages {
		run(t, ctx, "open the form in "+lang, chromedp.Navigate(a.ts.URL+paths.CheckIn(ev.CheckinKey)+"?lang="+lang),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)))
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang + " " + document.documentElement.dir`))
		if err != nil || (lang == "ar") != (got == "ar rtl") {
			t.Errorf("%s: <html> says %q (%v)", lang, got, err)
		}
		noSideScroll(t, ctx, "check-in form in "+lang, phoneW)
		viewportShot(t, ctx, "phone-lang-"+lang)
		if lang == "ar" {
			// mirrored: the name field's label starts at the right, the language switch at the left
			side, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
				const l = document.querySelector('label[for="f-name"]').getBoundingClientRect();
				const s = document.querySelector('[data-testid="lang-switch"]').getBoundingClientRect();
				return (l.right > innerWidth - 40 ? "label-right" : "label-left") + " " + (s.left < innerWidth / 2 ? "switch-left" : "switch-right");
			})()`))
			if err != nil || side != "label-right switch-left" {
				t.Errorf("Arabic is not mirrored: %q (%v)", side, err)
			}
			run(t, ctx, "send it empty", chromedp.Sleep(2100*1e6),
				chromedp.Tap(chromedp.CSS(`[data-testid="checkin-submit"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-summary"]`)))
			screenshot(t, ctx, "phone-lang-ar-errors")
			run(t, ctx, "open the language switch", chromedp.Tap(chromedp.CSS(`[data-testid="lang-switch"] summary`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="lang-switch"] a[hreflang="de"]`)))
			viewportShot(t, ctx, "phone-lang-ar-switch")
			run(t, ctx, "switch to German", chromedp.Tap(chromedp.CSS(`[data-testid="lang-switch"] a[hreflang="de"]`)),
				chromedp.WaitVisible(chromedp.CSS(`html[lang="de"] [data-testid="checkin-form"]`)))
		}
	}
	// the confirmation and the private page in Arabic
	run(t, ctx, "check in in Arabic", chromedp.Navigate(a.ts.URL+paths.CheckIn(ev.CheckinKey)+"?lang=ar"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-form"]`)),
		chromedp.SendKeys(chromedp.ID("f-name"), "سارة الأحمد"),
		chromedp.SendKeys(chromedp.ID("f-email"), "sara@example.com"),
		chromedp.Tap(chromedp.CSS(`#f-interests-0 + span`)),
		chromedp.Tap(chromedp.CSS(`#f-q\.auth-0 + span`)),
		chromedp.Tap(chromedp.ID("f-consent")),
		chromedp.Tap(chromedp.ID("f-talent_pool")),
		chromedp.Sleep(2100*1e6),
		chromedp.Tap(chromedp.CSS(`[data-testid="checkin-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[dir="rtl"] [data-testid="personal-qr"]`)))
	noSideScroll(t, ctx, "Arabic confirmation", phoneW)
	screenshot(t, ctx, "phone-lang-ar-thanks")
	lead := a.leadOfEmail(ev, "sara@example.com")
	run(t, ctx, "open the private page", chromedp.Navigate(a.ts.URL+a.selfLink(lead.ID)),
		chromedp.WaitVisible(chromedp.CSS(`html[dir="rtl"] [data-testid="self-service"]`)))
	noSideScroll(t, ctx, "Arabic private page", phoneW)
	screenshot(t, ctx, "phone-lang-ar-private")
	a.noMissingMessages(t)
}
