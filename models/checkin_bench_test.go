package models_test

import (
	"context"
	"testing"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// BenchmarkRepeatCheckIn checks the same address in again and again, the way a repeat took before
// issue 14 (one transaction, a statement per step) and the way it takes now (two statements).
//
//	go test ./models -run '^$' -bench RepeatCheckIn -benchtime 2000x
func BenchmarkRepeatCheckIn(b *testing.B) {
	db := modelstest.New(b)
	ctx := context.Background()
	ev := modelstest.Event(b, db, "repeat", "Backend")
	texts, err := db.Store.CurrentConsentTexts(ctx, ev.ID)
	if err != nil {
		b.Fatal(err)
	}
	in := models.LeadInput{Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines", Consent: true,
		ContactTextID: texts.Contact.ID, TalentPoolTextID: texts.TalentPool.ID, Interests: []string{"Backend"}}
	if _, err := db.Store.CheckIn(ctx, ev, in); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		fn   func(context.Context, models.Event, models.LeadInput) (models.CheckInResult, error)
	}{
		{"transaction", db.Store.CheckInTx},
		{"statements", db.Store.CheckIn},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := tc.fn(ctx, ev, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
