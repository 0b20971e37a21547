package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Conversation is one talk staff had with a lead. Append-only.
type Conversation struct {
	ID          int64
	ClientID    string
	LeadID      string
	StaffUserID *int64
	Notes       string
	Rating      *string
	Interests   StringList `gorm:"type:text[]"`
	FollowUp    string
	HappenedAt  time.Time
	ReceivedAt  time.Time
	Corrects    *int64 // the earlier conversation this one corrects (nothing is ever changed)
	StaffName   string `gorm:"->;-:migration"`
}

// TableName maps Conversation onto conversations.
func (Conversation) TableName() string { return "conversations" }

// RatingText returns the rating or "".
func (c Conversation) RatingText() string {
	if c.Rating == nil {
		return ""
	}
	return *c.Rating
}

// ConversationInput is the conversation form as typed.
type ConversationInput struct {
	ClientID, Notes, Rating, FollowUp, CapturedAt string
	Interests                                     []string
	Corrects                                      string // the id of the conversation this corrects, or ""
}

// NewConversation validates a conversation for a lead of ev by staff member staffID. CapturedAt
// is the device's clock (RFC 3339); when missing or implausible the server's time is used.
func NewConversation(ev Event, lead Lead, staffID int64, in ConversationInput, now time.Time) (Conversation, error) {
	e := newErrs()
	c := Conversation{LeadID: lead.ID, StaffUserID: &staffID, ClientID: strings.TrimSpace(in.ClientID)}
	if !isUUID(c.ClientID) {
		e.add("client_id", "This form is missing its capture id; reload the page and try again.")
	}
	c.Notes = nfc(cleanText(e, "notes", "Notes", in.Notes, 5000, false, true))
	c.FollowUp = nfc(cleanText(e, "follow_up", "Follow-up", in.FollowUp, 500, false, true))
	switch r := strings.TrimSpace(in.Rating); r {
	case "":
	case "hot", "warm", "cold":
		c.Rating = &r
	default:
		e.add("rating", "Choose hot, warm or cold.")
	}
	c.Interests = StringList{}
	for _, it := range in.Interests {
		if it = strings.TrimSpace(it); it == "" || c.Interests.Contains(it) {
			continue
		}
		if !ev.Interests.Contains(it) {
			e.add("interests", "Choose from the event's interests.")
			continue
		}
		c.Interests = append(c.Interests, it)
	}
	if c.Notes == "" && c.Rating == nil && len(c.Interests) == 0 && c.FollowUp == "" && !e.has("notes") {
		e.add("notes", "Write a note, or pick a rating, an interest or a follow-up.")
	}
	if v := strings.TrimSpace(in.Corrects); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			e.add("notes", "The entry this corrects could not be found; reload the page and try again.")
		} else {
			c.Corrects = &id
		}
	}
	c.HappenedAt = now
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(in.CapturedAt)); err == nil &&
		t.Before(now.Add(5*time.Minute)) && t.After(now.Add(-30*24*time.Hour)) {
		c.HappenedAt = t.UTC()
	}
	return c, e.err()
}

// AddConversation stores c once per client id: a re-sent capture returns the stored one with
// created false. A new conversation's rating becomes the lead's current rating unless a later
// one (by the time it happened) already rated the lead; its interests join the lead's.
func (s *Store) AddConversation(ctx context.Context, ev Event, c Conversation) (Conversation, bool, error) {
	var out Conversation
	created := false
	err := s.write(ctx, func(tx *gorm.DB) error {
		if c.Corrects != nil {
			var n int64
			if err := tx.Model(&Conversation{}).Where("id = ? AND lead_id = ?", *c.Corrects, c.LeadID).Count(&n).Error; err != nil {
				return fmt.Errorf("models: corrected conversation: %w", err)
			}
			if n == 0 {
				return &ValidationError{Fields: map[string]string{"notes": "The entry this corrects is not one of this person's; reload the page and try again."}}
			}
		}
		res := tx.Raw(`INSERT INTO conversations (client_id, lead_id, staff_user_id, notes, rating, interests,
			follow_up, happened_at, corrects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (client_id) DO NOTHING RETURNING *`,
			c.ClientID, c.LeadID, c.StaffUserID, c.Notes, c.Rating, c.Interests, c.FollowUp, c.HappenedAt, c.Corrects).Scan(&out)
		if res.Error != nil {
			return fmt.Errorf("models: add conversation: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			err := tx.Where("client_id = ?", c.ClientID).Take(&out).Error
			if err != nil {
				return fmt.Errorf("models: conversation by client id: %w", err)
			}
			if out.LeadID != c.LeadID {
				return &ValidationError{Fields: map[string]string{"client_id": "This capture id belongs to another lead."}}
			}
			return nil
		}
		created = true
		if c.Rating != nil {
			err := tx.Exec(`UPDATE leads SET rating = ?, rating_at = ?, updated_at = now()
				WHERE id = ? AND (rating_at IS NULL OR rating_at <= ?)`, *c.Rating, c.HappenedAt, c.LeadID, c.HappenedAt).Error
			if err != nil {
				return fmt.Errorf("models: rate lead: %w", err)
			}
		}
		err := tx.Exec(`UPDATE leads SET last_seen_at = greatest(last_seen_at, ?), updated_at = now(),
			interests = ARRAY(SELECT x FROM unnest(interests || ?::text[]) WITH ORDINALITY AS t(x, n) GROUP BY x ORDER BY min(n))
			WHERE id = ?`, c.HappenedAt, c.Interests, c.LeadID).Error
		if err != nil {
			return fmt.Errorf("models: touch lead: %w", err)
		}
		return leadChanged(tx, HookConversationCreated, ev.ID, c.LeadID, Payload{"conversation": out.ClientID})
	})
	return out, created, err
}

// Conversations returns a lead's conversations, newest first, with the staff member's name.
func (s *Store) Conversations(ctx context.Context, leadID string) ([]Conversation, error) {
	var cs []Conversation
	err := s.ctx(ctx).Raw(`SELECT c.*, coalesce(u.name, 'former staff') AS staff_name FROM conversations c
		LEFT JOIN staff_users u ON u.id = c.staff_user_id WHERE c.lead_id = ?
		ORDER BY c.happened_at DESC, c.id DESC`, leadID).Scan(&cs).Error
	if err != nil {
		return nil, fmt.Errorf("models: conversations: %w", err)
	}
	return cs, nil
}

// Consents returns a lead's consents with the text version each pointed at, oldest first.
func (s *Store) Consents(ctx context.Context, leadID string) ([]Consent, error) {
	var cs []Consent
	err := s.ctx(ctx).Raw(`SELECT c.*, t.version AS text_version, t.sha256 AS text_sha256, t.body AS text_body, t.language AS text_language,
		coalesce(u.name, '') AS staff_name
		FROM consents c JOIN consent_texts t ON t.id = c.consent_text_id
		LEFT JOIN staff_users u ON u.id = c.staff_user_id WHERE c.lead_id = ? ORDER BY c.at, c.id`, leadID).Scan(&cs).Error
	if err != nil {
		return nil, fmt.Errorf("models: consents: %w", err)
	}
	return cs, nil
}
