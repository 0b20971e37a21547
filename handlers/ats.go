package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/ats"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

var atsProviders = []string{models.ATSGreenhouse, models.ATSLever}

// atsProviderVM is a provider's card with its labels and help, filled from conn when connected.
func atsProviderVM(provider string, conn *models.ATSConnection, counts map[string]int64) pages.ATSProviderVM {
	p := pages.ATSProviderVM{Provider: provider, Label: models.ATSProviderName(provider)}
	switch provider {
	case models.ATSGreenhouse:
		p.OnBehalfLabel, p.OnBehalfHint = "On-Behalf-Of user id", "The id of the Greenhouse user the prospects are created as (a number; Configure → Users, or GET /v1/users)."
		p.SourceLabel, p.SourceHint = "Source id", "Optional: the Greenhouse source to credit (a number from GET /v1/sources), e.g. your “Events” source."
		p.Docs = "https://developers.greenhouse.io/harvest.html#post-add-prospect"
	case models.ATSLever:
		p.OnBehalfLabel, p.OnBehalfHint = "perform_as user id", "The id of the Lever user the opportunities are created as (Settings → Integrations and API, or GET /v1/users)."
		p.SourceLabel, p.SourceHint = "Source", "Optional: the source name leads get, e.g. “EuroPython 2026 booth”. They are added with origin “sourced”."
		p.Docs = "https://hire.lever.co/developer/documentation#create-an-opportunity"
	}
	if conn != nil {
		p.Connected, p.KeyHint, p.OnBehalfOf, p.Source = true, conn.KeyHint, conn.OnBehalfOf, conn.Source
		p.Tags, p.AutoHot = strings.Join(conn.Tags, ", "), conn.AutoHot
	}
	p.Queued, p.Sent, p.Failed = counts["queued"]+counts["sending"], counts["sent"], counts["failed"]
	return p
}

// atsSettings is the event's ATS connections page (admin).
func (s *Server) atsSettings(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	return s.atsPage(c, ev, http.StatusOK, nil)
}

// atsPage renders the page; failed replaces one provider's card with what was typed.
func (s *Server) atsPage(c echo.Context, ev models.Event, status int, failed *pages.ATSProviderVM) error {
	ctx := c.Request().Context()
	conns, err := s.store.ATSConnections(ctx, ev.ID)
	if err != nil {
		return err
	}
	counts, err := s.store.ATSSyncCounts(ctx, ev.ID)
	if err != nil {
		return err
	}
	vm := pages.ATSVM{Slug: ev.Slug, SecretsOK: s.ints.Secrets.Enabled()}
	for _, provider := range atsProviders {
		var conn *models.ATSConnection
		for i := range conns {
			if conns[i].Provider == provider {
				conn = &conns[i]
			}
		}
		p := atsProviderVM(provider, conn, counts[provider])
		if failed != nil && failed.Provider == provider {
			failed.Connected, failed.KeyHint, failed.Sent, failed.Queued, failed.Failed = p.Connected, p.KeyHint, p.Sent, p.Queued, p.Failed
			p = *failed
		}
		vm.Providers = append(vm.Providers, p)
	}
	return render(c, status, pages.ATSPage(s.eventChrome(c, ev, "ATS — "+ev.Name, "leads"), vm))
}

func providerParam(c echo.Context) (string, error) {
	p := c.Param("provider")
	if p != models.ATSGreenhouse && p != models.ATSLever {
		return "", echo.NewHTTPError(http.StatusNotFound, "Boothlead connects to Greenhouse and Lever.")
	}
	return p, nil
}

// atsSave stores a connection; the API key only encrypted (refused without SECRET_KEY).
func (s *Server) atsSave(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	provider, err := providerParam(c)
	if err != nil {
		return err
	}
	key := strings.TrimSpace(c.FormValue("api_key"))
	in := models.ATSConnection{EventID: ev.ID, Provider: provider, OnBehalfOf: strings.TrimSpace(c.FormValue("on_behalf_of")),
		Source: strings.TrimSpace(c.FormValue("source")), Tags: models.ParseTags(c.FormValue("tags")), AutoHot: c.FormValue("auto_hot") == "on"}
	settings := ats.Settings{APIKey: key, OnBehalfOf: in.OnBehalfOf, Source: in.Source, Tags: in.Tags}
	errs := ats.CheckSettings(provider, settings)
	ctx := c.Request().Context()
	if _, err := s.store.ATSConnectionFor(ctx, ev.ID, provider); err == nil && key == "" {
		delete(errs, "api_key") // keep the stored key
	}
	if !s.ints.Secrets.Enabled() {
		errs["api_key"] = "SECRET_KEY is not set, so no API key can be stored: set it (at least 32 characters) and restart Boothlead."
	}
	if len(errs) > 0 {
		p := atsProviderVM(provider, &in, nil)
		p.Connected, p.Errors = false, errs
		return s.atsPage(c, ev, http.StatusUnprocessableEntity, &p)
	}
	if key != "" {
		if in.Credentials, err = s.ints.Secrets.Seal("ats", key); err != nil {
			return err
		}
		in.KeyHint = key[max(0, len(key)-4):]
	}
	_, queued, err := s.store.SaveATSConnection(ctx, currentUser(c).ID, in)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		p := atsProviderVM(provider, &in, nil)
		p.Connected, p.Errors = false, ve.Fields
		return s.atsPage(c, ev, http.StatusUnprocessableEntity, &p)
	}
	if err != nil {
		return err
	}
	msg := models.ATSProviderName(provider) + " connection saved."
	if queued > 0 {
		msg += " " + plural(queued, "hot lead is", "hot leads are") + " on the way."
		s.nudgeWork()
	}
	s.flash(c, msg)
	return seeOther(c, paths.ATS(ev.Slug))
}

// atsDelete disconnects an ATS.
func (s *Server) atsDelete(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	provider, err := providerParam(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteATSConnection(c.Request().Context(), currentUser(c).ID, ev.ID, provider); errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "This event is not connected to "+models.ATSProviderName(provider)+".")
	} else if err != nil {
		return err
	}
	s.flash(c, models.ATSProviderName(provider)+" disconnected.")
	return seeOther(c, paths.ATS(ev.Slug))
}

// atsPush queues the leads of the filter the form carries for provider (recruiter), then goes
// back to the same table.
func (s *Server) atsPush(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	provider, err := providerParam(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "Could not read the form.")
	}
	f, err := models.ParseLeadFilter(form, ev)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "This filter is not valid any more. Open the leads table again.")
	}
	n, err := s.store.QueueATSPush(c.Request().Context(), currentUser(c).ID, ev, f, provider)
	if errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "This event is not connected to "+models.ATSProviderName(provider)+".")
	}
	if err != nil {
		return err
	}
	s.nudgeWork()
	s.flash(c, plural(n, "lead", "leads")+" on the way to "+models.ATSProviderName(provider)+
		". Each lead's page shows when it arrived.")
	to := paths.Leads(ev.Slug)
	if q := f.Values().Encode(); q != "" {
		to += "?" + q
	}
	return seeOther(c, to)
}

// outreach builds the leads table's second bar for filter f: a "Send N leads" action per
// connected ATS and the follow-up link with how many leads may be mailed.
func (s *Server) outreach(ctx context.Context, ev models.Event, f models.LeadFilter, isAdmin bool) (pages.OutreachVM, error) {
	vm := pages.OutreachVM{Slug: ev.Slug, Filter: f.Values(), CanConnect: isAdmin, FollowUp: paths.FollowUps(ev.Slug, f.Values())}
	conns, err := s.store.ATSConnections(ctx, ev.ID)
	if err != nil {
		return vm, err
	}
	for _, conn := range conns {
		n, err := s.store.CountATSPush(ctx, ev.ID, f, conn.ID)
		if err != nil {
			return vm, err
		}
		vm.ATS = append(vm.ATS, pages.ATSSendVM{Provider: conn.Provider, Label: models.ATSProviderName(conn.Provider),
			ToSend: n.ToSend(), Done: n.Done, LeftOut: n.Matching - n.Eligible})
	}
	counts, err := s.store.CountFollowUp(ctx, ev.ID, 0, f)
	if err != nil {
		return vm, err
	}
	vm.Consented = counts.Consented
	return vm, nil
}

// leadATS describes a lead's pushes for its page.
func (s *Server) leadATS(ctx context.Context, ev models.Event, leadID string) ([]pages.ATSSyncVM, error) {
	syncs, err := s.store.LeadATSSyncs(ctx, leadID)
	if err != nil {
		return nil, err
	}
	var out []pages.ATSSyncVM
	for _, sy := range syncs {
		v := pages.ATSSyncVM{Provider: models.ATSProviderName(sy.Provider)}
		switch sy.State {
		case "sent":
			v.OK, v.State = true, "sent"
			if sy.SentAt != nil {
				v.Detail = when(ev, *sy.SentAt)
			}
			if sy.RemoteID != nil {
				v.Detail += " · id " + *sy.RemoteID
			}
		case "failed":
			v.Failed, v.State, v.Detail = true, "not sent", sy.LastError
		default:
			v.State = "on the way"
			if sy.LastError != "" {
				v.Detail = "retrying after: " + sy.LastError
			}
		}
		out = append(out, v)
	}
	return out, nil
}
