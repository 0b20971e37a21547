package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/boothlead/boothlead/handlers"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
)

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
		parts = append(parts, name+": "+strings.TrimSuffix(ve.Fields[k], "."))
	}
	return usagef("%s: %s", cmd, strings.Join(parts, "; "))
}

func (e env) user(ctx context.Context, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "add":
		return e.userAdd(ctx, args)
	case "deactivate":
		return e.userDeactivate(ctx, args)
	case "--help", "-help", "-h", "help":
		return e.parseFlags(newFlags("user"), []string{"--help"})
	}
	return usagef("user: say what to do: boothlead user add|deactivate (see boothlead user --help)")
}

func (e env) userAdd(ctx context.Context, args []string) error {
	fs := newFlags("user add")
	email := fs.String("email", "", "email address (sign-in name)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, recruiter or staff")
	if err := e.parseFlags(fs, args); err != nil {
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
	flags := map[string]string{"email": "--email", "name": "--name", "role": "--role", "password": "password"}
	in := models.StaffInput{Email: *email, Name: *name, Role: *role, Password: "a placeholder that passes"}
	var ve *models.ValidationError
	if _, err := models.NewStaffUser(in); errors.As(err, &ve) { // the flags first, before asking for a password
		return validationLine("user add", ve, flags)
	}
	pw, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("user add: read password from stdin: %w", err)
	}
	in.Password = strings.TrimRight(pw, "\r\n")
	if in.Password == "" {
		return usagef("user add: give the password on stdin (first line), e.g. echo 'secret words' | boothlead user add …")
	}
	u, err := models.NewStaffUser(in)
	if errors.As(err, &ve) {
		return validationLine("user add", ve, flags)
	}
	return e.withStore(ctx, func(_ config, _ *sql.DB, store *models.Store) error {
		u, err := store.CreateStaffUser(ctx, u)
		if errors.As(err, &ve) {
			return validationLine("user add", ve, flags)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created %s account %s (id %d)\n", u.Role, u.Email, u.ID)
		return nil
	})
}

// userDeactivate ends an account from the command line, as the staff page does: the running
// servers hear of it through the database and close its live streams within seconds.
func (e env) userDeactivate(ctx context.Context, args []string) error {
	fs := newFlags("user deactivate")
	email := fs.String("email", "", "email address of the account")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return usagef("user deactivate: --email is required")
	}
	return e.withStore(ctx, func(_ config, _ *sql.DB, store *models.Store) error {
		u, err := store.StaffUserByEmail(ctx, *email)
		if errors.Is(err, models.ErrNotFound) {
			return usagef("user deactivate: --email: there is no account with the email %q", *email)
		}
		if err != nil {
			return err
		}
		ds, err := store.ActiveDevices(ctx)
		if err != nil {
			return err
		}
		n := 0
		for _, d := range ds {
			if d.UserID == u.ID {
				n++
			}
		}
		if err := store.SetStaffActive(ctx, 0, u.ID, false); err != nil {
			return err
		}
		was := ""
		if !u.Active {
			was = " (it was deactivated already)"
		}
		fmt.Fprintf(e.stdout, "deactivated %s%s: %d signed-in device(s) and tablet(s) ended, open live boards close "+
			"within seconds; its reset links and sign-in codes no longer work\n", u.Email, was, n)
		return nil
	})
}

func (e env) event(ctx context.Context, args []string) error {
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
		args = []string{"add", "--help"}
	}
	if len(args) == 0 || args[0] != "add" {
		return usagef("event: say what to do: boothlead event add --name N … (see boothlead event add --help)")
	}
	fs := newFlags("event add")
	name := fs.String("name", "", "event name")
	slug := fs.String("slug", "", "short name used in addresses")
	starts := fs.String("starts", "", "first day, YYYY-MM-DD (default today)")
	ends := fs.String("ends", "", "last day, YYYY-MM-DD (default the first day)")
	interests := fs.String("interests", "", "comma-separated interest options")
	company := fs.String("company", "", "company collecting the leads (default COMPANY_NAME)")
	venue := fs.String("venue", "", "venue")
	tz := fs.String("time-zone", "UTC", "IANA time zone of the event, like Europe/Berlin")
	retention := fs.String("retention-days", "90", "days after the last day to keep leads")
	if err := e.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *name == "" {
		return usagef("event add: --name is required")
	}
	if *starts == "" {
		*starts = time.Now().Format("2006-01-02")
	}
	endsGiven := *ends != ""
	if !endsGiven {
		*ends = *starts
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	if *company == "" {
		*company = cfg.Company
	}
	in := models.EventInput{Name: *name, Slug: *slug, Company: *company, Venue: *venue, StartsOn: *starts,
		EndsOn: *ends, TimeZone: *tz, Interests: *interests, Status: models.StatusLive, RetentionDays: *retention}
	flags := map[string]string{"name": "--name", "slug": "--slug", "starts_on": "--starts", "ends_on": "--ends",
		"interests": "--interests", "company": "--company", "venue": "--venue", "time_zone": "--time-zone",
		"retention_days": "--retention-days"}
	ev, err := models.ApplyEventInput(models.Event{}, in) // the flags first, before the database
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		if _, bad := ve.Fields["starts_on"]; bad && !endsGiven {
			delete(ve.Fields, "ends_on") // it only copied --starts: name the flag that was given
		}
		return validationLine("event add", ve, flags)
	}
	return e.withStore(ctx, func(cfg config, _ *sql.DB, store *models.Store) error {
		ev, err := store.CreateEvent(ctx, 0, ev, "", "")
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
