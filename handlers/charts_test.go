package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/boothlead/boothlead/models"
)

// TestChartsDrawTheEventsNumbers: every chart is a figure with a title, an SVG with a text
// alternative, its numbers beside the bars and in a table, and the numbers are the event's.
func TestChartsDrawTheEventsNumbers(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := context.Background()
	ev := exportEvent(t, a, "charts", "Charts Conf", `Go,"<b>Data</b> & ML"`)
	mei := exportStaff(t, a, "mei@example.com", "Mei Lin")
	jonas := exportStaff(t, a, "jonas@example.com", "Jonas Weber")
	// Day one (Berlin = UTC+1): 3 at 10h, 1 at 14h; day two: 2 at 11h.
	at := []string{"2026-11-25 09:05", "2026-11-25 09:20", "2026-11-25 09:59", "2026-11-25 13:30", "2026-11-26 10:00", "2026-11-26 10:45"}
	seed := make([]models.SeedLead, len(at))
	for i, s := range at {
		seed[i] = models.SeedLead{Name: "P", Email: strings.Repeat("x", i+1) + "@example.com", Source: models.SourceSelfCheckIn,
			FirstSeen: exportUTC(s), LastSeen: exportUTC(s), Interests: []string{"Go"}}
	}
	seed[0].Interests = []string{"Go", "<b>Data</b> & ML"}
	seed[1].Source = models.SourceBadgeScan
	seed[0].Conversations = []models.SeedConversation{{StaffID: mei.ID, At: exportUTC("2026-11-25 09:10"), Rating: "hot"}}
	seed[1].Conversations = []models.SeedConversation{{StaffID: mei.ID, At: exportUTC("2026-11-25 09:30"), Rating: "cold"},
		{StaffID: jonas.ID, At: exportUTC("2026-11-25 09:40"), Rating: "hot"}}
	if err := a.store.SeedLeads(ctx, ev, seed); err != nil {
		t.Fatal(err)
	}
	c := a.signedIn("rita@example.com", models.RoleRecruiter)
	p := c.get("/events/charts/charts")
	wantStatus(t, p, http.StatusOK)
	if p.doc.Find("[style]").Length() != 0 || p.doc.Find("script:not([src])").Length() != 0 {
		t.Error("inline style or script on the charts page (the CSP forbids them)")
	}
	figs := p.testid("chart")
	ids := []string{}
	figs.Each(func(_ int, f *goquery.Selection) {
		id, _ := f.Attr("data-chart")
		ids = append(ids, id)
		if f.Find("figcaption h2").Text() == "" {
			t.Errorf("%s: no title", id)
		}
		svg := f.Find("svg")
		labelled, _ := svg.Attr("aria-labelledby")
		role, _ := svg.Attr("role")
		if (role != "img" && role != "group") || svg.Find("title").Length() == 0 || svg.Find("desc").Text() == "" ||
			labelled != "c-"+id+"-title c-"+id+"-desc" {
			t.Errorf("%s: the SVG has no text alternative", id)
		}
		// a chart whose bars are links is a group of labelled links, not an image (axe nested-interactive)
		if links := svg.Find("a"); (role == "group") != (links.Length() > 0) {
			t.Errorf("%s: role %q with %d links", id, role, links.Length())
		} else {
			links.Each(func(_ int, a *goquery.Selection) {
				if l, _ := a.Attr("aria-label"); !strings.Contains(l, a.Find("text.label").Text()) {
					t.Errorf("%s: a bar's link is labelled %q", id, l)
				}
			})
		}
		if svg.Find("text.value").Length() != svg.Find("rect").Length() {
			t.Errorf("%s: not every bar shows its number", id)
		}
		if f.Find(`[data-testid="chart-table"] tbody tr`).Length() != svg.Find("rect").Length() {
			t.Errorf("%s: the table and the bars differ", id)
		}
	})
	if strings.Join(ids, " ") != "arrivals-1 arrivals-2 arrivals ratings interests staff sources" {
		t.Fatalf("charts %v", ids)
	}
	values := func(id string) map[string]string {
		out := map[string]string{}
		p.doc.Find(`[data-chart="` + id + `"] [data-testid="chart-table"] tbody tr`).Each(func(_ int, r *goquery.Selection) {
			out[strings.TrimSpace(r.Find("th").Text())] = r.Find("td").First().Text()
		})
		return out
	}
	check := func(id string, want map[string]string) {
		t.Helper()
		got := values(id)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q (all: %v)", id, k, got[k], v, got)
			}
		}
	}
	check("arrivals-1", map[string]string{"Wed 25 Nov 10:00–11:00": "3", "Wed 25 Nov 14:00–15:00": "1", "Wed 25 Nov 12:00–13:00": "0"})
	check("arrivals-2", map[string]string{"Thu 26 Nov 11:00–12:00": "2"})
	check("arrivals", map[string]string{"Wed 25 Nov": "4", "Thu 26 Nov": "2"})
	check("ratings", map[string]string{"Hot": "2", "Cold": "0", "Warm": "0", "Not rated": "4"})
	check("interests", map[string]string{"Go": "6", "<b>Data</b> & ML": "1"})
	check("staff", map[string]string{"Mei Lin": "2", "Jonas Weber": "1"})
	check("sources", map[string]string{"Self check-in": "5", "Badge scan": "1", "Added by staff": "0"})
	if strings.Contains(p.body, "<b>Data</b>") {
		t.Error("an interest label is not escaped in the SVG")
	}
	// a bar links to its leads
	href, _ := p.doc.Find(`[data-chart="staff"] svg a`).First().Attr("href")
	if href != "/events/charts/leads?staff="+strconv.FormatInt(mei.ID, 10) {
		t.Errorf("Mei's bar links to %q", href)
	}
	if hour, _ := p.doc.Find(`[data-chart="arrivals-1"] svg a`).Eq(1).Attr("href"); hour != "/events/charts/leads?from=2026-11-25T10%3A00&to=2026-11-25T11%3A00" {
		t.Errorf("the 10h column links to %q", hour)
	}
	if desc := p.doc.Find(`[data-chart="ratings"] desc`).Text(); desc != "Ratings. Hot: 2; Warm: 0; Cold: 0; Not rated: 4." {
		t.Errorf("ratings text alternative %q", desc)
	}
}

func TestChartsOfAnEmptyEventSayNothingYet(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev, err := models.ApplyEventInput(models.Event{}, models.EventInput{Name: "One Day", Slug: "one-day", Company: "Acme",
		StartsOn: "2026-11-25", EndsOn: "2026-11-25", TimeZone: "UTC", Status: models.StatusLive})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.CreateEvent(context.Background(), 0, ev, "", ""); err != nil {
		t.Fatal(err)
	}
	c := a.signedIn("rita@example.com", models.RoleRecruiter)
	p := c.get("/events/one-day/charts")
	wantStatus(t, p, http.StatusOK)
	if p.testid("chart").Length() != 5 || p.testid("chart-empty").Length() != 5 || p.doc.Find("svg").Length() != 0 {
		t.Errorf("empty one-day event: %d charts, %d empty", p.testid("chart").Length(), p.testid("chart-empty").Length())
	}
	if got := p.doc.Find(`[data-chart="arrivals"] h2`).Text(); got != "Check-ins per hour" {
		t.Errorf("a one-day event's time chart is %q", got)
	}
}
