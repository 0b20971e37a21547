package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Device is one signed-in browser or tablet. A paired tablet (signed in through a one-time QR)
// has an EventID: it acts in that event's booth only, as the account that paired it, and ends
// with the session that paired it (ParentID).
type Device struct {
	ID         int64
	UserID     int64
	Label      string
	UserAgent  string
	EventID    *int64
	ParentID   *int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	EndedAt    *time.Time
	UserName   string `gorm:"->;-:migration"`
	UserEmail  string `gorm:"->;-:migration"`
	EventName  string `gorm:"->;-:migration"`
}

// TableName maps Device onto devices.
func (Device) TableName() string { return "devices" }

// Paired reports whether the device is a tablet paired for one event's booth.
func (d Device) Paired() bool { return d.EventID != nil }

// CreateDevice records a new sign-in of user on a browser (a full session of the account) and
// writes it to the audit log.
func (s *Store) CreateDevice(ctx context.Context, userID int64, label, userAgent string) (Device, error) {
	d := Device{UserID: userID, Label: label, UserAgent: clip(storable(userAgent), 300)}
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Select("UserID", "Label", "UserAgent").Create(&d).Error; err != nil {
			return fmt.Errorf("models: create device: %w", err)
		}
		return audit(tx, userID, "login", 0, fmt.Sprint(d.ID), map[string]any{"label": label})
	})
	return d, err
}

// Session is who a signed-in browser or tablet acts as: the account, and the device with its
// scope (a paired tablet's event).
type Session struct {
	User      StaffUser
	Device    Device
	EventSlug string // the paired tablet's event; "" for a full session
}

// Paired reports whether the session is a tablet paired for one event's booth.
func (s Session) Paired() bool { return s.Device.Paired() }

// DeviceSession returns the session of a live device, refreshing the device's last-seen time at
// most once a minute. An ended device, an inactive account, or a paired tablet whose pairing
// session ended is ErrNotFound.
func (s *Store) DeviceSession(ctx context.Context, deviceID int64) (Session, error) {
	var row struct {
		StaffUser
		DeviceLabel    string
		DeviceEventID  *int64
		DeviceParentID *int64
		EventSlug      string
		EventName      string
	}
	err := s.ctx(ctx).Raw(`SELECT u.*, d.label AS device_label, d.event_id AS device_event_id,
			d.parent_id AS device_parent_id, coalesce(e.slug, '') AS event_slug, coalesce(e.name, '') AS event_name
		FROM devices d JOIN staff_users u ON u.id = d.user_id
		LEFT JOIN devices p ON p.id = d.parent_id
		LEFT JOIN events e ON e.id = d.event_id
		WHERE d.id = ? AND d.ended_at IS NULL AND u.active
		  AND (d.parent_id IS NULL OR p.ended_at IS NULL) AND (d.event_id IS NULL OR e.id IS NOT NULL)`,
		deviceID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("models: session: %w", err)
	}
	err = s.ctx(ctx).Exec(`UPDATE devices SET last_seen_at = now()
		WHERE id = ? AND last_seen_at < now() - interval '1 minute'`, deviceID).Error
	if err != nil {
		return Session{}, fmt.Errorf("models: touch device: %w", err)
	}
	return Session{User: row.StaffUser, EventSlug: row.EventSlug, Device: Device{ID: deviceID, UserID: row.ID,
		Label: row.DeviceLabel, EventID: row.DeviceEventID, ParentID: row.DeviceParentID, EventName: row.EventName}}, nil
}

// LeadEventID returns the event a lead belongs to, or ErrNotFound.
func (s *Store) LeadEventID(ctx context.Context, leadID string) (int64, error) {
	if !isUUID(leadID) {
		return 0, ErrNotFound
	}
	var id int64
	res := s.ctx(ctx).Raw(`SELECT event_id FROM leads WHERE id = ?`, leadID).Scan(&id)
	if res.Error != nil {
		return 0, fmt.Errorf("models: lead event: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return 0, ErrNotFound
	}
	return id, nil
}

// ActiveDevices lists every device still signed in, most recently seen first.
func (s *Store) ActiveDevices(ctx context.Context) ([]Device, error) {
	var ds []Device
	err := s.ctx(ctx).Raw(`SELECT d.*, u.name AS user_name, u.email AS user_email, coalesce(e.name, '') AS event_name
		FROM devices d JOIN staff_users u ON u.id = d.user_id
		LEFT JOIN devices p ON p.id = d.parent_id
		LEFT JOIN events e ON e.id = d.event_id
		WHERE d.ended_at IS NULL AND u.active AND (d.parent_id IS NULL OR p.ended_at IS NULL)
		ORDER BY d.last_seen_at DESC, d.id DESC`).Scan(&ds).Error
	if err != nil {
		return nil, fmt.Errorf("models: list devices: %w", err)
	}
	return ds, nil
}

// ActiveDevice returns one live device with its account's and event's names, or ErrNotFound.
func (s *Store) ActiveDevice(ctx context.Context, id int64) (Device, error) {
	ds, err := s.ActiveDevices(ctx)
	if err != nil {
		return Device{}, err
	}
	for _, d := range ds {
		if d.ID == id {
			return d, nil
		}
	}
	return Device{}, ErrNotFound
}

// EndDevice signs a device out everywhere, with the tablets it paired and the pairing codes it
// showed; its open live streams close within seconds.
func (s *Store) EndDevice(ctx context.Context, actorID, id int64) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := endDevices(tx, "id = ?", id); err != nil {
			return err
		}
		return audit(tx, actorID, "device.end", 0, fmt.Sprint(id), nil)
	})
}

// endDevices ends the devices matched by where (a fixed condition on devices with its
// arguments), every tablet they paired, and the pairing codes any of them showed. When it ended
// anything it announces the revocation, so open live streams on every instance check theirs.
func endDevices(tx *gorm.DB, where string, args ...any) (int64, error) {
	var n int64
	err := tx.Raw(`WITH RECURSIVE doomed AS (
			SELECT id FROM devices WHERE `+where+`
			UNION
			SELECT d.id FROM devices d JOIN doomed ON d.parent_id = doomed.id
		), ended AS (
			UPDATE devices SET ended_at = now() WHERE id IN (SELECT id FROM doomed) AND ended_at IS NULL RETURNING id
		), codes AS (
			UPDATE device_logins SET used_at = now() WHERE device_id IN (SELECT id FROM doomed) AND used_at IS NULL
			RETURNING 1
		)
		SELECT (SELECT count(*) FROM ended) + (SELECT count(*) FROM codes)`, args...).Row().Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("models: end devices: %w", err)
	}
	if n > 0 {
		return n, notifyRevoked(tx)
	}
	return 0, nil
}

// revokeUser ends every device of an account except keep (0: all of them), including every
// tablet it paired, and cancels its pairing codes. With resets, its open password reset links
// stop working too.
func revokeUser(tx *gorm.DB, userID, keep int64, resets bool) error {
	// Paired tablets carry their account's user_id: those paired from the session kept end too.
	if _, err := endDevices(tx, "user_id = ? AND id <> ?", userID, keep); err != nil {
		return err
	}
	if err := tx.Exec(`UPDATE device_logins SET used_at = now() WHERE user_id = ? AND used_at IS NULL`, userID).Error; err != nil {
		return fmt.Errorf("models: cancel pairing codes: %w", err)
	}
	if !resets {
		return nil
	}
	if err := tx.Exec(`UPDATE password_resets SET used_at = now() WHERE user_id = ? AND used_at IS NULL`, userID).Error; err != nil {
		return fmt.Errorf("models: cancel reset links: %w", err)
	}
	return nil
}
