package handlers

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// smallStaffTargets lists the controls of the booth screens smaller than 44×44 px (staff tap them
// standing, in a hurry; UX.md asks 44 px everywhere on staff pages).
const smallStaffTargets = `[...document.querySelectorAll(
	'.topbar a, .topbar summary, .topbar button, .board-top button, .board-top summary, .arrival, ' +
	'.capture-top a, .capture-top button, .capture .toggle span, .capture button, .capture textarea, .capture input:not([type=hidden]):not([type=checkbox])')]
	.filter(e => e.offsetParent !== null)
	.filter(e => { const r = e.getBoundingClientRect(); return r.height < 43.5 || r.width < 43.5; })
	.map(e => (e.id || e.getAttribute('name') || e.textContent).trim().slice(0, 30))`

// captureFixture is an event with a lived-in lead: picked interests, a note by a colleague.
func captureFixture(t *testing.T) (*testApp, models.Event, models.Lead) {
	t.Helper()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "devconf", "Backend", "Data", "Platform", "Internships")
	lead := checkInDirect(t, a, ev, "Maximiliane Oberhuber-Castellanos", "max@example.com", "Backend", "Platform")
	rita := modelstest.Staff(t, a.db, "rita@example.com", models.RoleStaff)
	modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	conv, err := models.NewConversation(ev, lead, rita.ID, models.ConversationInput{ClientID: models.NewUUID(),
		Notes: "Ten years of Go, runs the platform team at a bank; wants remote, not before March.", Rating: "warm"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.store.AddConversation(t.Context(), ev, conv); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.SQL.Exec(`UPDATE leads SET company = 'Bankhaus Oberhuber & Söhne AG', title = 'Head of Platform' WHERE id = $1`, lead.ID); err != nil {
		t.Fatal(err)
	}
	return a, ev, lead
}

// The capture screen holds the person and the whole conversation form in the first screen of a
// phone and of a tablet; every staff control is at least 44 px; nothing scrolls sideways.
func TestCaptureScreenFitsTheFirstScreen(t *testing.T) {
	a, ev, lead := captureFixture(t)
	u := a.ts.URL
	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"phone", phoneW, phoneH, true}, {"tablet", tabletW, tabletH, false}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := newBrowser(t, size.width, size.height, size.mobile)
			run(t, ctx, "open the board", signInSteps(u, "sam@example.com"), chromedp.Navigate(u+paths.Event(ev.Slug)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="lead-row"]`)))
			noSideScroll(t, ctx, size.name+" board", int(size.width))
			if small, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](smallStaffTargets)); len(small) > 0 {
				t.Errorf("%s board: targets under 44 px: %q", size.name, small)
			}
			inFirstScreen(t, ctx, size.name+" board", int(size.height), `[data-testid="scan-form"] textarea`, `[data-testid="lead-row"]`)
			screenshot(t, ctx, size.name+"-40-board")

			run(t, ctx, "tap the row", chromedp.Click(chromedp.CSS(`[data-testid="lead-row"] .arrival-org`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="conversation-form"]`)))
			if got := text(t, ctx, `[data-testid="lead-name"]`); got != lead.Name {
				t.Fatalf("tapping the row (not the name) opened %q", got)
			}
			inFirstScreen(t, ctx, size.name+" capture screen", int(size.height), `[data-testid="lead-name"]`,
				`[data-testid="picked"]`, `[data-testid="last-note"]`, `label.r-hot`, `input[name="interests"][value="Internships"] + span`,
				`textarea[name="notes"]`, `input[name="follow_up"]`, `[data-testid="save-conversation"]`)
			noSideScroll(t, ctx, size.name+" capture screen", int(size.width))
			if small, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](smallStaffTargets)); len(small) > 0 {
				t.Errorf("%s capture screen: targets under 44 px: %q", size.name, small)
			}
			screenshot(t, ctx, size.name+"-41-capture")

			run(t, ctx, "rate and save", chromedp.Click(chromedp.CSS(`label.r-hot`)),
				chromedp.Click(chromedp.CSS(`[data-testid="save-conversation"]`)))
			if !eventually(ctx, `(document.querySelector('[data-result]') || {dataset: {}}).dataset.result === 'ok'`, 10*time.Second) {
				t.Fatal("no green result after saving")
			}
			viewportShot(t, ctx, size.name+"-42-saved")
		})
	}
}

// A correction is a new entry that names the one it corrects; the old one stays, marked.
func TestCorrectionIsANewEntry(t *testing.T) {
	t.Parallel()
	a, _, lead := captureFixture(t)
	staff := a.client()
	staff.login("sam@example.com")
	p := staff.get(paths.Lead(lead.ID))
	link, _ := p.testid("correct-link").Attr("href")
	form := staff.get(link)
	wantStatus(t, form, 200)
	if form.testid("correcting").Length() != 1 || form.doc.Find(`textarea[name="notes"]`).Text() == "" {
		t.Fatalf("the correction form is not filled in: %.300s", form.testid("conversation-form").Text())
	}
	corrects, _ := form.doc.Find(`input[name="corrects"]`).Attr("value")
	p = staff.submit(paths.Conversations(lead.ID), map[string][]string{"client_id": {models.NewUUID()}, "corrects": {corrects},
		"notes": {"Ten years of Go; wants remote from April, not March."}, "rating": {"hot"}})
	wantStatus(t, p, 303)
	cs, _ := a.store.Conversations(context.Background(), lead.ID)
	if len(cs) != 2 || cs[0].Corrects == nil || *cs[0].Corrects != cs[1].ID || cs[1].Notes == cs[0].Notes {
		t.Fatalf("after the correction: %+v", cs)
	}
	page := staff.get(paths.Lead(lead.ID))
	if page.testid("corrects").Length() != 1 || page.testid("corrected-by").Length() != 1 {
		t.Error("the timeline does not say which entry corrects which")
	}
	if got, _ := a.store.LeadByID(context.Background(), lead.ID); got.RatingText() != "hot" {
		t.Errorf("the lead's rating after the correction: %q", got.RatingText())
	}
	// a correction may only name this person's entries
	other := checkInDirect(t, a, modelstest.Event(t, a.db, "other"), "Other", "other@example.com")
	p = staff.submit(paths.Conversations(other.ID), map[string][]string{"client_id": {models.NewUUID()}, "corrects": {corrects},
		"notes": {"x"}})
	wantStatus(t, p, 422)
}
