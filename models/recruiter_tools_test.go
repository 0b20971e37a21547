package models_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// rtLeads seeds n leads, one minute apart: every fifth has no email (an unresolved badge), every
// seventh no contact consent, lead 3 a withdrawn one.
func rtLeads(t *testing.T, db modelstest.DB, ev models.Event, n int) []models.SeedLead {
	t.Helper()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	var seed []models.SeedLead
	for i := range n {
		at := start.Add(time.Duration(i) * time.Minute)
		l := models.SeedLead{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Name: fmt.Sprintf("Person %03d", i),
			Email: fmt.Sprintf("p%03d@example.com", i), Source: models.SourceSelfCheckIn, FirstSeen: at, LastSeen: at,
			Consents: []models.SeedConsent{{Purpose: models.PurposeContact, CapturedBy: models.CapturedByCandidate, At: at}}}
		switch {
		case i%5 == 0:
			l.Name, l.Email, l.Source, l.BadgeCode, l.Consents = "", "", models.SourceBadgeScan, fmt.Sprintf("TKT-%d", i), nil
		case i%7 == 0:
			l.Consents = nil
		case i == 3:
			w := at.Add(time.Hour)
			l.Consents[0].WithdrawnAt = &w
		}
		seed = append(seed, l)
	}
	if err := db.Store.SeedLeads(context.Background(), ev, seed); err != nil {
		t.Fatal(err)
	}
	return seed
}

func TestCountsSayWhatAnATSExportLeavesOut(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "ats", "Go")
	rtLeads(t, db, ev, 40)
	f := models.LeadFilter{}.Normalize(ev)
	c, err := db.Store.CountLeadsFiltered(ctx, ev.ID, f)
	if err != nil {
		t.Fatal(err)
	}
	// 0,5,…,35 no email (8); 7,14,21,28 no consent (35 has no email); 3 withdrawn.
	if c.Matching != 40 || c.NoEmail != 8 || c.NoName != 0 || c.NoContactConsent != 5 || c.Importable() != 27 {
		t.Fatalf("counts %+v, importable %d", c, c.Importable())
	}
}

func TestPagesKnowTheirPosition(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "pos", "Go")
	rtLeads(t, db, ev, 23)
	f := models.LeadFilter{}.Normalize(ev)
	p1, err := db.Store.LeadsTable(ctx, ev.ID, f, models.PageRequest{Size: 10})
	if err != nil || p1.Offset != 0 || len(p1.Rows) != 10 {
		t.Fatalf("page 1: offset %d, %d rows, %v", p1.Offset, len(p1.Rows), err)
	}
	p2, _ := db.Store.LeadsTable(ctx, ev.ID, f, models.PageRequest{Size: 10, After: p1.Next})
	p3, _ := db.Store.LeadsTable(ctx, ev.ID, f, models.PageRequest{Size: 10, After: p2.Next})
	back, _ := db.Store.LeadsTable(ctx, ev.ID, f, models.PageRequest{Size: 10, Before: p3.Prev})
	if p2.Offset != 10 || p3.Offset != 20 || len(p3.Rows) != 3 || back.Offset != 10 || back.Rows[0].ID != p2.Rows[0].ID {
		t.Fatalf("offsets %d %d %d (back %d)", p2.Offset, p3.Offset, len(p3.Rows), back.Offset)
	}
	byName, _ := models.ParseLeadFilter(url.Values{"sort": {"name"}}, ev)
	n1, _ := db.Store.LeadsTable(ctx, ev.ID, byName, models.PageRequest{Size: 10})
	n2, _ := db.Store.LeadsTable(ctx, ev.ID, byName, models.PageRequest{Size: 10, After: n1.Next})
	if n2.Offset != 10 {
		t.Errorf("sorted by name, page 2 starts after %d rows", n2.Offset)
	}
}

func TestBulkRateAndTag(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "bulk", "Go")
	other := modelstest.Event(t, db, "other", "Go")
	rita := modelstest.Staff(t, db, "rita@example.com", models.RoleRecruiter)
	rtLeads(t, db, ev, 20)
	rtLeads(t, db, other, 0)
	f, _ := models.ParseLeadFilter(url.Values{"source": {"badge_scan"}}, ev) // leads 0, 5, 10, 15

	if _, err := db.Store.BulkRate(ctx, ev, rita.ID, f, "hot", 5); !errors.Is(err, models.ErrSetChanged) {
		t.Fatalf("a stale count: %v, want ErrSetChanged", err)
	}
	n, err := db.Store.BulkRate(ctx, ev, rita.ID, f, "hot", 4)
	if err != nil || n != 4 {
		t.Fatalf("rated %d, %v", n, err)
	}
	hot, _ := models.ParseLeadFilter(url.Values{"rating": {"hot"}}, ev)
	if c, _ := db.Store.CountLeadsFiltered(ctx, ev.ID, hot); c.Matching != 4 {
		t.Errorf("%d hot leads after rating 4", c.Matching)
	}
	convs, _ := db.Store.Conversations(ctx, "00000000-0000-4000-8000-000000000005")
	if len(convs) != 1 || convs[0].RatingText() != "hot" || convs[0].StaffUserID == nil || *convs[0].StaffUserID != rita.ID {
		t.Errorf("the rating is not a conversation by Rita: %+v", convs)
	}
	if _, err := db.Store.BulkRate(ctx, ev, rita.ID, f, "tepid", -1); err == nil {
		t.Error("a rating that does not exist was accepted")
	}

	if n, err := db.Store.BulkTag(ctx, ev, rita.ID, f, "  shortlist ", false, 4); err != nil || n != 4 {
		t.Fatalf("tagged %d, %v", n, err)
	}
	if n, _ := db.Store.BulkTag(ctx, ev, rita.ID, models.LeadFilter{}.Normalize(ev), "shortlist", false, 20); n != 16 {
		t.Errorf("tagging everyone changed %d leads, want the 16 without the tag", n)
	}
	tagged, _ := models.ParseLeadFilter(url.Values{"tag": {"shortlist"}}, ev)
	if c, _ := db.Store.CountLeadsFiltered(ctx, ev.ID, tagged); c.Matching != 20 {
		t.Errorf("%d leads tagged", c.Matching)
	}
	if n, _ := db.Store.BulkTag(ctx, ev, rita.ID, f, "shortlist", true, 4); n != 4 {
		t.Errorf("untagged %d", n)
	}
	if tags, _ := db.Store.TagsInUse(ctx, ev.ID); !slices.Equal(tags, []string{"shortlist"}) {
		t.Errorf("tags in use %q", tags)
	}
	for _, bad := range []string{"", "a,b", "x;y", "\x00", "way too long for a tag, more than forty characters"} {
		if _, err := models.CleanTag(bad); err == nil {
			t.Errorf("tag %q accepted", bad)
		}
	}
	var actions []string
	db.Gorm.Raw(`SELECT action FROM audit_log WHERE action LIKE 'leads.%' ORDER BY id`).Scan(&actions)
	if !slices.Equal(actions, []string{"leads.rate", "leads.tag", "leads.tag", "leads.untag"}) {
		t.Errorf("audit %q", actions)
	}
}

func TestSavedViews(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "views", "Go")
	rita := modelstest.Staff(t, db, "rita@example.com", models.RoleRecruiter)
	sam := modelstest.Staff(t, db, "sam@example.com", models.RoleRecruiter)
	f, _ := models.ParseLeadFilter(url.Values{"rating": {"hot"}, "q": {"Zoë"}}, ev)
	v, err := models.NewSavedView(ev.ID, rita.ID, "  Hot ones ", f)
	if err != nil {
		t.Fatal(err)
	}
	if v, err = db.Store.SaveView(ctx, v); err != nil || v.ID == 0 || v.Name != "Hot ones" {
		t.Fatalf("saved %+v, %v", v, err)
	}
	g, _ := models.ParseLeadFilter(url.Values{"rating": {"warm"}}, ev)
	again, _ := models.NewSavedView(ev.ID, rita.ID, "HOT ONES", g)
	if again, err = db.Store.SaveView(ctx, again); err != nil || again.ID != v.ID || again.Values().Get("rating") != "warm" {
		t.Fatalf("the same name replaces the filter: %+v, %v", again, err)
	}
	if vs, _ := db.Store.SavedViews(ctx, ev.ID, sam.ID); len(vs) != 0 {
		t.Errorf("Sam sees Rita's views: %+v", vs)
	}
	if _, err := db.Store.DeleteSavedView(ctx, ev.ID, sam.ID, v.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Sam deleted Rita's view: %v", err)
	}
	if _, err := models.NewSavedView(ev.ID, rita.ID, " ", f); err == nil {
		t.Error("an empty name was accepted")
	}
	if _, err := db.Store.DeleteSavedView(ctx, ev.ID, rita.ID, v.ID); err != nil {
		t.Fatal(err)
	}
	if vs, _ := db.Store.SavedViews(ctx, ev.ID, rita.ID); len(vs) != 0 {
		t.Errorf("left %+v", vs)
	}
}

func TestSetStaffRoleKeepsAnAdmin(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ada := modelstest.Staff(t, db, "ada@example.com", models.RoleAdmin)
	sam := modelstest.Staff(t, db, "sam@example.com", models.RoleStaff)
	if err := db.Store.SetStaffRole(ctx, ada.ID, sam.ID, models.RoleRecruiter); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.Store.StaffUserByID(ctx, sam.ID); u.Role != models.RoleRecruiter {
		t.Errorf("role %q", u.Role)
	}
	if err := db.Store.SetStaffRole(ctx, ada.ID, ada.ID, models.RoleStaff); !errors.Is(err, models.ErrLastAdmin) {
		t.Errorf("the last admin demoted: %v", err)
	}
	if err := db.Store.SetStaffRole(ctx, ada.ID, sam.ID, "boss"); err == nil {
		t.Error("a role that does not exist was accepted")
	}
	if err := db.Store.SetStaffRole(ctx, ada.ID, 999999, models.RoleStaff); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown account: %v", err)
	}
	_ = db.Store.SetStaffRole(ctx, ada.ID, sam.ID, models.RoleAdmin)
	if err := db.Store.SetStaffRole(ctx, sam.ID, ada.ID, models.RoleStaff); err != nil {
		t.Errorf("with two admins one may step down: %v", err)
	}
	es, _ := db.Store.AuditLog(ctx, 10)
	if es[0].Action != "staff.role" || es[0].SubjectName != ada.Name || es[0].ActorName != sam.Name {
		t.Errorf("audit %+v", es[0])
	}
}
