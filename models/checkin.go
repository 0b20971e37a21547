package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// A public form proves nothing about who typed an email address. So a check-in with an address
// already known at the event (a repeat) counts a visit and keeps what was typed, but changes
// nothing stored and records no consent: the mail to the lead's address says what the repeat
// asked for and carries the link that confirms it. Neither the repeat's answer nor its
// confirmation page reveals anything stored.

// CheckInResult is what a self check-in did. ThanksToken opens the submission's confirmation page,
// which shows only what this submission typed.
type CheckInResult struct {
	Lead        Lead // for the board and metrics; never shown on a public page
	Visit       Visit
	ThanksToken string
	Created     bool
}

// Token sizes, in bytes of entropy. The handlers make decoy tokens of the same sizes, so a
// refused check-in's answer looks like an accepted one.
const (
	PersonalTokenBytes = 24
	ThanksTokenBytes   = 24
	codeBytes          = 24
	linkTokenBytes     = 32
)

// MaxRepeatMailsPerHour bounds the mails that repeat check-ins of one lead send, so nobody can
// flood an address by checking in with it again and again; visits beyond it are still counted.
const MaxRepeatMailsPerHour = 5

const insertLeadSQL = `
INSERT INTO leads AS l (event_id, name, email, phone, company, title, linkedin, github, cv_url, message,
	interests, source, personal_token, created_by, language, answers)
VALUES (@event, @name, @email, @phone, @company, @title, @linkedin, @github, @cv, @message,
	@interests, @source, @ptoken, NULLIF(@staff, 0), @language, @answers)
ON CONFLICT (event_id, lower(email)) WHERE email IS NOT NULL DO UPDATE SET `

// a repeat self check-in only counts the visit
const countVisitSQL = `visit_count = l.visit_count + 1, last_seen_at = now(), updated_at = now()
RETURNING l.*, (xmax = 0) AS inserted`

// staff at the booth may complete what is missing, never replace what is there
const fillEmptySQL = `name = COALESCE(NULLIF(l.name, ''), EXCLUDED.name),
	phone = COALESCE(NULLIF(l.phone, ''), EXCLUDED.phone),
	company = COALESCE(NULLIF(l.company, ''), EXCLUDED.company),
	title = COALESCE(NULLIF(l.title, ''), EXCLUDED.title),
	linkedin = COALESCE(NULLIF(l.linkedin, ''), EXCLUDED.linkedin),
	github = COALESCE(NULLIF(l.github, ''), EXCLUDED.github),
	cv_url = COALESCE(NULLIF(l.cv_url, ''), EXCLUDED.cv_url),
	message = COALESCE(NULLIF(l.message, ''), EXCLUDED.message),
	interests = ARRAY(SELECT x FROM unnest(l.interests || EXCLUDED.interests) WITH ORDINALITY AS t(x, n)
		GROUP BY x ORDER BY min(n)),
	` + countVisitSQL

// leadLanguage is the language a form was filled in, or the event's.
func leadLanguage(ev Event, in LeadInput) string {
	if IsLanguage(in.Language) {
		return in.Language
	}
	if IsLanguage(ev.Language) {
		return ev.Language
	}
	return "en"
}

type upserted struct {
	Lead
	Inserted bool `gorm:"->;-:migration"`
}

func upsertLead(tx *gorm.DB, ev Event, in LeadInput, source string, staffID int64, onConflict string) (upserted, error) {
	interests := StringList(in.Interests)
	if interests == nil {
		interests = StringList{}
	}
	var row upserted
	err := tx.Raw(insertLeadSQL+onConflict, map[string]any{
		"event": ev.ID, "name": in.Name, "email": in.Email, "phone": in.Phone, "company": in.Company,
		"title": in.Title, "linkedin": in.LinkedIn, "github": in.GitHub, "cv": in.CVURL, "message": in.Message,
		"interests": interests, "source": source, "ptoken": NewToken(PersonalTokenBytes), "staff": staffID,
		"language": leadLanguage(ev, in), "answers": in.Answers.orEmpty(),
	}).Scan(&row).Error
	if err != nil {
		return row, fmt.Errorf("models: upsert lead: %w", err)
	}
	return row, nil
}

// checkTexts refuses consents ticked on a wording that is no longer current.
func checkTexts(in LeadInput, texts ConsentTexts) error {
	if (in.Consent && in.ContactTextID != 0 && in.ContactTextID != texts.Contact.ID) ||
		(in.TalentPool && in.TalentPoolTextID != 0 && in.TalentPoolTextID != texts.TalentPool.ID) {
		return ErrConsentTextChanged
	}
	return nil
}

// consentsWanted are the consents a form ticked that the lead does not hold for that wording.
func consentsWanted(tx *gorm.DB, leadID string, in LeadInput, texts ConsentTexts) ([]ConsentText, error) {
	var held []int64
	err := tx.Raw(`SELECT consent_text_id FROM consents WHERE lead_id = ? AND granted AND withdrawn_at IS NULL`, leadID).
		Scan(&held).Error
	if err != nil {
		return nil, fmt.Errorf("models: consents held: %w", err)
	}
	has := func(id int64) bool {
		for _, h := range held {
			if h == id {
				return true
			}
		}
		return false
	}
	var out []ConsentText
	if in.Consent && !has(texts.Contact.ID) {
		out = append(out, texts.Contact)
	}
	if in.TalentPool && !has(texts.TalentPool.ID) {
		out = append(out, texts.TalentPool)
	}
	return out, nil
}

// checkInTx records a self check-in statement by statement in one transaction: the path of a
// repeat (an address already known at the event), which compares what was typed with what is
// stored. See CheckIn.
func (s *Store) checkInTx(ctx context.Context, ev Event, in LeadInput) (CheckInResult, error) {
	var res CheckInResult
	err := s.write(ctx, func(tx *gorm.DB) error {
		texts, err := currentConsentTexts(tx, ev.ID, leadLanguage(ev, in))
		if err != nil {
			return err
		}
		if err := checkTexts(in, texts); err != nil {
			return err
		}
		row, err := upsertLead(tx, ev, in, SourceSelfCheckIn, 0, countVisitSQL)
		if err != nil {
			return err
		}
		res.Lead, res.Created = row.Lead, row.Inserted
		wanted, err := consentsWanted(tx, row.ID, in, texts)
		if err != nil {
			return err
		}
		v := Visit{LeadID: row.ID, EventID: ev.ID, Source: SourceSelfCheckIn, Repeat: !row.Inserted, Typed: typedOf(in),
			Language: leadLanguage(ev, in)}
		if row.Inserted {
			for _, t := range wanted {
				if err := addConsent(tx, row.ID, t, CapturedByCandidate, 0); err != nil {
					return err
				}
			}
		} else {
			v.Changes = diffTyped(row.Lead, v.Typed)
			for _, t := range wanted {
				v.Changes.Consents = append(v.Changes.Consents, ConsentAsk{Purpose: t.Purpose, TextID: t.ID, Version: t.Version})
			}
		}
		res.ThanksToken = NewToken(ThanksTokenBytes)
		if err := insertVisit(tx, &v, res.ThanksToken); err != nil {
			return err
		}
		res.Visit = v
		kind, send := MailCheckIn, true
		if v.Repeat {
			kind = MailRepeat
			n, err := recentMails(tx, row.ID, MailRepeat)
			if err != nil {
				return err
			}
			send = n < MaxRepeatMailsPerHour
		}
		if send {
			if err := enqueue(tx, OutboxItem{Kind: kind, LeadID: &row.ID, VisitID: &v.ID}); err != nil {
				return err
			}
		}
		return leadChanged(tx, createdOrUpdated(row.Inserted), ev.ID, row.ID, nil)
	})
	if err != nil {
		return CheckInResult{}, err
	}
	return res, nil
}

func insertVisit(tx *gorm.DB, v *Visit, thanksToken string) error {
	code := NewToken(codeBytes)
	v.Code = &code
	if thanksToken != "" {
		h := HashToken(thanksToken)
		v.ThanksHash = &h
	}
	if err := tx.Omit("ID", "ConfirmedAt", "At").Create(v).Error; err != nil {
		return fmt.Errorf("models: record visit: %w", err)
	}
	return nil
}

// AddWalkIn records a person staff added by hand, with the consents staff captured in person. A
// known address completes what the lead lacks (never replaces what is there) and counts a visit;
// what the form typed differently is kept on the visit for staff to see. A consent newly
// recorded queues the mail with the private link and a copy of the consent. A repeated client_id
// returns the lead the first request made.
func (s *Store) AddWalkIn(ctx context.Context, ev Event, staffID int64, in LeadInput) (Lead, bool, error) {
	var lead Lead
	created := false
	err := s.write(ctx, func(tx *gorm.DB) error {
		if in.ClientID != "" {
			l, found, err := capturedLead(tx, in.ClientID)
			if err != nil || found {
				lead = l
				return err
			}
		}
		texts, err := currentConsentTexts(tx, ev.ID, leadLanguage(ev, in))
		if err != nil {
			return err
		}
		if err := checkTexts(in, texts); err != nil {
			return err
		}
		row, err := upsertLead(tx, ev, in, SourceStaffManual, staffID, fillEmptySQL)
		if err != nil {
			return err
		}
		lead, created = row.Lead, row.Inserted
		wanted, err := consentsWanted(tx, row.ID, in, texts)
		if err != nil {
			return err
		}
		for _, t := range wanted {
			if err := addConsent(tx, row.ID, t, CapturedByStaff, staffID); err != nil {
				return err
			}
		}
		v := Visit{LeadID: row.ID, EventID: ev.ID, Source: SourceStaffManual, StaffUserID: &staffID,
			Repeat: !row.Inserted, Typed: typedOf(in), Language: leadLanguage(ev, in)}
		if v.Repeat {
			v.Changes = diffTyped(row.Lead, v.Typed)
		}
		if err := insertVisit(tx, &v, ""); err != nil {
			return err
		}
		if in.ClientID != "" {
			if err := tx.Exec("INSERT INTO captures (client_id, lead_id, kind) VALUES (?, ?, 'walk_in')",
				in.ClientID, row.ID).Error; err != nil {
				return fmt.Errorf("models: record capture: %w", err)
			}
		}
		if len(wanted) > 0 && row.Email != nil {
			if err := enqueue(tx, OutboxItem{Kind: MailStaffConsent, LeadID: &row.ID, VisitID: &v.ID}); err != nil {
				return err
			}
		}
		return leadChanged(tx, createdOrUpdated(row.Inserted), ev.ID, row.ID, nil)
	})
	return lead, created, err
}

// VerbalConsent is a consent a person gave booth staff in person (a scanned badge, a lead found
// by a scan), with the name and email staff asked for when the lead lacks them.
type VerbalConsent struct {
	Name, Email         string
	Consent, TalentPool bool
	ClientID            string // the tablet's id for this capture: a re-sent one is stored once
}

// RecordVerbalConsent stores the consents staff captured in person, completing a missing name or
// email first; with an email, the mail with the private link and a copy of the consent is queued.
func (s *Store) RecordVerbalConsent(ctx context.Context, staffID int64, l Lead, in VerbalConsent) (Lead, error) {
	e := newErrs()
	if l.Name == "" {
		in.Name = leadText(e, "name", "Name", in.Name, MaxNameLen, false, false)
	}
	if l.Email == nil {
		in.Email = cleanEmail(e, "email", prep(in.Email), false)
	}
	if !in.Consent {
		e.add("consent", "Tick this once they agree to be contacted: without it nothing is recorded.")
	}
	if err := e.err(); err != nil {
		return l, err
	}
	var out Lead
	err := s.write(ctx, func(tx *gorm.DB) error {
		if in.ClientID != "" {
			l, found, err := capturedLead(tx, in.ClientID)
			if err != nil || found {
				out = l
				return err
			}
		}
		set := map[string]any{"updated_at": gorm.Expr("now()")}
		if l.Name == "" && in.Name != "" {
			set["name"] = in.Name
		}
		if l.Email == nil && in.Email != "" {
			set["email"] = in.Email
		}
		err := tx.Model(&Lead{}).Where("id = ?", l.ID).Updates(set).Error
		if isDuplicate(err) {
			return &ValidationError{Fields: map[string]string{"email": "Another lead at this event has this email: open that one (search the board) and record the consent there."}}
		}
		if err != nil {
			return fmt.Errorf("models: complete lead: %w", err)
		}
		if err := tx.Take(&out, "id = ?", l.ID).Error; err != nil {
			return fmt.Errorf("models: lead: %w", err)
		}
		texts, err := currentConsentTexts(tx, l.EventID, l.Language)
		if err != nil {
			return err
		}
		wanted, err := consentsWanted(tx, l.ID, LeadInput{Consent: in.Consent, TalentPool: in.TalentPool}, texts)
		if err != nil {
			return err
		}
		for _, t := range wanted {
			if err := addConsent(tx, l.ID, t, CapturedByStaff, staffID); err != nil {
				return err
			}
		}
		if len(wanted) > 0 && out.Email != nil {
			if err := enqueue(tx, OutboxItem{Kind: MailStaffConsent, LeadID: &out.ID}); err != nil {
				return err
			}
		}
		if in.ClientID != "" {
			if err := tx.Exec("INSERT INTO captures (client_id, lead_id, kind) VALUES (?, ?, 'consent')", in.ClientID, l.ID).Error; err != nil {
				return fmt.Errorf("models: record capture: %w", err)
			}
		}
		if err := audit(tx, staffID, "lead.consent_in_person", l.EventID, l.ID, map[string]any{"consents": len(wanted)}); err != nil {
			return err
		}
		return leadChanged(tx, HookLeadUpdated, l.EventID, l.ID, nil)
	})
	return out, err
}
