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

// CreateDeviceLogin makes a one-time token that signs a tablet in as user for an event.
func (s *Store) CreateDeviceLogin(ctx context.Context, userID, eventID int64) (string, time.Time, error) {
	token := NewToken(24)
	expires := time.Now().Add(DeviceLoginTTL).UTC()
	err := s.ctx(ctx).Exec(`INSERT INTO device_logins (token_hash, user_id, event_id, expires_at) VALUES (?, ?, ?, ?)`,
		HashToken(token), userID, eventID, expires).Error
	if err != nil {
		return "", time.Time{}, fmt.Errorf("models: create device login: %w", err)
	}
	return token, expires, nil
}

// DeviceLoginInfo returns who and which event a still-valid token is for, without using it.
func (s *Store) DeviceLoginInfo(ctx context.Context, token string) (StaffUser, Event, error) {
	return s.deviceLogin(s.ctx(ctx), token, false)
}

// UseDeviceLogin spends a token (once) and returns who and which event it signs in.
func (s *Store) UseDeviceLogin(ctx context.Context, token string) (StaffUser, Event, error) {
	var u StaffUser
	var ev Event
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		u, ev, err = s.deviceLogin(tx, token, true)
		return err
	})
	return u, ev, err
}

func (s *Store) deviceLogin(tx *gorm.DB, token string, use bool) (StaffUser, Event, error) {
	var row struct {
		UserID  int64
		EventID int64
	}
	q := `SELECT user_id, event_id FROM device_logins WHERE token_hash = ? AND used_at IS NULL AND expires_at > now()`
	if use {
		q = `UPDATE device_logins SET used_at = now() WHERE token_hash = ? AND used_at IS NULL AND expires_at > now()
			RETURNING user_id, event_id`
	}
	res := tx.Raw(q, HashToken(token)).Scan(&row)
	if res.Error != nil {
		return StaffUser{}, Event{}, fmt.Errorf("models: device login: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return StaffUser{}, Event{}, ErrTokenUsed
	}
	var u StaffUser
	var ev Event
	if err := tx.Where("id = ? AND active", row.UserID).Take(&u).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return StaffUser{}, Event{}, ErrTokenUsed
		}
		return StaffUser{}, Event{}, fmt.Errorf("models: device login user: %w", err)
	}
	if err := tx.Take(&ev, row.EventID).Error; err != nil {
		return StaffUser{}, Event{}, fmt.Errorf("models: device login event: %w", err)
	}
	return u, ev, nil
}
