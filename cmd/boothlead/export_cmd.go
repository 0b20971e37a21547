package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/boothlead/boothlead/export"
	"github.com/boothlead/boothlead/handlers"
	"github.com/boothlead/boothlead/models"
)

// export writes an event's leads as CSV or XLSX on stdout, through the same code as the web export
// (and with the same audit row, actor empty, via "cli"). The filter flags mirror the leads
// table's. What an ATS preset leaves out is said on stderr.
func (e env) export(ctx context.Context, args []string) error {
	fs := newFlags("export")
	slug := fs.String("event", "", "slug of the event")
	preset := fs.String("preset", "generic", "generic, greenhouse or lever")
	bom := fs.Bool("bom", false, "start with a UTF-8 BOM so Excel reads accents right (CSV only)")
	format := fs.String("format", "csv", "csv or xlsx")
	filters := map[string]*string{}
	for _, name := range []string{"rating", "interest", "tag", "source", "staff", "pool", "from", "to", "q", "sort", "dir"} {
		filters[name] = fs.String(name, "", "filter, as on the leads page")
	}
	answers := url.Values{} // the event's questions, as on the leads page: a.<key> (is) and t.<key> (contains)
	answer := func(prefix string) func(string) error {
		return func(v string) error {
			key, val, ok := strings.Cut(v, "=")
			if !ok || key == "" {
				return errors.New("give KEY=VALUE")
			}
			answers.Add(prefix+key, val)
			return nil
		}
	}
	fs.Func("answer", "KEY=VALUE: leads whose answer to question KEY is VALUE (repeatable)", answer("a."))
	fs.Func("answer-contains", "KEY=TEXT: leads whose answer to question KEY holds TEXT (repeatable)", answer("t."))
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	if *slug == "" {
		return usagef("export: --event is required (usage: boothlead export --event SLUG [--preset generic|greenhouse|lever] [--format csv|xlsx] [--bom])")
	}
	p, err := export.ParsePreset(*preset)
	if err != nil {
		return usagef("export: --preset: %q is not a preset (generic, greenhouse or lever)", *preset)
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		return usagef("export: --format: %v", err)
	}
	if f == export.XLSX && *bom {
		return usagef("export: --bom is for CSV; an XLSX file needs none")
	}
	if f == export.XLSX && isTerminal(e.stdout) {
		return usagef("export: an XLSX file is binary: redirect it to a file (boothlead export … --format xlsx > leads.xlsx)")
	}
	q := answers
	for name, v := range filters {
		if *v == "" {
			continue
		}
		if name == "rating" { // --rating hot,warm
			q[name] = strings.Split(*v, ",")
		} else {
			q.Set(name, *v)
		}
	}
	return e.withStore(ctx, func(_ config, _ *sql.DB, store *models.Store) error {
		ev, err := store.EventBySlug(ctx, *slug)
		if errors.Is(err, models.ErrNotFound) {
			return usagef("export: there is no event with the slug %q", *slug)
		}
		if err != nil {
			return err
		}
		filter, err := models.ParseLeadFilter(q, ev)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			flags := map[string]string{}
			for k := range ve.Fields {
				flags[k] = "--" + k
				if key, ok := strings.CutPrefix(k, "a."); ok {
					flags[k] = "--answer " + key
				} else if key, ok := strings.CutPrefix(k, "t."); ok {
					flags[k] = "--answer-contains " + key
				}
			}
			return validationLine("export", ve, flags)
		}
		if err != nil {
			return err
		}
		job := handlers.ExportJob{Event: ev, Filter: filter, Preset: p, Format: f, BOM: *bom, Via: handlers.ExportViaCLI}
		res, err := handlers.WriteExport(ctx, store, job, e.stdout, nil)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if p.ForATS() {
			msg := fmt.Sprintf("export: wrote %d %s as %s", res.Rows, plural(res.Rows, "lead", "leads"), p.Label())
			if lo := res.LeftOut; lo.Total() > 0 {
				msg += fmt.Sprintf("; %d left out: %s (an ATS import needs a name, an email address and a contact consent)",
					lo.Total(), lo.Reasons())
			}
			fmt.Fprintln(e.stderr, msg+".")
		}
		return nil
	})
}

// isTerminal reports whether w is a terminal (a character device), where binary output is junk.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
