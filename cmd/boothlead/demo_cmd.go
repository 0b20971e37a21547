package main

import (
	"context"
	"database/sql"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
)

// demoAccount is one account the demo signs in with.
type demoAccount struct{ email, name, role string }

var demoAccounts = []demoAccount{
	{"demo.admin@boothlead.example", "Ada Admin", models.RoleAdmin},
	{"demo.recruiter@boothlead.example", "Rita Recruiter", models.RoleRecruiter},
	{"demo.mei@boothlead.example", "林美 Mei Lin", models.RoleStaff},
	{"demo.jonas@boothlead.example", "Jonas Weber", models.RoleStaff},
	{"demo.amara@boothlead.example", "Amara Okafor", models.RoleStaff},
	{"demo.sofia@boothlead.example", "Sofía Ramírez", models.RoleStaff},
}

const demoZone = "Europe/Berlin"

// demo seeds a two-day demo event (the two days before today) with staff accounts, a few hundred
// leads, conversations, ratings and consents, and prints how to sign in. Every run makes a new
// event (demo, demo-2, …) and gives the demo accounts a new random password, printed once.
func (e env) demo(ctx context.Context, args []string) error {
	fs := newFlags("demo")
	n := fs.Int("leads", 300, "how many sample leads")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	if *n < 1 || *n > 20000 {
		return usagef("demo: --leads must be between 1 and 20000")
	}
	return e.withStore(ctx, func(cfg config, _ *sql.DB, store *models.Store) error {
		password := models.NewToken(12)
		var staffIDs []int64
		var adminID int64
		for _, a := range demoAccounts {
			u, err := models.NewStaffUser(models.StaffInput{Email: a.email, Name: a.name, Role: a.role, Password: password})
			if err != nil {
				return fmt.Errorf("demo: account %s: %w", a.email, err)
			}
			if u, err = store.UpsertStaffUser(ctx, u); err != nil {
				return err
			}
			switch a.role {
			case models.RoleAdmin:
				adminID = u.ID
			case models.RoleStaff:
				staffIDs = append(staffIDs, u.ID)
			}
		}
		slug, err := store.FreeSlug(ctx, "demo")
		if err != nil {
			return err
		}
		loc, err := time.LoadLocation(demoZone)
		if err != nil {
			return fmt.Errorf("demo: time zone: %w", err)
		}
		now := time.Now().In(loc)
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
		days := []time.Time{today.AddDate(0, 0, -2), today.AddDate(0, 0, -1)}
		name := "Demo Conference"
		if slug != "demo" {
			name += " " + slug[len("demo-"):]
		}
		ev, err := models.ApplyEventInput(models.Event{}, models.EventInput{Name: name, Slug: slug, Company: cfg.Company,
			Venue: "Hall B, booth 12", StartsOn: days[0].Format("2006-01-02"), EndsOn: days[1].Format("2006-01-02"),
			TimeZone: demoZone, Interests: "Backend (Go),Data & ML,SRE / Platform,Frontend,Security,Internships",
			Status: models.StatusLive, RetentionDays: "90"})
		if err != nil {
			return fmt.Errorf("demo: event: %w", err)
		}
		if ev, err = store.CreateEvent(ctx, adminID, ev, "", ""); err != nil {
			return err
		}
		leads := models.DemoLeads(models.DemoOptions{Leads: *n, Days: days, Interests: ev.Interests,
			Staff: staffIDs, Seed: uint64(ev.ID)})
		if err := store.SeedLeads(ctx, ev, leads); err != nil {
			return err
		}
		convs := 0
		for _, l := range leads {
			convs += len(l.Conversations)
		}
		if err := store.Audit(ctx, 0, "demo.seed", ev.ID, ev.Slug, map[string]any{"leads": len(leads)}); err != nil {
			return err
		}
		out := e.stdout
		fmt.Fprintf(out, "Demo event %q is ready: %d leads and %d conversations over two days (slug %s).\n\n",
			ev.Name, len(leads), convs, ev.Slug)
		fmt.Fprintf(out, "Sign in at %s%s with one of these accounts. Their password (new on every run):\n\n    %s\n\n",
			cfg.BaseURL, paths.Login(), password)
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		for _, a := range demoAccounts {
			what := "booth staff: the board, scanning, notes"
			switch a.role {
			case models.RoleAdmin:
				what = "everything, including events and staff accounts"
			case models.RoleRecruiter:
				what = "the leads table, CSV exports and charts"
			}
			fmt.Fprintf(tw, "    %s\t%s\t%s\n", a.role, a.email, what)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(out, "\nBooth board:  %s%s\n", cfg.BaseURL, paths.Event(ev.Slug))
		fmt.Fprintf(out, "Leads table:  %s%s\n", cfg.BaseURL, paths.Leads(ev.Slug))
		fmt.Fprintf(out, "Charts:       %s%s\n", cfg.BaseURL, paths.Charts(ev.Slug))
		fmt.Fprintln(out, "\nRun `boothlead demo` again for another demo event (demo-2, demo-3, …); each run gives the",
			"demo accounts a new password.")
		return nil
	})
}
