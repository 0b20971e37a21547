package models_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Postgres quotes values in its error messages; the log text of such an error keeps our
// operation and the SQLSTATE, never the value.
func TestSafeErrorTextDropsWhatPostgresQuoted(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	for _, q := range []string{
		`SELECT 'grace.hopper@example.com'::uuid`,
		`SELECT convert_from('\x4772616365e920486f70706572'::bytea, 'UTF8')`,
		`DO $$ BEGIN RAISE EXCEPTION 'row %', 'grace.hopper@example.com'; END $$`,
	} {
		err := db.Gorm.Exec(q).Error
		if err == nil {
			t.Fatalf("%s did not fail", q)
		}
		wrapped := fmt.Errorf("models: the operation: %w", err)
		got := models.SafeErrorText(wrapped)
		if strings.Contains(got, "grace") || strings.Contains(got, "Grace") || strings.Contains(got, "0xe9") ||
			!strings.HasPrefix(got, "models: the operation: postgres error SQLSTATE ") {
			t.Errorf("%s: %q (from %q)", q, got, wrapped)
		}
	}
	if got := models.SafeErrorText(errors.New("models: plain")); got != "models: plain" {
		t.Errorf("a plain error: %q", got)
	}
}

// gorm logs slow statements as SQL with placeholders, never with their values, and does not
// log failed ones (the request log does, once, through SafeErrorText).
func TestGormLogsNoValues(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	var logs lockedBuffer
	gdb, err := gorm.Open(postgres.New(postgres.Config{Conn: db.SQL}), models.GormConfigLog(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	var s string
	if err := gdb.Raw(`SELECT ?::text FROM pg_sleep(1.05)`, "grace.hopper@example.com").Row().Scan(&s); err != nil {
		t.Fatal(err)
	}
	gdb.Exec(`INSERT INTO staff_users (email, name, role, password_hash) VALUES (?, ?, 'nope', 'x')`, "grace@example.com", "Grace Hopper")
	out := logs.String()
	if !strings.Contains(out, "slow query") || strings.Contains(out, "grace") || strings.Contains(out, "Grace") {
		t.Errorf("gorm's log:\n%s", out)
	}
}

// IsUnavailable tells an unreachable database from a refused query.
func TestIsUnavailable(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	proxy := modelstest.NewProxy(t, db.URL)
	via := modelstest.Connect(t, proxy.URL(db.URL))
	ctx := context.Background()
	if _, err := via.Store.StaffCount(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Gorm.Exec(`SELECT 1/0`).Error; err == nil || models.IsUnavailable(err) {
		t.Errorf("a refused query counts as unavailable: %v", err)
	}
	proxy.Cut()
	for range 3 { // a pooled connection that died, then new ones refused
		_, err := via.Store.StaffCount(ctx)
		if err == nil || !models.IsUnavailable(err) {
			t.Errorf("with the database cut: %v (%T)", err, errors.Unwrap(err))
		}
	}
}

// A board's replay gives every lead changed after its cursor once, oldest change first, plus
// those changed in the seconds before it (a slower transaction may commit a lower number late).
func TestLeadChangesSince(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "changes", "Go")
	lead := func(name string) models.Lead {
		in, err := models.CheckLead(ev, models.LeadInput{Name: name, Email: strings.ToLower(name) + "@example.com", Consent: true}, true)
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.Store.CheckIn(ctx, ev, in)
		if err != nil {
			t.Fatal(err)
		}
		return res.Lead
	}
	zulu, yankee, alpha := lead("Zulu"), lead("Yankee"), lead("Alpha")
	db.Gorm.Exec(`UPDATE lead_changes SET at = at - interval '1 hour' WHERE lead_id = ?`, zulu.ID)
	cursor, err := db.Store.BoardCursor(ctx, ev.ID) // a board that has seen Alpha, the latest
	if err != nil || cursor == 0 {
		t.Fatalf("cursor %d, %v", cursor, err)
	}
	b, c := lead("Bravo"), lead("Charlie")
	lead("Bravo") // a repeat: Bravo changed again, last
	got, more, err := db.Store.LeadChangesSince(ctx, ev.ID, cursor, 10)
	if err != nil || more {
		t.Fatal(err, more)
	}
	var ids []string
	for _, ch := range got {
		ids = append(ids, ch.LeadID)
	}
	// Yankee changed seconds before the cursor: it comes again (in case it committed late);
	// Zulu, an hour before, does not; nor does Alpha, the cursor itself.
	if strings.Join(ids, ",") != yankee.ID+","+c.ID+","+b.ID {
		t.Errorf("replay %v, want Yankee, Charlie, Bravo (Alpha is %s, Zulu %s)", got, alpha.ID, zulu.ID)
	}
	if _, more, _ := db.Store.LeadChangesSince(ctx, ev.ID, 0, 2); !more {
		t.Error("a replay longer than the limit does not say so")
	}
}
