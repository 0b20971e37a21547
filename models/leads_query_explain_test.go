package models

import "context"

// ExplainLeadsTable returns EXPLAIN ANALYZE of one leads-table page and of its counts, line by
// line (benchmarks log it with BOOTHLEAD_EXPLAIN=1). Tests only.
func (s *Store) ExplainLeadsTable(ctx context.Context, eventID int64, f LeadFilter, p PageRequest) []string {
	q, args, _, _, _, err := leadsTableQuery(eventID, f, p)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, stmt := range []sqlStatement{{q, args}, countQuery(eventID, f)} {
		var lines []string
		if err := s.ctx(ctx).Raw("EXPLAIN (ANALYZE, BUFFERS) "+stmt.sql, stmt.args...).Scan(&lines).Error; err != nil {
			return append(out, err.Error())
		}
		out = append(out, lines...)
	}
	return out
}
