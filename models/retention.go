package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// PurgeResult counts what a retention run removed (or would remove).
type PurgeResult struct {
	Leads  int64
	Events int64
}

// expiredLeads selects leads past their event's retention: the retention days count from the
// event's last day; a lead with a live talent-pool consent is kept until TalentPoolMonths after
// the last contact with them.
const expiredLeads = `
SELECT l.id, l.event_id FROM leads l JOIN events e ON e.id = l.event_id
WHERE e.ends_on + e.retention_days < current_date
  AND NOT EXISTS (
	SELECT 1 FROM consents c WHERE c.lead_id = l.id AND c.purpose = 'talent_pool' AND c.granted
	  AND c.withdrawn_at IS NULL
	  AND greatest(l.last_seen_at, (SELECT max(v.happened_at) FROM conversations v WHERE v.lead_id = l.id))
	      > now() - make_interval(months => ?))`

// Purge deletes leads past retention (with their consents, conversations and scans) and writes
// one audit row with the counts. With dryRun it only counts. Instances running it at the same
// time take turns on an advisory lock, so a purge never races another.
func (s *Store) Purge(ctx context.Context, dryRun bool) (PurgeResult, error) {
	var res PurgeResult
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext('boothlead.purge'))").Error; err != nil {
			return fmt.Errorf("models: purge lock: %w", err)
		}
		err := tx.Raw(`SELECT count(*) AS leads, count(DISTINCT event_id) AS events FROM (`+expiredLeads+`) x`,
			TalentPoolMonths).Scan(&res).Error
		if err != nil {
			return fmt.Errorf("models: count expired leads: %w", err)
		}
		if dryRun {
			return nil
		}
		if err := pruneSpent(tx); err != nil {
			return err
		}
		if res.Leads == 0 {
			return nil
		}
		if err := queueLeadsDeleted(tx, expiredLeads, TalentPoolMonths); err != nil {
			return err
		}
		if err := tx.Exec(`DELETE FROM leads WHERE id IN (SELECT id FROM (`+expiredLeads+`) x)`, TalentPoolMonths).Error; err != nil {
			return fmt.Errorf("models: purge leads: %w", err)
		}
		return audit(tx, 0, "purge", 0, "", map[string]any{"leads": res.Leads, "events": res.Events})
	})
	return res, err
}

// pruneSpent deletes what has done its work: outbox rows sent or given up a month ago, webhook
// delivery log lines a month old, and confirm and password links that are used or expired (they
// open nothing any more).
func pruneSpent(tx *gorm.DB) error {
	if _, err := pruneOutbox(tx); err != nil {
		return err
	}
	err := tx.Exec(`DELETE FROM lead_links WHERE purpose = 'confirm'
		AND (used_at < now() - interval '7 days' OR expires_at < now() - interval '7 days')`).Error
	if err != nil {
		return fmt.Errorf("models: prune confirm links: %w", err)
	}
	err = tx.Exec(`DELETE FROM password_resets WHERE used_at < now() - interval '7 days' OR expires_at < now() - interval '7 days'`).Error
	if err != nil {
		return fmt.Errorf("models: prune password links: %w", err)
	}
	if err := tx.Exec(`DELETE FROM webhook_attempts WHERE at < now() - interval '30 days'`).Error; err != nil {
		return fmt.Errorf("models: prune webhook log: %w", err)
	}
	return nil
}
