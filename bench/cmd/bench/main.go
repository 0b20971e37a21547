// Command bench is `make bench`: it measures the app side by side with its yardsticks, on this
// machine, in one run, and prints a report (docs/PERFORMANCE.md holds the figures and how to read
// them).
//
//   - check-in: one load generator (bench/load: 50 workers, the form fetched once each, then
//     POSTs for 30 s) against the real `boothlead serve` on loopback with RATE_LIMITS=off, then
//     against the bare baseline (bench/baseline: net/http, the same form parsed, one pgx upsert);
//     app/baseline, latencies, errors, the server's peak RSS;
//   - export: the CSV of 100,000 leads with 2 conversations each over HTTP, against psql's
//     `\copy (SELECT * FROM leads WHERE event_id = …)` and against COPY of a query that writes the
//     same columns (bench.CopySQL); the server's RSS growth during it;
//   - sign-in: the RSS growth of 10 concurrent sign-ins;
//   - page weight of the check-in page and the board (HTML and assets, raw and gzip), cold start to
//     ready, idle RSS.
//
// It creates a database of its own on the cluster of -admin-url (a superuser connection; default:
// the private cluster of `make db`) and drops it at the end (-keep keeps it, -db reuses one).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

type options struct {
	adminURL string
	bin      string
	baseline string
	workers  int
	duration time.Duration
	leads    int
	runs     int
	only     string
	db       string
	keep     bool
	sql      string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, args []string) error {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	defAdmin := envOr("BENCH_ADMIN_URL", fmt.Sprintf("postgres://%s@%s:%s/postgres?sslmode=disable",
		envOr("PGTEST_USER", "postgres"), envOr("PGTEST_HOST", "127.0.0.1"), envOr("PGTEST_PORT", "54329")))
	fs.StringVar(&o.adminURL, "admin-url", defAdmin, "superuser connection to the cluster to create the bench database on")
	fs.StringVar(&o.bin, "bin", "", "a boothlead binary to measure (default: build ./cmd/boothlead)")
	fs.StringVar(&o.baseline, "baseline-bin", "", "a baseline binary (default: build ./bench/baseline)")
	fs.IntVar(&o.workers, "workers", 50, "concurrent check-in clients")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long each check-in load runs")
	fs.IntVar(&o.leads, "leads", 100000, "leads of the export event")
	fs.IntVar(&o.runs, "runs", 3, "timed runs of each export (after one warm-up)")
	fs.StringVar(&o.only, "only", "all", "what to measure: all, checkin, export, pages")
	fs.StringVar(&o.db, "db", "", "use this database (made by an earlier -keep run) instead of a new one")
	fs.BoolVar(&o.keep, "keep", false, "keep the database at the end")
	fs.StringVar(&o.sql, "sql", "", "SQL to run on the bench database before measuring (to try a setting)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "boothbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if o.bin == "" {
		if o.bin, err = build(ctx, tmp, "boothlead", "./cmd/boothlead"); err != nil {
			return err
		}
	}
	if o.baseline == "" && want(o, "checkin") {
		if o.baseline, err = build(ctx, tmp, "baseline", "./bench/baseline"); err != nil {
			return err
		}
	}
	r := &report{}
	r.machine()
	b, err := newBench(ctx, o, r)
	if err != nil {
		return err
	}
	defer b.close()
	if err := b.run(ctx); err != nil {
		return err
	}
	r.print(os.Stdout)
	return nil
}

func want(o options, what string) bool { return o.only == "all" || strings.Contains(o.only, what) }

// build compiles pkg into dir.
func build(ctx context.Context, dir, name, pkg string) (string, error) {
	out := filepath.Join(dir, name)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %w: %s", pkg, err, b)
	}
	return out, nil
}

// report collects the lines of the results.
type report struct {
	sections []section
}

type section struct {
	title string
	lines []string
}

func (r *report) add(title, format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	fmt.Fprintf(os.Stderr, "bench: %s: %s\n", title, line)
	for i := range r.sections {
		if r.sections[i].title == title {
			r.sections[i].lines = append(r.sections[i].lines, line)
			return
		}
	}
	r.sections = append(r.sections, section{title: title, lines: []string{line}})
}

func (r *report) machine() {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	r.add("machine", "%d cores (%s), %s, load average %s at the start", runtime.NumCPU(), cpu, runtime.Version(), load)
}

func (r *report) print(w *os.File) {
	fmt.Fprintln(w)
	for _, s := range r.sections {
		fmt.Fprintf(w, "## %s\n", s.title)
		for _, l := range s.lines {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func kib(n int64) string { return fmt.Sprintf("%.1f KiB", float64(n)/1024) }
