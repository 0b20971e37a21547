// Package models holds the data of Boothlead: gorm structs mapped onto the schema that the SQL
// migrations own, the Store with every query and transaction, domain errors and validation.
package models

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Store runs every query of the app. It is safe for concurrent use.
type Store struct {
	db              *gorm.DB
	consentDefaults ConsentDefaults
}

// NewStore returns a Store on db.
func NewStore(db *gorm.DB, opts ...StoreOption) *Store {
	s := &Store{db: db}
	for _, o := range opts {
		o(s)
	}
	return s
}

// GormConfig is the gorm configuration every handle uses: translated errors (a unique violation
// becomes gorm.ErrDuplicatedKey), UTC timestamps and a logger that reports only slow or failed
// statements without their parameters (they may hold personal data).
func GormConfig() *gorm.Config {
	return &gorm.Config{
		TranslateError: true,
		NowFunc:        func() time.Time { return time.Now().UTC() },
		Logger: quietLogger{logger.New(log.New(os.Stderr, "gorm: ", log.LstdFlags), logger.Config{
			SlowThreshold:             time.Second,
			LogLevel:                  logger.Warn,
			IgnoreRecordNotFoundError: true,
			ParameterizedQueries:      true,
		})},
		PrepareStmt: false,
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

// quietLogger is gorm's logger minus the errors the Store expects and turns into answers (a
// taken email, a repeated capture): those are not worth a log line.
type quietLogger struct{ logger.Interface }

func (q quietLogger) LogMode(l logger.LogLevel) logger.Interface {
	return quietLogger{q.Interface.LogMode(l)}
}

func (q quietLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if isDuplicate(err) {
		err = nil
	}
	q.Interface.Trace(ctx, begin, fc, err)
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
