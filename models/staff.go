package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Roles of staff accounts, from most to least powerful.
const (
	RoleAdmin     = "admin"
	RoleRecruiter = "recruiter"
	RoleStaff     = "staff"
)

// Roles lists the roles in display order.
var Roles = []string{RoleAdmin, RoleRecruiter, RoleStaff}

// RoleRank orders roles: a higher rank may do everything a lower one may.
func RoleRank(role string) int {
	switch role {
	case RoleAdmin:
		return 3
	case RoleRecruiter:
		return 2
	case RoleStaff:
		return 1
	}
	return 0
}

// StaffUser is a person who signs in: booth staff, recruiter or admin.
type StaffUser struct {
	ID           int64
	Email        string
	Name         string
	Role         string
	PasswordHash string
	Active       bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName maps StaffUser onto staff_users.
func (StaffUser) TableName() string { return "staff_users" }

// Can reports whether the user's role is at least role.
func (u StaffUser) Can(role string) bool { return u.Active && RoleRank(u.Role) >= RoleRank(role) }

// StaffInput is what a form or the CLI gives to create a staff account.
type StaffInput struct {
	Email, Name, Role, Password string
	// Invite: with no password, the account gets none (nobody can sign in to it) until its owner
	// chooses one through the invitation mail.
	Invite bool
}

// NewStaffUser validates in and returns the account to store, password hashed.
func NewStaffUser(in StaffInput) (StaffUser, error) {
	e := newErrs()
	u := StaffUser{Active: true}
	u.Email = cleanEmail(e, "email", in.Email, true)
	u.Name = cleanText(e, "name", "Name", in.Name, 200, true, false)
	u.Role = strings.TrimSpace(in.Role)
	if RoleRank(u.Role) == 0 {
		e.add("role", "Choose a role: admin, recruiter or staff.")
	}
	if in.Invite && in.Password == "" {
		return u, e.err()
	}
	validPassword(e, "password", in.Password)
	if err := e.err(); err != nil {
		return StaffUser{}, err
	}
	u.PasswordHash = HashPassword(in.Password)
	return u, nil
}

// StaffCount returns how many staff accounts exist.
func (s *Store) StaffCount(ctx context.Context) (int64, error) {
	var n int64
	if err := s.ctx(ctx).Model(&StaffUser{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("models: count staff: %w", err)
	}
	return n, nil
}

// CreateStaffUser stores a new account; a taken email is a ValidationError on "email".
func (s *Store) CreateStaffUser(ctx context.Context, u StaffUser) (StaffUser, error) {
	return u, s.createStaff(s.ctx(ctx), &u)
}

func (s *Store) createStaff(tx *gorm.DB, u *StaffUser) error {
	err := tx.Omit("ID", "CreatedAt", "UpdatedAt").Create(u).Error
	if isDuplicate(err) {
		return &ValidationError{Fields: map[string]string{"email": "There is already an account with this email."}}
	}
	if err != nil {
		return fmt.Errorf("models: create staff user: %w", err)
	}
	return nil
}

// InviteStaffUser stores an account made without a password and, in the same transaction, either
// queues the invitation mail (byMail) or makes the invitation link for the admin to hand over,
// which it returns.
func (s *Store) InviteStaffUser(ctx context.Context, actorID int64, u StaffUser, byMail bool) (StaffUser, string, error) {
	var token string
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.createStaff(tx, &u); err != nil {
			return err
		}
		if byMail {
			return enqueue(tx, OutboxItem{Kind: MailStaffInvite, StaffUserID: &u.ID, Payload: Payload{"by": actorID}})
		}
		var err error
		token, err = issuePasswordLink(tx, u.ID, actorID, PasswordInvite, InviteTTL)
		return err
	})
	return u, token, err
}

// CreateFirstAdmin creates u as an admin only while no account exists. Concurrent calls are
// serialised by an advisory lock, so exactly one wins; the others get ErrSetupDone.
func (s *Store) CreateFirstAdmin(ctx context.Context, u StaffUser) (StaffUser, error) {
	u.Role = RoleAdmin
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext('boothlead.setup'))").Error; err != nil {
			return fmt.Errorf("models: setup lock: %w", err)
		}
		var n int64
		if err := tx.Model(&StaffUser{}).Count(&n).Error; err != nil {
			return fmt.Errorf("models: count staff: %w", err)
		}
		if n > 0 {
			return ErrSetupDone
		}
		return s.createStaff(tx, &u)
	})
	return u, err
}

// StaffUserByID returns one account or ErrNotFound.
func (s *Store) StaffUserByID(ctx context.Context, id int64) (StaffUser, error) {
	var u StaffUser
	err := s.ctx(ctx).Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return StaffUser{}, ErrNotFound
	}
	if err != nil {
		return StaffUser{}, fmt.Errorf("models: staff user %d: %w", id, err)
	}
	return u, nil
}

// StaffUsers lists every account, active first, by name.
func (s *Store) StaffUsers(ctx context.Context) ([]StaffUser, error) {
	var us []StaffUser
	if err := s.ctx(ctx).Order("active DESC, lower(name), id").Find(&us).Error; err != nil {
		return nil, fmt.Errorf("models: list staff: %w", err)
	}
	return us, nil
}

// SetStaffActive activates or deactivates an account. Deactivating ends at once all its
// sessions, the tablets it paired, their open live streams, its pairing codes and its open
// password reset links.
func (s *Store) SetStaffActive(ctx context.Context, actorID, id int64, active bool) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&StaffUser{}).Where("id = ?", id).
			Updates(map[string]any{"active": active, "updated_at": gorm.Expr("now()")})
		if res.Error != nil {
			return fmt.Errorf("models: set active: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		action := "staff.activate"
		if !active {
			action = "staff.deactivate"
			if err := revokeUser(tx, id, 0, true); err != nil {
				return err
			}
		}
		return audit(tx, actorID, action, 0, fmt.Sprint(id), nil)
	})
}

// ChangePassword sets a new password after checking the current one. Every other session of the
// account ends, with every tablet it paired and its pairing codes; the session keep (the one
// changing it) stays signed in.
func (s *Store) ChangePassword(ctx context.Context, id, keep int64, current, next string) error {
	u, err := s.StaffUserByID(ctx, id)
	if err != nil {
		return err
	}
	e := newErrs()
	ok, err := s.checkPassword(ctx, u.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		e.add("current_password", "That is not your current password.")
	}
	validPassword(e, "new_password", next)
	if err := e.err(); err != nil {
		return err
	}
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := setPassword(tx, id, next); err != nil {
			return err
		}
		if err := revokeUser(tx, id, keep, false); err != nil {
			return err
		}
		return audit(tx, id, "staff.password_change", 0, fmt.Sprint(id), nil)
	})
}

func setPassword(tx *gorm.DB, id int64, pw string) error {
	err := tx.Model(&StaffUser{}).Where("id = ?", id).
		Updates(map[string]any{"password_hash": HashPassword(pw), "updated_at": gorm.Expr("now()")}).Error
	if err != nil {
		return fmt.Errorf("models: set password: %w", err)
	}
	return nil
}

// StaffUserByEmail returns the account with this email (any letter case), or ErrNotFound.
func (s *Store) StaffUserByEmail(ctx context.Context, email string) (StaffUser, error) {
	var u StaffUser
	email = strings.TrimSpace(email)
	if !Storable(email) {
		return u, ErrNotFound
	}
	err := s.ctx(ctx).Where("lower(email) = lower(?)", email).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return StaffUser{}, ErrNotFound
	}
	if err != nil {
		return StaffUser{}, fmt.Errorf("models: staff user by email: %w", err)
	}
	return u, nil
}
