package export

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestExtraColumnsInBothFormats checks the columns of Options.Columns (an event's questions) in
// every preset and both formats: after the preset's own, headed by their labels, filled from
// Lead.Extra (empty where a lead has fewer values), cleaned like any cell; the CSV neutralises
// and quotes them by the same rule as every other cell, the XLSX keeps them as typed, as text.
func TestExtraColumnsInBothFormats(t *testing.T) {
	cols := []string{"Level", "=1+2 label", "Where; when"}
	leads := importable()
	leads[0].Extra = []string{"Senior", `=HYPERLINK("http://evil.example/","x")`, "Berlin;=cmd|' /C calc'!A0"}
	leads[1].Extra = []string{"-2+3"} // the rest empty
	o := Options{Location: berlin, Columns: cols}
	for _, p := range Presets() {
		n := len(Header(p.Preset))
		rows := rowsOf(p.Preset, leads)
		if rows < 2 {
			t.Fatalf("%s: the fixtures give %d rows", p.Preset, rows)
		}

		recs := readAll(t, writeAll(t, p.Preset, o, leads))
		wantHeader := append(Header(p.Preset), "Level", "'=1+2 label", "Where; when")
		if !slices.Equal(recs[0], wantHeader) {
			t.Errorf("%s CSV header %q,\nwant %q", p.Preset, recs[0], wantHeader)
		}
		if got := recs[1][n:]; !slices.Equal(got, []string{"Senior", `'=HYPERLINK("http://evil.example/","x")`, "Berlin;'=cmd|' /C calc'!A0"}) {
			t.Errorf("%s CSV answers %q", p.Preset, got)
		}
		if got := recs[2][n:]; !slices.Equal(got, []string{"'-2+3", "", ""}) {
			t.Errorf("%s CSV answers of a lead with one %q", p.Preset, got)
		}
		for _, r := range recs[3:] {
			if len(r) != n+len(cols) || !slices.Equal(r[n:], []string{"", "", ""}) {
				t.Errorf("%s CSV answers of a lead without any %q", p.Preset, r[n:])
			}
		}
		raw := writeAll(t, p.Preset, o, leads)
		if !bytes.Contains(raw, []byte(`,"Where; when"`)) {
			t.Errorf("%s CSV: a label with a semicolon is not quoted", p.Preset)
		}

		f, err := excelize.OpenReader(bytes.NewReader(writeXLSXWith(t, p.Preset, o, leads)))
		if err != nil {
			t.Fatal(err)
		}
		sheet, err := f.GetRows(SheetName, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if want := append(Header(p.Preset), cols...); !slices.Equal(sheet[0], want) {
			t.Errorf("%s XLSX header %q", p.Preset, sheet[0])
		}
		if got := sheet[1][n:]; !slices.Equal(got, leads[0].Extra) {
			t.Errorf("%s XLSX answers %q, want them as typed", p.Preset, got)
		}
		if got := sheet[2][n:]; !slices.Equal(got, []string{"-2+3"}) {
			t.Errorf("%s XLSX answers of a lead with one %q", p.Preset, got)
		}
		for c := n; c < n+len(cols); c++ {
			ref, _ := excelize.CoordinatesToCellName(c+1, 2)
			if typ, _ := f.GetCellType(SheetName, ref); typ != excelize.CellTypeInlineString {
				t.Errorf("%s XLSX %s is of type %v", p.Preset, ref, typ)
			}
			col, _ := excelize.ColumnNumberToName(c + 1)
			if w, _ := f.GetColWidth(SheetName, col); w < 12 || w > 40 {
				t.Errorf("%s XLSX column %s width %v", p.Preset, col, w)
			}
		}
		_ = f.Close()
	}
}
