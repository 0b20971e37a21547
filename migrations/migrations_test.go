package migrations_test

import (
	"context"
	"testing"

	"github.com/boothlead/boothlead/migrations"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// Up, down to zero and up again must all work on a real database: every Down undoes its Up.
func TestUpDownUp(t *testing.T) {
	t.Parallel()
	db := modelstest.NewEmptySQLDB(t)
	ctx := context.Background()

	n, err := migrations.Up(ctx, db)
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	if n == 0 {
		t.Fatal("up applied no migrations")
	}
	if p, err := migrations.Pending(ctx, db); err != nil || p != 0 {
		t.Fatalf("pending after up = %d, %v; want 0", p, err)
	}
	if err := migrations.DownTo(ctx, db, 0); err != nil {
		t.Fatalf("down to 0: %v", err)
	}
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Fatalf("%d tables left after down to 0", tables)
	}
	if p, err := migrations.Pending(ctx, db); err != nil || p != n {
		t.Fatalf("pending after down = %d, %v; want %d", p, err, n)
	}
	if m, err := migrations.Up(ctx, db); err != nil || m != n {
		t.Fatalf("second up applied %d, %v; want %d", m, err, n)
	}
}

// 00010 moves the private links handed out before it into lead_links, as hashes: the links in
// candidates' bookmarks keep working, and the database no longer holds them in the clear.
func TestPrivateLinksSurviveAsHashes(t *testing.T) {
	t.Parallel()
	db := modelstest.NewEmptySQLDB(t)
	ctx := context.Background()
	if _, err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := migrations.DownTo(ctx, db, 9); err != nil {
		t.Fatal(err)
	}
	_, err := db.ExecContext(ctx, `
		INSERT INTO events (slug, name, company, starts_on, ends_on, time_zone, checkin_key)
		VALUES ('old', 'Old', 'Acme', '2026-01-01', '2026-01-02', 'UTC', 'a-check-in-key-of-enough-length');
		INSERT INTO leads (event_id, name, email, source, personal_token, self_token)
		VALUES ((SELECT id FROM events), 'Ada', 'ada@example.com', 'self_checkin', 'p-token', 'the-old-self-token')`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM lead_links WHERE token_hash = $1 AND purpose = 'self'`,
		models.HashToken("the-old-self-token")).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the old private link as a hash: %d rows, %v", n, err)
	}
	var cols int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.columns
		WHERE table_name = 'leads' AND column_name = 'self_token'`).Scan(&cols); err != nil || cols != 0 {
		t.Fatalf("leads.self_token still there: %d, %v", cols, err)
	}
}

// 00017's Down refuses to drop consent texts in other languages: consents point at them.
func TestLanguagesDownRefusesToDropConsentTexts(t *testing.T) {
	t.Parallel()
	db := modelstest.NewEmptySQLDB(t)
	ctx := context.Background()
	if _, err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	_, err := db.ExecContext(ctx, `
		INSERT INTO events (slug, name, company, starts_on, ends_on, time_zone, checkin_key)
		VALUES ('ev', 'Ev', 'Acme', '2026-01-01', '2026-01-02', 'UTC', 'a-check-in-key-of-enough-length');
		INSERT INTO consent_texts (event_id, purpose, language, version, body, sha256)
		VALUES ((SELECT id FROM events), 'contact', 'de', 1, 'Ja.', 'x')`)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrations.DownTo(ctx, db, 16); err == nil {
		t.Fatal("down past 00017 dropped the German consent text")
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM consent_texts WHERE language = 'de'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the German text after the refused down: %d, %v", n, err)
	}
}
