package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Outbox kinds of follow-up mail (taken by the mail worker).
const (
	MailFollowUp     = "mail.followup"      // a follow-up to a lead
	MailFollowUpTest = "mail.followup_test" // a test send to the staff member who asked
)

// FollowUpTemplate is a follow-up mail of an event: a subject and a text with placeholders.
type FollowUpTemplate struct {
	ID        int64
	EventID   int64
	Name      string
	Subject   string
	Body      string
	UpdatedBy *int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName maps FollowUpTemplate onto followup_templates.
func (FollowUpTemplate) TableName() string { return "followup_templates" }

// Placeholders a follow-up may use, with what each becomes.
var Placeholders = []struct{ Key, Means string }{
	{"name", "the candidate's name"},
	{"first_name", "the first word of the name"},
	{"company", "the candidate's company"},
	{"staff", "who on the team talked to them last"},
	{"follow_up", "the follow-up noted in the last conversation that has one"},
	{"event", "the event's name"},
	{"our_company", "your company's name"},
}

var placeholderRe = regexp.MustCompile(`\{\{\s*([A-Za-z_]+)\s*\}\}`)

func knownPlaceholder(k string) bool {
	for _, p := range Placeholders {
		if p.Key == k {
			return true
		}
	}
	return false
}

// checkPlaceholders reports what is wrong with the placeholders of s, or "".
func checkPlaceholders(s string) string {
	var unknown []string
	for _, m := range placeholderRe.FindAllStringSubmatch(s, -1) {
		if k := strings.ToLower(m[1]); !knownPlaceholder(k) {
			unknown = append(unknown, "{{"+m[1]+"}}")
		}
	}
	if len(unknown) > 0 {
		keys := make([]string, len(Placeholders))
		for i, p := range Placeholders {
			keys[i] = "{{" + p.Key + "}}"
		}
		return "Unknown placeholder " + strings.Join(unknown, ", ") + ". Use " + strings.Join(keys, ", ") + "."
	}
	rest := placeholderRe.ReplaceAllString(s, "")
	if strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		return "A placeholder is not written right: use two braces on each side, like {{name}}."
	}
	return ""
}

// MaxFollowUpBody bounds a follow-up's text, in characters.
const MaxFollowUpBody = 10000

// CheckFollowUpTemplate validates a template as typed; field errors are keyed name, subject, body.
func CheckFollowUpTemplate(t FollowUpTemplate) (FollowUpTemplate, error) {
	e := newErrs()
	t.Name = cleanText(e, "name", "Name", t.Name, 100, true, false)
	t.Subject = cleanText(e, "subject", "Subject", t.Subject, 200, true, false)
	t.Body = cleanText(e, "body", "Text", t.Body, MaxFollowUpBody, true, true)
	if !e.has("subject") {
		if msg := checkPlaceholders(t.Subject); msg != "" {
			e.add("subject", msg)
		}
	}
	if !e.has("body") {
		if msg := checkPlaceholders(t.Body); msg != "" {
			e.add("body", msg)
		}
	}
	return t, e.err()
}

// RenderFollowUp fills the placeholders of s from vals (keys as in Placeholders).
func RenderFollowUp(s string, vals map[string]string) string {
	return placeholderRe.ReplaceAllStringFunc(s, func(m string) string {
		k := strings.ToLower(placeholderRe.FindStringSubmatch(m)[1])
		return vals[k]
	})
}

// SampleValues are placeholder values for a preview and a test send.
func SampleValues(ev Event, staff string) map[string]string {
	return map[string]string{"name": "Ada Lovelace", "first_name": "Ada", "company": "Analytical Engines Ltd",
		"staff": staff, "follow_up": "Send her the platform team's job description", "event": ev.Name, "our_company": ev.Company}
}

// SaveFollowUpTemplate creates (ID 0) or updates an event's template.
func (s *Store) SaveFollowUpTemplate(ctx context.Context, actorID int64, t FollowUpTemplate) (FollowUpTemplate, error) {
	t, err := CheckFollowUpTemplate(t)
	if err != nil {
		return t, err
	}
	var by any
	if actorID != 0 {
		by = actorID
	}
	var out FollowUpTemplate
	err = s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if t.ID == 0 {
			err = tx.Raw(`INSERT INTO followup_templates (event_id, name, subject, body, updated_by) VALUES (?, ?, ?, ?, ?)
				RETURNING *`, t.EventID, t.Name, t.Subject, t.Body, by).Scan(&out).Error
		} else {
			err = tx.Raw(`UPDATE followup_templates SET name = ?, subject = ?, body = ?, updated_by = ?, updated_at = now()
				WHERE id = ? AND event_id = ? RETURNING *`, t.Name, t.Subject, t.Body, by, t.ID, t.EventID).Scan(&out).Error
		}
		if isDuplicate(err) {
			return &ValidationError{Fields: map[string]string{"name": "This event has a template with this name already."}}
		}
		if err != nil {
			return fmt.Errorf("models: save follow-up template: %w", err)
		}
		if out.ID == 0 {
			return ErrNotFound
		}
		return audit(tx, actorID, "followup.template_save", t.EventID, fmt.Sprintf("template:%d", out.ID), nil)
	})
	return out, err
}

// FollowUpTemplates returns an event's templates by name.
func (s *Store) FollowUpTemplates(ctx context.Context, eventID int64) ([]FollowUpTemplate, error) {
	var ts []FollowUpTemplate
	if err := s.ctx(ctx).Where("event_id = ?", eventID).Order("lower(name), id").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("models: follow-up templates: %w", err)
	}
	return ts, nil
}

// FollowUpTemplateByID returns one template of an event, or ErrNotFound.
func (s *Store) FollowUpTemplateByID(ctx context.Context, eventID, id int64) (FollowUpTemplate, error) {
	var t FollowUpTemplate
	err := s.ctx(ctx).Where("id = ? AND event_id = ?", id, eventID).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("models: follow-up template: %w", err)
	}
	return t, nil
}

// FollowUpTemplateWithEvent returns a template and its event, or ErrNotFound.
func (s *Store) FollowUpTemplateWithEvent(ctx context.Context, id int64) (FollowUpTemplate, Event, error) {
	var t FollowUpTemplate
	var ev Event
	err := s.ctx(ctx).Take(&t, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return t, ev, ErrNotFound
	}
	if err != nil {
		return t, ev, fmt.Errorf("models: follow-up template: %w", err)
	}
	if err := s.ctx(ctx).Take(&ev, "id = ?", t.EventID).Error; err != nil {
		return t, ev, fmt.Errorf("models: follow-up event: %w", err)
	}
	return t, ev, nil
}
