package handlers

import (
	"context"
	"encoding/csv"
	"fmt"
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
	longEmail := "maximiliane.mustermann-oberhuber.recruiting-events@subdomain.example-corporation.example"
	newest := 0
	for i, l := range leads {
		if l.FirstSeen.After(leads[newest].FirstSeen) {
			newest = i
		}
	}
	leads[newest].Email = longEmail // the first row
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
	if got := text(t, ctx, `[data-testid="page-range"]`); got != "1–50 of 240" {
		t.Errorf("range %q", got)
	}
	if visible, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`getComputedStyle(document.querySelector('[data-testid="apply-filter"]')).display !== 'none'`)); visible {
		t.Error("the Apply button shows although the filter applies as it changes")
	}
	cut, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const e = document.querySelector('[data-testid="lead-email"][title=%q]');
		return !!e && e.scrollWidth > e.clientWidth && getComputedStyle(e).textOverflow === 'ellipsis' })()`, longEmail)))
	if err != nil || !cut {
		t.Errorf("a long email is not cut with an ellipsis (%v)", err)
	}
	screenshot(t, ctx, "laptop-01-leads")
	viewportShot(t, ctx, "laptop-01-leads-top")

	// Filters apply as they change (htmx): a rating box, then an interest; each shows as a chip.
	want, hot := 0, 0
	for _, l := range leads {
		if recruiterSeededRating(l) == "hot" {
			hot++
			if slices.Contains(l.Interests, "Backend (Go)") {
				want++
			}
		}
	}
	run(t, ctx, "filter: hot", chromedp.Click(chromedp.CSS(`input[name="rating"][value="hot"]`)))
	waitUntil(t, ctx, "one chip and the hot count", `document.querySelectorAll('[data-testid="filter-chip"]').length === 1 &&
		document.querySelector('[data-testid="lead-count"] strong').textContent === '`+strconv.Itoa(hot)+`'`)
	changeValue(t, ctx, "#f-interest", "Backend (Go)")
	waitUntil(t, ctx, "two chips", `document.querySelectorAll('[data-testid="filter-chip"]').length === 2`)
	count := text(t, ctx, `[data-testid="lead-count"] strong`)
	if count != strconv.Itoa(want) || want == 0 {
		t.Fatalf("filtered count %q, want %d", count, want)
	}
	if u := location(t, ctx); !strings.Contains(u, "rating=hot") || !strings.Contains(u, "interest=Backend") || strings.Contains(u, "q=&") {
		t.Errorf("the address bar does not hold the filter: %s", u)
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
	chips, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('[data-testid="filter-chip"]')].map(c => c.textContent.replace(/\s+/g, ' ').trim())`))
	if strings.Join(chips, "|") != "Rating: Hot × (remove this filter)|Interest: Backend (Go) × (remove this filter)" {
		t.Errorf("chips %q", chips)
	}
	screenshot(t, ctx, "laptop-02-leads-filtered")

	// The one Export menu says what each file holds and what an ATS file leaves out.
	run(t, ctx, "open the export menu", chromedp.Click(chromedp.CSS(`[data-testid="export-menu"] summary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="export-xlsx"]`)))
	label := text(t, ctx, `[data-testid="export-csv"][data-preset="generic"]`)
	if !strings.HasPrefix(label, "Export "+strconv.Itoa(want)+" leads") {
		t.Errorf("export menu says %q", label)
	}
	gh := text(t, ctx, `[data-testid="export-csv"][data-preset="greenhouse"]`)
	if !strings.Contains(gh, "Greenhouse prospects (CSV)") || !strings.Contains(gh, "with a name, an email address and a contact consent") {
		t.Errorf("greenhouse item %q", gh)
	}
	viewportShot(t, ctx, "laptop-03-export-menu")

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
	rating, interests := slices.Index(records[0], "Rating"), slices.Index(records[0], "Interests")
	for _, r := range records[1:] {
		if r[rating] != "hot" || !strings.Contains(r[interests], "Backend (Go)") {
			t.Fatalf("row outside the filter: rating %q interests %q", r[rating], r[interests])
		}
	}

	// A chip removes its filter, and the filter bar follows.
	jsClick(t, ctx, `[data-testid="filter-chips"] li:nth-child(2) > a`)
	waitUntil(t, ctx, "one chip left", `document.querySelectorAll('[data-testid="filter-chip"]').length === 1 &&
		document.getElementById('f-interest').value === ''`)
	if got := text(t, ctx, `[data-testid="lead-count"] strong`); got != strconv.Itoa(hot) {
		t.Errorf("after removing the interest chip: %s leads, want %d", got, hot)
	}
	// Paging: "1–50 of N", next, previous.
	jsClick(t, ctx, `[data-testid="clear-chips"]`)
	waitUntil(t, ctx, "every lead", `document.querySelector('[data-testid="page-range"]').textContent === '1–50 of 240' &&
		!document.querySelector('input[name="rating"][value="hot"]').checked`)
	jsClick(t, ctx, `[data-testid="page-next"]`)
	waitUntil(t, ctx, "page 2", `document.querySelector('[data-testid="page-range"]').textContent === '51–100 of 240'`)
	if u := location(t, ctx); !strings.Contains(u, "after=") {
		t.Errorf("page 2 is not in the address bar: %s", u)
	}
	viewportShot(t, ctx, "laptop-04-leads-page-2")
	jsClick(t, ctx, `[data-testid="page-prev"]`)
	waitUntil(t, ctx, "page 1", `document.querySelector('[data-testid="page-range"]').textContent === '1–50 of 240'`)

	run(t, ctx, "open the charts",
		chromedp.Click(chromedp.CSS(`nav a[href="/events/gophercon-eu/charts"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-chart="staff"] svg`)),
	)
	figures, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('figure[data-testid="chart"] svg').length`))
	if err != nil || figures != 7 { // two days by hour, per day, ratings, interests, staff, sources
		t.Fatalf("%d charts drawn (%v)", figures, err)
	}
	screenshot(t, ctx, "laptop-05-charts")
	viewportShot(t, ctx, "laptop-05-charts-top")
	// A click on a bar opens the leads behind it.
	run(t, ctx, "click the hot bar",
		chromedp.Click(chromedp.CSS(`[data-chart="ratings"] svg a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="clear-filter"]`)),
	)
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

// waitUntil polls a JavaScript condition until it holds (10 s), for what htmx swaps in.
func waitUntil(t testing.TB, ctx context.Context, what, cond string) {
	t.Helper()
	var err error
	for range 5 {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(10*time.Second)))
		// After a download Chrome may replace the page's JavaScript context once; the next
		// attempt runs in the new one.
		if err == nil || !strings.Contains(err.Error(), "Cannot find context") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// jsClick clicks an element from script once htmx has taken it over (a link htmx swapped in is
// a plain link until htmx processed it, a few milliseconds later; a machine clicks faster than a
// person), and not at coordinates that may still shift after a swap.
func jsClick(t testing.TB, ctx context.Context, css string) {
	t.Helper()
	waitUntil(t, ctx, "htmx to take over "+css, fmt.Sprintf(`(() => { const el = document.querySelector(%q);
		const d = el && el['htmx-internal-data'];
		return !!d && !!d.initHash && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling') })()`, css))
	js := fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) return false; el.click(); return true })()`, css)
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil || !ok {
		t.Fatalf("click %s: %v (found: %v)", css, err, ok)
	}
}

// changeValue sets a form control as a person would: its value, then a change event.
func changeValue(t testing.TB, ctx context.Context, css, value string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.value = %q;
		el.dispatchEvent(new Event('change', {bubbles: true})); return el.value === %q })()`, css, value, value)
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil || !ok {
		t.Fatalf("set %s to %q: %v", css, value, err)
	}
}

// TestAccessibilityOfRecruiterTools runs axe-core on the screens of issue 11 at laptop size: the
// leads table (plain, filtered with every menu open, empty), the event form, the staff page and
// the audit log.
func TestAccessibilityOfRecruiterTools(t *testing.T) {
	a := newTestApp(t)
	toolsEvent(t, a)
	modelstest.Staff(t, a.db, "ada@example.com", models.RoleAdmin)
	modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	u := a.ts.URL
	ctx := newBrowser(t, laptopW, laptopH, false)
	run(t, ctx, "sign in", signInSteps(u, "ada@example.com"))
	for _, p := range []string{"/events/tools/leads", "/events/tools/leads?rating=none&interest=Go&tag=&pos=1",
		"/events/tools/leads?q=nobody-like-this", "/events/new", "/events/tools/edit", "/staff", "/audit"} {
		run(t, ctx, "open "+p, chromedp.Navigate(u+p), chromedp.WaitReady(chromedp.CSS(`main`)))
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`document.querySelectorAll('details').forEach(d => d.open = true), true`)); err != nil {
			t.Fatal(err)
		}
		if v := axeViolations(t, ctx); len(v) > 0 {
			t.Errorf("%s: %d accessibility problem(s):\n  %s", p, len(v), strings.Join(v, "\n  "))
		}
	}
}
