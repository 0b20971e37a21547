package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/boothlead/boothlead/api"
	"github.com/boothlead/boothlead/mail"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/seal"
)

// WebhookConfig is what the webhook worker needs besides Config.
type WebhookConfig struct {
	// Client posts the deliveries: netguard's client (SSRF rule, no redirects).
	Client *http.Client
	// Secrets opens the stored webhook secrets (SECRET_KEY); nil opens only secrets kept in plain.
	Secrets *seal.Box
	// PauseAfter is how long a hook may fail without a single success before it is paused
	// (default 24 h).
	PauseAfter time.Duration
}

// NewWebhooks returns the webhook worker (kinds "webhook."): it posts each delivery, signed,
// retries with the backoff for a day (GiveUpAfter), logs every attempt, and pauses a hook that
// keeps failing.
func NewWebhooks(cfg Config, wc WebhookConfig) *Worker {
	if wc.PauseAfter == 0 {
		wc.PauseAfter = 24 * time.Hour
	}
	if wc.Client == nil {
		wc.Client = &http.Client{Timeout: 10 * time.Second}
	}
	j := &webhookJob{cfg: cfg, wc: wc}
	w := newWorker(cfg, j, 24*time.Hour)
	j.cfg = w.cfg
	return w
}

type webhookJob struct {
	cfg Config
	wc  WebhookConfig
}

func (j *webhookJob) family() string { return "webhook." }

func (j *webhookJob) settled(context.Context, models.OutboxItem, error) {}

func payloadString(p models.Payload, key string) string {
	s, _ := p[key].(string)
	return s
}

// do posts one delivery. The body is built now, from what the lead's contact consent allows now.
func (j *webhookJob) do(ctx context.Context, it models.OutboxItem) error {
	hookID := it.Payload.Int64("hook")
	h, err := j.cfg.Store.WebhookByID(ctx, hookID)
	if errors.Is(err, models.ErrNotFound) {
		return dropped("the webhook was deleted")
	}
	if err != nil {
		return err
	}
	if h.PausedAt != nil {
		return dropped("the webhook is paused")
	}
	secret, err := j.wc.Secrets.Open("webhook", h.Secret)
	if err != nil {
		return fmt.Errorf("webhook secret: %w", err)
	}
	event := payloadString(it.Payload, "event")
	data, err := j.data(ctx, it, event)
	if err != nil {
		return err
	}
	d := api.Delivery{ID: it.DeliveryID, Event: event, Timestamp: time.Now().Unix(), Data: data}
	if at, err := time.Parse(time.RFC3339Nano, payloadString(it.Payload, "at")); err == nil {
		d.OccurredAt = at.UTC()
	} else {
		d.OccurredAt = it.CreatedAt.UTC()
	}
	body, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("webhook body: %w", err)
	}
	status, after, dur, postErr := j.post(ctx, h.URL, secret, event, it.DeliveryID, d.Timestamp, body)
	attempt := models.HookAttempt{HookID: h.ID, DeliveryID: it.DeliveryID, Event: event, Attempt: it.Attempts,
		Status: status, Duration: dur, OK: postErr == nil}
	if postErr != nil {
		attempt.Error = mail.MaskAddresses(postErr.Error())
	}
	paused, err := j.cfg.Store.RecordWebhookAttempt(context.WithoutCancel(ctx), attempt, j.wc.PauseAfter)
	if err != nil {
		j.cfg.Log.Error("webhook: attempt not logged", slog.Int64("outbox_id", it.ID), slog.String("err", err.Error()))
	}
	switch {
	case postErr == nil:
		return nil
	case paused:
		return dropped("the webhook was paused: it kept failing")
	case after > 0:
		return &retryAtError{at: time.Now().Add(min(after, time.Hour)), reason: postErr.Error()}
	}
	return postErr
}

// data is what the delivery is about: ids only for a deleted lead or one without a contact
// consent in force, else the lead (and the conversation) as the API gives them.
func (j *webhookJob) data(ctx context.Context, it models.OutboxItem, event string) (api.DeliveryData, error) {
	leadID := payloadString(it.Payload, "lead")
	var d api.DeliveryData
	ev, err := j.cfg.Store.EventByID(ctx, it.Payload.Int64("event_id"))
	switch {
	case err == nil:
		d.Event = &api.EventRef{Slug: ev.Slug, Name: ev.Name}
	case !errors.Is(err, models.ErrNotFound):
		return d, err
	}
	if event == models.HookLeadDeleted {
		d.Lead = api.LeadRef{ID: leadID}
		return d, nil
	}
	l, err := j.cfg.Store.APILeadByID(ctx, leadID)
	if errors.Is(err, models.ErrNotFound) {
		return d, dropped("the lead was erased")
	}
	if err != nil {
		return d, err
	}
	convID := payloadString(it.Payload, "conversation")
	if !l.Contact {
		d.Lead = api.LeadRef{ID: l.ID, Consent: api.ConsentState{TalentPool: l.TalentPool}}
		if convID != "" {
			d.Conversation = api.ConversationRef{ID: convID}
		}
		return d, nil
	}
	l.Consents = nil // the records stay in the API; the state is in "consent"
	full := api.FromLead(ev.Slug, l)
	d.Lead = full
	if convID != "" {
		d.Conversation = api.ConversationRef{ID: convID}
		for _, c := range full.Conversations {
			if c.ID == convID {
				d.Conversation = c
			}
		}
	}
	return d, nil
}

// post sends the signed body; it returns the status (0: no answer), how long the receiver asked
// to wait (Retry-After on 429 and 503), the time taken, and an error unless the answer was 2xx.
func (j *webhookJob) post(ctx context.Context, url, secret, event, delivery string, ts int64, body []byte) (int, time.Duration, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, 0, fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Boothlead-Webhook/1")
	req.Header.Set(api.HeaderEvent, event)
	req.Header.Set(api.HeaderDelivery, delivery)
	req.Header.Set(api.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(api.HeaderSignature, api.Sign(secret, body))
	start := time.Now()
	res, err := j.wc.Client.Do(req)
	dur := time.Since(start)
	if err != nil {
		return 0, 0, dur, errors.New("no answer: " + unwrapURL(err))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return res.StatusCode, 0, dur, nil
	}
	var after time.Duration
	if res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable {
		if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && n > 0 {
			after = time.Duration(n) * time.Second
		}
	}
	return res.StatusCode, after, dur, fmt.Errorf("HTTP %d", res.StatusCode)
}
