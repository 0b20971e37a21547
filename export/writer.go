package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"time"
)

// maxScratch is the largest row buffer a Writer keeps between rows.
const maxScratch = 64 << 10

// bom is the UTF-8 byte order mark Excel looks for.
const bom = "\xEF\xBB\xBF"

// Writer writes one preset's CSV: the optional BOM and the header row on the first Write
// (or on Flush/Close if there are no rows), then one record per Write. Output is RFC 4180
// with CRLF record endings, UTF-8, and every cell passed through [Sanitize] (neutralised
// against formula injection, then cleaned of control characters) before encoding/csv
// quotes it.
//
// Each Write encodes its row straight into the csv.Writer's 4 KiB buffer and keeps
// nothing of the Lead, so memory stays flat: call Write per lead and Flush after each
// batch (the buffer also drains to the underlying writer whenever it fills). A Writer is
// not safe for concurrent use. After an error every later call returns the same error.
type Writer struct {
	bw      *bufio.Writer
	csv     *csv.Writer
	preset  Preset
	loc     *time.Location
	bom     bool
	columns []string // extra columns after the preset's own

	started bool // BOM and header written
	rows    int
	err     error

	// Per-row scratch space, reused so a row costs one allocation (the string all of
	// its cells are sliced from).
	raw    []byte    // the cell being built, before sanitizing
	out    []byte    // the row's rewritten cells, back to back
	cells  []cellRef // where each cell of the row is
	record []string  // cells handed to csv.Writer.Write
}

// NewWriter returns a Writer that writes preset p to w. Nothing is written until the first
// Write, Flush or Close. An unknown preset is reported by the first of those calls.
func NewWriter(w io.Writer, p Preset, o Options) *Writer {
	// csv.NewWriter reuses a *bufio.Writer it is given, so the BOM and the rows share one
	// buffer and reach w in order.
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	n := len(headers[p]) + len(o.Columns)
	return &Writer{
		bw: bw, csv: cw, preset: p, loc: loc, bom: o.BOM, columns: append([]string(nil), o.Columns...),
		cells: make([]cellRef, 0, n), record: make([]string, n),
	}
}

// Write writes one lead as one record, after the BOM and header if this is the first call.
// The error, if any, wraps the underlying writer's error.
func (w *Writer) Write(l Lead) error {
	if err := w.start(); err != nil {
		return err
	}
	w.out, w.cells = w.out[:0], w.cells[:0]
	switch w.preset {
	case Generic:
		w.generic(&l)
	case Greenhouse:
		w.greenhouse(&l)
	case Lever:
		w.lever(&l)
	}
	w.extra(&l)
	w.encode()
	if err := w.csv.Write(w.record); err != nil {
		w.err = fmt.Errorf("export: write row %d: %w", w.rows+1, err)
		return w.err
	}
	clear(w.record) // let the row's string go
	if cap(w.out) > maxScratch || cap(w.raw) > maxScratch {
		w.out, w.raw = nil, nil // one huge lead must not pin its buffers for the whole export
	}
	w.rows++
	return nil
}

// Flush writes the BOM and header if nothing was written yet, then flushes the
// csv.Writer to the underlying writer and returns its error, if any.
func (w *Writer) Flush() error {
	if err := w.start(); err != nil {
		return err
	}
	w.csv.Flush()
	if err := w.csv.Error(); err != nil {
		w.err = fmt.Errorf("export: flush: %w", err)
		return w.err
	}
	return nil
}

// Close is Flush for the end of an export: it guarantees the header row of an export
// with no rows. It does not close the underlying writer.
func (w *Writer) Close() error {
	return w.Flush()
}

// Rows returns the number of data rows written so far (the header not counted).
func (w *Writer) Rows() int {
	return w.rows
}

// Preset returns the preset the Writer writes.
func (w *Writer) Preset() Preset {
	return w.preset
}

// start writes the BOM and the header row once.
func (w *Writer) start() error {
	if w.err != nil || w.started {
		return w.err
	}
	h, ok := headers[w.preset]
	if !ok {
		w.err = fmt.Errorf("%w %q", ErrUnknownPreset, w.preset)
		return w.err
	}
	w.started = true
	if w.bom {
		if _, err := w.bw.WriteString(bom); err != nil {
			w.err = fmt.Errorf("export: write bom: %w", err)
			return w.err
		}
	}
	w.out, w.cells = w.out[:0], w.cells[:0]
	for _, name := range h {
		w.text(name)
	}
	for _, name := range w.columns {
		w.text(name)
	}
	w.encode()
	if err := w.csv.Write(w.record); err != nil {
		w.err = fmt.Errorf("export: write header: %w", err)
		return w.err
	}
	clear(w.record)
	return nil
}

// cellRef locates one cell of a row: a string used as is, or the end offset of a cell
// rewritten into out.
type cellRef struct {
	s   string
	end int // -1 for s
}

// encode fills record from cells, with a single string allocation for the rewritten ones.
func (w *Writer) encode() {
	s := ""
	if len(w.out) > 0 {
		s = string(w.out)
	}
	start := 0
	for i, c := range w.cells {
		if c.end < 0 {
			w.record[i] = c.s
			continue
		}
		w.record[i] = s[start:c.end]
		start = c.end
	}
}

// text adds a cell holding s, used as is when sanitizing would not change it.
func (w *Writer) text(s string) {
	if !needsPrefix(s) && isClean(s) {
		w.cells = append(w.cells, cellRef{s: s, end: -1})
		return
	}
	w.raw = append(w.raw[:0], s...)
	w.cell()
}

// cell adds the cell built in raw.
func (w *Writer) cell() {
	w.out = appendCell(w.out, w.raw)
	w.cells = append(w.cells, cellRef{end: len(w.out)})
}
