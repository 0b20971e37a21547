package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

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
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > now()
			  AND user_id IN (SELECT id FROM staff_users WHERE active) RETURNING user_id`,
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
		if err := revokeUser(tx, userID, 0, false); err != nil {
			return err
		}
		if err := tx.Take(&u, userID).Error; err != nil {
			return fmt.Errorf("models: reset user: %w", err)
		}
		return audit(tx, userID, "staff.password_reset_used", 0, fmt.Sprint(userID), nil)
	})
	return u, err
}
