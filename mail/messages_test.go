package mail

import (
	"strings"
	"testing"

	"github.com/boothlead/boothlead/i18n"
)

// Every candidate mail in every language: subject and both bodies said from the catalogues, no
// message missing, nothing left unfilled, the HTML marked with its language and direction.
func TestCandidateMailsInEveryLanguage(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range b.Languages() {
		l := b.For(lang.Code)
		d := Lead{L: l, To: "a@example.com", Name: "Zoë", Company: "Acme", Event: "PyCon", SelfURL: "https://b.example/me/s",
			DeleteNote: "x", When: "now",
			Consents: []Consent{{Purpose: "p", Version: 1, At: "t", Text: "text"}}}
		asked := d
		asked.Asked = []string{"change"}
		asked.AskConsents = []Consent{{Purpose: "p", Version: 2, Text: "new text"}}
		asked.ConfirmURL, asked.ConfirmHours = "https://b.example/confirm/c", 48
		anon := d
		anon.Name = ""
		for name, build := range map[string]func() (Message, error){
			"checkin":       func() (Message, error) { return CheckIn("i", d) },
			"checkin-anon":  func() (Message, error) { return CheckIn("i", anon) },
			"repeat":        func() (Message, error) { return Repeat("i", d) },
			"repeat-asked":  func() (Message, error) { return Repeat("i", asked) },
			"staff-consent": func() (Message, error) { return StaffConsent("i", d) },
			"private-link":  func() (Message, error) { return PrivateLink("i", d) },
		} {
			m, err := build()
			if err != nil {
				t.Fatalf("%s %s: %v", lang.Code, name, err)
			}
			for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
				if s == "" || strings.Contains(s, "<no value>") || strings.Contains(s, "mail.") {
					t.Errorf("%s %s %s: %q", lang.Code, name, part, s)
				}
			}
			if !strings.Contains(m.HTML, `lang="`+lang.Code+`" dir="`+lang.Dir()+`"`) {
				t.Errorf("%s %s: the HTML does not name its language and direction", lang.Code, name)
			}
			if !strings.Contains(m.Text, "https://b.example/me/s") {
				t.Errorf("%s %s: no private link", lang.Code, name)
			}
			if name == "repeat-asked" && (!strings.Contains(m.Text, "https://b.example/confirm/c") || !strings.Contains(m.Text, "> new text")) {
				t.Errorf("%s: the repeat's request is missing:\n%s", lang.Code, m.Text)
			}
		}
	}
	if m := b.Missing(); len(m) > 0 {
		t.Errorf("messages missing from the catalogues: %v", m)
	}
}

// A follow-up in every language: the recruiter's subject and body as typed, the footer (why it
// came, the unsubscribe link) in the lead's language, the HTML marked with it; the body's
// paragraphs take their own direction, whatever language the recruiter wrote in.
func TestFollowUpFooterInEveryLanguage(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	const url = "https://b.example/u/1.abc"
	for _, lang := range b.Languages() {
		l := b.For(lang.Code)
		m, err := FollowUpMessage("i", FollowUp{L: l, To: "a@example.com", Subject: "Hi Ada", Body: "Hello Ada,\n\nthanks.",
			Company: "Acme", Event: "PyCon", UnsubscribeURL: url})
		if err != nil {
			t.Fatalf("%s: %v", lang.Code, err)
		}
		why := l.T("mail.followup_why", "Company", "Acme", "Event", "PyCon")
		if m.Subject != "Hi Ada" || !strings.Contains(m.Text, "thanks.") || !strings.Contains(m.Text, why) ||
			!strings.Contains(m.Text, l.T("mail.followup_unsubscribe_text")+" "+url) || m.Unsubscribe != url {
			t.Errorf("%s text: %q\n%s", lang.Code, m.Subject, m.Text)
		}
		if !strings.Contains(m.HTML, `lang="`+lang.Code+`" dir="`+lang.Dir()+`"`) || !strings.Contains(m.HTML, `<p dir="auto"`) ||
			!strings.Contains(m.HTML, `href="`+url+`"`) {
			t.Errorf("%s html:\n%s", lang.Code, m.HTML)
		}
		for part, s := range map[string]string{"text": m.Text, "html": m.HTML} {
			if strings.Contains(s, "<no value>") || strings.Contains(s, "mail.") {
				t.Errorf("%s %s: %q", lang.Code, part, s)
			}
		}
		if lang.Code != "en" && strings.Contains(m.Text, "Unsubscribe") {
			t.Errorf("%s: the footer is in English:\n%s", lang.Code, m.Text)
		}
	}
	if _, err := FollowUpMessage("i", FollowUp{To: "a@example.com"}); err == nil {
		t.Error("a follow-up without a language was built")
	}
	if m := b.Missing(); len(m) > 0 {
		t.Errorf("messages missing from the catalogues: %v", m)
	}
}
