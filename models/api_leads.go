package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// APIEvent is an event as the API lists it, with its lead count.
type APIEvent struct {
	Event
	Leads int64 `gorm:"->;-:migration"`
}

// APIEvents lists every event, newest first.
func (s *Store) APIEvents(ctx context.Context) ([]APIEvent, error) {
	var out []APIEvent
	err := s.ctx(ctx).Raw(`SELECT e.*, (SELECT count(*) FROM leads l WHERE l.event_id = e.id) AS leads
		FROM events e ORDER BY e.starts_on DESC, e.id DESC`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: API events: %w", err)
	}
	return out, nil
}

// APILead is a lead as the API answers it: its details, whether its consents are in force, its
// conversations (oldest first) and, for one lead, its consent records.
type APILead struct {
	Lead
	Contact       bool           `gorm:"->;-:migration"`
	TalentPool    bool           `gorm:"->;-:migration"`
	Conversations []Conversation `gorm:"-"`
	Consents      []Consent      `gorm:"-"`
}

// MaxAPIPage bounds one page of the API's leads.
const MaxAPIPage = 500

const apiLeadSelect = `SELECT ` + leadColumns + `,
	EXISTS (SELECT 1 FROM consents k WHERE k.lead_id = l.id AND k.purpose = 'contact' AND k.granted AND k.withdrawn_at IS NULL) AS contact,
	EXISTS (SELECT 1 FROM consents k WHERE k.lead_id = l.id AND k.purpose = 'talent_pool' AND k.granted AND k.withdrawn_at IS NULL) AS talent_pool,
	l.updated_at::text AS cursor_value
	FROM leads l `

// APILeads returns one page of an event's leads in the order they last changed (oldest change
// first), starting after cursor (from an earlier page; "" for the first) and, when since is
// set, only leads changed at or after it. next is the cursor of the following page, "" at the
// end. A client that keeps the last cursor and asks again later reads only what changed since:
// a lead that changes moves to the end. A cursor that is not one gives ErrNotFound.
func (s *Store) APILeads(ctx context.Context, eventID int64, cursor string, since time.Time, limit int) ([]APILead, string, error) {
	c, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", ErrNotFound
	}
	limit = min(max(limit, 1), MaxAPIPage)
	where, args := "l.event_id = ?", []any{eventID}
	if !since.IsZero() {
		where += " AND l.updated_at >= ?"
		args = append(args, since.UTC())
	}
	if c.id != "" {
		where += " AND (l.updated_at, l.id) > (CAST(? AS timestamptz), CAST(? AS uuid))"
		args = append(args, c.value, c.id)
	}
	args = append(args, limit+1)
	var rows []struct {
		APILead
		CursorValue string `gorm:"->;-:migration"`
	}
	err = s.ctx(ctx).Raw(apiLeadSelect+`WHERE `+where+` ORDER BY l.updated_at, l.id LIMIT ?`, args...).Scan(&rows).Error
	if err != nil {
		return nil, "", fmt.Errorf("models: API leads: %w", err)
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		next = leadCursor{value: last.CursorValue, id: last.ID}.encode()
	}
	out := make([]APILead, len(rows))
	ids := make(StringList, len(rows))
	index := make(map[string]int, len(rows))
	for i, r := range rows {
		out[i] = r.APILead
		ids[i] = r.ID
		index[r.ID] = i
	}
	if len(ids) > 0 {
		var convs []Conversation
		err := s.ctx(ctx).Raw(`SELECT c.*, coalesce(u.name, 'former staff') AS staff_name FROM conversations c
			LEFT JOIN staff_users u ON u.id = c.staff_user_id WHERE c.lead_id = ANY(?::uuid[])
			ORDER BY c.lead_id, c.happened_at, c.id`, ids).Scan(&convs).Error
		if err != nil {
			return nil, "", fmt.Errorf("models: API conversations: %w", err)
		}
		for _, cv := range convs {
			i := index[cv.LeadID]
			out[i].Conversations = append(out[i].Conversations, cv)
		}
	}
	return out, next, nil
}

// APILeadByID returns one lead with its conversations (oldest first) and consent records.
func (s *Store) APILeadByID(ctx context.Context, id string) (APILead, error) {
	var l APILead
	if !isUUID(id) {
		return l, ErrNotFound
	}
	err := s.ctx(ctx).Raw(apiLeadSelect+`WHERE l.id = ?`, id).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return l, ErrNotFound
	}
	if err != nil {
		return l, fmt.Errorf("models: API lead: %w", err)
	}
	err = s.ctx(ctx).Raw(`SELECT c.*, coalesce(u.name, 'former staff') AS staff_name FROM conversations c
		LEFT JOIN staff_users u ON u.id = c.staff_user_id WHERE c.lead_id = ?
		ORDER BY c.happened_at, c.id`, id).Scan(&l.Conversations).Error
	if err != nil {
		return l, fmt.Errorf("models: API lead conversations: %w", err)
	}
	if l.Consents, err = s.Consents(ctx, id); err != nil {
		return l, err
	}
	return l, nil
}
