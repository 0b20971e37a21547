package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// BoardRow is one lead on the live booth board: the lead and who on the team talked to them.
type BoardRow struct {
	Lead
	TalkedBy string `gorm:"->;-:migration"`
}

const boardSelect = `SELECT l.*, coalesce((SELECT string_agg(DISTINCT u.name, ', ') FROM conversations c
	JOIN staff_users u ON u.id = c.staff_user_id WHERE c.lead_id = l.id), '') AS talked_by FROM leads l `

// likePattern makes a user's search text a case-insensitive substring pattern.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.TrimSpace(q)) + "%"
}

// BoardLeads returns an event's leads, latest arrivals first, optionally only those whose name,
// email, company, title or message contains q (through the same trigram index as the leads table).
func (s *Store) BoardLeads(ctx context.Context, eventID int64, q string, limit int) ([]BoardRow, error) {
	var rows []BoardRow
	db := s.ctx(ctx)
	var err error
	if strings.TrimSpace(q) == "" {
		err = db.Raw(boardSelect+`WHERE l.event_id = ? ORDER BY l.last_seen_at DESC, l.id DESC LIMIT ?`, eventID, limit).Scan(&rows).Error
	} else {
		p := likePattern(q)
		err = db.Raw(boardSelect+`WHERE l.event_id = ? AND `+leadSearchText("l")+` ILIKE ?
			ORDER BY l.last_seen_at DESC, l.id DESC LIMIT ?`, eventID, p, limit).Scan(&rows).Error
	}
	if err != nil {
		return nil, fmt.Errorf("models: board: %w", err)
	}
	return rows, nil
}

// BoardLead returns one lead as a board row.
func (s *Store) BoardLead(ctx context.Context, leadID string) (BoardRow, error) {
	var row BoardRow
	err := s.ctx(ctx).Raw(boardSelect+`WHERE l.id = ?`, leadID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, ErrNotFound
	}
	if err != nil {
		return row, fmt.Errorf("models: board lead: %w", err)
	}
	return row, nil
}

// CountLeads returns how many leads an event has.
func (s *Store) CountLeads(ctx context.Context, eventID int64) (int64, error) {
	var n int64
	if err := s.ctx(ctx).Model(&Lead{}).Where("event_id = ?", eventID).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("models: count leads: %w", err)
	}
	return n, nil
}

// UpdateLead saves corrected details of a lead (staff completing an unresolved badge, or the
// candidate on their private page). Consents are not touched here.
func (s *Store) UpdateLead(ctx context.Context, actorID int64, l Lead, in LeadInput) (Lead, error) {
	var out Lead
	err := s.write(ctx, func(tx *gorm.DB) error {
		answers := l.Answers // a form without the questions leaves the answers as they are
		if in.Answers != nil {
			answers = in.Answers
		}
		err := tx.Raw(`UPDATE leads SET name = ?, email = ?, phone = ?, company = ?, title = ?, linkedin = ?,
			github = ?, cv_url = ?, message = ?, interests = ?, answers = ?, updated_at = now() WHERE id = ? RETURNING *`,
			in.Name, in.Email, in.Phone, in.Company, in.Title, in.LinkedIn, in.GitHub, in.CVURL, in.Message,
			StringList(append([]string{}, in.Interests...)), answers.orEmpty(), l.ID).Scan(&out).Error
		if isDuplicate(err) {
			return &ValidationError{Fields: map[string]string{"email": "Another lead at this event already has this email."}}
		}
		if err != nil {
			return fmt.Errorf("models: update lead: %w", err)
		}
		if err := audit(tx, actorID, "lead.update", l.EventID, l.ID, nil); err != nil {
			return err
		}
		return leadChanged(tx, HookLeadUpdated, l.EventID, l.ID, nil)
	})
	return out, err
}

// DeleteLead erases a lead with its consents, conversations and scans. The audit log keeps only
// the lead's id and who asked.
func (s *Store) DeleteLead(ctx context.Context, actorID int64, l Lead, by string) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := queueLeadsDeleted(tx, "SELECT id, event_id FROM leads WHERE id = ?", l.ID); err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM leads WHERE id = ?", l.ID).Error; err != nil {
			return fmt.Errorf("models: delete lead: %w", err)
		}
		return audit(tx, actorID, "lead.delete", l.EventID, l.ID, map[string]any{"by": by})
	})
}

// WithdrawConsents marks a lead's consents for the given purposes as withdrawn now.
func (s *Store) WithdrawConsents(ctx context.Context, l Lead, purposes []string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		err := tx.Exec(`UPDATE consents SET withdrawn_at = now() WHERE lead_id = ? AND withdrawn_at IS NULL
			AND purpose IN ?`, l.ID, purposes).Error
		if err != nil {
			return fmt.Errorf("models: withdraw consents: %w", err)
		}
		if err := tx.Exec(`UPDATE leads SET updated_at = now() WHERE id = ?`, l.ID).Error; err != nil {
			return fmt.Errorf("models: touch lead: %w", err)
		}
		if err := audit(tx, 0, "consent.withdraw", l.EventID, l.ID, map[string]any{"purposes": purposes}); err != nil {
			return err
		}
		return leadChanged(tx, HookLeadUpdated, l.EventID, l.ID, nil)
	})
}
