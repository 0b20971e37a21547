package models

import (
	"context"
	"fmt"
	"time"
)

// HourCount is how many leads first came to the booth in one hour. Hour is the start of the hour
// as a wall-clock time in the event's zone (its Location is UTC; only the fields count).
type HourCount struct {
	Hour  time.Time
	Count int64
}

// LabelCount is one bar of a chart: a label and a count.
type LabelCount struct {
	Label string
	Count int64
}

// StaffStats is what one staff member did at an event.
type StaffStats struct {
	StaffID       int64
	Name          string
	Conversations int64
	Leads         int64 // distinct leads talked to
	Hot           int64 // conversations rated hot
}

// EventStats are an event's numbers for the charts page.
type EventStats struct {
	Leads, Conversations int64
	Arrivals             []HourCount  // by hour, in order; hours without arrivals are left out
	Interests            []LabelCount // every interest a lead has, most wanted first
	Ratings              []LabelCount // hot, warm, cold, then RatingNone
	Sources              []LabelCount // self_checkin, badge_scan, staff_manual
	Staff                []StaffStats // most conversations first
}

// EventStats counts an event's leads by arrival hour (in the event's zone), interest, rating
// and source, and its conversations by staff member. Each count is one grouped query over the
// event's rows.
func (s *Store) EventStats(ctx context.Context, ev Event) (EventStats, error) {
	db := s.ctx(ctx)
	var out EventStats
	tz := ev.TimeZone
	if _, err := time.LoadLocation(tz); err != nil || tz == "" {
		tz = "UTC"
	}
	var totals struct{ Leads, Conversations int64 }
	err := db.Raw(`SELECT (SELECT count(*) FROM leads WHERE event_id = ?) AS leads,
		(SELECT count(*) FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.event_id = ?) AS conversations`,
		ev.ID, ev.ID).Scan(&totals).Error
	if err != nil {
		return out, fmt.Errorf("models: stats totals: %w", err)
	}
	out.Leads, out.Conversations = totals.Leads, totals.Conversations
	if err := db.Raw(`SELECT date_trunc('hour', first_seen_at AT TIME ZONE ?) AS hour, count(*) AS count
		FROM leads WHERE event_id = ? GROUP BY 1 ORDER BY 1`, tz, ev.ID).Scan(&out.Arrivals).Error; err != nil {
		return out, fmt.Errorf("models: stats arrivals: %w", err)
	}
	for i := range out.Arrivals {
		h := out.Arrivals[i].Hour
		out.Arrivals[i].Hour = time.Date(h.Year(), h.Month(), h.Day(), h.Hour(), 0, 0, 0, time.UTC)
	}
	if err := db.Raw(`SELECT i AS label, count(*) AS count FROM leads, unnest(interests) AS i
		WHERE event_id = ? GROUP BY i ORDER BY count(*) DESC, i`, ev.ID).Scan(&out.Interests).Error; err != nil {
		return out, fmt.Errorf("models: stats interests: %w", err)
	}
	var ratings []LabelCount
	if err := db.Raw(`SELECT coalesce(rating, ?) AS label, count(*) AS count FROM leads WHERE event_id = ?
		GROUP BY 1`, RatingNone, ev.ID).Scan(&ratings).Error; err != nil {
		return out, fmt.Errorf("models: stats ratings: %w", err)
	}
	out.Ratings = statsInOrder(ratings, "hot", "warm", "cold", RatingNone)
	var sources []LabelCount
	if err := db.Raw(`SELECT source AS label, count(*) AS count FROM leads WHERE event_id = ? GROUP BY 1`,
		ev.ID).Scan(&sources).Error; err != nil {
		return out, fmt.Errorf("models: stats sources: %w", err)
	}
	out.Sources = statsInOrder(sources, SourceSelfCheckIn, SourceBadgeScan, SourceStaffManual)
	if err := db.Raw(`SELECT coalesce(u.id, 0) AS staff_id, coalesce(u.name, 'Former staff') AS name,
		count(*) AS conversations, count(DISTINCT c.lead_id) AS leads, count(*) FILTER (WHERE c.rating = 'hot') AS hot
		FROM conversations c JOIN leads l ON l.id = c.lead_id LEFT JOIN staff_users u ON u.id = c.staff_user_id
		WHERE l.event_id = ? GROUP BY u.id, u.name ORDER BY count(*) DESC, 2`, ev.ID).Scan(&out.Staff).Error; err != nil {
		return out, fmt.Errorf("models: stats staff: %w", err)
	}
	return out, nil
}

// statsInOrder returns a count for each label, in the given order, zero for the missing ones.
func statsInOrder(counts []LabelCount, labels ...string) []LabelCount {
	out := make([]LabelCount, len(labels))
	for i, l := range labels {
		out[i].Label = l
		for _, c := range counts {
			if c.Label == l {
				out[i].Count = c.Count
			}
		}
	}
	return out
}
