package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditEntry is one row of the audit log: who did what, when. Never candidate personal data.
type AuditEntry struct {
	ID        int64
	At        time.Time
	ActorID   *int64
	Action    string
	EventID   *int64
	SubjectID string
	Details   string
	ActorName string `gorm:"->;-:migration"`
	// The event's name and time zone, and for actions on a staff account its name: what the
	// log shows in words (candidate data is never in the log, so never shown).
	EventName     string `gorm:"->;-:migration"`
	EventTimeZone string `gorm:"->;-:migration"`
	SubjectName   string `gorm:"->;-:migration"`
}

// TableName maps AuditEntry onto audit_log.
func (AuditEntry) TableName() string { return "audit_log" }

func audit(tx *gorm.DB, actorID int64, action string, eventID int64, subject string, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	js, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("models: audit details: %w", err)
	}
	err = tx.Exec(`INSERT INTO audit_log (actor_id, action, event_id, subject_id, details)
		VALUES (NULLIF(?, 0), ?, NULLIF(?, 0), ?, ?)`, actorID, action, eventID, subject, string(js)).Error
	if err != nil {
		return fmt.Errorf("models: audit %s: %w", action, err)
	}
	return nil
}

// Audit writes one audit row outside any other transaction.
func (s *Store) Audit(ctx context.Context, actorID int64, action string, eventID int64, subject string, details map[string]any) error {
	return audit(s.ctx(ctx), actorID, action, eventID, subject, details)
}

// AuditLog returns the latest entries, newest first.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	var es []AuditEntry
	err := s.ctx(ctx).Raw(`SELECT a.id, a.at, a.actor_id, a.action, a.event_id, a.subject_id,
		a.details::text AS details, coalesce(u.name, '') AS actor_name, coalesce(e.name, '') AS event_name,
		coalesce(e.time_zone, '') AS event_time_zone, coalesce(su.name, '') AS subject_name
		FROM audit_log a LEFT JOIN staff_users u ON u.id = a.actor_id LEFT JOIN events e ON e.id = a.event_id
		LEFT JOIN staff_users su ON a.action LIKE 'staff.%' AND su.id::text = a.subject_id
		ORDER BY a.id DESC LIMIT ?`, limit).Scan(&es).Error
	if err != nil {
		return nil, fmt.Errorf("models: audit log: %w", err)
	}
	return es, nil
}
