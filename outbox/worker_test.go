package outbox_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/boothlead/boothlead/mail"
	"github.com/boothlead/boothlead/mail/mailtest"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/outbox"
)

const base = "https://booth.example"

// syncBuffer is a log sink several goroutines write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// worker is one app instance's sender, to a real SMTP server, logging into logs.
func worker(t *testing.T, db modelstest.DB, smtp *mailtest.Server, logs *syncBuffer) *outbox.Worker {
	t.Helper()
	srv, err := mail.ParseURL(smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	sender, err := mail.NewSender(srv, "Boothlead <boothlead@booth.example>")
	if err != nil {
		t.Fatal(err)
	}
	return outbox.New(outbox.Config{Store: db.Store, Sender: sender, From: sender.From(), BaseURL: base,
		Log: slog.New(slog.NewTextHandler(logs, nil)), Backoff: func(int) time.Duration { return 0 }})
}

func checkIn(t *testing.T, db modelstest.DB, ev models.Event, name, email string) models.CheckInResult {
	t.Helper()
	in, err := models.CheckLead(ev, models.LeadInput{Name: name, Email: email, Consent: true, Company: "Secret Corp"}, true)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Store.CheckIn(context.Background(), ev, in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func stats(t *testing.T, db modelstest.DB) models.OutboxStats {
	t.Helper()
	st, err := db.Store.MailStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// An SMTP outage delays mail and loses none; when the server is back, two instances' workers
// racing over the same rows deliver every message exactly once, and nothing personal is logged.
func TestOutboxSurvivesAnSMTPOutageAndSendsEachMessageOnce(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ev := modelstest.Event(t, db, "outage")
	smtp := mailtest.Start(t)
	logs := &syncBuffer{}
	a, b := worker(t, db, smtp, logs), worker(t, db, smtp, logs)
	ctx := context.Background()

	smtp.Stop()
	const n = 30
	for i := range n {
		checkIn(t, db, ev, fmt.Sprintf("Person %d", i), fmt.Sprintf("person%d@example.com", i))
	}
	// one batch each: 20 and the other 10 (a failed row is due again at once with this backoff)
	for _, w := range []*outbox.Worker{a, b} {
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if st := stats(t, db); st.Waiting != n || st.Retrying != n || st.Sent24h != 0 || st.LastError == "" {
		t.Fatalf("during the outage: %+v, want %d waiting after a failed attempt", st, n)
	}

	smtp.Restart()
	var wg sync.WaitGroup
	for _, w := range []*outbox.Worker{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, err := w.RunOnce(ctx); err != nil {
					t.Error(err)
					return
				}
				if stats(t, db).Waiting == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	msgs := smtp.Messages()
	if len(msgs) != n {
		t.Fatalf("%d messages delivered, want %d (each once)", len(msgs), n)
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		if len(m.To) != 1 || seen[m.To[0]] {
			t.Fatalf("a message to %v delivered twice or to several", m.To)
		}
		seen[m.To[0]] = true
		link := m.Link(t, base+"/me/")
		lead, err := db.Store.LeadBySelfLink(ctx, strings.TrimPrefix(link, base+"/me/"))
		if err != nil || lead.EmailText() != m.To[0] {
			t.Errorf("the link mailed to %s opens %q (%v)", m.To[0], lead.EmailText(), err)
		}
		if !strings.HasSuffix(m.MessageID, "@booth.example") {
			t.Errorf("Message-ID %q", m.MessageID)
		}
	}
	if st := stats(t, db); st.Waiting != 0 || st.Sent24h != n {
		t.Errorf("after the outage: %+v", st)
	}
	for _, pii := range []string{"@example.com", "Person 1", "Secret Corp"} {
		if strings.Contains(logs.String(), pii) {
			t.Errorf("the logs hold %q:\n%s", pii, logs.String())
		}
	}
	// the links minted for the failed attempts were dropped: one private link per lead
	var links int64
	db.Gorm.Raw(`SELECT count(*) FROM lead_links`).Scan(&links)
	if links != n {
		t.Errorf("%d private links stored for %d leads", links, n)
	}
}

// A server that refuses an address for good ends that message at once, without retries, and
// says why without the address.
func TestOutboxGivesUpOnAPermanentRefusal(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ev := modelstest.Event(t, db, "refused")
	smtp := mailtest.Start(t)
	logs := &syncBuffer{}
	w := worker(t, db, smtp, logs)
	smtp.Refuse("nobody@example.com")
	checkIn(t, db, ev, "Nobody", "nobody@example.com")
	checkIn(t, db, ev, "Ada", "ada@example.com")
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := stats(t, db)
	if st.Failed != 1 || st.Waiting != 0 || st.Sent24h != 1 {
		t.Fatalf("stats %+v, want 1 given up and 1 sent", st)
	}
	if !strings.Contains(st.LastError, "550") || strings.Contains(st.LastError, "nobody@") {
		t.Errorf("reason %q: want the code, not the address", st.LastError)
	}
	if n, _ := w.RunOnce(context.Background()); n != 0 {
		t.Errorf("a refused message was claimed again")
	}
	if strings.Contains(logs.String(), "nobody@") {
		t.Errorf("the logs hold the address: %s", logs.String())
	}
}

// A temporary failure (451) is tried again and then delivered once.
func TestOutboxRetriesATemporaryFailure(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ev := modelstest.Event(t, db, "tempfail")
	smtp := mailtest.Start(t)
	w := worker(t, db, smtp, &syncBuffer{})
	smtp.TempFail(1)
	checkIn(t, db, ev, "Ada", "ada@example.com")
	ctx := context.Background()
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if st := stats(t, db); st.Retrying != 1 || !strings.Contains(st.LastError, "451") {
		t.Fatalf("after a 451: %+v", st)
	}
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := smtp.To("ada@example.com"); len(got) != 1 {
		t.Fatalf("%d messages, want 1", len(got))
	}
}

// Erasing a lead takes its waiting mail with it: nothing goes out about a deleted person.
func TestOutboxSendsNothingForAnErasedLead(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ev := modelstest.Event(t, db, "erased")
	smtp := mailtest.Start(t)
	w := worker(t, db, smtp, &syncBuffer{})
	res := checkIn(t, db, ev, "Ada", "ada@example.com")
	if err := db.Store.DeleteLead(context.Background(), 0, res.Lead, "candidate"); err != nil {
		t.Fatal(err)
	}
	if n, err := w.RunOnce(context.Background()); err != nil || n != 0 {
		t.Fatalf("claimed %d rows (%v) after the erasure", n, err)
	}
	if len(smtp.Messages()) != 0 {
		t.Fatal("mail sent about an erased lead")
	}
}

// Run sends what is queued while it runs, woken by Nudge, and stops with its context.
func TestOutboxRunSendsWhenNudged(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ev := modelstest.Event(t, db, "nudge")
	smtp := mailtest.Start(t)
	w := worker(t, db, smtp, &syncBuffer{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	checkIn(t, db, ev, "Ada", "ada@example.com")
	w.Nudge()
	smtp.WaitFor("ada@example.com", 1, 10*time.Second)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop with its context")
	}
}

func newUUID() string { return uuid.NewString() }
