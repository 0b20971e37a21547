// Package outbox sends what the outbox table holds: every message is first a row (written in the
// same transaction as what caused it), then a worker inside `serve` claims due rows with
// FOR UPDATE SKIP LOCKED and a lease, builds the message, mints the links it carries, sends it and
// marks the row. A crash or an SMTP outage delays mail and loses none; each row is sent by one
// instance at a time. It logs ids and kinds, never an address or a name.
package outbox

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/boothlead/boothlead/mail"
	"github.com/boothlead/boothlead/models"
)

// Sender delivers one message (mail.Sender over SMTP).
type Sender interface {
	Send(ctx context.Context, m mail.Message) error
}

// Config is what a Worker needs.
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
	// GiveUpAfter is how long a row may keep failing before it is given up (default 3 days).
	GiveUpAfter time.Duration
	// Sent and Failed, when set, count deliveries and rows given up (metrics).
	Sent, Failed func(kind string)
}

// Worker sends mail rows of the outbox.
type Worker struct {
	cfg   Config
	nudge chan struct{}
}

// Lease is how long a claimed row is this worker's; a send times out well before (30 s).
const Lease = 2 * time.Minute

const batch = 20

// New returns a worker; Run starts it.
func New(cfg Config) *Worker {
	if cfg.Poll == 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.GiveUpAfter == 0 {
		cfg.GiveUpAfter = 72 * time.Hour
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Worker{cfg: cfg, nudge: make(chan struct{}, 1)}
}

// DefaultBackoff waits 30 s after the first failure, doubling up to an hour, ±20 %.
func DefaultBackoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// Nudge asks the worker to look for work now (a row was just queued on this instance).
func (w *Worker) Nudge() {
	select {
	case w.nudge <- struct{}{}:
	default:
	}
}

// Run sends until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.cfg.Poll)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.cfg.Log.Warn("outbox: claim failed", slog.String("err", err.Error()))
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

// RunOnce claims one batch of due mail rows and handles each; it returns how many it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	items, err := w.cfg.Store.ClaimOutbox(ctx, "mail.", batch, Lease)
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		w.handle(ctx, it)
	}
	return len(items), nil
}

// dropped is a row that cannot be sent and never will be (its account was deactivated, its
// lead withdrew the consent the mail needs).
type dropped struct{ reason string }

func (d dropped) Error() string { return d.reason }

func (w *Worker) handle(ctx context.Context, it models.OutboxItem) {
	log := w.cfg.Log.With(slog.Int64("outbox_id", it.ID), slog.String("kind", it.Kind), slog.Int("attempt", it.Attempts))
	msg, cleanup, err := w.build(ctx, it)
	if err == nil {
		sctx, cancel := context.WithTimeout(ctx, Lease/2)
		err = w.cfg.Sender.Send(sctx, msg)
		cancel()
		if err != nil {
			cleanup()
		}
	}
	// the row's fate is recorded even while shutting down
	bg := context.WithoutCancel(ctx)
	var se *mail.SendError
	var dr dropped
	switch {
	case err == nil:
		if err := w.cfg.Store.OutboxSent(bg, it.ID); err != nil {
			log.Error("outbox: sent, but not marked (it may be sent again)", slog.String("err", err.Error()))
			return
		}
		log.Info("outbox: mail sent")
		if w.cfg.Sent != nil {
			w.cfg.Sent(it.Kind)
		}
		return
	case errors.As(err, &dr):
		w.giveUp(bg, log, it, dr.reason)
		return
	case errors.As(err, &se) && se.Permanent:
		w.giveUp(bg, log, it, se.Error())
		return
	}
	reason := mail.MaskAddresses(err.Error())
	if time.Since(it.CreatedAt) > w.cfg.GiveUpAfter {
		w.giveUp(bg, log, it, "kept failing for "+w.cfg.GiveUpAfter.String()+": "+reason)
		return
	}
	next := time.Now().Add(w.cfg.Backoff(it.Attempts))
	if err := w.cfg.Store.OutboxRetry(bg, it.ID, reason, next); err != nil {
		log.Error("outbox: failure not recorded", slog.String("err", err.Error()))
		return
	}
	log.Warn("outbox: mail not sent, will retry", slog.String("err", reason), slog.Time("next_attempt", next))
}

func (w *Worker) giveUp(ctx context.Context, log *slog.Logger, it models.OutboxItem, reason string) {
	reason = mail.MaskAddresses(reason)
	if err := w.cfg.Store.OutboxGiveUp(ctx, it.ID, reason); err != nil {
		log.Error("outbox: give up not recorded", slog.String("err", err.Error()))
		return
	}
	log.Warn("outbox: mail given up", slog.String("err", reason))
	if w.cfg.Failed != nil {
		w.cfg.Failed(it.Kind)
	}
}
