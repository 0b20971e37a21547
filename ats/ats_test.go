package ats_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/boothlead/boothlead/ats"
	"github.com/boothlead/boothlead/ats/atstest"
)

var ada = ats.Lead{FirstName: "Ada", LastName: "Lovelace", Name: "Ada Lovelace", Email: "ada@example.org",
	Phone: "+44 20 7946 0000", Company: "Analytical Engines", Title: "Engineer",
	LinkedIn: "https://www.linkedin.com/in/ada", GitHub: "https://github.com/ada", Tags: []string{"hot"}}

func client(t *testing.T, provider string, srv *atstest.Server, key string) ats.Client {
	t.Helper()
	s := ats.Settings{APIKey: key, OnBehalfOf: "4080", Source: "1234", Tags: []string{"EuroPython 2026"}, BaseURL: srv.URL}
	if provider == ats.Lever {
		s.OnBehalfOf, s.Source = "8d49b010-cc6a-4f40-ace5-e86061c677ed", "EuroPython booth"
	}
	c, err := ats.New(provider, s, &http.Client{Timeout: 5 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func asError(t *testing.T, err error) *ats.Error {
	t.Helper()
	var e *ats.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *ats.Error", err, err)
	}
	return e
}

func TestGreenhouseCreatesAProspectAsDocumented(t *testing.T) {
	srv := atstest.Greenhouse(t, "gh-key")
	c := client(t, ats.Greenhouse, srv, "gh-key")
	id, err := c.Create(context.Background(), ada)
	if err != nil || id == "" {
		t.Fatalf("Create = %q, %v", id, err)
	}
	reqs := srv.Requests()
	r := reqs[len(reqs)-1]
	if r.Method != http.MethodPost || r.Path != "/v1/prospects" || r.Header.Get("On-Behalf-Of") != "4080" {
		t.Fatalf("request %s %s On-Behalf-Of %q", r.Method, r.Path, r.Header.Get("On-Behalf-Of"))
	}
	if got := r.Header.Get("Authorization"); got != "Basic Z2gta2V5Og==" { // base64("gh-key:")
		t.Fatalf("Authorization %q", got)
	}
	b := r.Body
	if b["first_name"] != "Ada" || b["last_name"] != "Lovelace" || b["company"] != "Analytical Engines" {
		t.Fatalf("body %v", b)
	}
	emails := b["email_addresses"].([]any)[0].(map[string]any)
	if emails["value"] != "ada@example.org" || emails["type"] != "personal" {
		t.Fatalf("email_addresses %v", b["email_addresses"])
	}
	if app := b["application"].(map[string]any); app["source_id"] != float64(1234) {
		t.Fatalf("application %v", app)
	}
	if tags := b["tags"].([]any); len(tags) != 2 || tags[0] != "EuroPython 2026" || tags[1] != "hot" {
		t.Fatalf("tags %v", tags)
	}
	found, ok, err := c.Find(context.Background(), "ADA@example.org")
	if err != nil || !ok || found != id {
		t.Fatalf("Find = %q, %v, %v; want %q", found, ok, err, id)
	}
	if _, ok, _ := c.Find(context.Background(), "nobody@example.org"); ok {
		t.Fatal("Find found a stranger")
	}
}

func TestLeverCreatesASourcedOpportunityAsDocumented(t *testing.T) {
	srv := atstest.Lever(t, "lv-key")
	c := client(t, ats.Lever, srv, "lv-key")
	id, err := c.Create(context.Background(), ada)
	if err != nil || id == "" {
		t.Fatalf("Create = %q, %v", id, err)
	}
	r := srv.Requests()[0]
	if r.Path != "/v1/opportunities" || r.Query != "perform_as=8d49b010-cc6a-4f40-ace5-e86061c677ed" {
		t.Fatalf("request %s?%s", r.Path, r.Query)
	}
	b := r.Body
	if b["name"] != "Ada Lovelace" || b["origin"] != "sourced" || b["headline"] != "Engineer, Analytical Engines" {
		t.Fatalf("body %v", b)
	}
	if s := b["sources"].([]any); len(s) != 1 || s[0] != "EuroPython booth" {
		t.Fatalf("sources %v", s)
	}
	if e := b["emails"].([]any); len(e) != 1 || e[0] != "ada@example.org" {
		t.Fatalf("emails %v", e)
	}
	if l := b["links"].([]any); len(l) != 2 {
		t.Fatalf("links %v", l)
	}
	if found, ok, err := c.Find(context.Background(), "ada@example.org"); err != nil || !ok || found != id {
		t.Fatalf("Find = %q, %v, %v", found, ok, err)
	}
}

func TestErrorsSayWhetherToRetry(t *testing.T) {
	for _, provider := range []string{ats.Greenhouse, ats.Lever} {
		t.Run(provider, func(t *testing.T) {
			srv := atstest.Greenhouse(t, "key")
			if provider == ats.Lever {
				srv = atstest.Lever(t, "key")
			}
			ctx := context.Background()

			e := asError(t, func() error { _, err := client(t, provider, srv, "wrong").Create(ctx, ada); return err }())
			if e.Status != http.StatusUnauthorized || !e.Retry || e.Uncertain {
				t.Errorf("wrong key: %+v", e)
			}

			c := client(t, provider, srv, "key")
			noName := ada
			noName.LastName, noName.Name = "", ""
			e = asError(t, func() error { _, err := c.Create(ctx, noName); return err }())
			if e.Retry || e.Status/100 != 4 || e.Message == "" {
				t.Errorf("invalid lead: %+v", e)
			}

			srv.Fail(http.StatusServiceUnavailable, 1)
			e = asError(t, func() error { _, err := c.Create(ctx, ada); return err }())
			if !e.Retry || !e.Uncertain || e.Status != http.StatusServiceUnavailable {
				t.Errorf("503: %+v", e)
			}

			srv.RateLimit(1, time.Minute)
			if _, err := c.Create(ctx, ada); err != nil {
				t.Fatalf("first request in the window: %v", err)
			}
			e = asError(t, func() error { _, err := c.Create(ctx, ada); return err }())
			if e.Status != http.StatusTooManyRequests || !e.Retry || e.Uncertain {
				t.Errorf("429: %+v", e)
			}
			if provider == ats.Greenhouse && (e.After <= 0 || e.After > time.Minute+time.Second) {
				t.Errorf("Greenhouse's Retry-After not read: %v", e.After)
			}
			srv.RateLimit(0, 0)

			srv.DropAnswers(1)
			e = asError(t, func() error { _, err := c.Create(ctx, ada); return err }())
			if !e.Retry || !e.Uncertain || e.Status != 0 {
				t.Errorf("dropped answer: %+v", e)
			}
		})
	}
}

func TestMaskHidesAddresses(t *testing.T) {
	got := ats.Mask("Email ada@example.org is already taken by <bob@example.com>")
	if strings.Contains(got, "@") {
		t.Fatalf("Mask = %q", got)
	}
}

func TestCheckSettings(t *testing.T) {
	if errs := ats.CheckSettings(ats.Greenhouse, ats.Settings{APIKey: "k", OnBehalfOf: "12", Source: "34"}); len(errs) != 0 {
		t.Fatalf("valid Greenhouse settings: %v", errs)
	}
	errs := ats.CheckSettings(ats.Greenhouse, ats.Settings{OnBehalfOf: "ada@example.org", Source: "Booth"})
	for _, f := range []string{"api_key", "on_behalf_of", "source"} {
		if errs[f] == "" {
			t.Errorf("no error for %s: %v", f, errs)
		}
	}
	if errs := ats.CheckSettings(ats.Lever, ats.Settings{APIKey: "k", OnBehalfOf: "uuid", Source: "Booth"}); len(errs) != 0 {
		t.Fatalf("valid Lever settings: %v", errs)
	}
}
