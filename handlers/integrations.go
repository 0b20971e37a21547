package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/components"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// minSecretLen is the shortest webhook secret accepted.
const minSecretLen = 12

const adminTime = "2 Jan 2006 15:04 UTC"

func adminStamp(t *time.Time, none string) string {
	if t == nil {
		return none
	}
	return t.UTC().Format(adminTime)
}

// integrations shows the API tokens and webhooks (admin).
func (s *Server) integrations(c echo.Context) error {
	return s.integrationsPage(c, http.StatusOK, pages.IntegrationsVM{})
}

// integrationsPage renders the page with what a failed form or a new token needs shown.
func (s *Server) integrationsPage(c echo.Context, status int, vm pages.IntegrationsVM) error {
	ctx := c.Request().Context()
	tokens, err := s.store.APITokens(ctx)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		vm.Tokens = append(vm.Tokens, pages.TokenRow{ID: t.ID, Name: t.Name, Role: t.Role, Prefix: t.Prefix, Creator: t.CreatorName,
			Created: t.CreatedAt.UTC().Format(adminTime), LastUsed: adminStamp(t.LastUsedAt, "never"), Revoked: stampOrEmpty(t.RevokedAt)})
	}
	hooks, err := s.store.Webhooks(ctx)
	if err != nil {
		return err
	}
	for _, h := range hooks {
		vm.Hooks = append(vm.Hooks, hookRow(h))
	}
	if vm.HookForm.Events == nil {
		vm.HookForm.Events = hookEventOptions(nil)
	}
	vm.Sealed, vm.OpenAPI, vm.BaseURL = s.ints.Secrets.Enabled(), paths.APIOpenAPI(), s.baseURL
	return render(c, status, pages.IntegrationsPage(s.chrome(c, "Integrations", "integrations"), vm))
}

func stampOrEmpty(t *time.Time) string { return adminStamp(t, "") }

func hookEventOptions(picked []string) []components.Option {
	var out []components.Option
	for _, ev := range models.HookEvents {
		checked := false
		for _, p := range picked {
			checked = checked || p == ev
		}
		out = append(out, components.Option{Value: ev, Label: ev, Checked: checked})
	}
	return out
}

func hookRow(h models.Webhook) pages.HookRow {
	r := pages.HookRow{ID: h.ID, URL: h.URL, Events: strings.Join(h.Events, ", "), Paused: h.PausedAt != nil,
		Failing: h.FailingSince != nil, Delivered: h.Delivered, Failed: h.Failed, Waiting: h.Waiting}
	switch {
	case r.Paused:
		r.Detail = "since " + adminStamp(h.PausedAt, "") + ": " + h.PausedReason
	case r.Failing:
		r.Detail = "failing since " + adminStamp(h.FailingSince, "") + "; paused if it fails for a day"
	case h.LastSuccessAt != nil:
		r.Detail = "last delivered " + adminStamp(h.LastSuccessAt, "")
	default:
		r.Detail = "nothing delivered yet"
	}
	return r
}

// tokenCreate makes an API token and shows it once.
func (s *Server) tokenCreate(c echo.Context) error {
	name, role := c.FormValue("name"), c.FormValue("role")
	t, token, err := s.store.CreateAPIToken(c.Request().Context(), currentUser(c).ID, name, role)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return s.integrationsPage(c, http.StatusUnprocessableEntity,
			pages.IntegrationsVM{TokenForm: pages.TokenFormVM{Name: name, Role: role, Errors: ve.Fields}})
	}
	if err != nil {
		return err
	}
	// shown in this answer only (not through a redirect and the session)
	return s.integrationsPage(c, http.StatusCreated, pages.IntegrationsVM{NewToken: token, NewName: t.Name})
}

// tokenRevoke ends a token at once.
func (s *Server) tokenRevoke(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such token.")
	}
	if err := s.store.RevokeAPIToken(c.Request().Context(), currentUser(c).ID, id); errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such token in force.")
	} else if err != nil {
		return err
	}
	s.flash(c, "The token is revoked: calls with it are refused from now on.")
	return seeOther(c, paths.Integrations()+"#tokens")
}

// webhookCreate registers a webhook: its URL must pass the SSRF rule, its secret is stored
// encrypted when SECRET_KEY is set.
func (s *Server) webhookCreate(c echo.Context) error {
	rawURL, secret := strings.TrimSpace(c.FormValue("url")), c.FormValue("secret")
	form := pages.HookFormVM{URL: rawURL, Errors: map[string]string{}}
	params, _ := c.FormParams()
	form.Events = hookEventOptions(params["events"])
	if _, err := s.ints.Net.CheckURL(rawURL); err != nil {
		form.Errors["url"] = err.Error()
	}
	if len(strings.TrimSpace(secret)) < minSecretLen {
		form.Errors["secret"] = "Use a secret of at least " + strconv.Itoa(minSecretLen) + " characters (e.g. `openssl rand -hex 32`)."
	}
	events, err := models.CheckHookEvents(params["events"])
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		form.Errors["events"] = ve.Fields["events"]
	}
	if len(form.Errors) > 0 {
		return s.integrationsPage(c, http.StatusUnprocessableEntity, pages.IntegrationsVM{HookForm: form})
	}
	stored, err := s.ints.Secrets.Keep("webhook", secret)
	if err != nil {
		return err
	}
	if _, err := s.store.CreateWebhook(c.Request().Context(), currentUser(c).ID, rawURL, stored, events); err != nil {
		if errors.As(err, &ve) {
			form.Errors = ve.Fields
			return s.integrationsPage(c, http.StatusUnprocessableEntity, pages.IntegrationsVM{HookForm: form})
		}
		return err
	}
	s.flash(c, "Webhook added: the next change is delivered to it.")
	return seeOther(c, paths.Integrations()+"#webhooks")
}

func (s *Server) webhookByParam(c echo.Context) (models.Webhook, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return models.Webhook{}, echo.NewHTTPError(http.StatusNotFound, "There is no such webhook.")
	}
	h, err := s.store.WebhookByID(c.Request().Context(), id)
	if errors.Is(err, models.ErrNotFound) {
		return h, echo.NewHTTPError(http.StatusNotFound, "There is no such webhook.")
	}
	return h, err
}

// webhookShow is a webhook's page with its delivery log.
func (s *Server) webhookShow(c echo.Context) error {
	h, err := s.webhookByParam(c)
	if err != nil {
		return err
	}
	attempts, err := s.store.WebhookAttempts(c.Request().Context(), h.ID, 200)
	if err != nil {
		return err
	}
	vm := pages.WebhookVM{Hook: hookRow(h)}
	for _, a := range attempts {
		row := pages.AttemptRow{At: a.At.UTC().Format("2 Jan 15:04:05"), Event: a.Event, Delivery: a.DeliveryID,
			Attempt: a.Attempt, Error: a.Error, Duration: strconv.Itoa(a.DurationMS) + " ms", Status: "no answer"}
		if a.Status != nil {
			row.Status = strconv.Itoa(*a.Status)
			row.OK = *a.Status >= 200 && *a.Status < 300
		}
		vm.Attempts = append(vm.Attempts, row)
	}
	return render(c, http.StatusOK, pages.WebhookPage(s.chrome(c, "Webhook", "integrations"), vm))
}

// webhookState pauses or resumes a webhook.
func (s *Server) webhookState(c echo.Context) error {
	h, err := s.webhookByParam(c)
	if err != nil {
		return err
	}
	paused := c.FormValue("state") == "paused"
	if err := s.store.SetWebhookPaused(c.Request().Context(), currentUser(c).ID, h.ID, paused); err != nil {
		return err
	}
	s.hookStats.reset()
	if paused {
		s.flash(c, "Webhook paused: nothing is delivered to it until you resume it.")
	} else {
		s.flash(c, "Webhook resumed: new changes are delivered to it again.")
	}
	return seeOther(c, paths.Webhook(h.ID))
}

// webhookDelete removes a webhook with its log and waiting deliveries.
func (s *Server) webhookDelete(c echo.Context) error {
	h, err := s.webhookByParam(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteWebhook(c.Request().Context(), currentUser(c).ID, h.ID); err != nil {
		return err
	}
	s.hookStats.reset()
	s.flash(c, "Webhook deleted.")
	return seeOther(c, paths.Integrations()+"#webhooks")
}

// countCache keeps a count for half a minute (admin banners are on every page view).
type countCache struct {
	mu sync.Mutex
	at time.Time
	n  int64
}

func (cc *countCache) reset() { cc.mu.Lock(); cc.at = time.Time{}; cc.mu.Unlock() }

func (cc *countCache) get(fetch func() (int64, error)) (int64, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if time.Since(cc.at) < 30*time.Second {
		return cc.n, nil
	}
	n, err := fetch()
	if err != nil {
		return 0, err
	}
	cc.n, cc.at = n, time.Now()
	return n, nil
}

// hookNotice is the admins' banner about paused webhooks; "" when none is paused.
func (s *Server) hookNotice(ctx context.Context) string {
	n, err := s.hookStats.get(func() (int64, error) { return s.store.PausedWebhooks(ctx) })
	if err != nil || n == 0 {
		return ""
	}
	return plural(n, "webhook is", "webhooks are") + " paused after failing for a day: its receiver gets no deliveries until you resume it."
}
