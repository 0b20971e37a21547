package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Consent purposes.
const (
	PurposeContact    = "contact"
	PurposeTalentPool = "talent_pool"
)

// Who captured a consent.
const (
	CapturedByCandidate = "candidate"
	CapturedByStaff     = "staff"
)

// PurposeName says a consent's purpose in words, as candidates read it.
func PurposeName(p string) string {
	if p == PurposeTalentPool {
		return "Talent pool"
	}
	return "Contact about jobs"
}

// TalentPoolMonths is how long a talent-pool consent lets the company keep someone's details,
// counted from the last contact (CNIL's guidance is at most two years).
const TalentPoolMonths = 24

// ConsentText is one version of the wording shown for a purpose at an event. Never updated.
type ConsentText struct {
	ID        int64
	EventID   int64
	Purpose   string
	Language  string
	Version   int
	Body      string
	SHA256    string `gorm:"column:sha256"`
	CreatedAt time.Time
}

// TableName maps ConsentText onto consent_texts.
func (ConsentText) TableName() string { return "consent_texts" }

// Consent is one recorded consent of a lead.
type Consent struct {
	ID            int64
	LeadID        string
	ConsentTextID int64
	Purpose       string
	Granted       bool
	CapturedBy    string
	StaffUserID   *int64
	At            time.Time
	WithdrawnAt   *time.Time
	TextVersion   int    `gorm:"->;-:migration"`
	TextLanguage  string `gorm:"->;-:migration"`
	TextSHA256    string `gorm:"->;-:migration"`
	TextBody      string `gorm:"->;-:migration"`
	StaffName     string `gorm:"->;-:migration"`
}

// TableName maps Consent onto consents.
func (Consent) TableName() string { return "consents" }

// DefaultConsentText is the wording an event gets unless the admin writes its own: who, why,
// what data, how long, and the person's rights (GDPR Art. 7 and 13; EDPB 05/2020 §3.3.1).
func DefaultConsentText(ev Event, purpose string) string {
	if purpose == PurposeTalentPool {
		return fmt.Sprintf("Keep me in %s's talent pool: %s may keep the details above for up to %d months "+
			"after our last contact to tell me about future jobs. This is optional and separate from "+
			"the consent above. I can withdraw it at any time from my private link.",
			ev.Company, ev.Company, TalentPoolMonths)
	}
	return fmt.Sprintf("I agree that %s may store the details I give on this form (my name, email and "+
		"anything optional I add, plus the notes its staff make when we talk) to contact me about jobs "+
		"and about %s. %s deletes them %d days after the event unless I also join the talent pool. "+
		"I can see, correct, download or delete my data and withdraw this consent at any time from "+
		"the private link I get after checking in.",
		ev.Company, ev.Name, ev.Company, ev.RetentionDays)
}

func textHash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// saveConsentTexts adds a new version for each purpose and language whose wording differs from the
// current one. An empty or missing wording means the default of that language (the store's
// ConsentDefaults; English only without them).
func (s *Store) saveConsentTexts(tx *gorm.DB, ev Event, w ConsentWording) error {
	for _, lang := range Languages {
		for _, purpose := range []string{PurposeContact, PurposeTalentPool} {
			body := strings.TrimSpace(strings.ReplaceAll(w.Text(lang, purpose), "\r\n", "\n"))
			if body == "" {
				body = s.defaultConsentText(ev, purpose, lang)
			}
			if body == "" {
				continue // no default in this language: candidates who read it get the event's language
			}
			var cur ConsentText
			err := tx.Where("event_id = ? AND purpose = ? AND language = ?", ev.ID, purpose, lang).
				Order("version DESC").Limit(1).Find(&cur).Error
			if err != nil {
				return fmt.Errorf("models: current consent text: %w", err)
			}
			if cur.ID != 0 && cur.Body == body {
				continue
			}
			next := ConsentText{EventID: ev.ID, Purpose: purpose, Language: lang, Version: cur.Version + 1, Body: body,
				SHA256: textHash(body)}
			if err := tx.Omit("ID", "CreatedAt").Create(&next).Error; err != nil {
				return fmt.Errorf("models: save consent text: %w", err)
			}
		}
	}
	return nil
}

// ConsentTexts are the current wordings of an event.
type ConsentTexts struct {
	Contact, TalentPool ConsentText
}

// CurrentConsentTexts returns the latest version of each purpose's wording for an event, in the
// event's default language.
func (s *Store) CurrentConsentTexts(ctx context.Context, eventID int64) (ConsentTexts, error) {
	return currentConsentTexts(s.ctx(ctx), eventID, "")
}

// ConsentTextsIn returns the latest wording of each purpose in lang, or, for a purpose without a
// text in lang, in the event's default language (then English). Cached (see cache.go): a
// check-in checks the texts it records against the database itself.
func (s *Store) ConsentTextsIn(ctx context.Context, eventID int64, lang string) (ConsentTexts, error) {
	return s.cachedConsentTexts(ctx, eventID, lang)
}

// currentConsentTexts picks, per purpose, the newest version in lang, else in the event's
// language, else in English ("" for lang: the event's language).
func currentConsentTexts(tx *gorm.DB, eventID int64, lang string) (ConsentTexts, error) {
	var rows []ConsentText
	err := tx.Raw(`SELECT DISTINCT ON (t.purpose) t.* FROM consent_texts t JOIN events e ON e.id = t.event_id
		WHERE t.event_id = ? AND t.language IN (?, e.language, 'en')
		ORDER BY t.purpose, (t.language = ?) DESC, (t.language = e.language) DESC, t.version DESC`,
		eventID, lang, lang).Scan(&rows).Error
	if err != nil {
		return ConsentTexts{}, fmt.Errorf("models: consent texts: %w", err)
	}
	var out ConsentTexts
	for _, r := range rows {
		if r.Purpose == PurposeContact {
			out.Contact = r
		} else {
			out.TalentPool = r
		}
	}
	if out.Contact.ID == 0 || out.TalentPool.ID == 0 {
		return out, fmt.Errorf("models: event %d has no consent texts", eventID)
	}
	return out, nil
}

// ConsentTextsByLanguage returns the current wording of every purpose in every language that has
// one, for the event form: language → purpose → text.
func (s *Store) ConsentTextsByLanguage(ctx context.Context, eventID int64) (map[string]map[string]ConsentText, error) {
	var rows []ConsentText
	err := s.ctx(ctx).Raw(`SELECT DISTINCT ON (language, purpose) * FROM consent_texts WHERE event_id = ?
		ORDER BY language, purpose, version DESC`, eventID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: consent texts by language: %w", err)
	}
	out := map[string]map[string]ConsentText{}
	for _, r := range rows {
		if out[r.Language] == nil {
			out[r.Language] = map[string]ConsentText{}
		}
		out[r.Language][r.Purpose] = r
	}
	return out, nil
}
