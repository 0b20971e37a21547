package handlers

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/boothlead/boothlead/mail/mailtest"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// stampIn is a valid form stamp for a form shown `ago` in lang (its consent texts are that
// language's).
func (a *testApp) stampIn(ev models.Event, lang string, ago time.Duration) string {
	a.t.Helper()
	ctx := context.Background()
	key, err := a.server.stampKey(ctx)
	if err != nil {
		a.t.Fatal(err)
	}
	texts, err := a.store.ConsentTextsIn(ctx, ev.ID, lang)
	if err != nil {
		a.t.Fatal(err)
	}
	return newStamp(key, ev.ID, time.Now().Add(-ago), texts.Contact.ID, texts.TalentPool.ID)
}

// checkInIn posts the check-in form as a page in lang sends it.
func (c *client) checkInIn(ev models.Event, lang string, form url.Values) page {
	c.t.Helper()
	f := url.Values{"lang": {lang}, "stamp": {c.app.stampIn(ev, lang, 3*time.Second)}}
	for k, v := range form {
		f[k] = v
	}
	return c.submit(paths.CheckIn(ev.CheckinKey), f)
}

// getLang GETs a page with an Accept-Language header.
func (c *client) getLang(path, acceptLanguage string) page {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.abs(path), nil)
	req.Header.Set("Accept-Language", acceptLanguage)
	return c.do(req)
}

// wantLang checks a candidate page speaks lang: <html lang dir>, and a language switch that
// lists the other eight languages, each a link to the same page.
func wantLang(t *testing.T, p page, lang string) {
	t.Helper()
	html := p.doc.Find("html")
	if got, _ := html.Attr("lang"); got != lang {
		t.Errorf("%s: <html lang=%q>, want %q", p.url, got, lang)
	}
	wantDir := "ltr"
	if lang == "ar" {
		wantDir = "rtl"
	}
	if got, _ := html.Attr("dir"); got != wantDir {
		t.Errorf("%s: dir=%q, want %q", p.url, got, wantDir)
	}
	if strings.Contains(p.body, "<no value>") {
		t.Errorf("%s: a message lacks a value", p.url)
	}
}

func wantSwitch(t *testing.T, p page, lang string) {
	t.Helper()
	links := p.testid("lang-switch").Find("a[hreflang]")
	if links.Length() != len(models.Languages)-1 {
		t.Errorf("%s: the language switch lists %d languages", p.url, links.Length())
	}
	u, _ := url.Parse(p.url)
	for i := range links.Length() {
		href, _ := links.Eq(i).Attr("href")
		code, _ := links.Eq(i).Attr("hreflang")
		l, _ := url.Parse(href)
		if code == lang || l.Path != u.Path || l.Query().Get("lang") != code {
			t.Errorf("%s: switch link %q for %s", p.url, href, code)
		}
	}
}

// noMissingMessages fails the test when any page or mail asked for a message a catalogue lacks.
func (a *testApp) noMissingMessages(t *testing.T) {
	t.Helper()
	if m := a.server.i18n.Missing(); len(m) > 0 {
		t.Errorf("messages missing from the catalogues: %v", m)
	}
}

// Every candidate page in every language: the check-in form (and its errors), the confirmation,
// the personal-QR page, the private page, the confirm page, the code-invalid, closed and error
// pages. The language sticks: the confirmation and the private page speak the language of the
// check-in without being told again. No page asks for a message a catalogue lacks.
func TestCandidatePagesInEveryLanguage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "polyglot", "Backend", "Data")
	closed := modelstest.Event(t, a.db, "closed-conf")
	closed.Status = models.StatusClosed
	if _, err := a.store.UpdateEvent(context.Background(), 0, closed, "", ""); err != nil {
		t.Fatal(err)
	}
	for _, q := range []models.QuestionInput{
		{Key: "grad", Label: "Graduation year", Kind: "text", Required: true},
		{Key: "auth", Label: "Work authorisation", Kind: "yesno"},
		{Key: "where", Label: "Where", Kind: "multi", Options: "Remote, Berlin"},
	} {
		addQuestion(t, a, ev, q)
	}
	for _, lang := range models.Languages {
		t.Run(lang, func(t *testing.T) {
			c := a.client()
			p := c.get(paths.CheckIn(ev.CheckinKey) + "?lang=" + lang)
			wantStatus(t, p, http.StatusOK)
			wantLang(t, p, lang)
			wantSwitch(t, p, lang)
			if v, _ := p.testid("checkin-form").Find(`input[name="lang"]`).Attr("value"); v != lang {
				t.Errorf("the form does not carry its language: %q", v)
			}

			bad := c.checkInIn(ev, lang, url.Values{"name": {""}, "email": {"nope"}, "consent": {"yes"}})
			wantStatus(t, bad, http.StatusUnprocessableEntity)
			wantLang(t, bad, lang)
			if bad.testid("field-error").Length() < 3 {
				t.Errorf("errors next to the fields: %d", bad.testid("field-error").Length())
			}
			email := "cand-" + lang + "@example.com"
			ok := c.checkInIn(ev, lang, url.Values{"name": {"Cand " + lang}, "email": {email}, "consent": {"yes"},
				"q.grad": {"2027"}, "talent_pool": {"yes"}})
			wantStatus(t, ok, http.StatusSeeOther)
			thanks := c.get(ok.location())
			wantLang(t, thanks, lang) // no ?lang: the check-in's language sticks
			if thanks.testid("personal-qr").Length() != 1 {
				t.Error("no personal QR")
			}
			lead := a.leadOf(ok.location())
			if lead.Language != lang {
				t.Errorf("the lead's language is %q", lead.Language)
			}
			me := c.get(a.selfLink(lead.ID))
			wantLang(t, me, lang)
			wantSwitch(t, me, lang)
			if me.testid("self-service").Length() != 1 {
				t.Error("no private page")
			}
			personal, _ := thanks.testid("personal-qr").Attr("src")
			pp := a.client().get(strings.TrimSuffix(personal, "/qr.png") + "?lang=" + lang)
			wantLang(t, pp, lang)

			// a repeat in this language that asks for a change: its confirm page speaks it
			rep := c.checkInIn(ev, lang, url.Values{"name": {"Cand " + lang}, "email": {email}, "consent": {"yes"},
				"q.grad": {"2028"}, "company": {"Acme " + lang}})
			wantStatus(t, rep, http.StatusSeeOther)
			confirm := ""
			for _, m := range a.mailTo(email, 2) {
				if links := m.Links(a.ts.URL + "/confirm/"); len(links) > 0 {
					confirm = a.path(links[0])
				}
			}
			cp := a.client().get(confirm)
			wantLang(t, cp, lang)
			if cp.testid("confirm-list").Find("li").Length() != 2 {
				t.Errorf("the confirm page lists %d requests", cp.testid("confirm-list").Find("li").Length())
			}

			wantLang(t, a.client().get("/c/no-such-key?lang="+lang), lang)
			wantLang(t, a.client().get(paths.CheckIn(closed.CheckinKey)+"?lang="+lang), lang)
			e := a.client().get("/me/no-such-token?lang=" + lang)
			wantStatus(t, e, http.StatusNotFound)
			wantLang(t, e, lang)
			if e.doc.Find(`a[href="/"]`).Length() != 0 {
				t.Error("a candidate's error page links into the staff side")
			}
		})
	}
	a.noMissingMessages(t)
}

// addQuestion adds a question to ev through the Store.
func addQuestion(t testing.TB, a *testApp, ev models.Event, in models.QuestionInput) models.Question {
	t.Helper()
	q, err := models.NewQuestion(in)
	if err != nil {
		t.Fatal(err)
	}
	q, err = a.store.AddQuestion(context.Background(), 0, ev, q)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// The language comes from ?lang=, else Accept-Language, else the event's default; an unknown
// ?lang= is ignored.
func TestLanguageChoice(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "choice")
	ev.Language = "fr"
	if _, err := a.store.UpdateEvent(context.Background(), 0, ev, "", ""); err != nil {
		t.Fatal(err)
	}
	c := a.client()
	for _, tc := range []struct{ query, accept, want string }{
		{"", "", "fr"},
		{"", "de-AT,de;q=0.9,en;q=0.8", "de"},
		{"", "zh-CN,ja;q=0.8", "fr"},
		{"?lang=ar", "de", "ar"},
		{"?lang=xx", "nl", "nl"},
		{"?lang=xx", "", "fr"},
	} {
		p := c.getLang(paths.CheckIn(ev.CheckinKey)+tc.query, tc.accept)
		if got, _ := p.doc.Find("html").Attr("lang"); got != tc.want {
			t.Errorf("?%s with Accept-Language %q: %q, want %q", tc.query, tc.accept, got, tc.want)
		}
	}
	// French is the default, so the French consent text is what the page shows and records
	p := c.get(paths.CheckIn(ev.CheckinKey))
	if !strings.Contains(p.testid("checkin-form").Text(), "J’accepte que Acme Robotics") {
		t.Error("the check-in page does not show the French consent text")
	}
}

// A consent records the language of the text the person read: each language has its own
// wording, versioned on its own.
func TestConsentTextsPerLanguage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := context.Background()
	ev := modelstest.Event(t, a.db, "consents")
	byLang, err := a.store.ConsentTextsByLanguage(ctx, ev.ID)
	if err != nil || len(byLang) != len(models.Languages) {
		t.Fatalf("default texts in %d languages, %v", len(byLang), err)
	}
	if got := byLang["de"][models.PurposeContact].Body; !strings.Contains(got, "90 Tage nach der Veranstaltung") {
		t.Errorf("the German default: %q", got)
	}
	if got := byLang["en"][models.PurposeContact].Body; got != models.DefaultConsentText(ev, models.PurposeContact) {
		t.Errorf("the English default from the catalogue differs from models.DefaultConsentText:\n%s", got)
	}
	c := a.client()
	p := c.checkInIn(ev, "pl", url.Values{"name": {"Ola"}, "email": {"ola@example.com"}, "consent": {"yes"}})
	wantStatus(t, p, http.StatusSeeOther)
	lead := a.leadOf(p.location())
	cs, err := a.store.Consents(ctx, lead.ID)
	if err != nil || len(cs) != 1 || cs[0].TextLanguage != "pl" || !strings.HasPrefix(cs[0].TextBody, "Zgadzam się") {
		t.Fatalf("consents %+v, %v", cs, err)
	}

	// a new German wording is a new German version; the others stay
	shownBefore := a.stampIn(ev, "de", 5*time.Second)
	w := models.ConsentWording{}
	w.Set("de", models.PurposeContact, "Acme darf mich zu Stellen kontaktieren.")
	if _, err := a.store.UpdateEventWith(ctx, 0, ev, w); err != nil {
		t.Fatal(err)
	}
	de, _ := a.store.ConsentTextsIn(ctx, ev.ID, "de")
	pl, _ := a.store.ConsentTextsIn(ctx, ev.ID, "pl")
	if de.Contact.Version != 2 || de.Contact.Language != "de" || pl.Contact.Version != 1 {
		t.Errorf("versions: de %d (%s), pl %d", de.Contact.Version, de.Contact.Language, pl.Contact.Version)
	}
	// a German form shown before the change named the old text: the consent is asked again
	late := c.submit(paths.CheckIn(ev.CheckinKey), url.Values{"lang": {"de"}, "stamp": {shownBefore}, "name": {"Jan"},
		"email": {"jan@example.com"}, "consent": {"yes"}})
	wantStatus(t, late, http.StatusUnprocessableEntity)
	if !strings.Contains(late.testid("form-notice").Text(), "Der Text der Einwilligung wurde gerade geändert") {
		t.Errorf("notice %q", late.testid("form-notice").Text())
	}
	// a Polish one did not change
	wantStatus(t, c.checkInIn(ev, "pl", url.Values{"name": {"Jan"}, "email": {"jan@example.com"}, "consent": {"yes"}}),
		http.StatusSeeOther)
}

// Dates on candidate pages are in the candidate's language and the event's time zone.
func TestDatesInTheCandidatesLanguage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "dates") // 25–26 November 2026, Europe/Berlin
	c := a.client()
	p := c.checkInIn(ev, "de", url.Values{"name": {"Jörg"}, "email": {"joerg@example.com"}, "consent": {"yes"}})
	thanks := c.get(p.location())
	if !strings.Contains(thanks.body, "26. November 2026") || !strings.Contains(thanks.body, "24. Februar 2027") {
		t.Errorf("the German confirmation does not say the dates in German:\n%s", thanks.testid("thanks").Text())
	}
	p = c.checkInIn(ev, "ar", url.Values{"name": {"سارة"}, "email": {"sara@example.com"}, "consent": {"yes"}})
	thanks = c.get(p.location())
	if !strings.Contains(thanks.body, "٢٦ نوفمبر ٢٠٢٦") {
		t.Errorf("the Arabic confirmation does not say the date in Arabic:\n%s", thanks.testid("thanks").Text())
	}
	lead := a.leadOf(p.location())
	me := c.get(a.selfLink(lead.ID))
	loc, _ := time.LoadLocation("Europe/Berlin")
	want := a.server.i18n.For("ar").DateTime(lead.FirstSeenAt.In(loc))
	if !strings.Contains(me.testid("consent-list").Text(), want) {
		t.Errorf("the private page does not give the consent's time as %q in the event's zone", want)
	}
}

// The mails speak the language of the check-in that caused them; a mail staff send later speaks
// the lead's.
func TestCandidateMailsSpeakTheirLanguage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "mails")
	c := a.client()
	wantStatus(t, c.checkInIn(ev, "de", url.Values{"name": {"Jörg"}, "email": {"joerg@example.com"}, "consent": {"yes"}}),
		http.StatusSeeOther)
	m := a.mailTo("joerg@example.com", 1)[0]
	if !strings.HasPrefix(m.Subject, "Ihr Check-in am Stand von Acme Robotics") || !strings.Contains(m.Text, "Hallo Jörg,") ||
		!strings.Contains(m.HTML, `lang="de"`) {
		t.Errorf("the check-in mail is not German: %q\n%s", m.Subject, m.Text)
	}
	wantStatus(t, c.checkInIn(ev, "ar", url.Values{"name": {"Jörg"}, "email": {"joerg@example.com"}, "consent": {"yes"},
		"company": {"شركة"}}), http.StatusSeeOther)
	m = newest(a.mailTo("joerg@example.com", 2), m)
	if !strings.Contains(m.Subject, "يُرجى تأكيد") || !strings.Contains(m.HTML, `dir="rtl"`) {
		t.Errorf("the repeat mail is not Arabic: %q", m.Subject)
	}
	staff := a.signedIn("sam@example.com", models.RoleStaff)
	lead, _ := a.store.LeadByID(context.Background(), a.leadOfEmail(ev, "joerg@example.com").ID)
	wantStatus(t, staff.submit(paths.LeadPrivateLink(lead.ID), nil), http.StatusSeeOther)
	m = a.mailTo("joerg@example.com", 3)[2]
	for _, x := range a.mailTo("joerg@example.com", 3) {
		if strings.Contains(x.Subject, "privater Link") {
			m = x
		}
	}
	if !strings.HasPrefix(m.Subject, "Ihr privater Link") {
		t.Errorf("the private link mail is not in the lead's language (German): %q", m.Subject)
	}
	a.noMissingMessages(t)
}

// leadOfEmail finds a lead by email at an event.
func (a *testApp) leadOfEmail(ev models.Event, email string) models.Lead {
	a.t.Helper()
	var id string
	if err := a.db.SQL.QueryRow(`SELECT id FROM leads WHERE event_id = $1 AND lower(email) = lower($2)`, ev.ID, email).Scan(&id); err != nil {
		a.t.Fatalf("no lead %s: %v", email, err)
	}
	l, err := a.store.LeadByID(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	return l
}

// The i18n package and models agree on the languages.
func TestLanguagesAgree(t *testing.T) {
	t.Parallel()
	s := newServer(Deps{BaseURL: "http://x"})
	var codes []string
	for _, l := range s.i18n.Languages() {
		codes = append(codes, l.Code)
	}
	if !slices.Equal(codes, models.Languages) {
		t.Errorf("i18n %v, models %v", codes, models.Languages)
	}
}

// The event form sets the default language and the consent texts in every language.
func TestEventFormLanguagesAndConsentTexts(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "form")
	admin := a.signedIn("ada@example.com", models.RoleAdmin)
	p := admin.get(paths.EditEvent(ev.Slug))
	wantStatus(t, p, http.StatusOK)
	form := p.testid("event-form")
	if form.Find(`textarea[name="consent.ar.contact"]`).Length() != 1 || form.Find(`input[name="language"]`).Length() != 9 {
		t.Fatal("the event form has no per-language consent texts or no language choice")
	}
	f := formOf(p, "event-form")
	f.Set("language", "es")
	f.Set("consent.es.talent_pool", "Guardadme en la bolsa de talento.")
	f.Set("consent.nl.contact", strings.Repeat("x", 4001))
	bad := admin.submit(paths.EditEvent(ev.Slug), f)
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	if bad.testid("event-form").Find(`textarea[name="consent.es.talent_pool"]`).Text() != "Guardadme en la bolsa de talento." {
		t.Error("what was typed is lost")
	}
	f.Set("consent.nl.contact", "")
	wantStatus(t, admin.submit(paths.EditEvent(ev.Slug), f), http.StatusSeeOther)
	got, _ := a.store.EventBySlug(context.Background(), ev.Slug)
	es, _ := a.store.ConsentTextsIn(context.Background(), ev.ID, "es")
	if got.Language != "es" || es.TalentPool.Body != "Guardadme en la bolsa de talento." {
		t.Errorf("language %q, Spanish pool text %q", got.Language, es.TalentPool.Body)
	}
}

// formOf reads a form's fields as a browser would send them (ticked boxes and radios only).
func formOf(p page, testid string) url.Values {
	v := url.Values{}
	form := p.testid(testid)
	form.Find("input").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		val, _ := s.Attr("value")
		typ, _ := s.Attr("type")
		if typ == "checkbox" || typ == "radio" {
			if _, on := s.Attr("checked"); !on {
				return
			}
		}
		if name != "" && name != "_csrf" {
			v.Add(name, val)
		}
	})
	form.Find("textarea").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v.Add(name, s.Text())
	})
	return v
}

// newest is the message of msgs that is not one of seen (mail may arrive in any order).
func newest(msgs []mailtest.Message, seen ...mailtest.Message) mailtest.Message {
	for _, m := range msgs {
		known := false
		for _, s := range seen {
			if s.MessageID == m.MessageID {
				known = true
			}
		}
		if !known {
			return m
		}
	}
	return mailtest.Message{}
}

// Staff pick a walk-in's language: the consent wording shown and recorded is in it, and so is
// the mail that sends them their private link.
func TestWalkInInTheirLanguage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "walkin-lang", "Backend")
	staff := a.signedIn("sam@example.com", models.RoleStaff)
	p := staff.get(paths.QuickAdd(ev.Slug) + "?lang=pt")
	wantStatus(t, p, http.StatusOK)
	if !strings.Contains(p.testid("walk-in-form").Text(), "Aceito que a Acme Robotics") {
		t.Fatal("the walk-in form does not show the Portuguese consent text")
	}
	f := formOf(p, "walk-in-form")
	f.Set("name", "Inês")
	f.Set("email", "ines@example.com")
	f.Set("consent", "yes")
	wantStatus(t, staff.submit(paths.QuickAdd(ev.Slug), f), http.StatusSeeOther)
	lead := a.leadOfEmail(ev, "ines@example.com")
	cs, err := a.store.Consents(context.Background(), lead.ID)
	if err != nil || len(cs) != 1 || cs[0].TextLanguage != "pt" || cs[0].CapturedBy != models.CapturedByStaff || lead.Language != "pt" {
		t.Fatalf("walk-in %+v, consents %+v, %v", lead, cs, err)
	}
	if m := a.mailTo("ines@example.com", 1)[0]; !strings.HasPrefix(m.Subject, "Os seus dados no stand da Acme Robotics") {
		t.Errorf("the staff-consent mail is not Portuguese: %q", m.Subject)
	}
	a.noMissingMessages(t)
}
