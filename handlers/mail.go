package handlers

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
)

// mailOn reports whether mail goes out (SMTP_URL is set).
func (s *Server) mailOn() bool { return s.mail.Server != "" }

// nudgeMail wakes this instance's sender after a message was queued, so it goes out at once
// rather than at the next poll.
func (s *Server) nudgeMail() {
	if s.mail.Nudge != nil {
		s.mail.Nudge()
	}
}

// mailWaiting is the /metrics gauge of mail waiting in the outbox (an alert on it catches a mail
// server that stopped taking mail, or SMTP_URL never set).
func (s *Server) mailWaiting() prometheus.GaugeFunc {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "boothlead_mail_waiting",
		Help: "Messages in the outbox not sent yet (checked at most every 30 s)."}, func() float64 {
		st, err := s.cachedMailStats(context.Background())
		if err != nil {
			return math.NaN()
		}
		return float64(st.Waiting)
	})
}

// statsCache keeps the mail queue's numbers for half a minute: admin pages show them in a
// banner, and counting on every page view is not worth it.
type statsCache struct {
	mu sync.Mutex
	at time.Time
	st models.OutboxStats
}

func (s *Server) cachedMailStats(ctx context.Context) (models.OutboxStats, error) {
	s.mailStats.mu.Lock()
	defer s.mailStats.mu.Unlock()
	if time.Since(s.mailStats.at) < 30*time.Second {
		return s.mailStats.st, nil
	}
	st, err := s.store.MailStats(ctx)
	if err != nil {
		return st, err
	}
	s.mailStats.st, s.mailStats.at = st, time.Now()
	return st, nil
}

// stuckAfter is how long mail may wait before admins are told the server does not take it.
const stuckAfter = 10 * time.Minute

// mailNotice is the admins' banner: mail that waits, and why; "" when all is well.
func (s *Server) mailNotice(ctx context.Context) string {
	st, err := s.cachedMailStats(ctx)
	if err != nil || st.Waiting == 0 {
		return ""
	}
	if !s.mailOn() {
		return plural(st.Waiting, "message waits", "messages wait") + " to be sent: mail is not set up (set SMTP_URL)."
	}
	if st.Retrying > 0 && st.OldestWaiting != nil && time.Since(*st.OldestWaiting) > stuckAfter {
		return plural(st.Waiting, "message waits", "messages wait") + ": the mail server does not take them (" + st.LastError + ")."
	}
	return ""
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}

// mailStatus shows admins the mail queue: whether mail is set up, what waits, what failed.
func (s *Server) mailStatus(c echo.Context) error {
	st, err := s.store.MailStats(c.Request().Context())
	if err != nil {
		return err
	}
	vm := pages.MailVM{Server: s.mail.Server, Waiting: st.Waiting, Retrying: st.Retrying, Failed: st.Failed,
		Sent24h: st.Sent24h, LastError: st.LastError}
	if st.OldestWaiting != nil {
		vm.OldestWaiting = st.OldestWaiting.UTC().Format("2 Jan 15:04 UTC")
	}
	return render(c, http.StatusOK, pages.MailPage(s.chrome(c, "Mail", "mail"), vm))
}
