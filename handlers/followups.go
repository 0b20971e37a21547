package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/mail"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/outbox"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// followUpFilter reads the leads filter a follow-up page or form carries (query or form).
func followUpFilter(c echo.Context, ev models.Event) (models.LeadFilter, error) {
	vals := c.QueryParams()
	if c.Request().Method == http.MethodPost {
		form, err := c.FormParams()
		if err != nil {
			return models.LeadFilter{}, echo.NewHTTPError(http.StatusBadRequest, "Could not read the form.")
		}
		vals = form
	}
	f, err := models.ParseLeadFilter(vals, ev)
	if err != nil {
		return f, echo.NewHTTPError(http.StatusBadRequest, "This filter is not valid. Open the leads table and choose the leads again.")
	}
	return f, nil
}

// followUpHref is the follow-up page with a template chosen (0: a new one) and the filter.
func followUpHref(ev models.Event, f models.LeadFilter, templateID int64) string {
	q := f.Values()
	if templateID != 0 {
		q.Set("template", strconv.FormatInt(templateID, 10))
	} else {
		q.Set("new", "1")
	}
	return paths.FollowUps(ev.Slug, q)
}

// filterWords says in words which leads a filter selects (never the free text itself).
func filterWords(f models.LeadFilter) string {
	if !f.Active() {
		return "every lead"
	}
	var parts []string
	if len(f.Ratings) > 0 {
		parts = append(parts, strings.Join(f.Ratings, " or "))
	}
	for _, p := range []string{f.Interest, f.Source} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if f.Staff != "" {
		parts = append(parts, "one staff member's")
	}
	if f.TalentPool != "" {
		parts = append(parts, "talent pool: "+f.TalentPool)
	}
	if !f.From.IsZero() || !f.To.IsZero() {
		parts = append(parts, "a time range")
	}
	if f.Q != "" {
		parts = append(parts, "a text search")
	}
	return "this filter (" + strings.Join(parts, ", ") + ")"
}

// followUps is the event's follow-up page: templates, the editor, a preview, a test send and
// the send to the filtered leads.
func (s *Server) followUps(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	f, err := followUpFilter(c, ev)
	if err != nil {
		return err
	}
	var chosen *models.FollowUpTemplate
	if id, err := strconv.ParseInt(c.QueryParam("template"), 10, 64); err == nil {
		t, err := s.store.FollowUpTemplateByID(c.Request().Context(), ev.ID, id)
		if errors.Is(err, models.ErrNotFound) {
			return echo.NewHTTPError(http.StatusNotFound, "There is no such template for this event.")
		}
		if err != nil {
			return err
		}
		chosen = &t
	}
	return s.followUpPage(c, ev, f, chosen, nil, http.StatusOK, "")
}

// followUpPage renders the page; form, when set, is what was typed into the editor.
func (s *Server) followUpPage(c echo.Context, ev models.Event, f models.LeadFilter, chosen *models.FollowUpTemplate,
	form *pages.FollowUpFormVM, status int, sendErr string) error {
	ctx := c.Request().Context()
	ts, err := s.store.FollowUpTemplates(ctx, ev.ID)
	if err != nil {
		return err
	}
	if chosen == nil && form == nil && len(ts) > 0 && c.QueryParam("new") == "" {
		chosen = &ts[0]
	}
	vm := pages.FollowUpVM{Slug: ev.Slug, EventName: ev.Name, Filter: f.Values(), FilterText: filterWords(f),
		NewHref: followUpHref(ev, f, 0), PerMinute: s.ints.FollowUpsPerMinute, MailOn: s.mailOn(), SendError: sendErr}
	vm.LeadsHref = paths.Leads(ev.Slug)
	if q := f.Values().Encode(); q != "" {
		vm.LeadsHref += "?" + q
	}
	for _, t := range ts {
		vm.Templates = append(vm.Templates, pages.FollowUpTemplateRow{Name: t.Name, Href: followUpHref(ev, f, t.ID),
			Current: chosen != nil && chosen.ID == t.ID})
	}
	if vm.Stats, err = s.store.EventFollowUpStats(ctx, ev.ID); err != nil {
		return err
	}
	switch {
	case form != nil:
		vm.Form = *form
	case chosen != nil:
		vm.Form = pages.FollowUpFormVM{ID: chosen.ID, Name: chosen.Name, Subject: chosen.Subject, Body: chosen.Body}
	default:
		vm.Form = pages.FollowUpFormVM{Subject: "Great to meet you at {{event}}",
			Body: "Hello {{first_name}},\n\nthank you for stopping by {{our_company}}'s booth at {{event}}. It was great talking to you, {{staff}} says hello.\n\n{{follow_up}}\n\nBest wishes,\n{{staff}}"}
	}
	if chosen != nil && form == nil {
		vals := models.SampleValues(ev, currentUser(c).Name)
		msg, err := mail.FollowUpMessage("preview", mail.FollowUp{L: s.i18n.For(i18n.Default), To: "preview@example.com",
			Subject: models.RenderFollowUp(chosen.Subject, vals), Body: models.RenderFollowUp(chosen.Body, vals),
			Company: ev.Company, Event: ev.Name, UnsubscribeURL: s.baseURL + paths.Unsubscribe(outbox.TestUnsubscribeToken)})
		if err != nil {
			return err
		}
		vm.Preview = &pages.FollowUpPreviewVM{Subject: msg.Subject, Body: msg.Text}
		if vm.Counts, err = s.store.CountFollowUp(ctx, ev.ID, chosen.ID, f); err != nil {
			return err
		}
	}
	return render(c, status, pages.FollowUpPage(s.eventChrome(c, ev, "Follow-up — "+ev.Name, "leads"), vm))
}

// followUpSave creates or updates a template; errors show next to their fields.
func (s *Server) followUpSave(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	f, err := followUpFilter(c, ev)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.FormValue("id"), 10, 64)
	in := models.FollowUpTemplate{ID: id, EventID: ev.ID, Name: c.FormValue("name"), Subject: c.FormValue("subject"), Body: c.FormValue("body")}
	t, err := s.store.SaveFollowUpTemplate(c.Request().Context(), currentUser(c).ID, in)
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		form := pages.FollowUpFormVM{ID: id, Name: in.Name, Subject: in.Subject, Body: in.Body, Errors: ve.Fields}
		return s.followUpPage(c, ev, f, nil, &form, http.StatusUnprocessableEntity, "")
	case errors.Is(err, models.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "There is no such template for this event.")
	case err != nil:
		return err
	}
	s.flash(c, "Template saved. Check the preview, send yourself a test, then send it.")
	return seeOther(c, followUpHref(ev, f, t.ID))
}

func (s *Server) followUpTemplate(c echo.Context, ev models.Event) (models.FollowUpTemplate, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return models.FollowUpTemplate{}, echo.NewHTTPError(http.StatusNotFound, "There is no such template for this event.")
	}
	t, err := s.store.FollowUpTemplateByID(c.Request().Context(), ev.ID, id)
	if errors.Is(err, models.ErrNotFound) {
		return t, echo.NewHTTPError(http.StatusNotFound, "There is no such template for this event.")
	}
	return t, err
}

// followUpTest mails the template, with sample values, to the signed-in staff member.
func (s *Server) followUpTest(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	f, err := followUpFilter(c, ev)
	if err != nil {
		return err
	}
	t, err := s.followUpTemplate(c, ev)
	if err != nil {
		return err
	}
	if err := s.store.QueueFollowUpTest(c.Request().Context(), currentUser(c).ID, t); err != nil {
		return err
	}
	s.nudgeMail()
	s.flash(c, "A test is on its way to "+currentUser(c).Email+".")
	return seeOther(c, followUpHref(ev, f, t.ID))
}

// followUpSend queues the template for the filtered leads that may be mailed, spaced out.
func (s *Server) followUpSend(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	f, err := followUpFilter(c, ev)
	if err != nil {
		return err
	}
	t, err := s.followUpTemplate(c, ev)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		return s.followUpPage(c, ev, f, &t, nil, http.StatusUnprocessableEntity, "Tick the box to confirm you checked the preview.")
	}
	n, err := s.store.QueueFollowUps(c.Request().Context(), currentUser(c).ID, ev, t.ID, f, s.ints.FollowUpsPerMinute)
	if err != nil {
		return err
	}
	s.nudgeMail()
	s.flash(c, plural(n, "follow-up", "follow-ups")+" queued; they go out at "+strconv.Itoa(s.ints.FollowUpsPerMinute)+" a minute.")
	return seeOther(c, followUpHref(ev, f, t.ID))
}
