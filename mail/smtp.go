// Package mail builds Boothlead's messages (plain text and simple HTML) and sends them over SMTP
// with github.com/wneessen/go-mail. It knows nothing of HTTP or the database: the outbox worker
// gives it what a message says and an address, and gets back whether the server took it.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Server is where mail goes, as SMTP_URL says: smtp://[user:pass@]host[:port] (STARTTLS when the
// server offers it; required before credentials go to a host other than loopback) or
// smtps://… (TLS from the first byte).
type Server struct {
	Host     string
	Port     int
	Implicit bool // smtps: TLS from the start
	User     string
	Password string
}

// ParseURL reads an SMTP_URL. The error names what is wrong, never the password.
func ParseURL(raw string) (Server, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return Server{}, errors.New("SMTP_URL is not a URL: use smtp://[user:pass@]host:port or smtps://…")
	}
	var s Server
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		s.Port = 25
	case "smtps":
		s.Port, s.Implicit = 465, true
	default:
		return Server{}, fmt.Errorf("SMTP_URL must start with smtp:// or smtps://, not %q", u.Scheme+"://")
	}
	s.Host = u.Hostname()
	if s.Host == "" {
		return Server{}, errors.New("SMTP_URL has no host: use smtp://host:port")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Server{}, fmt.Errorf("SMTP_URL's port %q is not a port number", p)
		}
		s.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return Server{}, errors.New("SMTP_URL takes no path: use smtp://host:port")
	}
	if u.User != nil {
		s.User = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// String names the server for people: scheme, host and port, never the credentials.
func (s Server) String() string {
	scheme := "smtp"
	if s.Implicit {
		scheme = "smtps"
	}
	return scheme + "://" + net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
}

// loopback reports whether host names this machine, where a plain connection never leaves it.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Sender sends messages to one SMTP server, one connection per message.
type Sender struct {
	server  Server
	from    string
	timeout time.Duration
	// tlsConfig is nil in production (the system's roots); tests set their own CA.
	tlsConfig *tls.Config
}

// NewSender returns a sender for server with from as the sender address.
func NewSender(server Server, from string) (*Sender, error) {
	if _, err := ParseAddress(from); err != nil {
		return nil, fmt.Errorf("MAIL_FROM: %w", err)
	}
	return &Sender{server: server, from: from, timeout: 30 * time.Second}, nil
}

// WithTLSConfig returns a copy of the sender that trusts what cfg trusts (tests use a private CA).
func (s *Sender) WithTLSConfig(cfg *tls.Config) *Sender {
	c := *s
	c.tlsConfig = cfg
	return &c
}

// From is the sender address.
func (s *Sender) From() string { return s.from }

// Server is where the sender sends.
func (s *Sender) Server() Server { return s.server }

func (s *Sender) client() (*gomail.Client, error) {
	policy, auth := s.security()
	opts := []gomail.Option{gomail.WithPort(s.server.Port), gomail.WithTimeout(s.timeout), gomail.WithTLSPolicy(policy)}
	if s.server.Implicit {
		opts = append(opts, gomail.WithSSL())
	}
	if s.server.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(s.server.User),
			gomail.WithPassword(s.server.Password))
	}
	if s.tlsConfig != nil {
		cfg := s.tlsConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = s.server.Host
		}
		opts = append(opts, gomail.WithTLSConfig(cfg))
	}
	c, err := gomail.NewClient(s.server.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: client: %w", err)
	}
	return c, nil
}

// security decides how the connection is protected: STARTTLS when the server offers it, and
// required before credentials go to a host other than loopback (implicit TLS for smtps).
func (s *Sender) security() (gomail.TLSPolicy, gomail.SMTPAuthType) {
	switch {
	case s.server.Implicit:
		return gomail.TLSMandatory, gomail.SMTPAuthAutoDiscover
	case s.server.User != "" && !loopback(s.server.Host):
		return gomail.TLSMandatory, gomail.SMTPAuthAutoDiscover
	case s.server.User != "":
		// loopback: the connection never leaves the machine, so plain credentials may go in the clear
		return gomail.TLSOpportunistic, gomail.SMTPAuthPlainNoEnc
	}
	return gomail.TLSOpportunistic, gomail.SMTPAuthNoAuth
}

// Send hands one message to the server. A *SendError says whether trying again may help.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg, err := m.build(s.from)
	if err != nil {
		return &SendError{Permanent: true, Reason: err.Error()}
	}
	c, err := s.client()
	if err != nil {
		return &SendError{Reason: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return sendError(err)
	}
	return nil
}

// SendError is a failed delivery, described without personal data: addresses in the server's
// answer are masked, so the text may be stored and logged.
type SendError struct {
	Permanent bool // the server refused for good (5xx): trying again will not help
	Code      int  // the SMTP reply code, when there was one
	Reason    string
}

func (e *SendError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("smtp %d: %s", e.Code, e.Reason)
	}
	return e.Reason
}

var addrRe = regexp.MustCompile(`[^\s<>"'(),;:]+@[^\s<>"'(),;:]+`)

// MaskAddresses replaces every email address in s with <address>, and cuts s to 300 bytes.
func MaskAddresses(s string) string {
	s = addrRe.ReplaceAllString(s, "<address>")
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}

func sendError(err error) error {
	out := &SendError{Reason: MaskAddresses(err.Error())}
	var se *gomail.SendError
	if errors.As(err, &se) {
		out.Code = se.ErrorCode()
		// Only a refusal of this message or its recipient ends it: a refused sender, wrong
		// credentials or a broken connection are the server's or the set-up's problem, and the
		// message waits until they are fixed.
		perMessage := se.Reason == gomail.ErrSMTPRcptTo || se.Reason == gomail.ErrSMTPData || se.Reason == gomail.ErrSMTPDataClose
		out.Permanent = perMessage && !se.IsTemp() && out.Code >= 500 && out.Code < 600
	}
	return out
}
