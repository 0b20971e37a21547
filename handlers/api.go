package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/api"
	"github.com/boothlead/boothlead/models"
)

// defaultAPIPage is how many leads one API page holds unless ?limit= says otherwise.
const defaultAPIPage = 100

// apiOpenAPI serves the OpenAPI document (no token needed: it holds no data).
func (s *Server) apiOpenAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, "application/json", api.OpenAPI)
}

// apiEvents lists the events.
func (s *Server) apiEvents(c echo.Context) error {
	evs, err := s.store.APIEvents(c.Request().Context())
	if err != nil {
		return err
	}
	out := api.Events{Events: make([]api.Event, 0, len(evs))}
	for _, e := range evs {
		out.Events = append(out.Events, api.FromEvent(e))
	}
	return c.JSON(http.StatusOK, out)
}

// apiLeads pages through an event's leads in the order they changed: ?cursor= continues from the
// last page's next, ?updated_since= (RFC 3339) keeps only what changed since, ?limit= (1–500).
func (s *Server) apiLeads(c echo.Context) error {
	ctx := c.Request().Context()
	ev, err := s.store.EventBySlug(ctx, c.Param("slug"))
	if errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "There is no event with this slug.")
	}
	if err != nil {
		return err
	}
	c.Set(apiEventKey, ev.ID)
	var since time.Time
	if v := c.QueryParam("updated_since"); v != "" {
		if since, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "updated_since must be an RFC 3339 time, e.g. 2026-11-25T10:00:00Z.")
		}
	}
	limit := defaultAPIPage
	if v := c.QueryParam("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > models.MaxAPIPage {
			return echo.NewHTTPError(http.StatusBadRequest, "limit must be a number from 1 to "+strconv.Itoa(models.MaxAPIPage)+".")
		}
	}
	leads, next, err := s.store.APILeads(ctx, ev.ID, c.QueryParam("cursor"), since, limit)
	if errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusBadRequest, "This cursor is not valid: use the next value of an earlier answer.")
	}
	if err != nil {
		return err
	}
	out := api.Leads{Leads: make([]api.Lead, 0, len(leads))}
	for _, l := range leads {
		out.Leads = append(out.Leads, api.FromLead(ev.Slug, l))
	}
	if next != "" {
		out.Next = &next
	}
	c.Set(apiLeadsKey, len(out.Leads))
	return c.JSON(http.StatusOK, out)
}

// apiLead answers one lead with its conversations, consent records and answers.
func (s *Server) apiLead(c echo.Context) error {
	ctx := c.Request().Context()
	l, err := s.store.APILeadByID(ctx, c.Param("id"))
	if errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "There is no lead with this id (any more).")
	}
	if err != nil {
		return err
	}
	ev, err := s.store.EventByID(ctx, l.EventID)
	if err != nil {
		return err
	}
	c.Set(apiEventKey, ev.ID)
	c.Set(apiLeadsKey, 1)
	out := api.FromLead(ev.Slug, l)
	if out.Consents == nil {
		out.Consents = []api.Consent{}
	}
	return c.JSON(http.StatusOK, out)
}

// apiWebhooks lists the registered webhooks (admin tokens only; never the secrets).
func (s *Server) apiWebhooks(c echo.Context) error {
	hs, err := s.store.Webhooks(c.Request().Context())
	if err != nil {
		return err
	}
	out := api.Webhooks{Webhooks: make([]api.Webhook, 0, len(hs))}
	for _, h := range hs {
		out.Webhooks = append(out.Webhooks, api.FromWebhook(h))
	}
	return c.JSON(http.StatusOK, out)
}
