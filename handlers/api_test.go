package handlers

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/boothlead/boothlead/api"
	"github.com/boothlead/boothlead/api/openapitest"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// apiAnswer is one API response.
type apiAnswer struct {
	status int
	header http.Header
	body   []byte
}

func (r apiAnswer) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("not JSON (%d): %s", r.status, r.body)
	}
}

// apiGet calls the API with token ("" for none).
func (a *testApp) apiGet(token, path string) apiAnswer {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return apiAnswer{status: res.StatusCode, header: res.Header, body: b}
}

// makeToken makes an API token through the admins' page and returns it as shown (once).
func makeToken(t testing.TB, admin *client, name, role string) string {
	t.Helper()
	p := admin.submit("/integrations/tokens", url.Values{"name": {name}, "role": {role}})
	wantStatus(t, p, http.StatusCreated)
	tok := strings.TrimSpace(p.testid("new-token-value").Text())
	if !strings.HasPrefix(tok, models.APITokenPrefix) {
		t.Fatalf("no token shown: %.300s", p.body)
	}
	return tok
}

func TestAPITokensScopesAndAudit(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "pycon", "Backend")
	checkInDirect(t, a, ev, "Ada Lovelace", "ada@example.com", "Backend")
	admin := a.signedIn("admin@example.com", models.RoleAdmin)
	rec := makeToken(t, admin, "Spreadsheet sync", "recruiter")
	adm := makeToken(t, admin, "Ops", "admin")

	for _, tc := range []struct{ token, path string }{{"", "/api/v1/events"}, {"blt_not-a-token", "/api/v1/events"},
		{rec + "x", "/api/v1/events/pycon/leads"}} {
		r := a.apiGet(tc.token, tc.path)
		var e api.Error
		r.decode(t, &e)
		if r.status != http.StatusUnauthorized || e.Error == "" || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%q %s: %d %s", tc.token, tc.path, r.status, r.body)
		}
	}
	if r := a.apiGet(rec, "/api/v1/events"); r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("recruiter token: %d %s", r.status, r.body)
	}
	if r := a.apiGet(rec, "/api/v1/webhooks"); r.status != http.StatusForbidden {
		t.Fatalf("recruiter token on an admin call: %d %s", r.status, r.body)
	}
	if r := a.apiGet(adm, "/api/v1/webhooks"); r.status != http.StatusOK {
		t.Fatalf("admin token: %d %s", r.status, r.body)
	}
	// a session is no token, and a token is no session
	if p := admin.get("/api/v1/events"); p.status != http.StatusUnauthorized {
		t.Fatalf("the API with a session cookie: %d", p.status)
	}
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+adm)
	if res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a staff page with a token: %v %v", res, err)
	}

	page := admin.get("/integrations")
	if used := page.testid("token-last-used").First().Text(); used == "never" {
		t.Errorf("last use not shown: %q", used)
	}
	var ids []int64
	a.db.Gorm.Raw(`SELECT id FROM api_tokens WHERE role = 'recruiter'`).Scan(&ids)
	p := admin.submit("/integrations/tokens/"+strconv.FormatInt(ids[0], 10)+"/revoke", nil)
	wantStatus(t, p, http.StatusSeeOther)
	if r := a.apiGet(rec, "/api/v1/events"); r.status != http.StatusUnauthorized {
		t.Fatalf("a revoked token: %d", r.status)
	}

	var rows []struct{ Action, SubjectID, Details string }
	a.db.Gorm.Raw(`SELECT action, subject_id, details::text FROM audit_log WHERE action LIKE 'api%' ORDER BY id`).Scan(&rows)
	calls := 0
	for _, r := range rows {
		if r.Action == "api.call" {
			calls++
		}
		if strings.Contains(r.Details, "ada") || strings.Contains(r.Details, "Ada") || strings.Contains(r.Details, "blt_") {
			t.Errorf("the audit log holds candidate data or a token: %+v", r)
		}
	}
	if calls != 3 { // events, webhooks twice (the 403 too); 401s have no token to name
		t.Errorf("%d api.call audit rows, want 3: %+v", calls, rows)
	}
}

func TestAPIPagesLeadsByChangeWithConversationsAndAnswers(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := context.Background()
	ev := modelstest.Event(t, a.db, "pycon", "Backend")
	staff := modelstest.Staff(t, a.db, "booth@example.com", models.RoleStaff)
	admin := a.signedIn("admin@example.com", models.RoleAdmin)
	tok := makeToken(t, admin, "sync", "recruiter")
	var leads []models.Lead
	for i := range 7 {
		leads = append(leads, checkInDirect(t, a, ev, "Person "+strconv.Itoa(i), "p"+strconv.Itoa(i)+"@example.com"))
	}
	conv, _ := models.NewConversation(ev, leads[2], staff.ID, models.ConversationInput{ClientID: "6f1c2a4e-8f0b-4c1e-9d3a-2b7e5c9a1f00",
		Rating: "hot", Notes: "Compilers", FollowUp: "Send the job ad"}, time.Now())
	if _, _, err := a.store.AddConversation(ctx, ev, conv); err != nil {
		t.Fatal(err)
	}
	// leads[2] changed last: it comes last
	var all []api.Lead
	cursor, pages := "", 0
	for {
		r := a.apiGet(tok, "/api/v1/events/pycon/leads?limit=3&cursor="+url.QueryEscape(cursor))
		if r.status != http.StatusOK {
			t.Fatalf("page %d: %d %s", pages, r.status, r.body)
		}
		var pg api.Leads
		r.decode(t, &pg)
		all = append(all, pg.Leads...)
		pages++
		if pg.Next == nil {
			break
		}
		cursor = *pg.Next
	}
	if pages != 3 || len(all) != 7 {
		t.Fatalf("%d pages, %d leads; want 3 and 7", pages, len(all))
	}
	seen := map[string]bool{}
	for i, l := range all {
		if seen[l.ID] {
			t.Fatalf("lead %s twice", l.ID)
		}
		seen[l.ID] = true
		if i > 0 && l.UpdatedAt.Before(all[i-1].UpdatedAt) {
			t.Fatalf("not in the order of change")
		}
		if l.Answers == nil || !l.Consent.Contact || l.Event != "pycon" {
			t.Fatalf("lead %+v", l)
		}
	}
	last := all[6]
	if last.ID != leads[2].ID || len(last.Conversations) != 1 || last.Conversations[0].Notes != "Compilers" ||
		last.Conversations[0].Staff != staff.Name || *last.Rating != "hot" {
		t.Fatalf("the lead with a conversation: %+v", last)
	}

	since := time.Now().UTC()
	time.Sleep(5 * time.Millisecond)
	in, _ := models.CheckLead(ev, models.LeadInput{Name: "Person Four", Email: "p4@example.com", Company: "Acme"}, false)
	if _, err := a.store.UpdateLead(ctx, 0, leads[4], in); err != nil {
		t.Fatal(err)
	}
	r := a.apiGet(tok, "/api/v1/events/pycon/leads?updated_since="+url.QueryEscape(since.Format(time.RFC3339Nano)))
	var changed api.Leads
	r.decode(t, &changed)
	if len(changed.Leads) != 1 || changed.Leads[0].ID != leads[4].ID || changed.Leads[0].Company != "Acme" || changed.Next != nil {
		t.Fatalf("updated_since: %s", r.body)
	}

	r = a.apiGet(tok, "/api/v1/leads/"+leads[2].ID)
	var one api.Lead
	r.decode(t, &one)
	if r.status != http.StatusOK || len(one.Consents) != 1 || one.Consents[0].Purpose != "contact" || len(one.Conversations) != 1 {
		t.Fatalf("one lead: %d %s", r.status, r.body)
	}
	for path, want := range map[string]int{
		"/api/v1/events/nope/leads":                          http.StatusNotFound,
		"/api/v1/events/pycon/leads?cursor=garbage":          http.StatusBadRequest,
		"/api/v1/events/pycon/leads?limit=0":                 http.StatusBadRequest,
		"/api/v1/events/pycon/leads?updated_since=monday":    http.StatusBadRequest,
		"/api/v1/leads/00000000-0000-0000-0000-000000000000": http.StatusNotFound,
		"/api/v1/leads/not-a-uuid":                           http.StatusNotFound,
		"/api/v1/nothing-here":                               http.StatusNotFound,
	} {
		r := a.apiGet(tok, path)
		var e api.Error
		r.decode(t, &e)
		if r.status != want || e.Error == "" {
			t.Errorf("%s: %d %s, want %d", path, r.status, r.body, want)
		}
	}
}

func TestAPIRateLimitsEachToken(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, func(d *Deps) { d.Integrations.APILimit = APILimit{Rate: rate.Every(time.Hour), Burst: 3} })
	admin := a.signedIn("admin@example.com", models.RoleAdmin)
	one, two := makeToken(t, admin, "one", "recruiter"), makeToken(t, admin, "two", "recruiter")
	for i := range 3 {
		if r := a.apiGet(one, "/api/v1/events"); r.status != http.StatusOK {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	r := a.apiGet(one, "/api/v1/events")
	secs, _ := strconv.Atoi(r.header.Get("Retry-After"))
	if r.status != http.StatusTooManyRequests || secs < 1 {
		t.Fatalf("past the burst: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	if r := a.apiGet(two, "/api/v1/events"); r.status != http.StatusOK {
		t.Fatalf("another token is limited too: %d", r.status)
	}
}

// The OpenAPI document describes the API as it answers: every API route is in it, and the real
// answers (and the error bodies) validate against its schemas.
func TestOpenAPIDocumentMatchesTheAnswers(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := context.Background()
	ev := modelstest.Event(t, a.db, "pycon", "Backend")
	staff := modelstest.Staff(t, a.db, "booth@example.com", models.RoleStaff)
	admin := a.signedIn("admin@example.com", models.RoleAdmin)
	adm := makeToken(t, admin, "ops", "admin")
	rec := makeToken(t, admin, "sync", "recruiter")
	l := checkInDirect(t, a, ev, "Zoë Ångström", "zoe@example.com", "Backend")
	conv, _ := models.NewConversation(ev, l, staff.ID, models.ConversationInput{ClientID: "0d7e1b8a-3c5f-4a9e-8b2d-6f4c1e9a7b30", Notes: "hi"}, time.Now())
	if _, _, err := a.store.AddConversation(ctx, ev, conv); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.store.ResolveScan(ctx, ev, staff.ID, models.ScanInput{Raw: "z3fsn8jyufm5kpk768q69gkbyr5f4h6w",
		Kind: "opaque", ClientID: "5b2c9d1e-7f3a-4e8b-9c6d-1a2b3c4d5e6f"}); err != nil {
		t.Fatal(err)
	}
	admin.submit("/integrations/webhooks", url.Values{"url": {"https://hooks.example.com/in"}, "secret": {"a-secret-of-16-chars"}})

	r := a.apiGet("", "/api/v1/openapi.json")
	if r.status != http.StatusOK {
		t.Fatalf("openapi.json: %d", r.status)
	}
	doc, err := openapitest.Parse(r.body)
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, rt := range a.server.routes() {
		if strings.HasPrefix(rt.path, "/api/") {
			p := rt.path
			for _, seg := range strings.Split(p, "/") {
				if strings.HasPrefix(seg, ":") {
					p = strings.Replace(p, seg, "{"+seg[1:]+"}", 1)
				}
			}
			routes = append(routes, p)
		}
	}
	slices.Sort(routes)
	if !slices.Equal(routes, doc.Paths()) {
		t.Fatalf("API routes %v, documented paths %v", routes, doc.Paths())
	}
	leads := a.apiGet(rec, "/api/v1/events/pycon/leads?limit=1")
	var pg api.Leads
	leads.decode(t, &pg)
	for _, tc := range []struct {
		path, doc string
		token     string
		status    int
	}{
		{"/api/v1/events", "/api/v1/events", rec, 200},
		{"/api/v1/events/pycon/leads?limit=1", "/api/v1/events/{slug}/leads", rec, 200},
		{"/api/v1/events/pycon/leads?cursor=" + url.QueryEscape(*pg.Next), "/api/v1/events/{slug}/leads", rec, 200},
		{"/api/v1/events/pycon/leads?cursor=nope", "/api/v1/events/{slug}/leads", rec, 400},
		{"/api/v1/events/nope/leads", "/api/v1/events/{slug}/leads", rec, 404},
		{"/api/v1/leads/" + l.ID, "/api/v1/leads/{id}", rec, 200},
		{"/api/v1/webhooks", "/api/v1/webhooks", adm, 200},
		{"/api/v1/webhooks", "/api/v1/webhooks", rec, 403},
		{"/api/v1/events", "/api/v1/events", "", 401},
	} {
		r := a.apiGet(tc.token, tc.path)
		if r.status != tc.status {
			t.Fatalf("%s: %d, want %d", tc.path, r.status, tc.status)
		}
		schema, err := doc.ResponseSchema(tc.doc, http.MethodGet, tc.status)
		if err != nil {
			t.Fatal(err)
		}
		if err := doc.Check(schema, r.body); err != nil {
			t.Errorf("%s (%d) does not match the document: %v\n%s", tc.path, tc.status, err, r.body)
		}
	}
}
