package export

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// FuzzCustomColumns writes a generic export with custom-question columns whose labels and answers
// are fuzzed (any text, separators, quotes, line breaks, formula starts), two leads, with and
// without the BOM, reads it back with encoding/csv and checks the round trip: one record per
// lead plus the header, every record as wide as the header, the labels and answers back as
// Sanitize made them, and no cell that a spreadsheet would run.
func FuzzCustomColumns(f *testing.F) {
	f.Add("Graduation year", "2027", "Work permit?", "=yes", true)
	f.Add("Où; «travailler»", "Paris, \"Lyon\"", "\t=cmd", "line\r\nnext", false)
	f.Add("", "", "@SUM(1)", "-1+2", true)
	f.Fuzz(func(t *testing.T, label1, answer1, label2, answer2 string, withBOM bool) {
		var buf bytes.Buffer
		w := NewWriter(&buf, Generic, Options{BOM: withBOM, Columns: []string{label1, label2}})
		leads := []Lead{
			{ID: "a", Name: answer1, Email: "a@example.com", Extra: []string{answer1, answer2}},
			{ID: "b", Name: label2, Email: "b@example.com", Extra: []string{answer2}}, // a missing answer is an empty cell
		}
		for _, l := range leads {
			if err := w.Write(l); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		checkCRLF(t, buf.Bytes())
		data := buf.Bytes()
		if withBOM != bytes.HasPrefix(data, []byte(bom)) {
			t.Fatalf("BOM %v, want %v", bytes.HasPrefix(data, []byte(bom)), withBOM)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(bom))))
		width := len(Header(Generic)) + 2
		r.FieldsPerRecord = width
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("read back: %v\n%q", err, data)
		}
		if len(recs) != 3 {
			t.Fatalf("%d records, want a header and 2 leads", len(recs))
		}
		checkNoDangerousCells(t, recs)
		base := len(Header(Generic))
		for i, want := range [][]string{{label1, label2}, {answer1, answer2}, {answer2, ""}} {
			for j, field := range want {
				if got := recs[i][base+j]; got != Sanitize(field) {
					t.Fatalf("record %d, column %d = %q, want Sanitize(%q) = %q", i, base+j, got, field, Sanitize(field))
				}
			}
		}
	})
}
