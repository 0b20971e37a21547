package handlers

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// The routes anyone may use without a session. A route added to the table is private unless it
// is listed here on purpose.
var publicRoutes = []string{
	"GET /", "GET /healthz", "GET /readyz", "GET /metrics", "GET /static/*", "GET /sw.js",
	"GET /setup", "POST /setup", "GET /login", "POST /login", "POST /logout",
	"GET /reset/:token", "POST /reset/:token", "GET /login/qr/:token", "POST /login/qr/:token",
	"GET /c/:key", "POST /c/:key", "GET /thanks/:token", "GET /p/:token", "GET /p/:token/qr.png",
	"GET /me/:token", "POST /me/:token", "GET /me/:token/export.json", "POST /me/:token/withdraw", "POST /me/:token/delete",
}

// TestEveryRouteNeedsItsRole walks the whole route table: every non-public route redirects to
// the sign-in page without a session and answers 403 to a role below its own.
func TestEveryRouteNeedsItsRole(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "walk", "Backend")
	lead := checkInDirect(t, a, ev, "Route Walker", "walker@example.com")
	target := modelstest.Staff(t, a.db, "target@example.com", models.RoleStaff)
	clients := map[access]*client{
		signedIn:  a.signedIn("staff@example.com", models.RoleStaff),
		recruiter: a.signedIn("recruiter@example.com", models.RoleRecruiter),
		admin:     a.signedIn("admin@example.com", models.RoleAdmin),
	}
	anon := a.client()
	fill := strings.NewReplacer(":slug", ev.Slug, ":key", ev.CheckinKey, ":token", "no-such-token")

	var gotPublic []string
	for _, r := range a.server.routes() {
		key := r.method + " " + r.path
		if r.access == public {
			gotPublic = append(gotPublic, key)
			continue
		}
		p := fill.Replace(r.path)
		switch {
		case strings.HasPrefix(r.path, "/leads/:id"):
			p = strings.Replace(p, ":id", lead.ID, 1)
		case strings.Contains(r.path, ":id"):
			p = strings.Replace(p, ":id", itoa(target.ID), 1)
		}
		send := func(c *client) page {
			if r.method == http.MethodGet {
				return c.peek(p) // headers only: the live stream never ends
			}
			return c.submit(p, url.Values{})
		}
		res := send(anon)
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location(), "/login") {
			t.Errorf("%s without a session: %d → %q, want a redirect to sign-in", key, res.status, res.location())
		}
		for role, c := range clients {
			if role >= r.access && r.method != http.MethodGet {
				continue // allowed state changes have tests of their own
			}
			res := send(c)
			switch {
			case role < r.access && res.status != http.StatusForbidden:
				t.Errorf("%s as %s: %d, want 403", key, role.role(), res.status)
			case role >= r.access && r.method == http.MethodGet && (res.status == http.StatusForbidden ||
				strings.HasPrefix(res.location(), "/login")):
				t.Errorf("%s as %s: %d, want it allowed", key, role.role(), res.status)
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

// TestPathBuildersResolve checks every URL builder in views/paths lands on a route.
func TestPathBuildersResolve(t *testing.T) {
	t.Parallel()
	s := newServer(Deps{Store: nil, SQL: nil, BaseURL: "http://x"})
	e := s.router()
	id := "7c9e6679-7425-40de-944b-e07fc1f8a4b0"
	cases := map[string]string{
		paths.Home(): "GET", paths.Login(): "GET", paths.LoginNext("/x"): "GET", paths.Logout(): "POST",
		paths.Setup(): "GET", paths.Account(): "GET", paths.Staff(): "GET", paths.StaffReset(3): "POST",
		paths.StaffActive(3): "POST", paths.ResetPassword("t"): "GET", paths.Devices(): "GET",
		paths.EndDevice(4): "POST", paths.PairDevice("s"): "GET", paths.DeviceLogin("t"): "POST", paths.Audit(): "GET",
		paths.Events(): "GET", paths.NewEvent(): "GET", paths.Event("s"): "GET", paths.EditEvent("s"): "POST",
		paths.RotateKey("s"): "POST", paths.EventQR("s"): "GET", paths.Poster("s"): "GET", paths.Live("s"): "GET",
		paths.Scan("s"): "POST", paths.QuickAdd("s"): "POST", paths.Leads("s"): "GET", paths.Export("s"): "GET",
		paths.Charts("s"): "GET", paths.Lead(id): "GET", paths.Conversations(id): "POST", paths.CheckIn("k"): "POST",
		paths.Thanks("t"): "GET", paths.Personal("t"): "GET", paths.PersonalQR("t"): "GET",
		paths.SelfService("t"): "POST", paths.SelfServiceExport("t"): "GET", paths.SelfServiceDelete("t"): "POST",
		paths.SelfServiceWithdraw("t"): "POST", paths.ExportXLSX("s"): "GET", paths.SavedViews("s"): "POST",
		paths.DeleteSavedView("s", 5): "POST", paths.BulkRate("s"): "POST", paths.BulkTag("s"): "POST",
		paths.StaffRole(3): "POST",
	}
	for p, method := range cases {
		u, _ := url.Parse(p)
		c := e.NewContext(nil, nil)
		e.Router().Find(method, u.Path, c)
		if c.Path() == "" || c.Path() == "/*" {
			t.Errorf("%s %s matches no route", method, p)
		}
	}
}
