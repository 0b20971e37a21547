package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Webhook is a URL admins registered to be told of changes, signed with its secret.
type Webhook struct {
	ID            int64
	URL           string
	Secret        string     // as stored: sealed ("v1:…") or kept as typed ("plain:…")
	Events        StringList `gorm:"type:text[]"`
	CreatedBy     *int64
	CreatedAt     time.Time
	FailingSince  *time.Time
	LastSuccessAt *time.Time
	PausedAt      *time.Time
	PausedReason  string

	Waiting   int64 `gorm:"->;-:migration"` // deliveries queued, not sent yet
	Delivered int64 `gorm:"->;-:migration"` // deliveries that got a 2xx in the last 24 hours
	Failed    int64 `gorm:"->;-:migration"` // attempts that failed in the last 24 hours
}

// TableName maps Webhook onto webhooks.
func (Webhook) TableName() string { return "webhooks" }

// WebhookAttempt is one line of a hook's delivery log.
type WebhookAttempt struct {
	ID         int64
	WebhookID  int64
	DeliveryID string
	Event      string
	Attempt    int
	Status     *int
	Error      string
	DurationMS int
	At         time.Time
}

// TableName maps WebhookAttempt onto webhook_attempts.
func (WebhookAttempt) TableName() string { return "webhook_attempts" }

// CheckHookEvents validates the events a hook listens to; none chosen means all.
func CheckHookEvents(events []string) (StringList, error) {
	if len(events) == 0 {
		return append(StringList{}, HookEvents...), nil
	}
	out := StringList{}
	for _, ev := range events {
		ev = strings.TrimSpace(ev)
		known := false
		for _, k := range HookEvents {
			known = known || k == ev
		}
		if !known {
			return nil, &ValidationError{Fields: map[string]string{"events": "Choose from " + strings.Join(HookEvents, ", ") + "."}}
		}
		if !out.Contains(ev) {
			out = append(out, ev)
		}
	}
	return out, nil
}

// CreateWebhook registers a hook. The URL was checked by the caller (netguard); secret is the
// stored form of the signing secret.
func (s *Store) CreateWebhook(ctx context.Context, actorID int64, url, secret string, events StringList) (Webhook, error) {
	if len(url) > 2000 {
		return Webhook{}, &ValidationError{Fields: map[string]string{"url": "The address is too long."}}
	}
	h := Webhook{URL: url, Secret: secret, Events: events}
	if actorID != 0 {
		h.CreatedBy = &actorID
	}
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Select("URL", "Secret", "Events", "CreatedBy").Create(&h).Error; err != nil {
			return fmt.Errorf("models: create webhook: %w", err)
		}
		return audit(tx, actorID, "webhook.create", 0, fmt.Sprintf("webhook:%d", h.ID), map[string]any{"events": []string(events)})
	})
	return h, err
}

const webhookSelect = `SELECT h.*,
	(SELECT count(*) FROM outbox o WHERE o.kind LIKE 'webhook.%' AND o.sent_at IS NULL AND o.failed_at IS NULL
		AND o.payload->>'hook' = h.id::text) AS waiting,
	(SELECT count(*) FROM webhook_attempts a WHERE a.webhook_id = h.id AND a.at > now() - interval '24 hours'
		AND a.status BETWEEN 200 AND 299) AS delivered,
	(SELECT count(*) FROM webhook_attempts a WHERE a.webhook_id = h.id AND a.at > now() - interval '24 hours'
		AND (a.status IS NULL OR a.status NOT BETWEEN 200 AND 299)) AS failed
	FROM webhooks h `

// Webhooks lists every hook with its numbers, oldest first.
func (s *Store) Webhooks(ctx context.Context) ([]Webhook, error) {
	var hs []Webhook
	if err := s.ctx(ctx).Raw(webhookSelect + `ORDER BY h.id`).Scan(&hs).Error; err != nil {
		return nil, fmt.Errorf("models: webhooks: %w", err)
	}
	return hs, nil
}

// WebhookByID returns one hook with its numbers, or ErrNotFound.
func (s *Store) WebhookByID(ctx context.Context, id int64) (Webhook, error) {
	var h Webhook
	err := s.ctx(ctx).Raw(webhookSelect+`WHERE h.id = ?`, id).Take(&h).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return h, ErrNotFound
	}
	if err != nil {
		return h, fmt.Errorf("models: webhook %d: %w", id, err)
	}
	return h, nil
}

// WebhookAttempts returns a hook's latest delivery attempts, newest first.
func (s *Store) WebhookAttempts(ctx context.Context, hookID int64, limit int) ([]WebhookAttempt, error) {
	var as []WebhookAttempt
	err := s.ctx(ctx).Where("webhook_id = ?", hookID).Order("at DESC, id DESC").Limit(limit).Find(&as).Error
	if err != nil {
		return nil, fmt.Errorf("models: webhook attempts: %w", err)
	}
	return as, nil
}

// PausedWebhooks counts the hooks paused now (the admins' banner).
func (s *Store) PausedWebhooks(ctx context.Context) (int64, error) {
	var n int64
	if err := s.ctx(ctx).Model(&Webhook{}).Where("paused_at IS NOT NULL").Count(&n).Error; err != nil {
		return 0, fmt.Errorf("models: paused webhooks: %w", err)
	}
	return n, nil
}

// giveUpHookDeliveries ends the deliveries of a hook that wait (not the ones a worker holds
// right now: it ends those itself).
func giveUpHookDeliveries(tx *gorm.DB, hookID int64, reason string) error {
	err := tx.Exec(`UPDATE outbox SET failed_at = now(), last_error = ? WHERE kind LIKE 'webhook.%'
		AND sent_at IS NULL AND failed_at IS NULL AND payload->>'hook' = CAST(? AS bigint)::text
		AND (locked_until IS NULL OR locked_until < now())`, reason, hookID).Error
	if err != nil {
		return fmt.Errorf("models: give up webhook deliveries: %w", err)
	}
	return nil
}

// SetWebhookPaused pauses a hook (its waiting deliveries are given up, no new ones are queued)
// or resumes it (new changes are delivered again).
func (s *Store) SetWebhookPaused(ctx context.Context, actorID, id int64, paused bool) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var res *gorm.DB
		action := "webhook.resume"
		if paused {
			action = "webhook.pause"
			res = tx.Exec(`UPDATE webhooks SET paused_at = now(), paused_reason = 'paused by an admin'
				WHERE id = ? AND paused_at IS NULL`, id)
		} else {
			res = tx.Exec(`UPDATE webhooks SET paused_at = NULL, paused_reason = '', failing_since = NULL WHERE id = ?`, id)
		}
		if res.Error != nil {
			return fmt.Errorf("models: pause webhook: %w", res.Error)
		}
		if res.RowsAffected == 0 && !paused {
			return ErrNotFound
		}
		if paused && res.RowsAffected > 0 {
			if err := giveUpHookDeliveries(tx, id, "the webhook was paused"); err != nil {
				return err
			}
		}
		return audit(tx, actorID, action, 0, fmt.Sprintf("webhook:%d", id), nil)
	})
}

// DeleteWebhook removes a hook, its log and its waiting deliveries.
func (s *Store) DeleteWebhook(ctx context.Context, actorID, id int64) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`DELETE FROM webhooks WHERE id = ?`, id)
		if res.Error != nil {
			return fmt.Errorf("models: delete webhook: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		err := tx.Exec(`DELETE FROM outbox WHERE kind LIKE 'webhook.%' AND sent_at IS NULL AND payload->>'hook' = CAST(? AS bigint)::text`, id).Error
		if err != nil {
			return fmt.Errorf("models: drop webhook deliveries: %w", err)
		}
		return audit(tx, actorID, "webhook.delete", 0, fmt.Sprintf("webhook:%d", id), nil)
	})
}

// HookAttempt is the outcome of one delivery attempt, for the log.
type HookAttempt struct {
	HookID     int64
	DeliveryID string
	Event      string
	Attempt    int
	Status     int // 0: no answer
	Error      string
	Duration   time.Duration
	OK         bool // a 2xx answer
}

// RecordWebhookAttempt logs an attempt and keeps the hook's health: a success clears its
// failure streak; a failure starts one, and a hook failing for longer than pauseAfter without a
// single success is paused (paused is true then, or when it was paused already), its waiting
// deliveries given up, and the pause audited so admins see it.
func (s *Store) RecordWebhookAttempt(ctx context.Context, a HookAttempt, pauseAfter time.Duration) (paused bool, err error) {
	err = s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var status any
		if a.Status != 0 {
			status = a.Status
		}
		err := tx.Exec(`INSERT INTO webhook_attempts (webhook_id, delivery_id, event, attempt, status, error, duration_ms)
			SELECT id, ?, ?, ?, ?, ?, ? FROM webhooks WHERE id = ?`,
			a.DeliveryID, a.Event, a.Attempt, status, a.Error, a.Duration.Milliseconds(), a.HookID).Error
		if err != nil {
			return fmt.Errorf("models: log webhook attempt: %w", err)
		}
		if a.OK {
			err := tx.Exec(`UPDATE webhooks SET failing_since = NULL, last_success_at = now() WHERE id = ?`, a.HookID).Error
			if err != nil {
				return fmt.Errorf("models: webhook success: %w", err)
			}
			return nil
		}
		var h struct {
			FailingSince time.Time
			PausedAt     *time.Time
		}
		err = tx.Raw(`UPDATE webhooks SET failing_since = coalesce(failing_since, now()) WHERE id = ?
			RETURNING failing_since, paused_at`, a.HookID).Scan(&h).Error
		if err != nil {
			return fmt.Errorf("models: webhook failure: %w", err)
		}
		if h.PausedAt != nil {
			paused = true
			return nil
		}
		if h.FailingSince.IsZero() || time.Since(h.FailingSince) < pauseAfter {
			return nil
		}
		reason := "failed without a success since " + h.FailingSince.UTC().Format("2 Jan 15:04 UTC")
		if err := tx.Exec(`UPDATE webhooks SET paused_at = now(), paused_reason = ? WHERE id = ?`, reason, a.HookID).Error; err != nil {
			return fmt.Errorf("models: pause webhook: %w", err)
		}
		paused = true
		if err := giveUpHookDeliveries(tx, a.HookID, "the webhook was paused: it kept failing"); err != nil {
			return err
		}
		return audit(tx, 0, "webhook.paused", 0, fmt.Sprintf("webhook:%d", a.HookID), map[string]any{"failing_since": h.FailingSince})
	})
	return paused, err
}
