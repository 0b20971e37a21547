package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/export"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
)

// leadsPageSize is how many leads one page of the table shows.
const leadsPageSize = 50

// leadsTable is the recruiters' leads table: the filter from the query string, the counts, one
// keyset page, the saved views and the export and bulk menus for exactly that filter. An invalid
// filter shows the form with its errors (422) and no table, so nobody exports a filter they did
// not mean. An htmx request from the page (a filter change, a chip, a column, a page) gets only
// the results back.
func (s *Server) leadsTable(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	return s.renderLeads(c, ev, c.QueryParams(), pages.LeadsInput{})
}

// renderLeads renders the leads table of ev for the query q; in carries what a failed form (a
// saved view, a bulk tag) typed and its error. The status is 422 when anything is invalid.
func (s *Server) renderLeads(c echo.Context, ev models.Event, q url.Values, in pages.LeadsInput) error {
	ctx := c.Request().Context()
	f, err := models.ParseLeadFilter(q, ev)
	in.Event, in.Filter, in.CSRF = ev, f, csrfToken(c)
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
	if in.Tags, err = s.store.TagsInUse(ctx, ev.ID); err != nil {
		return err
	}
	if in.Views, err = s.store.SavedViews(ctx, ev.ID, currentUser(c).ID); err != nil {
		return err
	}
	if in.Questions, err = s.store.Questions(ctx, ev.ID); err != nil {
		return err
	}
	status := http.StatusOK
	if in.Errors != nil || in.ViewErr != "" || in.BulkErr != "" {
		status = http.StatusUnprocessableEntity
	}
	if in.Errors == nil {
		pr := models.PageRequest{After: q.Get("after"), Before: q.Get("before"), Size: leadsPageSize}
		if pos, err := strconv.ParseInt(q.Get("pos"), 10, 64); err == nil && pos > 0 {
			pr.Pos = pos
		}
		in.Paged, in.PageSize = pr.After != "" || pr.Before != "", leadsPageSize
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
	in.Presets = exportPresets(in.Counts)
	vm := pages.NewLeadsVM(in)
	c.Response().Header().Add("Vary", "HX-Request")
	if h := c.Request().Header; h.Get("HX-Request") == "true" && h.Get("HX-Target") == "leads-results" &&
		h.Get("HX-History-Restore-Request") != "true" {
		// The pushed URL is the canonical filter, not the form's every empty field.
		if in.Errors == nil {
			v := f.Values()
			for _, k := range []string{"after", "before", "pos"} {
				if q.Get(k) != "" {
					v.Set(k, q.Get(k))
				}
			}
			c.Response().Header().Set("HX-Push-Url", pages.LeadsHref(ev.Slug, v))
		}
		return render(c, status, pages.LeadsFragment(vm, h.Get("HX-Trigger") != "lead-filter"))
	}
	return render(c, status, pages.LeadsPage(s.eventChrome(c, ev, "Leads — "+ev.Name, "leads"), vm))
}

// exportPresets lists the export layouts for the leads page, generic first, each ATS one with
// what it leaves out of the current filter.
func exportPresets(counts models.LeadCounts) []pages.ExportPreset {
	lo := export.LeftOut{NoEmail: int(counts.NoEmail), NoName: int(counts.NoName),
		NoContactConsent: int(counts.NoContactConsent)}
	var out []pages.ExportPreset
	for _, p := range export.Presets() {
		ep := pages.ExportPreset{Name: string(p.Preset), Label: p.Label, ATS: p.Preset.ForATS()}
		if ep.ATS && lo.Total() > 0 {
			ep.LeftOut = strconv.Itoa(lo.Total()) + " left out: " + lo.Reasons() + "."
		}
		out = append(out, ep)
	}
	return out
}

// csrfToken is this request's CSRF token, for forms rendered outside the layout.
func csrfToken(c echo.Context) string {
	tok, _ := c.Get("csrf").(string)
	return tok
}
