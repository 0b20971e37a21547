package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/boothlead/boothlead/ats/atstest"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// TestJourneyIntegrations walks the integration screens on a laptop: an API token, a webhook,
// the Greenhouse connection, "Send N leads to Greenhouse" from the filtered table, the lead's
// sync state, a follow-up template with its preview; then, on a phone, the unsubscribe page.
func TestJourneyIntegrations(t *testing.T) {
	gh := atstest.Greenhouse(t, "gh-key-7781")
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer rcv.Close()
	a := newWorkerApp(t, map[string]string{"greenhouse": gh.URL}, withSecretKey, withPrivateHooks)
	ctx0 := context.Background()
	ev := modelstest.Event(t, a.db, "gophercon-eu", "Backend (Go)", "Data & ML", "SRE / Platform")
	var staff []int64
	for _, email := range []string{"mei@example.com", "jonas@example.com"} {
		staff = append(staff, modelstest.Staff(t, a.db, email, models.RoleStaff).ID)
	}
	loc := ev.Location()
	day1 := time.Date(ev.StartsOn.Year(), ev.StartsOn.Month(), ev.StartsOn.Day(), 0, 0, 0, 0, loc)
	if err := a.store.SeedLeads(ctx0, ev, models.DemoLeads(models.DemoOptions{Leads: 80, Days: []time.Time{day1},
		Interests: ev.Interests, Staff: staff, Seed: 7})); err != nil {
		t.Fatal(err)
	}
	modelstest.Staff(t, a.db, "ada@example.com", models.RoleAdmin)

	ctx := newBrowser(t, laptopW, laptopH, false)
	u := a.ts.URL
	run(t, ctx, "sign in and make a token",
		chromedp.Navigate(u+"/login?next=/integrations"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login-form"]`)),
		chromedp.SendKeys(chromedp.ID("f-email"), "ada@example.com"),
		chromedp.SendKeys(chromedp.ID("f-password"), modelstest.Password+"\n"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="token-form"]`)),
		chromedp.SendKeys(chromedp.ID("f-name"), "Greenhouse sync script"),
		chromedp.Submit(chromedp.CSS(`[data-testid="token-form"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="new-token"]`)),
	)
	if tok := text(t, ctx, `[data-testid="new-token-value"]`); !strings.HasPrefix(tok, "blt_") {
		t.Fatalf("token shown: %q", tok)
	}
	run(t, ctx, "add a webhook",
		chromedp.SendKeys(chromedp.ID("f-url"), rcv.URL+"/boothlead"),
		chromedp.SendKeys(chromedp.ID("f-secret"), "receiver-secret-0123456789"),
		chromedp.Submit(chromedp.CSS(`[data-testid="webhook-form"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="webhook-row"]`)),
	)
	screenshot(t, ctx, "laptop-20-integrations")

	run(t, ctx, "connect Greenhouse",
		chromedp.Navigate(u+"/events/gophercon-eu/ats"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="ats-form-greenhouse"]`)),
		chromedp.SendKeys(chromedp.ID("greenhouse-api_key"), "gh-key-7781"),
		chromedp.SendKeys(chromedp.ID("greenhouse-on_behalf_of"), "4080"),
		chromedp.SendKeys(chromedp.ID("greenhouse-source"), "1234"),
		chromedp.SendKeys(chromedp.ID("greenhouse-tags"), "GopherCon EU 2026"),
		chromedp.Submit(chromedp.CSS(`[data-testid="ats-form-greenhouse"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="ats-counts"]`)),
	)
	screenshot(t, ctx, "laptop-21-ats")

	run(t, ctx, "send the hot leads to Greenhouse",
		chromedp.Navigate(u+"/events/gophercon-eu/leads?rating=hot"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="outreach-bar"]`)),
	)
	bar := text(t, ctx, `[data-testid="ats-push-greenhouse"]`)
	if !strings.Contains(bar, "to Greenhouse") {
		t.Fatalf("outreach bar %q", bar)
	}
	viewportShot(t, ctx, "laptop-22-leads-outreach")
	run(t, ctx, "press send",
		chromedp.Click(chromedp.CSS(`[data-testid="ats-push-greenhouse"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)),
	)
	if f := text(t, ctx, `[data-testid="flash"]`); !strings.Contains(f, "on the way to Greenhouse") {
		t.Fatalf("flash %q", f)
	}
	for end := time.Now().Add(10 * time.Second); gh.Total() == 0 && time.Now().Before(end); {
		time.Sleep(50 * time.Millisecond)
	}
	var leadID string
	a.db.Gorm.Raw(`SELECT lead_id FROM ats_syncs WHERE state = 'sent' ORDER BY id LIMIT 1`).Scan(&leadID)
	if leadID == "" {
		t.Fatal("no lead arrived in Greenhouse")
	}
	run(t, ctx, "the lead page shows it arrived",
		chromedp.Navigate(u+"/leads/"+leadID),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="ats-sync"]`)),
		chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="ats-sync"]`)),
	)
	viewportShot(t, ctx, "laptop-23-lead-ats")

	run(t, ctx, "write a follow-up",
		chromedp.Navigate(u+"/events/gophercon-eu/follow-up?rating=hot"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="followup-form"]`)),
		chromedp.SendKeys(chromedp.ID("f-name"), "Thank you"),
		chromedp.Submit(chromedp.CSS(`[data-testid="followup-form"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="followup-preview"]`)),
	)
	screenshot(t, ctx, "laptop-24-followup")

	// the candidate's side: the unsubscribe link on a phone
	var tmpl models.FollowUpTemplate
	a.db.Gorm.Take(&tmpl)
	if _, err := a.store.QueueFollowUps(ctx0, 0, ev, tmpl.ID, models.LeadFilter{Ratings: []string{"hot"}}.Normalize(ev), 1000); err != nil {
		t.Fatal(err)
	}
	var sendID int64
	a.db.Gorm.Raw(`SELECT id FROM followup_sends ORDER BY id LIMIT 1`).Scan(&sendID)
	token, err := a.store.UnsubscribeToken(ctx0, sendID)
	if err != nil {
		t.Fatal(err)
	}
	phone := newBrowser(t, phoneW, phoneH, true)
	run(t, phone, "open the unsubscribe link",
		chromedp.Navigate(u+"/u/"+token),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="unsubscribe-form"]`)),
	)
	viewportShot(t, phone, "phone-20-unsubscribe")
	run(t, phone, "unsubscribe",
		chromedp.Click(chromedp.CSS(`[data-testid="unsubscribe-form"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="unsubscribed"]`)),
	)
	viewportShot(t, phone, "phone-21-unsubscribed")
}
