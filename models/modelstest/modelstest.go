// Package modelstest gives tests a real, freshly migrated Postgres database of their own
// (pgtestdb) and builders for the rows they need. Import it only from _test.go files.
package modelstest

import (
	"context"
	"database/sql"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/peterldowns/pgtestdb"
	"github.com/peterldowns/pgtestdb/migrators/goosemigrator"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/migrations"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/wording"
)

// DB is one test's database: a database/sql pool, gorm on top of it, the Store and the URL (for
// code that opens its own connections, such as LISTEN).
type DB struct {
	SQL   *sql.DB
	Gorm  *gorm.DB
	Store *models.Store
	URL   string
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func config() pgtestdb.Config {
	return pgtestdb.Config{
		DriverName:                "pgx",
		User:                      envOr("PGTEST_USER", "postgres"),
		Password:                  envOr("PGTEST_PASSWORD", ""),
		Host:                      envOr("PGTEST_HOST", "127.0.0.1"),
		Port:                      envOr("PGTEST_PORT", "54329"),
		Database:                  "postgres",
		Options:                   "sslmode=disable",
		ForceTerminateConnections: true,
	}
}

func skipShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs Postgres (make db); skipped with -short")
	}
}

// New returns a fresh, fully migrated database owned by t; it is dropped when t ends (kept when
// t fails, for a look).
func New(t testing.TB) DB {
	t.Helper()
	skipShort(t)
	conf := pgtestdb.Custom(t, config(), goosemigrator.New(".", goosemigrator.WithFS(migrations.FS)))
	sqlDB, err := conf.Connect()
	if err != nil {
		t.Fatalf("connect to test db: %v", err)
	}
	t.Cleanup(func() { _ = sqlDB.Close() })
	gdb, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), models.GormConfig())
	if err != nil {
		t.Fatalf("gorm on test db: %v", err)
	}
	lang, err := i18n.New()
	if err != nil {
		t.Fatalf("message catalogues: %v", err)
	}
	// the store as `serve` builds it: default consent texts in every language
	store := models.NewStore(gdb, models.WithConsentDefaults(wording.ConsentDefaults(lang)))
	return DB{SQL: sqlDB, Gorm: gdb, Store: store, URL: conf.URL()}
}

// Open returns a Store on a pool of its own to the database at url, as another process (the CLI,
// another app instance) would have; the pool closes with t.
func Open(t testing.TB, url string) *models.Store {
	t.Helper()
	return Connect(t, url).Store
}

// NewEmptySQLDB returns a database with no schema at all, for migration tests.
func NewEmptySQLDB(t testing.TB) *sql.DB {
	t.Helper()
	skipShort(t)
	return pgtestdb.New(t, config(), pgtestdb.NoopMigrator{})
}

// Staff creates an account with the given role and the password Password.
func Staff(t testing.TB, db DB, email, role string) models.StaffUser {
	t.Helper()
	u, err := models.NewStaffUser(models.StaffInput{Email: email, Name: nameOf(email), Role: role, Password: Password})
	if err != nil {
		t.Fatalf("new staff user: %v", err)
	}
	u, err = db.Store.CreateStaffUser(context.Background(), u)
	if err != nil {
		t.Fatalf("create staff user: %v", err)
	}
	return u
}

// Password is the password of every account the builders make.
const Password = "correct horse battery staple"

func nameOf(email string) string {
	for i, r := range email {
		if r == '@' {
			return email[:i]
		}
	}
	return email
}

// Event creates a live event with the given slug and interests, running today and tomorrow.
func Event(t testing.TB, db DB, slug string, interests ...string) models.Event {
	t.Helper()
	in := models.EventInput{Name: "Event " + slug, Slug: slug, Company: "Acme Robotics", Venue: "Hall B",
		StartsOn: "2026-11-25", EndsOn: "2026-11-26", TimeZone: "Europe/Berlin", Status: models.StatusLive}
	for i, it := range interests {
		if i > 0 {
			in.Interests += ","
		}
		in.Interests += it
	}
	ev, err := models.ApplyEventInput(models.Event{}, in)
	if err != nil {
		t.Fatalf("event input: %v", err)
	}
	ev, err = db.Store.CreateEvent(context.Background(), 0, ev, "", "")
	if err != nil {
		t.Fatalf("create event: %v", err)
	}
	return ev
}

// NewEmpty returns the URL of a database with no schema, for code that migrates it itself.
func NewEmpty(t testing.TB) string {
	t.Helper()
	skipShort(t)
	return pgtestdb.Custom(t, config(), pgtestdb.NoopMigrator{}).URL()
}
