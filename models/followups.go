package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	e := errs{}
	t.Name = cleanText(e, "name", "Name", t.Name, 100, true, false)
	t.Subject = cleanText(e, "subject", "Subject", t.Subject, 200, true, false)
	t.Body = cleanText(e, "body", "Text", t.Body, MaxFollowUpBody, true, true)
	if e["subject"] == "" {
		if msg := checkPlaceholders(t.Subject); msg != "" {
			e.add("subject", msg)
		}
	}
	if e["body"] == "" {
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

// contactConsent is the condition "lead l may be mailed": an address and a contact consent in force.
const contactConsent = `l.email IS NOT NULL AND EXISTS (SELECT 1 FROM consents k WHERE k.lead_id = l.id
	AND k.purpose = 'contact' AND k.granted AND k.withdrawn_at IS NULL)`

// FollowUpCounts is what sending a template to the filtered leads would do.
type FollowUpCounts struct {
	Matching  int64 // leads the filter selects
	Consented int64 // of those, with an address and a contact consent in force
	Sent      int64 // of those, sent this template already (never twice)
}

// ToSend is how many mails sending would queue.
func (c FollowUpCounts) ToSend() int64 { return c.Consented - c.Sent }

// CountFollowUp counts what sending template to the leads f selects would do.
func (s *Store) CountFollowUp(ctx context.Context, eventID, templateID int64, f LeadFilter) (FollowUpCounts, error) {
	where, args := f.where(eventID)
	var out FollowUpCounts
	err := s.ctx(ctx).Raw(`SELECT count(*) AS matching, count(*) FILTER (WHERE `+contactConsent+`) AS consented,
			count(*) FILTER (WHERE `+contactConsent+` AND EXISTS (SELECT 1 FROM followup_sends f
				WHERE f.template_id = ? AND f.lead_id = l.id)) AS sent
		FROM leads l WHERE `+where, append([]any{templateID}, args...)...).Scan(&out).Error
	if err != nil {
		return out, fmt.Errorf("models: count follow-up: %w", err)
	}
	return out, nil
}

// QueueFollowUps queues template for every lead f selects that may be mailed and has not had it,
// spaced so at most perMinute go out each minute (after any run still going out). It returns how
// many it queued and audits the run with the filter, never the leads.
func (s *Store) QueueFollowUps(ctx context.Context, actorID int64, ev Event, templateID int64, f LeadFilter, perMinute int) (int64, error) {
	if perMinute <= 0 {
		perMinute = 60
	}
	var by any
	if actorID != 0 {
		by = actorID
	}
	var n int64
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var t FollowUpTemplate
		if err := tx.Where("id = ? AND event_id = ?", templateID, ev.ID).Take(&t).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return fmt.Errorf("models: follow-up template: %w", err)
		}
		// one run at a time: a second run waits for the first's schedule to be written
		if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext('boothlead.followups'))").Error; err != nil {
			return fmt.Errorf("models: follow-up lock: %w", err)
		}
		where, args := f.where(ev.ID)
		args = append(args, t.ID, t.ID, ev.ID, by, 60.0/float64(perMinute)) // in the order the statement binds them
		err := tx.Raw(`WITH picked AS (
				SELECT l.id FROM leads l WHERE `+where+` AND `+contactConsent+`
				AND NOT EXISTS (SELECT 1 FROM followup_sends f WHERE f.template_id = ? AND f.lead_id = l.id)
				ORDER BY l.first_seen_at, l.id),
			sends AS (
				INSERT INTO followup_sends (template_id, event_id, lead_id, queued_by)
				SELECT ?, ?, id, ? FROM picked RETURNING id, lead_id),
			start AS (
				SELECT greatest(now(), max(next_attempt_at)) AS at FROM outbox
				WHERE kind = 'mail.followup' AND sent_at IS NULL AND failed_at IS NULL),
			queued AS (
				INSERT INTO outbox (kind, lead_id, payload, next_attempt_at)
				SELECT 'mail.followup', s.lead_id, jsonb_build_object('send', s.id),
					(SELECT at FROM start) + (row_number() OVER (ORDER BY s.id)) * make_interval(secs => ?)
				FROM sends s RETURNING 1)
			SELECT count(*) FROM queued`, args...).Scan(&n).Error
		if err != nil {
			return fmt.Errorf("models: queue follow-ups: %w", err)
		}
		details := f.AuditDetails()
		details["template"], details["queued"], details["per_minute"] = t.ID, n, perMinute
		return audit(tx, actorID, "followup.send", ev.ID, fmt.Sprintf("template:%d", t.ID), details)
	})
	return n, err
}

// QueueFollowUpTest queues a test send of a template to the staff member who asked.
func (s *Store) QueueFollowUpTest(ctx context.Context, actorID int64, t FollowUpTemplate) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := enqueue(tx, OutboxItem{Kind: MailFollowUpTest, StaffUserID: &actorID, Payload: Payload{"template": t.ID}}); err != nil {
			return err
		}
		return audit(tx, actorID, "followup.test_send", t.EventID, fmt.Sprintf("template:%d", t.ID), nil)
	})
}

// FollowUpStats are an event's follow-up numbers.
type FollowUpStats struct {
	Queued, Sent, Bounced, Dropped, Unsubscribed, Waiting int64
}

// EventFollowUpStats counts an event's follow-ups: queued in all, sent, bounced (refused for
// good), dropped (consent withdrawn before its turn), unsubscribed, and still waiting.
func (s *Store) EventFollowUpStats(ctx context.Context, eventID int64) (FollowUpStats, error) {
	var st FollowUpStats
	err := s.ctx(ctx).Raw(`SELECT count(*) AS queued, count(sent_at) AS sent, count(bounced_at) AS bounced,
		count(dropped_at) AS dropped, count(unsubscribed_at) AS unsubscribed,
		count(*) FILTER (WHERE sent_at IS NULL AND bounced_at IS NULL AND dropped_at IS NULL) AS waiting
		FROM followup_sends WHERE event_id = ?`, eventID).Scan(&st).Error
	if err != nil {
		return st, fmt.Errorf("models: follow-up stats: %w", err)
	}
	return st, nil
}

// FollowUpMail is what a follow-up is built from.
type FollowUpMail struct {
	SendID   int64
	Template FollowUpTemplate
	Lead     Lead
	Event    Event
	Staff    string // who talked to the lead last
	FollowUp string // the follow-up noted last
	Contact  bool   // a contact consent is in force
	Settled  bool   // sent, bounced or dropped already
}

// Values are the placeholder values of this mail.
func (m FollowUpMail) Values() map[string]string {
	first := strings.TrimSpace(m.Lead.Name)
	if i := strings.IndexFunc(first, func(r rune) bool { return r == ' ' }); i > 0 {
		first = first[:i]
	}
	return map[string]string{"name": m.Lead.Name, "first_name": first, "company": m.Lead.Company, "staff": m.Staff,
		"follow_up": m.FollowUp, "event": m.Event.Name, "our_company": m.Event.Company}
}

// FollowUpMailData loads a follow-up's template, lead and event; ErrNotFound when the send or
// its lead is gone.
func (s *Store) FollowUpMailData(ctx context.Context, sendID int64) (FollowUpMail, error) {
	m := FollowUpMail{SendID: sendID}
	var send struct {
		TemplateID int64
		LeadID     *string
		Settled    bool
	}
	db := s.ctx(ctx)
	err := db.Raw(`SELECT template_id, lead_id, (sent_at IS NOT NULL OR bounced_at IS NOT NULL OR dropped_at IS NOT NULL) AS settled
		FROM followup_sends WHERE id = ?`, sendID).Take(&send).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && send.LeadID == nil) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("models: follow-up send: %w", err)
	}
	m.Settled = send.Settled
	if err := db.Take(&m.Template, "id = ?", send.TemplateID).Error; err != nil {
		return m, fmt.Errorf("models: follow-up template: %w", err)
	}
	if err := db.Take(&m.Lead, "id = ?", *send.LeadID).Error; err != nil {
		return m, fmt.Errorf("models: follow-up lead: %w", err)
	}
	if err := db.Take(&m.Event, "id = ?", m.Lead.EventID).Error; err != nil {
		return m, fmt.Errorf("models: follow-up event: %w", err)
	}
	err = db.Raw(`SELECT
		coalesce((SELECT u.name FROM conversations c JOIN staff_users u ON u.id = c.staff_user_id WHERE c.lead_id = l.id
			ORDER BY c.happened_at DESC, c.id DESC LIMIT 1), '') AS staff,
		coalesce((SELECT c.follow_up FROM conversations c WHERE c.lead_id = l.id AND c.follow_up <> ''
			ORDER BY c.happened_at DESC, c.id DESC LIMIT 1), '') AS follow_up,
		`+contactConsent+` AS contact
		FROM leads l WHERE l.id = ?`, m.Lead.ID).Row().Scan(&m.Staff, &m.FollowUp, &m.Contact)
	if err != nil {
		return m, fmt.Errorf("models: follow-up details: %w", err)
	}
	return m, nil
}

// Follow-up outcomes.
const (
	FollowUpSent    = "sent"
	FollowUpBounced = "bounced"
	FollowUpDropped = "dropped"
)

// SettleFollowUp records how a follow-up ended (FollowUpSent, FollowUpBounced, FollowUpDropped).
func (s *Store) SettleFollowUp(ctx context.Context, sendID int64, outcome string) error {
	col := map[string]string{FollowUpSent: "sent_at", FollowUpBounced: "bounced_at", FollowUpDropped: "dropped_at"}[outcome]
	if col == "" {
		return fmt.Errorf("models: unknown follow-up outcome %q", outcome)
	}
	err := s.ctx(ctx).Exec(`UPDATE followup_sends SET `+col+` = now() WHERE id = ? AND sent_at IS NULL
		AND bounced_at IS NULL AND dropped_at IS NULL`, sendID).Error
	if err != nil {
		return fmt.Errorf("models: settle follow-up: %w", err)
	}
	return nil
}

// unsubscribeKey is the app secret the unsubscribe links are signed with.
func (s *Store) unsubscribeKey(ctx context.Context) ([]byte, error) {
	return s.Secret(ctx, "unsubscribe")
}

// UnsubscribeToken is the token of a follow-up's unsubscribe link: the send's id and an HMAC of
// it, so the link needs no storage, is the same on every retry and works as long as the lead exists.
func (s *Store) UnsubscribeToken(ctx context.Context, sendID int64) (string, error) {
	key, err := s.unsubscribeKey(ctx)
	if err != nil {
		return "", err
	}
	id := strconv.FormatInt(sendID, 10)
	m := hmac.New(sha256.New, key)
	m.Write([]byte("unsubscribe:" + id))
	return id + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18]), nil
}

// unsubscribeSend returns the send a token names, or ErrNotFound for a forged or mangled one.
func (s *Store) unsubscribeSend(ctx context.Context, token string) (int64, error) {
	id, _, ok := strings.Cut(token, ".")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || !utf8.ValidString(token) || len(token) > 100 {
		return 0, ErrNotFound
	}
	want, err := s.UnsubscribeToken(ctx, n)
	if err != nil {
		return 0, err
	}
	if !hmac.Equal([]byte(want), []byte(token)) {
		return 0, ErrNotFound
	}
	return n, nil
}

// Unsubscription is what the unsubscribe page says.
type Unsubscription struct {
	Event   Event
	Done    bool // the contact consent is withdrawn (now or before)
	Already bool // it was withdrawn before this request
}

// UnsubscribeState tells the unsubscribe page about a token without changing anything.
func (s *Store) UnsubscribeState(ctx context.Context, token string) (Unsubscription, error) {
	var u Unsubscription
	sendID, err := s.unsubscribeSend(ctx, token)
	if err != nil {
		return u, err
	}
	var row struct {
		EventID      int64
		LeadID       *string
		Unsubscribed bool
	}
	err = s.ctx(ctx).Raw(`SELECT f.event_id, f.lead_id, f.unsubscribed_at IS NOT NULL AS unsubscribed
		FROM followup_sends f WHERE f.id = ?`, sendID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("models: unsubscribe state: %w", err)
	}
	if err := s.ctx(ctx).Take(&u.Event, "id = ?", row.EventID).Error; err != nil {
		return u, fmt.Errorf("models: unsubscribe event: %w", err)
	}
	if row.LeadID == nil {
		u.Done, u.Already = true, true // erased: nothing is kept to mail
		return u, nil
	}
	var contact bool
	err = s.ctx(ctx).Raw(`SELECT `+contactConsent+` FROM leads l WHERE l.id = ?`, *row.LeadID).Scan(&contact).Error
	if err != nil {
		return u, fmt.Errorf("models: unsubscribe consent: %w", err)
	}
	u.Done, u.Already = !contact, !contact
	return u, nil
}

// Unsubscribe withdraws the contact consent of the lead a follow-up went to (no sign-in: the
// token is the proof), notes the unsubscription on the send for the event's counts, and tells
// receivers (lead.updated). Doing it twice is harmless.
func (s *Store) Unsubscribe(ctx context.Context, token string) (Unsubscription, error) {
	u, err := s.UnsubscribeState(ctx, token)
	if err != nil {
		return u, err
	}
	sendID, _ := s.unsubscribeSend(ctx, token)
	err = s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var leadID *string
		err := tx.Raw(`UPDATE followup_sends SET unsubscribed_at = coalesce(unsubscribed_at, now()) WHERE id = ?
			RETURNING lead_id`, sendID).Scan(&leadID).Error
		if err != nil {
			return fmt.Errorf("models: note unsubscription: %w", err)
		}
		if leadID == nil || u.Already {
			return nil
		}
		err = tx.Exec(`UPDATE consents SET withdrawn_at = now() WHERE lead_id = ? AND purpose = 'contact'
			AND withdrawn_at IS NULL`, *leadID).Error
		if err != nil {
			return fmt.Errorf("models: withdraw contact consent: %w", err)
		}
		if err := tx.Exec(`UPDATE leads SET updated_at = now() WHERE id = ?`, *leadID).Error; err != nil {
			return fmt.Errorf("models: touch lead: %w", err)
		}
		if err := audit(tx, 0, "consent.withdraw", u.Event.ID, *leadID, map[string]any{"purposes": []string{PurposeContact},
			"via": "unsubscribe", "send": sendID}); err != nil {
			return err
		}
		return leadChanged(tx, HookLeadUpdated, u.Event.ID, *leadID, nil)
	})
	u.Done = err == nil
	return u, err
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
