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

// How long password links work: one shown to an admin to hand over, one mailed as a reset, and
// an invitation mailed to a new account.
const (
	PasswordResetTTL = 24 * time.Hour
	MailedResetTTL   = 2 * time.Hour
	InviteTTL        = 72 * time.Hour
)

// Purposes of password links.
const (
	PasswordReset  = "reset"
	PasswordInvite = "invite"
)

// CreatePasswordReset makes a one-time reset link token for a colleague's account, for an admin
// to hand over (when mail is not set up).
func (s *Store) CreatePasswordReset(ctx context.Context, actorID, userID int64) (string, error) {
	var token string
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.StaffUserByID(ctx, userID); err != nil {
			return err
		}
		var err error
		if token, err = issuePasswordLink(tx, userID, actorID, PasswordReset, PasswordResetTTL); err != nil {
			return err
		}
		return audit(tx, actorID, "staff.password_reset", 0, fmt.Sprint(userID), nil)
	})
	return token, err
}

// IssuePasswordLink mints a password link for a mail being built (the request was audited when
// it was queued).
func (s *Store) IssuePasswordLink(ctx context.Context, userID, createdBy int64, purpose string, ttl time.Duration) (string, error) {
	return issuePasswordLink(s.ctx(ctx), userID, createdBy, purpose, ttl)
}

func issuePasswordLink(tx *gorm.DB, userID, createdBy int64, purpose string, ttl time.Duration) (string, error) {
	token := NewToken(linkTokenBytes)
	err := tx.Exec(`INSERT INTO password_resets (token_hash, user_id, created_by, expires_at, purpose)
		VALUES (?, ?, NULLIF(?, 0), ?, ?)`, HashToken(token), userID, createdBy, time.Now().Add(ttl), purpose).Error
	if err != nil {
		return "", fmt.Errorf("models: create password link: %w", err)
	}
	return token, nil
}

// DropPasswordLink forgets a password link whose mail could not be sent.
func (s *Store) DropPasswordLink(ctx context.Context, token string) error {
	if err := s.ctx(ctx).Exec(`DELETE FROM password_resets WHERE token_hash = ?`, HashToken(token)).Error; err != nil {
		return fmt.Errorf("models: drop password link: %w", err)
	}
	return nil
}

// QueuePasswordMail queues a reset (or, for an account that never had a password, an
// invitation) mail for a colleague's account, as an admin asked.
func (s *Store) QueuePasswordMail(ctx context.Context, actorID, userID int64) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var u StaffUser
		if err := tx.Take(&u, userID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return fmt.Errorf("models: staff user: %w", err)
		}
		kind := MailStaffReset
		if u.PasswordHash == "" {
			kind = MailStaffInvite
		}
		if err := enqueue(tx, OutboxItem{Kind: kind, StaffUserID: &userID, Payload: Payload{"by": actorID}}); err != nil {
			return err
		}
		return audit(tx, actorID, "staff.password_mail", 0, fmt.Sprint(userID), map[string]any{"kind": kind})
	})
}

// RequestPasswordReset queues a reset mail for the active account with this email, if there is
// one and none was queued in the last few minutes. It answers the same whether or not the account
// exists, so the sign-in page's "forgot password" reveals nothing.
func (s *Store) RequestPasswordReset(ctx context.Context, email string) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var u StaffUser
		err := tx.Where("lower(email) = lower(?) AND active", strings.TrimSpace(email)).Take(&u).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("models: find staff by email: %w", err)
		}
		var recent int64
		err = tx.Model(&OutboxItem{}).Where("staff_user_id = ? AND kind IN ? AND created_at > now() - interval '5 minutes'",
			u.ID, []string{MailStaffReset, MailStaffInvite}).Count(&recent).Error
		if err != nil {
			return fmt.Errorf("models: recent password mails: %w", err)
		}
		if recent > 0 {
			return nil
		}
		if err := enqueue(tx, OutboxItem{Kind: MailStaffReset, StaffUserID: &u.ID}); err != nil {
			return err
		}
		return audit(tx, u.ID, "staff.password_reset_requested", 0, fmt.Sprint(u.ID), nil)
	})
}

// PasswordLink is a valid password link: the account and what the link is for.
type PasswordLink struct {
	User    StaffUser
	Purpose string
}

// PasswordResetUser returns the account a valid password link is for, or ErrTokenUsed.
func (s *Store) PasswordResetUser(ctx context.Context, token string) (PasswordLink, error) {
	var row struct {
		StaffUser
		LinkPurpose string
	}
	err := s.ctx(ctx).Raw(`SELECT u.*, r.purpose AS link_purpose FROM password_resets r JOIN staff_users u ON u.id = r.user_id
		WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > now() AND u.active`,
		HashToken(token)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return PasswordLink{}, ErrTokenUsed
	}
	if err != nil {
		return PasswordLink{}, fmt.Errorf("models: reset user: %w", err)
	}
	return PasswordLink{User: row.StaffUser, Purpose: row.LinkPurpose}, nil
}

// UsePasswordReset sets a new password with a reset token, once; it ends the account's devices.
func (s *Store) UsePasswordReset(ctx context.Context, token, password string) (StaffUser, error) {
	e := newErrs()
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
		// the account's other password links (an older reset, the invitation) die with this one
		if err := tx.Exec(`UPDATE password_resets SET used_at = now() WHERE user_id = ? AND used_at IS NULL`,
			userID).Error; err != nil {
			return fmt.Errorf("models: retire password links: %w", err)
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
