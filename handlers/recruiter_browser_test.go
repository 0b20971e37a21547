package handlers

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// Viewport of a recruiter's laptop.
const laptopW, laptopH = 1280, 800

// TestJourneyRecruiter walks the recruiter's afternoon after the event on a laptop: sign in, open
// the leads table of a lived-in booth, filter it, download the CSV of exactly that filter (a real
// browser download), and look at the event in charts.
func TestJourneyRecruiter(t *testing.T) {
	a := newTestApp(t)
	ctx0 := context.Background()
	ev := modelstest.Event(t, a.db, "gophercon-eu", "Backend (Go)", "Data & ML", "SRE / Platform", "Security", "Internships")
	var staff []int64
	for _, email := range []string{"mei@example.com", "jonas@example.com", "amara@example.com"} {
		staff = append(staff, modelstest.Staff(t, a.db, email, models.RoleStaff).ID)
	}
	loc := ev.Location()
	day1 := time.Date(ev.StartsOn.Year(), ev.StartsOn.Month(), ev.StartsOn.Day(), 0, 0, 0, 0, loc)
	leads := models.DemoLeads(models.DemoOptions{Leads: 240, Days: []time.Time{day1, day1.AddDate(0, 0, 1)},
		Interests: ev.Interests, Staff: staff, Seed: 42})
	if err := a.store.SeedLeads(ctx0, ev, leads); err != nil {
		t.Fatal(err)
	}
	modelstest.Staff(t, a.db, "rita@example.com", models.RoleRecruiter)

	ctx := newBrowser(t, laptopW, laptopH, false)
	u := a.ts.URL
	run(t, ctx, "sign in",
		chromedp.Navigate(u+"/login?next=/events/gophercon-eu/leads"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login-form"]`)),
		chromedp.SendKeys(chromedp.ID("f-email"), "rita@example.com"),
		chromedp.SendKeys(chromedp.ID("f-password"), modelstest.Password+"\n"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lead-row"]`)),
	)
	if got := text(t, ctx, `[data-testid="lead-count"]`); !strings.Contains(got, "240") {
		t.Fatalf("lead count %q, want 240", got)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="lead-row"]').length`))
	if err != nil || rows != leadsPageSize {
		t.Fatalf("first page has %d rows (%v), want %d", rows, err, leadsPageSize)
	}
	screenshot(t, ctx, "laptop-01-leads")
	viewportShot(t, ctx, "laptop-01-leads-top")

	run(t, ctx, "filter: hot, Backend (Go)",
		chromedp.Click(chromedp.CSS(`input[name="rating"][value="hot"]`)),
		chromedp.SetValue(chromedp.ID("f-interest"), "Backend (Go)"),
		chromedp.Click(chromedp.CSS(`[data-testid="apply-filter"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="clear-filter"]`)),
	)
	want := 0
	for _, l := range leads {
		if recruiterSeededRating(l) == "hot" && slices.Contains(l.Interests, "Backend (Go)") {
			want++
		}
	}
	count := text(t, ctx, `[data-testid="lead-count"] strong`)
	if count != strconv.Itoa(want) || want == 0 {
		t.Fatalf("filtered count %q, want %d", count, want)
	}
	badges, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('[data-testid="lead-row"] .badge')].map(b => b.textContent)`))
	if err != nil || len(badges) != min(want, leadsPageSize) {
		t.Fatalf("rows after filtering: %v (%v)", badges, err)
	}
	for _, b := range badges {
		if b != "Hot" {
			t.Fatalf("a %q lead in a hot-only table", b)
		}
	}
	label := text(t, ctx, `[data-testid="export-csv"][data-preset="greenhouse"]`)
	if label != "Export "+strconv.Itoa(want)+" leads — Greenhouse prospects" {
		t.Errorf("export button says %q", label)
	}
	screenshot(t, ctx, "laptop-02-leads-filtered")

	// The download: Chrome saves it under its GUID in dir; the file is what the link promised.
	dir := t.TempDir()
	begins := chromedp.Events(ctx, browser.DownloadWillBegin)
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	run(t, ctx, "download the generic CSV",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true)})
			return err
		}),
		chromedp.Click(chromedp.CSS(`[data-testid="export-csv"][data-preset="generic"]`)),
	)
	var suggested string
	for ev, err := range begins {
		if err != nil {
			t.Fatal(err)
		}
		suggested = ev.SuggestedFilename
		break
	}
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatal(err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("download cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
	}
	if !strings.HasPrefix(suggested, "boothlead-gophercon-eu-generic-") || !strings.HasSuffix(suggested, ".csv") {
		t.Errorf("download named %q", suggested)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("the download is not CSV: %v", err)
	}
	if len(records)-1 != want || records[0][0] != "Lead ID" {
		t.Fatalf("downloaded %d rows with header %v, want %d", len(records)-1, records[0][:3], want)
	}
	for _, r := range records[1:] {
		if r[19] != "hot" || !strings.Contains(r[13], "Backend (Go)") {
			t.Fatalf("row outside the filter: rating %q interests %q", r[19], r[13])
		}
	}

	run(t, ctx, "open the charts",
		chromedp.Click(chromedp.CSS(`nav a[href="/events/gophercon-eu/charts"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-chart="staff"] svg`)),
	)
	figures, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('figure[data-testid="chart"] svg').length`))
	if err != nil || figures != 7 { // two days by hour, per day, ratings, interests, staff, sources
		t.Fatalf("%d charts drawn (%v)", figures, err)
	}
	screenshot(t, ctx, "laptop-03-charts")
	viewportShot(t, ctx, "laptop-03-charts-top")
	// A click on a bar opens the leads behind it.
	run(t, ctx, "click the hot bar",
		chromedp.Click(chromedp.CSS(`[data-chart="ratings"] svg a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="clear-filter"]`)),
	)
	hot := 0
	for _, l := range leads {
		if recruiterSeededRating(l) == "hot" {
			hot++
		}
	}
	if got := text(t, ctx, `[data-testid="lead-count"] strong`); got != strconv.Itoa(hot) {
		t.Errorf("the hot bar leads to %s leads, want %d", got, hot)
	}
	// The same table on a small laptop or a landscape tablet still fits without sideways scrolling.
	run(t, ctx, "a smaller screen", chromedp.EmulateViewport(tabletW, tabletH),
		chromedp.Navigate(u+"/events/gophercon-eu/leads"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="lead-row"]`)))
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || overflow {
		t.Errorf("the leads page scrolls sideways at %dx%d (%v)", tabletW, tabletH, err)
	}
	viewportShot(t, ctx, "tablet-recruiter-leads")
}

// recruiterSeededRating is the rating SeedLeads gives a lead: its latest rated conversation's.
func recruiterSeededRating(l models.SeedLead) string {
	r, at := "", time.Time{}
	for _, c := range l.Conversations {
		if c.Rating != "" && !c.At.Before(at) {
			r, at = c.Rating, c.At
		}
	}
	return r
}
