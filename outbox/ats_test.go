package outbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/boothlead/boothlead/ats"
	"github.com/boothlead/boothlead/ats/atstest"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/netguard"
	"github.com/boothlead/boothlead/outbox"
	"github.com/boothlead/boothlead/seal"
)

const testKey = "a test SECRET_KEY of at least thirty-two characters"

func box(t *testing.T) *seal.Box {
	t.Helper()
	b, err := seal.New(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// atsWorker is one app instance's ATS worker, talking to the vendor test server srv.
func atsWorker(t *testing.T, db modelstest.DB, provider string, srv *atstest.Server, logs *syncBuffer) *outbox.Worker {
	t.Helper()
	return outbox.NewATS(outbox.Config{Store: db.Store, Log: slog.New(slog.NewTextHandler(logs, nil)),
		Backoff: func(int) time.Duration { return 0 }},
		outbox.ATSConfig{Client: netguard.Policy{AllowPrivate: true}.Client(2 * time.Second), Secrets: box(t),
			BaseURL: map[string]string{provider: srv.URL}})
}

func connect(t *testing.T, db modelstest.DB, ev models.Event, provider, key string, autoHot bool) models.ATSConnection {
	t.Helper()
	sealed, err := box(t).Seal("ats", key)
	if err != nil {
		t.Fatal(err)
	}
	c := models.ATSConnection{EventID: ev.ID, Provider: provider, Credentials: sealed, KeyHint: "…",
		OnBehalfOf: "4080", Source: "1234", Tags: models.StringList{"EuroPython 2026"}, AutoHot: autoHot}
	if provider == ats.Lever {
		c.OnBehalfOf, c.Source = "8d49b010-cc6a-4f40-ace5-e86061c677ed", "EuroPython booth"
	}
	c, _, err = db.Store.SaveATSConnection(context.Background(), 0, c)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func syncs(t *testing.T, db modelstest.DB) []models.ATSSync {
	t.Helper()
	var out []models.ATSSync
	if err := db.Gorm.Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// runUntil runs w until done reports true (or fails the test after n rounds of at least 25 ms:
// rows a vendor asked to wait for are due only later).
func runUntil(t *testing.T, w *outbox.Worker, n int, done func() bool) {
	t.Helper()
	for range n {
		if done() {
			return
		}
		if _, err := w.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(25 * time.Millisecond)
	}
	if !done() {
		t.Fatalf("not done after %d rounds", n)
	}
}

// Each lead is created once in the ATS whatever happens between the vendor and us: an answer
// lost after the prospect was created, a 503, a 429, and an instance that dies mid-push (another
// instance takes the row over when its lease ends, and finds the record instead of creating it).
func TestATSCreatesEachLeadOnceAcrossRetriesAndRestarts(t *testing.T) {
	t.Parallel()
	for _, provider := range []string{ats.Greenhouse, ats.Lever} {
		t.Run(provider, func(t *testing.T) {
			t.Parallel()
			db := modelstest.New(t)
			ctx := context.Background()
			ev := modelstest.Event(t, db, "ats-"+provider)
			srv := atstest.Greenhouse(t, "the-key")
			if provider == ats.Lever {
				srv = atstest.Lever(t, "the-key")
			}
			const n = 6
			var emails []string
			for i := range n {
				email := fmt.Sprintf("lead%d@example.org", i)
				checkIn(t, db, ev, fmt.Sprintf("Lead Number%d", i), email)
				emails = append(emails, email)
			}
			connect(t, db, ev, provider, "the-key", false)
			queued, err := db.Store.QueueATSPush(ctx, 0, ev, models.LeadFilter{}.Normalize(ev), provider)
			if err != nil || queued != n {
				t.Fatalf("queued %d, %v; want %d", queued, err, n)
			}
			if again, _ := db.Store.QueueATSPush(ctx, 0, ev, models.LeadFilter{}.Normalize(ev), provider); again != 0 {
				t.Fatalf("queued %d again: a lead would be pushed twice", again)
			}

			// Instance A claims a row and pushes it, and dies before storing the remote id.
			items, err := db.Store.ClaimOutbox(ctx, "ats.", 1, outbox.Lease)
			if err != nil || len(items) != 1 {
				t.Fatalf("claim: %v, %v", items, err)
			}
			p, err := db.Store.BeginATSPush(ctx, items[0].Payload.Int64("sync"))
			if err != nil {
				t.Fatal(err)
			}
			c, _ := ats.New(provider, ats.Settings{APIKey: "the-key", OnBehalfOf: "4080", BaseURL: srv.URL}, nil, nil)
			if _, err := c.Create(ctx, ats.Lead{FirstName: "Lead", LastName: "X", Name: p.Lead.Name, Email: p.Lead.EmailText()}); err != nil {
				t.Fatal(err)
			}
			// ... its lease runs out
			if err := db.Gorm.Exec(`UPDATE outbox SET locked_until = now() - interval '1 second' WHERE id = ?`, items[0].ID).Error; err != nil {
				t.Fatal(err)
			}

			logs := &syncBuffer{}
			b := atsWorker(t, db, provider, srv, logs)
			srv.DropAnswers(2)                         // two creates reach the vendor, their answers do not reach us
			srv.Fail(http.StatusServiceUnavailable, 1) // one 503 before anything
			srv.RateLimit(4, 300*time.Millisecond)     // and the vendor's rate limit
			runUntil(t, b, 200, func() bool {
				for _, s := range syncs(t, db) {
					if s.State != "sent" {
						return false
					}
				}
				return true
			})
			for _, email := range emails {
				if got := srv.Created(email); got != 1 {
					t.Errorf("%s created %d times in %s, want once", email, got, provider)
				}
			}
			finds, creates := 0, 0
			for _, r := range srv.Requests() {
				if r.Method == http.MethodGet {
					finds++
				} else {
					creates++
				}
			}
			// the taken-over row and the two lost answers were looked up before creating again
			if finds < 3 || creates < n+2 {
				t.Errorf("%d lookups and %d create requests: the retries did not look first", finds, creates)
			}
			t.Logf("%s: %d create requests (429s and 503 included), %d lookups, %d records", provider, creates, finds, srv.Total())
			for _, s := range syncs(t, db) {
				if s.RemoteID == nil || *s.RemoteID == "" {
					t.Errorf("sync %d has no remote id", s.ID)
				}
			}
			if strings.Contains(logs.String(), "@example.org") || strings.Contains(logs.String(), "Lead Number") {
				t.Errorf("the logs hold personal data:\n%s", logs.String())
			}
			// a restart of everything: nothing is left to do, nothing is created again
			if _, err := atsWorker(t, db, provider, srv, logs).RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if srv.Total() != n {
				t.Fatalf("%d records in %s, want %d", srv.Total(), provider, n)
			}
		})
	}
}

// The automatic option pushes a lead once it is hot (and may be pushed); a lead whose consent is
// withdrawn before its turn is not pushed, and its sync says why.
func TestATSPushesHotLeadsByThemselvesWithinConsent(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "ats-auto", "Backend")
	staff := modelstest.Staff(t, db, "booth@example.com", models.RoleStaff)
	srv := atstest.Greenhouse(t, "k")
	connect(t, db, ev, ats.Greenhouse, "k", true)
	hot := checkIn(t, db, ev, "Grace Hopper", "grace@example.org").Lead
	warm := checkIn(t, db, ev, "Alan Turing", "alan@example.org").Lead
	gone := checkIn(t, db, ev, "Edsger Dijkstra", "edsger@example.org").Lead
	rate := func(l models.Lead, r string) {
		c, err := models.NewConversation(ev, l, staff.ID, models.ConversationInput{ClientID: newUUID(), Rating: r, Notes: "talked"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Store.AddConversation(ctx, ev, c); err != nil {
			t.Fatal(err)
		}
	}
	rate(hot, "hot")
	rate(warm, "warm")
	rate(gone, "hot")
	rate(hot, "hot") // still one push
	if err := db.Store.WithdrawConsents(ctx, gone, []string{models.PurposeContact}); err != nil {
		t.Fatal(err)
	}
	w := atsWorker(t, db, ats.Greenhouse, srv, &syncBuffer{})
	runUntil(t, w, 10, func() bool {
		for _, s := range syncs(t, db) {
			if s.State != "sent" && s.State != "failed" {
				return false
			}
		}
		return true
	})
	if srv.Created("grace@example.org") != 1 || srv.Created("alan@example.org") != 0 || srv.Created("edsger@example.org") != 0 {
		t.Fatalf("created: grace %d, alan %d, edsger %d", srv.Created("grace@example.org"), srv.Created("alan@example.org"),
			srv.Created("edsger@example.org"))
	}
	body, _ := srv.Record("grace@example.org")
	if tags := fmt.Sprint(body["tags"]); !strings.Contains(tags, "hot") || !strings.Contains(tags, "EuroPython 2026") {
		t.Errorf("tags %s", tags)
	}
	st, err := db.Store.LeadATSSyncs(ctx, gone.ID)
	if err != nil || len(st) != 1 || st[0].State != "failed" || !strings.Contains(st[0].LastError, "consent") {
		t.Fatalf("the withdrawn lead's sync: %+v, %v", st, err)
	}
}
