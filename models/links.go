package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Links mailed to a lead. Each is random (256 bits), good for one purpose, and kept only as its
// SHA-256: a copy of the database opens no private page.
const (
	LinkSelf    = "self"    // the private page, for as long as the lead exists
	LinkConfirm = "confirm" // applies one repeat visit's changes, once
)

// ConfirmLinkTTL is how long the link that confirms a repeat check-in works.
const ConfirmLinkTTL = 48 * time.Hour

// IssueSelfLink mints a private link for a lead (the mail that carries it is being built).
func (s *Store) IssueSelfLink(ctx context.Context, leadID string) (string, error) {
	return s.issueLink(ctx, leadID, LinkSelf, nil, nil)
}

// IssueConfirmLink mints the link that confirms a visit's changes.
func (s *Store) IssueConfirmLink(ctx context.Context, leadID string, visitID int64) (string, error) {
	exp := time.Now().Add(ConfirmLinkTTL)
	return s.issueLink(ctx, leadID, LinkConfirm, &visitID, &exp)
}

func (s *Store) issueLink(ctx context.Context, leadID, purpose string, visitID *int64, expires *time.Time) (string, error) {
	token := NewToken(linkTokenBytes)
	err := s.ctx(ctx).Exec(`INSERT INTO lead_links (token_hash, lead_id, purpose, visit_id, expires_at)
		VALUES (?, ?, ?, ?, ?)`, HashToken(token), leadID, purpose, visitID, expires).Error
	if err != nil {
		return "", fmt.Errorf("models: issue %s link: %w", purpose, err)
	}
	return token, nil
}

// DropLink forgets a link whose mail could not be sent (the next attempt mints another).
func (s *Store) DropLink(ctx context.Context, token string) error {
	if err := s.ctx(ctx).Exec(`DELETE FROM lead_links WHERE token_hash = ?`, HashToken(token)).Error; err != nil {
		return fmt.Errorf("models: drop link: %w", err)
	}
	return nil
}

// LeadBySelfLink returns the lead whose private link carries token.
func (s *Store) LeadBySelfLink(ctx context.Context, token string) (Lead, error) {
	var l Lead
	err := s.ctx(ctx).Raw(`SELECT l.* FROM lead_links k JOIN leads l ON l.id = k.lead_id
		WHERE k.token_hash = ? AND k.purpose = 'self'`, HashToken(token)).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Lead{}, ErrNotFound
	}
	if err != nil {
		return Lead{}, fmt.Errorf("models: lead by private link: %w", err)
	}
	return l, nil
}

// VisitByConfirmLink returns what a confirm link would apply, without applying it. ErrTokenUsed:
// the link is unknown, used or expired, or its visit was confirmed already.
func (s *Store) VisitByConfirmLink(ctx context.Context, token string) (Visit, Lead, error) {
	var v Visit
	err := s.ctx(ctx).Raw(`SELECT v.* FROM lead_links k JOIN visits v ON v.id = k.visit_id
		WHERE k.token_hash = ? AND k.purpose = 'confirm' AND k.used_at IS NULL AND k.expires_at > now()
		AND v.confirmed_at IS NULL`, HashToken(token)).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Visit{}, Lead{}, ErrTokenUsed
	}
	if err != nil {
		return Visit{}, Lead{}, fmt.Errorf("models: visit by confirm link: %w", err)
	}
	l, err := s.LeadByID(ctx, v.LeadID)
	return v, l, err
}

// ConfirmVisit applies what a repeat check-in asked for, exactly once however often the link is
// opened or raced: the details it typed, the interests it added and the consents it ticked (to
// the wording shown then, recorded as given by the candidate). ErrTokenUsed as for
// VisitByConfirmLink.
func (s *Store) ConfirmVisit(ctx context.Context, token string) (Lead, error) {
	var lead Lead
	err := s.write(ctx, func(tx *gorm.DB) error {
		var link struct {
			LeadID  string
			VisitID int64
		}
		err := tx.Raw(`UPDATE lead_links SET used_at = now() WHERE token_hash = ? AND purpose = 'confirm'
			AND used_at IS NULL AND expires_at > now() RETURNING lead_id, visit_id`, HashToken(token)).Take(&link).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrTokenUsed
		}
		if err != nil {
			return fmt.Errorf("models: use confirm link: %w", err)
		}
		var v Visit
		err = tx.Raw(`UPDATE visits SET confirmed_at = now() WHERE id = ? AND confirmed_at IS NULL RETURNING *`,
			link.VisitID).Take(&v).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrTokenUsed // confirmed through another mail of the same visit
		}
		if err != nil {
			return fmt.Errorf("models: confirm visit: %w", err)
		}
		// the visit's other confirm links (earlier attempts of its mail) die with this one
		if err := tx.Exec(`UPDATE lead_links SET used_at = now() WHERE visit_id = ? AND used_at IS NULL`, v.ID).Error; err != nil {
			return fmt.Errorf("models: retire confirm links: %w", err)
		}
		if lead, err = applyChanges(tx, v); err != nil {
			return err
		}
		fields := []string{}
		for _, f := range v.Changes.Fields {
			fields = append(fields, f.Field)
		}
		return audit(tx, 0, "lead.confirm_visit", lead.EventID, lead.ID, map[string]any{"visit": v.ID, "fields": fields,
			"interests": len(v.Changes.Interests), "consents": len(v.Changes.Consents), "answers": len(v.Changes.Answers)})
	})
	return lead, err
}

func applyChanges(tx *gorm.DB, v Visit) (Lead, error) {
	set := map[string]any{"updated_at": gorm.Expr("now()")}
	for _, f := range v.Changes.Fields {
		if slices.Contains(ChangeFields, f.Field) { // a form field is its column's name
			set[f.Field] = f.To
		}
	}
	if len(v.Changes.Interests) > 0 {
		set["interests"] = gorm.Expr(`ARRAY(SELECT x FROM unnest(interests || ?::text[]) WITH ORDINALITY AS t(x, n)
			GROUP BY x ORDER BY min(n))`, StringList(v.Changes.Interests))
	}
	if len(v.Changes.Answers) > 0 {
		given := Answers{}
		for _, a := range v.Changes.Answers {
			given[a.Key] = a.To
		}
		set["answers"] = gorm.Expr(`answers || ?::jsonb`, given)
	}
	if err := tx.Model(&Lead{}).Where("id = ?", v.LeadID).Updates(set).Error; err != nil {
		return Lead{}, fmt.Errorf("models: apply visit: %w", err)
	}
	for _, ask := range v.Changes.Consents {
		var t ConsentText
		if err := tx.Where("id = ? AND event_id = ?", ask.TextID, v.EventID).Take(&t).Error; err != nil {
			return Lead{}, fmt.Errorf("models: consent text of visit: %w", err)
		}
		var held int64
		err := tx.Raw(`SELECT count(*) FROM consents WHERE lead_id = ? AND consent_text_id = ? AND granted
			AND withdrawn_at IS NULL`, v.LeadID, t.ID).Scan(&held).Error
		if err != nil {
			return Lead{}, fmt.Errorf("models: consents held: %w", err)
		}
		if held == 0 {
			if err := addConsent(tx, v.LeadID, t, CapturedByCandidate, 0); err != nil {
				return Lead{}, err
			}
		}
	}
	var l Lead
	if err := tx.Take(&l, "id = ?", v.LeadID).Error; err != nil {
		return Lead{}, fmt.Errorf("models: lead of visit: %w", err)
	}
	return l, leadChanged(tx, HookLeadUpdated, l.EventID, l.ID, nil)
}

// LeadMail is what the mails to a lead are built from.
type LeadMail struct {
	Lead     Lead
	Event    Event
	Visit    *Visit
	Consents []Consent // in force, with their wording, oldest first
	Texts    map[int64]ConsentText
}

// LeadMailData loads what a lead's mail says; ErrNotFound when the lead is gone (erased).
func (s *Store) LeadMailData(ctx context.Context, leadID string, visitID *int64) (LeadMail, error) {
	var d LeadMail
	var err error
	if d.Lead, err = s.LeadByID(ctx, leadID); err != nil {
		return d, err
	}
	if d.Event, err = s.EventByID(ctx, d.Lead.EventID); err != nil {
		return d, err
	}
	cs, err := s.Consents(ctx, leadID)
	if err != nil {
		return d, err
	}
	for _, c := range cs {
		if c.Granted && c.WithdrawnAt == nil {
			d.Consents = append(d.Consents, c)
		}
	}
	if visitID != nil {
		var v Visit
		err := s.ctx(ctx).Where("id = ? AND lead_id = ?", *visitID, leadID).Take(&v).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return d, ErrNotFound
		}
		if err != nil {
			return d, fmt.Errorf("models: visit of mail: %w", err)
		}
		d.Visit = &v
		d.Texts = map[int64]ConsentText{}
		for _, ask := range v.Changes.Consents {
			var t ConsentText
			if err := s.ctx(ctx).Take(&t, ask.TextID).Error; err != nil {
				return d, fmt.Errorf("models: consent text of visit: %w", err)
			}
			d.Texts[t.ID] = t
		}
	}
	return d, nil
}
