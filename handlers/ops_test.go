package handlers

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
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
