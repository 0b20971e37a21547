package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/boothlead/boothlead/mail/mailtest"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// seedFollowUpLeads adds n leads who agreed to be contacted (each talked to staff, with a
// follow-up noted) and m who did not.
func seedFollowUpLeads(t testing.TB, a *testApp, ev models.Event, staff models.StaffUser, n, m int) {
	t.Helper()
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	var leads []models.SeedLead
	for i := range n + m {
		l := models.SeedLead{Name: fmt.Sprintf("Lead %04d Person", i), Email: fmt.Sprintf("lead%04d@example.org", i),
			Company: "Co " + fmt.Sprint(i), Source: models.SourceSelfCheckIn, FirstSeen: at.Add(time.Duration(i) * time.Second),
			Conversations: []models.SeedConversation{{StaffID: staff.ID, At: at.Add(time.Hour), Rating: "warm",
				Notes: "talked", FollowUp: fmt.Sprintf("Send job ad %d", i)}}}
		if i < n {
			l.Consents = []models.SeedConsent{{Purpose: models.PurposeContact, CapturedBy: "candidate", At: l.FirstSeen}}
		}
		leads = append(leads, l)
	}
	if err := a.store.SeedLeads(context.Background(), ev, leads); err != nil {
		t.Fatal(err)
	}
}

func leadMails(a *testApp) []mailtest.Message {
	var out []mailtest.Message
	for _, m := range a.mailbox.Messages() {
		if strings.HasSuffix(m.To[0], "@example.org") {
			out = append(out, m)
		}
	}
	return out
}

func waitLeadMails(t *testing.T, a *testApp, n int, within time.Duration) []mailtest.Message {
	t.Helper()
	end := time.Now().Add(within)
	for {
		got := leadMails(a)
		if len(got) >= n {
			return got
		}
		if time.Now().After(end) {
			t.Fatalf("%d follow-ups arrived after %s, want %d", len(got), within, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A follow-up run to 1,000 leads through a real SMTP server: each who agreed to be contacted gets
// it once, with placeholders filled, a working unsubscribe link and the List-Unsubscribe headers;
// unsubscribing (one click from a mail app, or the page's button) withdraws the consent, and the
// next run leaves them out; a refused address counts as bounced.
func TestFollowUpToAThousandLeadsHonoursUnsubscribes(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("1,000 mails")
	}
	a := newTestApp(t, func(d *Deps) { d.Integrations.FollowUpsPerMinute = 6_000_000 })
	ctx := context.Background()
	ev := modelstest.Event(t, a.db, "pycon", "Backend")
	staff := modelstest.Staff(t, a.db, "grace@booth.example", models.RoleStaff)
	const n, without = 1000, 20
	seedFollowUpLeads(t, a, ev, staff, n, without)
	rec := a.signedIn("rec@example.com", models.RoleRecruiter)

	p := rec.submit("/events/pycon/follow-up/templates", url.Values{"name": {"Thanks"}, "subject": {"Thanks {{nme}}"},
		"body": {"Hi {{name"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Unknown placeholder {{nme}}") ||
		!strings.Contains(p.body, "not written right") || p.doc.Find(`textarea[name="body"]`).Text() != "Hi {{name" {
		t.Fatalf("invalid placeholders: %d", p.status)
	}
	p = rec.submit("/events/pycon/follow-up/templates", url.Values{"name": {"Thanks"}, "subject": {"Great to meet you at {{event}}, {{first_name}}"},
		"body": {"Hello {{name}},\n\n{{staff}} noted: {{follow_up}}.\n\nBest,\n{{our_company}}"}})
	wantStatus(t, p, http.StatusSeeOther)
	page := rec.follow(p.location())
	if s := page.testid("preview-subject").Text(); s != "Great to meet you at Event pycon, Ada" {
		t.Fatalf("preview subject %q", s)
	}
	if b := page.testid("preview-body").Text(); !strings.Contains(b, "Hello Ada Lovelace") || !strings.Contains(b, "/u/test") {
		t.Fatalf("preview body %q", b)
	}
	if c := strings.Join(strings.Fields(page.testid("followup-counts").Text()), " "); !strings.Contains(c, fmt.Sprintf("%d leads, of which %d agreed", n+without, n)) {
		t.Fatalf("counts %q", c)
	}
	sendPath := page.testid("followup-send-form").AttrOr("action", "")
	testPath := strings.Replace(sendPath, "/send", "/test", 1)

	wantStatus(t, rec.submit(testPath, nil), http.StatusSeeOther)
	test := a.mailTo("rec@example.com", 1)[0]
	if !strings.HasPrefix(test.Subject, "[Test] ") || test.Header.Get("List-Unsubscribe") == "" {
		t.Fatalf("test send: %q %v", test.Subject, test.Header)
	}
	if len(leadMails(a)) != 0 {
		t.Fatal("the test send reached leads")
	}

	if p := rec.submit(sendPath, nil); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("sending without the confirmation: %d", p.status)
	}
	start := time.Now()
	wantStatus(t, rec.submit(sendPath, url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	msgs := waitLeadMails(t, a, n, 2*time.Minute)
	took := time.Since(start)
	t.Logf("follow-up run: %d mails through SMTP in %s (%.0f/s)", len(msgs), took.Round(time.Millisecond), float64(len(msgs))/took.Seconds())
	time.Sleep(300 * time.Millisecond)
	if msgs = leadMails(a); len(msgs) != n {
		t.Fatalf("%d follow-ups, want %d (each consented lead once)", len(msgs), n)
	}
	seen := map[string]bool{}
	links := map[string]string{}
	for _, m := range msgs {
		to := m.To[0]
		if seen[to] {
			t.Fatalf("%s got it twice", to)
		}
		seen[to] = true
		var i int
		if _, err := fmt.Sscanf(to, "lead%04d@example.org", &i); err != nil {
			t.Fatalf("a mail to %s, not to a lead", to)
		}
		if i >= n {
			t.Fatalf("%s never agreed to be contacted", to)
		}
		want := fmt.Sprintf("Hello Lead %04d Person,", i)
		if !strings.Contains(m.Text, want) || !strings.Contains(m.Text, "grace noted: Send job ad "+fmt.Sprint(i)) ||
			m.Subject != "Great to meet you at Event pycon, Lead" || strings.Contains(m.Text, "{{") {
			t.Fatalf("mail to %s: %q\n%s", to, m.Subject, m.Text)
		}
		link := m.Link(t, a.ts.URL+"/u/")
		if lu := m.Header.Get("List-Unsubscribe"); lu != "<"+link+">" || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Fatalf("headers %q / %q, link %s", lu, m.Header.Get("List-Unsubscribe-Post"), link)
		}
		links[to] = link
	}

	// 30 unsubscribe with one click from their mail app (RFC 8058: a POST, no cookie, no form token)
	unsubscribed := map[string]bool{}
	for i := range 30 {
		to := fmt.Sprintf("lead%04d@example.org", i*7)
		res, err := http.Post(links[to], "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("one-click unsubscribe: %v %v", res, err)
		}
		res.Body.Close()
		unsubscribed[to] = true
	}
	// one opens the link (which changes nothing) and presses the button
	to := "lead0999@example.org"
	visitor := a.client()
	form := visitor.get(a.path(links[to]))
	if form.testid("unsubscribe-form").Length() != 1 {
		t.Fatalf("the unsubscribe page: %d %.300s", form.status, form.body)
	}
	done := visitor.post(a.path(links[to]), url.Values{})
	if done.status != http.StatusOK || done.testid("unsubscribed").Length() != 1 {
		t.Fatalf("the button: %d", done.status)
	}
	unsubscribed[to] = true
	if again := visitor.get(a.path(links[to])); again.testid("unsubscribed").Length() != 1 {
		t.Fatal("the link does not say it is done")
	}
	if p := visitor.get("/u/1." + "forged"); p.status != http.StatusNotFound {
		t.Fatalf("a forged link: %d", p.status)
	}
	var withdrawn int64
	a.db.Gorm.Raw(`SELECT count(*) FROM consents WHERE purpose = 'contact' AND withdrawn_at IS NOT NULL`).Scan(&withdrawn)
	if withdrawn != int64(len(unsubscribed)) {
		t.Fatalf("%d consents withdrawn, want %d", withdrawn, len(unsubscribed))
	}

	// the next run leaves them out; an address the server refuses for good is counted as bounced
	a.mailbox.Refuse("lead0001@example.org")
	p = rec.submit("/events/pycon/follow-up/templates", url.Values{"name": {"Job ad"}, "subject": {"A job for you, {{first_name}}"},
		"body": {"Hello {{name}}, we are hiring."}})
	wantStatus(t, p, http.StatusSeeOther)
	page = rec.follow(p.location())
	wantStatus(t, rec.submit(page.testid("followup-send-form").AttrOr("action", ""), url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	second := n - len(unsubscribed) - 1
	waitLeadMails(t, a, n+second, 2*time.Minute)
	time.Sleep(300 * time.Millisecond)
	all := leadMails(a)
	if len(all) != n+second {
		t.Fatalf("%d mails in all, want %d", len(all), n+second)
	}
	for _, m := range all[n:] {
		if unsubscribed[m.To[0]] {
			t.Fatalf("%s unsubscribed and got the next run", m.To[0])
		}
	}
	var st models.FollowUpStats
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if st, _ = a.store.EventFollowUpStats(ctx, ev.ID); st.Bounced == 1 {
			break
		}
	}
	if st.Sent != int64(n+second) || st.Bounced != 1 || st.Unsubscribed != int64(len(unsubscribed)) || st.Waiting != 0 {
		t.Fatalf("stats %+v", st)
	}
	stats := rec.get("/events/pycon/follow-up")
	if got := stats.testid("followup-sent").Text(); got != fmt.Sprint(n+second) || stats.testid("followup-unsubscribed").Text() != "31" ||
		stats.testid("followup-bounced").Text() != "1" {
		t.Fatalf("the page says sent %s, unsubscribed %s, bounced %s", got, stats.testid("followup-unsubscribed").Text(),
			stats.testid("followup-bounced").Text())
	}
}

// A follow-up speaks the lead's language where Boothlead writes it: the footer of the mail (the
// recruiter's subject and body go out as typed) and the unsubscribe page behind its link, before
// and after the button. The page's language switch works like on the other candidate pages, and
// a link that matches no follow-up gets the 404 in the reader's language.
func TestFollowUpAndUnsubscribeInTheLeadsLanguage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "berlin", "Backend")
	staff := modelstest.Staff(t, a.db, "grace@booth.example", models.RoleStaff)
	seedFollowUpLeads(t, a, ev, staff, 2, 0)
	if err := a.db.Gorm.Exec(`UPDATE leads SET language = 'de' WHERE email = 'lead0000@example.org'`).Error; err != nil {
		t.Fatal(err)
	}
	rec := a.signedIn("rec@example.com", models.RoleRecruiter)
	p := rec.submit("/events/berlin/follow-up/templates", url.Values{"name": {"Danke"}, "subject": {"Schön, Sie kennengelernt zu haben"},
		"body": {"Hallo {{name}},\n\ndanke für das Gespräch."}})
	wantStatus(t, p, http.StatusSeeOther)
	page := rec.follow(p.location())
	wantStatus(t, rec.submit(page.testid("followup-send-form").AttrOr("action", ""), url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	mails := map[string]mailtest.Message{}
	for _, m := range waitLeadMails(t, a, 2, 30*time.Second) {
		mails[m.To[0]] = m
	}

	de, en := mails["lead0000@example.org"], mails["lead0001@example.org"]
	if de.Subject != "Schön, Sie kennengelernt zu haben" || !strings.Contains(strings.ReplaceAll(de.Text, "\r\n", "\n"), "Hallo Lead 0000 Person,\n\ndanke für das Gespräch.") {
		t.Fatalf("the recruiter's text changed: %q\n%s", de.Subject, de.Text)
	}
	for _, want := range []string{"Sie erhalten diese E-Mail, weil Sie am Stand von " + ev.Company + " bei Event berlin zugestimmt haben",
		"Abmelden (ein Klick, ohne Einloggen; damit widerrufen Sie diese Einwilligung): " + a.ts.URL + "/u/"} {
		if !strings.Contains(de.Text, want) {
			t.Errorf("the German footer lacks %q:\n%s", want, de.Text)
		}
	}
	if !strings.Contains(de.HTML, `lang="de"`) || !strings.Contains(de.HTML, ">Abmelden</a> (ein Klick") || strings.Contains(de.HTML, "Unsubscribe") {
		t.Errorf("the German HTML footer:\n%s", de.HTML)
	}
	if !strings.Contains(en.Text, "You get this mail because you agreed at "+ev.Company+"’s booth") || !strings.Contains(en.Text, "Unsubscribe (one click") {
		t.Errorf("the English footer:\n%s", en.Text)
	}

	link := a.path(de.Link(t, a.ts.URL+"/u/"))
	visitor := a.client()
	form := visitor.get(link)
	wantStatus(t, form, http.StatusOK)
	wantLang(t, form, "de")
	wantSwitch(t, form, "de")
	if h := form.testid("unsubscribe").Find("h1").Text(); h != "Keine E-Mails mehr von "+ev.Company+"?" {
		t.Errorf("the German page asks %q", h)
	}
	if v := form.testid("unsubscribe-form").Find(`input[name="lang"]`).AttrOr("value", ""); v != "de" ||
		form.testid("unsubscribe-form").Find("button").Text() != "Abmelden" {
		t.Errorf("the form: lang %q, button %q", v, form.testid("unsubscribe-form").Find("button").Text())
	}
	fr := visitor.get(link + "?lang=fr")
	wantStatus(t, fr, http.StatusOK)
	wantLang(t, fr, "fr")
	wantSwitch(t, fr, "fr")
	if h := fr.testid("unsubscribe").Find("h1").Text(); h != "Ne plus recevoir d’e-mails de "+ev.Company+" ?" {
		t.Errorf("the French page asks %q", h)
	}

	done := visitor.submit(link, url.Values{"lang": {"de"}})
	wantStatus(t, done, http.StatusOK)
	wantLang(t, done, "de")
	wantSwitch(t, done, "de") // the link still works: it says "done" in another language
	if h := done.testid("unsubscribed").Text(); h != "Sie sind abgemeldet" ||
		!strings.Contains(done.body, ev.Company+" schreibt Ihnen zu Event berlin keine E-Mails mehr") {
		t.Errorf("the German done page: %q", h)
	}
	if again := visitor.get(link + "?lang=fr"); again.testid("unsubscribed").Text() != "Vous êtes désabonné·e" {
		t.Errorf("the link in French after: %q", again.testid("unsubscribed").Text())
	}
	// the one-click POST of a mail app keeps its plain answer
	if oc := a.client().post(link, url.Values{"List-Unsubscribe": {"One-Click"}}); oc.status != http.StatusOK || oc.body != "unsubscribed\n" {
		t.Errorf("one-click: %d %q", oc.status, oc.body)
	}

	for lang, want := range map[string]string{"de": "Dieser Abmeldelink ist ungültig.", "fr": "Ce lien de désabonnement n’est pas valide."} {
		bad := visitor.getLang("/u/1.forged", lang)
		wantStatus(t, bad, http.StatusNotFound)
		wantLang(t, bad, lang)
		if !strings.Contains(bad.body, want) {
			t.Errorf("the %s 404 does not say %q: %.600s", lang, want, bad.body)
		}
	}
	if bad := visitor.get("/u/1.forged?lang=fr"); bad.status != http.StatusNotFound || !strings.Contains(bad.body, "Ce lien de désabonnement") {
		t.Errorf("?lang=fr on an unknown link: %d", bad.status)
	}
	a.noMissingMessages(t)
}
