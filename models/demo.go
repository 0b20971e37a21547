package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// SeedLead is one lead to insert in bulk with its consents and conversations. The demo command,
// the benchmarks and tests that need fixed times use it; the app's own paths (CheckIn,
// AddConversation) handle one capture at a time and stamp it with the current time.
type SeedLead struct {
	ID                                 string // a random UUID when empty
	Name, Email, Phone, Company, Title string
	LinkedIn, GitHub, CVURL, Message   string
	Interests                          []string
	Tags                               []string
	Source                             string // self_checkin, badge_scan or staff_manual
	BadgeCode                          string
	VisitCount                         int // 1 when 0
	FirstSeen, LastSeen                time.Time
	Consents                           []SeedConsent
	Conversations                      []SeedConversation // any order; the latest rated one rates the lead
}

// SeedConsent is a granted consent of a seeded lead, to the event's current text of its purpose.
type SeedConsent struct {
	Purpose     string // contact or talent_pool
	CapturedBy  string // candidate or staff
	At          time.Time
	WithdrawnAt *time.Time
}

// SeedConversation is a conversation of a seeded lead.
type SeedConversation struct {
	StaffID                 int64 // 0 for a former staff member
	At                      time.Time
	Rating, Notes, FollowUp string
	Interests               []string
}

// seedChunk is how many leads one set of INSERT statements carries.
const seedChunk = 2000

// SeedLeads inserts leads into ev with their consents and conversations, a few statements per
// 2,000 leads (arrays unnested server-side, never a statement per row). Each lead's rating is its
// latest rated conversation's. Nothing is announced to live boards.
func (s *Store) SeedLeads(ctx context.Context, ev Event, leads []SeedLead) error {
	texts, err := s.CurrentConsentTexts(ctx, ev.ID)
	if err != nil {
		return err
	}
	for start := 0; start < len(leads); start += seedChunk {
		chunk := leads[start:min(start+seedChunk, len(leads))]
		err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error { return seedChunkTx(tx, ev, texts, chunk) })
		if err != nil {
			return err
		}
	}
	return nil
}

func seedChunkTx(tx *gorm.DB, ev Event, texts ConsentTexts, chunk []SeedLead) error {
	var lc [21]StringList // lead columns
	var cc [8]StringList  // conversation columns
	var kc [6]StringList  // consent columns
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	for _, l := range chunk {
		id := l.ID
		if id == "" {
			id = NewUUID()
		}
		visits := max(l.VisitCount, 1)
		last := l.LastSeen
		if last.Before(l.FirstSeen) {
			last = l.FirstSeen
		}
		interests, _ := StringList(append([]string{}, l.Interests...)).Value()
		tags, _ := StringList(append([]string{}, l.Tags...)).Value()
		rating, ratedAt := "", ""
		var latest time.Time
		for _, c := range l.Conversations {
			if c.Rating != "" && (ratedAt == "" || !c.At.Before(latest)) {
				rating, ratedAt, latest = c.Rating, ts(c.At), c.At
			}
		}
		for i, v := range []string{id, l.Name, l.Email, l.Phone, l.Company, l.Title, l.LinkedIn, l.GitHub, l.CVURL,
			l.Message, interests.(string), l.Source, l.BadgeCode, strconv.Itoa(visits), ts(l.FirstSeen), ts(last),
			NewToken(PersonalTokenBytes), "", rating, ratedAt, tags.(string)} {
			lc[i] = append(lc[i], v)
		}
		for _, c := range l.Conversations {
			ci, _ := StringList(append([]string{}, c.Interests...)).Value()
			for i, v := range []string{NewUUID(), id, strconv.FormatInt(c.StaffID, 10), c.Notes, c.Rating,
				ci.(string), c.FollowUp, ts(c.At)} {
				cc[i] = append(cc[i], v)
			}
		}
		for _, k := range l.Consents {
			text := texts.Contact
			if k.Purpose == PurposeTalentPool {
				text = texts.TalentPool
			}
			withdrawn := ""
			if k.WithdrawnAt != nil {
				withdrawn = ts(*k.WithdrawnAt)
			}
			for i, v := range []string{id, strconv.FormatInt(text.ID, 10), text.Purpose, k.CapturedBy, ts(k.At), withdrawn} {
				kc[i] = append(kc[i], v)
			}
		}
	}
	err := tx.Exec(`INSERT INTO leads (id, event_id, name, email, phone, company, title, linkedin, github, cv_url,
		message, interests, source, badge_code, visit_count, first_seen_at, last_seen_at, personal_token,
		rating, rating_at, tags)
		SELECT t.id::uuid, ?, t.name, NULLIF(t.email, ''), t.phone, t.company, t.title, t.linkedin, t.github, t.cv,
			t.message, t.interests::text[], t.source, NULLIF(t.badge, ''), t.visits::int, t.first::timestamptz,
			t.last::timestamptz, t.ptoken, NULLIF(t.rating, ''), NULLIF(t.rated, '')::timestamptz, t.tags::text[]
		FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
			?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
			?::text[], ?::text[], ?::text[])
		AS t(id, name, email, phone, company, title, linkedin, github, cv, message, interests, source, badge, visits,
			first, last, ptoken, unused, rating, rated, tags)`,
		ev.ID, lc[0], lc[1], lc[2], lc[3], lc[4], lc[5], lc[6], lc[7], lc[8], lc[9], lc[10], lc[11], lc[12], lc[13],
		lc[14], lc[15], lc[16], lc[17], lc[18], lc[19], lc[20]).Error
	if err != nil {
		return fmt.Errorf("models: seed leads: %w", err)
	}
	if len(cc[0]) > 0 {
		err = tx.Exec(`INSERT INTO conversations (client_id, lead_id, staff_user_id, notes, rating, interests,
			follow_up, happened_at, received_at)
			SELECT t.cid::uuid, t.lid::uuid, NULLIF(t.staff, '0')::bigint, t.notes, NULLIF(t.rating, ''),
				t.interests::text[], t.follow, t.at::timestamptz, t.at::timestamptz
			FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
			AS t(cid, lid, staff, notes, rating, interests, follow, at)`,
			cc[0], cc[1], cc[2], cc[3], cc[4], cc[5], cc[6], cc[7]).Error
		if err != nil {
			return fmt.Errorf("models: seed conversations: %w", err)
		}
	}
	if len(kc[0]) > 0 {
		err = tx.Exec(`INSERT INTO consents (lead_id, consent_text_id, purpose, granted, captured_by, at, withdrawn_at)
			SELECT t.lid::uuid, t.text::bigint, t.purpose, true, t.by, t.at::timestamptz,
				NULLIF(t.withdrawn, '')::timestamptz
			FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
			AS t(lid, text, purpose, by, at, withdrawn)`, kc[0], kc[1], kc[2], kc[3], kc[4], kc[5]).Error
		if err != nil {
			return fmt.Errorf("models: seed consents: %w", err)
		}
	}
	return nil
}

// NewUUID returns a random (version 4) UUID.
func NewUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// UpsertStaffUser creates u, or gives the account that already has u's email u's name, role and
// password hash, and activates it. It is for the demo command, whose accounts get a fresh
// password on every run; the app itself never changes an account this way.
func (s *Store) UpsertStaffUser(ctx context.Context, u StaffUser) (StaffUser, error) {
	var out StaffUser
	err := s.ctx(ctx).Raw(`INSERT INTO staff_users (email, name, role, password_hash, active)
		VALUES (?, ?, ?, ?, true)
		ON CONFLICT (lower(email)) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role,
			password_hash = EXCLUDED.password_hash, active = true, updated_at = now()
		RETURNING *`, u.Email, u.Name, u.Role, u.PasswordHash).Scan(&out).Error
	if err != nil {
		return StaffUser{}, fmt.Errorf("models: upsert staff user: %w", err)
	}
	return out, nil
}

// FreeSlug returns base if no event uses it, else the first of base-2, base-3, … that is free.
func (s *Store) FreeSlug(ctx context.Context, base string) (string, error) {
	for i := 1; i < 1000; i++ {
		slug := base
		if i > 1 {
			slug = base + "-" + strconv.Itoa(i)
		}
		_, err := s.EventBySlug(ctx, slug)
		if errors.Is(err, ErrNotFound) {
			return slug, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("models: no free slug for %q", base)
}
