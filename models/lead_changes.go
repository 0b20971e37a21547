package models

import (
	"context"
	"fmt"
	"time"
)

// LeadChange is a lead that changed, with the number of its latest change.
type LeadChange struct {
	LeadID string
	Seq    int64
}

// changeSlack is how far back a replay also looks before the change it starts after. Change
// numbers are taken when a transaction writes, not when it commits, so a slower transaction can
// commit a lower number after a board has seen a higher one; replaying the last seconds again
// catches it (a board shows a repeated row once).
const changeSlack = 10 * time.Second

// LeadChangesKept is how long the change log keeps a change; a board away for longer reloads.
const LeadChangesKept = 48 * time.Hour

// BoardCursor returns the number of the event's latest change: a board read after this call
// has seen everything up to it.
func (s *Store) BoardCursor(ctx context.Context, eventID int64) (int64, error) {
	var seq int64
	if err := s.ctx(ctx).Raw(`SELECT coalesce(max(id), 0) FROM lead_changes WHERE event_id = ?`, eventID).
		Row().Scan(&seq); err != nil {
		return 0, fmt.Errorf("models: board cursor: %w", err)
	}
	return seq, nil
}

// LeadChangesSince returns the event's leads that changed after change number after (and in the
// few seconds before it, see changeSlack), oldest change first, at most limit of them; more
// reports that there were more, and the board should load afresh.
func (s *Store) LeadChangesSince(ctx context.Context, eventID, after int64, limit int) ([]LeadChange, bool, error) {
	var out []LeadChange
	err := s.ctx(ctx).Raw(`SELECT lead_id, max(id) AS seq FROM lead_changes
		WHERE event_id = ? AND (id > ? OR id < ? AND at > (SELECT at FROM lead_changes WHERE id = ?) - make_interval(secs => ?))
		GROUP BY lead_id ORDER BY seq LIMIT ?`, eventID, after, after, after, changeSlack.Seconds(), limit+1).Scan(&out).Error
	if err != nil {
		return nil, false, fmt.Errorf("models: lead changes: %w", err)
	}
	if len(out) > limit {
		return out[len(out)-limit:], true, nil
	}
	return out, false, nil
}

// BoardLeadsByID returns the board rows of the given leads (those that still exist), by id.
func (s *Store) BoardLeadsByID(ctx context.Context, ids []string) (map[string]BoardRow, error) {
	out := make(map[string]BoardRow, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []BoardRow
	if err := s.ctx(ctx).Raw(boardSelect+`WHERE l.id IN ?`, ids).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: board leads by id: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// PruneLeadChanges deletes changes older than LeadChangesKept and returns how many.
func (s *Store) PruneLeadChanges(ctx context.Context) (int64, error) {
	res := s.ctx(ctx).Exec(`DELETE FROM lead_changes WHERE at < now() - make_interval(secs => ?)`, LeadChangesKept.Seconds())
	if res.Error != nil {
		return 0, fmt.Errorf("models: prune lead changes: %w", res.Error)
	}
	return res.RowsAffected, nil
}
