package pages

import (
	"net/url"
	"strconv"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
)

// ExportPreset is one CSV layout the leads page offers (the handler lists them from package export).
type ExportPreset struct {
	Name, Label string
}

// LeadsVM is the state of the recruiters' leads table.
type LeadsVM struct {
	Slug, EventName string
	Filter          models.LeadFilter
	Errors          map[string]string // invalid filter parameters: the table is not shown
	Interests       []string          // interest options of the filter
	Staff           []models.StaffOption
	Counts          models.LeadCounts
	Rows            []LeadRowVM
	Columns         []SortColumn
	FirstHref       string // "" on the first page
	PrevHref        string
	NextHref        string
	Exports         []ExportLink
	ExcelHref       string // the generic preset with a BOM, for Excel
	Outreach        OutreachVM
	Questions       []QuestionFilterVM
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
	Interests                             []string
	Source, Rating, TalkedBy              string
	FirstSeen, FirstSeenISO               string
	Visits                                string
	Unresolved                            bool
}

// SortColumn is a column header of the table; sortable ones have an Href.
type SortColumn struct {
	Label, Href, AriaSort, Arrow, Class string
}

// ExportLink is one "Export N leads — preset" link.
type ExportLink struct {
	Preset, Label, Href string
}

// LeadsInput is what the leads page is built from.
type LeadsInput struct {
	Event     models.Event
	Filter    models.LeadFilter
	Errors    map[string]string
	Page      models.LeadsPage
	Paged     bool // the page was reached through a cursor (so there is a first page to go back to)
	Counts    models.LeadCounts
	Staff     []models.StaffOption
	Presets   []ExportPreset
	Questions []models.Question
	// Outreach is what else the filtered leads can be given to: an ATS, a follow-up.
	Outreach OutreachVM
}

// NewLeadsVM formats the table in the event's time zone and builds every link from the filter.
func NewLeadsVM(in LeadsInput) LeadsVM {
	ev, f := in.Event, in.Filter
	vm := LeadsVM{Slug: ev.Slug, EventName: ev.Name, Filter: f, Errors: in.Errors, Staff: in.Staff, Counts: in.Counts,
		Outreach: in.Outreach}
	vm.Interests = append(vm.Interests, ev.Interests...)
	if f.Interest != "" && !ev.Interests.Contains(f.Interest) {
		vm.Interests = append(vm.Interests, f.Interest)
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
	base := f.Values()
	if in.Paged {
		vm.FirstHref = leadsHref(ev.Slug, base)
	}
	if in.Page.Prev != "" {
		vm.PrevHref = leadsHref(ev.Slug, leadsQueryWith(base, "before", in.Page.Prev))
	}
	if in.Page.Next != "" {
		vm.NextHref = leadsHref(ev.Slug, leadsQueryWith(base, "after", in.Page.Next))
	}
	n := in.Counts.Matching
	for _, p := range in.Presets {
		vm.Exports = append(vm.Exports, ExportLink{Preset: p.Name,
			Label: "Export " + leadsCount(n) + " " + leadsPlural(n, "lead", "leads") + " — " + p.Label,
			Href:  paths.Export(ev.Slug) + "?" + leadsQueryWith(base, "preset", p.Name).Encode()})
	}
	if len(in.Presets) > 0 {
		vm.ExcelHref = paths.Export(ev.Slug) + "?" + leadsQueryWith(leadsQueryWith(base, "preset", in.Presets[0].Name), "bom", "1").Encode()
	}
	return vm
}

func newLeadsRowVM(r models.LeadRow, loc *time.Location) LeadRowVM {
	row := LeadRowVM{ID: r.ID, Href: paths.Lead(r.ID), Name: r.DisplayName(), Email: r.EmailText(),
		Company: r.Company, Title: r.Title, Interests: r.Interests, Source: LeadsSourceLabel(r.Source),
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
		{"Interests", "", ""}, {"Source", "", ""}, {"Rating", models.SortRating, ""}, {"Talked to", "", ""},
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

// Count writes n with thin thousands separators (1 204, 50 000) so large numbers read at a glance.
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
