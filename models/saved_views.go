package models

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"gorm.io/gorm"
)

// SavedView is a named filter of an event's leads table that its owner can return to.
type SavedView struct {
	ID        int64
	EventID   int64
	OwnerID   int64
	Name      string
	Query     string // the filter as LeadFilter.Values().Encode()
	CreatedAt time.Time
}

// TableName maps SavedView onto saved_views.
func (SavedView) TableName() string { return "saved_views" }

// maxSavedViews bounds how many views one person keeps per event.
const maxSavedViews = 50

// NewSavedView validates a view named name of filter f (already parsed, so valid) for the
// table of event eventID owned by ownerID.
func NewSavedView(eventID, ownerID int64, name string, f LeadFilter) (SavedView, error) {
	e := newErrs()
	name = cleanText(e, "view_name", "The view's name", name, 60, true, false)
	q := f.Values().Encode()
	if len(q) > 2000 {
		e.add("view_name", "This filter is too long to save; shorten the search.")
	}
	if err := e.err(); err != nil {
		return SavedView{}, err
	}
	return SavedView{EventID: eventID, OwnerID: ownerID, Name: name, Query: q}, nil
}

// Values is the view's filter as a query string.
func (v SavedView) Values() url.Values {
	q, err := url.ParseQuery(v.Query)
	if err != nil {
		return url.Values{}
	}
	return q
}

// SaveView stores v, or replaces the filter of the owner's view of the same name (names match
// case-insensitively), and returns it stored.
func (s *Store) SaveView(ctx context.Context, v SavedView) (SavedView, error) {
	var out SavedView
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Raw(`SELECT count(*) FROM saved_views WHERE event_id = ? AND owner_id = ? AND lower(name) <> lower(?)`,
			v.EventID, v.OwnerID, v.Name).Scan(&n).Error; err != nil {
			return fmt.Errorf("models: count views: %w", err)
		}
		if n >= maxSavedViews {
			return &ValidationError{Fields: map[string]string{"view_name": fmt.Sprintf(
				"You have %d saved views for this event; delete one first.", n)}}
		}
		err := tx.Raw(`INSERT INTO saved_views (event_id, owner_id, name, query) VALUES (?, ?, ?, ?)
			ON CONFLICT (event_id, owner_id, lower(name)) DO UPDATE SET query = EXCLUDED.query, name = EXCLUDED.name
			RETURNING *`, v.EventID, v.OwnerID, v.Name, v.Query).Scan(&out).Error
		if err != nil {
			return fmt.Errorf("models: save view: %w", err)
		}
		return nil
	})
	return out, err
}

// SavedViews lists an owner's views of an event by name.
func (s *Store) SavedViews(ctx context.Context, eventID, ownerID int64) ([]SavedView, error) {
	var vs []SavedView
	err := s.ctx(ctx).Where("event_id = ? AND owner_id = ?", eventID, ownerID).Order("lower(name), id").Find(&vs).Error
	if err != nil {
		return nil, fmt.Errorf("models: saved views: %w", err)
	}
	return vs, nil
}

// DeleteSavedView deletes one of the owner's views of the event; any other id is ErrNotFound.
func (s *Store) DeleteSavedView(ctx context.Context, eventID, ownerID, id int64) (SavedView, error) {
	var v SavedView
	err := s.ctx(ctx).Raw(`DELETE FROM saved_views WHERE id = ? AND event_id = ? AND owner_id = ? RETURNING *`,
		id, eventID, ownerID).Scan(&v).Error
	switch {
	case err != nil:
		return v, fmt.Errorf("models: delete view: %w", err)
	case v.ID == 0:
		return v, ErrNotFound
	}
	return v, nil
}
