package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// DeviceLoginTTL is how long a tablet sign-in QR works.
const DeviceLoginTTL = 5 * time.Minute

// MaxDeviceName is the longest name a paired tablet may carry.
const MaxDeviceName = 80

// DeviceLogin is what a pairing code signs a tablet in as: the account that showed it, the event
// whose booth the tablet may use, and the tablet's name.
type DeviceLogin struct {
	User  StaffUser
	Event Event
	Name  string
}

// CleanDeviceName checks the name a tablet is given when it is paired.
func CleanDeviceName(name string) (string, error) {
	e := newErrs()
	name = cleanText(e, "name", "Name", name, MaxDeviceName, true, false)
	return name, e.err()
}

// SuggestTabletName proposes a name for the next tablet paired for an event ("Tablet 3").
func (s *Store) SuggestTabletName(ctx context.Context, eventID int64) (string, error) {
	var n int64
	err := s.ctx(ctx).Raw(`SELECT count(*) FROM devices WHERE event_id = ? AND ended_at IS NULL`, eventID).Row().Scan(&n)
	if err != nil {
		return "", fmt.Errorf("models: count tablets: %w", err)
	}
	return fmt.Sprintf("Tablet %d", n+1), nil
}

// CreateDeviceLogin makes a one-time code that pairs a tablet called name for an event's booth,
// as the account of the session deviceID. The code dies when that session ends.
func (s *Store) CreateDeviceLogin(ctx context.Context, userID, deviceID, eventID int64, name string) (string, time.Time, error) {
	name, err := CleanDeviceName(name)
	if err != nil {
		return "", time.Time{}, err
	}
	token := NewToken(24)
	expires := time.Now().Add(DeviceLoginTTL).UTC()
	err = s.ctx(ctx).Exec(`INSERT INTO device_logins (token_hash, user_id, device_id, event_id, name, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, HashToken(token), userID, deviceID, eventID, name, expires).Error
	if err != nil {
		return "", time.Time{}, fmt.Errorf("models: create device login: %w", err)
	}
	return token, expires, nil
}

// DeviceLoginInfo returns what a still-valid code signs in, without using it.
func (s *Store) DeviceLoginInfo(ctx context.Context, token string) (DeviceLogin, error) {
	dl, _, err := s.deviceLogin(s.ctx(ctx), token, false)
	return dl, err
}

// PairDevice spends a code (once) and signs the tablet in: a device of the code's account that
// may use only the code's event's booth and ends with the session that showed the code.
func (s *Store) PairDevice(ctx context.Context, token, userAgent string) (Session, error) {
	var out Session
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		dl, parent, err := s.deviceLogin(tx, token, true)
		if err != nil {
			return err
		}
		d := Device{UserID: dl.User.ID, Label: dl.Name, UserAgent: clip(storable(userAgent), 300),
			EventID: &dl.Event.ID, ParentID: &parent}
		if err := tx.Select("UserID", "Label", "UserAgent", "EventID", "ParentID").Create(&d).Error; err != nil {
			return fmt.Errorf("models: create paired device: %w", err)
		}
		d.EventName = dl.Event.Name
		out = Session{User: dl.User, Device: d, EventSlug: dl.Event.Slug}
		return audit(tx, dl.User.ID, "login", dl.Event.ID, fmt.Sprint(d.ID),
			map[string]any{"label": dl.Name, "paired_by_device": parent})
	})
	return out, err
}

func (s *Store) deviceLogin(tx *gorm.DB, token string, use bool) (DeviceLogin, int64, error) {
	var row struct {
		UserID   int64
		EventID  int64
		DeviceID int64
		Name     string
	}
	// The code works only while the session that showed it lives.
	valid := `token_hash = ? AND used_at IS NULL AND expires_at > now() AND event_id IS NOT NULL
		AND device_id IN (SELECT id FROM devices WHERE ended_at IS NULL)`
	q := `SELECT user_id, event_id, device_id, name FROM device_logins WHERE ` + valid
	if use {
		q = `UPDATE device_logins SET used_at = now() WHERE ` + valid + ` RETURNING user_id, event_id, device_id, name`
	}
	res := tx.Raw(q, HashToken(token)).Scan(&row)
	if res.Error != nil {
		return DeviceLogin{}, 0, fmt.Errorf("models: device login: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return DeviceLogin{}, 0, ErrTokenUsed
	}
	dl := DeviceLogin{Name: row.Name}
	if err := tx.Where("id = ? AND active", row.UserID).Take(&dl.User).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return DeviceLogin{}, 0, ErrTokenUsed
		}
		return DeviceLogin{}, 0, fmt.Errorf("models: device login user: %w", err)
	}
	if err := tx.Take(&dl.Event, row.EventID).Error; err != nil {
		return DeviceLogin{}, 0, fmt.Errorf("models: device login event: %w", err)
	}
	return dl, row.DeviceID, nil
}
