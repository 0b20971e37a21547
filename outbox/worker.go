// Package outbox does the work the outbox table holds: every message, webhook delivery and ATS
// push is first a row (written in the same transaction as what caused it), then a worker loop
// inside `serve` claims due rows of its family ("mail.", "webhook.", "ats.") with FOR UPDATE SKIP
// LOCKED and a lease, does the work and marks the row: done, to be retried after a growing
// pause, or given up. A crash or an outage delays the work and loses none; each row is handled
// by one instance at a time. The loop, the lease, the backoff and the give-up rule are one piece
// of code here; what a row means is a job (mail.go, webhook.go, ats.go). It logs ids and kinds,
// never an address or a name.
package outbox

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/mail"
	"github.com/boothlead/boothlead/models"
)

// Sender delivers one message (mail.Sender over SMTP).
type Sender interface {
	Send(ctx context.Context, m mail.Message) error
}

// Config is what a Worker needs. Sender, From and BaseURL are the mail worker's.
type Config struct {
	Store   *models.Store
	Sender  Sender
	From    string // the sender address (Message-IDs use its domain)
	BaseURL string // absolute URL the links start with
	Log     *slog.Logger
	// Poll is how often the worker looks for due rows besides being nudged (default 2 s).
	Poll time.Duration
	// Backoff is the pause before attempt n+1 after n failed attempts (default: 30 s doubling,
	// at most 1 h, with jitter).
	Backoff func(attempts int) time.Duration
	// GiveUpAfter is how long a row may keep failing before it is given up (default 3 days for
	// mail and ATS pushes, 1 day for webhook deliveries).
	GiveUpAfter time.Duration
	// Sent and Failed, when set, count rows done and rows given up (metrics).
	Sent, Failed func(kind string)
	// I18n says candidates' mails in their language (built once at start; nil: built by New).
	I18n *i18n.Bundle
}

// job is one family of outbox work.
type job interface {
	// family is the kinds' prefix this job takes ("mail.").
	family() string
	// do does a claimed row's work: nil when done; a *giveUpError when it never can be; a *retryAtError to
	// try again no earlier than a time; any other error to try again after the backoff.
	do(ctx context.Context, it models.OutboxItem) error
	// settled learns how a row ended: failure is nil when it was done, else why it was given up.
	settled(ctx context.Context, it models.OutboxItem, failure error)
}

// giveUpError ends a row at once: it cannot be done and never will be (its lead withdrew the consent
// it needs, the server refused the address for good, the receiver was deleted).
type giveUpError struct {
	reason string
	err    error // the cause, when there is one (a permanent SMTP refusal)
}

func (g *giveUpError) Error() string { return g.reason }
func (g *giveUpError) Unwrap() error { return g.err }

func dropped(reason string) error { return &giveUpError{reason: reason} }

// retryAtError asks to try again no earlier than at (the other side asked to wait).
type retryAtError struct {
	at     time.Time
	reason string
}

func (r *retryAtError) Error() string { return r.reason }

// Worker does one family of outbox rows.
type Worker struct {
	cfg   Config
	job   job
	nudge chan struct{}
}

// Lease is how long a claimed row is this worker's; an attempt times out well before (30 s).
const Lease = 2 * time.Minute

const batch = 20

// New returns the mail worker (kinds "mail."); Run starts it.
func New(cfg Config) *Worker {
	if cfg.I18n == nil {
		b, err := i18n.New()
		if err != nil {
			panic(err) // the catalogues are embedded: a broken one fails every test first
		}
		cfg.I18n = b
	}
	return newWorker(cfg, &mailJob{cfg: cfg}, 72*time.Hour)
}

func newWorker(cfg Config, j job, giveUpAfter time.Duration) *Worker {
	if cfg.Poll == 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.GiveUpAfter == 0 {
		cfg.GiveUpAfter = giveUpAfter
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Worker{cfg: cfg, job: j, nudge: make(chan struct{}, 1)}
}

// DefaultBackoff waits 30 s after the first failure, doubling up to an hour, ±20 %.
func DefaultBackoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64())) //nolint:gosec // jitter of a retry: no secret
}

// Nudge asks the worker to look for work now (a row was just queued on this instance).
func (w *Worker) Nudge() {
	select {
	case w.nudge <- struct{}{}:
	default:
	}
}

// Run works until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.cfg.Poll)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.cfg.Log.Warn("outbox: claim failed", slog.String("family", w.job.family()), slog.String("err", err.Error()))
			}
			if n < batch || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.nudge:
		}
	}
}

// RunOnce claims one batch of due rows of the worker's family and handles each; it returns how
// many it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	items, err := w.cfg.Store.ClaimOutbox(ctx, w.job.family(), batch, Lease)
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		w.handle(ctx, it)
	}
	return len(items), nil
}

func (w *Worker) handle(ctx context.Context, it models.OutboxItem) {
	log := w.cfg.Log.With(slog.Int64("outbox_id", it.ID), slog.String("kind", it.Kind), slog.Int("attempt", it.Attempts))
	actx, cancel := context.WithTimeout(ctx, Lease/2)
	err := w.job.do(actx, it)
	cancel()
	// the row's fate is recorded even while shutting down
	bg := context.WithoutCancel(ctx)
	var g *giveUpError
	var ra *retryAtError
	switch {
	case err == nil:
		if err := w.cfg.Store.OutboxSent(bg, it.ID); err != nil {
			log.Error("outbox: done, but not marked (it may be done again)", slog.String("err", err.Error()))
			return
		}
		log.Info("outbox: done")
		w.job.settled(bg, it, nil)
		if w.cfg.Sent != nil {
			w.cfg.Sent(it.Kind)
		}
		return
	case errors.As(err, &g):
		w.giveUp(bg, log, it, g)
		return
	}
	reason := mail.MaskAddresses(err.Error())
	if time.Since(it.CreatedAt) > w.cfg.GiveUpAfter {
		w.giveUp(bg, log, it, &giveUpError{reason: "kept failing for " + w.cfg.GiveUpAfter.String() + ": " + reason, err: err})
		return
	}
	next := time.Now().Add(w.cfg.Backoff(it.Attempts))
	if errors.As(err, &ra) && ra.at.After(next) {
		next = ra.at
	}
	if err := w.cfg.Store.OutboxRetry(bg, it.ID, reason, next); err != nil {
		log.Error("outbox: failure not recorded", slog.String("err", err.Error()))
		return
	}
	log.Warn("outbox: not done, will retry", slog.String("err", reason), slog.Time("next_attempt", next))
}

func (w *Worker) giveUp(ctx context.Context, log *slog.Logger, it models.OutboxItem, g *giveUpError) {
	reason := mail.MaskAddresses(g.reason)
	if err := w.cfg.Store.OutboxGiveUp(ctx, it.ID, reason); err != nil {
		log.Error("outbox: give up not recorded", slog.String("err", err.Error()))
		return
	}
	log.Warn("outbox: given up", slog.String("err", reason))
	w.job.settled(ctx, it, g)
	if w.cfg.Failed != nil {
		w.cfg.Failed(it.Kind)
	}
}
