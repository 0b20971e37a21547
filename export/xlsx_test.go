package export

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// startTime is when the test binary started: temporary files newer than it are ours.
var startTime = time.Now()

func writeXLSX(t testing.TB, p Preset, leads []Lead) []byte {
	t.Helper()
	return writeXLSXWith(t, p, Options{Location: berlin}, leads)
}

func writeXLSXWith(t testing.TB, p Preset, o Options, leads []Lead) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewXLSXWriter(&buf, p, o)
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
		f := checkSheetAsTyped(t, p.Preset, Options{Location: berlin}, b, leads)
		// as many rows as the CSV writer writes
		if recs := readAll(t, writeAll(t, p.Preset, Options{Location: berlin}, leads)); len(recs) != rowsOf(p.Preset, leads)+1 {
			t.Fatalf("%s: the CSV has %d records", p.Preset, len(recs))
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
	}
}

// checkSheetAsTyped reads an XLSX export back with excelize and checks it holds the header and,
// for each lead the preset may hold, exactly the cells the CSV writer builds before neutralising
// them, each an inline string formatted as text. It returns the open workbook.
func checkSheetAsTyped(t testing.TB, p Preset, o Options, b []byte, leads []Lead) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: open: %v", p, err)
	}
	t.Cleanup(func() { _ = f.Close() })
	rows, err := f.GetRows(SheetName, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	eligible := slices.DeleteFunc(slices.Clone(leads), func(l Lead) bool { return Eligible(p, &l) != Included })
	if len(rows) != len(eligible)+1 {
		t.Fatalf("%s: %d rows, want a header and %d", p, len(rows), len(eligible))
	}
	w := NewWriter(io.Discard, p, o)
	w.row.header(p)
	var header []string
	for c := range w.row.ends {
		header = append(header, string(w.row.cellBytes(c)))
	}
	if !slices.Equal(rows[0], header) || !slices.Equal(rows[0][:len(Header(p))], Header(p)) {
		t.Errorf("%s header %q, want %q", p, rows[0], header)
	}
	for r := 1; r < len(rows); r++ {
		w.row.build(p, &eligible[r-1])
		for c := range w.row.ends {
			want := string(w.row.cellBytes(c))
			got := ""
			if c < len(rows[r]) {
				got = rows[r][c]
			}
			if got != want {
				t.Fatalf("%s row %d col %d = %q, want %q", p, r, c, got, want)
			}
			if want == "" {
				continue
			}
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if typ, _ := f.GetCellType(SheetName, ref); typ != excelize.CellTypeInlineString {
				t.Errorf("%s %s is of type %v", p, ref, typ)
			}
			style, _ := f.GetCellStyle(SheetName, ref)
			if s, _ := f.GetStyle(style); s == nil || s.NumFmt != textFormat {
				t.Errorf("%s %s is not formatted as text", p, ref)
			}
		}
	}
	return f
}

// TestXLSXHeapStaysFlat writes 50,000 rows and checks the heap stays bounded however many rows
// there are: while rows are written (excelize keeps at most its 16 MiB chunk in memory, then
// spills to a temporary file) and while the zip is written out (straight to the writer, not
// assembled in memory first). It also checks the temporary files are gone.
func TestXLSXHeapStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 50,000 rows")
	}
	leads := fixtures()
	runtime.GC()
	base := heapObjects()
	out := &heapWatch{}
	w := NewXLSXWriter(out, Generic, Options{})
	for i := range 50_000 {
		if err := w.Write(leads[i%len(leads)]); err != nil {
			t.Fatal(err)
		}
		if i%2_000 == 0 {
			out.sample()
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if grown := out.peak - min(out.peak, base); grown > 64<<20 {
		t.Errorf("the heap grew by %d MiB over 50,000 rows (objects, collected or not)", grown>>20)
	}
	if out.n < 1<<20 || w.Rows() != 50_000 || out.writes < 10 {
		t.Errorf("wrote %d bytes in %d writes, %d rows", out.n, out.writes, w.Rows())
	}
	if tmp, _ := filepath.Glob(filepath.Join(os.TempDir(), "excelize-*")); len(tmp) > 0 {
		for _, name := range tmp {
			if fi, err := os.Stat(name); err == nil && fi.ModTime().After(startTime) {
				t.Errorf("temporary file left behind: %s", name)
			}
		}
	}
}

// heapWatch counts what is written to it and samples the heap every 16 writes.
type heapWatch struct {
	n      int
	writes int
	peak   uint64
}

func (h *heapWatch) Write(p []byte) (int, error) {
	h.n += len(p)
	if h.writes++; h.writes%16 == 0 {
		h.sample()
	}
	return len(p), nil
}

func (h *heapWatch) sample() { h.peak = max(h.peak, heapObjects()) }

// heapObjects is the bytes of heap objects now, live or not yet collected.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
