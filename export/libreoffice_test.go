package export

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sofficePath finds LibreOffice's soffice, or skips the test: `make test` installs it
// (scripts/need.sh soffice libreoffice-calc-nogui), so CI always runs these tests.
func sofficePath(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("LibreOffice round trip; skipped with -short")
	}
	for _, p := range []string{os.Getenv("SOFFICE"), "soffice", "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Skip("LibreOffice (soffice) is not installed, so the spreadsheet round trip cannot run: " +
		"install it with apt-get install --no-install-recommends libreoffice-calc-nogui, as `make test` does")
	return ""
}

// soffice converts files to ODS in out with one headless LibreOffice run (LibreOffice starts
// slowly, so every file of one kind goes through one run); filter is the --infilter option, or
// "" for XLSX. The user profile lives in profile, not in $HOME.
func soffice(t testing.TB, bin, profile, filter, out string, files []string) {
	t.Helper()
	args := []string{"-env:UserInstallation=file://" + profile, "--headless", "--norestore"}
	if filter != "" {
		args = append(args, "--infilter="+filter)
	}
	args = append(args, "--convert-to", "ods", "--outdir", out)
	args = append(args, files...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	start := time.Now()
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice %s: %v\n%s", filter, err, b)
	}
	t.Logf("soffice converted %d files (%s) in %v", len(files), filter, time.Since(start).Round(time.Millisecond))
}

// odsCell is one cell of a sheet as LibreOffice stored it.
type odsCell struct {
	Text, Type, Formula string
}

// readODS returns the first sheet's cells of an .ods file (its content.xml), trailing empty
// cells and rows trimmed.
func readODS(t testing.TB, path string) [][]odsCell {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("LibreOffice wrote no %s: %v", path, err)
	}
	dec := xml.NewDecoder(bytes.NewReader(zipFile(t, b, "content.xml")))
	var rows [][]odsCell
	var row []odsCell
	var cell *odsCell
	var text strings.Builder
	rowRepeat, colRepeat, paragraphs, tables := 1, 1, 0, 0
	attr := func(se xml.StartElement, local string) string {
		for _, a := range se.Attr {
			if a.Name.Local == local {
				return a.Value
			}
		}
		return ""
	}
	repeat := func(se xml.StartElement, local string) int {
		if n, err := strconv.Atoi(attr(se, local)); err == nil && n > 0 {
			return min(n, 200) // LibreOffice pads sheets with huge repeats of empty cells
		}
		return 1
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s content.xml: %v", path, err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "table":
				tables++
			case "table-row":
				row, rowRepeat = nil, repeat(e, "number-rows-repeated")
			case "table-cell", "covered-table-cell":
				cell = &odsCell{Type: attr(e, "value-type"), Formula: attr(e, "formula")}
				colRepeat, paragraphs = repeat(e, "number-columns-repeated"), 0
				text.Reset()
			case "p":
				if paragraphs > 0 {
					text.WriteByte('\n')
				}
				paragraphs++
			case "s":
				n := 1
				if c, err := strconv.Atoi(attr(e, "c")); err == nil {
					n = c
				}
				text.WriteString(strings.Repeat(" ", n))
			case "tab":
				text.WriteByte('\t')
			case "line-break":
				text.WriteByte('\n')
			}
		case xml.CharData:
			if cell != nil && tables == 1 {
				text.Write(e)
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "table-cell", "covered-table-cell":
				cell.Text = text.String()
				for range colRepeat {
					row = append(row, *cell)
				}
				cell = nil
			case "table-row":
				if tables != 1 {
					continue
				}
				for len(row) > 0 && row[len(row)-1] == (odsCell{}) {
					row = row[:len(row)-1]
				}
				for range rowRepeat {
					rows = append(rows, row)
				}
			}
		}
	}
	for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	return rows
}

// roundTripOptions are the options of preset p in the round trip: the generic preset has the
// extra columns of an event's questions (an admin's label can be a payload too).
func roundTripOptions(p Preset) Options {
	o := Options{Location: berlin}
	if p == Generic {
		o.Columns = []string{"Level", `=HYPERLINK("http://evil.example/","Work permit?")`, "Anything else?"}
	}
	return o
}

// roundTripLeads are the golden fixtures plus one lead per payload, the payload in every field
// that carries free text (answers to the questions included), and the values the issue was about.
func roundTripLeads() []Lead {
	leads := fixtures()
	consent := []Consent{{Purpose: "contact", Granted: true, CapturedBy: "candidate", At: at("2026-05-12 12:00")}}
	for i, p := range payloads {
		leads = append(leads, Lead{
			ID: fmt.Sprintf("payload-%02d", i), EventName: "GopherCon EU 2026", Name: "Payload " + strconv.Itoa(i) + " " + p,
			Email: fmt.Sprintf("p%d@example.com", i), Phone: p, Company: p, Title: p, GitHub: p, Message: p,
			Interests: []string{p}, Tags: []string{p}, FollowUp: p, Rating: "warm", Consents: consent,
			FirstSeen: at("2026-05-12 12:00"), LastSeen: at("2026-05-12 12:00"),
			Conversations: []Conversation{{Staff: "Dana", At: at("2026-05-12 12:01"), Notes: p}},
			Extra:         []string{p, "yes", "first line\n" + p},
		})
	}
	for i, v := range []string{"+49 170 1234567", "-dash@example.com", "+tag@example.com", "-1", "+1 (555) 123-4567",
		"https://example.com/a?b=1&c=-2", "0176 5550101", "+44 20 7946 0958"} {
		leads = append(leads, Lead{ID: fmt.Sprintf("safe-%d", i), Name: "Safe " + strconv.Itoa(i), Email: v, Phone: v,
			LinkedIn: v, Consents: consent, FirstSeen: at("2026-05-12 12:00")})
	}
	return leads
}

// TestLibreOfficeRoundTrip writes every preset as CSV (read with comma, semicolon and TAB as
// separator) and as XLSX, has LibreOffice Calc itself open each file and save it as ODS, and
// reads what it made of every cell: no cell is a formula, whatever the separator; with the
// comma every text cell is exactly the CSV field (so emails, phone numbers and URLs arrive as
// typed); in the XLSX every cell is text, exactly as typed, neutralised or not.
func TestLibreOfficeRoundTrip(t *testing.T) {
	bin := sofficePath(t)
	dir := t.TempDir()
	profile := filepath.Join(dir, "profile")
	leads := roundTripLeads()
	var csvs, xlsxs []string
	for _, p := range Presets() {
		name := filepath.Join(dir, string(p.Preset))
		o := roundTripOptions(p.Preset)
		withBOM := o
		withBOM.BOM = p.Preset == Generic
		if err := os.WriteFile(name+".csv", writeAll(t, p.Preset, withBOM, leads), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name+".xlsx", writeXLSXWith(t, p.Preset, o, leads), 0o644); err != nil {
			t.Fatal(err)
		}
		csvs, xlsxs = append(csvs, name+".csv"), append(xlsxs, name+".xlsx")
	}
	// CSV filter options: separator(s) as character codes, text delimiter ", charset 76 (UTF-8),
	// first line 1. LibreOffice evaluates fields that start with = as formulas by default.
	separators := []struct{ name, filter string }{
		{"comma", "CSV:44,34,76,1"}, {"semicolon", "CSV:59,34,76,1"}, {"tab", "CSV:9,34,76,1"},
	}
	for _, sep := range separators {
		soffice(t, bin, profile, sep.filter, filepath.Join(dir, sep.name), csvs)
	}
	soffice(t, bin, profile, "", filepath.Join(dir, "xlsx"), xlsxs)

	for _, p := range Presets() {
		recs := readAll(t, writeAll(t, p.Preset, roundTripOptions(p.Preset), leads))
		for _, sep := range separators {
			sheet := readODS(t, filepath.Join(dir, sep.name, string(p.Preset)+".ods"))
			if len(sheet) < len(recs) {
				t.Errorf("%s/%s: LibreOffice read %d rows, the file has %d records", p.Preset, sep.name, len(sheet), len(recs))
			}
			cells := 0
			for r, row := range sheet {
				for c, cell := range row {
					cells++
					if cell.Formula != "" {
						t.Errorf("%s, %s separator: row %d cell %d became the formula %q", p.Preset, sep.name, r+1, c+1, cell.Formula)
					}
				}
			}
			if sep.name != "comma" {
				t.Logf("%s, %s separator: %d rows, %d cells, no formula", p.Preset, sep.name, len(sheet), cells)
				continue
			}
			if len(sheet) != len(recs) {
				t.Fatalf("%s: %d rows with the comma, want %d", p.Preset, len(sheet), len(recs))
			}
			for r, rec := range recs {
				for c, want := range rec {
					var got odsCell
					if c < len(sheet[r]) {
						got = sheet[r][c]
					}
					switch {
					case want == "" && got.Text == "":
					case got.Type == "string" && got.Text == loText(want):
					case got.Type == "string" || got.Type == "":
						t.Errorf("%s row %d %q: LibreOffice shows %q, the file has %q", p.Preset, r+1, recs[0][c], got.Text, want)
					case isNumberLike(want) || strings.ContainsAny(want, "/-:"):
						// a number or a date: LibreOffice's own reading of a CSV, which the XLSX avoids
					default:
						t.Errorf("%s row %d %q: %q became a %s (%q)", p.Preset, r+1, recs[0][c], want, got.Type, got.Text)
					}
				}
			}
		}

		// XLSX: every cell a string, exactly the value (no neutralising needed or done).
		sheet := readODS(t, filepath.Join(dir, "xlsx", string(p.Preset)+".ods"))
		var w Writer
		w.row = newRow(p.Preset, roundTripOptions(p.Preset))
		var want [][]string
		w.row.header(p.Preset)
		for i := 0; ; i++ {
			var cells []string
			for c := range w.row.ends {
				cells = append(cells, string(w.row.cellBytes(c)))
			}
			want = append(want, cells)
			for i < len(leads) && Eligible(p.Preset, &leads[i]) != Included {
				i++
			}
			if i == len(leads) {
				break
			}
			w.row.build(p.Preset, &leads[i])
		}
		if len(sheet) != len(want) {
			t.Fatalf("%s xlsx: LibreOffice read %d rows, want %d", p.Preset, len(sheet), len(want))
		}
		for r := range want {
			for c, v := range want[r] {
				var got odsCell
				if c < len(sheet[r]) {
					got = sheet[r][c]
				}
				if got.Formula != "" || v != "" && (got.Type != "string" || got.Text != loText(v)) {
					t.Errorf("%s xlsx row %d %q: LibreOffice made %+v of %q", p.Preset, r+1, want[0][c], got, v)
				}
			}
		}
	}
}

// loText is how LibreOffice shows a text cell: it drops TAB characters from a cell of several
// lines (its own limit, in its ODS as in its sheet; a one-line cell keeps them).
func loText(s string) string {
	if strings.Contains(s, "\n") {
		return strings.ReplaceAll(s, "\t", "")
	}
	return s
}

// TestLibreOfficeSeesTheIssue shows the round trip catches what the issue found: the same cells
// written without the rule (and without quoting the semicolon) become formulas when LibreOffice
// reads them with a semicolon.
func TestLibreOfficeSeesTheIssue(t *testing.T) {
	bin := sofficePath(t)
	dir := t.TempDir()
	var b bytes.Buffer
	cw := csv.NewWriter(&b) // what the exporter used before: no ; quoting, no rule
	cw.UseCRLF = true
	_ = cw.Write([]string{"Company", "Notes"})
	_ = cw.Write([]string{"Acme;=cmd|' /C calc'!A0", "first line, then\n;=3+3"})
	cw.Flush()
	file := filepath.Join(dir, "old.csv")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	soffice(t, bin, filepath.Join(dir, "profile"), "CSV:59,34,76,1", dir, []string{file})
	formulas := 0
	for _, row := range readODS(t, filepath.Join(dir, "old.ods")) {
		for _, c := range row {
			if c.Formula != "" {
				formulas++
			}
		}
	}
	if formulas < 2 {
		t.Fatalf("LibreOffice made %d formulas of the unprotected file; the round trip would not notice a regression", formulas)
	}
}
