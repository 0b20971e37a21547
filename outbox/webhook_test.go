package outbox_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boothlead/boothlead/api"
	"github.com/boothlead/boothlead/api/openapitest"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/netguard"
	"github.com/boothlead/boothlead/outbox"
	"github.com/boothlead/boothlead/seal"
)

// receiver is a webhook receiver written the way the README tells people to: it checks the
// signature over the raw body with its secret, refuses a timestamp older than 5 minutes, and
// keeps each delivery id once however often it comes. failFirst makes its first answers 500.
type receiver struct {
	*httptest.Server
	secret string

	mu        sync.Mutex
	failFirst int
	requests  int
	bad       []string                  // what failed verification
	seen      map[string]int            // delivery id → times accepted (2xx)
	bodies    map[string]map[string]any // delivery id → body
	raw       [][]byte                  // every accepted body as sent
	events    []string                  // event of each accepted delivery, in order
}

func newReceiver(t *testing.T, secret string, failFirst int) *receiver {
	r := &receiver{secret: secret, failFirst: failFirst, seen: map[string]int{}, bodies: map[string]map[string]any{}}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	raw, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	// 1. the signature: HMAC-SHA256 of the raw body, compared in constant time
	mac := hmac.New(sha256.New, []byte(r.secret))
	mac.Write(raw)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(req.Header.Get("X-Boothlead-Signature"))) {
		r.bad = append(r.bad, "signature")
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	// 2. the timestamp (signed: it is in the body) is recent, and the header agrees
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		r.bad = append(r.bad, "json")
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	ts, _ := body["timestamp"].(float64)
	if time.Since(time.Unix(int64(ts), 0)) > 5*time.Minute || req.Header.Get("X-Boothlead-Timestamp") != strconv.FormatInt(int64(ts), 10) {
		r.bad = append(r.bad, "timestamp")
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	id := req.Header.Get("X-Boothlead-Delivery")
	if body["id"] != id || body["event"] != req.Header.Get("X-Boothlead-Event") {
		r.bad = append(r.bad, "headers")
	}
	if r.failFirst > 0 {
		r.failFirst--
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	// 3. each delivery once: a retry of one already taken is answered 200 and ignored
	if r.seen[id] == 0 {
		r.events = append(r.events, req.Header.Get("X-Boothlead-Event"))
		r.bodies[id] = body
		r.raw = append(r.raw, raw)
	}
	r.seen[id]++
	w.WriteHeader(http.StatusNoContent)
}

func hookWorker(t *testing.T, db modelstest.DB, policy netguard.Policy, pauseAfter time.Duration, logs *syncBuffer) *outbox.Worker {
	return outbox.NewWebhooks(outbox.Config{Store: db.Store, Log: slog.New(slog.NewTextHandler(logs, nil)),
		Backoff: func(int) time.Duration { return 0 }},
		outbox.WebhookConfig{Client: policy.Client(2 * time.Second), PauseAfter: pauseAfter})
}

func addHook(t *testing.T, db modelstest.DB, url, secret string) models.Webhook {
	t.Helper()
	var b *seal.Box // no SECRET_KEY: the secret is kept as typed
	stored, err := b.Keep("webhook", secret)
	if err != nil {
		t.Fatal(err)
	}
	h, err := db.Store.CreateWebhook(context.Background(), 0, url, stored, models.StringList(models.HookEvents))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func waitingHooks(t *testing.T, db modelstest.DB) int64 {
	var n int64
	if err := db.Gorm.Raw(`SELECT count(*) FROM outbox WHERE kind LIKE 'webhook.%' AND sent_at IS NULL AND failed_at IS NULL`).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// A receiver that fails for a while and then recovers gets every delivery, each once per id,
// signed as documented; bodies hold only what the lead's contact consent allows.
func TestWebhooksAreSignedRetriedAndDeliveredOncePerID(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "hooks", "Backend")
	staff := modelstest.Staff(t, db, "booth@example.com", models.RoleStaff)
	rcv := newReceiver(t, "whsec-correct-horse", 7)
	addHook(t, db, rcv.URL+"/boothlead?token=abc", "whsec-correct-horse")
	logs := &syncBuffer{}
	w := hookWorker(t, db, netguard.Policy{AllowPrivate: true}, 24*time.Hour, logs)

	ada := checkIn(t, db, ev, "Ada Lovelace", "ada@example.org").Lead // lead.created
	bob := checkIn(t, db, ev, "Bob Private", "bob@example.org").Lead  // lead.created
	conv, err := models.NewConversation(ev, ada, staff.ID, models.ConversationInput{ClientID: newUUID(), Rating: "hot",
		Notes: "Knows Go", FollowUp: "send the job ad"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Store.AddConversation(ctx, ev, conv); err != nil { // conversation.created
		t.Fatal(err)
	}
	if err := db.Store.WithdrawConsents(ctx, bob, []string{models.PurposeContact}); err != nil { // lead.updated
		t.Fatal(err)
	}
	run := func() {
		for i := 0; i < 100 && waitingHooks(t, db) > 0; i++ {
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := waitingHooks(t, db); n != 4 {
		t.Fatalf("%d deliveries queued, want 4", n)
	}
	run()
	if err := db.Store.DeleteLead(ctx, 0, bob, "candidate"); err != nil { // lead.deleted
		t.Fatal(err)
	}
	run()
	const deliveries = 5
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.bad) > 0 {
		t.Fatalf("verification failed: %v", rcv.bad)
	}
	if len(rcv.seen) != deliveries {
		t.Fatalf("%d deliveries accepted (%v), want %d", len(rcv.seen), rcv.events, deliveries)
	}
	for id, n := range rcv.seen {
		if n != 1 {
			t.Errorf("delivery %s accepted %d times, want once", id, n)
		}
	}
	if rcv.requests < len(rcv.seen)+7 {
		t.Errorf("%d requests: the 7 failures were not retried", rcv.requests)
	}
	var sawConversation, sawDeleted bool
	for _, b := range rcv.bodies {
		data := b["data"].(map[string]any)
		lead := data["lead"].(map[string]any)
		switch b["event"] {
		case models.HookConversationCreated:
			sawConversation = true
			c := data["conversation"].(map[string]any)
			if lead["name"] != "Ada Lovelace" || c["notes"] != "Knows Go" || c["rating"] != "hot" {
				t.Errorf("conversation.created body: %v", data)
			}
		case models.HookLeadDeleted:
			sawDeleted = true
			if lead["id"] != bob.ID || len(lead) > 2 {
				t.Errorf("lead.deleted says more than the id: %v", lead)
			}
		}
		if lead["id"] == bob.ID {
			raw, _ := json.Marshal(b)
			if strings.Contains(string(raw), "Bob") || strings.Contains(string(raw), "bob@") {
				t.Errorf("a delivery about a lead without consent holds personal data: %s", raw)
			}
		}
	}
	if !sawConversation || !sawDeleted {
		t.Errorf("events accepted: %v", rcv.events)
	}
	// every body is what the OpenAPI document's webhooks section promises
	doc, err := openapitest.Parse(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := doc.Schema("Delivery")
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range rcv.raw {
		if err := doc.Check(schema, raw); err != nil {
			t.Errorf("a delivery does not match the document: %v\n%s", err, raw)
		}
	}
	log, err := db.Store.WebhookAttempts(ctx, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	var fails, oks int
	for _, a := range log {
		switch {
		case a.Status != nil && *a.Status == http.StatusInternalServerError:
			fails++
		case a.Status != nil && *a.Status == http.StatusNoContent:
			oks++
		}
	}
	if fails != 7 || oks != len(rcv.seen) {
		t.Errorf("delivery log: %d × 500, %d × 204; want 7 and %d", fails, oks, len(rcv.seen))
	}
	if strings.Contains(logs.String(), "ada@") || strings.Contains(logs.String(), "token=abc") || strings.Contains(logs.String(), "Knows Go") {
		t.Errorf("the logs hold personal data or the receiver's URL:\n%s", logs.String())
	}
}

// A receiver that keeps failing is paused (its waiting deliveries are given up, nothing more is
// queued for it) and the pause is visible; resuming delivers new changes again.
func TestAWebhookThatKeepsFailingIsPaused(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "hooks-pause")
	rcv := newReceiver(t, "s", 1000)
	h := addHook(t, db, rcv.URL, "s")
	w := hookWorker(t, db, netguard.Policy{AllowPrivate: true}, time.Millisecond, &syncBuffer{})
	for i := range 3 {
		checkIn(t, db, ev, fmt.Sprintf("P %d", i), fmt.Sprintf("p%d@example.org", i))
	}
	for i := 0; i < 10 && waitingHooks(t, db) > 0; i++ {
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	got, err := db.Store.WebhookByID(ctx, h.ID)
	if err != nil || got.PausedAt == nil || got.PausedReason == "" {
		t.Fatalf("hook after failing: %+v, %v", got, err)
	}
	if n, _ := db.Store.PausedWebhooks(ctx); n != 1 {
		t.Fatalf("%d paused hooks", n)
	}
	checkIn(t, db, ev, "Later", "later@example.org")
	if n := waitingHooks(t, db); n != 0 {
		t.Fatalf("%d deliveries queued for a paused hook", n)
	}
	if err := db.Store.SetWebhookPaused(ctx, 0, h.ID, false); err != nil {
		t.Fatal(err)
	}
	checkIn(t, db, ev, "After", "after@example.org")
	if n := waitingHooks(t, db); n != 1 {
		t.Fatalf("%d deliveries after resuming, want 1", n)
	}
}

// SSRF: with the strict policy a hook on this machine is never reached, by address or by a name
// that resolves to it; the attempt is logged as refused.
func TestWebhooksNeverReachPrivateAddresses(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "hooks-ssrf")
	rcv := newReceiver(t, "s", 0)
	port := rcv.URL[strings.LastIndexByte(rcv.URL, ':'):]
	addHook(t, db, rcv.URL, "s")
	h2 := addHook(t, db, "http://localhost"+port+"/hook", "s")
	w := hookWorker(t, db, netguard.Policy{}, 24*time.Hour, &syncBuffer{})
	checkIn(t, db, ev, "P", "p@example.org")
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	rcv.mu.Lock()
	n := rcv.requests
	rcv.mu.Unlock()
	if n != 0 {
		t.Fatalf("the receiver on loopback got %d requests", n)
	}
	log, err := db.Store.WebhookAttempts(ctx, h2.ID, 10)
	if err != nil || len(log) != 1 || log[0].Status != nil || !strings.Contains(log[0].Error, "refused") {
		t.Fatalf("attempt log: %+v, %v", log, err)
	}
}
