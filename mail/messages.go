package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/boothlead/boothlead/i18n"
)

//go:embed templates
var templates embed.FS

// Consent is a copy of a consent wording as the person agreed to it (or is asked to).
type Consent struct {
	Purpose string // in words: "Contact about jobs", "Talent pool"
	Version int
	At      string // when it was given, formatted; "" for a consent asked for
	Text    string
}

// Lead is what the mails to a candidate say, in the candidate's language (L, required).
// Texts given here (dates, notes, requests) are in that language already. The links are absolute.
type Lead struct {
	L                        *i18n.Localizer
	To, Name, Company, Event string
	SelfURL                  string    // the private page
	Consents                 []Consent // recorded: a copy for the person
	DeleteNote               string    // when the details are deleted

	// A repeat check-in: when it happened, what it asks for (one line per detail, interest or
	// answer, and the consents with their wording), and the link that confirms it.
	When         string
	Asked        []string
	AskConsents  []Consent
	ConfirmURL   string
	ConfirmHours int
}

// HasRequest reports whether a repeat check-in asked for anything that needs confirming.
func (l Lead) HasRequest() bool { return len(l.Asked) > 0 || len(l.AskConsents) > 0 }

// Lang is the mail's language code.
func (l Lead) Lang() string { return l.L.Lang() }

// Dir is the mail's writing direction (rtl for Arabic).
func (l Lead) Dir() string { return l.L.Dir() }

// Staff is what the mails to a staff member say.
type Staff struct {
	To, Name, Email, Role string
	By                    string // the admin who asked; "" when the person asked themselves
	URL                   string // the one-time link
	Hours                 int    // how long it works
	LoginURL, SiteURL     string
}

// errNoLanguage: a candidate's mail was asked for without the localizer of their language.
var errNoLanguage = errors.New("mail: no language for a candidate's mail")

func leadMail(id string, d Lead, subjectID, name string) (Message, error) {
	if d.L == nil {
		return Message{}, errNoLanguage
	}
	return render(id, d.To, d.L.T(subjectID, "Company", d.Company, "Event", d.Event), name, "lead", d, d.L)
}

// CheckIn is the mail after a first check-in: the private link and a copy of the consents.
func CheckIn(id string, d Lead) (Message, error) {
	return leadMail(id, d, "mail.subject_checkin", "checkin")
}

// Repeat is the mail after a check-in with an address already known at the event: what it asks
// to change, the link that confirms it, and the private link.
func Repeat(id string, d Lead) (Message, error) {
	if d.HasRequest() {
		return leadMail(id, d, "mail.subject_repeat_confirm", "repeat")
	}
	return leadMail(id, d, "mail.subject_repeat", "repeat")
}

// StaffConsent is the mail after booth staff recorded a consent in person (a walk-in, a badge).
func StaffConsent(id string, d Lead) (Message, error) {
	return leadMail(id, d, "mail.subject_staff_consent", "staff_consent")
}

// PrivateLink is the private link again, on request.
func PrivateLink(id string, d Lead) (Message, error) {
	return leadMail(id, d, "mail.subject_private_link", "private_link")
}

// StaffInvite invites a new staff member to choose a password (staff mails are in English).
func StaffInvite(id string, d Staff) (Message, error) {
	return render(id, d.To, "Your Boothlead account: choose a password", "staff_invite", "staff", d, nil)
}

// StaffReset is a password reset link.
func StaffReset(id string, d Staff) (Message, error) {
	return render(id, d.To, "Reset your Boothlead password", "staff_reset", "staff", d, nil)
}

// funcs are the templates' functions; t and n say a message of the catalogues in l's language
// (candidates' mails; staff mails have no l and use neither).
func funcs(l *i18n.Localizer) map[string]any {
	lang, dir := i18n.Default, "ltr"
	if l != nil {
		lang, dir = l.Lang(), l.Dir()
	}
	return map[string]any{
		"t":       l.T,
		"n":       l.N,
		"lang":    func() string { return lang },
		"dir":     func() string { return dir },
		"join":    strings.Join,
		"subject": func() string { return "" }, // the message's subject, set for each message
		// quote sets a text apart as a quotation, line by line
		"quote": func(s string) string {
			return "> " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n> ")
		},
		"btn": func(url, label string) htmltemplate.HTML {
			//nolint:gosec // every value in it goes through HTMLEscapeString
			return htmltemplate.HTML(`<p style="margin:20px 0;"><a href="` + htmltemplate.HTMLEscapeString(url) +
				`" style="display:inline-block;background:#1b5e20;color:#ffffff;text-decoration:none;font-weight:600;` +
				`padding:12px 20px;border-radius:6px;">` + htmltemplate.HTMLEscapeString(label) + `</a></p>` +
				`<p style="font-size:13px;color:#5f6368;word-break:break-all;" dir="ltr">` + htmltemplate.HTMLEscapeString(url) + `</p>`)
		},
	}
}

// render fills the message's text and HTML templates (name.txt, name.html) with data, in l's language.
func render(id, to, subject, name, footer string, data any, l *i18n.Localizer) (Message, error) {
	text, err := texttemplate.New(name).Funcs(funcs(l)).ParseFS(templates,
		"templates/"+name+".txt", "templates/"+footer+"_footer.txt", "templates/consents.txt")
	if err != nil {
		return Message{}, fmt.Errorf("mail: %s text: %w", name, err)
	}
	html, err := htmltemplate.New(name).Funcs(funcs(l)).ParseFS(templates,
		"templates/layout.html", "templates/"+name+".html", "templates/"+footer+"_footer.html")
	if err != nil {
		return Message{}, fmt.Errorf("mail: %s html: %w", name, err)
	}
	var tb, hb bytes.Buffer
	if err := text.ExecuteTemplate(&tb, "body", data); err != nil {
		return Message{}, fmt.Errorf("mail: %s text: %w", name, err)
	}
	tb.WriteString("\n")
	if err := text.ExecuteTemplate(&tb, "footer", data); err != nil {
		return Message{}, fmt.Errorf("mail: %s text: %w", name, err)
	}
	tb.WriteString("\n")
	html.Funcs(map[string]any{"subject": func() string { return subject }})
	if err := html.ExecuteTemplate(&hb, "layout", data); err != nil {
		return Message{}, fmt.Errorf("mail: %s html: %w", name, err)
	}
	return Message{To: to, Subject: subject, Text: tb.String(), HTML: hb.String(), MessageID: id, AutoSubmitted: true}, nil
}
