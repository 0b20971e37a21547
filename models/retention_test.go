package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

func TestPurgeAppliesRetention(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	old := modelstest.Event(t, db, "old")
	recent := modelstest.Event(t, db, "recent")
	db.Gorm.Exec("UPDATE events SET starts_on = current_date - 101, ends_on = current_date - 100, retention_days = 90 WHERE id = ?", old.ID)

	add := func(ev models.Event, email string, pool bool) models.Lead {
		in, err := models.CheckLead(ev, models.LeadInput{Name: "N", Email: email, Consent: true, TalentPool: pool}, true)
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.Store.CheckIn(ctx, ev, in)
		if err != nil {
			t.Fatal(err)
		}
		return res.Lead
	}
	gone := add(old, "gone@example.com", false)
	pool := add(old, "pool@example.com", true)
	kept := add(recent, "kept@example.com", false)

	res, err := db.Store.Purge(ctx, true)
	if err != nil || res.Leads != 1 || res.Events != 1 {
		t.Fatalf("dry run: %+v, %v; want 1 lead of 1 event", res, err)
	}
	if _, err := db.Store.LeadByID(ctx, gone.ID); err != nil {
		t.Fatal("a dry run deleted a lead")
	}
	if res, err = db.Store.Purge(ctx, false); err != nil || res.Leads != 1 {
		t.Fatalf("purge: %+v, %v", res, err)
	}
	if _, err := db.Store.LeadByID(ctx, gone.ID); !errors.Is(err, models.ErrNotFound) {
		t.Error("the expired lead is still there")
	}
	for _, l := range []models.Lead{pool, kept} {
		if _, err := db.Store.LeadByID(ctx, l.ID); err != nil {
			t.Errorf("lead %s was purged: %v", l.EmailText(), err)
		}
	}
	var consents int64
	db.Gorm.Raw("SELECT count(*) FROM consents WHERE lead_id = ?", gone.ID).Scan(&consents)
	if consents != 0 {
		t.Error("the purged lead's consents remain")
	}
	var details string
	db.Gorm.Raw("SELECT details::text FROM audit_log WHERE action = 'purge'").Scan(&details)
	if details == "" || strings.Contains(details, "gone@example.com") {
		t.Errorf("purge audit row %q", details)
	}
	// a withdrawn talent-pool consent no longer protects the lead
	db.Gorm.Exec("UPDATE consents SET withdrawn_at = now() WHERE lead_id = ?", pool.ID)
	if res, _ := db.Store.Purge(ctx, false); res.Leads != 1 {
		t.Errorf("after withdrawal purge removed %d, want 1", res.Leads)
	}
}
