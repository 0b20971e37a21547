package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/boothlead/boothlead/ats/atstest"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

func TestATSConnectionNeedsSecretKey(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, withoutMail)
	modelstest.Event(t, a.db, "pycon")
	admin := a.signedIn("admin@example.com", models.RoleAdmin)
	if p := admin.get("/events/pycon/ats"); p.testid("no-secret-key").Length() != 1 {
		t.Fatal("the page does not say SECRET_KEY is missing")
	}
	p := admin.submit("/events/pycon/ats/greenhouse", url.Values{"api_key": {"gh-key"}, "on_behalf_of": {"4080"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "SECRET_KEY is not set") {
		t.Fatalf("saving without SECRET_KEY: %d", p.status)
	}
	var n int64
	a.db.Gorm.Raw(`SELECT count(*) FROM ats_connections`).Scan(&n)
	if n != 0 {
		t.Fatal("a connection was stored without SECRET_KEY")
	}
}

// An admin connects Greenhouse; a recruiter sends the filtered leads that may be pushed (name,
// email, contact consent) from the leads table; each arrives once and the lead page says so.
func TestSendLeadsToGreenhouseFromTheLeadsTable(t *testing.T) {
	t.Parallel()
	gh := atstest.Greenhouse(t, "gh-key-1234")
	a := newWorkerApp(t, map[string]string{"greenhouse": gh.URL}, withoutMail, withSecretKey, withPrivateHooks)
	ctx := context.Background()
	ev := modelstest.Event(t, a.db, "pycon", "Backend")
	staff := modelstest.Staff(t, a.db, "booth@example.com", models.RoleStaff)
	ada := checkInDirect(t, a, ev, "Ada Lovelace", "ada@example.com", "Backend")
	checkInDirect(t, a, ev, "Grace Hopper", "grace@example.com")
	if _, _, err := a.store.ResolveScan(ctx, ev, staff.ID, models.ScanInput{ClientID: "1c8f3e2a-5b7d-4f9a-8e6c-2d4b6a8c0e1f",
		Raw: "MECARD:N:Turing,Alan;EMAIL:alan@example.com;;", Kind: "mecard", IdentityKind: "email",
		IdentityValue: "alan@example.com", Name: "Alan Turing", Email: "alan@example.com"}); err != nil {
		t.Fatal(err)
	}

	admin := a.signedIn("admin@example.com", models.RoleAdmin)
	p := admin.submit("/events/pycon/ats/greenhouse", url.Values{"api_key": {"gh-key-1234"}, "on_behalf_of": {"not a number"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "user id") {
		t.Fatalf("a bad On-Behalf-Of: %d", p.status)
	}
	p = admin.submit("/events/pycon/ats/greenhouse", url.Values{"api_key": {"gh-key-1234"}, "on_behalf_of": {"4080"},
		"source": {"1234"}, "tags": {"EuroPython 2026, booth"}})
	wantStatus(t, p, http.StatusSeeOther)
	var creds string
	a.db.Gorm.Raw(`SELECT credentials FROM ats_connections`).Scan(&creds)
	if strings.Contains(creds, "gh-key") {
		t.Fatalf("the API key is stored readable: %q", creds)
	}
	// saving again without a key keeps the stored one
	wantStatus(t, admin.submit("/events/pycon/ats/greenhouse", url.Values{"on_behalf_of": {"4080"}, "source": {"1234"},
		"tags": {"EuroPython 2026, booth"}}), http.StatusSeeOther)

	rec := a.signedIn("rec@example.com", models.RoleRecruiter)
	if p := rec.get("/events/pycon/ats"); p.status != http.StatusForbidden {
		t.Fatalf("a recruiter on the connection page: %d", p.status)
	}
	leads := rec.get("/events/pycon/leads")
	bar := leads.testid("ats-push-greenhouse")
	if !strings.Contains(bar.Text(), "Send 2 leads to Greenhouse") || !strings.Contains(bar.Text(), "1 left out") {
		t.Fatalf("the leads table offers %q", strings.Join(strings.Fields(bar.Text()), " "))
	}
	p = rec.submit("/events/pycon/ats/greenhouse/push", url.Values{})
	wantStatus(t, p, http.StatusSeeOther)
	deadline := time.Now().Add(10 * time.Second)
	for gh.Total() < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if gh.Created("ada@example.com") != 1 || gh.Created("grace@example.com") != 1 || gh.Created("alan@example.com") != 0 {
		t.Fatalf("created: ada %d, grace %d, alan %d", gh.Created("ada@example.com"), gh.Created("grace@example.com"), gh.Created("alan@example.com"))
	}
	body, _ := gh.Record("ada@example.com")
	if body["first_name"] != "Ada" || body["last_name"] != "Lovelace" || !strings.Contains(strings.Join(anyStrings(body["tags"]), ","), "booth") {
		t.Fatalf("prospect %v", body)
	}
	var lp page
	for time.Now().Before(deadline) {
		if lp = rec.get("/leads/" + ada.ID); strings.Contains(lp.testid("ats-sync-row").Text(), "sent") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if row := lp.testid("ats-sync-row").Text(); !strings.Contains(row, "Greenhouse") || !strings.Contains(row, "sent") {
		t.Fatalf("the lead page says %q", row)
	}
	// pressing again sends nobody twice
	wantStatus(t, rec.submit("/events/pycon/ats/greenhouse/push", url.Values{}), http.StatusSeeOther)
	if bar := rec.get("/events/pycon/leads").testid("ats-push-greenhouse"); !strings.Contains(bar.Text(), "Send 0 leads") ||
		!strings.Contains(bar.Text(), "2 sent before") {
		t.Fatalf("after sending: %q", strings.Join(strings.Fields(bar.Text()), " "))
	}
	time.Sleep(300 * time.Millisecond)
	if gh.Total() != 2 {
		t.Fatalf("%d prospects, want 2", gh.Total())
	}
}

func anyStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}
