// Package handlers is the HTTP side of Boothlead: one route table, a file per resource,
// middleware, error mapping and the render helper. Handlers never hold SQL; they call the Store.
package handlers

import (
	"database/sql"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/time/rate"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/netguard"
	"github.com/boothlead/boothlead/seal"
)

// Deps is everything the router needs from the outside.
type Deps struct {
	Store          *models.Store
	SQL            *sql.DB // the pool under Store: sessions and pool metrics use it
	Live           *models.Hub
	Log            *slog.Logger
	BaseURL        string        // absolute URL used in QR codes and links
	RateLimits     bool          // false only for load tests
	SessionCleanup time.Duration // how often expired sessions are deleted; 0 never
	Company        string        // default company name for new events
	TrustProxy     bool          // take the client IP from X-Forwarded-For (behind a load balancer)
	Mail           MailSetup     // whether and where mail is sent
	MetricsToken   string        // lets /metrics answer clients other than loopback (Bearer token)
	StreamRecheck  time.Duration // how often an open live stream re-checks its session; 0: 30 s
	Integrations   Integrations  // API, webhooks, ATS pushes, follow-ups
	I18n           *i18n.Bundle  // the candidate side's languages (built once at start; nil: built here)
}

// Integrations is what the API, webhooks, ATS connections and follow-ups need.
type Integrations struct {
	// Secrets seals ATS API keys and webhook secrets (SECRET_KEY); nil when the key is not set:
	// ATS credentials are refused then, webhook secrets are kept as typed.
	Secrets *seal.Box
	// Net is the SSRF rule for webhook URLs (WEBHOOK_ALLOW_PRIVATE).
	Net netguard.Policy
	// Nudge wakes this instance's webhook and ATS workers after work was queued; nil when none run.
	Nudge func()
	// APILimit is the per-token rate limit of the API (DefaultAPILimit when zero).
	APILimit APILimit
	// FollowUpsPerMinute spaces follow-up mail (default 120 a minute).
	FollowUpsPerMinute int
}

// MailSetup says whether mail goes out, and lets handlers wake the sender after queueing one.
type MailSetup struct {
	Server string // where mail goes (no credentials); "" when SMTP_URL is not set: mail waits
	Nudge  func() // wakes this instance's outbox worker; nil when none runs
}

// Server holds the dependencies shared by every handler.
type Server struct {
	store      *models.Store
	live       *models.Hub
	log        *slog.Logger
	baseURL    string
	secure     bool
	localOnly  bool // BASE_URL names this machine: phones cannot open its QR codes
	sessions   *scs.SessionManager
	metrics    *metrics
	registry   *prometheus.Registry
	rateLimits bool
	company    string
	trustProxy bool
	limits     limiters
	mail       MailSetup
	mailStats  statsCache // the mail queue's numbers for the admins' banner (mail.go)
	ints       Integrations
	apiLimits  tokenLimiter
	hookStats  countCache // paused webhooks, for the admins' banner (integrations.go)

	metricsToken  string
	routePatterns map[string]bool // the route table's paths: the only route labels metrics use
	streamRecheck time.Duration
	recentForms   *formCache // check-in forms recently shown, to show one again while the database is down
	i18n          *i18n.Bundle
	kioskShow     atomic.Int64 // how long a kiosk shows a confirmation, ns (kioskShowTime; tests shorten it)
}

type limiters struct {
	checkinIP, checkinEmail, forgot, kiosk *middleware.RateLimiterMemoryStore
}

// NewRouter builds the echo instance with every route and middleware.
func NewRouter(d Deps) *echo.Echo {
	s := newServer(d)
	return s.router()
}

func newServer(d Deps) *Server {
	base := strings.TrimRight(d.BaseURL, "/")
	u, _ := url.Parse(base)
	s := &Server{
		store:      d.Store,
		live:       d.Live,
		log:        d.Log,
		baseURL:    base,
		secure:     u != nil && u.Scheme == "https",
		localOnly:  u != nil && isLocalHost(u.Hostname()),
		rateLimits: d.RateLimits,
		company:    d.Company,
		trustProxy: d.TrustProxy,
		registry:   prometheus.NewRegistry(),
		mail:       d.Mail,
		ints:       d.Integrations,

		metricsToken:  d.MetricsToken,
		routePatterns: map[string]bool{},
		streamRecheck: d.StreamRecheck,
		recentForms:   newFormCache(),
		i18n:          d.I18n,
	}
	s.kioskShow.Store(int64(kioskShowTime))
	if d.Live != nil && d.Store != nil {
		d.Live.OnConfigChange(d.Store.ForgetEvent) // another instance changed an event: drop our cached copy
	}
	if s.i18n == nil {
		b, err := i18n.New()
		if err != nil {
			panic(err) // the catalogues are embedded: a broken one fails every test first
		}
		s.i18n = b
	}
	if s.streamRecheck <= 0 {
		s.streamRecheck = 30 * time.Second
	}
	for _, r := range s.routes() {
		s.routePatterns[r.path] = true
	}
	if s.ints.APILimit.Rate == 0 {
		s.ints.APILimit = DefaultAPILimit
	}
	if s.ints.FollowUpsPerMinute == 0 {
		s.ints.FollowUpsPerMinute = 120
	}
	s.apiLimits.limit = s.ints.APILimit
	if s.company == "" {
		s.company = "Our company"
	}
	s.metrics = newMetrics(s.registry)
	s.registry.MustRegister(s.mailWaiting())
	if d.SQL != nil {
		s.registry.MustRegister(collectors.NewDBStatsCollector(d.SQL, "boothlead"))
	}
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	sm := scs.New()
	sm.Store = postgresstore.NewWithCleanupInterval(d.SQL, d.SessionCleanup)
	sm.Lifetime = 7 * 24 * time.Hour
	sm.IdleTimeout = 16 * time.Hour
	sm.Cookie.Name = "boothlead_session"
	if s.secure {
		sm.Cookie.Name = "__Host-boothlead_session"
	}
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = s.secure
	sm.Cookie.Path = "/"
	sm.ErrorFunc = s.sessionError
	s.sessions = sm

	// Many phones share one venue IP: the per-IP limit is generous — 300 at once, then 600 an
	// hour, more than a busy booth's whole queue — yet each check-in mails the address typed, so
	// one script cannot make the company's mail go to thousands of strangers an hour. The
	// per-email limit is tight.
	s.limits.checkinIP = middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Every(6 * time.Second), Burst: 300, ExpiresIn: time.Hour})
	s.limits.checkinEmail = middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Every(2 * time.Minute), Burst: 5, ExpiresIn: 30 * time.Minute})
	// A kiosk is one device for many people, one at a time: a check-in takes a person well over
	// 20 s, so 20 at once and then one every 3 s never holds anyone up, yet stops a script.
	s.limits.kiosk = middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Every(3 * time.Second), Burst: 20, ExpiresIn: 30 * time.Minute})
	s.limits.forgot = middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Every(time.Minute), Burst: 10, ExpiresIn: 30 * time.Minute})
	return s
}

// isLocalHost reports whether host names this machine only (localhost, a loopback or unspecified
// address), so that no phone can reach it.
func isLocalHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}
