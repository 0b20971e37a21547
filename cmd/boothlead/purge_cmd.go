package main

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/boothlead/boothlead/models"
)

// purge applies retention: leads past their event's retention period are deleted.
func (e env) purge(ctx context.Context, args []string) error {
	fs := newFlags("purge")
	dry := fs.Bool("dry-run", false, "only count what would be deleted")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	return e.withStore(ctx, func(_ config, _ *sql.DB, store *models.Store) error {
		res, err := store.Purge(ctx, *dry)
		if err != nil {
			return err
		}
		verb := "deleted"
		if *dry {
			verb = "would delete"
		}
		fmt.Fprintf(e.stdout, "purge: %s %d lead(s) past retention, from %d event(s)\n", verb, res.Leads, res.Events)
		return nil
	})
}
