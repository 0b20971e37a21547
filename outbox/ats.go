package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/boothlead/boothlead/ats"
	"github.com/boothlead/boothlead/export"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/seal"
)

// ATSConfig is what the ATS worker needs besides Config.
type ATSConfig struct {
	// Client talks to the vendors: netguard's client (SSRF rule, no redirects).
	Client *http.Client
	// Secrets opens the stored API keys (SECRET_KEY).
	Secrets *seal.Box
	// BaseURL replaces the vendors' roots, by provider (tests point them at local servers).
	BaseURL map[string]string
}

// NewATS returns the ATS worker (kinds "ats."): it pushes each queued lead once. An attempt that
// may have reached the vendor without an answer (no answer, a timeout, a 5xx, a crash before the
// remote id was stored) makes the next attempt look for the person by email before creating, so
// a lead is never created twice, across retries, restarts and instances.
func NewATS(cfg Config, ac ATSConfig) *Worker {
	if ac.Client == nil {
		ac.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Backoff == nil {
		// a prospect created without an answer may take a while to be findable (Greenhouse
		// says to check every 30 s), so the first retry waits a minute
		cfg.Backoff = func(attempts int) time.Duration { return DefaultBackoff(attempts + 1) }
	}
	j := &atsJob{ac: ac, limits: map[int64]*rate.Limiter{}}
	w := newWorker(cfg, j, 72*time.Hour)
	j.cfg = w.cfg
	return w
}

type atsJob struct {
	cfg Config
	ac  ATSConfig

	mu     sync.Mutex
	limits map[int64]*rate.Limiter // per connection: stay under the vendor's rate limit
}

func (j *atsJob) family() string { return "ats." }

// limiter paces one connection's requests below the documented limits: Greenhouse 50 per 10 s,
// Lever 10 per second (bursts of 20). Each instance paces itself; 429s handle the rest.
func (j *atsJob) limiter(c models.ATSConnection) *rate.Limiter {
	j.mu.Lock()
	defer j.mu.Unlock()
	l, ok := j.limits[c.ID]
	if !ok {
		l = rate.NewLimiter(rate.Limit(4), 8)
		if c.Provider == models.ATSLever {
			l = rate.NewLimiter(rate.Limit(8), 10)
		}
		j.limits[c.ID] = l
	}
	return l
}

func (j *atsJob) do(ctx context.Context, it models.OutboxItem) error {
	syncID := it.Payload.Int64("sync")
	p, err := j.cfg.Store.BeginATSPush(ctx, syncID)
	switch {
	case errors.Is(err, models.ErrAlreadyPushed):
		return nil
	case errors.Is(err, models.ErrNotFound):
		return dropped("the lead or the connection is gone")
	case err != nil:
		return err
	}
	if !p.Eligible {
		return j.fail(ctx, syncID, dropped("the lead no longer has a name, an email and a contact consent"))
	}
	key, err := j.ac.Secrets.Open("ats", p.Conn.Credentials)
	if err != nil {
		return j.fail(ctx, syncID, err)
	}
	c, err := ats.New(p.Conn.Provider, ats.Settings{APIKey: key, OnBehalfOf: p.Conn.OnBehalfOf, Source: p.Conn.Source,
		Tags: p.Conn.Tags, BaseURL: j.ac.BaseURL[p.Conn.Provider]}, j.ac.Client, j.limiter(p.Conn))
	if err != nil {
		return j.fail(ctx, syncID, dropped(err.Error()))
	}
	email := p.Lead.EmailText()
	if p.Sync.Attempts > 1 {
		// an earlier attempt may have created the record without our hearing of it
		id, found, err := c.Find(ctx, email)
		if err != nil {
			return j.fail(ctx, syncID, atsError(err))
		}
		if found {
			return j.pushed(ctx, it, syncID, id, true)
		}
	}
	first, last := export.SplitName(p.Lead.Name)
	lead := ats.Lead{FirstName: first, LastName: last, Name: p.Lead.Name, Email: email, Phone: p.Lead.Phone,
		Company: p.Lead.Company, Title: p.Lead.Title, LinkedIn: p.Lead.LinkedIn, GitHub: p.Lead.GitHub,
		Website: p.Lead.CVURL, Tags: leadTags(p)}
	id, err := c.Create(ctx, lead)
	if err != nil {
		return j.fail(ctx, syncID, atsError(err))
	}
	return j.pushed(ctx, it, syncID, id, false)
}

// leadTags are the tags a lead gets besides the connection's: its rating.
func leadTags(p models.ATSPush) []string {
	if r := p.Lead.RatingText(); r != "" {
		return []string{r}
	}
	return nil
}

func (j *atsJob) pushed(ctx context.Context, it models.OutboxItem, syncID int64, remoteID string, found bool) error {
	if err := j.cfg.Store.ATSPushed(context.WithoutCancel(ctx), syncID, remoteID); err != nil {
		// the next attempt finds the record by email and stores its id then
		return fmt.Errorf("store the remote id: %w", err)
	}
	j.cfg.Log.Info("ats: lead pushed", slog.Int64("outbox_id", it.ID), slog.Int64("sync_id", syncID),
		slog.String("kind", it.Kind), slog.Bool("found_existing", found))
	return nil
}

// atsError maps a client error onto the outbox's: give up on a refusal no retry mends, wait as
// long as the vendor asked on a 429, back off otherwise.
func atsError(err error) error {
	var e *ats.Error
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case !e.Retry:
		return &giveUpError{reason: e.Error(), err: e}
	case e.After > 0:
		return &retryAtError{at: time.Now().Add(e.After), reason: e.Error()}
	}
	return e
}

// fail records why an attempt failed on the lead's sync (the lead page shows it) and returns err
// for the outbox to retry or give up.
func (j *atsJob) fail(ctx context.Context, syncID int64, err error) error {
	var g *giveUpError
	final := errors.As(err, &g)
	if rerr := j.cfg.Store.ATSPushFailed(context.WithoutCancel(ctx), syncID, ats.Mask(err.Error()), final); rerr != nil {
		j.cfg.Log.Error("ats: failure not recorded", slog.Int64("sync_id", syncID), slog.String("err", rerr.Error()))
	}
	return err
}

// settled marks a push given up after retrying too long.
func (j *atsJob) settled(ctx context.Context, it models.OutboxItem, failure error) {
	if failure == nil {
		return
	}
	if err := j.cfg.Store.ATSPushFailed(ctx, it.Payload.Int64("sync"), ats.Mask(failure.Error()), true); err != nil {
		j.cfg.Log.Error("ats: failure not recorded", slog.Int64("outbox_id", it.ID), slog.String("err", err.Error()))
	}
}
