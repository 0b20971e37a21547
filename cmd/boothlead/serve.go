package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/boothlead/boothlead/handlers"
	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/mail"
	"github.com/boothlead/boothlead/migrations"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/netguard"
	"github.com/boothlead/boothlead/outbox"
	"github.com/boothlead/boothlead/wording"
)

// connectTimeout bounds how long opening a connection may take when DATABASE_URL does not say
// (connect_timeout): while the database is unreachable, requests fail in seconds, not minutes.
const connectTimeout = 5 * time.Second

// poolSize is the most connections an instance opens to Postgres. On this workload more would
// only queue the same work inside Postgres (make bench: 25 and 50 serve the same rate; the
// baseline, too, peaks at about 25).
const poolSize = 25

// openDB opens the one pool that goose, gorm and the session store share, and checks it answers.
func openDB(ctx context.Context, url string) (*sql.DB, error) {
	pc, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %s", oneLine(models.SafeErrorText(err)))
	}
	if pc.ConnectTimeout == 0 {
		pc.ConnectTimeout = connectTimeout
	}
	db := stdlib.OpenDB(*pc)
	// Every connection stays open once made: a connection closed as idle and opened again costs a
	// handshake and re-prepares every statement it runs (pgx prepares per connection).
	db.SetMaxOpenConns(poolSize)
	db.SetMaxIdleConns(poolSize)
	db.SetConnMaxIdleTime(30 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("cannot reach the database at %s:%d (%s); is DATABASE_URL right? `make db` starts a local one",
			pc.Host, pc.Port, connectProblem(err))
	}
	return db, nil
}

// connectProblem says in a few words why a connection failed (pgx lists every address and TLS
// attempt, each with the same cause).
func connectProblem(err error) string {
	var pe *pgconn.PgError
	var oe *net.OpError
	switch {
	case errors.As(err, &pe):
		return pe.Message // e.g. password authentication failed for user "x"; no data of anyone
	case errors.As(err, &oe):
		return oe.Err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	}
	return oneLine(err.Error())
}

// newStore is the Store with the default consent wording in every language of the catalogues.
func newStore(gdb *gorm.DB, lang *i18n.Bundle) *models.Store {
	return models.NewStore(gdb, models.WithConsentDefaults(wording.ConsentDefaults(lang)))
}

func openGorm(db *sql.DB, log *slog.Logger) (*gorm.DB, error) {
	gdb, err := gorm.Open(postgres.New(postgres.Config{Conn: db}), models.GormConfigLog(log))
	if err != nil {
		return nil, fmt.Errorf("open gorm: %w", err)
	}
	return gdb, nil
}

// withStore runs fn with a migrated database: the CLI commands use it.
func (e env) withStore(ctx context.Context, fn func(cfg config, db *sql.DB, store *models.Store) error) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if n, err := migrations.Pending(ctx, db); err != nil {
		return err
	} else if n > 0 {
		if _, err := migrations.Up(ctx, db); err != nil {
			return err
		}
	}
	gdb, err := openGorm(db, newLogger(e.stderr, cfg))
	if err != nil {
		return err
	}
	lang, err := i18n.New()
	if err != nil {
		return err
	}
	return fn(cfg, db, newStore(gdb, lang))
}

func (e env) migrate(ctx context.Context, args []string) error {
	if err := e.parseFlags(newFlags("migrate"), args); err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := migrations.Up(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "applied %d migration(s); the schema is up to date\n", n)
	return nil
}

func (e env) serve(ctx context.Context, args []string) error {
	if err := e.parseFlags(newFlags("serve"), args); err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	log := newLogger(e.stderr, cfg)
	db, err := openDB(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := migrations.Up(ctx, db)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("migrations applied", slog.Int("count", n))
	}
	gdb, err := openGorm(db, log)
	if err != nil {
		return err
	}
	lang, err := i18n.New() // the candidate side's languages, built once
	if err != nil {
		return err
	}
	store := newStore(gdb, lang)
	hub := models.NewHub(cfg.DatabaseURL, log)
	go hub.Run(ctx)
	go purgeEvery(ctx, store, log, time.Hour)

	mailSetup, err := startMail(ctx, cfg, store, lang, log)
	if err != nil {
		return err
	}
	router := handlers.NewRouter(handlers.Deps{Store: store, SQL: db, Live: hub, Log: log, BaseURL: cfg.BaseURL,
		RateLimits: cfg.RateLimits, SessionCleanup: 5 * time.Minute, Company: cfg.Company, TrustProxy: cfg.TrustProxy,
		Mail: mailSetup, MetricsToken: cfg.MetricsToken, Integrations: startIntegrations(ctx, cfg, store, log), I18n: lang})
	srv := &http.Server{Addr: cfg.Addr, Handler: router, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("serving", slog.String("addr", cfg.Addr), slog.String("base_url", cfg.BaseURL))
	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	srv.RegisterOnShutdown(hub.Close) // live streams end so Shutdown need not wait for them
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// purgeEvery applies retention periodically. Every instance runs it; an advisory lock in the
// Store makes them take turns, so the work is done once.
func purgeEvery(ctx context.Context, store *models.Store, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		res, err := store.Purge(ctx, false)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("retention purge", slog.String("err", models.SafeErrorText(err)))
		case res.Leads > 0:
			log.Info("retention purge", slog.Int64("leads", res.Leads), slog.Int64("events", res.Events))
		}
		// the live boards' change log and the sign-in throttle only need their recent rows
		if _, err := store.PruneLeadChanges(ctx); err != nil && ctx.Err() == nil {
			log.Error("prune lead changes", slog.String("err", models.SafeErrorText(err)))
		}
		if _, err := store.PruneSignInThrottle(ctx); err != nil && ctx.Err() == nil {
			log.Error("prune sign-in throttle", slog.String("err", models.SafeErrorText(err)))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// startIntegrations starts the workers that deliver webhooks and push leads to ATSs. Their
// outgoing requests pass the SSRF rule (netguard) unless WEBHOOK_ALLOW_PRIVATE=on.
func startIntegrations(ctx context.Context, cfg config, store *models.Store, log *slog.Logger) handlers.Integrations {
	policy := netguard.Policy{AllowPrivate: cfg.AllowPrivateHooks}
	wcfg := outbox.Config{Store: store, Log: log}
	hooks := outbox.NewWebhooks(wcfg, outbox.WebhookConfig{Client: policy.Client(10 * time.Second), Secrets: cfg.Secrets})
	push := outbox.NewATS(wcfg, outbox.ATSConfig{Client: policy.Client(30 * time.Second), Secrets: cfg.Secrets})
	go hooks.Run(ctx)
	go push.Run(ctx)
	if !cfg.Secrets.Enabled() {
		log.Warn("integrations: SECRET_KEY is not set, so no ATS API key can be stored and webhook secrets are kept as typed")
	}
	if cfg.AllowPrivateHooks {
		log.Warn("integrations: WEBHOOK_ALLOW_PRIVATE=on: webhooks may reach loopback and private addresses")
	}
	return handlers.Integrations{Secrets: cfg.Secrets, Net: policy, Nudge: func() { hooks.Nudge(); push.Nudge() }}
}

// startMail starts the outbox's mail sender when SMTP_URL is set; without it, mail waits in the
// outbox (nothing is lost) and admins see how much waits.
func startMail(ctx context.Context, cfg config, store *models.Store, lang *i18n.Bundle, log *slog.Logger) (handlers.MailSetup, error) {
	if cfg.SMTP == nil {
		log.Warn("mail: SMTP_URL is not set, so mail waits in the outbox until it is")
		return handlers.MailSetup{}, nil
	}
	sender, err := mail.NewSender(*cfg.SMTP, cfg.MailFrom)
	if err != nil {
		return handlers.MailSetup{}, err
	}
	w := outbox.New(outbox.Config{Store: store, Sender: sender, From: cfg.MailFrom, BaseURL: cfg.BaseURL, Log: log, I18n: lang})
	go w.Run(ctx)
	log.Info("mail: sending through the outbox", slog.String("server", cfg.SMTP.String()), slog.String("from", cfg.MailFrom))
	return handlers.MailSetup{Server: cfg.SMTP.String(), Nudge: w.Nudge}, nil
}
