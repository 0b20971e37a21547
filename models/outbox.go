package models

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Kinds of outbox rows. Mail kinds start with "mail." so the mail worker takes only those.
const (
	MailCheckIn      = "mail.checkin"       // after a first check-in: private link, consent copy
	MailRepeat       = "mail.repeat"        // after a repeat: what it asks, confirm link, private link
	MailStaffConsent = "mail.staff_consent" // staff recorded a consent in person
	MailPrivateLink  = "mail.private_link"  // the private link again, on request
	MailStaffInvite  = "mail.staff_invite"  // a new staff member chooses a password
	MailStaffReset   = "mail.staff_reset"   // a staff password reset
)

// OutboxItem is one piece of work that must survive a crash or an outage: it names what to do,
// never a secret (links are minted when the message is built).
type OutboxItem struct {
	ID            int64
	Kind          string
	DeliveryID    string
	LeadID        *string
	StaffUserID   *int64
	VisitID       *int64
	Payload       Payload
	Attempts      int
	NextAttemptAt time.Time
	LockedUntil   *time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
	FailedAt      *time.Time
}

// TableName maps OutboxItem onto outbox.
func (OutboxItem) TableName() string { return "outbox" }

// Payload is an outbox row's extra detail (ids and flags, never personal data).
type Payload map[string]any

// Value writes the payload as jsonb.
func (p Payload) Value() (driver.Value, error) {
	if p == nil {
		return "{}", nil
	}
	return jsonValue(map[string]any(p))
}

// Scan reads the payload from jsonb.
func (p *Payload) Scan(src any) error { return jsonScan(src, (*map[string]any)(p)) }

// Int64 returns a number from the payload, or 0.
func (p Payload) Int64(key string) int64 {
	if f, ok := p[key].(float64); ok {
		return int64(f)
	}
	if n, ok := p[key].(int64); ok {
		return n
	}
	return 0
}

func enqueue(tx *gorm.DB, it OutboxItem) error {
	err := tx.Select("Kind", "LeadID", "StaffUserID", "VisitID", "Payload").Create(&it).Error
	if err != nil {
		return fmt.Errorf("models: enqueue %s: %w", it.Kind, err)
	}
	return nil
}

// recentMails counts the mails of a kind queued for a lead in the last hour.
func recentMails(tx *gorm.DB, leadID, kind string) (int64, error) {
	var n int64
	err := tx.Model(&OutboxItem{}).Where("lead_id = ? AND kind = ? AND created_at > now() - interval '1 hour'", leadID, kind).
		Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("models: count recent mails: %w", err)
	}
	return n, nil
}

// ClaimOutbox takes up to limit due rows whose kind starts with prefix ("mail.") for this worker: each is
// leased until now+lease, so no other instance sends it meanwhile (FOR UPDATE SKIP LOCKED makes
// concurrent claims take different rows), and its attempt is counted.
func (s *Store) ClaimOutbox(ctx context.Context, prefix string, limit int, lease time.Duration) ([]OutboxItem, error) {
	var items []OutboxItem
	// the family (the kind up to its first dot) is what the index outbox_family_due_idx is on
	family, _, _ := strings.Cut(prefix, ".")
	err := s.ctx(ctx).Raw(`UPDATE outbox SET locked_until = now() + make_interval(secs => ?), attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
			AND (locked_until IS NULL OR locked_until < now()) AND split_part(kind, '.', 1) = ? AND kind LIKE ? || '%'
			ORDER BY split_part(kind, '.', 1), next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
		RETURNING *`, lease.Seconds(), family, prefix, limit).Scan(&items).Error
	if err != nil {
		return nil, fmt.Errorf("models: claim outbox: %w", err)
	}
	return items, nil
}

// OutboxSent marks a row done.
func (s *Store) OutboxSent(ctx context.Context, id int64) error {
	err := s.ctx(ctx).Exec(`UPDATE outbox SET sent_at = now(), locked_until = NULL, last_error = '' WHERE id = ?`, id).Error
	if err != nil {
		return fmt.Errorf("models: outbox sent: %w", err)
	}
	return nil
}

// OutboxRetry records a failed attempt (reason holds no personal data) and when to try again.
func (s *Store) OutboxRetry(ctx context.Context, id int64, reason string, at time.Time) error {
	err := s.ctx(ctx).Exec(`UPDATE outbox SET next_attempt_at = ?, locked_until = NULL, last_error = ? WHERE id = ?`,
		at, reason, id).Error
	if err != nil {
		return fmt.Errorf("models: outbox retry: %w", err)
	}
	return nil
}

// OutboxGiveUp marks a row failed for good (the server refused it, or it kept failing too long).
func (s *Store) OutboxGiveUp(ctx context.Context, id int64, reason string) error {
	err := s.ctx(ctx).Exec(`UPDATE outbox SET failed_at = now(), locked_until = NULL, last_error = ? WHERE id = ?`,
		reason, id).Error
	if err != nil {
		return fmt.Errorf("models: outbox give up: %w", err)
	}
	return nil
}

// OutboxStats is what the admins see of the mail queue.
type OutboxStats struct {
	Waiting       int64      // not sent yet and not given up
	Retrying      int64      // waiting after at least one failed attempt
	Failed        int64      // given up in the last 30 days
	Sent24h       int64      // sent in the last 24 hours
	OldestWaiting *time.Time // when the oldest waiting row was queued
	LastError     string     // the newest failure's reason
}

// MailStats counts the mail rows of the outbox.
func (s *Store) MailStats(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	err := s.ctx(ctx).Raw(`SELECT
		count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL) AS waiting,
		count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL AND last_error <> '') AS retrying,
		count(*) FILTER (WHERE failed_at > now() - interval '30 days') AS failed,
		count(*) FILTER (WHERE sent_at > now() - interval '24 hours') AS sent24h,
		min(created_at) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL) AS oldest_waiting,
		coalesce((SELECT last_error FROM outbox WHERE kind LIKE 'mail.%' AND last_error <> ''
			ORDER BY next_attempt_at DESC LIMIT 1), '') AS last_error
		FROM outbox WHERE kind LIKE 'mail.%'`).Scan(&st).Error
	if err != nil {
		return st, fmt.Errorf("models: mail stats: %w", err)
	}
	return st, nil
}

// EnqueuePrivateLink queues the private link mail for a lead with an email and a contact consent
// in force; ErrNoConsent otherwise.
func (s *Store) EnqueuePrivateLink(ctx context.Context, actorID int64, l Lead) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		ok, err := hasContactConsent(tx, l.ID)
		if err != nil {
			return err
		}
		if !ok || l.Email == nil {
			return ErrNoConsent
		}
		if err := enqueue(tx, OutboxItem{Kind: MailPrivateLink, LeadID: &l.ID}); err != nil {
			return err
		}
		return audit(tx, actorID, "lead.send_private_link", l.EventID, l.ID, nil)
	})
}

func hasContactConsent(tx *gorm.DB, leadID string) (bool, error) {
	var n int64
	err := tx.Raw(`SELECT count(*) FROM consents WHERE lead_id = ? AND purpose = 'contact' AND granted
		AND withdrawn_at IS NULL`, leadID).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("models: contact consent: %w", err)
	}
	return n > 0, nil
}

// pruneOutbox deletes rows sent or given up more than 30 days ago.
func pruneOutbox(tx *gorm.DB) (int64, error) {
	res := tx.Exec(`DELETE FROM outbox WHERE sent_at < now() - interval '30 days' OR failed_at < now() - interval '30 days'`)
	if res.Error != nil {
		return 0, fmt.Errorf("models: prune outbox: %w", res.Error)
	}
	return res.RowsAffected, nil
}
