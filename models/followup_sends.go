package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

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
