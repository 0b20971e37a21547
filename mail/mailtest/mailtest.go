// Package mailtest runs a real SMTP server in the test process (github.com/emersion/go-smtp) that
// keeps what it receives, so tests read the mail the app really sent over SMTP: never a mock of
// the mailer. It can be stopped and started again on the same port (an outage), ask for
// credentials, refuse an address for good, or fail for a while. Import it only from _test.go
// files.
package mailtest

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message as the server received it, with its bodies decoded.
type Message struct {
	From      string
	To        []string
	Subject   string
	MessageID string
	Header    netmail.Header
	Text      string
	HTML      string
	Raw       []byte
	TLS       bool // it came over an encrypted connection (STARTTLS)
}

// Server is an SMTP server on 127.0.0.1 that keeps every message it accepts.
type Server struct {
	t    testing.TB
	addr string
	user string
	pass string
	tls  *tls.Config

	mu       sync.Mutex
	msgs     []Message
	srv      *smtp.Server
	ln       net.Listener
	refuse   map[string]bool // recipients refused for good (550)
	tempFail int             // the next n messages get 451
	sessions int             // SMTP sessions opened
}

// Option configures a Server.
type Option func(*Server)

// WithAuth makes the server ask for these credentials (PLAIN).
func WithAuth(user, pass string) Option { return func(s *Server) { s.user, s.pass = user, pass } }

// WithTLS offers STARTTLS with this configuration.
func WithTLS(cfg *tls.Config) Option { return func(s *Server) { s.tls = cfg } }

// Start runs a server until the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{t: t, refuse: map[string]bool{}}
	for _, o := range opts {
		o(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) serve(ln net.Listener) {
	srv := smtp.NewServer(backend{s})
	srv.Domain = "mailtest.local"
	srv.AllowInsecureAuth = true
	srv.TLSConfig = s.tls
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.mu.Lock()
	s.srv, s.ln = srv, ln
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// URL is the SMTP_URL of the server (with the credentials, if it asks for some).
func (s *Server) URL() string {
	if s.user != "" {
		return "smtp://" + s.user + ":" + s.pass + "@" + s.addr
	}
	return "smtp://" + s.addr
}

// Addr is host:port.
func (s *Server) Addr() string { return s.addr }

// Stop closes the server: connections are refused until Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if ln != nil {
		_ = ln.Close() // Serve may not have taken it up yet, so Close alone could miss it
	}
	if srv != nil {
		_ = srv.Close()
	}
}

// Restart listens again on the same port.
func (s *Server) Restart() {
	s.t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the old socket may take a moment to go
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("mailtest: listen again on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

// Refuse makes the server refuse an address for good (550 5.1.1).
func (s *Server) Refuse(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse[strings.ToLower(addr)] = true
}

// TempFail makes the next n messages fail with 451 (try again later).
func (s *Server) TempFail(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tempFail = n
}

// Messages returns every message received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// To returns the messages addressed to addr (any letter case).
func (s *Server) To(addr string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// WaitFor waits until at least n messages went to addr and returns them; it fails the test after
// timeout.
func (s *Server) WaitFor(addr string, n int, timeout time.Duration) []Message {
	s.t.Helper()
	end := time.Now().Add(timeout)
	for {
		got := s.To(addr)
		if len(got) >= n {
			return got
		}
		if time.Now().After(end) {
			s.t.Fatalf("mailtest: %d message(s) to %s after %s, want %d", len(got), addr, timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var linkRe = regexp.MustCompile(`https?://[^\s<>"')]+`)

// Links returns the links in the text body that start with base, in order.
func (m Message) Links(base string) []string {
	var out []string
	for _, u := range linkRe.FindAllString(m.Text, -1) {
		if strings.HasPrefix(u, base) {
			out = append(out, u)
		}
	}
	return out
}

// Link returns the first link in the text body that starts with prefix, or fails the test.
func (m Message) Link(t testing.TB, prefix string) string {
	t.Helper()
	for _, u := range linkRe.FindAllString(m.Text, -1) {
		if strings.HasPrefix(u, prefix) {
			return u
		}
	}
	t.Fatalf("mailtest: no link starting with %s in %q", prefix, m.Text)
	return ""
}

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.s.mu.Lock()
	b.s.sessions++
	b.s.mu.Unlock()
	return &session{s: b.s, conn: c}, nil
}

type session struct {
	s      *Server
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (se *session) AuthMechanisms() []string {
	if se.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != se.s.user || pass != se.s.pass {
			return errors.New("invalid credentials")
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.user != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.s.mu.Lock()
	refused := se.s.refuse[strings.ToLower(to)]
	se.s.mu.Unlock()
	if refused {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user: " + to}
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	if se.s.tempFail > 0 {
		se.s.tempFail--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	m, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "mailtest cannot parse the message: " + err.Error()}
	}
	m.From, m.To = se.from, append([]string(nil), se.to...)
	_, m.TLS = se.conn.TLSConnectionState()
	se.s.msgs = append(se.s.msgs, m)
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// parse decodes a message: headers, and the text and HTML bodies of a single or multipart body.
func parse(raw []byte) (Message, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Message{}, err
	}
	m := Message{Subject: subject, MessageID: strings.Trim(msg.Header.Get("Message-Id"), "<>"), Header: msg.Header, Raw: raw}
	err = walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &m)
	return m, err
}

func walk(ctype, cte string, body io.Reader, m *Message) error {
	media, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		media = "text/plain"
	}
	if strings.HasPrefix(media, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, m); err != nil {
				return err
			}
		}
	}
	r := body
	switch strings.ToLower(cte) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	switch media {
	case "text/plain":
		m.Text += string(b)
	case "text/html":
		m.HTML += string(b)
	}
	return nil
}
