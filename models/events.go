package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Event statuses.
const (
	StatusDraft  = "draft"
	StatusLive   = "live"
	StatusClosed = "closed"
)

// Event is one conference where the company has a booth.
type Event struct {
	ID            int64
	Slug          string
	Name          string
	Company       string
	Venue         string
	StartsOn      time.Time
	EndsOn        time.Time
	TimeZone      string
	Interests     StringList `gorm:"type:text[]"`
	Status        string
	CheckinKey    string
	RetentionDays int
	Language      string // the candidate side's language when a browser asks for none we have
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName maps Event onto events.
func (Event) TableName() string { return "events" }

// Location returns the event's time zone (UTC when it cannot be loaded).
func (e Event) Location() *time.Location {
	if loc, err := time.LoadLocation(e.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// DeleteAfter is the day the event's leads are deleted (unless in the talent pool): retention
// counts from the event's last day.
func (e Event) DeleteAfter() time.Time { return e.EndsOn.AddDate(0, 0, e.RetentionDays) }

// EventInput is what the event form or the CLI gives. Dates are YYYY-MM-DD; interests are
// separated by commas or new lines.
type EventInput struct {
	Name, Slug, Company, Venue, StartsOn, EndsOn, TimeZone, Interests, Status, RetentionDays string
	ContactConsent, TalentPoolConsent                                                        string
	Language                                                                                 string // default: English
}

var slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Slugify turns a name into a URL slug: lowercase ASCII letters, digits and dashes.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 63 {
		s = strings.Trim(s[:63], "-")
	}
	return s
}

// ParseInterests splits a comma- or newline-separated list, trimming and dropping repeats.
func ParseInterests(s string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		part = strings.TrimSpace(part)
		if part != "" && !seen[strings.ToLower(part)] {
			seen[strings.ToLower(part)] = true
			out = append(out, part)
		}
	}
	return out
}

// ApplyEventInput validates in and applies it to ev (a new or an existing event).
func ApplyEventInput(ev Event, in EventInput) (Event, error) {
	e := newErrs()
	ev.Name = cleanText(e, "name", "Name", in.Name, 200, true, false)
	ev.Company = cleanText(e, "company", "Company", in.Company, 200, true, false)
	ev.Venue = cleanText(e, "venue", "Venue", in.Venue, 200, false, false)
	slug := strings.TrimSpace(in.Slug)
	if slug == "" && ev.Slug == "" {
		slug = Slugify(ev.Name)
	}
	if slug != "" {
		if !slugRe.MatchString(slug) {
			e.add("slug", "Use lowercase letters, digits and dashes (at most 63), starting with a letter or digit.")
		}
		ev.Slug = slug
	}
	start, err := time.Parse("2006-01-02", strings.TrimSpace(in.StartsOn))
	if err != nil {
		e.add("starts_on", "Enter the first day as YYYY-MM-DD.")
	}
	end, err := time.Parse("2006-01-02", strings.TrimSpace(in.EndsOn))
	if err != nil {
		e.add("ends_on", "Enter the last day as YYYY-MM-DD.")
	} else if !start.IsZero() && end.Before(start) {
		e.add("ends_on", "The last day cannot be before the first day.")
	}
	ev.StartsOn, ev.EndsOn = start, end
	ev.TimeZone = strings.TrimSpace(in.TimeZone)
	if ev.TimeZone == "" {
		ev.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(ev.TimeZone); err != nil || len(ev.TimeZone) > 64 {
		e.add("time_zone", "Use a time zone name such as Europe/Berlin or UTC.")
	}
	interests := ParseInterests(in.Interests)
	if len(interests) > 30 {
		e.add("interests", "At most 30 interest options.")
	}
	for _, it := range interests {
		cleanText(e, "interests", "Each interest", it, 60, false, false)
	}
	ev.Interests = interests
	switch st := strings.TrimSpace(in.Status); st {
	case StatusDraft, StatusLive, StatusClosed:
		ev.Status = st
	case "":
		if ev.Status == "" {
			ev.Status = StatusDraft
		}
	default:
		e.add("status", "Choose draft, live or closed.")
	}
	ev.RetentionDays = 90
	if r := strings.TrimSpace(in.RetentionDays); r != "" {
		n, err := strconv.Atoi(r)
		if err != nil || n < 1 || n > 3650 {
			e.add("retention_days", "Enter a number of days between 1 and 3650.")
		}
		ev.RetentionDays = n
	}
	switch lang := strings.TrimSpace(in.Language); {
	case lang == "" && ev.Language == "":
		ev.Language = "en"
	case lang == "":
	case IsLanguage(lang):
		ev.Language = lang
	default:
		e.add("language", "Choose one of the languages listed.")
	}
	cleanText(e, "contact_consent", "Consent text", in.ContactConsent, 4000, false, true)
	cleanText(e, "talent_pool_consent", "Talent pool text", in.TalentPoolConsent, 4000, false, true)
	if err := e.err(); err != nil {
		return ev, err
	}
	return ev, nil
}

// CreateEvent stores a new event with a fresh check-in key and its consent texts: the given ones
// in the event's language, the defaults elsewhere.
func (s *Store) CreateEvent(ctx context.Context, actorID int64, ev Event, contactText, poolText string) (Event, error) {
	return s.CreateEventWith(ctx, actorID, ev, wordingIn(ev, contactText, poolText))
}

// wordingIn is a ConsentWording that gives texts only in the event's language.
func wordingIn(ev Event, contactText, poolText string) ConsentWording {
	w := ConsentWording{}
	lang := ev.Language
	if lang == "" {
		lang = "en"
	}
	w.Set(lang, PurposeContact, contactText)
	w.Set(lang, PurposeTalentPool, poolText)
	return w
}

// CheckConsentWording validates the texts of an event form; field errors are keyed
// "consent.<lang>.<purpose>".
func CheckConsentWording(w ConsentWording) error {
	e := newErrs()
	for lang, byPurpose := range w {
		for purpose, text := range byPurpose {
			cleanText(e, "consent."+lang+"."+purpose, "Consent text", text, 4000, false, true)
		}
	}
	return e.err()
}

// CreateEventWith is CreateEvent with consent texts in any language.
func (s *Store) CreateEventWith(ctx context.Context, actorID int64, ev Event, w ConsentWording) (Event, error) {
	if ev.Language == "" {
		ev.Language = "en"
	}
	ev.CheckinKey = NewToken(24)
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Omit("ID", "CreatedAt", "UpdatedAt").Create(&ev).Error
		if isDuplicate(err) {
			return &ValidationError{Fields: map[string]string{"slug": "Another event already uses this slug."}}
		}
		if err != nil {
			return fmt.Errorf("models: create event: %w", err)
		}
		if err := s.saveConsentTexts(tx, ev, w); err != nil {
			return err
		}
		return audit(tx, actorID, "event.create", ev.ID, ev.Slug, nil)
	})
	return ev, err
}

// UpdateEvent saves an edited event; changed consent wording (given in the event's language, the
// defaults elsewhere) becomes a new version.
func (s *Store) UpdateEvent(ctx context.Context, actorID int64, ev Event, contactText, poolText string) (Event, error) {
	return s.UpdateEventWith(ctx, actorID, ev, wordingIn(ev, contactText, poolText))
}

// UpdateEventWith is UpdateEvent with consent texts in any language.
func (s *Store) UpdateEventWith(ctx context.Context, actorID int64, ev Event, w ConsentWording) (Event, error) {
	if ev.Language == "" {
		ev.Language = "en"
	}
	err := s.changeEvent(ctx, ev.ID, func(tx *gorm.DB) error {
		err := tx.Model(&ev).Select("Slug", "Name", "Company", "Venue", "StartsOn", "EndsOn", "TimeZone",
			"Interests", "Status", "RetentionDays", "Language").Updates(&ev).Error
		if isDuplicate(err) {
			return &ValidationError{Fields: map[string]string{"slug": "Another event already uses this slug."}}
		}
		if err != nil {
			return fmt.Errorf("models: update event: %w", err)
		}
		if err := tx.Exec("UPDATE events SET updated_at = now() WHERE id = ?", ev.ID).Error; err != nil {
			return fmt.Errorf("models: touch event: %w", err)
		}
		if err := s.saveConsentTexts(tx, ev, w); err != nil {
			return err
		}
		return audit(tx, actorID, "event.update", ev.ID, ev.Slug, nil)
	})
	return ev, err
}

// RotateCheckinKey gives the event a new check-in key: the old booth QR stops working.
func (s *Store) RotateCheckinKey(ctx context.Context, actorID, eventID int64) (Event, error) {
	var ev Event
	err := s.changeEvent(ctx, eventID, func(tx *gorm.DB) error {
		res := tx.Model(&Event{}).Where("id = ?", eventID).
			Updates(map[string]any{"checkin_key": NewToken(24), "updated_at": gorm.Expr("now()")})
		if res.Error != nil {
			return fmt.Errorf("models: rotate key: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		if err := tx.Take(&ev, eventID).Error; err != nil {
			return fmt.Errorf("models: reload event: %w", err)
		}
		return audit(tx, actorID, "event.rotate_key", ev.ID, ev.Slug, nil)
	})
	return ev, err
}

// EventBySlug returns one event or ErrNotFound.
func (s *Store) EventBySlug(ctx context.Context, slug string) (Event, error) {
	return s.eventWhere(ctx, "slug = ?", slug)
}

// EventByCheckinKey returns the event whose booth QR carries key, or ErrNotFound.
func (s *Store) EventByCheckinKey(ctx context.Context, key string) (Event, error) {
	if key == "" {
		return Event{}, ErrNotFound
	}
	return s.eventWhere(ctx, "checkin_key = ?", key)
}

// CachedEventByCheckinKey is EventByCheckinKey through the cache (cache.go), for the check-in's
// POST: its statement checks that the event still takes check-ins under key.
func (s *Store) CachedEventByCheckinKey(ctx context.Context, key string) (Event, error) {
	if key == "" {
		return Event{}, ErrNotFound
	}
	return s.cachedEventByKey(ctx, key)
}

func (s *Store) eventWhere(ctx context.Context, where string, arg any) (Event, error) {
	var ev Event
	err := s.ctx(ctx).Where(where, arg).Take(&ev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Event{}, ErrNotFound
	}
	if err != nil {
		return Event{}, fmt.Errorf("models: event: %w", err)
	}
	return ev, nil
}

// EventSummary is an event with its lead count, for lists.
type EventSummary struct {
	Event
	Leads int64 `gorm:"->;-:migration"`
}

// Events lists every event, newest first, with how many leads each has.
func (s *Store) Events(ctx context.Context) ([]EventSummary, error) {
	var out []EventSummary
	err := s.ctx(ctx).Raw(`SELECT e.*, (SELECT count(*) FROM leads l WHERE l.event_id = e.id) AS leads
		FROM events e ORDER BY e.starts_on DESC, e.id DESC`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: list events: %w", err)
	}
	return out, nil
}

// EventByID returns one event or ErrNotFound.
func (s *Store) EventByID(ctx context.Context, id int64) (Event, error) {
	return s.eventWhere(ctx, "id = ?", id)
}
