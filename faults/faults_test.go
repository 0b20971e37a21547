package faults

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/boothlead/boothlead/bench/load"
	"github.com/boothlead/boothlead/mail/mailtest"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// checkInPath is the path of an event's booth QR, from `event add`'s last line.
func checkInPath(t *testing.T, line string) string {
	t.Helper()
	u, err := url.Parse(line)
	if err != nil || !strings.HasPrefix(u.Path, "/c/") {
		t.Fatalf("event add printed %q, want a check-in URL", line)
	}
	return u.Path
}

// stored reports which of emails have a lead in db.
func stored(t *testing.T, db modelstest.DB, emails []string) (missing []string) {
	t.Helper()
	var have []string
	if err := db.Gorm.Raw(`SELECT email FROM leads WHERE email IN ?`, emails).Scan(&have).Error; err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, e := range have {
		got[e] = true
	}
	for _, e := range emails {
		if !got[e] {
			missing = append(missing, e)
		}
	}
	return missing
}

// phased records a load's answers by phase of the test.
type phased struct {
	phase atomic.Int32
	mu    sync.Mutex
	by    map[int32]map[int]int
	worst map[int32]time.Duration
	acks  *acks
}

func newPhased() *phased {
	return &phased{by: map[int32]map[int]int{}, worst: map[int32]time.Duration{}, acks: newAcks()}
}

func (p *phased) record(email string, status int, took time.Duration) {
	p.acks.record(email, status, took)
	ph := p.phase.Load()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.by[ph] == nil {
		p.by[ph] = map[int]int{}
	}
	p.by[ph][status]++
	p.worst[ph] = max(p.worst[ph], took)
}

func (p *phased) count(ph int32, status int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.by[ph][status]
}

// Phases of the outage test.
const (
	beforeOutage int32 = iota
	duringOutage
	afterOutage
)

// Postgres stops in the middle of a check-in rush and starts again. While it is down, check-ins
// are answered at once with 503 (no request hangs until the client gives up) and /readyz says
// 503; once it is back, the same process takes check-ins again, without a restart; and every
// check-in that was acknowledged is stored.
func TestPostgresStoppedDuringCheckInLoad(t *testing.T) {
	t.Parallel()
	cl := modelstest.NewCluster(t)
	dbURL := cl.CreateDB("boothlead")
	cli(t, dbURL, "", "migrate")
	path := checkInPath(t, lastLine(cli(t, dbURL, "", "event", "add", "--name", "Outage", "--interests", "Backend,Data")))
	app := serve(t, dbURL)

	p := newPhased()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var res load.Result
	var lerr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		res, lerr = load.Run(ctx, load.Config{FormURL: app.url + path, Workers: 8, Duration: 2 * time.Minute,
			Timeout: 30 * time.Second, OnAnswer: p.record})
	}()
	waitFor(t, "check-ins before the outage", func() bool { return p.count(beforeOutage, http.StatusSeeOther) >= 50 })

	p.phase.Store(duringOutage)
	cl.Stop()
	app.waitReady(http.StatusServiceUnavailable)
	waitFor(t, "check-ins refused during the outage", func() bool { return p.count(duringOutage, http.StatusServiceUnavailable) >= 20 })

	cl.Start()
	app.waitReady(http.StatusOK)
	p.phase.Store(afterOutage)
	waitFor(t, "check-ins after the outage", func() bool { return p.count(afterOutage, http.StatusSeeOther) >= 50 })
	stop()
	<-done
	if lerr != nil {
		t.Fatal(lerr)
	}
	t.Logf("load: %s; by phase %v; slowest answer by phase %v", res, p.by, p.worst)
	for ph, counts := range p.by {
		for status, n := range counts {
			switch {
			case status == 0 && ph == duringOutage:
				t.Errorf("%d check-ins got no answer during the outage (they should fail fast with 503)", n)
			case status == 0:
				// the load stopping mid-request
			case status != http.StatusSeeOther && status != http.StatusServiceUnavailable:
				t.Errorf("%d check-ins answered %d in phase %d", n, status, ph)
			case status == http.StatusServiceUnavailable && ph != duringOutage:
				t.Errorf("%d check-ins answered 503 in phase %d, with the database up", n, ph)
			}
		}
	}
	acked := p.acks.acknowledged()
	if missing := stored(t, modelstest.Connect(t, dbURL), acked); len(missing) > 0 {
		t.Errorf("%d of %d acknowledged check-ins are not stored, e.g. %s", len(missing), len(acked), missing[0])
	}
}

// SIGTERM in the middle of a check-in rush: the requests in flight are answered, the process
// exits cleanly, and every check-in it acknowledged is stored.
func TestSIGTERMDuringLoad(t *testing.T) {
	t.Parallel()
	dbURL := modelstest.NewEmpty(t)
	cli(t, dbURL, "", "migrate")
	path := checkInPath(t, lastLine(cli(t, dbURL, "", "event", "add", "--name", "Shutdown", "--interests", "Backend")))
	app := serve(t, dbURL, "LOG_LEVEL=info")

	p := newPhased()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = load.Run(ctx, load.Config{FormURL: app.url + path, Workers: 20, Duration: 2 * time.Minute,
			Timeout: 30 * time.Second, OnAnswer: p.record})
	}()
	waitFor(t, "check-ins before SIGTERM", func() bool { return p.count(beforeOutage, http.StatusSeeOther) >= 100 })
	p.phase.Store(duringOutage)
	if err := app.terminate(); err != nil {
		t.Errorf("the server exited with %v after SIGTERM, want status 0", err)
	}
	stop()
	<-done
	t.Logf("answers by phase: %v", p.by)
	for ph, counts := range p.by {
		for status, n := range counts {
			if status >= 500 {
				t.Errorf("%d check-ins answered %d (phase %d)", n, status, ph)
			}
		}
	}
	if !strings.Contains(app.logs.String(), "finishing requests in flight") {
		t.Errorf("the server did not say it finished the requests in flight:\n%s", app.logs.String())
	}
	acked := p.acks.acknowledged()
	if missing := stored(t, modelstest.Connect(t, dbURL), acked); len(missing) > 0 {
		t.Errorf("%d of %d acknowledged check-ins are not stored, e.g. %s", len(missing), len(acked), missing[0])
	}
}

// Two app instances on one database: a session made on one is valid on the other; a check-in on
// one shows on a board open on the other; the retention purge, which both start at once, runs
// once; every check-in's mail is sent once, whichever instance's outbox worker takes it.
func TestTwoInstancesOnOneDatabase(t *testing.T) {
	t.Parallel()
	dbURL := modelstest.NewEmpty(t)
	smtp := mailtest.Start(t)
	cli(t, dbURL, "", "migrate")
	const password = "two instances, one database"
	cli(t, dbURL, password+"\n", "user", "add", "--email", "ada@example.com", "--name", "Ada", "--role", "admin")
	path := checkInPath(t, lastLine(cli(t, dbURL, "", "event", "add", "--name", "Twin", "--slug", "twin", "--interests", "Backend")))
	cli(t, dbURL, "", "event", "add", "--name", "Long ago", "--slug", "old", "--starts", "2020-03-01", "--ends", "2020-03-02")
	db := modelstest.Connect(t, dbURL)
	old, err := db.Store.EventBySlug(context.Background(), "old")
	if err != nil {
		t.Fatal(err)
	}
	const expired = 40
	seed := make([]models.SeedLead, expired)
	for i := range seed {
		at := time.Date(2020, 3, 1, 10, i, 0, 0, time.UTC)
		seed[i] = models.SeedLead{Name: fmt.Sprintf("Old %d", i), Email: fmt.Sprintf("old%d@example.com", i),
			Source: models.SourceSelfCheckIn, FirstSeen: at, LastSeen: at,
			Consents: []models.SeedConsent{{Purpose: models.PurposeContact, CapturedBy: models.CapturedByCandidate, At: at}}}
	}
	if err := db.Store.SeedLeads(context.Background(), old, seed); err != nil {
		t.Fatal(err)
	}

	// both start at once, and both run the purge as they start
	env := []string{"SMTP_URL=" + smtp.URL()}
	a, b := start(t, dbURL, env...), start(t, dbURL, env...)
	a.waitReady(http.StatusOK)
	b.waitReady(http.StatusOK)

	// sessions: signed in on a, the board opens on b
	staff := newBrowser(t)
	staff.signIn(a.url, "ada@example.com", password)
	if status, _ := staff.get(b.url + "/events/twin"); status != http.StatusOK {
		t.Errorf("the board on the other instance: status %d with a session made on the first, want 200", status)
	}

	// the live board on b hears of check-ins on a
	events := staff.stream(b.url + "/events/twin/live")
	wait := runLoad(t, a.url+path, 2, 3*time.Second, newAcks())
	var lead string
	deadline := time.After(60 * time.Second)
	for lead == "" {
		select {
		case e := <-events:
			if strings.HasPrefix(e, "lead ") {
				lead = e
			}
		case <-deadline:
			t.Fatal("no check-in on the first instance reached the board open on the second")
		}
	}
	wait()

	// the purge ran once
	waitFor(t, "the purge", func() bool {
		var n int64
		db.Gorm.Raw(`SELECT count(*) FROM leads WHERE event_id = ?`, old.ID).Scan(&n)
		return n == 0
	})
	var purges []struct{ Leads int }
	if err := db.Gorm.Raw(`SELECT (details->>'leads')::int AS leads FROM audit_log WHERE action = 'purge'`).Scan(&purges).Error; err != nil {
		t.Fatal(err)
	}
	if len(purges) != 1 || purges[0].Leads != expired {
		t.Errorf("purge audit rows %v, want one that removed %d leads", purges, expired)
	}

	// mail: check-ins on both instances, each message sent once
	both := newAcks()
	waitA := runLoad(t, a.url+path, 2, 2*time.Second, both)
	waitB := runLoad(t, b.url+path, 2, 2*time.Second, both)
	waitA()
	waitB()
	acked := both.acknowledged()
	if len(acked) == 0 {
		t.Fatalf("no check-in acknowledged: %v", both.counts())
	}
	for _, e := range acked {
		smtp.WaitFor(e, 1, 60*time.Second)
	}
	time.Sleep(3 * time.Second) // a second sender, if there were one, would have sent by now (both poll every 2 s)
	for _, e := range acked {
		if n := len(smtp.To(e)); n != 1 {
			t.Errorf("%d messages to %s, want 1", n, e)
		}
	}
	t.Logf("%d check-ins across both instances, each mailed once", len(acked))
}

// waitFor polls cond until it holds, failing the test after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within a minute", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
