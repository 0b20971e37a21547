package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

func TestFirstRunSetupCreatesOneAdminOnce(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	c := a.client()

	p := c.get("/")
	wantStatus(t, p, http.StatusSeeOther)
	if p.location() != "/setup" {
		t.Fatalf("/ on a new install redirects to %q, want /setup", p.location())
	}
	p = c.get("/setup")
	wantStatus(t, p, http.StatusOK)
	if p.testid("setup-form").Length() != 1 {
		t.Fatal("no setup-form")
	}

	// bad input: messages next to the fields, what was typed kept, nothing saved
	p = c.submit("/setup", url.Values{"name": {"Zoë Ångström"}, "email": {"not-an-email"}, "password": {"short"}})
	wantStatus(t, p, http.StatusUnprocessableEntity)
	if v, _ := p.doc.Find(`input[name="name"]`).Attr("value"); v != "Zoë Ångström" {
		t.Errorf("name not kept: %q", v)
	}
	if n := p.testid("field-error").Length(); n != 2 {
		t.Errorf("%d field errors, want 2 (email, password)", n)
	}
	if n, _ := a.store.StaffCount(t.Context()); n != 0 {
		t.Fatalf("%d accounts after a bad setup, want 0", n)
	}

	p = c.submit("/setup", url.Values{"name": {"Ada Admin"}, "email": {"ada@example.com"}, "password": {"a long enough secret"}})
	wantStatus(t, p, http.StatusSeeOther)
	if p = c.get(p.location()); p.status != http.StatusOK || !strings.Contains(p.body, "New event") {
		t.Fatalf("after setup the admin should be signed in on the new-event page; got %d", p.status)
	}

	// never again: the page redirects and a post creates nothing
	other := a.client()
	if p := other.get("/setup"); p.status != http.StatusSeeOther || p.location() != "/login" {
		t.Fatalf("setup after the first admin: %d → %q, want 303 → /login", p.status, p.location())
	}
	other.submit("/setup", url.Values{"name": {"Eve"}, "email": {"eve@example.com"}, "password": {"another long secret"}})
	if n, _ := a.store.StaffCount(t.Context()); n != 1 {
		t.Fatalf("%d accounts, want 1", n)
	}
}

func TestSetupRaceCreatesExactlyOneAdmin(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	const n = 8
	clients := make([]*client, n)
	forms := make([]url.Values, n)
	for i := range clients {
		clients[i] = a.client()
		forms[i] = url.Values{"name": {"Admin"}, "email": {"admin" + string(rune('a'+i)) + "@example.com"},
			"password": {"a long enough secret"}, "_csrf": {clients[i].csrf()}}
	}
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clients[i].post("/setup", forms[i])
		}()
	}
	wg.Wait()
	users, err := a.store.StaffUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].Role != models.RoleAdmin {
		t.Fatalf("got %d accounts (%v), want exactly one admin", len(users), users)
	}
}

func TestLoginLogoutAndGenericError(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	c := a.client()

	wrongPw := c.submit("/login", url.Values{"email": {"sam@example.com"}, "password": {"wrong password!"}})
	unknown := c.submit("/login", url.Values{"email": {"nobody@example.com"}, "password": {"wrong password!"}})
	for _, p := range []page{wrongPw, unknown} {
		wantStatus(t, p, http.StatusUnauthorized)
		if got := p.testid("login-error").Text(); got != "Wrong email or password." {
			t.Errorf("login error %q, want the one generic message", got)
		}
	}

	c.get("/login")
	base, _ := url.Parse(a.ts.URL)
	var oldSession string
	for _, ck := range c.http.Jar.Cookies(base) {
		if ck.Name == "boothlead_session" {
			oldSession = ck.Value
		}
	}
	p := c.submit("/login", url.Values{"email": {"SAM@example.com"}, "password": {modelstest.Password}, "next": {"/account"}})
	wantStatus(t, p, http.StatusSeeOther)
	if p.location() != "/account" {
		t.Errorf("after sign-in redirected to %q, want /account", p.location())
	}
	cookie := p.cookie("boothlead_session")
	if !strings.Contains(cookie, "boothlead_session=") || !strings.Contains(cookie, "HttpOnly") ||
		!strings.Contains(cookie, "SameSite=Lax") {
		t.Errorf("session cookie %q: want HttpOnly and SameSite=Lax", cookie)
	}
	if oldSession != "" && strings.Contains(cookie, oldSession) {
		t.Error("the session id was not renewed at sign-in")
	}
	if p := c.get("/account"); p.status != http.StatusOK || p.testid("signed-in-as").Length() != 1 {
		t.Fatalf("account page after sign-in: %d", p.status)
	}

	// an off-site next is ignored
	c2 := a.client()
	p = c2.submit("/login", url.Values{"email": {"sam@example.com"}, "password": {modelstest.Password}, "next": {"//evil.example/x"}})
	if p.location() != "/events" {
		t.Errorf("off-site next redirected to %q", p.location())
	}

	wantStatus(t, c.submit("/logout", nil), http.StatusSeeOther)
	if p := c.get("/account"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/login") {
		t.Fatalf("after sign-out /account: %d → %q, want a redirect to sign-in", p.status, p.location())
	}
}

func TestLoginAttemptsLimitedPerAccount(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	c := a.client()
	for i := 0; i < models.LoginFreePerPair; i++ {
		p := c.submit("/login", url.Values{"email": {"sam@example.com"}, "password": {"guess number " + string(rune('0'+i))}})
		wantStatus(t, p, http.StatusUnauthorized)
	}
	// now even the right password is refused for a while
	p := c.submit("/login", url.Values{"email": {"sam@example.com"}, "password": {modelstest.Password}})
	wantStatus(t, p, http.StatusTooManyRequests)
	if !strings.Contains(p.testid("login-error").Text(), "Too many") {
		t.Errorf("no clear message: %q", p.testid("login-error").Text())
	}
	wait, err := strconv.Atoi(p.header.Get("Retry-After"))
	if err != nil || wait < 1 || wait > 5 {
		t.Fatalf("Retry-After %q after %d failures: want a few seconds, not a lockout", p.header.Get("Retry-After"), models.LoginFreePerPair)
	}
	// another account from the same IP is not locked out
	modelstest.Staff(t, a.db, "kim@example.com", models.RoleStaff)
	a.client().login("kim@example.com")
	// and the owner gets in once the short wait is over (not 15 minutes later)
	time.Sleep(time.Duration(wait) * time.Second)
	c.login("sam@example.com")
}

func TestCSRFRequiredOnEveryPost(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	modelstest.Staff(t, a.db, "sam@example.com", models.RoleAdmin)
	c := a.client()
	p := c.post("/login", url.Values{"email": {"sam@example.com"}, "password": {modelstest.Password}})
	wantStatus(t, p, http.StatusForbidden)
	p = c.post("/login", url.Values{"email": {"sam@example.com"}, "password": {modelstest.Password}, "_csrf": {"forged"}})
	wantStatus(t, p, http.StatusForbidden)
	if !strings.Contains(p.body, "expired") {
		t.Errorf("403 page should say what to do: %.300s", p.body)
	}
}

func TestPasswordChangeAndResetLink(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, withoutMail) // with mail, the link goes by mail (mail_test.go)
	admin := a.signedIn("ada@example.com", models.RoleAdmin)
	kim := modelstest.Staff(t, a.db, "kim@example.com", models.RoleStaff)
	kimC := a.client()
	kimC.login("kim@example.com")

	// everyone can change their own password; a wrong current one is refused
	p := kimC.submit("/account", url.Values{"current_password": {"nope nope nope"}, "new_password": {"a brand new password"}})
	wantStatus(t, p, http.StatusUnprocessableEntity)
	p = kimC.submit("/account", url.Values{"current_password": {modelstest.Password}, "new_password": {"a brand new password"}})
	wantStatus(t, p, http.StatusSeeOther)

	// the admin makes a one-time reset link, shown once (mail is not set up)
	wantStatus(t, admin.submit(paths.StaffReset(kim.ID), nil), http.StatusSeeOther)
	staff := admin.get("/staff")
	link := strings.TrimSpace(staff.testid("reset-link").Find("code").Text())
	if !strings.Contains(link, "/reset/") {
		t.Fatalf("no reset link shown: %q", staff.testid("reset-link").Text())
	}
	if again := admin.get("/staff"); again.testid("reset-link").Length() != 0 {
		t.Error("the reset link is shown a second time")
	}
	// using it signs kim out elsewhere and sets the password, once
	anon := a.client()
	wantStatus(t, anon.get(link), http.StatusOK)
	wantStatus(t, anon.submit(link, url.Values{"password": {"third password here"}}), http.StatusSeeOther)
	if p := kimC.get("/account"); p.status != http.StatusSeeOther {
		t.Errorf("kim's old session still works after a reset: %d", p.status)
	}
	wantStatus(t, a.client().get(link), http.StatusNotFound)
	fresh := a.client()
	p = fresh.submit("/login", url.Values{"email": {"kim@example.com"}, "password": {"third password here"}})
	wantStatus(t, p, http.StatusSeeOther)
}

func TestDeactivationEndsSessionsAtOnce(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.signedIn("ada@example.com", models.RoleAdmin)
	sam := modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	samC := a.client()
	samC.login("sam@example.com")
	wantStatus(t, samC.get("/events"), http.StatusOK)

	// one click asks first, naming the consequence
	p := admin.submit(paths.StaffActive(sam.ID), url.Values{"active": {"false"}})
	wantStatus(t, p, http.StatusOK)
	if !strings.Contains(p.testid("confirm").Text(), "can no longer sign in") {
		t.Errorf("the confirmation does not say what happens: %q", p.testid("confirm").Text())
	}
	wantStatus(t, samC.get("/events"), http.StatusOK)
	wantStatus(t, admin.submit(paths.StaffActive(sam.ID), url.Values{"active": {"false"}, "confirm": {"yes"}}), http.StatusSeeOther)
	if p := samC.get("/events"); p.status != http.StatusSeeOther {
		t.Fatalf("a deactivated account's session still works: %d", p.status)
	}
	p = a.client().submit("/login", url.Values{"email": {"sam@example.com"}, "password": {modelstest.Password}})
	wantStatus(t, p, http.StatusUnauthorized)
}

func TestAdminAddsColleagueAndEndsDevice(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.signedIn("ada@example.com", models.RoleAdmin)
	p := admin.submit("/staff", url.Values{"name": {"李小龙"}, "email": {"lee@example.com"}, "role": {"recruiter"}, "password": {"short"}})
	wantStatus(t, p, http.StatusUnprocessableEntity)
	if v, _ := p.doc.Find(`input[name="name"]`).Attr("value"); v != "李小龙" {
		t.Errorf("typed name not kept: %q", v)
	}
	p = admin.submit("/staff", url.Values{"name": {"李小龙"}, "email": {"lee@example.com"}, "role": {"recruiter"}, "password": {"a long enough one"}})
	wantStatus(t, p, http.StatusSeeOther)
	p = admin.submit("/staff", url.Values{"name": {"Dup"}, "email": {"LEE@example.com"}, "role": {"staff"}, "password": {"a long enough one"}})
	wantStatus(t, p, http.StatusUnprocessableEntity)

	lee := a.client()
	lee.loginWith("lee@example.com", "a long enough one")
	devs := admin.get("/devices")
	wantStatus(t, devs, http.StatusOK)
	if n := devs.testid("device-row").Length(); n != 2 {
		t.Fatalf("%d devices listed, want 2", n)
	}
	ds, _ := a.store.ActiveDevices(t.Context())
	var leeDevice int64
	for _, d := range ds {
		if d.UserEmail == "lee@example.com" {
			leeDevice = d.ID
		}
	}
	wantStatus(t, admin.submit(paths.EndDevice(leeDevice), nil), http.StatusOK) // the question
	wantStatus(t, lee.get("/events"), http.StatusOK)
	wantStatus(t, admin.submit(paths.EndDevice(leeDevice), url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	if p := lee.get("/events"); p.status != http.StatusSeeOther {
		t.Fatalf("an ended device still works: %d", p.status)
	}
}

// Behind https (BASE_URL), the session cookie is Secure with the __Host- prefix and HSTS is sent.
func TestSecureCookiesWhenBaseURLIsHTTPS(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	modelstest.Staff(t, db, "sam@example.com", models.RoleStaff)
	e := newServer(Deps{Store: db.Store, SQL: db.SQL, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		BaseURL: "https://jobs.example.com"}).router()
	get := httptest.NewRecorder()
	e.ServeHTTP(get, httptest.NewRequest(http.MethodGet, "/login", nil))
	var csrf *http.Cookie
	for _, ck := range get.Result().Cookies() {
		if ck.Name == "boothlead_csrf" {
			csrf = ck
		}
	}
	if csrf == nil || !csrf.Secure {
		t.Fatalf("CSRF cookie %+v: want Secure", csrf)
	}
	if get.Header().Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS header behind https")
	}
	form := url.Values{"email": {"sam@example.com"}, "password": {modelstest.Password}, "_csrf": {csrf.Value}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(csrf)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	var session *http.Cookie
	for _, ck := range rec.Result().Cookies() {
		if strings.HasSuffix(ck.Name, "boothlead_session") {
			session = ck
		}
	}
	if rec.Code != http.StatusSeeOther || session == nil || session.Name != "__Host-boothlead_session" ||
		!session.Secure || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("sign-in behind https: %d, session cookie %+v", rec.Code, session)
	}
}
