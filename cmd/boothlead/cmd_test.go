package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// runRecruiterCmd runs the binary's run() in-process against a test database.
func runRecruiterCmd(t *testing.T, db modelstest.DB, args ...string) (string, error) {
	t.Helper()
	out, _, err := runCmdStderr(t, db, args...)
	return out, err
}

// runCmdStderr is runRecruiterCmd that also returns what was written to stderr.
func runCmdStderr(t *testing.T, db modelstest.DB, args ...string) (string, string, error) {
	t.Helper()
	env := map[string]string{"DATABASE_URL": db.URL, "BASE_URL": "https://booth.example.org"}
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestExportCommandWritesTheCSVAndAnAuditRow(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "cli-export", "Go", "Data")
	var seed []models.SeedLead
	for i, name := range []string{"Ana Souza", "李小龙", "=cmd|' /C calc'!A0", "No Consent"} {
		at := time.Date(2026, 11, 25, 9, i, 0, 0, time.UTC)
		l := models.SeedLead{Name: name, Email: string(rune('a'+i)) + "@example.com", Source: models.SourceSelfCheckIn,
			FirstSeen: at, LastSeen: at, Interests: []string{"Go"}, Phone: "+49 170 1234567",
			Consents: []models.SeedConsent{{Purpose: models.PurposeContact, CapturedBy: models.CapturedByCandidate, At: at}}}
		if i == 0 {
			l.Conversations = []models.SeedConversation{{At: at, Rating: "hot", Notes: "great, really"}}
		}
		if i == 3 {
			l.Consents = nil
		}
		seed = append(seed, l)
	}
	seed = append(seed, models.SeedLead{Source: models.SourceBadgeScan, BadgeCode: "TKT-1",
		FirstSeen: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)})
	if err := db.Store.SeedLeads(ctx, ev, seed); err != nil {
		t.Fatal(err)
	}

	out, stderr, err := runCmdStderr(t, db, "export", "--event", "cli-export", "--preset", "lever")
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(records) != 4 || records[0][1] != "Full Name" {
		t.Fatalf("lever export: %v %q", err, out)
	}
	if records[1][1] != "'=cmd|' /C calc'!A0" || records[3][1] != "Ana Souza" || records[3][10] != "+49 170 1234567" {
		t.Errorf("rows (newest first, neutralised, phones as typed): %v", records)
	}
	if !strings.HasSuffix(out, "\r\n") {
		t.Error("records end with CRLF")
	}
	if want := "export: wrote 3 leads as Lever candidates; 2 left out: 1 without an email address, 1 without a " +
		"contact consent (an ATS import needs a name, an email address and a contact consent).\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}

	out, stderr, err = runCmdStderr(t, db, "export", "--event", "cli-export", "--format", "xlsx", "--preset", "greenhouse")
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(strings.NewReader(out))
	if err != nil {
		t.Fatalf("--format xlsx wrote no workbook: %v", err)
	}
	xrows, _ := wb.GetRows("Leads")
	if len(xrows) != 4 || xrows[0][0] != "First Name" || xrows[3][0] != "Ana" || xrows[3][5] != "+49 170 1234567" ||
		xrows[1][0] != "=cmd|' /C" || !strings.Contains(stderr, "wrote 3 leads as Greenhouse prospects; 2 left out") {
		t.Errorf("xlsx rows %q, stderr %q", xrows, stderr)
	}

	out, err = runRecruiterCmd(t, db, "export", "--event", "cli-export", "--bom", "--rating", "hot,warm")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "\xEF\xBB\xBFLead ID,") || strings.Count(out, "\r\n") != 2 {
		t.Errorf("generic hot export with BOM: %q", out)
	}

	var rows []models.AuditEntry
	if err := db.Gorm.Raw(`SELECT actor_id, event_id, details::text AS details FROM audit_log WHERE action = 'export'
		ORDER BY id`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].ActorID != nil || *rows[0].EventID != ev.ID ||
		!strings.Contains(rows[0].Details, `"via": "cli"`) || !strings.Contains(rows[0].Details, `"rows": 3`) ||
		!strings.Contains(rows[0].Details, `"left_out": {"no_name": 0, "no_email": 1, "no_contact_consent": 1}`) ||
		!strings.Contains(rows[1].Details, `"format": "xlsx"`) ||
		!strings.Contains(rows[2].Details, `"rating": ["hot", "warm"]`) {
		t.Errorf("audit rows %+v", rows)
	}

	for _, args := range [][]string{
		{"export"}, {"export", "--event", "nope"}, {"export", "--event", "cli-export", "--preset", "excel"},
		{"export", "--event", "cli-export", "--rating", "tepid"}, {"export", "--event", "cli-export", "stray"},
		{"export", "--event", "cli-export", "--from", "yesterday"},
		{"export", "--event", "cli-export", "--format", "ods"}, {"export", "--event", "cli-export", "--format", "xlsx", "--bom"},
	} {
		_, err := runRecruiterCmd(t, db, args...)
		var ue usageError
		if !errors.As(err, &ue) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v, want a one-line usage error", args, err)
		}
	}
}

// demoPassword returns the password the demo printed (the indented line after the one naming it).
func demoPassword(t *testing.T, out string) string {
	t.Helper()
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.Contains(l, "password") {
			for _, next := range lines[i+1:] {
				if s := strings.TrimSpace(next); s != "" {
					return s
				}
			}
		}
	}
	t.Fatalf("no password in %q", out)
	return ""
}

func TestDemoSeedsALivedInBoothAndRunsAgain(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	out, err := runRecruiterCmd(t, db, "demo")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"https://booth.example.org/login", "https://booth.example.org/events/demo\n",
		"demo.recruiter@boothlead.example", "demo.admin@boothlead.example", "300 leads"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	pw := demoPassword(t, out)
	if _, err := db.Store.Authenticate(ctx, "demo.recruiter@boothlead.example", pw, "192.0.2.1"); err != nil {
		t.Fatalf("the printed sign-in does not work: %v", err)
	}
	ev, err := db.Store.EventBySlug(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.Store.EventStats(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	days := map[int]bool{}
	for _, a := range st.Arrivals {
		days[a.Hour.Day()] = true
	}
	var consents, scripts int64
	db.Gorm.Raw("SELECT count(*) FROM consents k JOIN leads l ON l.id = k.lead_id WHERE l.event_id = ?", ev.ID).Scan(&consents)
	db.Gorm.Raw(`SELECT count(*) FROM leads WHERE event_id = ? AND name ~ '[^\x01-\x7F]'`, ev.ID).Scan(&scripts)
	if st.Leads != 300 || st.Conversations < 150 || len(days) != 2 || len(st.Staff) != 4 || consents < 300 ||
		st.Ratings[0].Count == 0 || scripts < 100 || len(st.Interests) < 4 {
		t.Errorf("demo event: %d leads, %d conversations, %d days, %d staff, %d consents, %d non-ASCII names, ratings %v",
			st.Leads, st.Conversations, len(days), len(st.Staff), consents, scripts, st.Ratings)
	}

	out, err = runRecruiterCmd(t, db, "demo", "--leads", "25")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "/events/demo-2\n") || !strings.Contains(out, "25 leads") {
		t.Errorf("a second run makes demo-2: %s", out)
	}
	pw2 := demoPassword(t, out)
	if _, err := db.Store.Authenticate(ctx, "demo.recruiter@boothlead.example", pw2, "192.0.2.1"); err != nil {
		t.Errorf("the new password does not work: %v", err)
	}
	if _, err := db.Store.Authenticate(ctx, "demo.recruiter@boothlead.example", pw, "192.0.2.1"); err == nil {
		t.Error("the first run's password still works")
	}
	var accounts int64
	db.Gorm.Raw("SELECT count(*) FROM staff_users WHERE email LIKE 'demo.%@boothlead.example'").Scan(&accounts)
	if accounts != int64(len(demoAccounts)) {
		t.Errorf("%d demo accounts after two runs, want %d", accounts, len(demoAccounts))
	}
	var ue usageError
	if _, err := runRecruiterCmd(t, db, "demo", "--leads", "0"); !errors.As(err, &ue) {
		t.Errorf("--leads 0: %v", err)
	}
}
