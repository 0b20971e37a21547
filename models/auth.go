package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Sign-in limits: failures counted over LoginWindow, per account and per client IP. The IP limit
// is generous because a venue's Wi-Fi puts many people behind one address.
const (
	LoginWindow         = 15 * time.Minute
	MaxFailuresPerEmail = 10
	MaxFailuresPerIP    = 100
)

// Authenticate checks an email and password. It returns ErrTooManyTries while the account or IP
// is over its limit, ErrBadLogin for any wrong email, password or inactive account (one answer,
// so it reveals nothing), and the account on success.
func (s *Store) Authenticate(ctx context.Context, email, password, ip string) (StaffUser, error) {
	eh := HashToken(strings.ToLower(strings.TrimSpace(email)))
	var byEmail, byIP int64
	since := time.Now().Add(-LoginWindow)
	err := s.ctx(ctx).Raw(`SELECT
		(SELECT count(*) FROM login_failures WHERE email_hash = ? AND at > ?),
		(SELECT count(*) FROM login_failures WHERE ip = ? AND at > ?)`, eh, since, ip, since).
		Row().Scan(&byEmail, &byIP)
	if err != nil {
		return StaffUser{}, fmt.Errorf("models: count login failures: %w", err)
	}
	if byEmail >= MaxFailuresPerEmail || byIP >= MaxFailuresPerIP {
		return StaffUser{}, ErrTooManyTries
	}
	var u StaffUser
	err = s.ctx(ctx).Where("lower(email) = lower(?)", strings.TrimSpace(email)).Take(&u).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		CheckPassword(dummyHash(), password)
	case err != nil:
		return StaffUser{}, fmt.Errorf("models: find staff by email: %w", err)
	}
	if u.ID != 0 && u.Active && CheckPassword(u.PasswordHash, password) {
		if err := s.ctx(ctx).Exec("DELETE FROM login_failures WHERE email_hash = ?", eh).Error; err != nil {
			return StaffUser{}, fmt.Errorf("models: clear login failures: %w", err)
		}
		return u, nil
	}
	if err := s.ctx(ctx).Exec("INSERT INTO login_failures (email_hash, ip) VALUES (?, ?)", eh, ip).Error; err != nil {
		return StaffUser{}, fmt.Errorf("models: record login failure: %w", err)
	}
	return StaffUser{}, ErrBadLogin
}

// Device is one signed-in browser or tablet.
type Device struct {
	ID         int64
	UserID     int64
	Label      string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	EndedAt    *time.Time
	UserName   string `gorm:"->;-:migration"`
	UserEmail  string `gorm:"->;-:migration"`
}

// TableName maps Device onto devices.
func (Device) TableName() string { return "devices" }

// CreateDevice records a new sign-in of user on a browser and writes it to the audit log.
func (s *Store) CreateDevice(ctx context.Context, userID int64, label, userAgent string) (Device, error) {
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	d := Device{UserID: userID, Label: label, UserAgent: userAgent}
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Select("UserID", "Label", "UserAgent").Create(&d).Error; err != nil {
			return fmt.Errorf("models: create device: %w", err)
		}
		return audit(tx, userID, "login", 0, fmt.Sprint(d.ID), map[string]any{"label": label})
	})
	return d, err
}

// SessionUser returns the active account behind a live device, refreshing the device's last-seen
// time at most once a minute. An ended device or inactive account is ErrNotFound.
func (s *Store) SessionUser(ctx context.Context, deviceID int64) (StaffUser, error) {
	var u StaffUser
	err := s.ctx(ctx).Raw(`SELECT u.* FROM devices d JOIN staff_users u ON u.id = d.user_id
		WHERE d.id = ? AND d.ended_at IS NULL AND u.active`, deviceID).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return StaffUser{}, ErrNotFound
	}
	if err != nil {
		return StaffUser{}, fmt.Errorf("models: session user: %w", err)
	}
	err = s.ctx(ctx).Exec(`UPDATE devices SET last_seen_at = now()
		WHERE id = ? AND last_seen_at < now() - interval '1 minute'`, deviceID).Error
	if err != nil {
		return StaffUser{}, fmt.Errorf("models: touch device: %w", err)
	}
	return u, nil
}

// ActiveDevices lists every device still signed in, most recently seen first.
func (s *Store) ActiveDevices(ctx context.Context) ([]Device, error) {
	var ds []Device
	err := s.ctx(ctx).Raw(`SELECT d.*, u.name AS user_name, u.email AS user_email
		FROM devices d JOIN staff_users u ON u.id = d.user_id
		WHERE d.ended_at IS NULL AND u.active ORDER BY d.last_seen_at DESC, d.id DESC`).Scan(&ds).Error
	if err != nil {
		return nil, fmt.Errorf("models: list devices: %w", err)
	}
	return ds, nil
}

// EndDevice signs a device out everywhere (its session stops working on its next request).
func (s *Store) EndDevice(ctx context.Context, actorID, id int64) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := endDevices(tx, "id = ?", id); err != nil {
			return err
		}
		return audit(tx, actorID, "device.end", 0, fmt.Sprint(id), nil)
	})
}

func endDevices(tx *gorm.DB, where string, arg any) error {
	err := tx.Model(&Device{}).Where(where, arg).Where("ended_at IS NULL").
		Update("ended_at", gorm.Expr("now()")).Error
	if err != nil {
		return fmt.Errorf("models: end devices: %w", err)
	}
	return nil
}

// PasswordResetTTL is how long a reset link works.
const PasswordResetTTL = 24 * time.Hour

// CreatePasswordReset makes a one-time reset link token for a colleague's account.
func (s *Store) CreatePasswordReset(ctx context.Context, actorID, userID int64) (string, error) {
	token := NewToken(24)
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.StaffUserByID(ctx, userID); err != nil {
			return err
		}
		err := tx.Exec(`INSERT INTO password_resets (token_hash, user_id, created_by, expires_at)
			VALUES (?, ?, ?, ?)`, HashToken(token), userID, actorID, time.Now().Add(PasswordResetTTL)).Error
		if err != nil {
			return fmt.Errorf("models: create reset: %w", err)
		}
		return audit(tx, actorID, "staff.password_reset", 0, fmt.Sprint(userID), nil)
	})
	return token, err
}

// PasswordResetUser returns the account a valid reset token is for, or ErrTokenUsed.
func (s *Store) PasswordResetUser(ctx context.Context, token string) (StaffUser, error) {
	var u StaffUser
	err := s.ctx(ctx).Raw(`SELECT u.* FROM password_resets r JOIN staff_users u ON u.id = r.user_id
		WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > now() AND u.active`,
		HashToken(token)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return StaffUser{}, ErrTokenUsed
	}
	if err != nil {
		return StaffUser{}, fmt.Errorf("models: reset user: %w", err)
	}
	return u, nil
}

// UsePasswordReset sets a new password with a reset token, once; it ends the account's devices.
func (s *Store) UsePasswordReset(ctx context.Context, token, password string) (StaffUser, error) {
	e := errs{}
	validPassword(e, "password", password)
	if err := e.err(); err != nil {
		return StaffUser{}, err
	}
	var u StaffUser
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var userID int64
		err := tx.Raw(`UPDATE password_resets SET used_at = now()
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
			HashToken(token)).Row().Scan(&userID)
		if err != nil {
			return ErrTokenUsed
		}
		if err := setPassword(tx, userID, password); err != nil {
			return err
		}
		if err := endDevices(tx, "user_id = ?", userID); err != nil {
			return err
		}
		if err := tx.Take(&u, userID).Error; err != nil {
			return fmt.Errorf("models: reset user: %w", err)
		}
		return audit(tx, userID, "staff.password_reset_used", 0, fmt.Sprint(userID), nil)
	})
	return u, err
}
