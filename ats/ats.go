// Package ats pushes leads into applicant tracking systems: Greenhouse (Harvest API, prospects)
// and Lever (opportunities as sourced leads). It knows no database: the outbox worker gives it a
// connection's settings and a lead, and gets back the remote id or an *Error that says whether
// trying again may help and when.
//
// Built from the vendors' public API documentation:
//
//   - Greenhouse Harvest API, https://developers.greenhouse.io/harvest.html (source in
//     github.com/grnhse/greenhouse-api-docs, source/includes/harvest/): Basic auth with the API
//     key as user name and an empty password; "POST: Add Prospect" (POST /v1/prospects, header
//     On-Behalf-Of: the Greenhouse user id the action is recorded for; first_name and last_name
//     required; email_addresses, phone_numbers, social_media_addresses, website_addresses, tags;
//     application.source_id); "GET: List Candidates" with ?email= (prospects are candidates);
//     rate limits per 10 seconds announced in X-RateLimit-Limit / X-RateLimit-Remaining, and an
//     HTTP 429 beyond them with Retry-After (seconds) and X-RateLimit-Reset; errors 401, 403,
//     404, 422 (with {"errors":[{"message":…}]}), 429, 500. Harvest v1 is announced to sunset in
//     favour of v3 (OAuth); the client keeps the request shapes in one file for that move.
//   - Lever API, https://hire.lever.co/developer/documentation: root https://api.lever.co/v1,
//     Basic auth with the API key as user name and an empty password, HTTPS only; "Create an
//     opportunity" (POST /opportunities?perform_as=<user id>, body name, headline, emails,
//     phones, links, tags, sources, origin "sourced"; 201 with the opportunity in "data");
//     "List all opportunities" with ?email=; rate limits by token bucket (10 requests per second
//     steady, bursts of 20) answered with 429, to be retried with exponential backoff; error
//     bodies {"code", "message"}.
package ats

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Providers.
const (
	Greenhouse = "greenhouse"
	Lever      = "lever"
)

// Lead is what is pushed about a person. The caller decides what may go (name, email and a
// contact consent are required before a lead is pushed).
type Lead struct {
	FirstName, LastName string // Greenhouse wants both; Lever takes Name
	Name                string
	Email               string
	Phone               string
	Company, Title      string
	LinkedIn, GitHub    string
	Website             string // CV or portfolio link
	Tags                []string
}

// Settings are one connection's: the API key and who the records are created as.
type Settings struct {
	APIKey     string
	OnBehalfOf string   // Greenhouse: On-Behalf-Of user id; Lever: perform_as user id
	Source     string   // Greenhouse: source_id (a number); Lever: a source name
	Tags       []string // added to every record
	// BaseURL replaces the vendor's root (tests point it at a local server).
	BaseURL string
}

// Limiter paces requests (a golang.org/x/time/rate.Limiter fits).
type Limiter interface {
	Wait(ctx context.Context) error
}

// Client talks to one ATS for one connection.
type Client interface {
	// Create makes the record and returns its remote id.
	Create(ctx context.Context, l Lead) (string, error)
	// Find returns the id of a record with this email, if there is one.
	Find(ctx context.Context, email string) (string, bool, error)
}

// Error is a failed request, described without personal data (addresses are masked).
type Error struct {
	Status int // HTTP status; 0 when no answer came
	// Retry says whether the same request may succeed later (429, 5xx, no answer, a key that
	// an admin may fix: 401 and 403).
	Retry bool
	// After is how long the vendor asked to wait (429), 0 when it did not say.
	After time.Duration
	// Uncertain says the record may have been created even though no success came back (no
	// answer, a timeout, a 5xx): look for it before creating again.
	Uncertain bool
	Message   string
}

func (e *Error) Error() string {
	if e.Status == 0 {
		return "no answer: " + e.Message
	}
	if e.Message == "" {
		return "HTTP " + strconv.Itoa(e.Status)
	}
	return "HTTP " + strconv.Itoa(e.Status) + ": " + e.Message
}

// New returns the client for a provider.
func New(provider string, s Settings, hc *http.Client, lim Limiter) (Client, error) {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	b := base{s: s, hc: hc, lim: lim}
	switch provider {
	case Greenhouse:
		if b.s.BaseURL == "" {
			b.s.BaseURL = "https://harvest.greenhouse.io"
		}
		return &greenhouse{b}, nil
	case Lever:
		if b.s.BaseURL == "" {
			b.s.BaseURL = "https://api.lever.co"
		}
		return &lever{b}, nil
	}
	return nil, fmt.Errorf("ats: unknown provider %q", provider)
}

// CheckSettings validates a connection's settings as typed, keyed by form field.
func CheckSettings(provider string, s Settings) map[string]string {
	errs := map[string]string{}
	if strings.TrimSpace(s.APIKey) == "" {
		errs["api_key"] = "Paste the API key."
	}
	switch provider {
	case Greenhouse:
		if _, err := strconv.ParseInt(strings.TrimSpace(s.OnBehalfOf), 10, 64); err != nil {
			errs["on_behalf_of"] = "Enter the Greenhouse user id (a number) the prospects are created as."
		}
		if src := strings.TrimSpace(s.Source); src != "" {
			if _, err := strconv.ParseInt(src, 10, 64); err != nil {
				errs["source"] = "Enter the Greenhouse source id (a number, from Configure → Sources or GET /v1/sources), or leave it empty."
			}
		}
	case Lever:
		if strings.TrimSpace(s.OnBehalfOf) == "" {
			errs["on_behalf_of"] = "Enter the Lever user id (perform_as) the opportunities are created as."
		}
	default:
		errs["provider"] = "Choose Greenhouse or Lever."
	}
	for _, t := range s.Tags {
		if len(t) > 100 {
			errs["tags"] = "Keep each tag under 100 characters."
		}
	}
	return errs
}

type base struct {
	s   Settings
	hc  *http.Client
	lim Limiter
}

// do sends one JSON request with Basic auth (the key as user name, no password) and decodes a
// 2xx answer into out.
func (b base) do(ctx context.Context, method, path string, hdr http.Header, in, out any) error {
	if b.lim != nil {
		if err := b.lim.Wait(ctx); err != nil {
			return &Error{Retry: true, Message: "rate limiter: " + err.Error()}
		}
	}
	var body io.Reader
	if in != nil {
		js, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("ats: encode: %w", err)
		}
		body = bytes.NewReader(js)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(b.s.BaseURL, "/")+path, body)
	if err != nil {
		return fmt.Errorf("ats: request: %w", err)
	}
	req.SetBasicAuth(b.s.APIKey, "")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Boothlead")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	res, err := b.hc.Do(req)
	if err != nil {
		// Unless no connection was ever made, the request may have reached the vendor: a create
		// must be looked for before trying again.
		var oe *net.OpError
		dialed := !(errors.As(err, &oe) && oe.Op == "dial")
		return &Error{Retry: true, Uncertain: method != http.MethodGet && dialed, Message: Mask(errText(err))}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		if out != nil {
			if err := json.Unmarshal(raw, out); err != nil {
				// a 2xx came back, so the record exists: this is for a person to look at
				return &Error{Status: res.StatusCode, Uncertain: true, Retry: true, Message: "unreadable answer"}
			}
		}
		return nil
	}
	e := &Error{Status: res.StatusCode, Message: Mask(vendorMessage(raw))}
	switch {
	case res.StatusCode == http.StatusTooManyRequests:
		e.Retry, e.After = true, retryAfter(res.Header, time.Now())
	case res.StatusCode >= 500:
		e.Retry, e.Uncertain = true, method != http.MethodGet
	case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
		e.Retry = true // an admin may fix the key or its permissions in time
	}
	return e
}

// errText describes a failed round trip without the URL (Find's carries an address).
func errText(err error) string {
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return "timed out"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

// retryAfter reads how long to wait: Retry-After in seconds (or an HTTP date), else
// Greenhouse's X-RateLimit-Reset (a Unix timestamp).
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return t.Sub(now)
		}
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > now.Unix() {
			return time.Unix(n, 0).Sub(now)
		}
	}
	return 0
}

// vendorMessage takes the error text out of a Greenhouse ({"errors":[{"message"}]} or
// {"message"}) or Lever ({"code","message"}) error body.
func vendorMessage(raw []byte) string {
	var v struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Errors  []struct {
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"errors"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	var parts []string
	if v.Code != "" {
		parts = append(parts, v.Code)
	}
	if v.Message != "" {
		parts = append(parts, v.Message)
	}
	for _, e := range v.Errors {
		if e.Field != "" {
			parts = append(parts, e.Field+": "+e.Message)
		} else {
			parts = append(parts, e.Message)
		}
	}
	return strings.Join(parts, "; ")
}

var addrRe = regexp.MustCompile(`[^\s<>"'(),;:]+@[^\s<>"'(),;:]+`)

// Mask replaces email addresses with <address> and cuts the text to 300 bytes, so a vendor's
// error can be stored and logged.
func Mask(s string) string {
	s = addrRe.ReplaceAllString(s, "<address>")
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}
