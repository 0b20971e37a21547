package pages

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
)

// ChartsVM is the state of the event-in-charts page.
type ChartsVM struct {
	Slug, EventName      string
	Leads, Conversations int64
	StaffCount           int
	Charts               []Chart
}

// Chart is one figure: a bar chart drawn as SVG, its title, a text alternative and its numbers
// as a table. All geometry is computed here, so the template only places what it is given.
type Chart struct {
	ID, Title, Summary string // Summary is the one-line text alternative under the title
	Desc               string // the SVG's <desc>: every number in words
	Wide               bool   // spans the page
	Width, Height      string
	Bars               []ChartBar
	Axis               ChartLine // the base line
	Empty              string    // shown instead of the SVG when there is nothing to draw
	Table              ChartTable
}

// ChartBar is one bar with its label and value text, placed.
type ChartBar struct {
	Label, Full, Value, Class, Href string
	X, Y, W, H                      string // the bar
	LX, LY, LAnchor                 string // the label
	VX, VY, VAnchor                 string // the value
}

// ChartLine is a line of the chart (its axis).
type ChartLine struct{ X1, Y1, X2, Y2 string }

// ChartTable is a chart's numbers as a table.
type ChartTable struct {
	Head []string
	Rows []ChartRow
}

// ChartRow is one row of a chart's table; the first cell links to the matching leads when Href is set.
type ChartRow struct {
	Cells []string
	Href  string
}

// Geometry of the charts, in SVG user units (CSS pixels at full size).
const (
	chartBarW       = 560 // horizontal bar chart width
	chartLabelW     = 150 // label column
	chartRowH       = 28
	chartBarH       = 18
	chartValueW     = 48 // room for the value after the longest bar
	chartPlotH      = 150
	chartTop        = 22 // room for the values above the columns
	chartBottom     = 26 // room for the labels under the columns
	chartLabelRunes = 22 // longer labels are cut (the full text is in the bar's <title> and the table)
)

// NewChartsVM turns an event's numbers into charts: check-ins per hour (and per day, with one
// hourly chart per day, for a multi-day event), interests, ratings, conversations per staff
// member and sources.
func NewChartsVM(ev models.Event, st models.EventStats) ChartsVM {
	vm := ChartsVM{Slug: ev.Slug, EventName: ev.Name, Leads: st.Leads, Conversations: st.Conversations,
		StaffCount: len(st.Staff)}
	vm.Charts = append(vm.Charts, chartArrivals(ev, st.Arrivals)...)

	ratings := make([]chartItem, 0, len(st.Ratings))
	for _, r := range st.Ratings {
		ratings = append(ratings, chartItem{LeadsRatingLabel(r.Label), r.Count, "bar bar-" + chartRatingClass(r.Label),
			chartLeadsHref(ev.Slug, "rating", r.Label)})
	}
	vm.Charts = append(vm.Charts, chartBars("ratings", "Ratings", "Leads by their latest rating", "Rating", "Leads",
		ratings, "No leads yet."))

	interests := make([]chartItem, 0, len(st.Interests))
	for _, it := range st.Interests {
		interests = append(interests, chartItem{it.Label, it.Count, "bar", chartLeadsHref(ev.Slug, "interest", it.Label)})
	}
	vm.Charts = append(vm.Charts, chartBars("interests", "Interests", "What people wanted to talk about (a lead can pick several)",
		"Interest", "Leads", interests, "No lead has picked an interest yet."))

	staff := make([]chartItem, 0, len(st.Staff))
	rows := make([]ChartRow, 0, len(st.Staff))
	for _, s := range st.Staff {
		href := ""
		if s.StaffID != 0 {
			href = chartLeadsHref(ev.Slug, "staff", strconv.FormatInt(s.StaffID, 10))
		}
		staff = append(staff, chartItem{s.Name, s.Conversations, "bar", href})
		rows = append(rows, ChartRow{Cells: []string{s.Name, leadsCount(s.Conversations), leadsCount(s.Leads),
			leadsCount(s.Hot)}, Href: href})
	}
	sc := chartBars("staff", "Conversations per staff member", "Who on the team talked to how many people",
		"Staff member", "Conversations", staff, "No conversations recorded yet.")
	sc.Table = ChartTable{Head: []string{"Staff member", "Conversations", "Leads talked to", "Rated hot"}, Rows: rows}
	vm.Charts = append(vm.Charts, sc)

	sources := make([]chartItem, 0, len(st.Sources))
	for _, s := range st.Sources {
		sources = append(sources, chartItem{LeadsSourceLabel(s.Label), s.Count, "bar", chartLeadsHref(ev.Slug, "source", s.Label)})
	}
	vm.Charts = append(vm.Charts, chartBars("sources", "Sources", "How leads reached us", "Source", "Leads",
		sources, "No leads yet."))
	return vm
}

// chartItem is one bar before placing.
type chartItem struct {
	label string
	n     int64
	class string
	href  string
}

func chartRatingClass(r string) string {
	switch r {
	case "hot", "warm", "cold":
		return r
	}
	return "none"
}

func chartLeadsHref(slug, k, v string) string {
	return paths.Leads(slug) + "?" + url.Values{k: {v}}.Encode()
}

// chartBars places horizontal bars: labels on the left, bars scaled to the largest value, the
// value right after each bar.
func chartBars(id, title, summary, labelHead, valueHead string, items []chartItem, empty string) Chart {
	c := Chart{ID: id, Title: title, Summary: summary, Width: itoa(chartBarW)}
	var top int64
	var total int64
	for _, it := range items {
		top = max(top, it.n)
		total += it.n
	}
	c.Table.Head = []string{labelHead, valueHead}
	parts := make([]string, 0, len(items))
	for _, it := range items {
		c.Table.Rows = append(c.Table.Rows, ChartRow{Cells: []string{it.label, leadsCount(it.n)}, Href: it.href})
		parts = append(parts, it.label+": "+leadsCount(it.n))
	}
	if total == 0 {
		c.Empty = empty
		return c
	}
	c.Desc = title + ". " + strings.Join(parts, "; ") + "."
	plot := float64(chartBarW - chartLabelW - chartValueW)
	for i, it := range items {
		y := 4 + i*chartRowH
		w := 0.0
		if top > 0 {
			w = plot * float64(it.n) / float64(top)
		}
		if it.n > 0 && w < 2 {
			w = 2 // a non-zero value stays visible
		}
		c.Bars = append(c.Bars, ChartBar{
			Label: chartShorten(it.label), Full: it.label, Value: leadsCount(it.n), Class: it.class, Href: it.href,
			X: itoa(chartLabelW), Y: itoa(y), W: chartFtoa(w), H: itoa(chartBarH),
			LX: itoa(chartLabelW - 8), LY: itoa(y + chartBarH - 5), LAnchor: "end",
			VX: chartFtoa(float64(chartLabelW) + w + 6), VY: itoa(y + chartBarH - 5), VAnchor: "start",
		})
	}
	h := 8 + len(items)*chartRowH
	c.Height = itoa(h)
	c.Axis = ChartLine{X1: itoa(chartLabelW), Y1: "0", X2: itoa(chartLabelW), Y2: itoa(h - 4)}
	return c
}

// chartColumns places vertical columns over time: values above, labels under. The columns share
// the scale top (the largest value of the series, or more, so that charts side by side compare),
// and fill about width units.
func chartColumns(id, title, summary, labelHead string, cols []chartItem, fulls []string, top int64, width int, wide bool) Chart {
	c := Chart{ID: id, Title: title, Summary: summary, Wide: wide}
	var total int64
	best := 0
	for i, it := range cols {
		if it.n > cols[best].n {
			best = i
		}
		total += it.n
		top = max(top, it.n)
	}
	c.Table.Head = []string{labelHead, "Check-ins"}
	var parts []string
	for i, it := range cols {
		c.Table.Rows = append(c.Table.Rows, ChartRow{Cells: []string{fulls[i], leadsCount(it.n)}, Href: it.href})
		if it.n > 0 {
			parts = append(parts, fulls[i]+": "+leadsCount(it.n))
		}
	}
	if total == 0 {
		c.Empty = "No check-ins yet."
		return c
	}
	c.Summary = summary + " Busiest: " + fulls[best] + " with " + leadsCount(cols[best].n) + "."
	c.Desc = title + ". " + leadsCount(total) + " in all. " + strings.Join(parts, "; ") + "."
	step := min(max((width-16)/len(cols), 20), 64)
	full := 16 + len(cols)*step
	c.Width, c.Height = itoa(full), itoa(chartTop+chartPlotH+chartBottom)
	bw := step * 7 / 10
	base := chartTop + chartPlotH
	for i, it := range cols {
		h := float64(chartPlotH) * float64(it.n) / float64(top)
		if it.n > 0 && h < 2 {
			h = 2
		}
		x := 8 + i*step + (step-bw)/2
		cx := x + bw/2
		c.Bars = append(c.Bars, ChartBar{
			Label: it.label, Full: fulls[i], Value: leadsCount(it.n), Class: "bar", Href: it.href,
			X: itoa(x), Y: chartFtoa(float64(base) - h), W: itoa(bw), H: chartFtoa(h),
			LX: itoa(cx), LY: itoa(base + 17), LAnchor: "middle",
			VX: itoa(cx), VY: chartFtoa(float64(base) - h - 5), VAnchor: "middle",
		})
	}
	c.Axis = ChartLine{X1: "8", Y1: itoa(base), X2: itoa(full - 8), Y2: itoa(base)}
	return c
}

// chartArrivals are the check-ins over time: per hour for a one-day event (one wide chart); for
// a longer one, one hourly chart per day, side by side on the same hours and the same scale so
// the days compare at a glance, then the days' totals. Hours run from the first to the last hour
// with a check-in (at least 9:00 to 18:00), so quiet hours show as gaps, not as missing
// columns. Every column links to the leads of its hour (or day).
func chartArrivals(ev models.Event, arrivals []models.HourCount) []Chart {
	type day struct {
		date  time.Time
		hours map[int]int64
		total int64
	}
	var days []*day
	byDate := map[string]*day{}
	add := func(t time.Time) *day {
		key := t.Format("2006-01-02")
		if byDate[key] == nil {
			byDate[key] = &day{date: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), hours: map[int]int64{}}
			days = append(days, byDate[key])
		}
		return byDate[key]
	}
	from, to := 9, 17
	var top int64
	for _, a := range arrivals {
		d := add(a.Hour)
		d.hours[a.Hour.Hour()] += a.Count
		d.total += a.Count
		from, to = min(from, a.Hour.Hour()), max(to, a.Hour.Hour())
		top = max(top, d.hours[a.Hour.Hour()])
	}
	summary := "New leads by the hour they first came to the booth (" + ev.TimeZone + " time)."
	hourly := func(id, title string, d *day, width int, wide bool) Chart {
		var cols []chartItem
		var fulls []string
		for h := from; h <= to; h++ {
			at := d.date.Add(time.Duration(h) * time.Hour)
			cols = append(cols, chartItem{chartTwoDigits(h), d.hours[h], "bar", chartRangeHref(ev.Slug,
				at.Format("2006-01-02T15:04"), at.Add(time.Hour).Format("2006-01-02T15:04"))})
			fulls = append(fulls, d.date.Format("Mon 2 Jan")+" "+chartTwoDigits(h)+":00–"+chartTwoDigits(h+1)+":00")
		}
		return chartColumns(id, title, summary, "Hour", cols, fulls, top, width, wide)
	}
	if !ev.EndsOn.After(ev.StartsOn) && len(days) <= 1 {
		if len(days) == 0 {
			add(ev.StartsOn)
		}
		return []Chart{hourly("arrivals", "Check-ins per hour", days[0], 960, true)}
	}
	// Every day of the event, plus any day with check-ins outside it.
	for d := ev.StartsOn; !d.After(ev.EndsOn); d = d.AddDate(0, 0, 1) {
		add(d)
	}
	slices.SortFunc(days, func(a, b *day) int { return a.date.Compare(b.date) })
	var out []Chart
	var totals []chartItem
	for i, d := range days {
		day := d.date.Format("2006-01-02")
		totals = append(totals, chartItem{d.date.Format("Mon 2 Jan"), d.total, "bar", chartRangeHref(ev.Slug, day, day)})
		if d.total > 0 {
			out = append(out, hourly("arrivals-"+strconv.Itoa(i+1), "Check-ins per hour — "+d.date.Format("Monday 2 January"),
				d, chartBarW, false))
		}
	}
	perDay := chartBars("arrivals", "Check-ins per day", "New leads by the day they first came to the booth.", "Day",
		"Check-ins", totals, "No check-ins yet.")
	return append(out, perDay)
}

// chartRangeHref links to the leads first seen between from and to (datetime-local values or days).
func chartRangeHref(slug, from, to string) string {
	return paths.Leads(slug) + "?" + url.Values{"from": {from}, "to": {to}}.Encode()
}

func chartTwoDigits(h int) string {
	if h < 10 {
		return "0" + strconv.Itoa(h)
	}
	return strconv.Itoa(h)
}

func chartFtoa(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// chartShorten cuts a label to chartLabelRunes characters with an ellipsis.
func chartShorten(s string) string {
	if utf8.RuneCountInString(s) <= chartLabelRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:chartLabelRunes-1])) + "…"
}
