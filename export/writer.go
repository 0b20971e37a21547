package export

import (
	"bufio"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"
)

// maxScratch is the largest row buffer a Writer keeps between rows.
const maxScratch = 64 << 10

// bom is the UTF-8 byte order mark Excel looks for.
const bom = "\xEF\xBB\xBF"

// RowWriter is what both file writers do: the export loop writes leads and flushes after each
// batch, without knowing the format.
type RowWriter interface {
	Write(l Lead) error
	Flush() error
	Close() error
	Rows() int
	LeftOut() LeftOut
}

// NewRowWriter returns the Writer of format f (CSV or XLSX) for preset p on w.
func NewRowWriter(w io.Writer, f Format, p Preset, o Options) RowWriter {
	if f == XLSX {
		return NewXLSXWriter(w, p, o)
	}
	return NewWriter(w, p, o)
}

// Writer writes one preset's CSV: the optional BOM and the header row on the first Write
// (or on Flush/Close if there are no rows), then one record per Write; the extra columns of
// [Options.Columns] end every row. Output is RFC 4180
// with CRLF record endings, UTF-8, every cell cleaned and neutralised ([Sanitize]) and quoted
// as the package comment says. An ATS preset skips the leads it may not hold and counts them
// ([Writer.LeftOut]).
//
// Each Write encodes its row straight into a 4 KiB buffer and keeps nothing of the Lead, so
// memory stays flat: call Write per lead and Flush after each batch (the buffer also drains to
// the underlying writer whenever it fills). A Writer is not safe for concurrent use. After an
// error every later call returns the same error.
type Writer struct {
	bw     *bufio.Writer
	preset Preset
	bom    bool

	started bool // BOM and header written
	rows    int
	leftOut LeftOut
	err     error

	row row
	pts []int // insert points of the cell being written
}

// NewWriter returns a Writer that writes preset p to w. Nothing is written until the first
// Write, Flush or Close. An unknown preset is reported by the first of those calls.
func NewWriter(w io.Writer, p Preset, o Options) *Writer {
	return &Writer{bw: bufio.NewWriter(w), preset: p, bom: o.BOM, row: newRow(p, o)}
}

// Write writes one lead as one record, after the BOM and header if this is the first call; a
// lead an ATS preset may not hold is counted in LeftOut instead. The error, if any, wraps the
// underlying writer's error.
func (w *Writer) Write(l Lead) error {
	if err := w.start(); err != nil {
		return err
	}
	if r := Eligible(w.preset, &l); r != Included {
		w.leftOut.Add(r)
		return nil
	}
	w.row.build(w.preset, &l)
	if err := w.writeRow(); err != nil {
		w.err = fmt.Errorf("export: write row %d: %w", w.rows+1, err)
		return w.err
	}
	if cap(w.row.out) > maxScratch || cap(w.row.raw) > maxScratch {
		w.row.out, w.row.raw = nil, nil // one huge lead must not pin its buffers for the whole export
	}
	w.rows++
	return nil
}

// Flush writes the BOM and header if nothing was written yet, then flushes the buffer to the
// underlying writer and returns its error, if any.
func (w *Writer) Flush() error {
	if err := w.start(); err != nil {
		return err
	}
	if err := w.bw.Flush(); err != nil {
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

// LeftOut returns the leads an ATS preset left out so far, by reason.
func (w *Writer) LeftOut() LeftOut {
	return w.leftOut
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
	if _, ok := headers[w.preset]; !ok {
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
	w.row.header(w.preset)
	if err := w.writeRow(); err != nil {
		w.err = fmt.Errorf("export: write header: %w", err)
	}
	return w.err
}

// writeRow writes the cells of w.row as one record ending in CRLF.
func (w *Writer) writeRow() error {
	for i := range w.row.ends {
		if i > 0 {
			if err := w.bw.WriteByte(','); err != nil {
				return err
			}
		}
		if err := w.writeField(w.row.cellBytes(i)); err != nil {
			return err
		}
	}
	_, err := w.bw.WriteString("\r\n")
	return err
}

// writeField writes one cleaned cell: neutralised (a ' before each formula start), and quoted
// when it must be, with quotes doubled and line breaks written as CRLF.
func (w *Writer) writeField(cell []byte) error {
	w.pts = insertPoints(cell, w.pts[:0])
	if !fieldNeedsQuotes(cell) {
		if len(w.pts) == 0 {
			_, err := w.bw.Write(cell)
			return err
		}
		_, err := w.bw.Write(insertQuotes(w.bw.AvailableBuffer(), cell, w.pts))
		return err
	}
	w.bw.WriteByte('"') //nolint:errcheck // a write error sticks in bw and the last write returns it
	run, k := 0, 0
	for i := 0; i < len(cell); i++ {
		c := cell[i]
		insert := k < len(w.pts) && w.pts[k] == i
		if !insert && c != '"' && c != '\n' {
			continue
		}
		w.bw.Write(cell[run:i]) //nolint:errcheck // see above
		if insert {
			w.bw.WriteByte('\'') //nolint:errcheck // see above
			k++
		}
		switch c {
		case '"':
			w.bw.WriteString(`""`) //nolint:errcheck // see above
		case '\n':
			w.bw.WriteString("\r\n") //nolint:errcheck // see above
		default:
			w.bw.WriteByte(c) //nolint:errcheck // see above
		}
		run = i + 1
	}
	w.bw.Write(cell[run:]) //nolint:errcheck // see above
	return w.bw.WriteByte('"')
}

// fieldNeedsQuotes reports whether a field must be quoted: it holds a separator any spreadsheet
// may use (comma, semicolon, TAB), a double quote or a line break, starts or ends with a space
// (which readers that trim would lose), or is `\.` (which some readers take as end of data).
func fieldNeedsQuotes(field []byte) bool {
	if len(field) == 0 {
		return false
	}
	if len(field) == 2 && field[0] == '\\' && field[1] == '.' {
		return true
	}
	for _, c := range field {
		switch c {
		case ',', ';', '\t', '"', '\n', '\r':
			return true
		}
	}
	r, _ := utf8.DecodeRune(field)
	if unicode.IsSpace(r) {
		return true
	}
	r, _ = utf8.DecodeLastRune(field)
	return unicode.IsSpace(r)
}
