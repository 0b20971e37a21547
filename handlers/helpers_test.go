package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/mail"
	"github.com/boothlead/boothlead/mail/mailtest"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/netguard"
	"github.com/boothlead/boothlead/outbox"
	"github.com/boothlead/boothlead/seal"
	"github.com/boothlead/boothlead/views/paths"
)

// testApp is the real router on a real database of its own, served over HTTP. Its mail goes
// through the outbox and a real SMTP conversation to a server in the test process (mailbox).
type testApp struct {
	t       testing.TB
	db      modelstest.DB
	store   *models.Store
	server  *Server
	ts      *httptest.Server
	hub     *models.Hub
	mailbox *mailtest.Server  // nil for an app without mail
	ats     map[string]string // vendor test servers the ATS worker talks to (withWorkers)
}

type appOption func(*Deps)

func withRateLimits(d *Deps) { d.RateLimits = true }

// noMailServer marks an app started without SMTP_URL: its mail waits in the outbox.
const noMailServer = "none"

func withoutMail(d *Deps) { d.Mail.Server = noMailServer }

// testSecretKey is the SECRET_KEY of apps made withSecretKey.
const testSecretKey = "the test SECRET_KEY, at least thirty-two characters"

// withSecretKey sets SECRET_KEY: ATS credentials may be stored, webhook secrets are sealed.
func withSecretKey(d *Deps) {
	b, err := seal.New(testSecretKey)
	if err != nil {
		panic(err)
	}
	d.Integrations.Secrets = b
}

// withPrivateHooks is WEBHOOK_ALLOW_PRIVATE=on (the test receivers listen on 127.0.0.1).
func withPrivateHooks(d *Deps) { d.Integrations.Net = netguard.Policy{AllowPrivate: true} }

// newWorkerApp is newTestApp that also runs this instance's webhook and ATS workers (as serve
// does), the ATS worker talking to the vendor test servers in atsURLs (by provider).
func newWorkerApp(t testing.TB, atsURLs map[string]string, opts ...appOption) *testApp {
	t.Helper()
	if atsURLs == nil {
		atsURLs = map[string]string{}
	}
	db := modelstest.New(t)
	return startInstanceWith(t, db, db.URL, atsURLs, opts...)
}

func newTestApp(t testing.TB, opts ...appOption) *testApp {
	t.Helper()
	return startInstance(t, modelstest.New(t), opts...)
}

// startInstance runs one app instance (router, sessions, live hub) on db over HTTP.
func startInstance(t testing.TB, db modelstest.DB, opts ...appOption) *testApp {
	t.Helper()
	return startInstanceWith(t, db, db.URL, nil, opts...)
}

// startInstanceHub is startInstance with the live hub listening on the database at hubURL (for
// instance through a proxy the test cuts).
func startInstanceHub(t testing.TB, db modelstest.DB, hubURL string, opts ...appOption) *testApp {
	t.Helper()
	return startInstanceWith(t, db, hubURL, nil, opts...)
}

// startInstanceWith is startInstance with the hub on hubURL; with atsURLs (not nil) it also runs
// the webhook and ATS workers.
func startInstanceWith(t testing.TB, db modelstest.DB, hubURL string, atsURLs map[string]string, opts ...appOption) *testApp {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(t.Output(), nil))
	}
	hub := models.NewHub(hubURL, log)
	ctx, cancel := context.WithCancel(context.Background())
	go hub.Run(ctx)
	lang, err := i18n.New() // one bundle for the router and the mail worker, as serve has
	if err != nil {
		t.Fatal(err)
	}
	d := Deps{Store: db.Store, SQL: db.SQL, Live: hub, Log: log, Company: "Acme Robotics", I18n: lang}
	for _, o := range opts {
		o(&d)
	}
	a := &testApp{t: t, db: db, store: db.Store, hub: hub}
	// The base URL is the test server's own, known only once it listens.
	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	d.BaseURL = ts.URL
	if d.Mail.Server == noMailServer {
		d.Mail = MailSetup{}
	} else {
		a.mailbox = mailtest.Start(t)
		srv, err := mail.ParseURL(a.mailbox.URL())
		if err != nil {
			t.Fatal(err)
		}
		sender, err := mail.NewSender(srv, "boothlead@test.example")
		if err != nil {
			t.Fatal(err)
		}
		w := outbox.New(outbox.Config{Store: db.Store, Sender: sender, From: sender.From(), BaseURL: ts.URL, Log: log, I18n: lang,
			Poll: 100 * time.Millisecond, Backoff: func(int) time.Duration { return 100 * time.Millisecond }})
		done := make(chan struct{})
		go func() { w.Run(ctx); close(done) }()
		// runs before the database and the SMTP server go away: the worker stops first
		t.Cleanup(func() { cancel(); <-done })
		d.Mail = MailSetup{Server: srv.String(), Nudge: w.Nudge}
	}
	if urls := atsURLs; urls != nil {
		a.ats = urls
		cfg := outbox.Config{Store: db.Store, Log: log, Poll: 100 * time.Millisecond,
			Backoff: func(int) time.Duration { return 100 * time.Millisecond }}
		client := d.Integrations.Net.Client(5 * time.Second)
		hooks := outbox.NewWebhooks(cfg, outbox.WebhookConfig{Client: client, Secrets: d.Integrations.Secrets})
		push := outbox.NewATS(cfg, outbox.ATSConfig{Client: client, Secrets: d.Integrations.Secrets, BaseURL: urls})
		done := make(chan struct{}, 2)
		go func() { hooks.Run(ctx); done <- struct{}{} }()
		go func() { push.Run(ctx); done <- struct{}{} }()
		t.Cleanup(func() { cancel(); <-done; <-done })
		d.Integrations.Nudge = func() { hooks.Nudge(); push.Nudge() }
	}
	a.server = newServer(d)
	ts.Config.Handler = a.server.router()
	a.ts = ts
	t.Cleanup(func() {
		hub.Close()
		cancel()
		ts.CloseClientConnections()
		ts.Close()
	})
	<-hub.Ready()
	return a
}

// client is a browser-like HTTP client with cookies that does not follow redirects by itself.
type client struct {
	t    testing.TB
	app  *testApp
	http *http.Client
}

func (a *testApp) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: a.t, app: a, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is a response with its body read and parsed.
type page struct {
	status int
	header http.Header
	body   string
	doc    *goquery.Document
	url    string
}

func (p page) location() string { return p.header.Get("Location") }

// testid returns the elements with a data-testid.
func (p page) testid(id string) *goquery.Selection { return p.doc.Find(`[data-testid="` + id + `"]`) }

func (c *client) do(req *http.Request) page {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	return page{status: res.StatusCode, header: res.Header, body: string(b), doc: doc, url: req.URL.String()}
}

func (c *client) abs(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return c.app.ts.URL + path
}

func (c *client) get(path string) page {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.abs(path), nil)
	return c.do(req)
}

// follow GETs path and follows redirects (up to 10).
func (c *client) follow(path string) page {
	c.t.Helper()
	p := c.get(path)
	for i := 0; i < 10 && p.status >= 300 && p.status < 400; i++ {
		p = c.get(p.location())
	}
	return p
}

// post sends a form as is (no CSRF token added).
func (c *client) post(path string, form url.Values) page {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.abs(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// csrf returns a token valid for this client: the value of its CSRF cookie, which any page
// sets (the form field must match it).
func (c *client) csrf() string {
	c.t.Helper()
	base, _ := url.Parse(c.app.ts.URL)
	for i := 0; i < 2; i++ {
		for _, ck := range c.http.Jar.Cookies(base) {
			if ck.Name == "boothlead_csrf" {
				return ck.Value
			}
		}
		c.get("/login")
	}
	c.t.Fatalf("no CSRF cookie")
	return ""
}

// cookie returns the Set-Cookie line of the named cookie.
func (p page) cookie(name string) string {
	for _, v := range p.header.Values("Set-Cookie") {
		if strings.HasPrefix(v, name+"=") {
			return v
		}
	}
	return ""
}

// submit posts a form with this client's CSRF token added.
func (c *client) submit(path string, form url.Values) page {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", c.csrf())
	return c.post(path, form)
}

// login signs the client in with the builders' password; the test fails if that does not work.
func (c *client) login(email string) { c.t.Helper(); c.loginWith(email, modelstest.Password) }

func (c *client) loginWith(email, password string) {
	c.t.Helper()
	p := c.submit("/login", url.Values{"email": {email}, "password": {password}})
	if p.status != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d", email, p.status)
	}
}

// signedIn returns a client signed in as a new account of the given role.
func (a *testApp) signedIn(email, role string) *client {
	a.t.Helper()
	modelstest.Staff(a.t, a.db, email, role)
	c := a.client()
	c.login(email)
	return c
}

func wantStatus(t testing.TB, p page, want int) {
	t.Helper()
	if p.status != want {
		t.Fatalf("%s: status %d, want %d; body: %.400s", p.url, p.status, want, p.body)
	}
}

// secondInstance is another app instance (its own router, sessions and hub) on the same
// database, as behind a load balancer.
func (a *testApp) secondInstance(t testing.TB) *testApp {
	t.Helper()
	return startInstance(t, a.db)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// peek GETs path and returns the status and headers without reading the body.
func (c *client) peek(path string) page {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.abs(path), nil)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	res.Body.Close()
	return page{status: res.StatusCode, header: res.Header, url: req.URL.String()}
}

func regexpFind(s, expr string) string { return regexp.MustCompile(expr).FindString(s) }

// leadOf returns the lead behind a check-in's confirmation URL (/thanks/…).
func (a *testApp) leadOf(location string) models.Lead {
	a.t.Helper()
	ctx := context.Background()
	v, err := a.store.VisitByThanksToken(ctx, strings.TrimPrefix(location, "/thanks/"))
	if err != nil {
		a.t.Fatalf("no visit behind %s: %v", location, err)
	}
	l, err := a.store.LeadByID(ctx, v.LeadID)
	if err != nil {
		a.t.Fatalf("no lead behind %s: %v", location, err)
	}
	return l
}

// selfLink mints a private link for a lead, as the mail would carry it (for tests about the
// private page rather than the mail).
func (a *testApp) selfLink(leadID string) string {
	a.t.Helper()
	tok, err := a.store.IssueSelfLink(context.Background(), leadID)
	if err != nil {
		a.t.Fatal(err)
	}
	return paths.SelfService(tok)
}

// mailTo waits for n messages to addr and returns them.
func (a *testApp) mailTo(addr string, n int) []mailtest.Message {
	a.t.Helper()
	return a.mailbox.WaitFor(addr, n, 15*time.Second)
}

// path turns an absolute link of this app into a path.
func (a *testApp) path(link string) string { return strings.TrimPrefix(link, a.ts.URL) }

// en says a message of the catalogues in English, as a page without ?lang= and Accept-Language does.
func (a *testApp) en(id string) string { return a.server.i18n.For("en").T(id) }
