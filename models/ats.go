package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ATS providers.
const (
	ATSGreenhouse = "greenhouse"
	ATSLever      = "lever"
)

// ATSProviderName is a provider as people read it.
func ATSProviderName(p string) string {
	switch p {
	case ATSGreenhouse:
		return "Greenhouse"
	case ATSLever:
		return "Lever"
	}
	return p
}

// ATSConnection is an event's connection to an ATS.
type ATSConnection struct {
	ID          int64
	EventID     int64
	Provider    string
	Credentials string // the API key, sealed
	KeyHint     string // the key's last characters, to recognise it
	OnBehalfOf  string
	Source      string
	Tags        StringList `gorm:"type:text[]"`
	AutoHot     bool
	CreatedBy   *int64
	UpdatedAt   time.Time
}

// TableName maps ATSConnection onto ats_connections.
func (ATSConnection) TableName() string { return "ats_connections" }

// ATSConnections returns an event's connections, Greenhouse first.
func (s *Store) ATSConnections(ctx context.Context, eventID int64) ([]ATSConnection, error) {
	var cs []ATSConnection
	if err := s.ctx(ctx).Where("event_id = ?", eventID).Order("provider").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("models: ATS connections: %w", err)
	}
	return cs, nil
}

// ATSConnectionFor returns an event's connection to provider, or ErrNotFound.
func (s *Store) ATSConnectionFor(ctx context.Context, eventID int64, provider string) (ATSConnection, error) {
	var c ATSConnection
	err := s.ctx(ctx).Where("event_id = ? AND provider = ?", eventID, provider).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("models: ATS connection: %w", err)
	}
	return c, nil
}

// SaveATSConnection creates or updates an event's connection to c.Provider; an empty
// Credentials keeps the stored key. With AutoHot, the event's hot leads that may be pushed and
// were never queued are queued now; queued says how many.
func (s *Store) SaveATSConnection(ctx context.Context, actorID int64, c ATSConnection) (saved ATSConnection, queued int64, err error) {
	if c.Tags == nil {
		c.Tags = StringList{}
	}
	err = s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var by any
		if actorID != 0 {
			by = actorID
		}
		err := tx.Raw(`INSERT INTO ats_connections AS a (event_id, provider, credentials, key_hint, on_behalf_of, source, tags,
				auto_hot, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (event_id, provider) DO UPDATE SET
				credentials = CASE WHEN excluded.credentials = '' THEN a.credentials ELSE excluded.credentials END,
				key_hint = CASE WHEN excluded.credentials = '' THEN a.key_hint ELSE excluded.key_hint END,
				on_behalf_of = excluded.on_behalf_of, source = excluded.source, tags = excluded.tags,
				auto_hot = excluded.auto_hot, updated_at = now()
			RETURNING *`, c.EventID, c.Provider, c.Credentials, c.KeyHint, c.OnBehalfOf, c.Source, c.Tags, c.AutoHot, by).
			Scan(&saved).Error
		if err != nil {
			return fmt.Errorf("models: save ATS connection: %w", err)
		}
		if saved.Credentials == "" {
			return &ValidationError{Fields: map[string]string{"api_key": "Paste the API key."}}
		}
		if saved.AutoHot {
			if queued, err = queueATS(tx, saved, actorID, "l.event_id = ? AND l.rating = 'hot'", []any{saved.EventID}); err != nil {
				return err
			}
		}
		return audit(tx, actorID, "ats.connection_save", c.EventID, fmt.Sprintf("ats:%d", saved.ID),
			map[string]any{"provider": c.Provider, "auto_hot": c.AutoHot, "key_changed": c.Credentials != "", "queued": queued})
	})
	return saved, queued, err
}

// DeleteATSConnection removes an event's connection with its sync records (what was pushed
// stays in the ATS).
func (s *Store) DeleteATSConnection(ctx context.Context, actorID, eventID int64, provider string) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var id int64
		err := tx.Raw(`DELETE FROM ats_connections WHERE event_id = ? AND provider = ? RETURNING id`, eventID, provider).Scan(&id).Error
		if err != nil {
			return fmt.Errorf("models: delete ATS connection: %w", err)
		}
		if id == 0 {
			return ErrNotFound
		}
		if err := tx.Exec(`DELETE FROM outbox WHERE kind = ? AND sent_at IS NULL AND failed_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM ats_syncs s WHERE s.id = (payload->>'sync')::bigint)`, "ats."+provider).Error; err != nil {
			return fmt.Errorf("models: drop ATS pushes: %w", err)
		}
		return audit(tx, actorID, "ats.connection_delete", eventID, fmt.Sprintf("ats:%d", id), map[string]any{"provider": provider})
	})
}

// queueATS queues the pushable leads that cond selects (alias l) for connection c, skipping
// those queued or pushed before; a failed push is queued again. It returns how many it queued.
func queueATS(tx *gorm.DB, c ATSConnection, actorID int64, cond string, args []any) (int64, error) {
	var by any
	if actorID != 0 {
		by = actorID
	}
	all := append([]any{c.ID, by}, args...)
	var n int64
	err := tx.Raw(`WITH s AS (
			INSERT INTO ats_syncs AS a (connection_id, lead_id, queued_by)
			SELECT ?, l.id, ? FROM leads l WHERE `+cond+` AND `+atsEligible+`
			ON CONFLICT (connection_id, lead_id) DO UPDATE SET state = 'queued', last_error = '', queued_at = now(),
				queued_by = excluded.queued_by, updated_at = now()
				WHERE a.state = 'failed'
			RETURNING id, lead_id),
		o AS (INSERT INTO outbox (kind, lead_id, payload)
			SELECT ?, s.lead_id, jsonb_build_object('sync', s.id) FROM s RETURNING 1)
		SELECT count(*) FROM o`, append(all, "ats."+c.Provider)...).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("models: queue ATS pushes: %w", err)
	}
	return n, nil
}

// ATSCounts is what the "Send N leads to …" action says before it is pressed.
type ATSCounts struct {
	Matching int64 // leads the filter selects
	Eligible int64 // of those, with a name, an email and a contact consent
	Done     int64 // of those, queued or pushed already
}

// ToSend is how many leads pressing the button would queue.
func (c ATSCounts) ToSend() int64 { return c.Eligible - c.Done }

// CountATSPush counts what pushing the leads f selects to connection c would do.
func (s *Store) CountATSPush(ctx context.Context, eventID int64, f LeadFilter, connID int64) (ATSCounts, error) {
	where, args := f.where(eventID)
	var out ATSCounts
	err := s.ctx(ctx).Raw(`SELECT count(*) AS matching,
			count(*) FILTER (WHERE `+atsEligible+`) AS eligible,
			count(*) FILTER (WHERE `+atsEligible+` AND EXISTS (SELECT 1 FROM ats_syncs a WHERE a.lead_id = l.id
				AND a.connection_id = ? AND a.state <> 'failed')) AS done
		FROM leads l WHERE `+where, append([]any{connID}, args...)...).Scan(&out).Error
	if err != nil {
		return out, fmt.Errorf("models: count ATS push: %w", err)
	}
	return out, nil
}

// QueueATSPush queues the leads f selects that may be pushed (name, email, contact consent) to
// the event's connection to provider; leads queued or pushed before are skipped. It returns how
// many it queued, and audits the action with the filter (never the leads).
func (s *Store) QueueATSPush(ctx context.Context, actorID int64, ev Event, f LeadFilter, provider string) (int64, error) {
	var n int64
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var c ATSConnection
		err := tx.Where("event_id = ? AND provider = ?", ev.ID, provider).Take(&c).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("models: ATS connection: %w", err)
		}
		where, args := f.where(ev.ID)
		if n, err = queueATS(tx, c, actorID, where, args); err != nil {
			return err
		}
		details := f.AuditDetails()
		details["provider"], details["queued"] = provider, n
		return audit(tx, actorID, "ats.push", ev.ID, fmt.Sprintf("ats:%d", c.ID), details)
	})
	return n, err
}

// ATSSync is a lead's push to one ATS.
type ATSSync struct {
	ID           int64
	ConnectionID int64
	LeadID       string
	State        string // queued, sending, sent, failed
	RemoteID     *string
	Attempts     int
	LastError    string
	QueuedAt     time.Time
	SentAt       *time.Time
	UpdatedAt    time.Time
	Provider     string `gorm:"->;-:migration"`
}

// TableName maps ATSSync onto ats_syncs.
func (ATSSync) TableName() string { return "ats_syncs" }

// LeadATSSyncs returns a lead's pushes (the lead page shows them).
func (s *Store) LeadATSSyncs(ctx context.Context, leadID string) ([]ATSSync, error) {
	var out []ATSSync
	err := s.ctx(ctx).Raw(`SELECT s.*, c.provider FROM ats_syncs s JOIN ats_connections c ON c.id = s.connection_id
		WHERE s.lead_id = ? ORDER BY c.provider`, leadID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: lead ATS syncs: %w", err)
	}
	return out, nil
}

// ATSPush is what the worker needs to push one lead.
type ATSPush struct {
	Sync     ATSSync
	Conn     ATSConnection
	Lead     Lead
	Event    Event
	Eligible bool // the lead still has a name, an email and a contact consent in force
}

// ErrAlreadyPushed means the lead is in the ATS already (its remote id is stored).
var ErrAlreadyPushed = errors.New("already pushed")

// BeginATSPush starts an attempt at a push: it counts the attempt (so a later one knows an
// earlier may have reached the ATS) and loads the connection and the lead. ErrNotFound when the
// push, its connection or its lead is gone; ErrAlreadyPushed when it was done.
func (s *Store) BeginATSPush(ctx context.Context, syncID int64) (ATSPush, error) {
	var p ATSPush
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Raw(`SELECT * FROM ats_syncs WHERE id = ? FOR UPDATE`, syncID).Take(&p.Sync).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("models: ATS sync: %w", err)
		}
		if p.Sync.State == "sent" || p.Sync.RemoteID != nil {
			return ErrAlreadyPushed
		}
		if err := tx.Take(&p.Conn, "id = ?", p.Sync.ConnectionID).Error; err != nil {
			return fmt.Errorf("models: ATS connection of sync: %w", err)
		}
		if err := tx.Take(&p.Lead, "id = ?", p.Sync.LeadID).Error; err != nil {
			return fmt.Errorf("models: lead of sync: %w", err)
		}
		if err := tx.Take(&p.Event, "id = ?", p.Lead.EventID).Error; err != nil {
			return fmt.Errorf("models: event of sync: %w", err)
		}
		if err := tx.Raw(`SELECT `+atsEligible+` FROM leads l WHERE l.id = ?`, p.Lead.ID).Scan(&p.Eligible).Error; err != nil {
			return fmt.Errorf("models: ATS eligibility: %w", err)
		}
		err = tx.Raw(`UPDATE ats_syncs SET state = 'sending', attempts = attempts + 1, updated_at = now() WHERE id = ?
			RETURNING attempts`, syncID).Scan(&p.Sync.Attempts).Error
		if err != nil {
			return fmt.Errorf("models: begin ATS push: %w", err)
		}
		p.Sync.State = "sending"
		return nil
	})
	return p, err
}

// ATSPushed stores the remote id of a pushed lead.
func (s *Store) ATSPushed(ctx context.Context, syncID int64, remoteID string) error {
	err := s.ctx(ctx).Exec(`UPDATE ats_syncs SET state = 'sent', remote_id = ?, sent_at = now(), last_error = '',
		updated_at = now() WHERE id = ?`, remoteID, syncID).Error
	if err != nil {
		return fmt.Errorf("models: ATS pushed: %w", err)
	}
	return nil
}

// ATSPushFailed records why an attempt failed (no personal data); final marks the push failed
// for good, otherwise it waits for the next attempt.
func (s *Store) ATSPushFailed(ctx context.Context, syncID int64, reason string, final bool) error {
	state := "queued"
	if final {
		state = "failed"
	}
	err := s.ctx(ctx).Exec(`UPDATE ats_syncs SET state = ?, last_error = ?, updated_at = now() WHERE id = ? AND state <> 'sent'`,
		state, reason, syncID).Error
	if err != nil {
		return fmt.Errorf("models: ATS push failed: %w", err)
	}
	return nil
}

// ParseTags reads tags typed one per line or separated by commas.
func ParseTags(s string) StringList {
	out := StringList{}
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if t = strings.TrimSpace(t); t != "" && !out.Contains(t) {
			out = append(out, t)
		}
	}
	return out
}

// ATSSyncCounts counts an event's pushes by provider and state.
func (s *Store) ATSSyncCounts(ctx context.Context, eventID int64) (map[string]map[string]int64, error) {
	var rows []struct {
		Provider, State string
		N               int64
	}
	err := s.ctx(ctx).Raw(`SELECT c.provider, s.state, count(*) AS n FROM ats_syncs s
		JOIN ats_connections c ON c.id = s.connection_id WHERE c.event_id = ? GROUP BY c.provider, s.state`, eventID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: ATS sync counts: %w", err)
	}
	out := map[string]map[string]int64{}
	for _, r := range rows {
		if out[r.Provider] == nil {
			out[r.Provider] = map[string]int64{}
		}
		out[r.Provider][r.State] = r.N
	}
	return out, nil
}
