// Package models holds the data of Boothlead: gorm structs mapped onto the schema that the SQL
// migrations own, the Store with every query and transaction, domain errors and validation.
package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Store runs every query of the app. It is safe for concurrent use.
type Store struct {
	db              *gorm.DB
	consentDefaults ConsentDefaults
	notifier        *notifier     // announces lead changes after commit (notify.go)
	cache           *lookupCache  // the check-in's hot lookups (cache.go)
	hashing         chan struct{} // bounds the password hashes computed at once (password.go)
	secrets         sync.Map      // name → []byte: app secrets never change once made (secrets.go)
}

// NewStore returns a Store on db.
func NewStore(db *gorm.DB, opts ...StoreOption) *Store {
	dummyHash() // made now, so the first sign-in with an unknown email costs no more than others
	s := &Store{db: db, notifier: newNotifier(db), cache: newLookupCache(DefaultCacheTTL),
		hashing: make(chan struct{}, runtime.NumCPU())}
	for _, o := range opts {
		o(s)
	}
	return s
}

// WithCacheTTL sets how long the check-in's cached lookups are used at most (DefaultCacheTTL);
// 0 turns the cache off.
func WithCacheTTL(ttl time.Duration) StoreOption {
	return func(s *Store) { s.cache = newLookupCache(ttl) }
}

// FlushNotices waits until the lead changes committed so far have been announced to the live
// boards (they are sent right after each commit, in the background).
func (s *Store) FlushNotices() { s.notifier.flush() }

// GormConfig is the gorm configuration every handle uses, logging to stderr (see GormConfigLog).
func GormConfig() *gorm.Config {
	return GormConfigLog(slog.New(slog.NewTextHandler(os.Stderr, nil)))
}

// GormConfigLog is the gorm configuration every handle uses: translated errors (a unique
// violation becomes gorm.ErrDuplicatedKey), UTC timestamps, and a logger that writes only slow
// statements to log, as SQL with placeholders and never with their parameters (they may hold
// personal data). Failed statements are not logged here: the Store returns the error and the
// request log writes it once, through SafeErrorText.
func GormConfigLog(log *slog.Logger) *gorm.Config {
	return &gorm.Config{
		TranslateError: true,
		NowFunc:        func() time.Time { return time.Now().UTC() },
		Logger:         gormLogger{log: log, level: logger.Warn, slow: time.Second},
		PrepareStmt:    false,
	}
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	db, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("models: ping: %w", err)
	}
	return db.PingContext(ctx)
}

func (s *Store) ctx(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// gormLogger is gorm's logger on slog: slow statements only, without parameters.
type gormLogger struct {
	log   *slog.Logger
	level logger.LogLevel
	slow  time.Duration
}

// LogMode returns the logger at another level.
func (g gormLogger) LogMode(l logger.LogLevel) logger.Interface { g.level = l; return g }

// Info logs gorm's message without its arguments (they may be values).
func (g gormLogger) Info(ctx context.Context, msg string, _ ...any) {
	if g.level >= logger.Info {
		g.log.InfoContext(ctx, "gorm: "+msg)
	}
}

// Warn logs gorm's message without its arguments.
func (g gormLogger) Warn(ctx context.Context, msg string, _ ...any) {
	if g.level >= logger.Warn {
		g.log.WarnContext(ctx, "gorm: "+msg)
	}
}

// Error logs gorm's message without its arguments.
func (g gormLogger) Error(ctx context.Context, msg string, _ ...any) {
	if g.level >= logger.Error {
		g.log.ErrorContext(ctx, "gorm: "+msg)
	}
}

// Trace logs a statement that took longer than the slow threshold; fc gives its SQL with
// placeholders (ParamsFilter keeps the values out).
func (g gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), _ error) {
	if g.level < logger.Warn {
		return
	}
	if d := time.Since(begin); d > g.slow {
		sql, rows := fc()
		g.log.WarnContext(ctx, "slow query", slog.Duration("took", d), slog.Int64("rows", rows), slog.String("sql", sql))
	}
}

// ParamsFilter drops a statement's parameters from everything gorm logs.
func (g gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

// isDuplicate reports whether err is a unique-index violation (gorm translates it only on some
// paths; raw statements return the driver's error).
func isDuplicate(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey) || isUniqueViolation(err)
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
