package mail

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// Message is one mail ready to send: both bodies say the same thing.
type Message struct {
	To        string
	Subject   string
	Text      string
	HTML      string
	MessageID string // without angle brackets; the same on every retry, so receivers see one message
	// AutoSubmitted marks machine-made mail (RFC 3834), so vacation replies stay quiet.
	AutoSubmitted bool
	// Unsubscribe, when set, is the URL of List-Unsubscribe, with List-Unsubscribe-Post for a
	// one-click unsubscribe (RFC 8058; mail apps POST to it only over https).
	Unsubscribe string
}

// ParseAddress checks one address (Name <a@b> or a@b) and returns it as a@b.
func ParseAddress(s string) (string, error) {
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return "", errors.New("not an email address like name@example.com")
	}
	return a.Address, nil
}

func (m Message) build(from string) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("mail: sender address: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, errors.New("mail: the recipient's address is not valid")
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	} else {
		msg.SetMessageID()
	}
	if m.AutoSubmitted {
		msg.SetGenHeader("Auto-Submitted", "auto-generated")
		msg.SetGenHeader("X-Auto-Response-Suppress", "All")
	}
	if m.Unsubscribe != "" {
		if err := msg.SetListUnsubscribeOneClick(m.Unsubscribe); err != nil {
			// plain http (a developer's machine): the same headers, without go-mail's https check
			msg.SetListUnsubscribe(m.Unsubscribe)
			msg.SetListUnsubscribePost()
		}
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// Domain is the part of an address after the @ (for Message-IDs).
func Domain(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.TrimSuffix(addr[i+1:], ">")
	}
	return "localhost"
}
