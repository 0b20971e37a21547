package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
)

// checkedIn checks a candidate in over HTTP and returns their client, the lead, the
// confirmation page and the private page's path from the mail the candidate got.
func checkedIn(t *testing.T, a *testApp, ev models.Event, form url.Values) (*client, models.Lead, page, string) {
	t.Helper()
	c := a.client()
	p := c.checkIn(ev, form)
	wantStatus(t, p, http.StatusSeeOther)
	lead := a.leadOf(p.location())
	msgs := a.mailTo(form.Get("email"), 1)
	me := a.path(msgs[len(msgs)-1].Link(t, a.ts.URL+"/me/"))
	return c, lead, c.get(p.location()), me
}

// personalCode is the code in a confirmation page's personal QR.
func personalCode(t *testing.T, p page) string {
	t.Helper()
	src, _ := p.testid("personal-qr").Attr("src")
	code := strings.TrimSuffix(strings.TrimPrefix(src, "/p/"), "/qr.png")
	if code == "" || code == src {
		t.Fatalf("personal-qr src %q", src)
	}
	return code
}

func TestThanksShowsThePersonalQRAndWhereTheLinkGoes(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	_, lead, p, _ := checkedIn(t, a, ev, fullForm())
	wantStatus(t, p, http.StatusOK)
	qr := p.testid("personal-qr")
	code := personalCode(t, p)
	if got, err := a.store.LeadByPersonalCode(context.Background(), code); err != nil || got.ID != lead.ID {
		t.Errorf("the personal QR's code names %v (%v), want the lead", got.ID, err)
	}
	if alt, _ := qr.Attr("alt"); strings.TrimSpace(alt) == "" {
		t.Error("personal-qr has no alt text")
	}
	// the QR image names the person: a kiosk or shared phone must not keep it in its cache
	src, _ := qr.Attr("src")
	if img := a.client().get(src); img.status != http.StatusOK || img.header.Get("Cache-Control") != "no-store" {
		t.Errorf("personal QR: %d, Cache-Control %q, want 200 and no-store", img.status, img.header.Get("Cache-Control"))
	}
	if p.testid("self-service-link").Length() != 0 {
		t.Error("the confirmation links to the private page")
	}
	if name, email := p.testid("thanks-name").Text(), p.testid("thanks-email").Text(); name != "Zoë Ångström" || email != "Zoe@Example.com" {
		t.Errorf("name and email on the confirmation %q %q", name, email)
	}
	body := p.doc.Find("main").Text()
	for _, want := range []string{"What happens next", "Acme Robotics", "talent pool", "24 months", "private link is in your mail"} {
		if !strings.Contains(body, want) {
			t.Errorf("the confirmation does not say %q", want)
		}
	}
	for h, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"} {
		if got := p.header.Get(h); got != want {
			t.Errorf("%s %q, want %q", h, got, want)
		}
	}
	// without the talent pool: when the details are deleted
	_, _, p, _ = checkedIn(t, a, ev, minimalForm())
	if body := p.doc.Find("main").Text(); !strings.Contains(body, "90 days after the event") {
		t.Errorf("the confirmation does not give the retention period: %q", body)
	}
	if p := a.client().get(paths.Thanks("nope")); p.status != http.StatusNotFound {
		t.Errorf("unknown confirmation: %d", p.status)
	}
}

func TestPersonalQRPNGEncodesThePersonalURL(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c, _, conf, _ := checkedIn(t, a, ev, minimalForm())
	code := personalCode(t, conf)
	p := c.get(paths.PersonalQR(code))
	wantStatus(t, p, http.StatusOK)
	if p.header.Get("Content-Type") != "image/png" {
		t.Fatalf("content type %q", p.header.Get("Content-Type"))
	}
	want, _ := qrcode.Encode(a.ts.URL+paths.Personal(code), qrcode.Medium, 512)
	if !bytes.Equal([]byte(p.body), want) {
		t.Error("the personal QR does not encode BASE_URL + /p/<code>")
	}
	if p := c.get(paths.PersonalQR(models.NewToken(24))); p.status != http.StatusNotFound {
		t.Errorf("QR of an unknown token: %d", p.status)
	}
}

func TestPersonalURLSendsStaffToTheLeadAndShowsOthersNothingPersonal(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c, lead, conf, me := checkedIn(t, a, ev, fullForm())
	code := personalCode(t, conf)
	for _, who := range []*client{c, a.client()} {
		p := who.get(paths.Personal(code))
		wantStatus(t, p, http.StatusOK)
		if p.testid("personal-code").Length() != 1 || !strings.Contains(p.body, "Show this to the booth staff") {
			t.Error("the personal URL does not say to show it to the booth staff")
		}
		for _, private := range []string{"Zoë", "Zoe@Example.com", "Nordic", "+46", "compilers", strings.TrimPrefix(me, "/me/")} {
			if strings.Contains(p.body, private) {
				t.Errorf("the personal URL shows %q to someone not signed in", private)
			}
		}
	}
	staff := a.signedIn("sam@example.com", models.RoleStaff)
	p := staff.get(paths.Personal(code))
	wantStatus(t, p, http.StatusSeeOther)
	if p.location() != paths.Lead(lead.ID) {
		t.Errorf("staff land on %q, want %q", p.location(), paths.Lead(lead.ID))
	}
	if p := staff.get(paths.Personal(models.NewToken(24))); p.status != http.StatusNotFound {
		t.Errorf("unknown personal token for staff: %d", p.status)
	}
}

func TestSelfServiceShowsWhatWasSent(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c, _, _, me := checkedIn(t, a, ev, fullForm())
	p := c.get(me)
	wantStatus(t, p, http.StatusOK)
	ss := p.testid("self-service")
	if ss.Length() != 1 || ss.Find(`[data-testid="delete-my-data"]`).Length() != 1 {
		t.Fatal("no self-service page with a delete-my-data form")
	}
	if got := ss.Find(`[data-testid="fixed-email"] strong`).Text(); got != "Zoe@Example.com" {
		t.Errorf("email shown as %q", got)
	}
	for name, want := range map[string]string{"name": "Zoë Ångström", "company": "Nordic Compilers AB",
		"linkedin": "https://linkedin.com/in/zoe", "github": "https://github.com/zoe-a"} {
		if v, _ := ss.Find(`input[name="` + name + `"]`).Attr("value"); v != want {
			t.Errorf("%s shown as %q, want %q", name, v, want)
		}
	}
	if n := p.testid("consent-list").Find("li").Length(); n != 2 {
		t.Errorf("%d consents listed, want 2 (contact and talent pool)", n)
	}
	for h, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
		if got := p.header.Get(h); got != want {
			t.Errorf("%s %q, want %q", h, got, want)
		}
	}
	if p := a.client().get(paths.SelfService(models.NewToken(32))); p.status != http.StatusNotFound {
		t.Errorf("unknown private link: %d", p.status)
	}
}

func TestSelfServiceCorrectsDetails(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c, lead, _, me := checkedIn(t, a, ev, fullForm())
	f := fullForm()
	f.Set("phone", "not a phone")
	f.Set("name", "Zoë A.")
	p := c.submit(me, f)
	wantStatus(t, p, http.StatusUnprocessableEntity)
	if v, _ := p.doc.Find(`input[name="name"]`).Attr("value"); v != "Zoë A." || p.doc.Find("#f-phone-error").Length() != 1 {
		t.Errorf("bad correction: typed name %q, phone error %d", v, p.doc.Find("#f-phone-error").Length())
	}
	f.Set("phone", "+46 70 000 00 00")
	f.Set("email", "someone-else@example.com") // the address the link went to cannot be changed here
	f.Del("talent_pool")
	f["interests"] = []string{"Data"}
	p = c.submit(me, f)
	wantStatus(t, p, http.StatusSeeOther)
	p = c.get(p.location())
	if p.testid("self-service-status").Length() != 1 {
		t.Error("no confirmation after saving")
	}
	got, _ := a.store.LeadByID(context.Background(), lead.ID)
	if got.Name != "Zoë A." || got.EmailText() != "Zoe@Example.com" || got.Phone != "+46 70 000 00 00" ||
		strings.Join(got.Interests, ",") != "Data" {
		t.Errorf("lead after correction: %+v", got)
	}
	if p := a.client().post(me, f); p.status != http.StatusForbidden {
		t.Errorf("correction without CSRF: %d", p.status)
	}
}

func TestSelfServiceExportsJSON(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c, _, _, me := checkedIn(t, a, ev, fullForm())
	p := c.get(me + "/export.json")
	wantStatus(t, p, http.StatusOK)
	if !strings.HasPrefix(p.header.Get("Content-Type"), "application/json") ||
		!strings.HasPrefix(p.header.Get("Content-Disposition"), "attachment") || p.header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", p.header)
	}
	var data exportedData
	if err := json.Unmarshal([]byte(p.body), &data); err != nil {
		t.Fatal(err)
	}
	if data.Details.Name != "Zoë Ångström" || data.Details.Email != "Zoe@Example.com" || len(data.Consents) != 2 ||
		data.Consents[0].TextSHA256 == "" || data.Consents[0].Text == "" || data.Event.Company != "Acme Robotics" ||
		len(data.Visits) != 1 || data.Visits[0].Typed.Company != "Nordic Compilers AB" {
		t.Errorf("export %+v", data)
	}
}

func TestSelfServiceWithdrawsConsents(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c, lead, _, me := checkedIn(t, a, ev, fullForm())
	p := c.submit(me+"/withdraw", url.Values{})
	wantStatus(t, p, http.StatusUnprocessableEntity)
	p = c.submit(me+"/withdraw", url.Values{"purpose": {"talent_pool"}})
	wantStatus(t, p, http.StatusSeeOther)
	cs, _ := a.store.Consents(context.Background(), lead.ID)
	for _, x := range cs {
		if (x.WithdrawnAt != nil) != (x.Purpose == models.PurposeTalentPool) {
			t.Errorf("consent %s withdrawn at %v", x.Purpose, x.WithdrawnAt)
		}
	}
	p = c.get(p.location())
	if p.doc.Find(`[data-testid="withdraw-form"] input[value="talent_pool"]`).Length() != 0 {
		t.Error("a withdrawn consent is still offered for withdrawal")
	}
}

func TestSelfServiceDeleteAsksFirstThenErasesAndAuditsIDsOnly(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c, lead, conf, me := checkedIn(t, a, ev, fullForm())
	thanks, code := conf.url, personalCode(t, conf)
	p := c.submit(me+"/delete", url.Values{})
	wantStatus(t, p, http.StatusOK)
	if p.testid("delete-confirm").Length() != 1 || p.testid("delete-my-data").Find(`input[name="confirm"]`).Length() != 1 {
		t.Fatal("no confirmation step before deleting")
	}
	if _, err := a.store.LeadByID(context.Background(), lead.ID); err != nil {
		t.Fatal("the first step already deleted the lead")
	}
	if p := a.client().post(me+"/delete", url.Values{"confirm": {"yes"}}); p.status != http.StatusForbidden {
		t.Errorf("delete without CSRF: %d", p.status)
	}
	p = c.submit(me+"/delete", url.Values{"confirm": {"yes"}})
	wantStatus(t, p, http.StatusOK)
	if p.testid("deleted").Length() != 1 {
		t.Error("no confirmation of the deletion")
	}
	if _, err := a.store.LeadByID(context.Background(), lead.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("lead after deletion: %v", err)
	}
	for _, path := range []string{thanks, me, paths.Personal(code), paths.PersonalQR(code),
		paths.Personal(lead.PersonalToken)} {
		if p := c.get(path); p.status != http.StatusNotFound {
			t.Errorf("%s after deletion: %d", path, p.status)
		}
	}
	entries, err := a.store.AuditLog(context.Background(), 20)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		if e.Action == "lead.delete" && e.SubjectID == lead.ID {
			found = true
		}
		for _, pii := range []string{"Zoë", "Zoe@Example.com", "Nordic", "+46"} {
			if strings.Contains(e.Details+e.SubjectID, pii) {
				t.Errorf("audit row %s holds personal data %q", e.Action, pii)
			}
		}
	}
	if !found {
		t.Error("no audit row for the deletion")
	}
}
