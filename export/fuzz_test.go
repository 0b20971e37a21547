package export

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNeutralize checks Neutralize and Sanitize against their documented contract.
// Seeds: testdata/fuzz/FuzzNeutralize plus the payloads.
func FuzzNeutralize(f *testing.F) {
	for _, p := range payloads {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		n := Neutralize(cell)
		switch n {
		case cell:
			if reference(cell) {
				t.Fatalf("Neutralize(%q) left a formula trigger", cell)
			}
		case "'" + cell:
			if !reference(cell) {
				t.Fatalf("Neutralize(%q) prefixed a harmless cell", cell)
			}
		default:
			t.Fatalf("Neutralize(%q) = %q: neither unchanged nor prefixed", cell, n)
		}
		if Neutralize(n) != n {
			t.Fatalf("Neutralize not idempotent on %q", cell)
		}

		s := Sanitize(cell)
		if !utf8.ValidString(s) {
			t.Fatalf("Sanitize(%q) = %q is not valid UTF-8", cell, s)
		}
		if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' && r != '\t' && r != '\n' }) {
			t.Fatalf("Sanitize(%q) = %q keeps a control character", cell, s)
		}
		if needsPrefix(s) {
			t.Fatalf("Sanitize(%q) = %q still starts a formula", cell, s)
		}
		if want := string(appendClean(nil, []byte(n))); s != want {
			t.Fatalf("Sanitize(%q) = %q, want Neutralize then clean = %q", cell, s, want)
		}
		if Sanitize(s) != s {
			t.Fatalf("Sanitize not stable on %q", s)
		}
		if utf8.ValidString(cell) && !strings.ContainsFunc(cell, func(r rune) bool { return r < ' ' && r != '\t' && r != '\n' }) &&
			s != n {
			t.Fatalf("Sanitize(%q) = %q changed a clean cell beyond Neutralize", cell, s)
		}
	})
}

// reference is an independent statement of the neutralising rule: skip leading
// whitespace, control and format runes, then check the first rune that remains; a TAB,
// CR, LF or NUL in the skipped run triggers too.
func reference(cell string) bool {
	rest := strings.TrimLeftFunc(cell, isInvisible)
	lead := cell[:len(cell)-len(rest)]
	if strings.ContainsAny(lead, "\t\r\n\x00") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return rest != "" && strings.ContainsRune("=+-@", r)
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
			Consents:      []Consent{{Purpose: "contact", CapturedBy: staff, At: at("2026-05-12 12:00")}},
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
			if len(recs) != 2 || !slices.Equal(recs[0], Header(p.Preset)) {
				t.Fatalf("%s: %d records, header %q", p.Preset, len(recs), recs[0])
			}
			checkNoDangerousCells(t, recs[1:])
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
					gl = first
				}
				want = map[string]string{"First Name": first, "Last Name": gl, "Email": email, "Company": company}
			case Lever:
				want = map[string]string{"Full Name": name, "Email": email, "Phone": message}
				if tags := row["Tags"]; tags != "" && strings.Contains(strings.TrimPrefix(tags, "'"), ",,") {
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
