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

// ExportJob is one CSV export: the event, exactly which leads (the leads table's filter, which
// also gives the order), the layout, and who asked.
type ExportJob struct {
	Event   models.Event
	Filter  models.LeadFilter
	Preset  export.Preset
	BOM     bool
	ActorID int64  // the signed-in staff member; 0 for the CLI
	Via     string // "web" or "cli", for the audit log
}

// Export channels, as the audit log records them.
const (
	ExportViaWeb = "web"
	ExportViaCLI = "cli"
)

// WriteExport streams the job's leads from the database into w as CSV, one batch at a time:
// each batch is read (models.Store.ExportLeads), encoded (export.Writer) and flushed (flush may
// be nil), so memory stays flat however many leads there are. The web export and `boothlead
// export` both run it. Whatever happens it then writes one audit row (who, event, preset,
// filter, rows, whether it completed; never personal data) and returns the rows written.
//
// The batch loop lives here rather than in models because models may not import the export
// package (models depends on gorm and the standard library only), and the mapping from stored
// rows to export rows is exactly the kind of glue handlers hold: models yields batches through a
// callback, this function turns them into CSV.
func WriteExport(ctx context.Context, store *models.Store, job ExportJob, w io.Writer, flush func()) (int, error) {
	cw := export.NewWriter(w, job.Preset, export.Options{BOM: job.BOM, Location: job.Event.Location()})
	var lead export.Lead // reused: the Writer keeps nothing of a lead after Write
	err := store.ExportLeads(ctx, job.Event.ID, job.Filter, models.DefaultExportBatch, func(batch []models.ExportLead) error {
		for i := range batch {
			exportLead(&lead, &batch[i], job.Event)
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
	details := map[string]any{"preset": string(job.Preset), "filter": job.Filter.AuditDetails(), "rows": cw.Rows(),
		"via": job.Via, "bom": job.BOM, "complete": err == nil}
	// The audit row is written even when the client went away mid-download.
	aerr := store.Audit(context.WithoutCancel(ctx), job.ActorID, "export", job.Event.ID, "", details)
	return cw.Rows(), errors.Join(err, aerr)
}

// exportLead fills dst from a stored lead, reusing dst's slices.
func exportLead(dst *export.Lead, src *models.ExportLead, ev models.Event) {
	cons, convs := dst.Consents[:0], dst.Conversations[:0]
	*dst = export.Lead{
		ID: src.ID, EventName: ev.Name, EventSlug: ev.Slug,
		Name: src.Name, Email: src.Email, Phone: src.Phone, Company: src.Company, Title: src.Title,
		LinkedIn: src.LinkedIn, GitHub: src.GitHub, CVURL: src.CVURL, Message: src.Message,
		Interests: src.Interests, Source: src.Source, BadgeCode: src.BadgeCode, VisitCount: src.VisitCount,
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
	dst.Consents, dst.Conversations = cons, convs
}

// exportCSV downloads the leads of the current filter (the query string of the leads table, plus
// preset and bom) as CSV, streamed from the database.
func (s *Server) exportCSV(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	f, err := models.ParseLeadFilter(q, ev)
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
	bom := q.Get("bom") == "1"
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, export.ContentType)
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+export.Filename(ev.Slug, preset, export.CSV, bom, time.Now().In(ev.Location()))+`"`)
	h.Set("Cache-Control", "no-store")
	s.metrics.exports.Inc()
	job := ExportJob{Event: ev, Filter: f, Preset: preset, BOM: bom, ActorID: currentUser(c).ID, Via: ExportViaWeb}
	_, err = WriteExport(c.Request().Context(), s.store, job, c.Response(), c.Response().Flush)
	if err != nil && !c.Response().Committed {
		// Nothing was sent yet: the error page must not arrive as a CSV attachment.
		h.Del(echo.HeaderContentDisposition)
		h.Del(echo.HeaderContentType)
	}
	return err
}
