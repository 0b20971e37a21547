package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// ErrLastAdmin is returned when a change would leave no active admin.
var ErrLastAdmin = fmt.Errorf("models: the last active admin: %w", ErrConflict)

// SetStaffRole gives account id the role role (admin, recruiter or staff) and audits it. It
// refuses (ErrLastAdmin) to take the admin role from the last active admin, so nobody can lock
// every admin out. The new role applies from the account's next request.
func (s *Store) SetStaffRole(ctx context.Context, actorID, id int64, role string) error {
	if RoleRank(role) == 0 {
		return &ValidationError{Fields: map[string]string{"role": "Choose booth staff, recruiter or admin."}}
	}
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var u StaffUser
		if err := tx.Raw(`SELECT * FROM staff_users WHERE id = ? FOR UPDATE`, id).Scan(&u).Error; err != nil {
			return fmt.Errorf("models: staff for role: %w", err)
		}
		if u.ID == 0 {
			return ErrNotFound
		}
		if u.Role == role {
			return nil
		}
		if u.Role == RoleAdmin && u.Active {
			var admins int64
			// Lock every admin row, so two admins demoting each other at once cannot both succeed.
			if err := tx.Raw(`SELECT count(*) FROM (SELECT id FROM staff_users WHERE role = 'admin' AND active
				FOR UPDATE) a`).Scan(&admins).Error; err != nil {
				return fmt.Errorf("models: count admins: %w", err)
			}
			if admins <= 1 {
				return ErrLastAdmin
			}
		}
		if err := tx.Exec(`UPDATE staff_users SET role = ?, updated_at = now() WHERE id = ?`, role, id).Error; err != nil {
			return fmt.Errorf("models: set role: %w", err)
		}
		return audit(tx, actorID, "staff.role", 0, fmt.Sprint(id), map[string]any{"role": role, "was": u.Role})
	})
}
