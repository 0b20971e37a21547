package models

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
)

// Visit is one check-in or walk-in form sent for a lead: what it typed and, for a repeat, what it
// differed in from what was stored and which consents it asked for. A repeat's changes wait for
// the confirm link mailed to the lead's address.
type Visit struct {
	ID          int64
	LeadID      string
	EventID     int64
	Source      string
	StaffUserID *int64
	Repeat      bool
	Typed       Typed
	Changes     VisitChanges
	ThanksHash  *string
	Code        *string // the personal QR of this submission
	ConfirmedAt *time.Time
	At          time.Time
	Language    string // the language the form was filled in: its confirmation and mail speak it
	StaffName   string `gorm:"->;-:migration"`
}

// TableName maps Visit onto visits.
func (Visit) TableName() string { return "visits" }

// Pending reports whether the visit asks for changes nobody has confirmed yet.
func (v Visit) Pending() bool { return !v.Changes.Empty() && v.ConfirmedAt == nil }

// Typed is what one form held, cleaned as it would have been stored.
type Typed struct {
	Name       string   `json:"name,omitempty"`
	Email      string   `json:"email,omitempty"`
	Phone      string   `json:"phone,omitempty"`
	Company    string   `json:"company,omitempty"`
	Title      string   `json:"title,omitempty"`
	LinkedIn   string   `json:"linkedin,omitempty"`
	GitHub     string   `json:"github,omitempty"`
	CVURL      string   `json:"cv_url,omitempty"`
	Message    string   `json:"message,omitempty"`
	Interests  []string `json:"interests,omitempty"`
	Consent    bool     `json:"consent,omitempty"`
	TalentPool bool     `json:"talent_pool,omitempty"`
	Answers    Answers  `json:"answers,omitempty"` // to the event's custom questions
}

func typedOf(in LeadInput) Typed {
	return Typed{Name: in.Name, Email: in.Email, Phone: in.Phone, Company: in.Company, Title: in.Title,
		LinkedIn: in.LinkedIn, GitHub: in.GitHub, CVURL: in.CVURL, Message: in.Message,
		Interests: append([]string(nil), in.Interests...), Consent: in.Consent, TalentPool: in.TalentPool,
		Answers: in.Answers}
}

// Value writes the form as jsonb.
func (t Typed) Value() (driver.Value, error) { return jsonValue(t) }

// Scan reads the form from jsonb.
func (t *Typed) Scan(src any) error { return jsonScan(src, t) }

// FieldChange is one detail a repeat asked to change: the form field, the value stored when it
// came and the value it typed.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// ConsentAsk is a consent a repeat ticked that the lead had not given to that wording.
type ConsentAsk struct {
	Purpose string `json:"purpose"`
	TextID  int64  `json:"text_id"`
	Version int    `json:"version"`
}

// AnswerChange is an answer to a custom question that a repeat gave differently: the question's
// key, the answer stored when it came and the one it gave.
type AnswerChange struct {
	Key  string   `json:"key"`
	From []string `json:"from,omitempty"`
	To   []string `json:"to"`
}

// VisitChanges is what a repeat check-in asks for beyond what is stored.
type VisitChanges struct {
	Fields    []FieldChange  `json:"fields,omitempty"`
	Interests []string       `json:"interests,omitempty"` // to add
	Consents  []ConsentAsk   `json:"consents,omitempty"`
	Answers   []AnswerChange `json:"answers,omitempty"`
}

// Empty reports whether nothing was asked for.
func (c VisitChanges) Empty() bool {
	return len(c.Fields) == 0 && len(c.Interests) == 0 && len(c.Consents) == 0 && len(c.Answers) == 0
}

// Value writes the changes as jsonb.
func (c VisitChanges) Value() (driver.Value, error) { return jsonValue(c) }

// Scan reads the changes from jsonb.
func (c *VisitChanges) Scan(src any) error { return jsonScan(src, c) }

func jsonValue(v any) (driver.Value, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("models: to json: %w", err)
	}
	return string(b), nil
}

func jsonScan(src, dst any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("models: cannot scan %T as json", src)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		return fmt.Errorf("models: from json: %w", err)
	}
	return nil
}

// ChangeFields are the details a repeat may ask to change, in form order (the email is what
// found the lead, so it never changes this way).
var ChangeFields = []string{"name", "phone", "company", "title", "linkedin", "github", "cv_url", "message"}

// FieldWords names a detail a repeat may change, as people read it ("job title").
func FieldWords(field string) string {
	switch field {
	case "phone":
		return "phone number"
	case "title":
		return "job title"
	case "linkedin":
		return "LinkedIn profile"
	case "github":
		return "GitHub profile"
	case "cv_url":
		return "CV or portfolio link"
	}
	return field
}

func leadField(l Lead, field string) string {
	switch field {
	case "name":
		return l.Name
	case "phone":
		return l.Phone
	case "company":
		return l.Company
	case "title":
		return l.Title
	case "linkedin":
		return l.LinkedIn
	case "github":
		return l.GitHub
	case "cv_url":
		return l.CVURL
	case "message":
		return l.Message
	}
	return ""
}

func typedField(t Typed, field string) string {
	return leadField(Lead{Name: t.Name, Phone: t.Phone, Company: t.Company, Title: t.Title, LinkedIn: t.LinkedIn,
		GitHub: t.GitHub, CVURL: t.CVURL, Message: t.Message}, field)
}

// diffTyped is what a form typed that differs from the stored lead: non-empty details that are
// not what is stored, and interests the lead has not picked. An empty field asks for nothing.
func diffTyped(stored Lead, t Typed) VisitChanges {
	var c VisitChanges
	for _, f := range ChangeFields {
		if to := typedField(t, f); to != "" && to != leadField(stored, f) {
			c.Fields = append(c.Fields, FieldChange{Field: f, From: leadField(stored, f), To: to})
		}
	}
	for _, it := range t.Interests {
		if !stored.Interests.Contains(it) {
			c.Interests = append(c.Interests, it)
		}
	}
	keys := make([]string, 0, len(t.Answers))
	for k := range t.Answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(t.Answers[k]) > 0 && !t.Answers.Equal(stored.Answers, k) {
			c.Answers = append(c.Answers, AnswerChange{Key: k, From: stored.Answers[k], To: t.Answers[k]})
		}
	}
	return c
}

// Visits returns a lead's check-ins and walk-ins, newest first.
func (s *Store) Visits(ctx context.Context, leadID string) ([]Visit, error) {
	var out []Visit
	err := s.ctx(ctx).Raw(`SELECT v.*, coalesce(u.name, '') AS staff_name FROM visits v
		LEFT JOIN staff_users u ON u.id = v.staff_user_id WHERE v.lead_id = ? ORDER BY v.at DESC, v.id DESC`, leadID).
		Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: visits: %w", err)
	}
	return out, nil
}

// VisitByThanksToken returns the submission whose confirmation page token is token.
func (s *Store) VisitByThanksToken(ctx context.Context, token string) (Visit, error) {
	var v Visit
	err := s.ctx(ctx).Where("thanks_hash = ?", HashToken(token)).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Visit{}, ErrNotFound
	}
	if err != nil {
		return Visit{}, fmt.Errorf("models: visit by thanks token: %w", err)
	}
	return v, nil
}

// LeadByPersonalCode returns the lead a personal QR names: a submission's code, or (for QR codes
// handed out before codes were per submission) the lead's own personal token.
func (s *Store) LeadByPersonalCode(ctx context.Context, code string) (Lead, error) {
	return leadByPersonalCode(s.ctx(ctx), code)
}

func leadByPersonalCode(tx *gorm.DB, code string) (Lead, error) {
	var l Lead
	err := tx.Raw(`SELECT l.* FROM visits v JOIN leads l ON l.id = v.lead_id WHERE v.code = ?
		UNION ALL SELECT l.* FROM leads l WHERE l.personal_token = ? LIMIT 1`, code, code).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Lead{}, ErrNotFound
	}
	if err != nil {
		return Lead{}, fmt.Errorf("models: lead by personal code: %w", err)
	}
	return l, nil
}
