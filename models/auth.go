package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

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
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > now()
			  AND user_id IN (SELECT id FROM staff_users WHERE active) RETURNING user_id`,
			HashToken(token)).Row().Scan(&userID)
		if err != nil {
			return ErrTokenUsed
		}
		if err := setPassword(tx, userID, password); err != nil {
			return err
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
