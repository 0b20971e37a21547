package mail

import (
	"strings"

	"github.com/boothlead/boothlead/i18n"
)

// FollowUp is a follow-up mail after an event, its placeholders already filled in.
type FollowUp struct {
	// L is the language of the footer (the lead's; required). The subject and body are sent as
	// the recruiter wrote them.
	L                 *i18n.Localizer
	To, Subject, Body string
	Company, Event    string
	// UnsubscribeURL opens the unsubscribe page and takes the one-click POST (RFC 8058).
	UnsubscribeURL string
}

// Paragraphs splits the text at blank lines, for the HTML body.
func (f FollowUp) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(f.Body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// FollowUpMessage builds a follow-up: the text as written, a footer in the lead's language that
// says why it came and how to unsubscribe, and the List-Unsubscribe headers that let mail apps
// offer it too.
func FollowUpMessage(id string, d FollowUp) (Message, error) {
	if d.L == nil {
		return Message{}, errNoLanguage
	}
	m, err := render(id, d.To, d.Subject, "followup", "followup", d, d.L)
	if err != nil {
		return m, err
	}
	m.Unsubscribe = d.UnsubscribeURL
	// A person wrote this mail for people they met: it is not an automatic reply's kind of mail.
	m.AutoSubmitted = false
	return m, nil
}
