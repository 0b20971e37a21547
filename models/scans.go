package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ScanInput is what a scanned code said, as the badge package parsed it.
type ScanInput struct {
	ClientID                                                      string
	Raw                                                           string // the text exactly as scanned: always kept
	Kind                                                          string
	PersonalToken                                                 string // a candidate's personal QR
	IdentityKind                                                  string // email, linkedin or code
	IdentityValue                                                 string
	Name, Email, Phone, Company, Title, LinkedIn, GitHub, Website string
}

// MaxScanLen bounds a scanned code; badges carry at most a few hundred bytes.
const MaxScanLen = 4096

// ResolveScan finds or creates the lead a scan names at ev: a personal QR finds its lead; an
// email (vCard, MeCard, mailto, Devoxx) or LinkedIn URL finds the lead with it or creates one
// from the badge; anything else finds or creates an unresolved lead keyed by the code. The same
// code scanned twice opens the same lead, concurrent scans included; a re-sent capture (same
// client id) returns the first answer. Every scan is kept with its raw text.
func (s *Store) ResolveScan(ctx context.Context, ev Event, staffID int64, in ScanInput) (Lead, bool, error) {
	if strings.TrimSpace(in.Raw) == "" {
		return Lead{}, false, &ValidationError{Fields: map[string]string{"code": "Scan a code or type it in first."}}
	}
	if len(in.Raw) > MaxScanLen {
		return Lead{}, false, &ValidationError{Fields: map[string]string{"code": "That code is too long to be a badge."}}
	}
	if !Storable(in.Raw) {
		return Lead{}, false, &ValidationError{Fields: map[string]string{
			"code": "That code holds bytes that are not text (a NUL or broken characters). Scan it again, or type the person's email."}}
	}
	if !isUUID(in.ClientID) {
		return Lead{}, false, &ValidationError{Fields: map[string]string{"code": "This form is missing its capture id; reload the page and try again."}}
	}
	var lead upserted
	err := s.write(ctx, func(tx *gorm.DB) error {
		err := tx.Raw(`SELECT l.* FROM scans s JOIN leads l ON l.id = s.lead_id WHERE s.client_id = ?`, in.ClientID).Take(&lead.Lead).Error
		if err == nil {
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("models: scan by client id: %w", err)
		}
		if in.PersonalToken != "" {
			l, err := leadByPersonalCode(tx, in.PersonalToken)
			if errors.Is(err, ErrNotFound) || (err == nil && l.EventID != ev.ID) {
				return &ValidationError{Fields: map[string]string{"code": "This personal QR code is not from this event's check-in."}}
			}
			if err != nil {
				return err
			}
			lead.Lead = l
		} else if err := upsertScanned(tx, ev, staffID, in, &lead); err != nil {
			return err
		}
		err = tx.Exec(`INSERT INTO scans (client_id, event_id, lead_id, staff_user_id, raw, kind)
			VALUES (?, ?, ?, NULLIF(?, 0), ?, ?) ON CONFLICT (client_id) DO NOTHING`,
			in.ClientID, ev.ID, lead.ID, staffID, in.Raw, in.Kind).Error
		if err != nil {
			return fmt.Errorf("models: record scan: %w", err)
		}
		return leadChanged(tx, createdOrUpdated(lead.Inserted), ev.ID, lead.ID, nil)
	})
	return lead.Lead, lead.Inserted, err
}

func upsertScanned(tx *gorm.DB, ev Event, staffID int64, in ScanInput, out *upserted) error {
	fields := map[string]any{
		"event": ev.ID, "name": clip(nfc(in.Name), 200), "phone": clip(in.Phone, 40), "company": clip(nfc(in.Company), 200),
		"title": clip(nfc(in.Title), 200), "linkedin": clip(in.LinkedIn, 500), "github": clip(in.GitHub, 500),
		"cv": clip(in.Website, 500), "ptoken": NewToken(PersonalTokenBytes), "staff": staffID,
		"email": nil, "code": nil, "language": leadLanguage(ev, LeadInput{}),
	}
	// Fill what the lead lacks; never overwrite what a person typed.
	const fill = `name = COALESCE(NULLIF(l.name, ''), EXCLUDED.name), phone = COALESCE(NULLIF(l.phone, ''), EXCLUDED.phone),
		company = COALESCE(NULLIF(l.company, ''), EXCLUDED.company), title = COALESCE(NULLIF(l.title, ''), EXCLUDED.title),
		linkedin = COALESCE(NULLIF(l.linkedin, ''), EXCLUDED.linkedin), github = COALESCE(NULLIF(l.github, ''), EXCLUDED.github),
		cv_url = COALESCE(NULLIF(l.cv_url, ''), EXCLUDED.cv_url), last_seen_at = now(), updated_at = now()`
	insert := `INSERT INTO leads AS l (event_id, name, email, phone, company, title, linkedin, github, cv_url,
		source, badge_code, personal_token, created_by, language)
		VALUES (@event, @name, @email, @phone, @company, @title, @linkedin, @github, @cv, 'badge_scan', @code,
		@ptoken, NULLIF(@staff, 0), @language) `
	var q string
	switch in.IdentityKind {
	case "email":
		fields["email"] = clip(in.Email, 254)
		q = insert + `ON CONFLICT (event_id, lower(email)) WHERE email IS NOT NULL DO UPDATE SET ` + fill
	case "linkedin":
		// A lead who typed this LinkedIn URL at check-in is the same person.
		err := tx.Where("event_id = ? AND lower(linkedin) = lower(?)", ev.ID, in.LinkedIn).
			Order("first_seen_at").Limit(1).Find(&out.Lead).Error
		if err != nil {
			return fmt.Errorf("models: lead by linkedin: %w", err)
		}
		if out.ID != "" {
			return nil
		}
		fields["code"] = clip(in.LinkedIn, 500)
		q = insert + `ON CONFLICT (event_id, badge_code) WHERE badge_code IS NOT NULL DO UPDATE SET ` + fill
	default:
		fields["code"] = strings.TrimSpace(in.IdentityValue)
		if fields["code"] == "" {
			fields["code"] = strings.TrimSpace(in.Raw)
		}
		q = insert + `ON CONFLICT (event_id, badge_code) WHERE badge_code IS NOT NULL DO UPDATE SET ` + fill
	}
	if err := tx.Raw(q+` RETURNING l.*, (xmax = 0) AS inserted`, fields).Scan(out).Error; err != nil {
		return fmt.Errorf("models: upsert scanned lead: %w", err)
	}
	return nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// Scan is one scan of a code at the booth.
type Scan struct {
	ID          int64
	ClientID    string
	EventID     int64
	LeadID      string
	StaffUserID *int64
	Raw         string
	Kind        string
	At          time.Time
	StaffName   string `gorm:"->;-:migration"`
}

// TableName maps Scan onto scans.
func (Scan) TableName() string { return "scans" }

// Scans returns the scans that led to a lead, newest first.
func (s *Store) Scans(ctx context.Context, leadID string) ([]Scan, error) {
	var out []Scan
	err := s.ctx(ctx).Raw(`SELECT s.*, coalesce(u.name, '') AS staff_name FROM scans s
		LEFT JOIN staff_users u ON u.id = s.staff_user_id WHERE s.lead_id = ? ORDER BY s.at DESC, s.id DESC`, leadID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: scans: %w", err)
	}
	return out, nil
}
