package models

import "context"

// CheckInTx is the statement-by-statement transaction a repeat check-in took before issue 14 (it
// remains the path of a lead deleted between the two statements), for the benchmark that
// compares it with CheckIn.
func (s *Store) CheckInTx(ctx context.Context, ev Event, in LeadInput) (CheckInResult, error) {
	return s.checkInTx(ctx, ev, in)
}
