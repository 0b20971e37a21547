package export

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// startTime is when the test binary started: temporary files newer than it are ours.
var startTime = time.Now()

func writeXLSX(t testing.TB, p Preset, leads []Lead) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewXLSXWriter(&buf, p, Options{Location: berlin})
	for _, l := range leads {
		if err := w.Write(l); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if w.Rows() != rowsOf(p, leads) {
		t.Fatalf("Rows() = %d, want %d", w.Rows(), rowsOf(p, leads))
	}
	return buf.Bytes()
}

// zipFile returns one file of a zip archive.
func zipFile(t testing.TB, b []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestXLSXGolden pins the sheet of each preset (xl/worksheets/sheet1.xml: columns, frozen pane,
// every cell an inline string with its style); `go test ./export -update` rewrites them.
func TestXLSXGolden(t *testing.T) {
	for _, p := range Presets() {
		t.Run(string(p.Preset), func(t *testing.T) {
			sheet := zipFile(t, writeXLSX(t, p.Preset, fixtures()), "xl/worksheets/sheet1.xml")
			// one row per line, so a diff of the golden file reads
			got := bytes.ReplaceAll(sheet, []byte("<row "), []byte("\n<row "))
			got = bytes.ReplaceAll(got, []byte("<sheetData>"), []byte("\n<sheetData>"))
			got = bytes.ReplaceAll(got, []byte("</sheetData>"), []byte("\n</sheetData>"))
			path := filepath.Join("testdata", string(p.Preset)+".xlsx-sheet.golden")
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
				t.Errorf("sheet differs from %s (run go test ./export -update and review the diff)", path)
			}
			if bytes.Contains(got, []byte("<f>")) || bytes.Contains(got, []byte(`t="s"`)) || bytes.Contains(got, []byte("<v>")) {
				t.Error("the sheet has a formula, a shared string or a typed value")
			}
		})
	}
}

// TestXLSXCellsAreTextAsTyped reads each preset back with excelize: the header and every value
// as typed (cleaned, never neutralised: "=…", "+49…", "00123", "1/2" all stay), every cell an
// inline string in the Text format, the header row frozen, the columns sized.
func TestXLSXCellsAreTextAsTyped(t *testing.T) {
	for _, p := range Presets() {
		leads := fixtures()
		for i, s := range payloads {
			leads = append(leads, Lead{ID: s, Name: "P " + s, Email: "p@example.com", Phone: s, Company: s,
				Message: s, Consents: []Consent{{Purpose: "contact", Granted: true}}, EventName: "E" + string(rune('a'+i%26))})
		}
		b := writeXLSX(t, p.Preset, leads)
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(SheetName, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], Header(p.Preset)) {
			t.Errorf("%s header %q", p.Preset, rows[0])
		}
		// the CSV writer's cells, minus its neutralising, are exactly what the sheet holds
		recs := readAll(t, writeAll(t, p.Preset, Options{Location: berlin}, leads))
		if len(rows) != len(recs) {
			t.Fatalf("%s: %d rows, want %d", p.Preset, len(rows), len(recs))
		}
		var w Writer
		w.row.loc = berlin
		eligible := slices.DeleteFunc(slices.Clone(leads), func(l Lead) bool { return Eligible(p.Preset, &l) != Included })
		for r := 1; r < len(rows); r++ {
			w.row.build(p.Preset, &eligible[r-1])
			for c := range Header(p.Preset) {
				want := string(w.row.cellBytes(c))
				got := ""
				if c < len(rows[r]) {
					got = rows[r][c]
				}
				if got != want {
					t.Errorf("%s row %d col %d = %q, want %q", p.Preset, r, c, got, want)
				}
				if want == "" {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if typ, _ := f.GetCellType(SheetName, ref); typ != excelize.CellTypeInlineString {
					t.Errorf("%s %s is of type %v", p.Preset, ref, typ)
				}
				style, _ := f.GetCellStyle(SheetName, ref)
				if s, _ := f.GetStyle(style); s == nil || s.NumFmt != textFormat {
					t.Errorf("%s %s is not formatted as text", p.Preset, ref)
				}
			}
		}
		panes, err := f.GetPanes(SheetName)
		if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Errorf("%s panes %+v, %v", p.Preset, panes, err)
		}
		for c, h := range Header(p.Preset) {
			col, _ := excelize.ColumnNumberToName(c + 1)
			width, _ := f.GetColWidth(SheetName, col)
			if want, _ := columnLayout(h); width != want {
				t.Errorf("%s column %s (%s) width %v, want %v", p.Preset, col, h, width, want)
			}
		}
		_ = f.Close()
	}
}

// TestXLSXHeapStaysFlat writes 50,000 rows and checks the live heap stays bounded (excelize
// keeps at most its 16 MiB chunk in memory, then spills to a temporary file).
func TestXLSXHeapStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 50,000 rows")
	}
	leads := fixtures()
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var out countWriter
	w := NewXLSXWriter(&out, Generic, Options{})
	before := heap()
	var peak uint64
	for i := range 50_000 {
		if err := w.Write(leads[i%len(leads)]); err != nil {
			t.Fatal(err)
		}
		if i%10_000 == 9_999 {
			peak = max(peak, heap())
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if grown := peak - min(peak, before); grown > 40<<20 {
		t.Errorf("live heap grew by %d MiB over 50,000 rows", grown>>20)
	}
	if out.n < 1<<20 || w.Rows() != 50_000 {
		t.Errorf("wrote %d bytes, %d rows", out.n, w.Rows())
	}
	if tmp, _ := filepath.Glob(filepath.Join(os.TempDir(), "excelize-*")); len(tmp) > 0 {
		for _, name := range tmp {
			if fi, err := os.Stat(name); err == nil && strings.HasPrefix(fi.Name(), "excelize-") && fi.ModTime().After(startTime) {
				t.Errorf("temporary file left behind: %s", name)
			}
		}
	}
}
