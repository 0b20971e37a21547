package main

import (
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/boothlead/boothlead/bench"
	"github.com/boothlead/boothlead/bench/load"
	"github.com/boothlead/boothlead/migrations"
	"github.com/boothlead/boothlead/models"
)

const (
	adminEmail    = "bench-admin@example.com"
	adminPassword = "bench password of the admin"
	loadSlug      = "bench-load"
	exportSlug    = "bench-export"
)

// benchRun is one run: its database, the app server and what it measured.
type benchRun struct {
	o       options
	r       *report
	admin   *sql.DB
	dbName  string
	url     string
	sql     *sql.DB
	store   *models.Store
	app     *server
	loadEv  models.Event
	exports models.Event
}

func newBench(ctx context.Context, o options, r *report) (*benchRun, error) {
	b := &benchRun{o: o, r: r}
	admin, err := sql.Open("pgx", o.adminURL)
	if err != nil {
		return nil, err
	}
	b.admin = admin
	b.dbName = o.db
	if b.dbName == "" {
		b.dbName = "boothbench_" + strconv.FormatInt(time.Now().Unix(), 10)
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+b.dbName); err != nil {
			return nil, fmt.Errorf("create the bench database (is the cluster of %s up? `make db`): %w", o.adminURL, err)
		}
	}
	u, err := url.Parse(o.adminURL)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + b.dbName
	b.url = u.String()
	return b, nil
}

func (b *benchRun) close() {
	if b.app != nil {
		b.app.stop()
	}
	if b.sql != nil {
		_ = b.sql.Close()
	}
	if !b.o.keep && b.o.db == "" {
		_, _ = b.admin.Exec("DROP DATABASE IF EXISTS " + b.dbName + " WITH (FORCE)")
	} else {
		b.r.add("setup", "database kept: %s (rerun with -db %s)", b.url, b.dbName)
	}
	_ = b.admin.Close()
}

func (b *benchRun) run(ctx context.Context) error {
	migrate := exec.CommandContext(ctx, b.o.bin, "migrate")
	migrate.Env = append(migrate.Environ(), b.env()...)
	t := time.Now()
	if out, err := migrate.CombinedOutput(); err != nil {
		return fmt.Errorf("migrate: %w: %s", err, out)
	}
	b.r.add("start", "boothlead migrate: %s", secs(time.Since(t)))
	if err := b.open(); err != nil {
		return err
	}
	if err := b.setup(ctx); err != nil {
		return err
	}
	if b.o.sql != "" {
		if _, err := b.sql.ExecContext(ctx, b.o.sql); err != nil {
			return fmt.Errorf("-sql: %w", err)
		}
		b.r.add("setup", "ran: %s", b.o.sql)
	}
	if err := b.startApp(ctx); err != nil {
		return err
	}
	if want(b.o, "pages") {
		if err := b.pages(ctx); err != nil {
			return err
		}
		if err := b.signIns(ctx); err != nil {
			return err
		}
	}
	if want(b.o, "export") {
		if err := b.export(ctx); err != nil {
			return err
		}
	}
	if want(b.o, "checkin") {
		if err := b.checkIns(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (b *benchRun) env() []string {
	return []string{"DATABASE_URL=" + b.url, "RATE_LIMITS=off", "LOG_LEVEL=warn"}
}

func (b *benchRun) open() error {
	db, err := sql.Open("pgx", b.url)
	if err != nil {
		return err
	}
	b.sql = db
	gdb, err := gorm.Open(postgres.New(postgres.Config{Conn: db}), models.GormConfig())
	if err != nil {
		return err
	}
	b.store = models.NewStore(gdb)
	return nil
}

// setup makes the admin, the check-in event and the export event with its leads (once per
// database).
func (b *benchRun) setup(ctx context.Context) error {
	if _, err := migrations.Up(ctx, b.sql); err != nil {
		return err
	}
	// the admin, and ten colleagues who sign in at once (the sign-in throttle counts per account)
	for i := range 11 {
		email := adminEmail
		if i > 0 {
			email = fmt.Sprintf("bench-%d@example.com", i)
		}
		if _, err := b.store.StaffUserByEmail(ctx, email); err == nil {
			continue
		}
		u, err := models.NewStaffUser(models.StaffInput{Email: email, Name: "Bench Admin", Role: models.RoleAdmin,
			Password: adminPassword})
		if err != nil {
			return err
		}
		if _, err := b.store.CreateStaffUser(ctx, u); err != nil {
			return err
		}
	}
	var err error
	if b.loadEv, err = b.event(ctx, loadSlug); err != nil {
		return err
	}
	if !want(b.o, "export") {
		return nil
	}
	if b.exports, err = b.event(ctx, exportSlug); err != nil {
		return err
	}
	n, err := b.store.CountLeads(ctx, b.exports.ID)
	if err != nil {
		return err
	}
	if n >= int64(b.o.leads) {
		return nil
	}
	var staff []int64
	for i := range 4 {
		u, err := models.NewStaffUser(models.StaffInput{Email: fmt.Sprintf("staff%d.%d@example.com", i, time.Now().UnixNano()),
			Name: fmt.Sprintf("Staff Member %d", i), Role: models.RoleStaff, Password: adminPassword})
		if err != nil {
			return err
		}
		if u, err = b.store.CreateStaffUser(ctx, u); err != nil {
			return err
		}
		staff = append(staff, u.ID)
	}
	t := time.Now()
	if err := bench.SeedExportEvent(ctx, b.store, b.exports, staff, b.o.leads-int(n)); err != nil {
		return err
	}
	if _, err := b.sql.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
		return err
	}
	b.r.add("setup", "seeded %d leads with 2 conversations each in %s", b.o.leads, time.Since(t).Round(time.Second))
	return nil
}

// event returns the live event with slug, creating it.
func (b *benchRun) event(ctx context.Context, slug string) (models.Event, error) {
	if ev, err := b.store.EventBySlug(ctx, slug); err == nil {
		return ev, nil
	}
	ev, err := models.ApplyEventInput(models.Event{}, models.EventInput{Name: "Bench " + slug, Slug: slug,
		Company: "Acme Robotics", Venue: "Hall B", StartsOn: "2026-11-25", EndsOn: "2026-11-26",
		TimeZone: "Europe/Berlin", Status: models.StatusLive, Interests: strings.Join(bench.ExportInterests, ",")})
	if err != nil {
		return ev, err
	}
	return b.store.CreateEvent(ctx, 0, ev, "", "")
}

// startApp starts `boothlead serve`: cold start to ready, and the idle RSS a few seconds later.
func (b *benchRun) startApp(ctx context.Context) error {
	var readies []time.Duration
	for range 3 {
		s, err := start(ctx, b.o.bin, []string{"serve"}, b.env())
		if err != nil {
			return err
		}
		readies = append(readies, s.ready)
		if len(readies) < 3 {
			s.stop()
			continue
		}
		b.app = s
	}
	b.r.add("start", "cold start to ready (exec → /readyz 200, schema up to date): %s (3 starts)", durations(readies))
	time.Sleep(3 * time.Second)
	rss, _ := memory(b.app.cmd.Process.Pid)
	b.r.add("start", "idle RSS 3 s after ready: %s", mib(rss))
	return nil
}

// client is a browser: cookies, gzip as browsers ask for it, no redirects followed.
func client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 5 * time.Minute, Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// fetch GETs u with Accept-Encoding: gzip and returns the body (decompressed) and the bytes on
// the wire.
func fetch(ctx context.Context, c *http.Client, u string) ([]byte, int64, int, error) {
	return fetchAs(ctx, c, u, "gzip")
}

// fetchAs is fetch with another Accept-Encoding ("identity": none).
func fetchAs(ctx context.Context, c *http.Client, u, encoding string) ([]byte, int64, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, 0, err
	}
	req.Header.Set("Accept-Encoding", encoding)
	resp, err := c.Do(req)
	if err != nil {
		return nil, 0, 0, err
	}
	defer resp.Body.Close()
	wire := &countingReader{r: resp.Body}
	var body io.Reader = wire
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(wire)
		if err != nil {
			return nil, 0, resp.StatusCode, err
		}
		body = zr
	}
	data, err := io.ReadAll(body)
	return data, wire.n, resp.StatusCode, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

var (
	assetRe = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
	csrfRe  = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)
)

// signIn signs c in as the bench admin.
func (b *benchRun) signIn(ctx context.Context, c *http.Client) error {
	return b.signInAs(ctx, c, adminEmail)
}

// signInAs signs c in with an account of the bench.
func (b *benchRun) signInAs(ctx context.Context, c *http.Client, email string) error {
	page, _, _, err := fetch(ctx, c, b.app.url+"/login")
	if err != nil {
		return err
	}
	m := csrfRe.FindSubmatch(page)
	if m == nil {
		return fmt.Errorf("sign-in: no CSRF token on the login page")
	}
	resp, err := c.PostForm(b.app.url+"/login", url.Values{"_csrf": {string(m[1])}, "email": {email},
		"password": {adminPassword}})
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign-in: status %d", resp.StatusCode)
	}
	return nil
}

// weigh fetches a page and the assets it links, and reports their sizes.
func (b *benchRun) weigh(ctx context.Context, c *http.Client, name, path string) error {
	html, wire, status, err := fetch(ctx, c, b.app.url+path)
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("%s: status %d: %w", name, status, err)
	}
	raw, gz := int64(len(html)), wire
	assets := 0
	for _, m := range assetRe.FindAllSubmatch(html, -1) {
		body, w, _, err := fetch(ctx, c, b.app.url+string(m[1]))
		if err != nil {
			return err
		}
		assets++
		raw += int64(len(body))
		gz += w
	}
	b.r.add("page weight", "%s: HTML %s (%s on the wire); with its %d assets %s in all (%s gzip)", name, kib(int64(len(html))),
		kib(wire), assets, kib(raw), kib(gz))
	return nil
}

func (b *benchRun) pages(ctx context.Context) error {
	if err := b.weigh(ctx, client(), "check-in page", "/c/"+b.loadEv.CheckinKey); err != nil {
		return err
	}
	c := client()
	if err := b.signIn(ctx, c); err != nil {
		return err
	}
	return b.weigh(ctx, c, "booth board", "/events/"+loadSlug)
}

// signIns measures the server's RSS growth while 10 people sign in at once.
func (b *benchRun) signIns(ctx context.Context) error {
	sample := sampleRSS(b.app.cmd.Process.Pid)
	t := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := range 10 {
		wg.Go(func() { errs <- b.signInAs(ctx, client(), fmt.Sprintf("bench-%d@example.com", i+1)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	before, peak := sample()
	b.r.add("sign-in", "10 concurrent sign-ins: %s, server RSS %s → peak %s (growth %s)", time.Since(t).Round(time.Millisecond),
		mib(before), mib(peak), mib(peak-before))
	return nil
}

// export times the web export against psql's COPY, each once to warm up, then o.runs times.
func (b *benchRun) export(ctx context.Context) error {
	c := client()
	if err := b.signIn(ctx, c); err != nil {
		return err
	}
	exportURL := b.app.url + "/events/" + exportSlug + "/export.csv"
	web := func(encoding string) ([]time.Duration, []int64, int64, int64, error) {
		var ts []time.Duration
		var growth []int64
		var wire, raw int64
		for i := range b.o.runs + 1 {
			sample := sampleRSS(b.app.cmd.Process.Pid)
			t := time.Now()
			body, w, status, err := fetchAs(ctx, c, exportURL, encoding)
			d := time.Since(t)
			before, peak := sample()
			if err != nil || status != http.StatusOK {
				return nil, nil, 0, 0, fmt.Errorf("export: status %d: %w", status, err)
			}
			raw, wire = int64(len(body)), w
			if i > 0 {
				ts, growth = append(ts, d), append(growth, peak-before)
			}
		}
		return ts, growth, raw, wire, nil
	}
	webT, growth, raw, wire, err := web("gzip")
	if err != nil {
		return err
	}
	b.r.add("export", "%d leads × 2 conversations, generic preset, %s of CSV (%s gzip on the wire)", b.o.leads, mib(raw), mib(wire))
	b.r.add("export", "web export, gzip as browsers ask: %s; server RSS growth %s", durations(webT), mibs(growth))
	plainWebT, plainGrowth, _, _, err := web("identity")
	if err != nil {
		return err
	}
	b.r.add("export", "web export, uncompressed (as curl asks): %s; server RSS growth %s", durations(plainWebT), mibs(plainGrowth))
	psql, err := exec.LookPath("psql")
	if err != nil {
		b.r.add("export", "psql not found: no COPY comparison")
		return nil
	}
	copyRun := func(query string) ([]time.Duration, int64, []int64, error) {
		var ts []time.Duration
		var rss []int64
		var n int64
		for i := range b.o.runs + 1 {
			cmd := exec.CommandContext(ctx, psql, b.url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
				`\copy (`+bench.OneLine(query)+`) TO STDOUT WITH (FORMAT csv, HEADER)`)
			d, bytes, peak, err := timeProcess(cmd)
			if err != nil {
				return nil, 0, nil, err
			}
			if i > 0 {
				ts, rss = append(ts, d), append(rss, peak)
			}
			n = bytes
		}
		return ts, n, rss, nil
	}
	plainT, plainN, plainRSS, err := copyRun(bench.PlainCopySQL(b.exports.ID))
	if err != nil {
		return err
	}
	sameT, sameN, sameRSS, err := copyRun(bench.CopySQL(b.exports.ID))
	if err != nil {
		return err
	}
	b.r.add("export", "psql \\copy (SELECT * FROM leads WHERE event_id = …): %s, %s, psql peak RSS %s", durations(plainT),
		mib(plainN), mibs(plainRSS))
	b.r.add("export", "psql \\copy of the same columns (bench.CopySQL): %s, %s, psql peak RSS %s", durations(sameT),
		mib(sameN), mibs(sameRSS))
	b.r.add("export", "web (gzip) / plain COPY: %.2f× (best runs; aim ≤ 1.5), web (gzip) / same-output COPY: %.2f×",
		slices.Min(webT).Seconds()/slices.Min(plainT).Seconds(), slices.Min(webT).Seconds()/slices.Min(sameT).Seconds())
	b.r.add("export", "web (uncompressed) / plain COPY: %.2f×, web (uncompressed) / same-output COPY: %.2f×",
		slices.Min(plainWebT).Seconds()/slices.Min(plainT).Seconds(), slices.Min(plainWebT).Seconds()/slices.Min(sameT).Seconds())
	return nil
}

// checkIns drives the same load against the app and the baseline.
func (b *benchRun) checkIns(ctx context.Context) error {
	appRes, appRSS, err := b.loadRun(ctx, "app", b.app.url+"/c/"+b.loadEv.CheckinKey, b.app)
	if err != nil {
		return err
	}
	base, err := start(ctx, b.o.baseline, nil, []string{"DATABASE_URL=" + b.url, "EVENT_ID=" + strconv.FormatInt(b.loadEv.ID, 10)})
	if err != nil {
		return err
	}
	defer base.stop()
	baseRes, _, err := b.loadRun(ctx, "baseline", base.url+"/", base)
	if err != nil {
		return err
	}
	b.r.add("check-in", "app / baseline: %.2f (aim ≥ 0.5), app p99 %.1f ms (aim < 100 ms), app errors %d (aim 0); app peak RSS %s",
		appRes.Rate()/baseRes.Rate(), float64(appRes.Percentile(99))/1e6, appRes.Errors, mib(appRSS))
	return nil
}

func (b *benchRun) loadRun(ctx context.Context, name, formURL string, s *server) (load.Result, int64, error) {
	sample := sampleRSS(s.cmd.Process.Pid)
	cpu := cpuTime(s.cmd.Process.Pid)
	res, err := load.Run(ctx, load.Config{FormURL: formURL, Workers: b.o.workers, Duration: b.o.duration})
	cpu = cpuTime(s.cmd.Process.Pid) - cpu
	_, peak := sample()
	if err != nil {
		return res, 0, fmt.Errorf("%s: %w", name, err)
	}
	perReq := time.Duration(0)
	if n := res.OK + res.Errors; n > 0 {
		perReq = cpu / time.Duration(n)
	}
	b.r.add("check-in", "%-8s %d workers: %s; peak RSS %s; server CPU %.1f s (%s a request)", name, b.o.workers, res,
		mib(peak), cpu.Seconds(), perReq)
	if res.Errors > 0 {
		b.r.add("check-in", "%-8s answers by status: %v; first error: %s", name, res.Statuses, res.FirstErr)
	}
	return res, peak, nil
}

func durations(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	lo, hi := slices.Min(ds), slices.Max(ds)
	return fmt.Sprintf("best %s (%s–%s over %d runs)", secs(lo), secs(lo), secs(hi), len(ds))
}

func secs(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatFloat(float64(d)/1e6, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

func mibs(ns []int64) string {
	if len(ns) == 0 {
		return "-"
	}
	return mib(slices.Min(ns)) + "–" + mib(slices.Max(ns))
}
