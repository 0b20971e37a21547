package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/export"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
)

// leadsPageSize is how many leads one page of the table shows.
const leadsPageSize = 50

// leadsTable is the recruiters' leads table: the filter from the query string, the counts, one
// keyset page and the export links for exactly that filter. An invalid filter shows the form
// with its errors (422) and no table, so nobody exports a filter they did not mean.
func (s *Server) leadsTable(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	q := c.QueryParams()
	f, err := models.ParseLeadFilter(q, ev)
	in := pages.LeadsInput{Event: ev, Filter: f, Presets: exportPresets()}
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		in.Errors = ve.Fields
	case err != nil:
		return err
	}
	if in.Staff, err = s.store.StaffOptions(ctx); err != nil {
		return err
	}
	if in.Questions, err = s.store.Questions(ctx, ev.ID); err != nil {
		return err
	}
	status := http.StatusOK
	if in.Errors != nil {
		status = http.StatusUnprocessableEntity
	} else {
		pr := models.PageRequest{After: q.Get("after"), Before: q.Get("before"), Size: leadsPageSize}
		in.Paged = pr.After != "" || pr.Before != ""
		in.Page, err = s.store.LeadsTable(ctx, ev.ID, f, pr)
		if errors.Is(err, models.ErrNotFound) {
			return echo.NewHTTPError(http.StatusBadRequest, "This page link is not valid any more. Open the leads table again.")
		}
		if err != nil {
			return err
		}
		if in.Counts, err = s.store.CountLeadsFiltered(ctx, ev.ID, f); err != nil {
			return err
		}
		if in.Outreach, err = s.outreach(ctx, ev, f, currentUser(c).Can(models.RoleAdmin)); err != nil {
			return err
		}
	}
	return render(c, status, pages.LeadsPage(s.eventChrome(c, ev, "Leads — "+ev.Name, "leads"), pages.NewLeadsVM(in)))
}

// exportPresets lists the CSV layouts for the leads page, generic first.
func exportPresets() []pages.ExportPreset {
	ps := export.Presets()
	out := make([]pages.ExportPreset, 0, len(ps))
	for _, p := range ps {
		out = append(out, pages.ExportPreset{Name: string(p.Preset), Label: p.Label})
	}
	return out
}
