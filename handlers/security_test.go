package handlers

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// The security suite walks the route table itself, so a route added later is covered without
// anyone remembering to add it here, and a route whose access level the suite does not know
// fails until someone decides what each identity may do with it.
//
// Identities: anonymous; staff, recruiter and admin sessions; and a tablet paired for event A
// (by an admin, the worst case), tried on A's routes and on B's. A later scope (the kiosk) adds
// an identity and its line in expect.

// outcome is what an identity should get from a route.
type outcome int

const (
	allowed   outcome = iota // anything but 403 or a redirect to the sign-in page
	forbidden                // 403
	toSignIn                 // 303 to /login
	noToken                  // 401: the API takes a token, never a session (scopes: api_test.go)
)

func (o outcome) String() string { return [...]string{"allowed", "403", "sign-in redirect", "401"}[o] }

// identity is who sends a request in the walk.
type identity struct {
	name   string
	role   string // staff role, "" for anonymous, "tablet" for the paired tablet
	client *client
}

// expect says what an identity should get from a route of access level a, about event A (onA)
// or event B. ok is false for an access level the suite does not know.
func expect(a access, role string, onA bool, scoped bool) (outcome, bool) {
	staffRank := models.RoleRank(role)
	switch a {
	case public, operator: // operator: the suite's clients are on loopback (see TestMetricsAccess)
		return allowed, true
	case apiRecruiter, apiAdmin: // no identity here holds a token: sessions and tablets get nothing
		return noToken, true
	case kioskStart, kioskOnly: // opening a kiosk ends the staff session: TestKioskHasNoStaffRights walks these
		return allowed, true
	case booth, signedIn, recruiter, admin:
	default:
		return 0, false
	}
	switch {
	case role == "":
		return toSignIn, true
	case role == "tablet":
		if a == booth && scoped && onA {
			return allowed, true
		}
		return forbidden, true
	case staffRank >= models.RoleRank(a.role()):
		return allowed, true
	}
	return forbidden, true
}

// securityFixture is an app with two events, a lead at each, and every identity signed in.
type securityFixture struct {
	a            *testApp
	evA, evB     models.Event
	leadA, leadB models.Lead
	target       models.StaffUser
	identities   []identity
	tablet       *client
}

func newSecurityFixture(t *testing.T) *securityFixture {
	t.Helper()
	a := newTestApp(t)
	f := &securityFixture{a: a}
	f.evA = modelstest.Event(t, a.db, "alpha", "Backend")
	f.evB = modelstest.Event(t, a.db, "beta", "Data")
	f.leadA = checkInDirect(t, a, f.evA, "Ana Alpha", "ana@example.com")
	f.leadB = checkInDirect(t, a, f.evB, "Ben Beta", "ben@example.com")
	f.target = modelstest.Staff(t, a.db, "target@example.com", models.RoleStaff)
	adminC := a.signedIn("admin@example.com", models.RoleAdmin)
	f.tablet = pairTablet(t, a, adminC, f.evA, "Tablet A")
	f.identities = []identity{
		{"anonymous", "", a.client()},
		{"staff", models.RoleStaff, a.signedIn("staff@example.com", models.RoleStaff)},
		{"recruiter", models.RoleRecruiter, a.signedIn("recruiter@example.com", models.RoleRecruiter)},
		{"admin", models.RoleAdmin, adminC},
		{"tablet of A", "tablet", f.tablet},
	}
	return f
}

// path fills a route's parameters for event A or B.
func (f *securityFixture) path(r route, onA bool) string {
	ev, lead := f.evA, f.leadA
	if !onA {
		ev, lead = f.evB, f.leadB
	}
	p := strings.NewReplacer(":slug", ev.Slug, ":key", ev.CheckinKey, ":token", "no-such-token").Replace(r.path)
	switch {
	case strings.HasPrefix(r.path, "/leads/:id"):
		p = strings.Replace(p, ":id", lead.ID, 1)
	case strings.Contains(r.path, ":id"):
		p = strings.Replace(p, ":id", itoa(f.target.ID), 1)
	}
	return strings.Replace(p, "*", "css/none.css", 1)
}

// eventScoped reports whether a route is about one event (the tablet may use it for its own).
func eventScoped(r route) bool {
	return strings.Contains(r.path, ":slug") || strings.HasPrefix(r.path, "/leads/:id")
}

func TestEveryRouteForEveryIdentity(t *testing.T) {
	t.Parallel()
	f := newSecurityFixture(t)
	var gotPublic []string
	for _, r := range f.a.server.routes() {
		key := r.method + " " + r.path
		if r.access == public {
			gotPublic = append(gotPublic, key)
		}
		sides := []bool{true}
		if eventScoped(r) {
			sides = append(sides, false)
		}
		for _, id := range f.identities {
			for _, onA := range sides {
				want, known := expect(r.access, id.role, onA, eventScoped(r))
				if !known {
					t.Errorf("%s has access level %q, which the security suite does not know: decide in expect() what each identity gets", key, r.access)
					continue
				}
				if r.method != http.MethodGet && want == allowed && !(r.access == booth && id.role == "tablet") {
					continue // allowed state changes have tests of their own; a tablet's booth posts are tried
				}
				if r.access == public || r.access == kioskStart || r.access == kioskOnly {
					continue // public routes answer everyone as they see fit (the list is checked below); kiosks: kiosk_test.go
				}
				p := f.path(r, onA)
				var res page
				if r.method == http.MethodGet {
					res = id.client.peek(p) // headers only: the live stream never ends
				} else {
					res = id.client.submit(p, url.Values{})
				}
				if got := classify(res); got != want {
					t.Errorf("%s (%s) as %s: %d → %q, want %s", key, p, id.name, res.status, res.location(), want)
				}
			}
		}
	}
	sort.Strings(gotPublic)
	want := append([]string(nil), publicRoutes...)
	sort.Strings(want)
	if strings.Join(gotPublic, "\n") != strings.Join(want, "\n") {
		t.Errorf("public routes changed:\n got %v\nwant %v", gotPublic, want)
	}
}

func classify(p page) outcome {
	switch {
	case p.status == http.StatusUnauthorized:
		return noToken
	case p.status == http.StatusForbidden:
		return forbidden
	case p.status == http.StatusSeeOther && strings.HasPrefix(p.location(), "/login"):
		return toSignIn
	}
	return allowed
}

// Every POST in the table refuses a form without the CSRF token (or with a wrong one), signed in
// or not.
func TestCSRFOnEveryPost(t *testing.T) {
	t.Parallel()
	f := newSecurityFixture(t)
	for _, r := range f.a.server.routes() {
		if r.method == http.MethodGet || r.method == http.MethodHead {
			continue
		}
		if r.path == "/u/:token" {
			// RFC 8058 one-click unsubscribe: mail apps post it without a form token; the
			// unguessable link is the authorisation (the one-click POST without a token: TestFollowUpToAThousandLeadsHonoursUnsubscribes)
			continue
		}
		for _, id := range f.identities {
			p := f.path(r, true)
			for _, form := range []url.Values{{}, {"_csrf": {"forged-token"}}} {
				if res := id.client.post(p, form); res.status != http.StatusForbidden {
					t.Errorf("%s %s as %s with CSRF token %q: %d, want 403", r.method, p, id.name, form.Get("_csrf"), res.status)
				}
			}
		}
	}
}

// The known ways to make "next" lead off-site, tried on the sign-in form and on the sign-in page
// of a signed-in browser: each ends on a path of this site.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	bypasses := []string{
		"//evil.example", "///evil.example", "////evil.example/x", `/\evil.example`, `\/evil.example`, `\\evil.example`,
		"/%09/evil.example", "/%0a/evil.example", "/%0d/evil.example", "/\t/evil.example", "/\n/evil.example",
		"/%2F/evil.example", "/%2f%2fevil.example", "/%5C/evil.example", "/%5cevil.example", "%2F%2Fevil.example",
		"https://evil.example", "http:evil.example", "https:/evil.example", "HTTPS://evil.example", "//evil.example@x",
		"javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,hi", " //evil.example", "\x00//evil.example",
		"/%00/evil.example", "//%65vil.example", "/\u3000/evil.example", "evil.example", "@evil.example",
		"/%E2%80%A8/evil.example", "/\x7f/evil.example",
	}
	base, _ := url.Parse(a.ts.URL)
	check := func(how, next, loc string) {
		t.Helper()
		// what a browser would do with it: drop tabs and newlines, read backslashes as slashes
		norm := strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc)
		u, err := base.Parse(norm)
		if err != nil || u.Host != base.Host || !strings.HasPrefix(loc, "/") || strings.HasPrefix(norm, "//") {
			t.Errorf("%s next=%q redirected to %q (off-site)", how, next, loc)
		}
	}
	for _, next := range bypasses {
		c := a.client()
		p := c.submit("/login", url.Values{"email": {"sam@example.com"}, "password": {modelstest.Password}, "next": {next}})
		wantStatus(t, p, http.StatusSeeOther)
		check("sign-in", next, p.location())
		p = c.get("/login?next=" + url.QueryEscape(next))
		if p.status != http.StatusBadRequest || !strings.ContainsRune(next, 0) { // NUL in an address: 400, no redirect at all
			wantStatus(t, p, http.StatusSeeOther)
			check("signed-in /login", next, p.location())
		}
	}
	// the trailing-slash redirect does not become one either
	for _, raw := range []string{"//evil.example/", `/\evil.example/`, "/%09/evil.example/", "//evil.example/%2F"} {
		req, _ := http.NewRequest(http.MethodGet, a.ts.URL, nil)
		req.URL.Opaque = raw
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); loc != "" {
			check("trailing slash", raw, loc)
		}
	}
	// paths on this site come through, query and all
	for _, next := range []string{"/account", "/events/alpha?q=Ana%20B#top", "/events?x=%2F%2Fevil"} {
		c := a.client()
		p := c.submit("/login", url.Values{"email": {"sam@example.com"}, "password": {modelstest.Password}, "next": {next}})
		if p.location() != next {
			t.Errorf("next=%q redirected to %q", next, p.location())
		}
	}
}

// pairTablet signs a new browser in through a pairing QR made by issuer for ev.
func pairTablet(t testing.TB, a *testApp, issuer *client, ev models.Event, name string) *client {
	t.Helper()
	p := issuer.submit(paths.PairDevice(ev.Slug), url.Values{"name": {name}})
	wantStatus(t, p, http.StatusOK)
	tablet := a.client()
	wantStatus(t, tablet.submit(strings.TrimSpace(p.testid("pair-url").Text()), nil), http.StatusSeeOther)
	return tablet
}

// openStream opens ev's live stream as c and waits until it is connected.
func openStream(t testing.TB, c *client, ev models.Event) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	lines := sseLines(t, ctx, c, paths.Live(ev.Slug))
	waitFor(t, lines, ": connected", 5*time.Second)
	return lines
}

// waitClosed waits until a stream ends and returns how long after start that was; it fails the
// test when the stream is still open within after start. Rows may still arrive before the end.
func waitClosed(t testing.TB, lines <-chan string, start time.Time, within time.Duration) time.Duration {
	t.Helper()
	deadline := time.After(within - time.Since(start))
	for {
		select {
		case _, ok := <-lines:
			if !ok {
				return time.Since(start)
			}
		case <-deadline:
			t.Fatalf("the stream is still open %s later", within)
		}
	}
}

// stillOpen checks that a stream still delivers: a check-in reaches it.
func stillOpen(t testing.TB, a *testApp, ev models.Event, lines <-chan string, name string) {
	t.Helper()
	checkInDirect(t, a, ev, name, strings.ToLower(strings.ReplaceAll(name, " ", "."))+"@example.com")
	waitFor(t, lines, name, 5*time.Second)
}

// Revocation reaches open live streams within seconds, on every path: deactivating the account,
// ending a device, signing out, changing the password; the tablets a session paired go with it.
func TestRevocationClosesLiveStreams(t *testing.T) {
	t.Parallel()
	const within = 5 * time.Second
	type setup struct {
		a          *testApp
		ev         models.Event
		admin, sam *client
		samID      int64
		tablet     *client
	}
	start := func(t *testing.T) setup {
		a := newTestApp(t)
		ev := modelstest.Event(t, a.db, "revoke", "Go")
		admin := a.signedIn("ada@example.com", models.RoleAdmin)
		sam := a.signedIn("sam@example.com", models.RoleStaff)
		u, _ := a.store.StaffUserByEmail(t.Context(), "sam@example.com")
		return setup{a: a, ev: ev, admin: admin, sam: sam, samID: u.ID, tablet: pairTablet(t, a, sam, ev, "Sam's tablet")}
	}
	deviceOf := func(t *testing.T, a *testApp, label string, userID int64) int64 {
		ds, err := a.store.ActiveDevices(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.UserID == userID && d.Label == label {
				return d.ID
			}
		}
		t.Fatalf("no device %q", label)
		return 0
	}

	t.Run("deactivate account", func(t *testing.T) {
		t.Parallel()
		s := start(t)
		samLive, tabletLive := openStream(t, s.sam, s.ev), openStream(t, s.tablet, s.ev)
		adminLive := openStream(t, s.admin, s.ev)
		t0 := time.Now()
		wantStatus(t, s.admin.submit(paths.StaffActive(s.samID), url.Values{"active": {"false"}, "confirm": {"yes"}}), http.StatusSeeOther)
		t.Logf("deactivation: sam's stream closed in %s, the tablet's in %s",
			waitClosed(t, samLive, t0, within), waitClosed(t, tabletLive, t0, within))
		stillOpen(t, s.a, s.ev, adminLive, "Still Here")
	})
	t.Run("deactivate from another process (CLI)", func(t *testing.T) {
		t.Parallel()
		s := start(t)
		samLive, tabletLive := openStream(t, s.sam, s.ev), openStream(t, s.tablet, s.ev)
		other := modelstest.Open(t, s.a.db.URL) // its own pool, as `boothlead user deactivate` has
		t0 := time.Now()
		if err := other.SetStaffActive(t.Context(), 0, s.samID, false); err != nil {
			t.Fatal(err)
		}
		t.Logf("CLI deactivation: sam's stream closed in %s, the tablet's in %s",
			waitClosed(t, samLive, t0, within), waitClosed(t, tabletLive, t0, within))
	})
	t.Run("end the issuer's device", func(t *testing.T) {
		t.Parallel()
		s := start(t)
		samLive, tabletLive := openStream(t, s.sam, s.ev), openStream(t, s.tablet, s.ev)
		id := deviceOf(t, s.a, "Browser", s.samID)
		t0 := time.Now()
		wantStatus(t, s.admin.submit(paths.EndDevice(id), url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
		t.Logf("ending sam's browser: its stream closed in %s, the tablet it paired in %s",
			waitClosed(t, samLive, t0, within), waitClosed(t, tabletLive, t0, within))
	})
	t.Run("end the tablet", func(t *testing.T) {
		t.Parallel()
		s := start(t)
		samLive, tabletLive := openStream(t, s.sam, s.ev), openStream(t, s.tablet, s.ev)
		id := deviceOf(t, s.a, "Sam's tablet", s.samID)
		t0 := time.Now()
		wantStatus(t, s.admin.submit(paths.EndDevice(id), url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
		t.Logf("ending the tablet: its stream closed in %s", waitClosed(t, tabletLive, t0, within))
		stillOpen(t, s.a, s.ev, samLive, "Sam Still Sees")
	})
	t.Run("sign out", func(t *testing.T) {
		t.Parallel()
		s := start(t)
		code := s.sam.submit(paths.PairDevice(s.ev.Slug), url.Values{"name": {"Never used"}})
		loginURL := strings.TrimSpace(code.testid("pair-url").Text())
		samLive, tabletLive := openStream(t, s.sam, s.ev), openStream(t, s.tablet, s.ev)
		t0 := time.Now()
		wantStatus(t, s.sam.submit(paths.Logout(), nil), http.StatusSeeOther)
		t.Logf("sign-out: the session's stream closed in %s, the tablet's in %s",
			waitClosed(t, samLive, t0, within), waitClosed(t, tabletLive, t0, within))
		wantStatus(t, s.a.client().get(loginURL), http.StatusNotFound) // its pairing code died too
	})
	t.Run("change password", func(t *testing.T) {
		t.Parallel()
		s := start(t)
		laptop := s.a.client()
		laptop.login("sam@example.com")
		laptopLive, tabletLive, samLive := openStream(t, laptop, s.ev), openStream(t, s.tablet, s.ev), openStream(t, s.sam, s.ev)
		t0 := time.Now()
		p := s.sam.submit(paths.Account(), url.Values{"current_password": {modelstest.Password}, "new_password": {"a brand new passphrase"}})
		wantStatus(t, p, http.StatusSeeOther)
		t.Logf("password change: the other session's stream closed in %s, the tablet's in %s",
			waitClosed(t, laptopLive, t0, within), waitClosed(t, tabletLive, t0, within))
		stillOpen(t, s.a, s.ev, samLive, "Changer Keeps Going") // the session that changed it stays
		wantStatus(t, s.sam.get(paths.Account()), http.StatusOK)
	})
	t.Run("ended without a notification: the periodic check", func(t *testing.T) {
		t.Parallel()
		a := startInstance(t, modelstest.New(t), func(d *Deps) { d.StreamRecheck = time.Second })
		ev := modelstest.Event(t, a.db, "quiet", "Go")
		sam := a.signedIn("sam@example.com", models.RoleStaff)
		live := openStream(t, sam, ev)
		t0 := time.Now()
		if err := a.db.Gorm.Exec("UPDATE devices SET ended_at = now()").Error; err != nil {
			t.Fatal(err)
		}
		t.Logf("revoked by SQL, no NOTIFY: the stream closed in %s", waitClosed(t, live, t0, within))
	})
}

// A reset link dies with the account's deactivation, and stays dead when it is reactivated.
func TestResetLinksDieWithDeactivation(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.signedIn("ada@example.com", models.RoleAdmin)
	ada, _ := a.store.StaffUserByEmail(t.Context(), "ada@example.com")
	kim := modelstest.Staff(t, a.db, "kim@example.com", models.RoleStaff)
	token, err := a.store.CreatePasswordReset(t.Context(), ada.ID, kim.ID)
	if err != nil {
		t.Fatal(err)
	}
	link := paths.ResetPassword(token)
	wantStatus(t, a.client().get(link), http.StatusOK)
	wantStatus(t, admin.submit(paths.StaffActive(kim.ID), url.Values{"active": {"false"}, "confirm": {"yes"}}), http.StatusSeeOther)
	wantStatus(t, a.client().get(link), http.StatusNotFound)
	wantStatus(t, a.client().submit(link, url.Values{"password": {"taking over the account"}}), http.StatusNotFound)
	wantStatus(t, admin.submit(paths.StaffActive(kim.ID), url.Values{"active": {"true"}}), http.StatusSeeOther)
	wantStatus(t, a.client().submit(link, url.Values{"password": {"taking over the account"}}), http.StatusNotFound)
	if _, err := a.store.Authenticate(t.Context(), "kim@example.com", "taking over the account", "192.0.2.9"); err == nil {
		t.Error("the old reset link set a password")
	}
}

// formFields are the names of every form field and query parameter the app reads.
var formFields = []string{"active", "after", "before", "bom", "captured_at", "client_id", "code", "company",
	"confirm", "consent", "contact_consent", "current_password", "cv_url", "dir", "done", "email", "ends_on",
	"follow_up", "from", "github", "interest", "interests", "linkedin", "message", "name", "new_password", "next",
	"notes", "password", "phone", "pool", "preset", "q", "rating", "retention_days", "role", "saved", "slug",
	"sort", "source", "staff", "stamp", "starts_on", "status", "talent_pool", "talent_pool_consent", "time_zone",
	"title", "to", "venue", "website"}

// Bad bytes — NUL and invalid UTF-8, which Postgres text cannot hold — in any form field, query
// parameter or path of any route, as anyone, never reach a 500.
func TestBadBytesNeverReachA500(t *testing.T) {
	t.Parallel()
	f := newSecurityFixture(t)
	ctx := t.Context()
	reset, err := f.a.store.CreatePasswordReset(ctx, f.target.ID, f.target.ID)
	if err != nil {
		t.Fatal(err)
	}
	real := strings.NewReplacer(":key", f.evA.CheckinKey, ":slug", f.evA.Slug)
	self := strings.TrimPrefix(f.a.selfLink(f.leadA.ID), "/me/")
	confirmTok, err := f.a.store.IssueConfirmLink(ctx, f.leadA.ID, 1)
	if err != nil {
		confirmTok = "no-such-token"
	}
	tokenFor := func(path string) string {
		switch {
		case strings.HasPrefix(path, "/reset/"):
			return reset
		case strings.HasPrefix(path, "/me/"):
			return self
		case strings.HasPrefix(path, "/confirm/"):
			return confirmTok
		case strings.HasPrefix(path, "/p/"):
			return f.leadA.PersonalToken
		}
		return "no-such-token"
	}
	for _, bad := range []string{"\x00", "\xff\xfe", "ok\x00then", "caf\xe9"} {
		form := url.Values{"_csrf": {""}}
		for _, name := range formFields {
			form[name] = []string{bad}
		}
		for _, r := range f.a.server.routes() {
			if r.path == "/static/*" || r.path == "/events/:slug/live" && r.method == http.MethodGet {
				continue
			}
			p := real.Replace(r.path)
			p = strings.Replace(p, ":token", tokenFor(p), 1)
			if strings.HasPrefix(r.path, "/leads/:id") {
				p = strings.Replace(p, ":id", f.leadA.ID, 1)
			}
			p = strings.Replace(p, ":id", itoa(f.target.ID), 1)
			for _, id := range f.identities {
				if r.path == "/logout" || r.path == "/account" && r.method == http.MethodPost {
					continue // would end the session or change the password the walk needs
				}
				var res page
				if r.method == http.MethodGet {
					q := url.Values{}
					for _, name := range formFields {
						q.Set(name, bad)
					}
					res = id.client.get(p + "?" + q.Encode())
					if res.status >= 500 {
						t.Errorf("GET %s?<%q> as %s: %d", p, bad, id.name, res.status)
					}
					res = id.client.get(escapeBad(p, bad))
				} else {
					form.Set("_csrf", id.client.csrf())
					res = id.client.post(p, form)
				}
				if res.status >= 500 {
					t.Errorf("%s %s with %q as %s: %d: %.300s", r.method, p, bad, id.name, res.status, res.body)
				}
			}
		}
	}
	// the scan itself answers like the other forms: 422 with the message at the field
	p := f.identities[1].client.submit(paths.Scan(f.evA.Slug), url.Values{"code": {"BEGIN:VCARD\x00\nFN:Ana\nEND:VCARD"},
		"client_id": {"7c9e6679-7425-40de-944b-e07fc1f8a4b0"}})
	wantStatus(t, p, http.StatusUnprocessableEntity)
	if !strings.Contains(p.testid("scan-form").Text(), "not text") {
		t.Errorf("the scan form does not say what is wrong: %q", p.testid("scan-form").Text())
	}
}

// escapeBad puts bad bytes, percent-encoded, into the last segment of a path.
func escapeBad(p, bad string) string {
	i := strings.LastIndex(p, "/")
	return p[:i+1] + url.PathEscape(bad) + url.PathEscape(p[i+1:])
}

// knownAccess lists the levels the suite knows, to catch a level added without a decision.
var knownAccess = []access{public, operator, booth, signedIn, recruiter, admin, apiRecruiter, apiAdmin, kioskStart, kioskOnly}

func TestEveryRouteHasADecidedAccessLevel(t *testing.T) {
	t.Parallel()
	s := newServer(Deps{BaseURL: "http://x"})
	for _, r := range s.routes() {
		if !slices.Contains(knownAccess, r.access) {
			t.Errorf("%s %s: access level %q is not one the security suite knows", r.method, r.path, r.access)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a route without an access level was accepted by the router")
		}
	}()
	s.require(route{method: http.MethodGet, path: "/new"})
}
