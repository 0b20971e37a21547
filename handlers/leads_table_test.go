package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// TestRecruiterPagesAreForRecruitersAndAdmins: staff get 403 on the leads table, the export and
// the charts; without a session the browser is sent to sign in (and back afterwards).
func TestRecruiterPagesAreForRecruitersAndAdmins(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	exportEvent(t, a, "acl", "ACL", "Go")
	staff := a.signedIn("sam@example.com", models.RoleStaff)
	rec := a.signedIn("rita@example.com", models.RoleRecruiter)
	adm := a.signedIn("ada@example.com", models.RoleAdmin)
	anon := a.client()
	for _, path := range []string{"/events/acl/leads", "/events/acl/export.csv?preset=lever", "/events/acl/charts"} {
		res := staff.get(path)
		wantStatus(t, res, http.StatusForbidden)
		if res.header.Get("Content-Disposition") != "" {
			t.Errorf("%s: the 403 arrives as a download", path)
		}
		if !strings.Contains(res.body, "Not allowed") {
			t.Errorf("%s: the 403 is not the friendly page", path)
		}
		res = anon.get(path)
		wantStatus(t, res, http.StatusSeeOther)
		if res.location() != "/login?next="+url.QueryEscape(path) {
			t.Errorf("%s: anonymous redirect to %q", path, res.location())
		}
		wantStatus(t, rec.get(path), http.StatusOK)
		wantStatus(t, adm.get(path), http.StatusOK)
	}
	var n int64
	a.db.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = 'export'").Scan(&n)
	if n != 2 {
		t.Errorf("%d export audit rows, want 2 (recruiter and admin; none for the refused)", n)
	}
	wantStatus(t, rec.get("/events/nope/leads"), http.StatusNotFound)
	wantStatus(t, rec.get("/events/nope/charts"), http.StatusNotFound)
}

// TestLeadsTableShowsFiltersSortsAndPages drives the table through its query string.
func TestLeadsTableShowsFiltersSortsAndPages(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := context.Background()
	ev := exportEvent(t, a, "table", "Table Conf", "Go,Data")
	mei := exportStaff(t, a, "mei@example.com", "Mei Lin")
	var seed []models.SeedLead
	for i := 0; i < 120; i++ {
		at := exportUTC("2026-11-25 08:00").Add(time.Duration(i) * 5 * time.Minute)
		l := models.SeedLead{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Name: fmt.Sprintf("Person %03d", i),
			Email: fmt.Sprintf("p%03d@example.com", i), Company: "Acme", Source: models.SourceSelfCheckIn,
			FirstSeen: at, LastSeen: at, Interests: []string{"Go"}}
		if i%10 == 0 {
			l.Interests = []string{"Data"}
			l.Conversations = []models.SeedConversation{{StaffID: mei.ID, At: at.Add(time.Minute), Rating: "hot", Notes: "great"}}
		}
		seed = append(seed, l)
	}
	seed[7].Name = `<script>alert("x")</script>`
	if err := a.store.SeedLeads(ctx, ev, seed); err != nil {
		t.Fatal(err)
	}
	c := a.signedIn("rita@example.com", models.RoleRecruiter)

	p := c.get("/events/table/leads")
	wantStatus(t, p, http.StatusOK)
	rows := p.testid("lead-row")
	if rows.Length() != leadsPageSize {
		t.Fatalf("%d rows on the first page", rows.Length())
	}
	first := rows.First()
	if href, _ := first.Find("a").Attr("href"); href != "/leads/00000000-0000-4000-8000-000000000119" {
		t.Errorf("newest first, linked to its lead page: %q", href)
	}
	// 08:00 UTC + 119 × 5 min = 17:55 UTC = 18:55 in Berlin
	if txt := first.Find("time").Text(); txt != "Wed 25 Nov 18:55" {
		t.Errorf("first seen %q, want the event's time zone", txt)
	}
	if got := strings.Join(strings.Fields(p.testid("lead-count").Text()), " "); got != "120 leads" {
		t.Errorf("count %q", got)
	}
	if got := p.testid("page-range").Text(); got != "1–50 of 120" {
		t.Errorf("range %q", got)
	}
	if got := p.testid("tz-note").Text(); got != "(Europe/Berlin time, UTC+01:00)" {
		t.Errorf("the time filters do not say their zone: %q", got)
	}
	if title, _ := first.Find(`[data-testid="lead-email"]`).Attr("title"); title != "p119@example.com" {
		t.Errorf("a long email is cut with its whole value in the title: %q", title)
	}
	if strings.Contains(p.body, "<script>alert") {
		t.Error("a lead's name is not escaped")
	}

	// paging forwards and back
	seen := map[string]bool{}
	page := p
	for i := 0; ; i++ {
		page.testid("lead-row").Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Find("a").Attr("href")
			if seen[href] {
				t.Errorf("lead %s on two pages", href)
			}
			seen[href] = true
		})
		next, ok := page.testid("page-next").Attr("href")
		if !ok {
			break
		}
		page = c.get(next)
		wantStatus(t, page, http.StatusOK)
		if page.testid("page-first").Length() != 1 {
			t.Error("a later page has no way back to the first")
		}
		if want := fmt.Sprintf("%d–%d of 120", (i+1)*50+1, min((i+2)*50, 120)); page.testid("page-range").Text() != want {
			t.Errorf("page %d says %q, want %q", i+2, page.testid("page-range").Text(), want)
		}
	}
	if len(seen) != 120 {
		t.Fatalf("paging showed %d leads", len(seen))
	}
	second, _ := p.testid("page-next").Attr("href")
	if !strings.HasSuffix(second, "&pos=51") {
		t.Errorf("the next page's link does not carry its position: %q", second)
	}
	// a position the link cannot know (an old or edited link) is counted or clamped
	if got := c.get(strings.TrimSuffix(second, "&pos=51")).testid("page-range").Text(); got != "51–100 of 120" {
		t.Errorf("without a position: %q", got)
	}
	if got := c.get(strings.TrimSuffix(second, "51") + "9999").testid("page-range").Text(); got != "71–120 of 120" {
		t.Errorf("with a position past the end: %q", got)
	}
	prev, _ := page.testid("page-prev").Attr("href")
	back := c.get(prev)
	if back.testid("lead-row").Length() != leadsPageSize {
		t.Errorf("previous page has %d rows", back.testid("lead-row").Length())
	}
	wantStatus(t, c.get("/events/table/leads?after=garbage"), http.StatusBadRequest)

	// a filter: its count, its rows, the ratings line and export links
	p = c.get("/events/table/leads?rating=hot&interest=Data&staff=" + fmt.Sprint(mei.ID))
	wantStatus(t, p, http.StatusOK)
	if p.testid("lead-row").Length() != 12 || !strings.Contains(p.testid("lead-count").Text(), "of 120") {
		t.Errorf("hot Data leads Mei talked to: %d rows, count %q", p.testid("lead-row").Length(), p.testid("lead-count").Text())
	}
	if !p.doc.Find(`input[name="rating"][value="hot"]`).Is("[checked]") {
		t.Error("the form does not show the filter it applied")
	}
	if txt := p.doc.Find(`[data-testid="export-csv"][data-preset="generic"]`).Text(); !strings.HasPrefix(txt, "Export 12 leads") {
		t.Errorf("export menu %q", txt)
	}
	var chips []string
	p.testid("filter-chip").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		chips = append(chips, strings.Join(strings.Fields(s.Text()), " ")+" → "+href)
	})
	wantChips := []string{
		"Rating: Hot × (remove this filter) → /events/table/leads?interest=Data&staff=" + fmt.Sprint(mei.ID),
		"Interest: Data × (remove this filter) → /events/table/leads?rating=hot&staff=" + fmt.Sprint(mei.ID),
		"Talked to: Mei Lin × (remove this filter) → /events/table/leads?interest=Data&rating=hot",
	}
	if strings.Join(chips, "\n") != strings.Join(wantChips, "\n") {
		t.Errorf("chips:\n%s", strings.Join(chips, "\n"))
	}

	// sorting by name: the header link sorts, a second click reverses
	p = c.get("/events/table/leads")
	href, _ := p.doc.Find(`th a`).First().Attr("href")
	if href != "/events/table/leads?sort=name" {
		t.Fatalf("name header links to %q", href)
	}
	p = c.get(href)
	if name := p.testid("lead-row").First().Find("a").Text(); name != "<script>alert(\"x\")</script>" && !strings.HasPrefix(name, "Person 000") {
		t.Errorf("A to Z starts with %q", name)
	}
	if s, _ := p.doc.Find(`th[aria-sort]`).Attr("aria-sort"); s != "ascending" {
		t.Errorf("aria-sort %q", s)
	}
	again, _ := p.doc.Find(`th[aria-sort] a`).Attr("href")
	if again != "/events/table/leads?dir=desc&sort=name" {
		t.Errorf("second click goes to %q", again)
	}

	// an invalid filter: 422, the field's error, no table and no export
	p = c.get("/events/table/leads?from=soon&pool=maybe")
	wantStatus(t, p, http.StatusUnprocessableEntity)
	if p.testid("field-error").Length() != 2 || p.testid("export-csv").Length() != 0 || p.testid("lead-row").Length() != 0 {
		t.Errorf("invalid filter page: %d errors, %d export links, %d rows", p.testid("field-error").Length(),
			p.testid("export-csv").Length(), p.testid("lead-row").Length())
	}

	// no match
	p = c.get("/events/table/leads?q=nobody-like-this")
	if p.testid("leads-empty").Length() != 1 || p.testid("export-csv").Length() != 0 {
		t.Error("an empty result has no message, or export links")
	}
	if m := p.testid("export-menu"); !m.Is("button[disabled]") || m.Text() != "Export: no leads match" {
		t.Errorf("the export menu at 0 results: %q", m.Text())
	}
}

// TestLeadsTableShowsUnresolvedBadgesAndRealCaptures: leads made through the app's own capture
// paths (self check-in, a walk-in, a conversation, a scanned opaque badge) appear with their
// source, rating and staff.
func TestLeadsTableShowsUnresolvedBadgesAndRealCaptures(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := context.Background()
	ev := modelstest.Event(t, a.db, "real", "Go")
	sam := modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	in, err := models.CheckLead(ev, models.LeadInput{Name: "Ada Lovelace", Email: "ada@example.com", Consent: true,
		Interests: []string{"Go"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.store.CheckIn(ctx, ev, in)
	if err != nil {
		t.Fatal(err)
	}
	lead := res.Lead
	conv, err := models.NewConversation(ev, lead, sam.ID, models.ConversationInput{ClientID: models.NewUUID(),
		Notes: "Wrote the first program", Rating: "hot"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.store.AddConversation(ctx, ev, conv); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.store.ResolveScan(ctx, ev, sam.ID, models.ScanInput{ClientID: models.NewUUID(), Raw: "TKT-123",
		Kind: "code", IdentityKind: "code", IdentityValue: "TKT-123"}); err != nil {
		t.Fatal(err)
	}
	c := a.signedIn("rita@example.com", models.RoleRecruiter)
	p := c.get("/events/real/leads?sort=name")
	wantStatus(t, p, http.StatusOK)
	text := strings.Join(strings.Fields(p.testid("leads-table").Text()), " ")
	for _, want := range []string{"Ada Lovelace", "ada@example.com", "Self check-in", "Hot", "sam", "Badge scan",
		"badge not resolved", "Not rated"} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q: %s", want, text)
		}
	}
}
