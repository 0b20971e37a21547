package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// unsubscribeKey is the app secret the unsubscribe links are signed with.
func (s *Store) unsubscribeKey(ctx context.Context) ([]byte, error) {
	return s.Secret(ctx, "unsubscribe")
}

// UnsubscribeToken is the token of a follow-up's unsubscribe link: the send's id and an HMAC of
// it, so the link needs no storage, is the same on every retry and works as long as the lead exists.
func (s *Store) UnsubscribeToken(ctx context.Context, sendID int64) (string, error) {
	key, err := s.unsubscribeKey(ctx)
	if err != nil {
		return "", err
	}
	id := strconv.FormatInt(sendID, 10)
	m := hmac.New(sha256.New, key)
	m.Write([]byte("unsubscribe:" + id))
	return id + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18]), nil
}

// unsubscribeSend returns the send a token names, or ErrNotFound for a forged or mangled one.
func (s *Store) unsubscribeSend(ctx context.Context, token string) (int64, error) {
	id, _, ok := strings.Cut(token, ".")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || !utf8.ValidString(token) || len(token) > 100 {
		return 0, ErrNotFound
	}
	want, err := s.UnsubscribeToken(ctx, n)
	if err != nil {
		return 0, err
	}
	if !hmac.Equal([]byte(want), []byte(token)) {
		return 0, ErrNotFound
	}
	return n, nil
}

// Unsubscription is what the unsubscribe page says.
type Unsubscription struct {
	Event    Event
	Language string // the lead's language; "" when the lead was erased
	Done     bool   // the contact consent is withdrawn (now or before)
	Already  bool   // it was withdrawn before this request
}

// UnsubscribeState tells the unsubscribe page about a token without changing anything.
func (s *Store) UnsubscribeState(ctx context.Context, token string) (Unsubscription, error) {
	var u Unsubscription
	sendID, err := s.unsubscribeSend(ctx, token)
	if err != nil {
		return u, err
	}
	var row struct {
		EventID      int64
		LeadID       *string
		Unsubscribed bool
	}
	err = s.ctx(ctx).Raw(`SELECT f.event_id, f.lead_id, f.unsubscribed_at IS NOT NULL AS unsubscribed
		FROM followup_sends f WHERE f.id = ?`, sendID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("models: unsubscribe state: %w", err)
	}
	if err := s.ctx(ctx).Take(&u.Event, "id = ?", row.EventID).Error; err != nil {
		return u, fmt.Errorf("models: unsubscribe event: %w", err)
	}
	if row.LeadID == nil {
		u.Done, u.Already = true, true // erased: nothing is kept to mail
		return u, nil
	}
	var lead struct {
		Contact  bool
		Language string
	}
	err = s.ctx(ctx).Raw(`SELECT `+contactConsent+` AS contact, l.language FROM leads l WHERE l.id = ?`, *row.LeadID).Scan(&lead).Error
	if err != nil {
		return u, fmt.Errorf("models: unsubscribe consent: %w", err)
	}
	u.Language = lead.Language
	u.Done, u.Already = !lead.Contact, !lead.Contact
	return u, nil
}

// Unsubscribe withdraws the contact consent of the lead a follow-up went to (no sign-in: the
// token is the proof), notes the unsubscription on the send for the event's counts, and tells
// receivers (lead.updated). Doing it twice is harmless.
func (s *Store) Unsubscribe(ctx context.Context, token string) (Unsubscription, error) {
	u, err := s.UnsubscribeState(ctx, token)
	if err != nil {
		return u, err
	}
	sendID, _ := s.unsubscribeSend(ctx, token)
	err = s.write(ctx, func(tx *gorm.DB) error {
		var leadID *string
		err := tx.Raw(`UPDATE followup_sends SET unsubscribed_at = coalesce(unsubscribed_at, now()) WHERE id = ?
			RETURNING lead_id`, sendID).Scan(&leadID).Error
		if err != nil {
			return fmt.Errorf("models: note unsubscription: %w", err)
		}
		if leadID == nil || u.Already {
			return nil
		}
		err = tx.Exec(`UPDATE consents SET withdrawn_at = now() WHERE lead_id = ? AND purpose = 'contact'
			AND withdrawn_at IS NULL`, *leadID).Error
		if err != nil {
			return fmt.Errorf("models: withdraw contact consent: %w", err)
		}
		if err := tx.Exec(`UPDATE leads SET updated_at = now() WHERE id = ?`, *leadID).Error; err != nil {
			return fmt.Errorf("models: touch lead: %w", err)
		}
		if err := audit(tx, 0, "consent.withdraw", u.Event.ID, *leadID, map[string]any{"purposes": []string{PurposeContact},
			"via": "unsubscribe", "send": sendID}); err != nil {
			return err
		}
		return leadChanged(tx, HookLeadUpdated, u.Event.ID, *leadID, nil)
	})
	u.Done = err == nil
	return u, err
}
