package models_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// lqEvent is an event for the pure filter tests: two days in Berlin.
var lqEvent = models.Event{ID: 1, Slug: "lq", TimeZone: "Europe/Berlin", Interests: models.StringList{"Go", "Data"}}

func TestParseLeadFilterRoundTrips(t *testing.T) {
	t.Parallel()
	q := url.Values{"rating": {"warm", "hot", "hot"}, "interest": {"Go"}, "source": {"badge_scan"}, "staff": {"7"},
		"pool": {"yes"}, "from": {"2026-11-25T10:00"}, "to": {"2026-11-25"}, "q": {"  Zoë  "}, "sort": {"name"},
		"dir": {"desc"}, "after": {"ignored"}}
	f, err := models.ParseLeadFilter(q, lqEvent)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Ratings, []string{"hot", "warm"}) || f.Interest != "Go" || f.Source != "badge_scan" ||
		f.Staff != "7" || f.TalentPool != "yes" || f.Q != "Zoë" || f.Sort != "name" || !f.Desc {
		t.Fatalf("parsed %+v", f)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if want := time.Date(2026, 11, 25, 10, 0, 0, 0, berlin); !f.From.Equal(want) {
		t.Errorf("from %v, want %v", f.From, want)
	}
	if want := time.Date(2026, 11, 26, 0, 0, 0, 0, berlin); !f.To.Equal(want) {
		t.Errorf("a bare date as the end means the end of that day: to %v, want %v", f.To, want)
	}
	again, err := models.ParseLeadFilter(f.Values(), lqEvent)
	if err != nil || again.Values().Encode() != f.Values().Encode() {
		t.Fatalf("Values does not round-trip: %q vs %q (%v)", again.Values().Encode(), f.Values().Encode(), err)
	}
	if f.Values().Has("after") {
		t.Error("paging is not part of the filter")
	}
	audit := f.AuditDetails()
	if audit["text_search"] != true || strings.Contains(fmt.Sprint(audit), "Zoë") {
		t.Errorf("audit details must say a text search was used, not what was searched: %v", audit)
	}
	if audit["interest"] != "Go" || audit["staff"] != "7" {
		t.Errorf("audit details lost criteria: %v", audit)
	}

	def, err := models.ParseLeadFilter(url.Values{}, lqEvent)
	if err != nil || def.Active() || def.Sort != models.SortFirstSeen || !def.Desc || len(def.Values()) != 0 {
		t.Fatalf("empty query: %+v %v", def, err)
	}
	all, _ := models.ParseLeadFilter(url.Values{"rating": {"hot", "warm", "cold", "none"}}, lqEvent)
	if all.Active() {
		t.Error("every rating ticked is no filter")
	}
}

func TestParseLeadFilterRefusesJunk(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ key, value string }{
		{"rating", "tepid"}, {"source", "fax"}, {"staff", "-3"}, {"staff", "bob"}, {"pool", "maybe"},
		{"from", "yesterday"}, {"to", "2026-13-01"}, {"sort", "email; DROP TABLE leads"}, {"dir", "up"},
		{"q", strings.Repeat("x", 201)}, {"q", "a\x00b"}, {"interest", "\xff"},
	} {
		_, err := models.ParseLeadFilter(url.Values{tc.key: {tc.value}}, lqEvent)
		var ve *models.ValidationError
		if !errors.As(err, &ve) || ve.Fields[tc.key] == "" {
			t.Errorf("%s=%q: got %v, want a field error on %s", tc.key, tc.value, err, tc.key)
		}
	}
	_, err := models.ParseLeadFilter(url.Values{"from": {"2026-11-25T12:00"}, "to": {"2026-11-25T11:00"}}, lqEvent)
	var ve *models.ValidationError
	if !errors.As(err, &ve) || ve.Fields["to"] == "" {
		t.Errorf("an end before the start: %v", err)
	}
}

// lqSeed stores n varied leads at ev with fixed times and returns them as stored (ids set).
func lqSeed(t testing.TB, db modelstest.DB, ev models.Event, staff []int64, n int) []models.SeedLead {
	t.Helper()
	base := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	names := []string{"Zoë Adams", "ana souza", "Émile Zola", "李小龙", "Ελένη Κ", "bob", "Ünal Yılmaz", "Ann"}
	ratings := []string{"hot", "warm", "cold", ""}
	sources := []string{models.SourceSelfCheckIn, models.SourceBadgeScan, models.SourceStaffManual}
	leads := make([]models.SeedLead, n)
	for i := range leads {
		at := base.Add(time.Duration(i%17) * 37 * time.Minute) // many ties on the sort value
		l := models.SeedLead{ID: models.NewUUID(), Name: names[i%len(names)], Email: fmt.Sprintf("p%03d@example.com", i),
			Company: []string{"Acme", "acme", "Zeta", ""}[i%4], Source: sources[i%3], VisitCount: 1 + i%3,
			FirstSeen: at, LastSeen: at.Add(time.Duration(i%5) * time.Hour)}
		if i%3 != 2 {
			l.Interests = []string{[]string{"Go", "Data"}[i%2]}
		}
		l.Consents = []models.SeedConsent{{Purpose: models.PurposeContact, CapturedBy: models.CapturedByCandidate, At: at}}
		if i%4 == 0 {
			k := models.SeedConsent{Purpose: models.PurposeTalentPool, CapturedBy: models.CapturedByCandidate, At: at}
			if i%8 == 0 {
				w := at.Add(time.Hour)
				k.WithdrawnAt = &w
			}
			l.Consents = append(l.Consents, k)
		}
		if r := ratings[i%4]; r != "" || i%5 == 0 {
			l.Conversations = []models.SeedConversation{
				{StaffID: staff[i%len(staff)], At: at.Add(time.Minute), Rating: "cold", Notes: fmt.Sprintf("first talk %d", i)},
				{StaffID: staff[(i+1)%len(staff)], At: at.Add(2 * time.Minute), Rating: r, Notes: "knows Rust"},
			}
		}
		leads[i] = l
	}
	if err := db.Store.SeedLeads(context.Background(), ev, leads); err != nil {
		t.Fatal(err)
	}
	return leads
}

func TestLeadsTablePagesEverySortBothWays(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "paging", "Go", "Data")
	other := modelstest.Event(t, db, "other", "Go")
	s1 := modelstest.Staff(t, db, "s1@example.com", models.RoleStaff)
	s2 := modelstest.Staff(t, db, "s2@example.com", models.RoleStaff)
	leads := lqSeed(t, db, ev, []int64{s1.ID, s2.ID}, 61)
	lqSeed(t, db, other, []int64{s1.ID}, 5)

	for _, sort := range models.SortOrders {
		for _, dir := range []string{"asc", "desc"} {
			f, err := models.ParseLeadFilter(url.Values{"sort": {sort}, "dir": {dir}}, ev)
			if err != nil {
				t.Fatal(err)
			}
			all, err := db.Store.LeadsTable(ctx, ev.ID, f, models.PageRequest{Size: 200})
			if err != nil {
				t.Fatalf("%s %s: %v", sort, dir, err)
			}
			if len(all.Rows) != len(leads) || all.Next != "" {
				t.Fatalf("%s %s: one big page has %d rows (next %q), want %d", sort, dir, len(all.Rows), all.Next, len(leads))
			}
			want := ids(all.Rows)
			// forwards, 7 at a time
			var got []string
			var pages []models.LeadsPage
			p, err := db.Store.LeadsTable(ctx, ev.ID, f, models.PageRequest{Size: 7})
			for ; err == nil; p, err = db.Store.LeadsTable(ctx, ev.ID, f, models.PageRequest{After: p.Next, Size: 7}) {
				pages = append(pages, p)
				got = append(got, ids(p.Rows)...)
				if p.Next == "" {
					break
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s %s: keyset pages differ from the single page\n got %v\nwant %v", sort, dir, got, want)
			}
			if pages[0].Prev != "" || len(pages) != 9 {
				t.Errorf("%s %s: %d pages, first has prev %q", sort, dir, len(pages), pages[0].Prev)
			}
			// backwards from the last page gives the same pages
			for i := len(pages) - 1; i > 0; i-- {
				back, err := db.Store.LeadsTable(ctx, ev.ID, f, models.PageRequest{Before: pages[i].Prev, Size: 7})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ids(back.Rows), ids(pages[i-1].Rows)) {
					t.Fatalf("%s %s: page %d backwards = %v, forwards = %v", sort, dir, i-1, ids(back.Rows), ids(pages[i-1].Rows))
				}
				if (back.Prev == "") != (i-1 == 0) || back.Next == "" {
					t.Errorf("%s %s: page %d backwards has prev %q next %q", sort, dir, i-1, back.Prev, back.Next)
				}
			}
		}
	}
	if _, err := db.Store.LeadsTable(ctx, ev.ID, models.LeadFilter{}.Normalize(ev), models.PageRequest{After: "not-a-cursor"}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a junk cursor: %v", err)
	}
}

func ids(rows []models.LeadRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

func TestLeadsTableFiltersMatchWhatTheyPromise(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "filters", "Go", "Data")
	s1 := modelstest.Staff(t, db, "s1@example.com", models.RoleStaff)
	s2 := modelstest.Staff(t, db, "s2@example.com", models.RoleStaff)
	leads := lqSeed(t, db, ev, []int64{s1.ID, s2.ID}, 40)
	rating := func(l models.SeedLead) string {
		r, at := "", time.Time{}
		for _, c := range l.Conversations {
			if c.Rating != "" && !c.At.Before(at) {
				r, at = c.Rating, c.At
			}
		}
		return r
	}
	talked := func(l models.SeedLead, id int64) bool {
		for _, c := range l.Conversations {
			if c.StaffID == id {
				return true
			}
		}
		return false
	}
	pool := func(l models.SeedLead) bool {
		for _, k := range l.Consents {
			if k.Purpose == models.PurposeTalentPool && k.WithdrawnAt == nil {
				return true
			}
		}
		return false
	}
	from := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	to := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	berlin := ev.Location()
	cases := []struct {
		query url.Values
		want  func(models.SeedLead) bool
	}{
		{url.Values{"rating": {"hot", "warm"}}, func(l models.SeedLead) bool { r := rating(l); return r == "hot" || r == "warm" }},
		{url.Values{"rating": {"none"}}, func(l models.SeedLead) bool { return rating(l) == "" }},
		{url.Values{"rating": {"cold", "none"}}, func(l models.SeedLead) bool { r := rating(l); return r == "cold" || r == "" }},
		{url.Values{"interest": {"Data"}}, func(l models.SeedLead) bool { return slices.Contains(l.Interests, "Data") }},
		{url.Values{"source": {"badge_scan"}}, func(l models.SeedLead) bool { return l.Source == "badge_scan" }},
		{url.Values{"staff": {fmt.Sprint(s2.ID)}}, func(l models.SeedLead) bool { return talked(l, s2.ID) }},
		{url.Values{"staff": {"none"}}, func(l models.SeedLead) bool { return len(l.Conversations) == 0 }},
		{url.Values{"pool": {"yes"}}, pool},
		{url.Values{"pool": {"no"}}, func(l models.SeedLead) bool { return !pool(l) }},
		{url.Values{"from": {from.In(berlin).Format("2006-01-02T15:04")}, "to": {to.In(berlin).Format("2006-01-02T15:04")}},
			func(l models.SeedLead) bool { return !l.FirstSeen.Before(from) && l.FirstSeen.Before(to) }},
		{url.Values{"q": {"ZOË"}}, func(l models.SeedLead) bool { return strings.HasPrefix(l.Name, "Zoë") }},
		{url.Values{"q": {"p01"}}, func(l models.SeedLead) bool { return strings.HasPrefix(l.Email, "p01") }},
		{url.Values{"q": {"first talk 1"}}, func(l models.SeedLead) bool {
			return len(l.Conversations) > 0 && strings.HasPrefix(l.Conversations[0].Notes, "first talk 1")
		}},
		{url.Values{"q": {"100%_"}}, func(models.SeedLead) bool { return false }},
		{url.Values{"rating": {"hot"}, "interest": {"Go"}, "pool": {"yes"}}, func(l models.SeedLead) bool {
			return rating(l) == "hot" && slices.Contains(l.Interests, "Go") && pool(l)
		}},
	}
	for _, tc := range cases {
		f, err := models.ParseLeadFilter(tc.query, ev)
		if err != nil {
			t.Fatalf("%v: %v", tc.query, err)
		}
		var want []string
		for _, l := range leads {
			if tc.want(l) {
				want = append(want, l.ID)
			}
		}
		page, err := db.Store.LeadsTable(ctx, ev.ID, f, models.PageRequest{Size: 200})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(page.Rows)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%v: got %d leads %v, want %d %v", tc.query.Encode(), len(got), got, len(want), want)
		}
		counts, err := db.Store.CountLeadsFiltered(ctx, ev.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		if counts.Matching != int64(len(want)) || counts.All != int64(len(leads)) ||
			counts.Hot+counts.Warm+counts.Cold+counts.Unrated != counts.Matching {
			t.Errorf("%v: counts %+v, want %d of %d", tc.query.Encode(), counts, len(want), len(leads))
		}
		// the export reads exactly the same leads, in the same order
		var exported []string
		err = db.Store.ExportLeads(ctx, ev.ID, f, 3, func(b []models.ExportLead) error {
			for _, l := range b {
				exported = append(exported, l.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(exported)
		if !slices.Equal(exported, want) {
			t.Errorf("%v: export has %v, want %v", tc.query.Encode(), exported, want)
		}
	}
}

func TestExportLeadsGivesEachLeadItsOwnRecords(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "export-rows", "Go", "Data")
	s1 := modelstest.Staff(t, db, "s1@example.com", models.RoleStaff)
	leads := lqSeed(t, db, ev, []int64{s1.ID}, 23)
	byID := map[string]models.SeedLead{}
	for _, l := range leads {
		byID[l.ID] = l
	}
	f := models.LeadFilter{Sort: models.SortName}.Normalize(ev)
	page, err := db.Store.LeadsTable(ctx, ev.ID, f, models.PageRequest{Size: 200})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	batches := 0
	err = db.Store.ExportLeads(ctx, ev.ID, f, 5, func(b []models.ExportLead) error {
		batches++
		if len(b) > 5 {
			t.Errorf("batch of %d", len(b))
		}
		for _, l := range b {
			order = append(order, l.ID)
			src := byID[l.ID]
			if l.Name != src.Name || l.Email != src.Email || len(l.Conversations) != len(src.Conversations) ||
				len(l.Consents) != len(src.Consents) {
				t.Errorf("lead %s: %+v, seeded %+v", l.ID, l, src)
				continue
			}
			for i, c := range l.Conversations {
				if c.Notes != src.Conversations[i].Notes || !c.At.Equal(src.Conversations[i].At) || c.StaffName != s1.Name {
					t.Errorf("lead %s conversation %d: %+v", l.ID, i, c)
				}
			}
			for i, k := range l.Consents {
				if k.Purpose != src.Consents[i].Purpose || k.TextVersion != 1 || len(k.TextSHA256) != 64 ||
					(k.WithdrawnAt == nil) != (src.Consents[i].WithdrawnAt == nil) {
					t.Errorf("lead %s consent %d: %+v", l.ID, i, k)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, ids(page.Rows)) || batches != 5 {
		t.Errorf("export order differs from the table's, or %d batches", batches)
	}
	stop := errors.New("stop")
	if err := db.Store.ExportLeads(ctx, ev.ID, f, 5, func([]models.ExportLead) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("fn's error: %v", err)
	}
}

// TestExportLeadsReadsOneSnapshot: a lead that arrives while an export runs is not in it, and
// no lead appears twice although its sort value changes mid-export.
func TestExportLeadsReadsOneSnapshot(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "snapshot", "Go")
	s1 := modelstest.Staff(t, db, "s1@example.com", models.RoleStaff)
	lqSeed(t, db, ev, []int64{s1.ID}, 12)
	f := models.LeadFilter{Sort: models.SortLastSeen, Desc: false}.Normalize(ev)
	seen := map[string]int{}
	first := true
	err := db.Store.ExportLeads(ctx, ev.ID, f, 4, func(b []models.ExportLead) error {
		for _, l := range b {
			seen[l.ID]++
		}
		if first {
			first = false
			// a new arrival, and the first exported lead seen again now (moves to the end)
			late := time.Now()
			if err := db.Store.SeedLeads(ctx, ev, []models.SeedLead{{Name: "Late Comer", Email: "late@example.com",
				Source: models.SourceSelfCheckIn, FirstSeen: late, LastSeen: late}}); err != nil {
				return err
			}
			return db.Gorm.Exec("UPDATE leads SET last_seen_at = now() + interval '1 day' WHERE id = ?", b[0].ID).Error
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 12 {
		t.Errorf("exported %d leads, want the 12 of the snapshot", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("lead %s exported %d times", id, n)
		}
	}
}

func TestEventStatsCounts(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "stats", "Go", "Data")
	s1 := modelstest.Staff(t, db, "s1@example.com", models.RoleStaff)
	s2 := modelstest.Staff(t, db, "s2@example.com", models.RoleStaff)
	leads := lqSeed(t, db, ev, []int64{s1.ID, s2.ID}, 40)
	st, err := db.Store.EventStats(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	var convs, hot int64
	arrivals := map[time.Time]int64{}
	for _, l := range leads {
		convs += int64(len(l.Conversations))
		arrivals[l.FirstSeen.UTC().Truncate(time.Hour)]++
	}
	if st.Leads != 40 || st.Conversations != convs {
		t.Fatalf("totals %d leads %d conversations, want 40 and %d", st.Leads, st.Conversations, convs)
	}
	var sum int64
	for _, a := range st.Arrivals {
		sum += a.Count
		if a.Hour.Hour() < 9 || a.Hour.Hour() > 18 { // seeded 8:00-17:52 UTC = 9:00-18:52 in Berlin
			t.Errorf("arrival hour %v is not in Berlin time", a.Hour)
		}
	}
	if sum != 40 || len(st.Arrivals) != len(arrivals) {
		t.Errorf("arrivals %v", st.Arrivals)
	}
	if st.Ratings[0].Label != "hot" || st.Ratings[3].Label != models.RatingNone {
		t.Errorf("ratings order %v", st.Ratings)
	}
	var total int64
	for _, r := range st.Ratings {
		total += r.Count
	}
	for _, s := range st.Staff {
		hot += s.Hot
	}
	if total != 40 || len(st.Staff) != 2 || st.Staff[0].Conversations < st.Staff[1].Conversations || hot != st.Ratings[0].Count {
		t.Errorf("ratings %v staff %+v", st.Ratings, st.Staff)
	}
	if st.Sources[0].Label != models.SourceSelfCheckIn || st.Sources[0].Count+st.Sources[1].Count+st.Sources[2].Count != 40 {
		t.Errorf("sources %v", st.Sources)
	}
	if len(st.Interests) != 2 || st.Interests[0].Count < st.Interests[1].Count {
		t.Errorf("interests %v", st.Interests)
	}
}

// BenchmarkLeadsTable50k times the leads table's queries on an event with 50,000 leads (and a
// second event of 50,000 beside it): the first page, a page deep in the table reached by keyset
// paging, the same depth with OFFSET for comparison, the counts, and typical filters.
// With BOOTHLEAD_EXPLAIN=1 it also logs EXPLAIN ANALYZE of each query.
func BenchmarkLeadsTable50k(b *testing.B) {
	db := modelstest.New(b)
	ctx := context.Background()
	ev := modelstest.Event(b, db, "big", "Go", "Data")
	other := modelstest.Event(b, db, "big-other", "Go", "Data")
	s1 := modelstest.Staff(b, db, "s1@example.com", models.RoleStaff)
	s2 := modelstest.Staff(b, db, "s2@example.com", models.RoleStaff)
	// realistic leads (DemoLeads: names in many scripts, timestamps to the second, one to three
	// conversations for most), 50,000 per event, with unique emails
	for _, e := range []models.Event{ev, other} {
		day := time.Date(2026, 11, 25, 0, 0, 0, 0, e.Location())
		for done := 0; done < 50000; done += 5000 {
			batch := models.DemoLeads(models.DemoOptions{Leads: 5000, Days: []time.Time{day, day.AddDate(0, 0, 1)},
				Interests: e.Interests, Staff: []int64{s1.ID, s2.ID}, Seed: uint64(done + 1)})
			for i := range batch {
				email := fmt.Sprintf("%d.%s", done+i, batch[i].Email)
				batch[i].BadgeCode = strings.ReplaceAll(batch[i].BadgeCode, batch[i].Email, email)
				batch[i].Email = email
			}
			if err := db.Store.SeedLeads(ctx, e, batch); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := db.Gorm.Exec("VACUUM ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
	filter := func(q url.Values) models.LeadFilter {
		f, err := models.ParseLeadFilter(q, ev)
		if err != nil {
			b.Fatal(err)
		}
		return f
	}
	// the cursor after row 49,950 (page 1,000 of 50), found by paging once; the table's links
	// carry the position of the page (Pos), so it is not counted
	deep := func(f models.LeadFilter) string {
		var p models.LeadsPage
		var err error
		for i := 0; i < 999; i++ {
			size := 50
			if i < 996 && i%4 == 0 { // 249 pages of 200, then 3 of 50
				size = 200
			} else if i < 996 {
				continue
			}
			if p, err = db.Store.LeadsTable(ctx, ev.ID, f, models.PageRequest{After: p.Next, Size: size}); err != nil {
				b.Fatal(err)
			}
		}
		return p.Next
	}
	def := filter(url.Values{})
	byName := filter(url.Values{"sort": {"name"}})
	cases := []struct {
		name string
		f    models.LeadFilter
		p    models.PageRequest
	}{
		{"first-page", def, models.PageRequest{Size: 50}},
		{"page-1000-keyset", def, models.PageRequest{After: deep(def), Size: 50, Pos: 49951}},
		{"page-1000-keyset-counted-position", def, models.PageRequest{After: deep(def), Size: 50}},
		{"by-name-page-1000-keyset", byName, models.PageRequest{After: deep(byName), Size: 50, Pos: 49951}},
		{"by-name-page-1000-keyset-counted-position", byName, models.PageRequest{After: deep(byName), Size: 50}},
		{"hot-and-go", filter(url.Values{"rating": {"hot"}, "interest": {"Go"}}), models.PageRequest{Size: 50}},
		{"talent-pool", filter(url.Values{"pool": {"yes"}}), models.PageRequest{Size: 50}},
		{"staff", filter(url.Values{"staff": {fmt.Sprint(s2.ID)}}), models.PageRequest{Size: 50}},
		{"text-search-common", filter(url.Values{"q": {"müller"}}), models.PageRequest{Size: 50}},
		{"text-search-rare", filter(url.Values{"q": {"49999.ana"}}), models.PageRequest{Size: 50}},
		{"text-search-notes", filter(url.Values{"q": {"postgres extension"}}), models.PageRequest{Size: 50}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.Store.LeadsTable(ctx, ev.ID, tc.f, tc.p); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"-count", func(b *testing.B) {
			for b.Loop() {
				if _, err := db.Store.CountLeadsFiltered(ctx, ev.ID, tc.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The same page as page-1000-keyset, reached with OFFSET: every skipped row is read (and
	// joined to its conversations) before the page starts.
	b.Run("page-1000-offset-for-comparison", func(b *testing.B) {
		for b.Loop() {
			var rows []models.LeadRow
			if err := db.Gorm.Raw(`SELECT l.*, coalesce(t.names, '') AS talked_by FROM leads l
				LEFT JOIN LATERAL (SELECT string_agg(DISTINCT u.name, ', ') AS names FROM conversations c
					LEFT JOIN staff_users u ON u.id = c.staff_user_id WHERE c.lead_id = l.id) t ON true
				WHERE l.event_id = ? ORDER BY l.first_seen_at DESC, l.id DESC OFFSET 49950 LIMIT 51`, ev.ID).Scan(&rows).Error; err != nil {
				b.Fatal(err)
			}
		}
	})
	if os.Getenv("BOOTHLEAD_EXPLAIN") != "" {
		for _, tc := range cases {
			for _, line := range db.Store.ExplainLeadsTable(ctx, ev.ID, tc.f, tc.p) {
				b.Logf("%s: %s", tc.name, line)
			}
		}
	}
}
