package handlers

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/static"
	"github.com/boothlead/boothlead/views/paths"
)

// oldStamp is a valid form stamp for ev, as if the form had been shown `ago` before now with
// the event's current consent texts.
func (a *testApp) oldStamp(ev models.Event, ago time.Duration) string {
	a.t.Helper()
	ctx := context.Background()
	key, err := a.server.stampKey(ctx)
	if err != nil {
		a.t.Fatalf("stamp key: %v", err)
	}
	texts, err := a.store.CurrentConsentTexts(ctx, ev.ID)
	if err != nil {
		a.t.Fatalf("consent texts: %v", err)
	}
	return newStamp(key, ev.ID, time.Now().Add(-ago), texts.Contact.ID, texts.TalentPool.ID)
}

// checkIn posts the check-in form as a phone does after a few seconds of typing (a stamp 3 s
// old and the CSRF token added unless the form has its own).
func (c *client) checkIn(ev models.Event, form url.Values) page {
	c.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = append([]string(nil), v...)
	}
	if !f.Has("stamp") {
		f.Set("stamp", c.app.oldStamp(ev, 3*time.Second))
	}
	if f.Has("_csrf") {
		return c.post(paths.CheckIn(ev.CheckinKey), f)
	}
	return c.submit(paths.CheckIn(ev.CheckinKey), f)
}

func minimalForm() url.Values {
	return url.Values{"name": {"Ada Lovelace"}, "email": {"ada@example.com"}, "consent": {"yes"}}
}

func fullForm() url.Values {
	return url.Values{"name": {"Zoë Ångström"}, "email": {"Zoe@Example.com"}, "interests": {"Backend", "SRE"},
		"consent": {"yes"}, "talent_pool": {"yes"}, "phone": {"+46 70 123 45 67"}, "company": {"Nordic Compilers AB"},
		"title": {"Staff engineer"}, "linkedin": {"linkedin.com/in/zoe"}, "github": {"zoe-a"},
		"cv_url": {"https://zoe.dev/cv.pdf"}, "message": {"Hi!\r\nI build compilers."}}
}

func checkInApp(t *testing.T, opts ...appOption) (*testApp, models.Event) {
	t.Helper()
	a := newTestApp(t, opts...)
	return a, modelstest.Event(t, a.db, "pycon", "Backend", "Data", "SRE")
}

func leadCount(t *testing.T, a *testApp, ev models.Event) int64 {
	t.Helper()
	n, err := a.store.CountLeads(context.Background(), ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCheckInPageHasTheContractFieldsAndNoScripts(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	p := a.client().get(paths.CheckIn(ev.CheckinKey))
	wantStatus(t, p, http.StatusOK)
	form := p.testid("checkin-form")
	if form.Length() != 1 {
		t.Fatal("no checkin-form")
	}
	if m, _ := form.Attr("method"); m != "post" {
		t.Errorf("form method %q", m)
	}
	for name, typ := range map[string]string{"name": "text", "email": "email", "phone": "tel", "company": "text",
		"title": "text", "linkedin": "url", "github": "text", "cv_url": "url", "website": "text",
		"stamp": "hidden", "_csrf": "hidden", "consent": "checkbox", "talent_pool": "checkbox"} {
		in := form.Find(`input[name="` + name + `"]`)
		if in.Length() != 1 {
			t.Errorf("field %s: %d inputs", name, in.Length())
			continue
		}
		if got, _ := in.Attr("type"); got != typ {
			t.Errorf("field %s has type %q, want %q", name, got, typ)
		}
		if typ == "hidden" || name == "website" {
			continue
		}
		id, _ := in.Attr("id")
		if label := form.Find(`label[for="` + id + `"]`); id == "" || strings.TrimSpace(label.Text()) == "" {
			t.Errorf("field %s has no visible label", name)
		}
	}
	if form.Find(`textarea[name="message"]`).Length() != 1 {
		t.Error("no message textarea")
	}
	var interests []string
	form.Find(`input[name="interests"]`).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr("value")
		interests = append(interests, v)
		if typ, _ := s.Attr("type"); typ != "checkbox" {
			t.Errorf("interest %s is a %s", v, typ)
		}
	})
	if strings.Join(interests, ",") != "Backend,Data,SRE" {
		t.Errorf("interests %q, want the event's options", interests)
	}
	for name, want := range map[string]string{"name": "name", "email": "email", "phone": "tel",
		"company": "organization", "title": "organization-title", "cv_url": "url", "website": "off"} {
		if got, _ := form.Find(`[name="` + name + `"]`).Attr("autocomplete"); got != want {
			t.Errorf("%s autocomplete %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"consent", "talent_pool"} {
		if v, _ := form.Find(`[name="` + name + `"]`).Attr("value"); v != "yes" {
			t.Errorf("%s value %q, want yes", name, v)
		}
		if _, checked := form.Find(`[name="` + name + `"]`).Attr("checked"); checked {
			t.Errorf("%s is ticked before the candidate ticks it", name)
		}
	}
	hp := form.Find(`.hp input[name="website"]`)
	if ti, _ := hp.Attr("tabindex"); ti != "-1" || hp.Length() != 1 {
		t.Error("the honeypot is not in a .hp wrapper with tabindex -1")
	}
	if h, _ := form.Find(`.hp`).Attr("aria-hidden"); h != "true" {
		t.Error("the honeypot wrapper is not aria-hidden")
	}
	// the consent texts in full, as the event has them now
	texts, _ := a.store.CurrentConsentTexts(context.Background(), ev.ID)
	if got := p.doc.Find("#f-consent-text").Text(); got != texts.Contact.Body {
		t.Errorf("contact consent shown as %q, want the full text %q", got, texts.Contact.Body)
	}
	if got := p.doc.Find("#f-talent_pool-text").Text(); got != texts.TalentPool.Body {
		t.Errorf("talent-pool consent shown as %q", got)
	}
	if p.doc.Find("script").Length() != 0 {
		t.Error("the candidate page loads scripts; it must work without JavaScript")
	}
	if !strings.Contains(p.doc.Find("header").Text(), "Acme Robotics") || !strings.Contains(p.doc.Find("header").Text(), ev.Name) {
		t.Error("company and event are not at the top")
	}
	for h, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
		if got := p.header.Get(h); got != want {
			t.Errorf("%s %q, want %q", h, got, want)
		}
	}
}

func TestCheckInValidCases(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	for _, tc := range []struct {
		what string
		form url.Values
		want func(models.Lead) bool
	}{
		{"name, email and consent only", minimalForm(), func(l models.Lead) bool {
			return l.Name == "Ada Lovelace" && l.EmailText() == "ada@example.com" && len(l.Interests) == 0
		}},
		{"every field", fullForm(), func(l models.Lead) bool {
			return l.Name == "Zoë Ångström" && l.EmailText() == "Zoe@Example.com" && l.Phone == "+46 70 123 45 67" &&
				l.Company == "Nordic Compilers AB" && l.Title == "Staff engineer" && l.LinkedIn == "https://linkedin.com/in/zoe" &&
				l.GitHub == "https://github.com/zoe-a" && l.CVURL == "https://zoe.dev/cv.pdf" &&
				l.Message == "Hi!\nI build compilers." && strings.Join(l.Interests, ",") == "Backend,SRE" &&
				l.Source == models.SourceSelfCheckIn && l.VisitCount == 1
		}},
		{"Chinese name", url.Values{"name": {"李小龙"}, "email": {"li@example.cn"}, "consent": {"yes"}}, func(l models.Lead) bool { return l.Name == "李小龙" }},
		{"Greek name", url.Values{"name": {"Ελένη"}, "email": {"eleni@example.gr"}, "consent": {"yes"}}, func(l models.Lead) bool { return l.Name == "Ελένη" }},
		{"Arabic name", url.Values{"name": {"  نور الهدى  "}, "email": {"nour@example.com"}, "consent": {"yes"}}, func(l models.Lead) bool { return l.Name == "نور الهدى" }},
		{"Hebrew name", url.Values{"name": {"שירה"}, "email": {"shira@example.co.il"}, "consent": {"yes"}}, func(l models.Lead) bool { return l.Name == "שירה" }},
		{"decomposed Zoë", url.Values{"name": {"Zoe\u0308"}, "email": {"zoe2@example.com"}, "consent": {"yes"}}, func(l models.Lead) bool { return l.Name == "Zoë" }},
		{"repeated interest", url.Values{"name": {"Rep"}, "email": {"rep@example.com"}, "consent": {"yes"}, "interests": {"Data", "Data"}},
			func(l models.Lead) bool { return strings.Join(l.Interests, ",") == "Data" }},
	} {
		c := a.client()
		p := c.checkIn(ev, tc.form)
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/thanks/") {
			t.Errorf("%s: %d → %q; body %.300s", tc.what, p.status, p.location(), p.body)
			continue
		}
		lead := a.leadOf(p.location())
		if !tc.want(lead) {
			t.Errorf("%s: stored %+v", tc.what, lead)
		}
		conf := c.get(p.location())
		wantStatus(t, conf, http.StatusOK)
		if conf.testid("personal-qr").Length() != 1 || conf.testid("mail-sent").Length() != 1 {
			t.Errorf("%s: confirmation lacks personal-qr or the word about the mail", tc.what)
		}
		if conf.testid("self-service-link").Length() != 0 {
			t.Errorf("%s: the confirmation links to the private page; only the mail may", tc.what)
		}
	}
	if n := checkinsCounted(t, a); n != 8 {
		t.Errorf("boothlead_checkins_total is %v after 8 check-ins", n)
	}
}

// checkinsCounted reads boothlead_checkins_total from the app's registry.
func checkinsCounted(t *testing.T, a *testApp) float64 {
	t.Helper()
	mfs, err := a.server.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "boothlead_checkins_total" {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatal("no boothlead_checkins_total")
	return 0
}

// formValues reads what a re-shown check-in form holds.
func formValues(p page) url.Values {
	v := url.Values{}
	form := p.testid("checkin-form")
	form.Find("input").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		val, _ := s.Attr("value")
		typ, _ := s.Attr("type")
		if typ == "checkbox" {
			if _, on := s.Attr("checked"); !on {
				return
			}
		}
		if name != "_csrf" && name != "stamp" && name != "website" {
			v.Add(name, val)
		}
	})
	form.Find("textarea").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v.Add(name, s.Text())
	})
	return v
}

func TestCheckInInvalidCasesShowErrorsKeepWhatWasTypedAndSaveNothing(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	with := func(field string, values ...string) url.Values {
		f := fullForm()
		f.Set("message", "Hi! I build compilers.") // a textarea gives back what it got, minus CRs
		if values == nil {
			f.Del(field)
		} else {
			f[field] = values
		}
		return f
	}
	for _, tc := range []struct {
		what, field string
		form        url.Values
	}{
		{"no name", "name", with("name")},
		{"blank name", "name", with("name", "   ")},
		{"control character in name", "name", with("name", "Ada\x1b[2J")},
		{"name too long", "name", with("name", strings.Repeat("ñ", 201))},
		{"no email", "email", with("email")},
		{"bad email", "email", with("email", "ada@localhost")},
		{"email with a display name", "email", with("email", "Ada <ada@example.com>")},
		{"unknown interest", "interests", with("interests", "Backend", "Sales")},
		{"no consent", "consent", with("consent")},
		{"consent not yes", "consent", with("consent", "on")},
		{"bad phone", "phone", with("phone", "call me")},
		{"company too long", "company", with("company", strings.Repeat("x", 201))},
		{"title with a bidi override", "title", with("title", "CEO\u202e")},
		{"LinkedIn elsewhere", "linkedin", with("linkedin", "https://evil.example/in/zoe")},
		{"GitHub elsewhere", "github", with("github", "https://gitlab.com/zoe")},
		{"javascript CV link", "cv_url", with("cv_url", "javascript:alert(1)")},
		{"data CV link", "cv_url", with("cv_url", "data:text/html;base64,PHNjcmlwdD4=")},
		{"message too long", "message", with("message", strings.Repeat("m", 2001))},
		{"message with a control character", "message", with("message", "Hi\x07")},
	} {
		p := a.client().checkIn(ev, tc.form)
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.what, p.status)
			continue
		}
		id := "#f-" + tc.field + "-error"
		if msg := strings.TrimSpace(p.doc.Find(id).Text()); msg == "" {
			t.Errorf("%s: no error text next to %s", tc.what, tc.field)
		}
		if n := p.testid("field-error").Length(); n != 1 {
			t.Errorf("%s: %d field errors, want 1", tc.what, n)
		}
		if p.testid("error-summary").Length() != 1 {
			t.Errorf("%s: no error summary", tc.what)
		}
		got := formValues(p)
		for k, want := range tc.form {
			if k == "interests" && tc.field == "interests" {
				want = []string{"Backend"} // an option that does not exist cannot be ticked
			}
			if k == "consent" && tc.form.Get("consent") != "yes" {
				want = nil // only "yes" ticks the box
			}
			if strings.Join(got[k], "|") != strings.Join(want, "|") {
				t.Errorf("%s: %s came back as %q, want %q", tc.what, k, got[k], want)
			}
		}
		if stamp, _ := p.doc.Find(`input[name="stamp"]`).Attr("value"); stamp != tc.form.Get("stamp") && stamp == "" {
			t.Errorf("%s: no stamp on the re-shown form", tc.what)
		}
	}
	if n := leadCount(t, a, ev); n != 0 {
		t.Fatalf("%d leads saved by invalid check-ins, want 0", n)
	}
}

func TestCheckInRepeatedEmailCountsAVisitAndChangesNothingStored(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c := a.client()
	first := c.checkIn(ev, url.Values{"name": {"Ada"}, "email": {"Ada@Example.com"}, "consent": {"yes"},
		"interests": {"Backend"}, "company": {"Engines"}})
	wantStatus(t, first, http.StatusSeeOther)
	second := a.client().checkIn(ev, url.Values{"name": {"Ada Lovelace"}, "email": {"ada@EXAMPLE.com"}, "consent": {"yes"},
		"interests": {"Data"}})
	wantStatus(t, second, http.StatusSeeOther)
	if first.location() == second.location() {
		t.Fatalf("two submissions share one confirmation: %s", first.location())
	}
	if n := leadCount(t, a, ev); n != 1 {
		t.Fatalf("%d leads, want 1", n)
	}
	l := a.leadOf(second.location())
	if l.VisitCount != 2 || l.Name != "Ada" || l.Company != "Engines" || strings.Join(l.Interests, ",") != "Backend" {
		t.Errorf("lead after a repeat changed before any confirmation: %+v", l)
	}
	first2, second2 := c.get(first.location()), c.get(second.location())
	if h1, h2 := first2.doc.Find("h1").Text(), second2.doc.Find("h1").Text(); h1 != "Thank you, Ada!" || h2 != "Thank you, Ada Lovelace!" {
		t.Errorf("confirmations: %q, %q (each shows the name its submission typed, and they read alike)", h1, h2)
	}
}

func TestCheckInConcurrentIdenticalPostsLeaveOneLead(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	const n = 10
	clients := make([]*client, n)
	forms := make([]url.Values, n)
	for i := range clients {
		clients[i] = a.client()
		forms[i] = fullForm()
		forms[i].Set("_csrf", clients[i].csrf())
		forms[i].Set("stamp", a.oldStamp(ev, 3*time.Second))
	}
	locations := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			p := clients[i].post(paths.CheckIn(ev.CheckinKey), forms[i])
			if p.status != http.StatusSeeOther {
				t.Errorf("concurrent check-in %d: status %d", i, p.status)
			}
			locations[i] = p.location()
		}()
	}
	close(start)
	wg.Wait()
	if n := leadCount(t, a, ev); n != 1 {
		t.Fatalf("%d leads after %d identical concurrent check-ins, want 1", n, len(clients))
	}
	for _, loc := range locations {
		if a.leadOf(loc).ID != a.leadOf(locations[0]).ID {
			t.Fatalf("confirmations name different leads: %q vs %q", loc, locations[0])
		}
	}
	l := a.leadOf(locations[0])
	if l.VisitCount != n {
		t.Fatalf("visit count %d, want %d", l.VisitCount, n)
	}
}

func TestCheckInTooFastMissingOrForgedStampKeepsTypingAndSavesNothing(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c := a.client()
	page := c.get(paths.CheckIn(ev.CheckinKey))
	fresh, _ := page.doc.Find(`input[name="stamp"]`).Attr("value")
	forged := a.oldStamp(ev, 10*time.Second)
	forged = forged[:len(forged)-2] + "AA"
	for _, tc := range []struct{ what, stamp, notice string }{
		{"too fast", fresh, a.en(msgTooFast)},
		{"no stamp", "", a.en(msgStampMissing)},
		{"forged stamp", forged, a.en(msgStampMissing)},
		{"garbage", "1.2.3.4.5", a.en(msgStampMissing)},
		{"a day old", a.oldStamp(ev, 25*time.Hour), a.en(msgFormExpired)},
	} {
		f := fullForm()
		f.Set("message", "Typed with care")
		f.Set("stamp", tc.stamp)
		p := c.checkIn(ev, f)
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.what, p.status)
			continue
		}
		if got := strings.TrimSpace(p.testid("form-notice").Text()); got != tc.notice {
			t.Errorf("%s: notice %q, want %q", tc.what, got, tc.notice)
		}
		if got := formValues(p); got.Get("name") != "Zoë Ångström" || got.Get("message") != "Typed with care" ||
			got.Get("consent") != "yes" || strings.Join(got["interests"], ",") != "Backend,SRE" {
			t.Errorf("%s: typed values lost: %v", tc.what, got)
		}
		next, _ := p.doc.Find(`input[name="stamp"]`).Attr("value")
		if next == "" || next == tc.stamp {
			t.Errorf("%s: no fresh stamp", tc.what)
		}
	}
	if n := leadCount(t, a, ev); n != 0 {
		t.Fatalf("%d leads saved, want 0", n)
	}
	// the stamp of a form whose only problem was a field error stays: no second wait
	f := minimalForm()
	f.Del("consent")
	first := c.checkIn(ev, f)
	wantStatus(t, first, http.StatusUnprocessableEntity)
	kept, _ := first.doc.Find(`input[name="stamp"]`).Attr("value")
	f.Set("consent", "yes")
	f.Set("stamp", kept)
	wantStatus(t, c.checkIn(ev, f), http.StatusSeeOther)
}

func TestCheckInHoneypotAnswersLikeSuccessAndSavesNothing(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c := a.client()
	f := fullForm()
	f.Set("website", "https://spam.example")
	p := c.checkIn(ev, f)
	wantStatus(t, p, http.StatusSeeOther)
	if !strings.HasPrefix(p.location(), "/thanks/") {
		t.Fatalf("honeypot answer redirects to %q", p.location())
	}
	conf := c.get(p.location())
	wantStatus(t, conf, http.StatusOK)
	if conf.testid("personal-qr").Length() != 1 || conf.testid("mail-sent").Length() != 1 {
		t.Fatal("the bot's confirmation does not look like a real one")
	}
	src, _ := conf.testid("personal-qr").Attr("src")
	if qr := c.get(src); qr.status != http.StatusOK || qr.header.Get("Content-Type") != "image/png" {
		t.Errorf("the bot's QR: %d %s", qr.status, qr.header.Get("Content-Type"))
	}
	if strings.Contains(conf.body, "Zoë") {
		t.Error("the bot's confirmation repeats what it sent")
	}
	if !strings.Contains(conf.doc.Find("main").Text(), ev.Name) || !strings.Contains(conf.doc.Find("header").Text(), "Acme Robotics") {
		t.Error("the bot's confirmation does not name the event like a real one")
	}
	if n := leadCount(t, a, ev); n != 0 {
		t.Fatalf("%d leads saved from a filled honeypot", n)
	}
	if n := checkinsCounted(t, a); n != 0 {
		t.Errorf("a honeypot hit counted as a check-in (%v)", n)
	}
	// a made-up token is not taken for a decoy
	if p := c.get(paths.Thanks(models.NewToken(32))); p.status != http.StatusNotFound {
		t.Errorf("unknown confirmation token: %d, want 404", p.status)
	}
}

func TestCheckInStampAndDecoyTokens(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	now := time.Now()
	st := newStamp(key, 7, now.Add(-3*time.Second), 11, 12)
	if got, p := checkStamp(key, 7, st, now); p != stampOK || got.contactText != 11 || got.poolText != 12 {
		t.Errorf("valid stamp: %v %+v", p, got)
	}
	for what, tc := range map[string]struct {
		stamp string
		event int64
		want  stampProblem
	}{
		"other event":     {st, 8, stampMissing},
		"other key":       {newStamp([]byte("another key of thirty-two bytes!"), 7, now.Add(-3*time.Second), 11, 12), 7, stampMissing},
		"too fast":        {newStamp(key, 7, now.Add(-time.Second), 11, 12), 7, stampTooFast},
		"from the future": {newStamp(key, 7, now.Add(time.Hour), 11, 12), 7, stampMissing},
		"expired":         {newStamp(key, 7, now.Add(-25*time.Hour), 11, 12), 7, stampExpired},
		"edited time":     {strings.Replace(st, "1.", "1.0", 1), 7, stampMissing},
		"empty":           {"", 7, stampMissing},
		"huge":            {strings.Repeat("1.", 200), 7, stampMissing},
	} {
		if _, p := checkStamp(key, tc.event, tc.stamp, now); p != tc.want {
			t.Errorf("%s: problem %v, want %v", what, p, tc.want)
		}
	}
	for _, n := range []int{models.PersonalTokenBytes, models.ThanksTokenBytes, 32} {
		d := decoyToken(key, "self", n, 42)
		if real := models.NewToken(n); len(d) != len(real) {
			t.Errorf("decoy of %d bytes has %d characters, a real token %d", n, len(d), len(real))
		}
		if id, ok := decoyEvent(key, "self", n, d); !ok || id != 42 {
			t.Errorf("decoy of %d bytes not recognised: %d %v", n, id, ok)
		}
		if _, ok := decoyEvent(key, "personal", n, d); ok {
			t.Error("a decoy of one kind passes for another")
		}
		if _, ok := decoyEvent(key, "self", n, models.NewToken(n)); ok {
			t.Error("a random token passes for a decoy")
		}
	}
}

func TestCheckInRefusesMissingOrWrongCSRF(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c := a.client()
	c.get(paths.CheckIn(ev.CheckinKey))
	f := minimalForm()
	f.Set("stamp", a.oldStamp(ev, 3*time.Second))
	if p := c.post(paths.CheckIn(ev.CheckinKey), f); p.status != http.StatusForbidden {
		t.Errorf("without a CSRF token: %d, want 403", p.status)
	}
	f.Set("_csrf", "not-the-token")
	if p := c.post(paths.CheckIn(ev.CheckinKey), f); p.status != http.StatusForbidden {
		t.Errorf("with a wrong CSRF token: %d, want 403", p.status)
	}
	if n := leadCount(t, a, ev); n != 0 {
		t.Fatalf("%d leads saved without CSRF", n)
	}
}

func TestCheckInBodyOver64KBIs413(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	f := minimalForm()
	f.Set("message", strings.Repeat("x", 65*1024))
	p := a.client().checkIn(ev, f)
	wantStatus(t, p, http.StatusRequestEntityTooLarge)
	f.Set("message", strings.Repeat("x", 60*1024)) // under the limit: an ordinary "too long" answer
	wantStatus(t, a.client().checkIn(ev, f), http.StatusUnprocessableEntity)
	if n := leadCount(t, a, ev); n != 0 {
		t.Fatalf("%d leads saved", n)
	}
}

func TestCheckInWrongOrRotatedKeyIs404(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c := a.client()
	for _, path := range []string{"/c/nope", "/c/" + models.NewToken(24)} {
		p := c.get(path)
		wantStatus(t, p, http.StatusNotFound)
		if p.testid("code-invalid").Length() != 1 {
			t.Errorf("%s: not the code-invalid page", path)
		}
	}
	old := ev.CheckinKey
	rotated, err := a.store.RotateCheckinKey(context.Background(), 0, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.get(paths.CheckIn(old)); p.status != http.StatusNotFound || p.testid("code-invalid").Length() != 1 {
		t.Errorf("old key after rotation: %d", p.status)
	}
	if p := c.checkIn(ev, minimalForm()); p.status != http.StatusNotFound {
		t.Errorf("POST to the old key: %d, want 404", p.status)
	}
	wantStatus(t, c.get(paths.CheckIn(rotated.CheckinKey)), http.StatusOK)
	if n := leadCount(t, a, ev); n != 0 {
		t.Fatalf("%d leads saved through a rotated key", n)
	}
}

func TestCheckInDraftAndClosedEvents(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c := a.client()
	for _, tc := range []struct {
		status, testid string
		code           int
	}{
		{models.StatusDraft, "checkin-not-open", http.StatusForbidden},
		{models.StatusClosed, "checkin-closed", http.StatusGone},
	} {
		ev.Status = tc.status
		if _, err := a.store.UpdateEvent(context.Background(), 0, ev, "", ""); err != nil {
			t.Fatal(err)
		}
		p := c.get(paths.CheckIn(ev.CheckinKey))
		if p.status != tc.code || p.testid(tc.testid).Length() != 1 || p.testid("checkin-form").Length() != 0 {
			t.Errorf("%s event: GET %d, want %d with %s", tc.status, p.status, tc.code, tc.testid)
		}
		p = c.checkIn(ev, minimalForm())
		if p.status != tc.code || p.testid(tc.testid).Length() != 1 {
			t.Errorf("%s event: POST %d, want %d", tc.status, p.status, tc.code)
		}
	}
	if n := leadCount(t, a, ev); n != 0 {
		t.Fatalf("%d leads saved at a closed event", n)
	}
}

// One address (a script, or a venue's NAT) gets 300 check-ins at once and then one every 6 s:
// the form cannot be used to mail thousands of strangers an hour. The 301st keeps what was typed.
func TestCheckInsFromOneAddressAreBounded(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t, withRateLimits)
	c := a.client()
	f := minimalForm()
	for i := range 300 {
		f.Set("email", "stranger"+strconv.Itoa(i)+"@example.com")
		if p := c.checkIn(ev, f); p.status != http.StatusSeeOther {
			t.Fatalf("check-in %d from one address: %d", i+1, p.status)
		}
	}
	f.Set("email", "one-more@example.com")
	p := c.checkIn(ev, f)
	wantStatus(t, p, http.StatusTooManyRequests)
	if got := formValues(p); got.Get("email") != "one-more@example.com" {
		t.Errorf("typed values lost: %v", got)
	}
	if n := leadCount(t, a, ev); n != 300 {
		t.Errorf("%d leads, want 300", n)
	}
}

func TestCheckInRateLimitPerEmailIsTight(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t, withRateLimits)
	for i := 0; i < 5; i++ {
		wantStatus(t, a.client().checkIn(ev, minimalForm()), http.StatusSeeOther)
	}
	f := minimalForm()
	f.Set("email", "ADA@example.com") // the same person, typed differently
	f.Set("company", "Engines")
	p := a.client().checkIn(ev, f)
	wantStatus(t, p, http.StatusTooManyRequests)
	if p.testid("checkin-form").Length() != 1 || strings.TrimSpace(p.testid("form-notice").Text()) != a.en(msgTooManyPerson) {
		t.Errorf("429 without the form or the message: %.300s", p.body)
	}
	if got := formValues(p); got.Get("email") != "ADA@example.com" || got.Get("company") != "Engines" {
		t.Errorf("typed values lost: %v", got)
	}
	// someone else on the same network is not affected
	wantStatus(t, a.client().checkIn(ev, url.Values{"name": {"Grace"}, "email": {"grace@example.com"}, "consent": {"yes"}}), http.StatusSeeOther)
	l := a.leadOf(a.client().checkIn(ev,
		url.Values{"name": {"Grace"}, "email": {"grace@example.com"}, "consent": {"yes"}}).location())
	if l.VisitCount != 2 {
		t.Errorf("grace's visits %d, want 2", l.VisitCount)
	}
}

func TestCheckInRateLimitPerIPIsGenerous(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t, withRateLimits)
	c := a.client()
	bad := url.Values{"email": {"x@example.com"}, "consent": {"yes"}} // no name: refused, nothing saved
	limited := 0
	for i := 0; i < 400 && limited == 0; i++ {
		p := c.checkIn(ev, bad)
		switch p.status {
		case http.StatusUnprocessableEntity:
		case http.StatusTooManyRequests:
			limited = i + 1
			if strings.TrimSpace(p.testid("form-notice").Text()) != a.en(msgTooManyHere) || formValues(p).Get("email") != "x@example.com" {
				t.Errorf("429 per IP without the message or the typed values")
			}
		default:
			t.Fatalf("post %d: status %d", i, p.status)
		}
	}
	if limited == 0 || limited < 250 {
		t.Fatalf("the per-IP limit hit at post %d; want a generous limit (≥250 in a burst) that does exist", limited)
	}
	// another booth (event) behind the same venue IP still works
	other := modelstest.Event(t, a.db, "other", "Backend")
	wantStatus(t, c.checkIn(other, minimalForm()), http.StatusSeeOther)
}

func TestCheckInConsentTextChangedMeanwhile(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c := a.client()
	stamp := a.oldStamp(ev, 5*time.Second) // the form as shown before the edit
	const newText = "Acme Robotics may email you about jobs at PyCon until the end of 2027. Withdraw at any time."
	if _, err := a.store.UpdateEvent(context.Background(), 0, ev, newText, ""); err != nil {
		t.Fatal(err)
	}
	f := fullForm()
	f.Set("stamp", stamp)
	p := c.checkIn(ev, f)
	wantStatus(t, p, http.StatusUnprocessableEntity)
	if strings.TrimSpace(p.testid("form-notice").Text()) != a.en(msgTextChanged) {
		t.Errorf("notice %q", p.testid("form-notice").Text())
	}
	if got := p.doc.Find("#f-consent-text").Text(); got != newText {
		t.Errorf("consent text shown %q, want the new one", got)
	}
	if got := formValues(p); got.Get("consent") != "" || got.Get("name") != "Zoë Ångström" {
		t.Errorf("the consent must be ticked again (and the rest kept): %v", got)
	}
	if n := leadCount(t, a, ev); n != 0 {
		t.Fatalf("%d leads saved with an outdated consent", n)
	}
}

var markup = []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `'><svg onload=alert(1)>`,
	`</textarea><script>alert(2)</script>`, `{{7*7}} ${7*7}`}

// noRawMarkup fails when any payload appears unescaped in a page.
func noRawMarkup(t *testing.T, where string, body string) {
	t.Helper()
	for _, m := range []string{"<script>alert", "<img src=x", "<svg onload", "</textarea><script>"} {
		if strings.Contains(body, m) {
			t.Errorf("%s: unescaped markup %q in the page", where, m)
		}
	}
}

func TestCheckInEscapesMarkupInEveryField(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	for i, m := range markup {
		c := a.client()
		email := "x" + itoa(int64(i)) + "@example.com"
		f := url.Values{"name": {m}, "email": {email}, "phone": {m}, "company": {m}, "title": {m}, "linkedin": {m},
			"github": {m}, "cv_url": {m}, "message": {m}, "interests": {m}}
		p := c.checkIn(ev, f) // no consent and bad links: re-shown
		wantStatus(t, p, http.StatusUnprocessableEntity)
		noRawMarkup(t, "re-shown form", p.body)
		got := formValues(p)
		for _, k := range []string{"name", "phone", "company", "title", "linkedin", "github", "cv_url", "message"} {
			if got.Get(k) != m {
				t.Errorf("payload %d: %s came back as %q", i, k, got.Get(k))
			}
		}
		// saved: in the text fields, and inside links that are still valid web addresses
		f = url.Values{"name": {m}, "email": {email}, "company": {m}, "title": {m}, "message": {m}, "consent": {"yes"},
			"cv_url": {"https://ada.dev/" + url.PathEscape(m) + "?q=" + m}, "linkedin": {"https://linkedin.com/in/" + m}}
		p = c.checkIn(ev, f)
		wantStatus(t, p, http.StatusSeeOther)
		conf := c.get(p.location())
		noRawMarkup(t, "confirmation", conf.body)
		if got := conf.testid("thanks-name").Text(); got != m {
			t.Errorf("payload %d: the confirmation shows the name as %q", i, got)
		}
		me := c.get(a.selfLink(a.leadOf(p.location()).ID))
		wantStatus(t, me, http.StatusOK)
		noRawMarkup(t, "private page", me.body)
		if v, _ := me.testid("self-service").Find(`input[name="company"]`).Attr("value"); v != m {
			t.Errorf("payload %d: the private page shows company %q", i, v)
		}
		if v := me.testid("self-service").Find(`textarea[name="message"]`).Text(); v != m {
			t.Errorf("payload %d: the private page shows message %q", i, v)
		}
	}
}

// gzipSize fetches path asking for gzip and returns the bytes on the wire.
func gzipSize(t *testing.T, a *testApp, path string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+path, nil)
	req.Header.Set("Accept-Encoding", "gzip") // set by hand, so the transport does not unzip it
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("%s: %d, encoding %q", path, res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	if _, err := gzip.NewReader(bytes.NewReader(b)); err != nil {
		t.Fatalf("%s: not gzip: %v", path, err)
	}
	return len(b)
}

func TestCheckInPageWithItsCSSWeighsAtMost30KB(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	p := a.client().get(paths.CheckIn(ev.CheckinKey))
	var assets []string
	p.doc.Find(`link[rel="stylesheet"], script[src], img[src]`).Each(func(_ int, s *goquery.Selection) {
		href, ok := s.Attr("href")
		if !ok {
			href, _ = s.Attr("src")
		}
		assets = append(assets, href)
	})
	if len(assets) != 1 || assets[0] != static.URL("css/app.css") {
		t.Fatalf("the check-in page loads %q; want only the stylesheet", assets)
	}
	page, css := gzipSize(t, a, paths.CheckIn(ev.CheckinKey)), gzipSize(t, a, assets[0])
	t.Logf("check-in page %d B + CSS %d B = %d B gzipped (budget 30720 B)", page, css, page+css)
	if page+css > 30*1024 {
		t.Fatalf("check-in page %d B + CSS %d B gzipped > 30 KB", page, css)
	}
}
