package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/boothlead/boothlead/models"
)

const questionUsage = `usage: boothlead question add --event SLUG --key K --label L --type text|choice|multi|yesno [--options "A,B"] [--required]`

// question adds a custom question at the end of an event's check-in form (field q.<key>).
func (e env) question(ctx context.Context, args []string) error {
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
		args = []string{"add", "--help"}
	}
	if len(args) == 0 || args[0] != "add" {
		return usagef("question: say what to do: boothlead question add --event SLUG --key K --label L --type T (see boothlead question add --help)")
	}
	fs := newFlags("question add")
	slug := fs.String("event", "", "slug of the event")
	key := fs.String("key", "", "short name: the form field q.<key>, the export's and the filter's name (a-z, 0-9, _ and -)")
	label := fs.String("label", "", "the question as candidates read it (and the export's column header)")
	kind := fs.String("type", "", "text, choice (one option), multi (several options) or yesno")
	options := fs.String("options", "", "the options of choice and multi, separated by commas")
	required := fs.Bool("required", false, "candidates must answer it")
	if err := e.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case *slug == "":
		return usagef("question add: --event is required (%s)", questionUsage)
	case *key == "":
		return usagef("question add: --key is required")
	case *label == "":
		return usagef("question add: --label is required")
	case *kind == "":
		return usagef("question add: --type is required (text, choice, multi or yesno)")
	}
	flags := map[string]string{"key": "--key", "label": "--label", "kind": "--type", "options": "--options"}
	q, err := models.NewQuestion(models.QuestionInput{Key: *key, Label: *label, Kind: *kind, Options: *options, Required: *required})
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return validationLine("question add", ve, flags)
	}
	return e.withStore(ctx, func(_ config, _ *sql.DB, store *models.Store) error {
		ev, err := store.EventBySlug(ctx, *slug)
		if errors.Is(err, models.ErrNotFound) {
			return usagef("question add: --event: no event with the slug %q", *slug)
		}
		if err != nil {
			return err
		}
		q, err := store.AddQuestion(ctx, 0, ev, q)
		if errors.As(err, &ve) {
			return validationLine("question add", ve, flags)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added question %q (%s) to %s: check-in form field %s\n", q.Label, q.Kind, ev.Slug, q.Field())
		return nil
	})
}

// isHelp reports whether the arguments ask for help.
