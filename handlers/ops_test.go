package handlers

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

func TestHealthReadinessAndMetrics(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	c := a.client()
	wantStatus(t, c.get("/healthz"), http.StatusOK)
	wantStatus(t, c.get("/readyz"), http.StatusOK)
	c.get("/login")
	p := c.get("/metrics")
	wantStatus(t, p, http.StatusOK)
	for _, want := range []string{
		`boothlead_http_requests_total{method="GET",route="/login",status="200"}`,
		`# TYPE boothlead_http_request_duration_seconds histogram`,
		`go_sql_open_connections{db_name="boothlead"}`,
		"boothlead_mail_waiting 0",
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// With the database gone, readiness fails and liveness does not.
	down := modelstest.New(t)
	srv := newServer(Deps{Store: down.Store, SQL: down.SQL, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://x"})
	down.SQL.Close()
	e := srv.router()
	for path, want := range map[string]int{"/readyz": http.StatusServiceUnavailable, "/healthz": http.StatusOK} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("%s with the database down: %d, want %d", path, rec.Code, want)
		}
	}
}

func TestSecurityHeadersAndGzip(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+"/login", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	h := res.Header
	csp := h.Get("Content-Security-Policy")
	if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") ||
		!strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
		t.Errorf("nosniff %q, referrer %q", h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
	}
	if h.Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %q", h.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !strings.Contains(string(body), `data-testid="login-form"`) {
		t.Error("gzipped page is not the login page")
	}
	if strings.Contains(string(body), "<script>") {
		t.Error("inline script on a page")
	}
	// assets: hashed URLs, cached for a year
	css := regexpFind(string(body), `/static/css/app\.[0-9a-f]+\.css`)
	p := a.client().get(css)
	wantStatus(t, p, http.StatusOK)
	if cc := p.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("asset Cache-Control %q", cc)
	}
}

func TestPanicBecomesFriendly500WithRequestID(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	var logs bytes.Buffer
	srv := newServer(Deps{Store: a.store, SQL: a.db.SQL, Log: slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil)), BaseURL: "http://x"})
	e := srv.router()
	e.GET("/boom", func(echo.Context) error { panic("kaboom: SELECT secret FROM somewhere") })
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("panic answered %d", rec.Code)
	}
	id := rec.Header().Get(echo.HeaderXRequestID)
	body := rec.Body.String()
	if id == "" || !strings.Contains(body, id) || !strings.Contains(body, "show this code to staff") {
		t.Errorf("500 page lacks the request id %q", id)
	}
	if strings.Contains(body, "SELECT") || strings.Contains(body, "kaboom") {
		t.Error("the 500 page shows internal text")
	}
	if !strings.Contains(logs.String(), id) {
		t.Error("the log line lacks the request id")
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestDatabaseErrorsNeverReachThePage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.signedIn("ada@example.com", models.RoleAdmin)
	a.db.Gorm.Exec("ALTER TABLE events RENAME TO events_gone")
	p := admin.get("/events")
	wantStatus(t, p, http.StatusInternalServerError)
	for _, leak := range []string{"SQLSTATE", "relation", "events_gone", "pq:", "ERROR"} {
		if strings.Contains(p.body, leak) {
			t.Errorf("the error page shows %q", leak)
		}
	}
}

func TestBodyLimits(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "limits")
	c := a.client()
	big := strings.Repeat("x", 70<<10)
	p := c.submit("/c/"+ev.CheckinKey, url.Values{"name": {big}})
	wantStatus(t, p, http.StatusRequestEntityTooLarge)
	p = c.submit("/login", url.Values{"email": {strings.Repeat("y", 2<<20)}})
	wantStatus(t, p, http.StatusRequestEntityTooLarge)
}

func TestLogsHoldNoPersonalData(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	var logs bytes.Buffer
	a.server.log = slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil))
	a.ts.Config.Handler = a.server.router()
	c := a.client()
	c.submit("/login", url.Values{"email": {"secret.person@example.com"}, "password": {"hunter2hunter2"}})
	c.get("/c/some-key-that-is-a-secret-token")
	if strings.Contains(logs.String(), "secret.person") || strings.Contains(logs.String(), "hunter2") ||
		strings.Contains(logs.String(), "some-key-that-is-a-secret-token") {
		t.Errorf("logs hold personal data or tokens:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "route=/login") {
		t.Errorf("no request log line: %s", logs.String())
	}
}

// /metrics answers this machine, and others only with the METRICS_TOKEN; a proxy on this
// machine does not make its clients local.
func TestMetricsAccess(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	open := newServer(Deps{Store: db.Store, SQL: db.SQL, Log: log, BaseURL: "http://x"}).router()
	guarded := newServer(Deps{Store: db.Store, SQL: db.SQL, Log: log, BaseURL: "http://x", MetricsToken: "s3cret-metrics-token"}).router()
	get := func(e *echo.Echo, remote string, header http.Header) int {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.RemoteAddr = remote
		for k, v := range header {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec.Code
	}
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	for _, tc := range []struct {
		what   string
		e      *echo.Echo
		remote string
		header http.Header
		want   int
	}{
		{"loopback", open, "127.0.0.1:5000", nil, http.StatusOK},
		{"IPv6 loopback", open, "[::1]:5000", nil, http.StatusOK},
		{"another host, no token configured", open, "192.0.2.7:5000", nil, http.StatusForbidden},
		{"another host with some token, none configured", open, "192.0.2.7:5000", bearer("guess"), http.StatusForbidden},
		{"a proxy on this machine", open, "127.0.0.1:5000", http.Header{"X-Forwarded-For": {"198.51.100.1"}}, http.StatusForbidden},
		{"another host without the token", guarded, "192.0.2.7:5000", nil, http.StatusUnauthorized},
		{"another host with a wrong token", guarded, "192.0.2.7:5000", bearer("s3cret-metrics-tokeN"), http.StatusUnauthorized},
		{"another host with the token", guarded, "192.0.2.7:5000", bearer("s3cret-metrics-token"), http.StatusOK},
		{"loopback, token configured", guarded, "127.0.0.1:5000", nil, http.StatusOK},
	} {
		if got := get(tc.e, tc.remote, tc.header); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.what, got, tc.want)
		}
	}
}

// Made-up methods and paths do not grow the metrics: they collapse into one label each.
func TestMetricsLabelsAreBounded(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	e := newServer(Deps{Store: db.Store, SQL: db.SQL, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://x"}).router()
	for i := range 2000 {
		req := httptest.NewRequest(fmt.Sprintf("M%05d", i), fmt.Sprintf("/made/up/%d", i), nil)
		e.ServeHTTP(httptest.NewRecorder(), req)
		req = httptest.NewRequest(http.MethodGet, fmt.Sprintf("/events/%d/nothing/%d", i, i), nil)
		e.ServeHTTP(httptest.NewRecorder(), req)
		req = httptest.NewRequest(fmt.Sprintf("X%05d", i), "/login", nil)
		e.ServeHTTP(httptest.NewRecorder(), req)
	}
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.RemoteAddr = "127.0.0.1:1"
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	series := 0
	for _, l := range strings.Split(rec.Body.String(), "\n") {
		if strings.HasPrefix(l, "boothlead_http_requests_total{") {
			series++
			if strings.Contains(l, "made") || strings.Contains(l, "M0") || strings.Contains(l, "X0") {
				t.Errorf("a made-up label value: %s", l)
			}
		}
	}
	t.Logf("after 6000 made-up requests: %d request series, %d bytes of metrics", series, rec.Body.Len())
	if series > 10 || rec.Body.Len() > 200_000 {
		t.Errorf("%d request series, %d bytes of metrics after 6000 made-up requests", series, rec.Body.Len())
	}
	if !strings.Contains(rec.Body.String(), `method="other",route="unmatched"`) {
		t.Error("made-up requests are not counted under other/unmatched")
	}
}

// A request that fails in the database logs what failed (route, SQLSTATE, constraint), never
// the values: not from the request log, not from gorm, not even when Postgres puts them into
// its own error message or detail.
func TestFailingQueryLogsNoPersonalData(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	capture := slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db := modelstest.New(t)
	gdb, err := gorm.Open(postgres.New(postgres.Config{Conn: db.SQL}), models.GormConfigLog(capture))
	if err != nil {
		t.Fatal(err)
	}
	db.Gorm, db.Store = gdb, models.NewStore(gdb)
	a := startInstance(t, db)
	a.server.log = capture
	a.ts.Config.Handler = a.server.router()
	ev := modelstest.Event(t, db, "leaky", "Go")
	sam := a.signedIn("sam@example.com", models.RoleStaff)
	vcard := "BEGIN:VCARD\nVERSION:3.0\nFN:Grace Hopper-Leak\nEMAIL:grace.leak@example.com\nTEL:+1 555 0100 777\nEND:VCARD"
	pii := []string{"Grace", "Hopper-Leak", "grace.leak", "555 0100 777", "VCARD"}

	for _, breakIt := range []string{
		// a check constraint: Postgres's detail holds the whole failing row
		`ALTER TABLE scans ADD CONSTRAINT short_raw CHECK (length(raw) < 10)`,
		// a trigger whose error message quotes the value
		`CREATE FUNCTION leak() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused row %', NEW.raw; END $$;
		 ALTER TABLE scans DROP CONSTRAINT short_raw;
		 CREATE TRIGGER leak BEFORE INSERT ON scans FOR EACH ROW EXECUTE FUNCTION leak()`,
	} {
		if err := db.Gorm.Exec(breakIt).Error; err != nil {
			t.Fatal(err)
		}
		p := sam.submit(paths.Scan(ev.Slug), url.Values{"code": {vcard}, "client_id": {uuid.NewString()}})
		wantStatus(t, p, http.StatusInternalServerError)
	}
	out := logs.String()
	for _, v := range pii {
		if strings.Contains(out, v) {
			t.Errorf("the logs hold %q:\n%s", v, out)
		}
	}
	if !strings.Contains(out, "SQLSTATE 23514") || !strings.Contains(out, "constraint=short_raw") || !strings.Contains(out, "SQLSTATE P0001") {
		t.Errorf("the logs do not say what failed:\n%s", out)
	}
}
