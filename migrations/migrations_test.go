package migrations_test

import (
	"context"
	"testing"

	"github.com/boothlead/boothlead/migrations"
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
