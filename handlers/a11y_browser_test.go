package handlers

import (
	"context"
	_ "embed"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// axe-core (MPL-2.0, testdata/axe/LICENSE), the accessibility engine browsers' devtools use.
//
//go:embed testdata/axe/axe-4.14.1.min.js
var axeSource string

// axeViolations runs axe-core on the page and returns "rule (impact): target" for each problem.
func axeViolations(t testing.TB, ctx context.Context) []string {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		t.Fatalf("load axe: %v", err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ['violations']}).then(r =>
		r.violations.flatMap(v => v.nodes.map(n => v.id + ' (' + v.impact + '): ' + n.target.join(' '))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe: %v", err)
	}
	return got
}

// Every main screen passes axe-core's checks (WCAG 2.x A and AA and best practices): staff pages
// at tablet size, candidate pages at phone size.
func TestAccessibilityOfEveryMainScreen(t *testing.T) {
	a, ev, lead := captureFixture(t)
	modelstest.Staff(t, a.db, "ada@example.com", models.RoleAdmin)
	u := a.ts.URL
	staff := newBrowser(t, tabletW, tabletH, false)
	run(t, staff, "sign in", signInSteps(u, "ada@example.com"))
	pagesToCheck := map[string]string{
		"board":   paths.Event(ev.Slug),
		"lead":    paths.Lead(lead.ID),
		"leads":   paths.Leads(ev.Slug),
		"charts":  paths.Charts(ev.Slug),
		"poster":  paths.Poster(ev.Slug),
		"events":  paths.Events(),
		"staff":   paths.Staff(),
		"walk-in": paths.QuickAdd(ev.Slug),
	}
	for name, p := range pagesToCheck {
		run(t, staff, "open "+name, chromedp.Navigate(u+p), chromedp.WaitReady(chromedp.CSS(`main`)))
		if v := axeViolations(t, staff); len(v) > 0 {
			t.Errorf("%s: %d accessibility problem(s):\n  %s", name, len(v), strings.Join(v, "\n  "))
		}
	}
	phone := newBrowser(t, phoneW, phoneH, true)
	checkin := u + paths.CheckIn(ev.CheckinKey)
	run(t, phone, "open the check-in", chromedp.Navigate(checkin), chromedp.WaitReady(chromedp.CSS(`main`)))
	if v := axeViolations(t, phone); len(v) > 0 {
		t.Errorf("check-in: %d accessibility problem(s):\n  %s", len(v), strings.Join(v, "\n  "))
	}
	me := a.selfLink(lead.ID)
	for name, p := range map[string]string{"private page": me, "personal code": paths.Personal(lead.PersonalToken)} {
		run(t, phone, "open "+name, chromedp.Navigate(u+p), chromedp.WaitReady(chromedp.CSS(`main`)))
		if v := axeViolations(t, phone); len(v) > 0 {
			t.Errorf("%s: %d accessibility problem(s):\n  %s", name, len(v), strings.Join(v, "\n  "))
		}
	}
	_ = url.Values{}
}
