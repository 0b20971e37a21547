package export

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzNeutralize checks Neutralize and Sanitize against their documented contract and an
// independent statement of the rule. Seeds: testdata/fuzz/FuzzNeutralize plus the payloads.
func FuzzNeutralize(f *testing.F) {
	for _, p := range payloads {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		n := Neutralize(cell)
		want := reference(cell)
		if n != want {
			t.Fatalf("Neutralize(%q) = %q, the reference rule gives %q", cell, n, want)
		}
		if Neutralize(n) != n {
			t.Fatalf("Neutralize not idempotent on %q", cell)
		}
		if len(n) < len(cell) || strings.Count(n, "'")-strings.Count(cell, "'") != len(n)-len(cell) {
			t.Fatalf("Neutralize(%q) = %q did more than insert quotes", cell, n)
		}

		s := Sanitize(cell)
		if !utf8.ValidString(s) {
			t.Fatalf("Sanitize(%q) = %q is not valid UTF-8", cell, s)
		}
		if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' && r != '\t' && r != '\n' }) {
			t.Fatalf("Sanitize(%q) = %q keeps a control character", cell, s)
		}
		if needsQuote(s) {
			t.Fatalf("Sanitize(%q) = %q still starts a formula", cell, s)
		}
		if want := Neutralize(string(appendClean(nil, []byte(cell)))); s != want {
			t.Fatalf("Sanitize(%q) = %q, want clean then Neutralize = %q", cell, s, want)
		}
		if Sanitize(s) != s {
			t.Fatalf("Sanitize not stable on %q", s)
		}
	})
}

var (
	refNumber = regexp.MustCompile(`^[+-]?[0-9\p{Zs}()./-]*[0-9][0-9\p{Zs}()./-]*$`)
	refEmail  = regexp.MustCompile(`^[\p{L}\p{Nd}\p{Mn}_.%+-]*[\p{L}\p{Nd}\p{Mn}_]@` +
		`(?:[\p{L}\p{Nd}\p{Mn}](?:[\p{L}\p{Nd}\p{Mn}-]*[\p{L}\p{Nd}\p{Mn}])?\.)+` +
		`[\p{L}\p{Nd}\p{Mn}](?:[\p{L}\p{Nd}\p{Mn}-]*[\p{L}\p{Nd}\p{Mn}])?$`)
	refSigns = regexp.MustCompile(`^[+-]+$`)
)

// reference is an independent statement of the neutralising rule (package comment): the cell's
// start, and every position after a , ; TAB CR or LF, are looked at past invisible runes and
// double quotes (an embedded segment does not look past a separator); the cell start is a
// formula when it is = or is + - @ and the whole trimmed rest is no number, email or bare signs;
// an embedded segment when it is =, or + - @ with a ( or | before the next separator.
func reference(cell string) string {
	var pts []int
	check := func(from int, whole bool) {
		i := from
		for i < len(cell) {
			r, size := utf8.DecodeRuneInString(cell[i:])
			invisible := r == '"' || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
			if !invisible || !whole && strings.ContainsRune("\t\r\n", r) {
				break
			}
			i += size
		}
		if i >= len(cell) {
			return
		}
		danger := false
		switch cell[i] {
		case '=':
			danger = true
		case '+', '-', '@':
			if whole {
				rest := strings.TrimRightFunc(cell[i:], unicode.IsSpace)
				danger = !refNumber.MatchString(rest) && !refEmail.MatchString(rest) && !refSigns.MatchString(rest)
			} else {
				seg := cell[i:]
				if end := strings.IndexAny(seg, ",;\t\r\n"); end >= 0 {
					seg = seg[:end]
				}
				danger = strings.ContainsAny(seg, "(|")
			}
		}
		if danger && (len(pts) == 0 || pts[len(pts)-1] < i) {
			pts = append(pts, i)
		}
	}
	check(0, true)
	for i := 0; i < len(cell); i++ {
		if strings.IndexByte(",;\t\r\n", cell[i]) >= 0 {
			check(i+1, false)
		}
	}
	var b strings.Builder
	prev := 0
	for _, p := range pts {
		b.WriteString(cell[prev:p])
		b.WriteByte('\'')
		prev = p
	}
	b.WriteString(cell[prev:])
	return b.String()
}

// FuzzWriteLead writes one lead made of fuzzed strings with every preset, reads it back
// with encoding/csv and checks the structure, the safety rules and the plain fields.
// Seeds: testdata/fuzz/FuzzWriteLead.
func FuzzWriteLead(f *testing.F) {
	f.Add("Ana María Souza", "ana@example.com", `Acme, Inc. "Widgets"`, "=1+2\";=1+2", "line\r\nnext", "Dana", "Go, Rust")
	f.Add("李小龙", "@x", "\t=1", "+cmd|' /C calc'!A0", "-2+3", "נועה לוי", "\n=1")
	f.Fuzz(func(t *testing.T, name, email, company, message, notes, staff, interest string) {
		l := Lead{
			ID: "id", EventName: interest, Name: name, Email: email, Phone: message, Company: company,
			Title: staff, Message: message, Interests: []string{interest, name}, Rating: notes,
			FollowUp: notes, Source: staff, BadgeCode: notes,
			Consents:      []Consent{{Purpose: "contact", Granted: true, CapturedBy: staff, At: at("2026-05-12 12:00")}},
			Conversations: []Conversation{{Staff: staff, Rating: interest, Notes: notes, FollowUp: message}},
		}
		first, last := SplitName(name)
		for _, p := range Presets() {
			var buf bytes.Buffer
			w := NewWriter(&buf, p.Preset, Options{BOM: len(name)%2 == 0})
			if err := w.Write(l); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			checkCRLF(t, buf.Bytes())
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte(bom))))
			r.FieldsPerRecord = len(Header(p.Preset))
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatalf("%s: read back: %v\n%q", p.Preset, err, buf.Bytes())
			}
			rows := rowsOf(p.Preset, []Lead{l})
			if len(recs) != 1+rows || !slices.Equal(recs[0], Header(p.Preset)) || w.LeftOut().Total() != 1-rows {
				t.Fatalf("%s: %d records, header %q, left out %+v", p.Preset, len(recs), recs[0], w.LeftOut())
			}
			checkNoDangerousCells(t, recs[1:])
			if rows == 0 {
				continue
			}
			row := map[string]string{}
			for j, h := range recs[0] {
				row[h] = recs[1][j]
			}
			var want map[string]string
			switch p.Preset {
			case Generic:
				want = map[string]string{"First Name": first, "Last Name": last, "Full Name": name, "Email": email,
					"Phone": message, "Company": company, "Title": staff, "Message": message, "Badge Code": notes}
			case Greenhouse:
				gl := last
				if gl == "" {
					gl = NoLastName
				}
				want = map[string]string{"First Name": first, "Last Name": gl, "Email": email, "Company": company}
			case Lever:
				want = map[string]string{"Full Name": name, "Email": email, "Phone": message}
				if tags := row["Tags"]; tags != "" && strings.Contains(strings.ReplaceAll(tags, "'", ""), ",,") {
					t.Fatalf("Tags %q has an empty tag", tags)
				}
			}
			for col, field := range want {
				if got := row[col]; got != Sanitize(field) {
					t.Fatalf("%s %s = %q, want Sanitize(%q) = %q", p.Preset, col, got, field, Sanitize(field))
				}
			}
		}
	})
}
