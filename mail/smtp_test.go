package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/mail/mailtest"
)

func TestParseURL(t *testing.T) {
	for raw, want := range map[string]Server{
		"smtp://127.0.0.1:1025":                {Host: "127.0.0.1", Port: 1025},
		"smtp://mail.example.com":              {Host: "mail.example.com", Port: 25},
		"smtps://mail.example.com":             {Host: "mail.example.com", Port: 465, Implicit: true},
		"SMTP://u:p%40ss@mail.example.com:587": {Host: "mail.example.com", Port: 587, User: "u", Password: "p@ss"},
		"smtp://[::1]:2525":                    {Host: "::1", Port: 2525},
	} {
		got, err := ParseURL(raw)
		if err != nil || got != want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", raw, got, err, want)
		}
	}
	for _, raw := range []string{"", "mail.example.com", "http://mail.example.com", "smtp://", "smtp://h:0", "smtp://h:99999",
		"smtp://h:port", "smtp://h:25/path", "smtp://user:secret@h:x"} {
		_, err := ParseURL(raw)
		if err == nil {
			t.Errorf("ParseURL(%q) accepted", raw)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseURL(%q): the error shows the password: %v", raw, err)
		}
	}
	s, _ := ParseURL("smtp://u:secret@mail.example.com:587")
	if s.String() != "smtp://mail.example.com:587" {
		t.Errorf("String() = %q, want no credentials", s.String())
	}
}

// Credentials go to a host other than loopback only over TLS; without credentials, or on
// loopback, STARTTLS is used when offered.
func TestSecurityPolicy(t *testing.T) {
	for url, want := range map[string]gomail.TLSPolicy{
		"smtp://mail.example.com:25":            gomail.TLSOpportunistic,
		"smtp://u:p@mail.example.com:587":       gomail.TLSMandatory,
		"smtp://u:p@127.0.0.1:1025":             gomail.TLSOpportunistic,
		"smtp://u:p@localhost:1025":             gomail.TLSOpportunistic,
		"smtps://u:p@mail.example.com":          gomail.TLSMandatory,
		"smtp://u:p@10.0.0.5:25":                gomail.TLSMandatory,
		"smtp://u:p@[2001:db8::1]:25":           gomail.TLSMandatory,
		"smtp://u:p@127.0.0.1.example.com:1025": gomail.TLSMandatory,
	} {
		srv, err := ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := NewSender(srv, "b@example.com")
		if got, _ := s.security(); got != want {
			t.Errorf("%s: %v, want %v", url, got, want)
		}
	}
}

func TestMaskAddresses(t *testing.T) {
	got := MaskAddresses(`550 5.1.1 <ada.lovelace+tag@example.co.uk>: Recipient address rejected; also bob@x.org`)
	if strings.Contains(got, "ada") || strings.Contains(got, "bob@") || !strings.Contains(got, "550 5.1.1") {
		t.Errorf("masked: %q", got)
	}
	if long := MaskAddresses(strings.Repeat("é", 400)); len(long) > 310 {
		t.Errorf("not cut: %d bytes", len(long))
	}
}

func message(to string) Message {
	b, err := i18n.New()
	if err != nil {
		panic(err)
	}
	m, err := CheckIn("id-1@booth.example", Lead{L: b.For("en"), To: to, Name: "Zoë <b>Ångström</b>", Company: "Acme & Co", Event: "PyCon",
		SelfURL: "https://booth.example/me/tok", DeleteNote: "Acme & Co deletes your details on 1 March 2027.",
		Consents: []Consent{{Purpose: "Contact about jobs", Version: 2, At: "1 December 2026, 10:00", Text: "I agree <to> this."}}})
	if err != nil {
		panic(err)
	}
	return m
}

func TestSendOverSMTPWithAuthAndSTARTTLS(t *testing.T) {
	smtp := mailtest.Start(t, mailtest.WithAuth("boothlead", "s3cret"), mailtest.WithTLS(serverTLS(t)))
	srv, err := ParseURL(smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSender(srv, "Boothlead <boothlead@booth.example>")
	if err != nil {
		t.Fatal(err)
	}
	s = s.WithTLSConfig(&tls.Config{InsecureSkipVerify: true}) // a test server's own certificate
	if err := s.Send(context.Background(), message("zoe@example.com")); err != nil {
		t.Fatal(err)
	}
	got := smtp.WaitFor("zoe@example.com", 1, 5*time.Second)[0]
	if !got.TLS {
		t.Error("the server offered STARTTLS, but the message came in the clear")
	}
	if got.Subject != "Your check-in at Acme & Co’s booth — PyCon" || got.MessageID != "id-1@booth.example" ||
		got.Header.Get("Auto-Submitted") != "auto-generated" || !strings.Contains(got.Header.Get("From"), "boothlead@booth.example") {
		t.Errorf("headers: subject %q, id %q, %v", got.Subject, got.MessageID, got.Header)
	}
	if !strings.Contains(got.Text, "https://booth.example/me/tok") || !strings.Contains(got.Text, "> I agree <to> this.") ||
		!strings.Contains(got.Text, "Hello Zoë <b>Ångström</b>,") {
		t.Errorf("text body:\n%s", got.Text)
	}
	if !strings.Contains(got.HTML, `href="https://booth.example/me/tok"`) || strings.Contains(got.HTML, "<b>Ångström") ||
		!strings.Contains(got.HTML, "Zoë &lt;b&gt;Ångström&lt;/b&gt;") || !strings.Contains(got.HTML, "I agree &lt;to&gt; this.") {
		t.Errorf("HTML body does not escape what people typed:\n%s", got.HTML)
	}

	bad := srv
	bad.Password = "wrong"
	s2, _ := NewSender(bad, "boothlead@booth.example")
	err = s2.Send(context.Background(), message("zoe@example.com"))
	var se *SendError
	if !errors.As(err, &se) || se.Permanent {
		t.Errorf("wrong credentials: %v; want a failure that waits for the set-up to be fixed, not a refusal of the message", err)
	}
	if err != nil && strings.Contains(err.Error(), "wrong") {
		t.Errorf("the error shows the password: %v", err)
	}
}

func TestSendFailures(t *testing.T) {
	smtp := mailtest.Start(t)
	srv, _ := ParseURL(smtp.URL())
	s, _ := NewSender(srv, "boothlead@booth.example")
	ctx := context.Background()

	smtp.Refuse("gone@example.com")
	err := s.Send(ctx, message("gone@example.com"))
	var se *SendError
	if !errors.As(err, &se) || !se.Permanent || se.Code != 550 || strings.Contains(se.Error(), "gone@") {
		t.Errorf("refused recipient: %#v", err)
	}

	smtp.TempFail(1)
	err = s.Send(ctx, message("ada@example.com"))
	if !errors.As(err, &se) || se.Permanent || se.Code != 451 {
		t.Errorf("451: %#v", err)
	}

	smtp.Stop()
	err = s.Send(ctx, message("ada@example.com"))
	if !errors.As(err, &se) || se.Permanent {
		t.Errorf("server down: %#v", err)
	}
	if len(smtp.Messages()) != 0 {
		t.Errorf("%d messages delivered, want none", len(smtp.Messages()))
	}

	if err := s.Send(ctx, Message{To: "not an address", Subject: "x", Text: "x"}); !errors.As(err, &se) || !se.Permanent {
		t.Errorf("bad recipient address: %#v", err)
	}
}

// The messages say what they must: a repeat's request and its confirm link only when it asked
// for something; staff links with how long they work.
func TestMessages(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	d := Lead{L: b.For("en"), To: "a@example.com", Name: "Ada", Company: "Acme", Event: "PyCon", SelfURL: "https://b.example/me/s",
		When: "1 December 2026, 10:00"}
	plain, err := Repeat("x@b", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.Text, "confirm") || !strings.Contains(plain.Text, "Nothing you sent before was changed") ||
		!strings.HasPrefix(plain.Subject, "You checked in again") {
		t.Errorf("a repeat that asked nothing:\n%s", plain.Text)
	}
	d.Asked = []string{"change your company from “Foo” to “Acme Robotics”", "add the interests Data"}
	d.AskConsents = []Consent{{Purpose: "Talent pool", Version: 1, Text: "Keep me."}}
	d.ConfirmURL, d.ConfirmHours = "https://b.example/confirm/c", 48
	req, err := Repeat("x@b", d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"- change your company from “Foo” to “Acme Robotics”", "- add the interests Data",
		"record your consent for “Talent pool” (version 1)", "> Keep me.", "https://b.example/confirm/c", "48 hours",
		"Nothing changes until you confirm", "https://b.example/me/s"} {
		if !strings.Contains(req.Text, want) {
			t.Errorf("the repeat mail does not say %q:\n%s", want, req.Text)
		}
	}
	if !strings.HasPrefix(req.Subject, "Please confirm") {
		t.Errorf("subject %q", req.Subject)
	}
	if _, err := Repeat("x@b", Lead{To: "a@example.com"}); err == nil {
		t.Error("a candidate's mail without a language was built")
	}
	for name, build := range map[string]func(string, Staff) (Message, error){"invite": StaffInvite, "reset": StaffReset} {
		m, err := build("x@b", Staff{To: "sam@example.com", Name: "Sam", Email: "sam@example.com", Role: "staff", By: "Rita",
			URL: "https://b.example/reset/t", Hours: 2, LoginURL: "https://b.example/login", SiteURL: "https://b.example"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Text, "https://b.example/reset/t") || !strings.Contains(m.Text, "2 hours") || !strings.Contains(m.Text, "Rita") {
			t.Errorf("%s:\n%s", name, m.Text)
		}
	}
}

// serverTLS is a TLS configuration with a fresh self-signed certificate for 127.0.0.1.
func serverTLS(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailtest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
}
