package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// startKiosk signs a staff member in on a new client and opens the event's kiosk on it.
func startKiosk(t *testing.T, a *testApp, ev models.Event) (*client, page) {
	t.Helper()
	k := a.signedIn("kiosk-starter@example.com", models.RoleStaff)
	p := k.get(paths.Kiosk(ev.Slug))
	wantStatus(t, p, http.StatusOK)
	return k, p
}

// kioskCheckIn posts the kiosk's form as a person there does, a few seconds after it was shown.
func (c *client) kioskCheckIn(ev models.Event, form url.Values) page {
	c.t.Helper()
	f := url.Values{"stamp": {c.app.stampIn(ev, ev.Language, 3*time.Second)}}
	for k, v := range form {
		f[k] = v
	}
	return c.submit(paths.Kiosk(ev.Slug), f)
}

// Opening the kiosk turns the staff browser into a check-in station: the form (nothing for the
// browser to remember), the staff session here ended, and no staff page opens with its cookies.
func TestKioskHasNoStaffRights(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "kiosk", "Backend")
	other := modelstest.Event(t, a.db, "other-kiosk")
	lead := checkInDirect(t, a, ev, "Earlier Person", "earlier@example.com")
	k, p := startKiosk(t, a, ev)
	form := p.testid("checkin-form")
	if ac, _ := form.Attr("autocomplete"); ac != "off" || form.Length() != 1 {
		t.Errorf("kiosk form autocomplete=%q", ac)
	}
	for i := range form.Find("input[type=text], input[type=email], input[type=tel], input[type=url], textarea").Length() {
		in := form.Find("input[type=text], input[type=email], input[type=tel], input[type=url], textarea").Eq(i)
		if ac, _ := in.Attr("autocomplete"); ac != "off" {
			name, _ := in.Attr("name")
			t.Errorf("kiosk field %s has autocomplete=%q", name, ac)
		}
	}
	if act, _ := form.Attr("action"); act != paths.Kiosk(ev.Slug) {
		t.Errorf("the kiosk form posts to %q", act)
	}
	if p.testid("lang-switch").Length() != 1 || p.testid("kiosk-exit").Length() != 1 {
		t.Error("no language switch or no way out for staff")
	}
	if p.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", p.header.Get("Cache-Control"))
	}
	if !strings.Contains(p.body, "/static/js/kiosk.") {
		t.Error("the kiosk script is not loaded")
	}

	var ended int
	if err := a.db.SQL.QueryRow(`SELECT count(*) FROM devices WHERE ended_at IS NOT NULL`).Scan(&ended); err != nil || ended != 1 {
		t.Errorf("the staff session on the kiosk was not ended (%d ended, %v)", ended, err)
	}

	// every staff route refuses the kiosk's cookies
	fill := strings.NewReplacer(":slug", ev.Slug, ":key", ev.CheckinKey, ":token", "t", ":id", lead.ID)
	for _, r := range a.server.routes() {
		if r.access == public || r.access == operator || r.access >= kioskStart {
			continue
		}
		path := fill.Replace(r.path)
		var res page
		if r.method == http.MethodGet {
			res = k.peek(path)
		} else {
			res = k.submit(path, url.Values{})
		}
		if res.status != http.StatusForbidden {
			t.Errorf("%s %s from the kiosk: %d, want 403", r.method, r.path, res.status)
		}
	}
	// nor another event's kiosk, nor the staff side of the personal QR
	wantStatus(t, k.get(paths.Kiosk(other.Slug)), http.StatusForbidden)
	if res := k.get(paths.Personal(lead.PersonalToken)); res.status != http.StatusOK || res.testid("personal-code").Length() != 1 {
		t.Errorf("a personal QR on the kiosk: %d", res.status)
	}
	if home := k.get("/"); home.status != http.StatusSeeOther || home.location() != paths.Kiosk(ev.Slug) {
		t.Errorf("the kiosk's start page: %d → %q", home.status, home.location())
	}
	// and without a session there is no kiosk
	anon := a.client()
	if res := anon.get(paths.Kiosk(ev.Slug)); res.status != http.StatusSeeOther || !strings.HasPrefix(res.location(), "/login") {
		t.Errorf("the kiosk without a session: %d → %q", res.status, res.location())
	}
	wantStatus(t, anon.submit(paths.KioskDone(ev.Slug), nil), http.StatusMethodNotAllowed)
}

// Two people in a row at the kiosk: each gets the confirmation with their personal QR for a few
// seconds; once the kiosk moves on, nothing of the first is reachable.
func TestKioskCheckInsInARow(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "kiosk-row", "Backend")
	addQuestion(t, a, ev, models.QuestionInput{Key: "visa", Label: "Visa?", Kind: "yesno"})
	k, _ := startKiosk(t, a, ev)

	bad := k.kioskCheckIn(ev, url.Values{"name": {"Ada Kiosk"}, "email": {"not-an-email"}, "consent": {"yes"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	if v, _ := bad.testid("checkin-form").Find(`input[name="name"]`).Attr("value"); v != "Ada Kiosk" {
		t.Errorf("the kiosk lost what was typed: %q", v)
	}
	p := k.kioskCheckIn(ev, url.Values{"name": {"Ada Kiosk"}, "email": {"ada.kiosk@example.com"}, "consent": {"yes"},
		"q.visa": {"no"}})
	wantStatus(t, p, http.StatusSeeOther)
	if p.location() != paths.KioskDone(ev.Slug) {
		t.Fatalf("after a kiosk check-in: %q", p.location())
	}
	done := k.get(p.location())
	wantStatus(t, done, http.StatusOK)
	if done.testid("personal-qr").Length() != 1 || done.testid("thanks-name").Text() != "Ada Kiosk" ||
		done.testid("kiosk-next").Length() != 1 {
		t.Error("the kiosk's confirmation lacks the QR, the name or the Done button")
	}
	refresh, _ := done.doc.Find(`meta[http-equiv="refresh"]`).Attr("content")
	secs, target, _ := strings.Cut(refresh, ";url=")
	if n := atoiOr(secs, 99); n < 1 || n > 15 || target != paths.Kiosk(ev.Slug) {
		t.Errorf("the confirmation returns to %q after %q s", target, secs)
	}
	if strings.Contains(done.body, "/thanks/") || strings.Contains(done.body, "/me/") {
		t.Error("the kiosk shows a link to the submission's own pages")
	}
	lead := a.leadOfEmail(ev, "ada.kiosk@example.com")
	if lead.Answers.Text("visa") != "no" || lead.Source != models.SourceSelfCheckIn {
		t.Errorf("the kiosk's lead: %+v", lead)
	}
	if m := a.mailTo("ada.kiosk@example.com", 1); len(m[0].Links(a.ts.URL+"/me/")) != 1 {
		t.Error("the private link did not go to the person's mail")
	}

	// the kiosk moves on: the empty form, and the confirmation is gone
	next := k.get(paths.Kiosk(ev.Slug))
	if strings.Contains(next.body, "Ada Kiosk") || strings.Contains(next.body, "ada.kiosk@") {
		t.Error("the next person's form shows the previous person")
	}
	back := k.get(paths.KioskDone(ev.Slug))
	if back.status != http.StatusSeeOther || back.location() != paths.Kiosk(ev.Slug) {
		t.Errorf("the old confirmation after moving on: %d → %q", back.status, back.location())
	}

	p = k.kioskCheckIn(ev, url.Values{"name": {"Bo Second"}, "email": {"bo@example.com"}, "consent": {"yes"}})
	wantStatus(t, p, http.StatusSeeOther)
	done = k.get(p.location())
	if done.testid("thanks-name").Text() != "Bo Second" || strings.Contains(done.body, "Ada Kiosk") {
		t.Error("the second confirmation is not the second person's alone")
	}

	// the confirmation also goes by itself, even if nobody taps Done and the page never refreshes
	a.server.kioskShow.Store(int64(50 * time.Millisecond))
	time.Sleep(100 * time.Millisecond)
	if res := k.get(paths.KioskDone(ev.Slug)); res.status != http.StatusSeeOther {
		t.Errorf("the confirmation after its time: %d", res.status)
	}
}

func atoiOr(s string, def int) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return def
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// Leaving kiosk mode takes a staff sign-in; the browser is then that person's again.
func TestKioskExitNeedsAStaffSignIn(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "kiosk-exit")
	k, _ := startKiosk(t, a, ev)
	wantStatus(t, k.get(paths.KioskExit(ev.Slug)), http.StatusOK)
	wrong := k.submit(paths.KioskExit(ev.Slug), url.Values{"email": {"kiosk-starter@example.com"}, "password": {"guess"}})
	wantStatus(t, wrong, http.StatusUnauthorized)
	wantStatus(t, k.get(paths.Event(ev.Slug)), http.StatusForbidden)
	ok := k.submit(paths.KioskExit(ev.Slug), url.Values{"email": {"kiosk-starter@example.com"}, "password": {modelstest.Password}})
	if ok.status != http.StatusSeeOther || ok.location() != paths.Event(ev.Slug) {
		t.Fatalf("exit: %d → %q", ok.status, ok.location())
	}
	wantStatus(t, k.get(paths.Event(ev.Slug)), http.StatusOK)
	if res := k.get(paths.KioskDone(ev.Slug)); res.status != http.StatusForbidden {
		t.Errorf("the kiosk's pages after leaving: %d", res.status)
	}
}

// A kiosk is one device for many people: its own limit, per kiosk, not per venue IP.
func TestKioskRateLimit(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, withRateLimits)
	ev := modelstest.Event(t, a.db, "kiosk-limit")
	k, _ := startKiosk(t, a, ev)
	limited := 0
	for i := range 25 {
		p := k.kioskCheckIn(ev, url.Values{"name": {"Person"}, "email": {"bad-" + itoa(int64(i))}, "consent": {"yes"}})
		if p.status == http.StatusTooManyRequests {
			limited++
			if v, _ := p.testid("checkin-form").Find(`input[name="name"]`).Attr("value"); v != "Person" {
				t.Error("a limited kiosk post loses what was typed")
			}
		}
	}
	if limited == 0 || limited > 6 {
		t.Errorf("%d of 25 quick kiosk posts were limited, want the ones past a burst of 20", limited)
	}
	// the phone check-in from the same address is not held up by the kiosk's limit
	wantStatus(t, a.client().checkIn(ev, minimalForm()), http.StatusSeeOther)
}

// A kiosk for an event that takes no check-ins is not started; a kiosk whose event closes says
// so and keeps the staff's way out.
func TestKioskOfAClosedEvent(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := t.Context()
	draft := modelstest.Event(t, a.db, "kiosk-draft")
	draft.Status = models.StatusDraft
	if _, err := a.store.UpdateEvent(ctx, 0, draft, "", ""); err != nil {
		t.Fatal(err)
	}
	staff := a.signedIn("sam@example.com", models.RoleStaff)
	wantStatus(t, staff.get(paths.Kiosk(draft.Slug)), http.StatusConflict)
	wantStatus(t, staff.get(paths.Event(draft.Slug)), http.StatusOK) // still signed in

	ev := modelstest.Event(t, a.db, "kiosk-closing")
	k, _ := startKiosk(t, a, ev)
	ev.Status = models.StatusClosed
	if _, err := a.store.UpdateEvent(ctx, 0, ev, "", ""); err != nil {
		t.Fatal(err)
	}
	p := k.get(paths.Kiosk(ev.Slug))
	wantStatus(t, p, http.StatusGone)
	if p.testid("checkin-closed").Length() != 1 || p.testid("kiosk-exit").Length() != 1 {
		t.Error("the closed kiosk does not say so or has no way out")
	}
}
