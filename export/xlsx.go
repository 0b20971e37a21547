package export

import (
	"archive/zip"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// SheetName is the name of the one sheet of an XLSX export.
const SheetName = "Leads"

// textFormat is the built-in number format "@" (Text): the spreadsheet shows the cell as it is
// and keeps what is typed into it later as text.
const textFormat = 49

// XLSXWriter writes one preset as an XLSX workbook with one sheet, through excelize's
// StreamWriter: the preset's columns and then the extra ones of [Options.Columns], every cell an
// inline string in the Text format, the header row bold and frozen,
// columns sized by what they hold. Rows are written to excelize's buffer, which moves to a
// temporary file past 16 MiB, so memory stays flat; the workbook (a zip) is written straight to
// the underlying writer on Close (the sheet must be complete first), never held in memory. Like [Writer], an ATS
// preset skips the leads it may not hold and counts them. Not safe for concurrent use; after
// an error every later call returns it.
type XLSXWriter struct {
	w      io.Writer
	preset Preset

	f       *excelize.File
	sw      *excelize.StreamWriter
	styles  []int // style of each column's cells
	started bool
	closed  bool
	rows    int
	leftOut LeftOut
	err     error

	row  row
	vals []any
}

// NewXLSXWriter returns a writer of preset p as XLSX to w. Options.BOM does not apply.
func NewXLSXWriter(w io.Writer, p Preset, o Options) *XLSXWriter {
	r := newRow(p, o)
	return &XLSXWriter{w: w, preset: p, row: r, vals: make([]any, r.width(p))}
}

// Write adds one lead as one row (after the header row on the first call); a lead an ATS
// preset may not hold is counted in LeftOut instead.
func (x *XLSXWriter) Write(l Lead) error {
	if err := x.start(); err != nil {
		return err
	}
	if r := Eligible(x.preset, &l); r != Included {
		x.leftOut.Add(r)
		return nil
	}
	x.row.build(x.preset, &l)
	if err := x.setRow(false); err != nil {
		x.err = fmt.Errorf("export: xlsx row %d: %w", x.rows+1, err)
		return x.err
	}
	x.rows++
	return nil
}

// Flush starts the workbook if nothing was written yet and reports any error; the rows stay in
// excelize's buffer until Close.
func (x *XLSXWriter) Flush() error {
	return x.start()
}

// Close finishes the sheet, writes the workbook to the underlying writer and removes the
// temporary files. It does not close the underlying writer.
func (x *XLSXWriter) Close() error {
	if err := x.start(); err != nil {
		x.cleanup()
		return err
	}
	if x.closed {
		return x.err
	}
	x.closed = true
	defer x.cleanup()
	if err := x.sw.Flush(); err != nil {
		x.err = fmt.Errorf("export: xlsx flush: %w", err)
		return x.err
	}
	// excelize's WriteTo assembles the whole zip in a bytes.Buffer (for a zip64 fix-up that only
	// entries over 4 GiB need) before copying it out: memory that grows with the export. Its
	// SetZipWriter hook lets the zip go straight to the underlying writer instead; the buffer
	// then stays empty.
	x.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(x.w) })
	if _, err := x.f.WriteTo(x.w); err != nil {
		x.err = fmt.Errorf("export: write xlsx: %w", err)
		return x.err
	}
	return nil
}

// cleanup releases excelize's temporary files.
func (x *XLSXWriter) cleanup() {
	if x.f != nil {
		_ = x.f.Close()
	}
}

// Rows returns the number of data rows written so far (the header not counted).
func (x *XLSXWriter) Rows() int { return x.rows }

// LeftOut returns the leads an ATS preset left out so far, by reason.
func (x *XLSXWriter) LeftOut() LeftOut { return x.leftOut }

// start creates the workbook, its styles, column widths, frozen header row and the header once.
func (x *XLSXWriter) start() error {
	if x.err != nil || x.started {
		return x.err
	}
	h, ok := headers[x.preset]
	if !ok {
		x.err = fmt.Errorf("%w %q", ErrUnknownPreset, x.preset)
		return x.err
	}
	x.started = true
	if x.err = x.setup(h); x.err != nil {
		x.err = fmt.Errorf("export: xlsx: %w", x.err)
		x.cleanup()
		return x.err
	}
	x.row.header(x.preset)
	if err := x.setRow(true); err != nil {
		x.err = fmt.Errorf("export: xlsx header: %w", err)
		x.cleanup()
	}
	return x.err
}

// setup makes the workbook, the sheet and its column layout.
func (x *XLSXWriter) setup(h []string) error {
	x.f = excelize.NewFile()
	if err := x.f.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	top := &excelize.Alignment{Vertical: "top"}
	text, err := x.f.NewStyle(&excelize.Style{NumFmt: textFormat, Alignment: top})
	if err != nil {
		return err
	}
	wrap, err := x.f.NewStyle(&excelize.Style{NumFmt: textFormat,
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	head, err := x.f.NewStyle(&excelize.Style{NumFmt: textFormat, Font: &excelize.Font{Bold: true},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8ECF2"}},
		Border: []excelize.Border{{Type: "bottom", Color: "7F7F7F", Style: 1}}, Alignment: top})
	if err != nil {
		return err
	}
	if x.sw, err = x.f.NewStreamWriter(SheetName); err != nil {
		return err
	}
	x.styles = make([]int, len(h)+len(x.row.columns)+1) // [0] is the header's
	x.styles[0] = head
	for i, name := range slices.Concat(h, x.row.columns) {
		width, wrapped := columnLayout(name)
		if i >= len(h) {
			width, wrapped = extraLayout(name)
		}
		x.styles[i+1] = text
		if wrapped {
			x.styles[i+1] = wrap
		}
		if err := x.sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
		if err := x.sw.SetColStyle(i+1, i+1, x.styles[i+1]); err != nil {
			return err
		}
	}
	return x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
}

// setRow writes the cells of x.row as the next sheet row; empty cells are left out.
func (x *XLSXWriter) setRow(header bool) error {
	for i := range x.row.ends {
		b := x.row.cellBytes(i)
		if len(b) == 0 {
			x.vals[i] = nil
			continue
		}
		style := x.styles[i+1]
		if header {
			style = x.styles[0]
		}
		x.vals[i] = excelize.Cell{StyleID: style, Value: string(b)}
	}
	cell, err := excelize.CoordinatesToCellName(1, x.rows+2-boolInt(header))
	if err != nil {
		return err
	}
	err = x.sw.SetRow(cell, x.vals)
	clear(x.vals)
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// columnLayout is a column's width (in characters) and whether its cells wrap, from its header:
// long free text wraps in wide columns, addresses and links get room, dates fit exactly.
func columnLayout(header string) (float64, bool) {
	h := strings.ToLower(header)
	switch {
	case h == "notes" || h == "conversations" || h == "message" || strings.HasPrefix(h, "note-"):
		return 60, true
	case h == "badge code":
		return 28, true
	case strings.Contains(h, "email"):
		return 32, false
	case strings.Contains(h, "url") || h == "links" || h == "social media" || h == "website":
		return 36, false
	case h == "lead id":
		return 38, false
	case strings.Contains(h, "seen") || strings.Contains(h, "date") || strings.HasSuffix(h, " at"):
		return 19, false
	case strings.Contains(h, "name") || h == "company" || h == "title" || h == "event" ||
		h == "interests" || h == "tags" || h == "sources" || h == "source":
		return 24, false
	}
	return max(float64(len(header))+3, 12), false
}

// extraLayout is the width and wrapping of an extra column (an event's question): as wide as its
// label within 12–40 characters, wrapped, since answers can be free text.
func extraLayout(header string) (float64, bool) {
	return min(max(float64(utf8.RuneCountInString(header))+3, 12), 40), true
}
