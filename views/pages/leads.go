package pages

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
)

// ExportPreset is one file layout the leads page offers (the handler lists them from package
// export): its name, label, whether it is an ATS import (which holds only leads with a name, an
// email address and a contact consent), and what it says about the leads it leaves out.
type ExportPreset struct {
	Name, Label string
	ATS         bool
	// LeftOut says, from the counts of the current filter, how many leads the preset leaves out
	// and why ("12 left out: 7 without an email address, 5 without a contact consent"); "" for
	// none.
	LeftOut string
}

// LeadsVM is the state of the recruiters' leads table.
type LeadsVM struct {
	Slug, EventName string
	CSRF            string
	Filter          models.LeadFilter
	Errors          map[string]string // invalid filter parameters: the table is not shown
	Interests       []string          // interest options of the filter
	Tags            []string          // tag options of the filter (tags in use)
	Staff           []models.StaffOption
	Counts          models.LeadCounts
	Rows            []LeadRowVM
	Columns         []SortColumn
	Range           string // "1–50 of 302"
	FirstHref       string // "" on the first page
	PrevHref        string
	NextHref        string
	Chips           []FilterChip
	ClearHref       string
	TimeZone        string // "Europe/Berlin time, UTC+01:00": the zone the time filters and times are in
	Export          ExportMenu
	Bulk            BulkVM
	Views           []SavedViewVM
	ViewName        string // what was typed as a new view's name (kept on an error)
	ViewError       string
	// Hidden are the filter's parameters as hidden fields, for the forms that act on it.
	Hidden []HiddenField
	// Outreach is what else the filtered leads can be given to: an ATS, a follow-up.
	Outreach OutreachVM
	// Questions are the filters of the event's own questions.
	Questions []QuestionFilterVM
}

// QuestionFilterVM is the filter of one of the event's own questions: a choice of its options
// (a.<key>), or a text to look for in its answers (t.<key>).
type QuestionFilterVM struct {
	Param, Label, Value string
	Options             []string // nil for a text question
}

// LeadRowVM is one lead of the table, formatted.
type LeadRowVM struct {
	ID, Href, Name, Email, Company, Title string
	Interests, Tags                       []string
	Source, Rating, TalkedBy              string
	FirstSeen, FirstSeenISO               string
	Visits                                string
	Unresolved                            bool
}

// SortColumn is a column header of the table; sortable ones have an Href.
type SortColumn struct {
	Label, Href, AriaSort, Arrow, Class string
}

// FilterChip is one applied criterion of the filter, with the link that removes it.
type FilterChip struct {
	Label, RemoveHref string
}

// ExportMenu is the one Export menu: what it will export, each file it offers, disabled when
// nothing matches.
type ExportMenu struct {
	Summary  string // "Export 302 leads"
	Disabled bool
	Items    []ExportItem
}

// ExportItem is one file of the Export menu.
type ExportItem struct {
	TestID, Preset, Label, Detail, Note, Href string
	Disabled                                  bool
}

// BulkVM is the bulk actions on the filtered set.
type BulkVM struct {
	Count             int64
	CountText         string
	RateAction        string
	TagAction         string
	Tag, Op, TagError string
	Disabled          bool
}

// SavedViewVM is one saved view: a link to its filter and the form that deletes it.
type SavedViewVM struct {
	Name, Href, DeleteAction string
	Current                  bool
}

// LeadsInput is what the leads page is built from.
type LeadsInput struct {
	Event     models.Event
	CSRF      string
	Filter    models.LeadFilter
	Errors    map[string]string
	Page      models.LeadsPage
	Paged     bool // the page was reached through a cursor (so there is a first page to go back to)
	PageSize  int  // rows per page, for the position the previous page's link carries
	Counts    models.LeadCounts
	Staff     []models.StaffOption
	Tags      []string
	Questions []models.Question
	Presets   []ExportPreset
	Views     []models.SavedView
	ViewName  string // a new view's name as typed, and its error
	ViewErr   string
	BulkTag   string // a bulk tag as typed, its operation and its error
	BulkOp    string
	BulkErr   string
	Now       time.Time // for the zone's current offset; zero means time.Now()
	// Outreach is what else the filtered leads can be given to: an ATS, a follow-up.
	Outreach OutreachVM
}

// NewLeadsVM formats the table in the event's time zone and builds every link from the filter.
func NewLeadsVM(in LeadsInput) LeadsVM {
	ev, f := in.Event, in.Filter
	vm := LeadsVM{Slug: ev.Slug, EventName: ev.Name, CSRF: in.CSRF, Filter: f, Errors: in.Errors, Staff: in.Staff,
		Counts: in.Counts, ViewName: in.ViewName, ViewError: in.ViewErr,
		Outreach: in.Outreach}
	vm.Interests = append(vm.Interests, ev.Interests...)
	if f.Interest != "" && !ev.Interests.Contains(f.Interest) {
		vm.Interests = append(vm.Interests, f.Interest)
	}
	vm.Tags = append(vm.Tags, in.Tags...)
	if f.Tag != "" && !models.StringList(in.Tags).Contains(f.Tag) {
		vm.Tags = append(vm.Tags, f.Tag)
	}
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	vm.TimeZone = ZoneLabel(ev.Location(), now)
	base := f.Values()
	vm.ClearHref = paths.Leads(ev.Slug)
	vm.Chips = leadsChips(ev.Slug, f, in.Staff, in.Questions)
	for _, v := range in.Views {
		vm.Views = append(vm.Views, SavedViewVM{Name: v.Name, Href: leadsHref(ev.Slug, v.Values()),
			DeleteAction: paths.DeleteSavedView(ev.Slug, v.ID), Current: v.Values().Encode() == base.Encode()})
	}
	for _, k := range sortedKeys(base) {
		for _, val := range base[k] {
			vm.Hidden = append(vm.Hidden, HiddenField{Name: k, Value: val})
		}
	}
	for _, q := range in.Questions {
		qf := QuestionFilterVM{Param: "a." + q.Key, Label: q.Label, Value: f.AnswerValue(q.Key)}
		switch q.Kind {
		case models.QuestionText:
			qf.Param = "t." + q.Key
		case models.QuestionYesNo:
			qf.Options = []string{models.AnswerYes, models.AnswerNo}
		default:
			qf.Options = q.Options
		}
		vm.Questions = append(vm.Questions, qf)
	}
	if len(in.Errors) > 0 {
		return vm
	}
	loc := ev.Location()
	for _, r := range in.Page.Rows {
		vm.Rows = append(vm.Rows, newLeadsRowVM(r, loc))
	}
	vm.Columns = leadsColumns(ev.Slug, f)
	n := int64(len(in.Page.Rows))
	// A position from a link made before leads were deleted may run past the end: clamp it.
	offset := max(0, min(in.Page.Offset, in.Counts.Matching-n))
	if n > 0 {
		vm.Range = leadsCount(offset+1) + "–" + leadsCount(offset+n) + " of " + leadsCount(in.Counts.Matching)
	}
	if in.Paged {
		vm.FirstHref = leadsHref(ev.Slug, base)
	}
	pos := func(p int64) string { return strconv.FormatInt(max(1, p), 10) }
	if in.Page.Prev != "" {
		vm.PrevHref = leadsHref(ev.Slug, leadsQueryWith(leadsQueryWith(base, "before", in.Page.Prev), "pos",
			pos(offset-int64(max(in.PageSize, 1))+1)))
	}
	if in.Page.Next != "" {
		vm.NextHref = leadsHref(ev.Slug, leadsQueryWith(leadsQueryWith(base, "after", in.Page.Next), "pos", pos(offset+n+1)))
	}
	vm.Export = exportMenu(ev.Slug, base, in.Counts, in.Presets)
	m := in.Counts.Matching
	vm.Bulk = BulkVM{Count: m, CountText: leadsCount(m) + " " + leadsPlural(m, "lead", "leads"),
		RateAction: paths.BulkRate(ev.Slug), TagAction: paths.BulkTag(ev.Slug), Tag: in.BulkTag, Op: in.BulkOp,
		TagError: in.BulkErr, Disabled: m == 0}
	return vm
}

// exportMenu lists the files of the Export menu for the filter base: generic CSV, the same for
// Excel (with a BOM), XLSX, then the ATS presets, each saying how many leads it holds and, for
// an ATS, how many it leaves out and why.
func exportMenu(slug string, base url.Values, c models.LeadCounts, presets []ExportPreset) ExportMenu {
	n := c.Matching
	leads := func(n int64) string { return leadsCount(n) + " " + leadsPlural(n, "lead", "leads") }
	m := ExportMenu{Summary: "Export " + leads(n), Disabled: n == 0}
	// Items[0], the generic CSV, is also the menu's main button.
	if n == 0 {
		m.Summary = "Export: no leads match"
	}
	href := func(p string, extra ...string) string {
		v := leadsQueryWith(base, "preset", p)
		for i := 0; i+1 < len(extra); i += 2 {
			v = leadsQueryWith(v, extra[i], extra[i+1])
		}
		return v.Encode()
	}
	for _, p := range presets {
		if p.ATS {
			continue
		}
		m.Items = append(m.Items,
			ExportItem{TestID: "export-csv", Preset: p.Name, Label: "CSV — " + strings.ToLower(p.Label[:1]) + p.Label[1:],
				Detail: leads(n) + ", every field, UTF-8: for any tool", Href: paths.Export(slug) + "?" + href(p.Name), Disabled: n == 0},
			ExportItem{TestID: "export-csv-excel", Preset: p.Name, Label: "CSV for Excel",
				Detail: leads(n) + ", every field, with the byte-order mark Excel needs for accents",
				Href:   paths.Export(slug) + "?" + href(p.Name, "bom", "1"), Disabled: n == 0},
			ExportItem{TestID: "export-xlsx", Preset: p.Name, Label: "Excel workbook (XLSX)",
				Detail: leads(n) + ", every field, every cell text: nothing reinterpreted (leading zeros, dates, +49…)",
				Href:   paths.ExportXLSX(slug) + "?" + href(p.Name), Disabled: n == 0})
	}
	in := c.Importable()
	for _, p := range presets {
		if !p.ATS {
			continue
		}
		m.Items = append(m.Items, ExportItem{TestID: "export-csv", Preset: p.Name, Label: p.Label + " (CSV)",
			Detail: leads(in) + " with a name, an email address and a contact consent", Note: p.LeftOut,
			Href: paths.Export(slug) + "?" + href(p.Name), Disabled: in == 0})
	}
	return m
}

// leadsErrorKeys are the filter's invalid parameters in the order of the filter bar: the built-in
// fields, the questions' (a.<key>, t.<key>), then any other.
func leadsErrorKeys(vm LeadsVM) []string {
	order := []string{"q", "rating", "interest", "tag", "source", "staff", "pool"}
	for _, q := range vm.Questions {
		order = append(order, q.Param)
	}
	order = append(order, "from", "to", "sort", "dir")
	var out []string
	for _, k := range order {
		if vm.Errors[k] != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(vm.Errors)) {
		if vm.Errors[k] != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// exportTestID is the hook of menu item i: the first item (the generic CSV) is also the menu's
// visible main button, which carries its hook, so the copy in the list gets another.
func exportTestID(i int, it ExportItem) string {
	if i == 0 {
		return "export-csv-all"
	}
	return it.TestID
}

// leadsChips are the applied criteria, each with the link to the same filter without it.
func leadsChips(slug string, f models.LeadFilter, staff []models.StaffOption, qs []models.Question) []FilterChip {
	var out []FilterChip
	add := func(label string, without func(g *models.LeadFilter)) {
		g := f
		g.Ratings = append([]string(nil), f.Ratings...)
		without(&g)
		out = append(out, FilterChip{Label: label, RemoveHref: leadsHref(slug, g.Values())})
	}
	if f.Q != "" {
		add("Search: “"+f.Q+"”", func(g *models.LeadFilter) { g.Q = "" })
	}
	for _, r := range f.Ratings {
		add("Rating: "+LeadsRatingLabel(r), func(g *models.LeadFilter) {
			g.Ratings = removeString(g.Ratings, r)
		})
	}
	if f.Interest != "" {
		add("Interest: "+f.Interest, func(g *models.LeadFilter) { g.Interest = "" })
	}
	if f.Tag != "" {
		add("Tag: "+f.Tag, func(g *models.LeadFilter) { g.Tag = "" })
	}
	if f.Source != "" {
		add("Source: "+LeadsSourceLabel(f.Source), func(g *models.LeadFilter) { g.Source = "" })
	}
	if f.Staff != "" {
		name := "no one yet"
		for _, s := range staff {
			if leadsStaffValue(s.ID) == f.Staff {
				name = s.Name
			}
		}
		if f.Staff != models.StaffNone && name == "no one yet" {
			name = "staff #" + f.Staff
		}
		add("Talked to: "+name, func(g *models.LeadFilter) { g.Staff = "" })
	}
	switch f.TalentPool {
	case models.PoolYes:
		add("Talent pool: consented", func(g *models.LeadFilter) { g.TalentPool = "" })
	case models.PoolNo:
		add("Talent pool: not consented", func(g *models.LeadFilter) { g.TalentPool = "" })
	}
	if !f.From.IsZero() {
		add("From "+strings.Replace(f.FromText(), "T", " ", 1), func(g *models.LeadFilter) { g.From = time.Time{} })
	}
	if !f.To.IsZero() {
		add("Until "+strings.Replace(f.ToText(), "T", " ", 1), func(g *models.LeadFilter) { g.To = time.Time{} })
	}
	for i, a := range f.Answers {
		label := a.Key // a question deleted since the link was made
		for _, q := range qs {
			if q.Key == a.Key {
				label = q.Label
			}
		}
		if a.Contains {
			label += ": “" + a.Value + "”"
		} else {
			label += ": " + a.Value
		}
		add(label, func(g *models.LeadFilter) {
			g.Answers = append(append([]models.AnswerFilter(nil), f.Answers[:i]...), f.Answers[i+1:]...)
		})
	}
	return out
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// ZoneLabel names a time zone with its offset at now: "Europe/Berlin time, UTC+01:00".
func ZoneLabel(loc *time.Location, now time.Time) string {
	return loc.String() + " time, UTC" + now.In(loc).Format("-07:00")
}

func newLeadsRowVM(r models.LeadRow, loc *time.Location) LeadRowVM {
	row := LeadRowVM{ID: r.ID, Href: paths.Lead(r.ID), Name: r.DisplayName(), Email: r.EmailText(),
		Company: r.Company, Title: r.Title, Interests: r.Interests, Tags: r.Tags, Source: LeadsSourceLabel(r.Source),
		Rating: r.RatingText(), TalkedBy: r.TalkedBy, Visits: strconv.Itoa(r.VisitCount), Unresolved: !r.Resolved()}
	t := r.FirstSeenAt.In(loc)
	row.FirstSeen = t.Format("Mon 2 Jan 15:04")
	row.FirstSeenISO = t.Format(time.RFC3339)
	return row
}

// columns are the table's headers; the sortable ones link to the same filter sorted by them
// (a second click reverses the order).
func leadsColumns(slug string, f models.LeadFilter) []SortColumn {
	type col struct{ label, sort, class string }
	cols := []col{{"Name and email", models.SortName, ""}, {"Company", models.SortCompany, ""},
		{"Interests and tags", "", ""}, {"Source", "", ""}, {"Rating", models.SortRating, ""}, {"Talked to", "", ""},
		{"First seen", models.SortFirstSeen, ""}, {"Visits", models.SortVisits, "num"}}
	out := make([]SortColumn, 0, len(cols))
	for _, c := range cols {
		sc := SortColumn{Label: c.label, Class: c.class}
		if c.sort != "" {
			g := f
			g.Sort = c.sort
			g.Desc = models.DefaultDesc(c.sort)
			if f.Sort == c.sort {
				g.Desc = !f.Desc
				sc.AriaSort, sc.Arrow = "ascending", "▲"
				if f.Desc {
					sc.AriaSort, sc.Arrow = "descending", "▼"
				}
			}
			sc.Href = leadsHref(slug, g.Values())
		}
		out = append(out, sc)
	}
	return out
}

func leadsHref(slug string, v url.Values) string {
	if len(v) == 0 {
		return paths.Leads(slug)
	}
	return paths.Leads(slug) + "?" + v.Encode()
}

// LeadsHref is the leads table of event slug with the query v (the canonical filter).
func LeadsHref(slug string, v url.Values) string { return leadsHref(slug, v) }

// with returns a copy of v with k set to val.
func leadsQueryWith(v url.Values, k, val string) url.Values {
	out := make(url.Values, len(v)+1)
	for key, vs := range v {
		out[key] = append([]string(nil), vs...)
	}
	out.Set(k, val)
	return out
}

// LeadsSourceLabel is how a lead's source reads in the app.
func LeadsSourceLabel(source string) string {
	switch source {
	case models.SourceSelfCheckIn:
		return "Self check-in"
	case models.SourceBadgeScan:
		return "Badge scan"
	case models.SourceStaffManual:
		return "Added by staff"
	}
	return source
}

// LeadsRatingLabel is how a rating reads in a badge and a filter: Hot, Warm, Cold or Not rated.
func LeadsRatingLabel(rating string) string {
	switch rating {
	case "hot":
		return "Hot"
	case "warm":
		return "Warm"
	case "cold":
		return "Cold"
	}
	return "Not rated"
}

// leadsRatingClass is the badge class of a rating.
func leadsRatingClass(rating string) string {
	switch rating {
	case "hot", "warm", "cold":
		return "badge badge-" + rating
	}
	return "badge badge-none"
}

// leadsCount writes n with thousands separators (1,204, 50,000) from 10,000 on, so large
// numbers read at a glance.
func leadsCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 10000 && n > -10000 {
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			out = append(out, ","...)
		}
		out = append(out, s[i])
	}
	return string(out)
}

func leadsPlural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// leadsSourceOptions are the source filter's choices.
var leadsSourceOptions = []string{models.SourceSelfCheckIn, models.SourceBadgeScan, models.SourceStaffManual}

// leadsRatingOptions are the rating filter's choices.
var leadsRatingOptions = []string{"hot", "warm", "cold", models.RatingNone}

func leadsStaffValue(id int64) string { return strconv.FormatInt(id, 10) }

// leadsRatingCount is the count of one rating (or of unrated leads) among the matching leads.
func leadsRatingCount(c models.LeadCounts, rating string) int64 {
	switch rating {
	case "hot":
		return c.Hot
	case "warm":
		return c.Warm
	case "cold":
		return c.Cold
	}
	return c.Unrated
}

// leadsInvalid is the aria-invalid value of a filter field.
func leadsInvalid(errs map[string]string, field string) string {
	if errs[field] != "" {
		return "true"
	}
	return "false"
}
