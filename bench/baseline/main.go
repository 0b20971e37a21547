// Command baseline is the bare check-in server `make bench` compares the app with: net/http,
// the same form fields parsed, and one pgx upsert into the same leads table (same unique index,
// same visit counting) per check-in — the physical limit of a check-in on this machine and this
// database, without sessions, CSRF, consents, visits, mail, the change log or webhooks.
//
//	DATABASE_URL=… ADDR=127.0.0.1:9091 EVENT_ID=1 baseline
//
// GET / answers a form shaped like the app's (hidden _csrf and stamp fields, one interest), so the
// one load generator drives both; POST / upserts and answers 303, like the app.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

const page = `<!doctype html><html lang="en"><title>Check in</title><form method="post" action="/" data-testid="checkin-form">` +
	`<input type="hidden" name="_csrf" value="x"><input type="hidden" name="stamp" value="x">` +
	`<input name="name"><input name="email"><label><input type="checkbox" name="interests" value="Backend"> Backend</label>` +
	`<input type="checkbox" name="consent" value="yes"><button>Check in</button></form>`

const upsert = `INSERT INTO leads AS l (event_id, name, email, company, interests, source, personal_token)
VALUES ($1, $2, $3, $4, $5, 'self_checkin', $6)
ON CONFLICT (event_id, lower(email)) WHERE email IS NOT NULL DO UPDATE SET visit_count = l.visit_count + 1,
	last_seen_at = now(), updated_at = now()
RETURNING l.id`

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run() error {
	event, err := strconv.ParseInt(os.Getenv("EVENT_ID"), 10, 64)
	if err != nil {
		return fmt.Errorf("EVENT_ID: %w", err)
	}
	cfg, err := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.MaxConns = 25
	cfg.MinConns = 25
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := pool.Ping(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	})
	mux.HandleFunc("POST /{$}", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		f := r.PostForm
		name, email := strings.TrimSpace(f.Get("name")), strings.TrimSpace(f.Get("email"))
		if name == "" || !strings.Contains(email, "@") || f.Get("consent") != "yes" || f.Get("stamp") == "" {
			http.Error(w, "invalid", http.StatusUnprocessableEntity)
			return
		}
		interests := f["interests"]
		if interests == nil {
			interests = []string{}
		}
		var id string
		if err := pool.QueryRow(r.Context(), upsert, event, name, email, f.Get("company"), interests, token()).Scan(&id); err != nil {
			http.Error(w, "database error", http.StatusServiceUnavailable)
			return
		}
		http.Redirect(w, r, "/thanks/"+token(), http.StatusSeeOther)
	})
	srv := &http.Server{Addr: os.Getenv("ADDR"), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.SetFlags(0)
	return srv.ListenAndServe()
}

func token() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
