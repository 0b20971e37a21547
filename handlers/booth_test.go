package handlers

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// checkInDirect records a self check-in through the Store (the check-in page has tests of its own).
func checkInDirect(t testing.TB, a *testApp, ev models.Event, name, email string, interests ...string) models.Lead {
	t.Helper()
	in, err := models.CheckLead(ev, models.LeadInput{Name: name, Email: email, Interests: interests, Consent: true}, true)
	if err != nil {
		t.Fatalf("check lead: %v", err)
	}
	res, err := a.store.CheckIn(context.Background(), ev, in)
	if err != nil {
		t.Fatalf("check in: %v", err)
	}
	return res.Lead
}

func TestBoardListsArrivalsNewestFirstAndSearches(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "pycon", "Backend", "Data")
	checkInDirect(t, a, ev, "Ada Lovelace", "ada@example.com", "Backend")
	time.Sleep(10 * time.Millisecond)
	checkInDirect(t, a, ev, "Zoë <b>Bold</b>", "zoe@example.com", "Data")
	staff := a.signedIn("sam@example.com", models.RoleStaff)

	p := staff.get(paths.Event(ev.Slug))
	wantStatus(t, p, http.StatusOK)
	rows := p.testid("lead-row")
	if rows.Length() != 2 {
		t.Fatalf("%d lead rows, want 2", rows.Length())
	}
	if first := rows.First().Find(".lead-name").Text(); first != "Zoë <b>Bold</b>" {
		t.Errorf("first row %q, want the newest arrival shown as text", first)
	}
	if strings.Contains(p.body, "<b>Bold</b>") {
		t.Error("markup in a name was not escaped")
	}
	if p.testid("scan-form").Find(`[name="code"]`).Length() != 1 || p.testid("pending-count").Text() != "0" {
		t.Error("the board lacks the scan form or the pending count")
	}
	if p.testid("refresh").Length() != 1 {
		t.Error("no refresh link for browsers without JavaScript")
	}
	p = staff.get(paths.Event(ev.Slug) + "?q=LOVE")
	if rows := p.testid("lead-row"); rows.Length() != 1 || !strings.Contains(rows.Text(), "Ada") {
		t.Fatalf("search for LOVE: %d rows %q", rows.Length(), rows.Text())
	}
	p = staff.get(paths.Event(ev.Slug) + "?q=%25")
	if n := p.testid("lead-row").Length(); n != 0 {
		t.Errorf("a %% search matched %d rows: wildcards must be literal", n)
	}
}

func scanCode(t testing.TB, c *client, slug, code, clientID string) page {
	t.Helper()
	return c.submit(paths.Scan(slug), url.Values{"code": {code}, "client_id": {clientID}})
}

func TestScanResolvesEveryFormat(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "kubecon", "Backend")
	checked := checkInDirect(t, a, ev, "Grace Hopper", "Grace@Example.com")
	staff := a.signedIn("sam@example.com", models.RoleStaff)

	leadOf := func(p page) string {
		t.Helper()
		wantStatus(t, p, http.StatusSeeOther)
		if !strings.HasPrefix(p.location(), "/leads/") {
			t.Fatalf("scan redirected to %q, want a lead page", p.location())
		}
		return leadIDIn(p.location())
	}
	vcard := "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\nEMAIL;TYPE=work:jane@example.org\r\nORG:Acme GmbH\r\nTITLE:Data Engineer\r\nEND:VCARD"
	cases := []struct {
		name, code string
		want       string // "" = a new lead; else the id of an existing lead
	}{
		{"personal QR", a.ts.URL + paths.Personal(checked.PersonalToken), checked.ID},
		{"mailto of a checked-in email, other case", "mailto:grace@example.COM", checked.ID},
		{"plain email", "grace@example.com\r\n", checked.ID},
		{"vCard 4.0", vcard, ""},
	}
	for _, tc := range cases {
		id := leadOf(scanCode(t, staff, ev.Slug, tc.code, uuid.NewString()))
		if tc.want != "" && id != tc.want {
			t.Errorf("%s: opened %s, want %s", tc.name, id, tc.want)
		}
	}
	// the vCard lead: the same card scanned again (other device, other capture) opens it again
	jane := leadOf(scanCode(t, staff, ev.Slug, vcard, uuid.NewString()))
	l, _ := a.store.LeadByID(t.Context(), jane)
	if l.Name != "Jane Doe" || l.EmailText() != "jane@example.org" || l.Company != "Acme GmbH" || l.Source != models.SourceBadgeScan {
		t.Errorf("vCard lead %+v", l)
	}
	if again := leadOf(scanCode(t, staff, ev.Slug, strings.ReplaceAll(vcard, "\r\n", "\n"), uuid.NewString())); again != jane {
		t.Error("the same vCard with LF line ends made another lead")
	}

	// an opaque badge code: a new unresolved lead keeping the raw code, the same one on a rescan
	code := "z3fsn8jyufm5kpk768q69gkbyr5f4h6w"
	opaque := leadOf(scanCode(t, staff, ev.Slug, code, uuid.NewString()))
	if again := leadOf(scanCode(t, staff, ev.Slug, code+"\n", uuid.NewString())); again != opaque {
		t.Error("the same badge code scanned twice opened two leads")
	}
	lp := staff.get(paths.Lead(opaque))
	if lp.testid("unresolved").Length() != 1 || !strings.Contains(lp.testid("unresolved").Text(), code) {
		t.Error("an opaque code's lead is not shown as unresolved with its code")
	}
	// LinkedIn: found again with another query string
	li := leadOf(scanCode(t, staff, ev.Slug, "https://de.linkedin.com/in/Jane-Roe/?utm_source=share", uuid.NewString()))
	if again := leadOf(scanCode(t, staff, ev.Slug, "https://www.linkedin.com/in/jane-roe", uuid.NewString())); again != li {
		t.Error("the same LinkedIn profile opened two leads")
	}

	// the raw text of every scan is kept
	var n int64
	a.db.Gorm.Raw("SELECT count(*) FROM scans WHERE raw = ?", vcard).Scan(&n)
	if n != 2 {
		t.Errorf("%d scans kept the raw vCard, want 2 (it was scanned twice)", n)
	}
	// a re-sent capture (same client id) is stored once and opens the same lead
	cid := uuid.NewString()
	first := leadOf(scanCode(t, staff, ev.Slug, "someone@example.net", cid))
	if second := leadOf(scanCode(t, staff, ev.Slug, "someone@example.net", cid)); second != first {
		t.Error("a repeated scan capture opened another lead")
	}
	a.db.Gorm.Raw("SELECT count(*) FROM scans WHERE client_id = ?", cid).Scan(&n)
	if n != 1 {
		t.Errorf("a repeated capture stored %d scans, want 1", n)
	}
	// bad input: a clear message next to the field, the code kept
	p := scanCode(t, staff, ev.Slug, "   ", uuid.NewString())
	wantStatus(t, p, http.StatusUnprocessableEntity)
	if p.testid("scan-form").Find(`[data-testid="field-error"]`).Length() != 1 {
		t.Error("an empty scan has no message next to the field")
	}
	other := modelstest.Event(t, a.db, "other-conf")
	stranger := checkInDirect(t, a, other, "Stranger", "s@example.com")
	p = scanCode(t, staff, ev.Slug, a.ts.URL+paths.Personal(stranger.PersonalToken), uuid.NewString())
	wantStatus(t, p, http.StatusUnprocessableEntity)
}

func TestConcurrentScansOfOneBadgeMakeOneLead(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "scanrace")
	staff := a.signedIn("sam@example.com", models.RoleStaff)
	tok := staff.csrf()
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			staff.post(paths.Scan(ev.Slug), url.Values{"code": {"GG89JUJDTA"}, "client_id": {uuid.NewString()}, "_csrf": {tok}})
		}()
	}
	wg.Wait()
	var leads int64
	a.db.Gorm.Raw("SELECT count(*) FROM leads WHERE event_id = ?", ev.ID).Scan(&leads)
	if leads != 1 {
		t.Fatalf("%d leads from one badge scanned six times at once, want 1", leads)
	}
}

func TestConversationsAppendOnlyIdempotentAndRated(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "europython", "Backend", "Data")
	lead := checkInDirect(t, a, ev, "Ελένη Παπαδοπούλου", "eleni@example.gr")
	sam := a.signedIn("sam@example.com", models.RoleStaff)
	kim := a.signedIn("kim@example.com", models.RoleStaff)

	p := sam.get(paths.Lead(lead.ID))
	wantStatus(t, p, http.StatusOK)
	form := p.testid("conversation-form")
	for _, f := range []string{"notes", "rating", "interests", "follow_up", "client_id"} {
		if form.Find(`[name="`+f+`"]`).Length() == 0 {
			t.Errorf("conversation-form lacks %s", f)
		}
	}
	cid, _ := form.Find(`[name="client_id"]`).Attr("value")
	if _, err := uuid.Parse(cid); err != nil {
		t.Fatalf("client_id %q is not a UUID", cid)
	}
	post := func(c *client, cid, notes, rating string) page {
		return c.submit(paths.Conversations(lead.ID), url.Values{"client_id": {cid}, "notes": {notes}, "rating": {rating},
			"interests": {"Data"}, "follow_up": {"Send the data team's job ad"}})
	}
	wantStatus(t, post(sam, cid, "Loves Postgres <script>x</script>", "warm"), http.StatusSeeOther)
	wantStatus(t, post(sam, cid, "Loves Postgres <script>x</script>", "warm"), http.StatusSeeOther) // a re-send
	wantStatus(t, post(kim, uuid.NewString(), "Second talk: wants to relocate", "hot"), http.StatusSeeOther)

	cs, _ := a.store.Conversations(t.Context(), lead.ID)
	if len(cs) != 2 {
		t.Fatalf("%d conversations, want 2 (the re-send is stored once, two staff never overwrite)", len(cs))
	}
	l, _ := a.store.LeadByID(t.Context(), lead.ID)
	if l.RatingText() != "hot" {
		t.Errorf("current rating %q, want the latest conversation's (hot)", l.RatingText())
	}
	if !l.Interests.Contains("Data") {
		t.Error("the conversation's interests did not join the lead's")
	}
	p = sam.get(paths.Lead(lead.ID))
	if n := p.testid("conversation").Length(); n != 2 {
		t.Errorf("timeline shows %d conversations, want 2", n)
	}
	if !strings.Contains(p.testid("timeline").Text(), "kim") || strings.Contains(p.body, "<script>x</script>") {
		t.Error("timeline lacks who talked, or notes are not escaped")
	}
	// an old capture synced late does not override the newer rating
	old := url.Values{"client_id": {uuid.NewString()}, "notes": {"from an offline tablet"}, "rating": {"cold"},
		"captured_at": {time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)}}
	wantStatus(t, sam.submit(paths.Conversations(lead.ID), old), http.StatusSeeOther)
	if l, _ := a.store.LeadByID(t.Context(), lead.ID); l.RatingText() != "hot" {
		t.Errorf("an older capture changed the rating to %q", l.RatingText())
	}
	// bad input is refused with what was typed kept
	p = sam.submit(paths.Conversations(lead.ID), url.Values{"client_id": {uuid.NewString()}, "notes": {"typed\x00text"}, "rating": {"lukewarm"}})
	wantStatus(t, p, http.StatusUnprocessableEntity)
	if v := p.testid("conversation-form").Find("textarea").Text(); v != "typed\x00text" && v != "typed\uFFFDtext" {
		t.Errorf("typed notes not kept: %q", v)
	}
}

func TestWalkInConsentCapturedByStaff(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "walkins", "SRE")
	sam := a.signedIn("sam@example.com", models.RoleStaff)
	p := sam.get(paths.QuickAdd(ev.Slug))
	wantStatus(t, p, http.StatusOK)
	cid := uuid.NewString()
	form := url.Values{"client_id": {cid}, "name": {"李小龙"}, "email": {"bruce@example.cn"}, "interests": {"SRE"}}
	p = sam.submit(paths.QuickAdd(ev.Slug), form)
	wantStatus(t, p, http.StatusUnprocessableEntity) // consent missing
	if v, _ := p.doc.Find(`input[name="name"]`).Attr("value"); v != "李小龙" {
		t.Errorf("name not kept: %q", v)
	}
	form.Set("consent", "yes")
	p = sam.submit(paths.QuickAdd(ev.Slug), form)
	wantStatus(t, p, http.StatusSeeOther)
	again := sam.submit(paths.QuickAdd(ev.Slug), form)
	if again.location() != p.location() {
		t.Errorf("a re-sent walk-in opened %q, want %q", again.location(), p.location())
	}
	id := leadIDIn(p.location())
	if !strings.Contains(p.location(), "done=walk-in") {
		t.Errorf("walk-in redirect %q does not say it was added", p.location())
	}
	l, _ := a.store.LeadByID(t.Context(), id)
	if l.Source != models.SourceStaffManual || l.VisitCount != 1 {
		t.Errorf("walk-in lead source %q visits %d", l.Source, l.VisitCount)
	}
	cs, _ := a.store.Consents(t.Context(), id)
	if len(cs) != 1 || cs[0].CapturedBy != models.CapturedByStaff || cs[0].StaffName != "sam" || cs[0].TextVersion != 1 {
		t.Fatalf("consents %+v: want one, captured by staff member sam, text v1", cs)
	}
}

func TestUnresolvedBadgeCompletedByStaff(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "complete")
	checkInDirect(t, a, ev, "Taken", "taken@example.com")
	sam := a.signedIn("sam@example.com", models.RoleStaff)
	p := scanCode(t, sam, ev.Slug, "2019.europe-534", uuid.NewString())
	lead := paths.Lead(leadIDIn(p.location()))
	if !strings.Contains(p.location(), "done=scan-unresolved") {
		t.Errorf("an opaque code's redirect %q does not ask to complete the lead", p.location())
	}
	p = sam.submit(lead, url.Values{"name": {"Ana"}, "email": {"TAKEN@example.com"}})
	wantStatus(t, p, http.StatusUnprocessableEntity)
	if !strings.Contains(p.testid("lead-form").Text(), "already has this email") {
		t.Error("a taken email gives no clear message")
	}
	wantStatus(t, sam.submit(lead, url.Values{"name": {"Ana Sousa"}, "email": {"ana@example.pt"}}), http.StatusSeeOther)
	if p := sam.get(lead); p.testid("unresolved").Length() != 0 || p.testid("lead-name").Text() != "Ana Sousa" {
		t.Error("the completed lead still shows as unresolved")
	}
}

func TestTabletSignInByOneTimeQR(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "tablet")
	sam := a.signedIn("sam@example.com", models.RoleStaff)
	p := sam.get(paths.PairDevice(ev.Slug))
	wantStatus(t, p, http.StatusOK)
	if v, _ := p.testid("pair-form").Find(`input[name="name"]`).Attr("value"); v != "Tablet 1" {
		t.Errorf("suggested tablet name %q, want Tablet 1", v)
	}
	if p.testid("pair-qr").Length() != 0 {
		t.Error("a GET made a sign-in code")
	}
	wantStatus(t, sam.submit(paths.PairDevice(ev.Slug), url.Values{"name": {" "}}), http.StatusUnprocessableEntity)
	p = sam.submit(paths.PairDevice(ev.Slug), url.Values{"name": {"Front desk iPad"}})
	wantStatus(t, p, http.StatusOK)
	loginURL := strings.TrimSpace(p.testid("pair-url").Text())
	if src, _ := p.testid("pair-qr").Attr("src"); !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Errorf("pair QR src %.40q", src)
	}
	tablet := a.client()
	p = tablet.get(loginURL) // a GET only asks
	wantStatus(t, p, http.StatusOK)
	if !strings.Contains(p.body, "Front desk iPad") {
		t.Error("the tablet's sign-in page does not name the tablet")
	}
	p = tablet.submit(loginURL, nil)
	wantStatus(t, p, http.StatusSeeOther)
	if p.location() != paths.Event(ev.Slug) {
		t.Errorf("tablet sign-in went to %q, want the board", p.location())
	}
	wantStatus(t, tablet.get(paths.Event(ev.Slug)), http.StatusOK)
	// single use
	wantStatus(t, a.client().submit(loginURL, nil), http.StatusNotFound)
	// expired codes do not work
	p = sam.submit(paths.PairDevice(ev.Slug), url.Values{"name": {"Late"}})
	late := strings.TrimSpace(p.testid("pair-url").Text())
	a.db.Gorm.Exec("UPDATE device_logins SET expires_at = now() - interval '1 second' WHERE used_at IS NULL")
	wantStatus(t, a.client().get(late), http.StatusNotFound)

	// the admin sees the tablet by its name, with its scope, and ends it (after a confirmation)
	admin := a.signedIn("ada@example.com", models.RoleAdmin)
	devs := admin.get(paths.Devices())
	var tabletID int64
	devs.testid("device-row").Each(func(_ int, row *goquery.Selection) {
		if row.Find(`[data-testid="device-name"]`).Text() == "Front desk iPad" {
			if !strings.Contains(row.Find(`[data-testid="device-scope"]`).Text(), ev.Name) {
				t.Errorf("the devices page does not say the tablet's scope: %q", row.Text())
			}
			action, _ := row.Find("form").Attr("action")
			tabletID, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(action, "/devices/"), "/end"), 10, 64)
		}
	})
	if tabletID == 0 {
		t.Fatal("the tablet is not among the devices by its name")
	}
	p = admin.submit(paths.EndDevice(tabletID), nil)
	wantStatus(t, p, http.StatusOK)
	if !strings.Contains(p.testid("confirm").Text(), "Front desk iPad") {
		t.Errorf("the confirmation does not name the tablet: %q", p.testid("confirm").Text())
	}
	wantStatus(t, tablet.get(paths.Event(ev.Slug)), http.StatusOK) // not ended by the question
	wantStatus(t, admin.submit(paths.EndDevice(tabletID), url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	if p := tablet.get(paths.Event(ev.Slug)); p.status != http.StatusSeeOther {
		t.Errorf("an ended tablet still sees the board: %d", p.status)
	}
}

// sseLines reads a server-sent event stream line by line.
func sseLines(t testing.TB, ctx context.Context, c *client, path string) <-chan string {
	t.Helper()
	return sseLinesWith(t, ctx, c, path, nil)
}

// sseLinesWith is sseLines with a change to the request (a header, the query) before it is sent.
func sseLinesWith(t testing.TB, ctx context.Context, c *client, path string, change func(*http.Request)) <-chan string {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.abs(path), nil)
	if change != nil {
		change(req)
	}
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("open stream: %v", err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := make(chan string, 64)
	go func() {
		defer res.Body.Close()
		defer close(lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

func waitFor(t testing.TB, lines <-chan string, want string, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended before %q", want)
			}
			if strings.Contains(l, want) {
				return
			}
		case <-deadline:
			t.Fatalf("no %q on the stream within %s", want, within)
		}
	}
}

// A check-in through one app instance reaches a board open on another instance (both on the
// same database): LISTEN/NOTIFY carries it.
func TestLiveBoardAcrossInstances(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	b := a.secondInstance(t)
	ev := modelstest.Event(t, a.db, "live")
	sam := b.signedIn("sam@example.com", models.RoleStaff)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lines := sseLines(t, ctx, sam, paths.Live(ev.Slug))
	waitFor(t, lines, ": connected", 5*time.Second)

	checkInDirect(t, a, ev, "Live Arrival", "live@example.com")
	waitFor(t, lines, "event: lead", 5*time.Second)
	waitFor(t, lines, "Live Arrival", time.Second)
}

// leadIDIn returns the lead id of a lead page URL (path, query and fragment allowed).
func leadIDIn(u string) string {
	_, id, _ := strings.Cut(u, "/leads/")
	if i := strings.IndexAny(id, "?#"); i >= 0 {
		id = id[:i]
	}
	return id
}

// "yesterday" is the calendar day before today in the event's time zone, not 24 hours.
func TestAgoCountsCalendarDaysInTheEventsTimeZone(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 11, 29, 0, 30, 0, 0, berlin) // half past midnight in Berlin
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{now.Add(-30 * time.Second), "just now"},
		{now.Add(-20 * time.Minute), "20 min ago"},
		{now.Add(-2 * time.Hour), "yesterday"}, // 22:30 the day before, two hours ago
		{time.Date(2026, 11, 28, 0, 10, 0, 0, berlin), "yesterday"},
		{time.Date(2026, 11, 27, 23, 50, 0, 0, berlin), "2 days ago"},
	} {
		if got := ago(berlin, tc.t, now); got != tc.want {
			t.Errorf("ago(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
	noon := time.Date(2026, 11, 29, 12, 0, 0, 0, berlin)
	if got := ago(berlin, noon.Add(-5*time.Hour), noon); got != "5 h ago" {
		t.Errorf("same day: %q", got)
	}
}

// The person card quotes the newest conversation that says something: a later quick rating
// without notes does not hide the colleague's note; a follow-up stands in for missing notes.
func TestLeadPageQuotesTheLastNoteThatSaysSomething(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "europython", "Backend")
	lead := checkInDirect(t, a, ev, "Ada Lovelace", "ada@example.com")
	sam := a.signedIn("sam@example.com", models.RoleStaff)
	card := func() string {
		return strings.Join(strings.Fields(sam.get(paths.Lead(lead.ID)).testid("last-note").Text()), " ")
	}
	say := func(v url.Values, ago time.Duration) {
		v.Set("client_id", uuid.NewString())
		v.Set("captured_at", time.Now().Add(-ago).UTC().Format(time.RFC3339))
		wantStatus(t, sam.submit(paths.Conversations(lead.ID), v), http.StatusSeeOther)
	}
	if got := card(); got != "" {
		t.Fatalf("last note before any conversation: %q", got)
	}
	say(url.Values{"notes": {"Wants remote, not before March."}, "rating": {"warm"}}, 3*time.Minute)
	say(url.Values{"rating": {"hot"}}, 2*time.Minute)
	if got := card(); !strings.Contains(got, "Wants remote, not before March.") || !strings.Contains(got, "warm") {
		t.Errorf("after a rating without notes the card says %q, want the earlier note and its rating", got)
	}
	say(url.Values{"follow_up": {"Send the platform job ad"}}, time.Minute)
	if got := card(); !strings.Contains(got, "Follow-up: Send the platform job ad") {
		t.Errorf("card %q, want the newest follow-up", got)
	}
}
