package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/export"
	"github.com/boothlead/boothlead/models"
)

// ExportJob is one export: the event, exactly which leads (the leads table's filter, which
// also gives the order), the layout and file format, and who asked.
type ExportJob struct {
	Event   models.Event
	Filter  models.LeadFilter
	Preset  export.Preset
	Format  export.Format // CSV when empty
	BOM     bool          // CSV only
	ActorID int64         // the signed-in staff member; 0 for the CLI
	Via     string        // "web" or "cli", for the audit log
}

// ExportResult is what an export wrote: its rows, and the leads an ATS preset left out.
type ExportResult struct {
	Rows    int
	LeftOut export.LeftOut
}

// Export channels, as the audit log records them.
const (
	ExportViaWeb = "web"
	ExportViaCLI = "cli"
)

// WriteExport streams the job's leads from the database into w as CSV or XLSX, one batch at a
// time: each batch is read (models.Store.ExportLeads), encoded (export.Writer or
// export.XLSXWriter, which leave out and count what an ATS preset may not hold) and flushed
// (flush may be nil), so memory stays flat however many leads there are. The web export and
// `boothlead export` both run it. Whatever happens it then writes one audit row (who, event,
// preset, format, filter, rows, how many were left out, whether it completed; never personal
// data) and returns what it wrote.
//
// The batch loop lives here rather than in models because models may not import the export
// package (models depends on gorm and the standard library only), and the mapping from stored
// rows to export rows is exactly the kind of glue handlers hold: models yields batches through a
// callback, this function turns them into CSV or XLSX.
func WriteExport(ctx context.Context, store *models.Store, job ExportJob, w io.Writer, flush func()) (ExportResult, error) {
	if job.Format == "" {
		job.Format = export.CSV
	}
	qs, err := exportQuestions(ctx, store, job)
	if err != nil {
		return ExportResult{}, err
	}
	cw := export.NewRowWriter(w, job.Format, job.Preset,
		export.Options{BOM: job.BOM, Location: job.Event.Location(), Columns: questionColumns(qs)})
	var lead export.Lead // reused: the Writer keeps nothing of a lead after Write
	err = store.ExportLeads(ctx, job.Event.ID, job.Filter, models.DefaultExportBatch, func(batch []models.ExportLead) error {
		for i := range batch {
			exportLead(&lead, &batch[i], job.Event)
			lead.Extra = answerCells(lead.Extra[:0], qs, batch[i].Answers)
			if err := cw.Write(lead); err != nil {
				return err
			}
		}
		if err := cw.Flush(); err != nil {
			return err
		}
		if flush != nil {
			flush()
		}
		return nil
	})
	if err == nil {
		err = cw.Close() // the header row of an export with no rows
		if flush != nil {
			flush()
		}
	}
	res := ExportResult{Rows: cw.Rows(), LeftOut: cw.LeftOut()}
	details := map[string]any{"preset": string(job.Preset), "format": string(job.Format),
		"filter": job.Filter.AuditDetails(), "rows": res.Rows, "via": job.Via, "bom": job.BOM, "complete": err == nil}
	if lo := res.LeftOut; lo.Total() > 0 {
		details["left_out"] = map[string]int{"no_email": lo.NoEmail, "no_name": lo.NoName,
			"no_contact_consent": lo.NoContactConsent}
	}
	// The audit row is written even when the client went away mid-download.
	aerr := store.Audit(context.WithoutCancel(ctx), job.ActorID, "export", job.Event.ID, "", details)
	return res, errors.Join(err, aerr)
}

// exportQuestions are the event's custom questions an export has a column for: every one in the
// generic preset (header: the question's label), none in the ATS presets, whose import templates
// have no place for them.
func exportQuestions(ctx context.Context, store *models.Store, job ExportJob) ([]models.Question, error) {
	if job.Preset != export.Generic {
		return nil, nil
	}
	return store.Questions(ctx, job.Event.ID)
}

func questionColumns(qs []models.Question) []string {
	out := make([]string, 0, len(qs))
	for _, q := range qs {
		out = append(out, q.Label)
	}
	return out
}

// answerCells appends one cell per question: the answer as stored (options as written, several
// joined with "; "), "" for none.
func answerCells(dst []string, qs []models.Question, a models.Answers) []string {
	for _, q := range qs {
		dst = append(dst, a.Text(q.Key))
	}
	return dst
}

// exportLead fills dst from a stored lead, reusing dst's slices.
func exportLead(dst *export.Lead, src *models.ExportLead, ev models.Event) {
	cons, convs, extra := dst.Consents[:0], dst.Conversations[:0], dst.Extra[:0]
	*dst = export.Lead{
		ID: src.ID, EventName: ev.Name, EventSlug: ev.Slug,
		Name: src.Name, Email: src.Email, Phone: src.Phone, Company: src.Company, Title: src.Title,
		LinkedIn: src.LinkedIn, GitHub: src.GitHub, CVURL: src.CVURL, Message: src.Message,
		Interests: src.Interests, Tags: src.Tags, Source: src.Source, BadgeCode: src.BadgeCode, VisitCount: src.VisitCount,
		FirstSeen: src.FirstSeenAt, LastSeen: src.LastSeenAt, Rating: src.Rating,
	}
	for _, k := range src.Consents {
		cons = append(cons, export.Consent{Purpose: k.Purpose, Granted: k.Granted, TextVersion: k.TextVersion,
			TextHash: k.TextSHA256, CapturedBy: k.CapturedBy, At: k.At, WithdrawnAt: k.WithdrawnAt})
	}
	for _, c := range src.Conversations {
		convs = append(convs, export.Conversation{Staff: c.StaffName, At: c.At, Rating: c.Rating, Notes: c.Notes,
			FollowUp: c.FollowUp})
		if c.FollowUp != "" {
			dst.FollowUp = c.FollowUp // the latest follow-up anyone noted (conversations are oldest first)
		}
	}
	dst.Consents, dst.Conversations, dst.Extra = cons, convs, extra
}

// exportCSV downloads the leads of the current filter (the query string of the leads table, plus
// preset and bom) as CSV, streamed from the database.
func (s *Server) exportCSV(c echo.Context) error { return s.exportFile(c, export.CSV) }

// exportXLSX downloads the leads of the current filter as an XLSX workbook.
func (s *Server) exportXLSX(c echo.Context) error { return s.exportFile(c, export.XLSX) }

// exportFile serves one export in format f.
func (s *Server) exportFile(c echo.Context, f export.Format) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	filter, err := models.ParseLeadFilter(q, ev)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return echo.NewHTTPError(http.StatusBadRequest,
			"This export link holds a filter that is not valid. Open the leads table, check the filter and export again.")
	}
	if err != nil {
		return err
	}
	preset, err := export.ParsePreset(q.Get("preset"))
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "Unknown export format: choose generic, greenhouse or lever.")
	}
	bom := q.Get("bom") == "1" && f == export.CSV
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, f.ContentType())
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+
		export.Filename(ev.Slug, preset, f, bom, time.Now().In(ev.Location()))+`"`)
	h.Set("Cache-Control", "no-store")
	s.metrics.exports.Inc()
	job := ExportJob{Event: ev, Filter: filter, Preset: preset, Format: f, BOM: bom, ActorID: currentUser(c).ID, Via: ExportViaWeb}
	_, err = WriteExport(c.Request().Context(), s.store, job, c.Response(), c.Response().Flush)
	if err != nil && !c.Response().Committed {
		// Nothing was sent yet: the error page must not arrive as a download.
		h.Del(echo.HeaderContentDisposition)
		h.Del(echo.HeaderContentType)
	}
	return err
}
