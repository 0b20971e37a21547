package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
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

// Change is one detail a repeat check-in asks to change.
type Change struct {
	Label    string // in words: "company"
	From, To string
}

// Lead is what the mails to a candidate say. The links are absolute.
type Lead struct {
	To, Name, Company, Event string
	SelfURL                  string    // the private page
	Consents                 []Consent // recorded: a copy for the person
	DeleteNote               string    // when the details are deleted

	// A repeat check-in: when it happened, what it asks for, and the link that confirms it.
	When         string
	Changes      []Change
	AddInterests []string
	AskConsents  []Consent
	ConfirmURL   string
	ConfirmHours int
}

// HasRequest reports whether a repeat check-in asked for anything that needs confirming.
func (l Lead) HasRequest() bool {
	return len(l.Changes) > 0 || len(l.AddInterests) > 0 || len(l.AskConsents) > 0
}

// Staff is what the mails to a staff member say.
type Staff struct {
	To, Name, Email, Role string
	By                    string // the admin who asked; "" when the person asked themselves
	URL                   string // the one-time link
	Hours                 int    // how long it works
	LoginURL, SiteURL     string
}

// CheckIn is the mail after a first check-in: the private link and a copy of the consents.
func CheckIn(id string, d Lead) (Message, error) {
	return render(id, d.To, fmt.Sprintf("Your check-in at %s's booth — %s", d.Company, d.Event), "checkin", "lead", d)
}

// Repeat is the mail after a check-in with an address already known at the event: what it asks
// to change, the link that confirms it, and the private link.
func Repeat(id string, d Lead) (Message, error) {
	subject := fmt.Sprintf("You checked in again at %s's booth — %s", d.Company, d.Event)
	if d.HasRequest() {
		subject = fmt.Sprintf("Please confirm your check-in at %s's booth — %s", d.Company, d.Event)
	}
	return render(id, d.To, subject, "repeat", "lead", d)
}

// StaffConsent is the mail after booth staff recorded a consent in person (a walk-in, a badge).
func StaffConsent(id string, d Lead) (Message, error) {
	return render(id, d.To, fmt.Sprintf("Your details at %s's booth — %s", d.Company, d.Event), "staff_consent", "lead", d)
}

// PrivateLink is the private link again, on request.
func PrivateLink(id string, d Lead) (Message, error) {
	return render(id, d.To, fmt.Sprintf("Your private link — %s at %s", d.Company, d.Event), "private_link", "lead", d)
}

// StaffInvite invites a new staff member to choose a password.
func StaffInvite(id string, d Staff) (Message, error) {
	return render(id, d.To, "Your Boothlead account: choose a password", "staff_invite", "staff", d)
}

// StaffReset is a password reset link.
func StaffReset(id string, d Staff) (Message, error) {
	return render(id, d.To, "Reset your Boothlead password", "staff_reset", "staff", d)
}

var funcs = map[string]any{
	"join":    strings.Join,
	"subject": func() string { return "" }, // the message's subject, set for each message
	// quote sets a text apart as a quotation, line by line
	"quote": func(s string) string {
		return "> " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n> ")
	},
	"btn": func(url, label string) htmltemplate.HTML {
		return htmltemplate.HTML(`<p style="margin:20px 0;"><a href="` + htmltemplate.HTMLEscapeString(url) +
			`" style="display:inline-block;background:#1b5e20;color:#ffffff;text-decoration:none;font-weight:600;` +
			`padding:12px 20px;border-radius:6px;">` + htmltemplate.HTMLEscapeString(label) + `</a></p>` +
			`<p style="font-size:13px;color:#5f6368;word-break:break-all;">` + htmltemplate.HTMLEscapeString(url) + `</p>`)
	},
}

// render fills the message's text and HTML templates (name.txt, name.html) with data.
func render(id, to, subject, name, footer string, data any) (Message, error) {
	text, err := texttemplate.New(name).Funcs(funcs).ParseFS(templates,
		"templates/"+name+".txt", "templates/"+footer+"_footer.txt", "templates/consents.txt")
	if err != nil {
		return Message{}, fmt.Errorf("mail: %s text: %w", name, err)
	}
	html, err := htmltemplate.New(name).Funcs(funcs).ParseFS(templates,
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
