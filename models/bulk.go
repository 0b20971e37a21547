package models

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// ErrSetChanged is returned by a bulk action whose filter no longer matches the number of leads
// the recruiter saw when they chose it: nothing was changed.
var ErrSetChanged = fmt.Errorf("models: the filtered leads changed: %w", ErrConflict)

// bulkNote is the note of the conversation a bulk rating records for each lead.
const bulkNote = "Rated from the leads table."

// CleanTag trims a tag and checks it: 1 to 40 characters, no control character and no comma
// (ATS imports split tags at commas). Errors are keyed "tag".
func CleanTag(tag string) (string, error) {
	e := newErrs()
	tag = cleanText(e, "tag", "The tag", tag, 40, true, false)
	if !e.has("tag") && strings.ContainsAny(tag, ",;") {
		e.add("tag", "A tag cannot hold a comma or a semicolon.")
	}
	if !utf8.ValidString(tag) {
		e.add("tag", "The tag contains characters we cannot read.")
	}
	return tag, e.err()
}

// BulkRate rates every lead of event ev that matches f: each gets a conversation by actorID
// with that rating (conversations are append-only, and a lead's rating is its latest
// conversation's), so the lead pages show who rated them and when. want is the number of
// matching leads the recruiter was shown; when the filter now matches another number nothing
// changes and the error is ErrSetChanged. It returns how many leads were rated, and audits the
// count (no candidate data).
func (s *Store) BulkRate(ctx context.Context, ev Event, actorID int64, f LeadFilter, rating string, want int64) (int64, error) {
	switch rating {
	case "hot", "warm", "cold":
	default:
		return 0, &ValidationError{Fields: map[string]string{"rating": "Choose hot, warm or cold."}}
	}
	where, args := f.where(ev.ID)
	var n int64
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := countMatching(tx, where, args, want); err != nil {
			return err
		}
		res := tx.Exec(`INSERT INTO conversations (client_id, lead_id, staff_user_id, notes, rating, happened_at)
			SELECT gen_random_uuid(), l.id, NULLIF(?, 0), ?, ?, now() FROM leads l WHERE `+where,
			append([]any{actorID, bulkNote, rating}, args...)...)
		if res.Error != nil {
			return fmt.Errorf("models: bulk rate conversations: %w", res.Error)
		}
		n = res.RowsAffected
		if err := tx.Exec(`UPDATE leads l SET rating = ?, rating_at = now(), updated_at = now() WHERE `+where,
			append([]any{rating}, args...)...).Error; err != nil {
			return fmt.Errorf("models: bulk rate: %w", err)
		}
		return audit(tx, actorID, "leads.rate", ev.ID, "", map[string]any{"rating": rating, "leads": n,
			"filter": f.AuditDetails()})
	})
	return n, err
}

// BulkTag adds tag to (or, with remove, takes it from) every lead of event ev that matches f.
// want works as in BulkRate. It returns how many leads changed (those that already had, or did
// not have, the tag are left alone) and audits the count.
func (s *Store) BulkTag(ctx context.Context, ev Event, actorID int64, f LeadFilter, tag string, remove bool, want int64) (int64, error) {
	tag, err := CleanTag(tag)
	if err != nil {
		return 0, err
	}
	where, args := f.where(ev.ID)
	var n int64
	err = s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := countMatching(tx, where, args, want); err != nil {
			return err
		}
		stmt := `UPDATE leads l SET tags = array_append(l.tags, ?), updated_at = now()
			WHERE NOT l.tags @> ?::text[] AND ` + where
		action := "leads.tag"
		if remove {
			stmt = `UPDATE leads l SET tags = array_remove(l.tags, ?), updated_at = now()
				WHERE l.tags @> ?::text[] AND ` + where
			action = "leads.untag"
		}
		res := tx.Exec(stmt, append([]any{tag, StringList{tag}}, args...)...)
		if res.Error != nil {
			return fmt.Errorf("models: bulk tag: %w", res.Error)
		}
		n = res.RowsAffected
		// The tag itself is a recruiter's word, not candidate data; it says what the action was.
		return audit(tx, actorID, action, ev.ID, "", map[string]any{"tag": tag, "leads": n, "filter": f.AuditDetails()})
	})
	return n, err
}

// countMatching fails with ErrSetChanged unless exactly want leads match (want < 0 skips it).
// It locks nothing: the bulk statement that follows in the same transaction changes whatever
// matches then, which is what the recruiter saw unless a lead arrived in between.
func countMatching(tx *gorm.DB, where string, args []any, want int64) error {
	if want < 0 {
		return nil
	}
	var n int64
	if err := tx.Raw(`SELECT count(*) FROM leads l WHERE `+where, args...).Scan(&n).Error; err != nil {
		return fmt.Errorf("models: bulk count: %w", err)
	}
	if n != want {
		return ErrSetChanged
	}
	return nil
}

// TagsInUse lists the tags of an event's leads, most used first, for the tag filter.
func (s *Store) TagsInUse(ctx context.Context, eventID int64) ([]string, error) {
	var tags []string
	err := s.ctx(ctx).Raw(`SELECT t FROM leads l, unnest(l.tags) AS t WHERE l.event_id = ?
		GROUP BY t ORDER BY count(*) DESC, t LIMIT 100`, eventID).Scan(&tags).Error
	if err != nil {
		return nil, fmt.Errorf("models: tags in use: %w", err)
	}
	return tags, nil
}
