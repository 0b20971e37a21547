package handlers

import (
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	checkins prometheus.Counter
	exports  prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "boothlead_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "boothlead_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		checkins: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "boothlead_checkins_total", Help: "Successful candidate check-ins.",
		}),
		exports: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "boothlead_exports_total", Help: "CSV exports started.",
		}),
	}
	reg.MustRegister(m.requests, m.latency, m.checkins, m.exports)
	return m
}

// methodLabel names the standard methods; any other collapses into "other", so made-up methods
// cannot grow the label set.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions:
		return m
	}
	return "other"
}

// measure records every request by its route pattern (never the raw path: it may hold tokens,
// and made-up paths would grow the label set without bound: they count as "unmatched").
func (s *Server) measure(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route := c.Path()
		if !s.routePatterns[route] {
			route = "unmatched"
		}
		method := methodLabel(c.Request().Method)
		status := c.Response().Status
		if err != nil {
			status = statusOf(err)
		}
		if status < 100 || status > 599 {
			status = 0
		}
		s.metrics.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
		s.metrics.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
		return err
	}
}

func (s *Server) metricsHandler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{DisableCompression: true})) // the gzip middleware compresses
}

// operatorOnly lets monitoring in: clients on this machine (loopback, not forwarded by a proxy),
// and others that show the METRICS_TOKEN as a bearer token.
func (s *Server) operatorOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if s.metricsToken != "" {
			if tok, ok := strings.CutPrefix(r.Header.Get(echo.HeaderAuthorization), "Bearer "); ok {
				// compare hashes: equal lengths, constant time
				want, got := sha256.Sum256([]byte(s.metricsToken)), sha256.Sum256([]byte(strings.TrimSpace(tok)))
				if subtle.ConstantTimeCompare(want[:], got[:]) == 1 {
					return next(c)
				}
				return echo.NewHTTPError(http.StatusUnauthorized, "That token is not the metrics token.")
			}
		}
		if isLoopback(r) {
			return next(c)
		}
		if s.metricsToken == "" {
			return echo.NewHTTPError(http.StatusForbidden, "Metrics are served to this machine only; set METRICS_TOKEN to read them from elsewhere.")
		}
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
		return echo.NewHTTPError(http.StatusUnauthorized, "Metrics need the metrics token (Authorization: Bearer …).")
	}
}

// isLoopback reports whether the request comes straight from this machine. A request that a
// proxy forwarded (it says so in its headers) does not, even when the proxy runs here.
func isLoopback(r *http.Request) bool {
	if r.Header.Get(echo.HeaderXForwardedFor) != "" || r.Header.Get("Forwarded") != "" ||
		r.Header.Get(echo.HeaderXRealIP) != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
