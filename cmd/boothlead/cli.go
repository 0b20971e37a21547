package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/boothlead/boothlead/handlers"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
)

// parseFlags parses args into fs; any error or stray argument is a one-line usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return usagef("%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// validationLine turns field errors into one line naming the flags.
func validationLine(cmd string, ve *models.ValidationError, flagOf map[string]string) error {
	keys := make([]string, 0, len(ve.Fields))
	for k := range ve.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		name := k
		if f, ok := flagOf[k]; ok {
			name = f
		}
		parts = append(parts, name+": "+ve.Fields[k])
	}
	return usagef("%s: %s", cmd, strings.Join(parts, "; "))
}

func (e env) user(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usagef("usage: boothlead user add --email E --name N --role admin|recruiter|staff (password on stdin)")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := fs.String("email", "", "email address (sign-in name)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, recruiter or staff")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case *email == "":
		return usagef("user add: --email is required")
	case *name == "":
		return usagef("user add: --name is required")
	case *role == "":
		return usagef("user add: --role is required (admin, recruiter or staff)")
	}
	pw, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("user add: read password from stdin: %w", err)
	}
	pw = strings.TrimRight(pw, "\r\n")
	if pw == "" {
		return usagef("user add: give the password on stdin (first line), e.g. echo 'secret words' | boothlead user add …")
	}
	u, err := models.NewStaffUser(models.StaffInput{Email: *email, Name: *name, Role: *role, Password: pw})
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return validationLine("user add", ve, map[string]string{"email": "--email", "name": "--name", "role": "--role", "password": "password"})
	}
	return e.withStore(ctx, func(_ config, _ *sql.DB, store *models.Store) error {
		u, err := store.CreateStaffUser(ctx, u)
		if errors.As(err, &ve) {
			return validationLine("user add", ve, map[string]string{"email": "--email"})
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created %s account %s (id %d)\n", u.Role, u.Email, u.ID)
		return nil
	})
}

func (e env) event(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usagef("usage: boothlead event add --name N [--slug S] [--starts YYYY-MM-DD] [--ends YYYY-MM-DD] [--interests \"A,B,C\"]")
	}
	fs := flag.NewFlagSet("event add", flag.ContinueOnError)
	name := fs.String("name", "", "event name")
	slug := fs.String("slug", "", "short name used in addresses")
	starts := fs.String("starts", "", "first day, YYYY-MM-DD (default today)")
	ends := fs.String("ends", "", "last day, YYYY-MM-DD (default the first day)")
	interests := fs.String("interests", "", "comma-separated interest options")
	company := fs.String("company", "", "company collecting the leads (default COMPANY_NAME)")
	venue := fs.String("venue", "", "venue")
	tz := fs.String("time-zone", "UTC", "IANA time zone of the event")
	retention := fs.String("retention-days", "90", "days after the last day to keep leads")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *name == "" {
		return usagef("event add: --name is required")
	}
	if *starts == "" {
		*starts = time.Now().Format("2006-01-02")
	}
	if *ends == "" {
		*ends = *starts
	}
	return e.withStore(ctx, func(cfg config, _ *sql.DB, store *models.Store) error {
		if *company == "" {
			*company = cfg.Company
		}
		in := models.EventInput{Name: *name, Slug: *slug, Company: *company, Venue: *venue, StartsOn: *starts,
			EndsOn: *ends, TimeZone: *tz, Interests: *interests, Status: models.StatusLive, RetentionDays: *retention}
		flags := map[string]string{"name": "--name", "slug": "--slug", "starts_on": "--starts", "ends_on": "--ends",
			"interests": "--interests", "company": "--company", "venue": "--venue", "time_zone": "--time-zone",
			"retention_days": "--retention-days"}
		ev, err := models.ApplyEventInput(models.Event{}, in)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			return validationLine("event add", ve, flags)
		}
		ev, err = store.CreateEvent(ctx, 0, ev, "", "")
		if errors.As(err, &ve) {
			return validationLine("event add", ve, flags)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created live event %q (slug: %s)\n", ev.Name, ev.Slug)
		fmt.Fprintf(e.stdout, "booth board: %s%s\n", cfg.BaseURL, paths.Event(ev.Slug))
		fmt.Fprintf(e.stdout, "poster:      %s%s\n", cfg.BaseURL, paths.Poster(ev.Slug))
		fmt.Fprintln(e.stdout, handlers.CheckInURL(cfg.BaseURL, ev))
		return nil
	})
}
