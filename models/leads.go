package models

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
)

// Lead sources.
const (
	SourceSelfCheckIn = "self_checkin"
	SourceBadgeScan   = "badge_scan"
	SourceStaffManual = "staff_manual"
)

// Ratings a conversation may give.
var Ratings = []string{"hot", "warm", "cold"}

// Lead is one candidate at one event.
type Lead struct {
	ID            string
	EventID       int64
	Name          string
	Email         *string
	Phone         string
	Company       string
	Title         string
	LinkedIn      string `gorm:"column:linkedin"`
	GitHub        string `gorm:"column:github"`
	CVURL         string `gorm:"column:cv_url"`
	Message       string
	Interests     StringList `gorm:"type:text[]"`
	Tags          StringList `gorm:"type:text[]"` // labels recruiters gave the lead (bulk action)
	Source        string
	BadgeCode     *string
	VisitCount    int
	FirstSeenAt   time.Time
	LastSeenAt    time.Time
	PersonalToken string
	Rating        *string
	RatingAt      *time.Time
	CreatedBy     *int64
	UpdatedAt     time.Time
	Language      string  // the language the candidate used: their private page and mails speak it
	Answers       Answers // the event's custom questions, by key
}

// TableName maps Lead onto leads.
func (Lead) TableName() string { return "leads" }

// EmailText returns the email or "".
func (l Lead) EmailText() string {
	if l.Email == nil {
		return ""
	}
	return *l.Email
}

// RatingText returns the current rating or "".
func (l Lead) RatingText() string {
	if l.Rating == nil {
		return ""
	}
	return *l.Rating
}

// Resolved reports whether staff know who this is (a lead from an opaque badge code has no email
// until someone asks).
func (l Lead) Resolved() bool { return l.Email != nil }

// DisplayName is the name, or a stand-in for an unresolved badge.
func (l Lead) DisplayName() string {
	switch {
	case l.Name != "":
		return l.Name
	case l.Email != nil:
		return *l.Email
	case l.LinkedIn != "":
		return l.LinkedIn
	}
	return "Unknown badge"
}

// LeadInput is what a candidate, or staff for a walk-in, types about a person.
type LeadInput struct {
	Name, Email, Phone, Company, Title, LinkedIn, GitHub, CVURL, Message string
	Interests                                                            []string
	Consent, TalentPool                                                  bool
	ClientID                                                             string // staff captures only
	// Language is the language the form was shown in (one of Languages; "" for the event's).
	Language string
	// Answers to the event's custom questions, by key. nil leaves stored answers as they are
	// (a form without the questions); an empty map clears them.
	Answers Answers
	// The consent texts (ConsentText.ID) the person was shown; 0 means "the current one". When
	// a ticked consent's text is no longer current, CheckIn refuses with ErrConsentTextChanged
	// rather than record agreement to words the person never saw.
	ContactTextID, TalentPoolTextID int64
}

// ErrConsentTextChanged means the event's consent wording changed between showing the form
// and receiving it: the person has to read the new wording first.
var ErrConsentTextChanged = errors.New("consent text changed")

// Length limits of a lead's fields, in characters.
const (
	MaxNameLen    = 200
	MaxEmailLen   = 254
	MaxPhoneLen   = 40
	MaxOrgLen     = 200 // company and job title
	MaxURLLen     = 500
	MaxMessageLen = 2000
)

var phoneRe = regexp.MustCompile(`^\+?[0-9][0-9 ()./-]{3,38}[0-9]$`)

// nfc returns s in Unicode canonical composition, so "Zoë" typed either way is stored alike.
func nfc(s string) string { return norm.NFC.String(s) }

// prep composes valid text (NFC) and trims white space and the invisible characters that
// copy-paste leaves at the ends (BOM, zero-width space). Invalid UTF-8 is left for cleanText
// to refuse.
func prep(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	return strings.TrimFunc(nfc(s), func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B' })
}

// hasBidiControl reports bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069):
// typed names never need them, and they can make text display as something else. The marks
// LRM, RLM and ALM stay allowed.
func hasBidiControl(s string) bool {
	for _, r := range s {
		if (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') {
			return true
		}
	}
	return false
}

// leadText cleans one free-text field: composed and trimmed, any script, no control characters.
func leadText(e errs, field, label, s string, max int, required, multiline bool) string {
	s = cleanText(e, field, label, prep(s), max, required, multiline)
	if !e.has(field) && hasBidiControl(s) {
		e.problem(field, label+" contains control characters; please use plain text.", Problem{ID: "err.control"})
	}
	return s
}

// CheckLead validates a lead's details against an event and returns them cleaned (trimmed,
// composed, URLs completed). consentRequired is true for self check-in and walk-ins. Field
// errors are keyed by the form field names of the contract. Answers are left out (nil): the
// form had no questions.
func CheckLead(ev Event, in LeadInput, consentRequired bool) (LeadInput, error) {
	in.Answers = nil
	return CheckLeadWith(ev, nil, in, consentRequired)
}

// CheckLeadWith is CheckLead for a form that also asks the event's custom questions qs: their
// answers (in.Answers, raw) are checked too. With qs nil and in.Answers nil, answers stay nil.
func CheckLeadWith(ev Event, qs []Question, in LeadInput, consentRequired bool) (LeadInput, error) {
	e := newErrs()
	out := LeadInput{Consent: in.Consent, TalentPool: in.TalentPool, ClientID: strings.TrimSpace(in.ClientID),
		ContactTextID: in.ContactTextID, TalentPoolTextID: in.TalentPoolTextID}
	if IsLanguage(in.Language) {
		out.Language = in.Language
	}
	out.Name = leadText(e, "name", "Name", in.Name, MaxNameLen, true, false)
	out.Email = cleanEmail(e, "email", prep(in.Email), true)
	if !e.has("email") && hasBidiControl(out.Email) {
		e.problem("email", "Enter an email address like name@example.com.", Problem{ID: "err.email"})
	}
	out.Phone = leadText(e, "phone", "Phone", in.Phone, MaxPhoneLen, false, false)
	if out.Phone != "" && !e.has("phone") && !phoneRe.MatchString(out.Phone) {
		e.problem("phone", "Enter a phone number with digits, spaces and + ( ) - only, e.g. +49 170 1234567.", Problem{ID: "err.phone"})
	}
	out.Company = leadText(e, "company", "Company", in.Company, MaxOrgLen, false, false)
	out.Title = leadText(e, "title", "Job title", in.Title, MaxOrgLen, false, false)
	out.LinkedIn = cleanProfileURL(e, "linkedin", "LinkedIn", in.LinkedIn, "linkedin.com",
		"https://www.linkedin.com/in/", "LinkedIn profile addresses look like https://www.linkedin.com/in/your-name.")
	out.GitHub = cleanProfileURL(e, "github", "GitHub", in.GitHub, "github.com", "https://github.com/",
		"Enter your GitHub username or an address like https://github.com/your-name.")
	out.CVURL = cleanURL(e, "cv_url", "CV or portfolio link", completeURL(in.CVURL))
	out.Message = leadText(e, "message", "Message", in.Message, MaxMessageLen, false, true)
	seen := map[string]bool{}
	for _, it := range in.Interests {
		it = strings.TrimSpace(it)
		if it == "" || seen[it] {
			continue
		}
		if !ev.Interests.Contains(it) {
			e.problem("interests", "Choose from the interests listed here.", Problem{ID: "err.interests"})
			continue
		}
		seen[it] = true
		out.Interests = append(out.Interests, it)
	}
	if qs != nil || in.Answers != nil {
		out.Answers = checkAnswers(e, qs, in.Answers)
	}
	if consentRequired && !in.Consent {
		e.problem("consent", "Tick this box so we may contact you: without it we cannot keep your details.", Problem{ID: "err.consent"})
	}
	return out, e.err()
}

var bareHost = regexp.MustCompile(`^(?i)(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(/|$)`)

// completeURL adds https:// to an address typed without a scheme ("github.com/ada").
func completeURL(s string) string {
	s = strings.TrimSpace(s)
	if s != "" && !strings.Contains(s, "://") && bareHost.MatchString(s) {
		return "https://" + s
	}
	return s
}

var handleRe = regexp.MustCompile(`^@?[A-Za-z0-9][A-Za-z0-9-]{0,38}$`)

// cleanProfileURL accepts a profile address on host (any subdomain), or for GitHub a bare
// username, and returns a full https URL.
func cleanProfileURL(e errs, field, label, s, host, prefix, help string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if host == "github.com" && handleRe.MatchString(s) {
		return prefix + strings.TrimPrefix(s, "@")
	}
	s = cleanURL(e, field, label, completeURL(s))
	if s == "" || e.has(field) {
		return s
	}
	u, _ := url.Parse(s)
	h := strings.ToLower(u.Hostname())
	if h != host && !strings.HasSuffix(h, "."+host) {
		e.problem(field, help, Problem{ID: "err." + field})
	}
	return s
}

// capturedLead returns the lead a device capture made before, holding a lock on the capture id
// for the rest of the transaction so a concurrent re-send waits and then finds it.
func capturedLead(tx *gorm.DB, clientID string) (Lead, bool, error) {
	if !isUUID(clientID) {
		return Lead{}, false, &ValidationError{Fields: map[string]string{"client_id": "The capture id is not a UUID."}}
	}
	if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext(?))", clientID).Error; err != nil {
		return Lead{}, false, fmt.Errorf("models: capture lock: %w", err)
	}
	var l Lead
	err := tx.Raw("SELECT l.* FROM captures c JOIN leads l ON l.id = c.lead_id WHERE c.client_id = ?", clientID).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Lead{}, false, nil
	}
	if err != nil {
		return Lead{}, false, fmt.Errorf("models: capture by client id: %w", err)
	}
	return l, true, nil
}

func addConsent(tx *gorm.DB, leadID string, text ConsentText, capturedBy string, staffID int64) error {
	err := tx.Exec(`INSERT INTO consents (lead_id, consent_text_id, purpose, granted, captured_by, staff_user_id)
		VALUES (?, ?, ?, true, ?, NULLIF(?, 0))`, leadID, text.ID, text.Purpose, capturedBy, staffID).Error
	if err != nil {
		return fmt.Errorf("models: add consent: %w", err)
	}
	return nil
}

// LeadByID returns one lead or ErrNotFound.
func (s *Store) LeadByID(ctx context.Context, id string) (Lead, error) {
	if !isUUID(id) {
		return Lead{}, ErrNotFound
	}
	return s.leadWhere(ctx, "id = ?", id)
}

func (s *Store) leadWhere(ctx context.Context, where string, arg any) (Lead, error) {
	var l Lead
	err := s.ctx(ctx).Where(where, arg).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Lead{}, ErrNotFound
	}
	if err != nil {
		return Lead{}, fmt.Errorf("models: lead: %w", err)
	}
	return l, nil
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isUUID(s string) bool { return uuidRe.MatchString(s) }

// IsUUID reports whether s is a UUID in its usual text form.
func IsUUID(s string) bool { return isUUID(s) }
