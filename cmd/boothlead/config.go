package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/boothlead/boothlead/mail"
	"github.com/boothlead/boothlead/seal"
)

// config is everything read from the environment, once.
type config struct {
	DatabaseURL string
	Addr        string
	BaseURL     string
	LogLevel    slog.Level
	LogFormat   string
	RateLimits  bool
	Company     string
	TrustProxy  bool
	SMTP        *mail.Server // nil: SMTP_URL not set, mail waits in the outbox
	MailFrom    string
	// MetricsToken lets clients other than this machine read /metrics (Authorization: Bearer).
	MetricsToken string
	// Secrets seals ATS API keys and webhook secrets (SECRET_KEY); nil when it is not set.
	Secrets *seal.Box
	// AllowPrivateHooks lets webhooks reach loopback and private addresses (WEBHOOK_ALLOW_PRIVATE).
	AllowPrivateHooks bool
}

// defaultDatabaseURL is the private cluster that `make db` runs.
const defaultDatabaseURL = "postgres://postgres@127.0.0.1:54329/boothlead?sslmode=disable"

func loadConfig(getenv func(string) string) (config, error) {
	get := func(k, def string) (string, error) {
		if f := getenv(k + "_FILE"); f != "" { // secrets from files (Docker/Kubernetes secrets)
			b, err := os.ReadFile(f)
			if err != nil {
				return "", fmt.Errorf("%s_FILE: %w", k, err)
			}
			return strings.TrimSpace(string(b)), nil
		}
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v, nil
		}
		return def, nil
	}
	var c config
	var err error
	if c.DatabaseURL, err = get("DATABASE_URL", defaultDatabaseURL); err != nil {
		return c, err
	}
	c.Addr, _ = get("ADDR", ":8080")
	c.BaseURL, _ = get("BASE_URL", defaultBaseURL(c.Addr))
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("BASE_URL must be an absolute http(s) URL, got %q", c.BaseURL)
	}
	lvl, _ := get("LOG_LEVEL", "info")
	if err := c.LogLevel.UnmarshalText([]byte(lvl)); err != nil {
		return c, fmt.Errorf("LOG_LEVEL must be debug, info, warn or error, got %q", lvl)
	}
	c.LogFormat, _ = get("LOG_FORMAT", "text")
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("LOG_FORMAT must be text or json, got %q", c.LogFormat)
	}
	if c.RateLimits, err = onOff(get("RATE_LIMITS", "on")); err != nil {
		return c, fmt.Errorf("RATE_LIMITS: %w", err)
	}
	if c.TrustProxy, err = onOff(get("TRUST_PROXY", "off")); err != nil {
		return c, fmt.Errorf("TRUST_PROXY: %w", err)
	}
	c.Company, _ = get("COMPANY_NAME", "Our company")
	smtpURL, err := get("SMTP_URL", "")
	if err != nil {
		return c, err
	}
	if smtpURL != "" {
		srv, err := mail.ParseURL(smtpURL)
		if err != nil {
			return c, err
		}
		c.SMTP = &srv
	}
	u, _ := url.Parse(c.BaseURL)
	c.MailFrom, _ = get("MAIL_FROM", "boothlead@"+u.Hostname())
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		return c, fmt.Errorf("MAIL_FROM must be an address like boothlead@example.com, got %q", c.MailFrom)
	}
	if c.MetricsToken, err = get("METRICS_TOKEN", ""); err != nil {
		return c, err
	}
	key, err := get("SECRET_KEY", "")
	if err != nil {
		return c, err
	}
	if c.Secrets, err = seal.New(key); err != nil {
		return c, err
	}
	if c.AllowPrivateHooks, err = onOff(get("WEBHOOK_ALLOW_PRIVATE", "off")); err != nil {
		return c, fmt.Errorf("WEBHOOK_ALLOW_PRIVATE: %w", err)
	}
	return c, nil
}

func onOff(v string, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	switch strings.ToLower(v) {
	case "on", "true", "1", "yes":
		return true, nil
	case "off", "false", "0", "no":
		return false, nil
	}
	return false, fmt.Errorf("want on or off, got %q", v)
}

func newLogger(w interface{ Write([]byte) (int, error) }, c config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// defaultBaseURL is http://localhost on the port the server listens on, so QR codes work on a
// developer's machine whatever ADDR says.
func defaultBaseURL(addr string) string {
	if _, port, err := net.SplitHostPort(addr); err == nil && port != "" && port != "0" {
		return "http://localhost:" + port
	}
	return "http://localhost:8080"
}
