package models

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Sort orders of the leads table (the `sort` query parameter).
const (
	SortFirstSeen = "first_seen"
	SortLastSeen  = "last_seen"
	SortName      = "name"
	SortCompany   = "company"
	SortRating    = "rating"
	SortVisits    = "visits"
)

// RatingNone is the rating filter value for leads nobody rated yet.
const RatingNone = "none"

// StaffNone is the staff filter value for leads nobody has talked to yet.
const StaffNone = "none"

// Talent-pool filter values.
const (
	PoolYes = "yes"
	PoolNo  = "no"
)

// Limits of the filter's free-text parts.
const (
	maxFilterQ     = 200
	maxFilterValue = 100
)

// filterTimeLayout is how From and To travel in URLs: a datetime-local value in the event's zone.
const filterTimeLayout = "2006-01-02T15:04"

// sortKey is one way to order leads: an SQL expression (always paired with l.id for a total
// order), the type a cursor value is cast back to, and the natural direction.
type sortKey struct {
	expr, typ string
	desc      bool
}

var sortKeys = map[string]sortKey{
	SortFirstSeen: {"l.first_seen_at", "timestamptz", true},
	SortLastSeen:  {"l.last_seen_at", "timestamptz", true},
	SortName:      {"lower(l.name)", "text", false},
	SortCompany:   {"lower(l.company)", "text", false},
	SortRating:    {"(CASE l.rating WHEN 'hot' THEN 3 WHEN 'warm' THEN 2 WHEN 'cold' THEN 1 ELSE 0 END)", "integer", true},
	SortVisits:    {"l.visit_count", "integer", true},
}

// SortOrders lists the sort orders in display order.
var SortOrders = []string{SortFirstSeen, SortLastSeen, SortName, SortCompany, SortRating, SortVisits}

// DefaultDesc reports whether a sort order runs descending unless asked otherwise (newest,
// hottest and most visits first; names A to Z).
func DefaultDesc(sort string) bool { return sortKeys[sort].desc }

// LeadFilter is what the recruiter narrowed the leads table to, and how it is sorted. The zero
// value (after Normalize) is every lead, newest first. The same filter drives the table, its
// counts and the CSV export, so an export holds exactly what the table showed.
type LeadFilter struct {
	Ratings    []string       // any of hot, warm, cold and RatingNone; empty = any rating
	Interest   string         // leads with this interest
	Tag        string         // leads with this tag
	Source     string         // self_checkin, badge_scan or staff_manual
	Staff      string         // a staff id (talked to by them) or StaffNone
	TalentPool string         // PoolYes (a granted, not withdrawn talent-pool consent) or PoolNo
	From, To   time.Time      // first seen at or after From and before To; zero = open
	Q          string         // free text in name, email, company, title, message or conversation notes
	Answers    []AnswerFilter // answers to the event's custom questions, all of which must match
	Sort       string         // one of SortOrders
	Desc       bool

	// Time zone From and To are written in, for Values.
	loc *time.Location
}

// AnswerFilter narrows the leads to those whose answer to a custom question is Value (parameter
// a.<key>, for choices and yes/no) or, with Contains, holds Value as text, in any letter case
// (parameter t.<key>, for text questions).
type AnswerFilter struct {
	Key, Value string
	Contains   bool
}

// Param is the query parameter that carries the filter.
func (a AnswerFilter) Param() string {
	if a.Contains {
		return "t." + a.Key
	}
	return "a." + a.Key
}

// AnswerValue returns the value the filter asks of question key ("" when it asks nothing).
func (f LeadFilter) AnswerValue(key string) string {
	for _, a := range f.Answers {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// parseAnswerFilters reads the a.<key> and t.<key> parameters, in key order.
func parseAnswerFilters(e errs, q url.Values) []AnswerFilter {
	var out []AnswerFilter
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		prefix, key, ok := strings.Cut(name, ".")
		if !ok || (prefix != "a" && prefix != "t") {
			continue
		}
		if !questionKeyRe.MatchString(key) {
			e.add(name, "Filter by one of the event's questions.")
			continue
		}
		if v := filterText(e, name, "Answer", q.Get(name), maxFilterValue); v != "" {
			out = append(out, AnswerFilter{Key: key, Value: v, Contains: prefix == "t"})
		}
	}
	return out
}

// ParseLeadFilter reads a filter from a query string (the leads page's form, the export link,
// or the CLI's flags) for event ev: times are in the event's zone. Unknown parameters are
// ignored; invalid values give a *ValidationError keyed by parameter name.
func ParseLeadFilter(q url.Values, ev Event) (LeadFilter, error) {
	e := newErrs()
	f := LeadFilter{loc: ev.Location()}
	seen := map[string]bool{}
	for _, r := range q["rating"] {
		r = strings.ToLower(strings.TrimSpace(r))
		switch r {
		case "":
		case "hot", "warm", "cold", RatingNone:
			if !seen[r] {
				seen[r] = true
			}
		default:
			e.add("rating", "Choose hot, warm, cold or not rated.")
		}
	}
	for _, r := range []string{"hot", "warm", "cold", RatingNone} {
		if seen[r] {
			f.Ratings = append(f.Ratings, r)
		}
	}
	if len(f.Ratings) == 4 {
		f.Ratings = nil // all four is no filter at all
	}
	f.Interest = filterText(e, "interest", "Interest", q.Get("interest"), maxFilterValue)
	f.Tag = filterText(e, "tag", "Tag", q.Get("tag"), maxFilterValue)
	switch s := strings.TrimSpace(q.Get("source")); s {
	case "", SourceSelfCheckIn, SourceBadgeScan, SourceStaffManual:
		f.Source = s
	default:
		e.add("source", "Choose self check-in, badge scan or added by staff.")
	}
	switch s := strings.TrimSpace(q.Get("staff")); s {
	case "", StaffNone:
		f.Staff = s
	default:
		if id, err := strconv.ParseInt(s, 10, 64); err != nil || id <= 0 {
			e.add("staff", "Choose a staff member from the list.")
		} else {
			f.Staff = strconv.FormatInt(id, 10)
		}
	}
	switch p := strings.ToLower(strings.TrimSpace(q.Get("pool"))); p {
	case "", PoolYes, PoolNo:
		f.TalentPool = p
	default:
		e.add("pool", "Choose yes or no.")
	}
	f.From = filterTime(e, "from", q.Get("from"), f.loc, false)
	f.To = filterTime(e, "to", q.Get("to"), f.loc, true)
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		e.add("to", "The end of the time range must be after its start.")
	}
	f.Q = filterText(e, "q", "Search", q.Get("q"), maxFilterQ)
	f.Answers = parseAnswerFilters(e, q)
	f.Sort = strings.TrimSpace(q.Get("sort"))
	if f.Sort == "" {
		f.Sort = SortFirstSeen
	}
	if _, ok := sortKeys[f.Sort]; !ok {
		e.add("sort", "Sort by one of the table's columns.")
		f.Sort = SortFirstSeen
	}
	switch d := strings.ToLower(strings.TrimSpace(q.Get("dir"))); d {
	case "":
		f.Desc = DefaultDesc(f.Sort)
	case "asc", "desc":
		f.Desc = d == "desc"
	default:
		e.add("dir", "Sort ascending or descending.")
	}
	return f, e.err()
}

func filterText(e errs, field, label, s string, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s):
		e.add(field, label+" contains characters we cannot read.")
		return ""
	case utf8.RuneCountInString(s) > max:
		e.add(field, label+" is too long (at most "+strconv.Itoa(max)+" characters).")
		return ""
	case hasControl(s, false):
		e.add(field, label+" contains control characters.")
		return ""
	}
	return s
}

// filterTime reads a datetime-local value ("2026-11-25T10:00"), or a bare date, in loc. A bare
// date as the end of a range means the end of that day.
func filterTime(e errs, field, s string, loc *time.Location, end bool) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{filterTimeLayout, "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t
		}
	}
	if d, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d
	}
	e.add(field, "Enter a date and time like 2026-11-25T14:30.")
	return time.Time{}
}

// Normalize fills in the defaults of a filter built in code (sort order and zone).
func (f LeadFilter) Normalize(ev Event) LeadFilter {
	if _, ok := sortKeys[f.Sort]; !ok {
		f.Sort = SortFirstSeen
		f.Desc = true
	}
	if f.loc == nil {
		f.loc = ev.Location()
	}
	return f
}

// Active reports whether the filter narrows the leads at all (sorting does not count).
func (f LeadFilter) Active() bool {
	return len(f.Ratings) > 0 || f.Interest != "" || f.Tag != "" || f.Source != "" || f.Staff != "" ||
		f.TalentPool != "" || !f.From.IsZero() || !f.To.IsZero() || f.Q != "" || len(f.Answers) > 0
}

// HasRating reports whether the filter asks for rating r (hot, warm, cold or RatingNone).
func (f LeadFilter) HasRating(r string) bool {
	for _, x := range f.Ratings {
		if x == r {
			return true
		}
	}
	return false
}

// FromText and ToText are the range's ends as datetime-local values, "" when open.
func (f LeadFilter) FromText() string { return f.timeText(f.From) }

// ToText is the end of the time range as a datetime-local value, "" when open.
func (f LeadFilter) ToText() string { return f.timeText(f.To) }

func (f LeadFilter) timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	loc := f.loc
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(filterTimeLayout)
}

// Values is the filter in canonical query-string form; ParseLeadFilter reads it back to the same
// filter. Default sort parameters are left out.
func (f LeadFilter) Values() url.Values {
	v := f.criteria()
	if f.Q != "" {
		v.Set("q", f.Q)
	}
	if f.Sort != "" && f.Sort != SortFirstSeen {
		v.Set("sort", f.Sort)
	}
	if f.Sort != "" && f.Desc != DefaultDesc(f.Sort) {
		if f.Desc {
			v.Set("dir", "desc")
		} else {
			v.Set("dir", "asc")
		}
	}
	return v
}

func (f LeadFilter) criteria() url.Values {
	v := url.Values{}
	if len(f.Ratings) > 0 {
		v["rating"] = append([]string(nil), f.Ratings...)
	}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("interest", f.Interest)
	set("tag", f.Tag)
	set("source", f.Source)
	set("staff", f.Staff)
	set("pool", f.TalentPool)
	set("from", f.FromText())
	set("to", f.ToText())
	for _, a := range f.Answers {
		set(a.Param(), a.Value)
	}
	return v
}

// AuditDetails is the filter as the audit log keeps it: the criteria (ratings, interest, source,
// staff id, talent pool, time range) and the sort, but of a free-text search only the fact that
// there was one, since what a recruiter typed may be a person's name.
func (f LeadFilter) AuditDetails() map[string]any {
	out := map[string]any{}
	for k, vs := range f.criteria() {
		if strings.HasPrefix(k, "t.") {
			out["answer_search"] = true // typed text, like the free-text search: maybe a name
			continue
		}
		if len(vs) == 1 {
			out[k] = vs[0]
		} else {
			out[k] = vs
		}
	}
	if f.Q != "" {
		out["text_search"] = true
	}
	out["sort"] = f.Sort
	return out
}

// where returns the SQL condition (after "WHERE") that selects an event's leads matching f, and
// its arguments. Every value is a bound parameter.
func (f LeadFilter) where(eventID int64) (string, []any) {
	var b strings.Builder
	args := []any{eventID}
	b.WriteString("l.event_id = ?")
	if len(f.Ratings) > 0 {
		var rated []string
		none := false
		for _, r := range f.Ratings {
			if r == RatingNone {
				none = true
			} else {
				rated = append(rated, r)
			}
		}
		switch {
		case len(rated) > 0 && none:
			b.WriteString(" AND (l.rating IS NULL OR l.rating = ANY(?::text[]))")
			args = append(args, StringList(rated))
		case none:
			b.WriteString(" AND l.rating IS NULL")
		default:
			b.WriteString(" AND l.rating = ANY(?::text[])")
			args = append(args, StringList(rated))
		}
	}
	if f.Interest != "" {
		b.WriteString(" AND l.interests @> ?::text[]")
		args = append(args, StringList{f.Interest})
	}
	if f.Tag != "" {
		b.WriteString(" AND l.tags @> ?::text[]")
		args = append(args, StringList{f.Tag})
	}
	if f.Source != "" {
		b.WriteString(" AND l.source = ?")
		args = append(args, f.Source)
	}
	switch f.Staff {
	case "":
	case StaffNone:
		b.WriteString(" AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.lead_id = l.id)")
	default:
		id, _ := strconv.ParseInt(f.Staff, 10, 64)
		b.WriteString(" AND EXISTS (SELECT 1 FROM conversations c WHERE c.lead_id = l.id AND c.staff_user_id = ?)")
		args = append(args, id)
	}
	const pool = "EXISTS (SELECT 1 FROM consents k WHERE k.lead_id = l.id AND k.purpose = 'talent_pool' AND k.granted AND k.withdrawn_at IS NULL)"
	switch f.TalentPool {
	case PoolYes:
		b.WriteString(" AND " + pool)
	case PoolNo:
		b.WriteString(" AND NOT " + pool)
	}
	if !f.From.IsZero() {
		b.WriteString(" AND l.first_seen_at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		b.WriteString(" AND l.first_seen_at < ?")
		args = append(args, f.To.UTC())
	}
	for _, a := range f.Answers {
		if a.Contains {
			b.WriteString(` AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(l.answers -> ?, '[]'::jsonb)) x(v)
				WHERE x.v ILIKE ?)`)
			args = append(args, a.Key, likePattern(a.Value))
		} else {
			b.WriteString(" AND l.answers @> ?::jsonb")
			args = append(args, Answers{a.Key: {a.Value}})
		}
	}
	if f.Q != "" {
		// Two lists the trigram indexes of migration 00009 answer (leads_search_idx, whose
		// expression this repeats, and conversations_notes_idx), rather than an OR with EXISTS,
		// which makes Postgres test every lead of the event.
		p := likePattern(f.Q)
		b.WriteString(` AND l.id IN (SELECT s.id FROM leads s WHERE s.event_id = ? AND ` + leadSearchText("s") + ` ILIKE ?
			UNION ALL SELECT c.lead_id FROM conversations c WHERE c.notes ILIKE ?)`)
		args = append(args, eventID, p, p)
	}
	return b.String(), args
}

// grantedContactConsent is true for a lead with a contact consent that is granted and not withdrawn
// (the partial index consents_contact_idx, migration 00026, holds exactly those rows): with an
// email address and a name, what an ATS export needs (export.Eligible states the same rule).
const grantedContactConsent = `EXISTS (SELECT 1 FROM consents k WHERE k.lead_id = l.id AND k.purpose = 'contact'
	AND k.granted AND k.withdrawn_at IS NULL)`

// leadSearchText is the text a lead is searched in, exactly the expression the trigram index
// leads_search_idx (migration 00009) is built on, so searches use it. alias names the leads table.
func leadSearchText(alias string) string {
	a := alias + "."
	return "(" + a + "name || E'\\n' || coalesce(" + a + "email, '') || E'\\n' || " + a + "company || E'\\n' || " +
		a + "title || E'\\n' || " + a + "message)"
}

// sqlDirection is the order one query walks the sort in.
func sqlDirection(desc bool) string {
	if desc {
		return "DESC"
	}
	return "ASC"
}

// keyset returns the ORDER BY clause of f (walking backwards when reverse), and, for a leadCursor,
// the condition that starts strictly after it in that walk.
func (f LeadFilter) keyset(c leadCursor, reverse bool) (order, cond string, args []any) {
	k := sortKeys[f.Sort]
	desc := f.Desc != reverse
	dir := sqlDirection(desc)
	order = k.expr + " " + dir + ", l.id " + dir
	if c.id == "" {
		return order, "", nil
	}
	op := ">"
	if desc {
		op = "<"
	}
	cond = "(" + k.expr + ", l.id) " + op + " (CAST(? AS " + k.typ + "), CAST(? AS uuid))"
	return order, cond, []any{c.value, c.id}
}

// leadCursor is a position in a sorted walk: the sort value and id of a row, as the database wrote
// them (so Postgres, not Go, decides how values compare).
type leadCursor struct{ value, id string }

// encode makes the cursor a URL-safe token.
func (c leadCursor) encode() string {
	if c.id == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(c.value + "|" + c.id))
}

// decodeCursor reads a token made by encode; a token that is not one is an error.
func decodeCursor(s string) (leadCursor, error) {
	if s == "" {
		return leadCursor{}, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return leadCursor{}, fmt.Errorf("models: bad cursor: %w", err)
	}
	i := strings.LastIndexByte(string(b), '|')
	if i < 0 || !isUUID(string(b[i+1:])) || !utf8.Valid(b) {
		return leadCursor{}, fmt.Errorf("models: bad cursor")
	}
	return leadCursor{value: string(b[:i]), id: string(b[i+1:])}, nil
}

// PageRequest asks for one page of the leads table: the first page, the page after the cursor
// After, or the page before the cursor Before (cursors come from a LeadsPage). Pos is the
// 1-based position of the page's first row when the link that asked knows it (the table's own
// links carry it); 0 means unknown, and LeadsTable counts it.
type PageRequest struct {
	After, Before string
	Size          int
	Pos           int64
}

// LeadRow is one lead of the leads table, with who on the team talked to them.
type LeadRow struct {
	Lead
	TalkedBy      string `gorm:"->;-:migration"`
	Conversations int    `gorm:"->;-:migration"`
	SortKey       string `gorm:"->;-:migration"`
}

// LeadsPage is one page of the leads table. Next and Prev are cursors for the neighbouring
// pages ("" when there is none); Offset is how many matching leads come before its first row,
// so the page shows rows Offset+1 to Offset+len(Rows).
type LeadsPage struct {
	Rows       []LeadRow
	Next, Prev string
	Offset     int64
}

// MaxPageSize bounds a page of the leads table.
const MaxPageSize = 200

// leadColumns are the lead columns the table and the export read (never the tokens).
const leadColumns = `l.id, l.event_id, l.name, l.email, l.phone, l.company, l.title, l.linkedin, l.github,
	l.cv_url, l.message, l.interests, l.tags, l.source, l.badge_code, l.visit_count, l.first_seen_at, l.last_seen_at,
	l.rating, l.rating_at, l.updated_at`

// LeadsTable returns one page of an event's leads matching f, in f's order. Paging is keyset
// paging (WHERE (sort value, id) after the leadCursor), so every page costs the same however deep
// it is. A cursor that is not one gives ErrNotFound.
func (s *Store) LeadsTable(ctx context.Context, eventID int64, f LeadFilter, p PageRequest) (LeadsPage, error) {
	q, args, c, reverse, size, err := leadsTableQuery(eventID, f, p)
	if err != nil {
		return LeadsPage{}, err
	}
	var rows []LeadRow
	err = s.customPlans(ctx, func(tx *gorm.DB) error { return tx.Raw(q, args...).Scan(&rows).Error })
	if err != nil {
		return LeadsPage{}, fmt.Errorf("models: leads table: %w", err)
	}
	more := len(rows) > size
	if more {
		rows = rows[:size]
	}
	if reverse {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	page := LeadsPage{Rows: rows}
	if len(rows) == 0 {
		return page, nil
	}
	switch {
	case c.id == "":
	case p.Pos > 0:
		page.Offset = p.Pos - 1
	default:
		// Counting what comes before a deep page reads most of the event (at 50,000 leads: a few
		// ms in time order, up to 90 ms by name), so the table's links carry the position.
		if page.Offset, err = s.countBefore(ctx, eventID, f, leadCursor{rows[0].SortKey, rows[0].ID}); err != nil {
			return LeadsPage{}, err
		}
	}
	first := leadCursor{rows[0].SortKey, rows[0].ID}.encode()
	last := leadCursor{rows[len(rows)-1].SortKey, rows[len(rows)-1].ID}.encode()
	switch {
	case reverse:
		page.Next = last // we came back from there
		if more {
			page.Prev = first
		}
	default:
		if more {
			page.Next = last
		}
		if c.id != "" {
			page.Prev = first
		}
	}
	return page, nil
}

// countBefore counts the leads matching f that come before the row at c in f's order: the
// position of a keyset page, which the cursor alone does not know.
func (s *Store) countBefore(ctx context.Context, eventID int64, f LeadFilter, c leadCursor) (int64, error) {
	if _, ok := sortKeys[f.Sort]; !ok {
		f.Sort, f.Desc = SortFirstSeen, true
	}
	where, args := f.where(eventID)
	_, cond, cargs := f.keyset(c, true)
	var n int64
	err := s.customPlans(ctx, func(tx *gorm.DB) error {
		return tx.Raw("SELECT count(*) FROM leads l WHERE "+where+" AND "+cond, append(args, cargs...)...).Scan(&n).Error
	})
	if err != nil {
		return 0, fmt.Errorf("models: page offset: %w", err)
	}
	return n, nil
}

// leadsTableQuery builds the SQL of one page of the leads table (one row more than the page,
// to know whether there is a next one) and says which way it walks.
func leadsTableQuery(eventID int64, f LeadFilter, p PageRequest) (string, []any, leadCursor, bool, int, error) {
	if p.Size <= 0 || p.Size > MaxPageSize {
		p.Size = 50
	}
	if _, ok := sortKeys[f.Sort]; !ok {
		f.Sort, f.Desc = SortFirstSeen, true
	}
	reverse := p.Before != "" && p.After == ""
	tok := p.After
	if reverse {
		tok = p.Before
	}
	c, err := decodeCursor(tok)
	if err != nil {
		return "", nil, c, false, 0, ErrNotFound
	}
	where, args := f.where(eventID)
	order, cond, cargs := f.keyset(c, reverse)
	if cond != "" {
		where += " AND " + cond
		args = append(args, cargs...)
	}
	args = append(args, p.Size+1)
	// The page is chosen first and only its rows are joined to their conversations: a filter
	// that matches thousands of leads must not aggregate the notes of all of them.
	dir := sqlDirection(f.Desc != reverse)
	q := `SELECT p.*, p.sort_value::text AS sort_key, coalesce(t.names, '') AS talked_by, coalesce(t.n, 0) AS conversations
		FROM (SELECT ` + leadColumns + `, (` + sortKeys[f.Sort].expr + `) AS sort_value FROM leads l
			WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ?) p
		LEFT JOIN LATERAL (SELECT string_agg(DISTINCT u.name, ', ') AS names, count(*) AS n
			FROM conversations c LEFT JOIN staff_users u ON u.id = c.staff_user_id WHERE c.lead_id = p.id) t ON true
		ORDER BY p.sort_value ` + dir + `, p.id ` + dir
	return q, args, c, reverse, p.Size, nil
}

// LeadCounts are the numbers above the leads table: how many leads match the filter, split by
// rating, how many the event has in all, and how many of the matching leads an ATS export leaves
// out, each counted once under the first reason that applies (no email, no name, no contact
// consent; export.Eligible is the same rule).
type LeadCounts struct {
	Matching, Hot, Warm, Cold, Unrated, All int64
	NoEmail, NoName, NoContactConsent       int64
}

// Importable is how many of the matching leads an ATS export holds.
func (c LeadCounts) Importable() int64 {
	return c.Matching - c.NoEmail - c.NoName - c.NoContactConsent
}

// CountLeadsFiltered counts an event's leads matching f, by rating, in one scan.
func (s *Store) CountLeadsFiltered(ctx context.Context, eventID int64, f LeadFilter) (LeadCounts, error) {
	stmt := countQuery(eventID, f)
	var out LeadCounts
	err := s.customPlans(ctx, func(tx *gorm.DB) error { return tx.Raw(stmt.sql, stmt.args...).Scan(&out).Error })
	if err != nil {
		return LeadCounts{}, fmt.Errorf("models: count leads: %w", err)
	}
	return out, nil
}

// customPlans runs fn in a read-only transaction in which Postgres plans every statement for its
// actual parameters. The driver keeps prepared statements per connection, and after five runs of
// one Postgres may settle on a generic plan made without the values: fine for most statements,
// but one search for a common name would then make every later search on that connection scan
// the whole event (measured: 2 ms became 60 ms; see bench/README.md).
func (s *Store) customPlans(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL plan_cache_mode = force_custom_plan").Error; err != nil {
			return fmt.Errorf("models: plan mode: %w", err)
		}
		return fn(tx)
	}, &sql.TxOptions{ReadOnly: true})
}

// sqlStatement is a statement with its arguments.
type sqlStatement struct {
	sql  string
	args []any
}

// countQuery is the SQL of CountLeadsFiltered.
func countQuery(eventID int64, f LeadFilter) sqlStatement {
	where, args := f.where(eventID)
	return sqlStatement{`SELECT count(*) AS matching,
		count(*) FILTER (WHERE l.rating = 'hot') AS hot, count(*) FILTER (WHERE l.rating = 'warm') AS warm,
		count(*) FILTER (WHERE l.rating = 'cold') AS cold, count(*) FILTER (WHERE l.rating IS NULL) AS unrated,
		(SELECT count(*) FROM leads a WHERE a.event_id = ?) AS "all",
		count(*) FILTER (WHERE l.email IS NULL) AS no_email,
		count(*) FILTER (WHERE l.email IS NOT NULL AND btrim(l.name) = '') AS no_name,
		count(*) FILTER (WHERE l.email IS NOT NULL AND btrim(l.name) <> '' AND NOT ` + grantedContactConsent + `) AS no_contact_consent
		FROM leads l WHERE ` + where, append([]any{eventID}, args...)}
}

// StaffOption is a staff member the leads table can be filtered by.
type StaffOption struct {
	ID   int64
	Name string
}

// StaffOptions lists every staff account by name, for the "talked to" filter. (Only those who
// talked to a lead of the event would be tidier, but finding them means reading every
// conversation of the event: 100 ms at 50,000 leads, on every page of the table.)
func (s *Store) StaffOptions(ctx context.Context) ([]StaffOption, error) {
	var out []StaffOption
	if err := s.ctx(ctx).Raw(`SELECT id, name FROM staff_users ORDER BY lower(name), id`).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("models: staff options: %w", err)
	}
	return out, nil
}
