package handlers

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/seal"
)

// Admins register a webhook on the page; a private address is refused unless
// WEBHOOK_ALLOW_PRIVATE=on; a check-in through the public form reaches the receiver, and the
// hook's page logs the delivery with its status.
func TestWebhooksFromTheAdminPage(t *testing.T) {
	t.Parallel()
	strict := newTestApp(t, withoutMail)
	admin := strict.signedIn("admin@example.com", models.RoleAdmin)
	for _, u := range []string{"http://127.0.0.1:9/hook", "http://localhost/hook", "http://169.254.169.254/latest", "ftp://x.example.com"} {
		p := admin.submit("/integrations/webhooks", url.Values{"url": {u}, "secret": {"a-long-enough-secret"}})
		if p.status != http.StatusUnprocessableEntity || p.testid("webhook-form").Find(".error").Length() == 0 {
			t.Errorf("%s: %d, want 422 with the error next to the field", u, p.status)
		}
	}
	if p := admin.submit("/integrations/webhooks", url.Values{"url": {"https://hooks.example.com/x"}, "secret": {"short"}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("a short secret: %d", p.status)
	}
	staff := strict.signedIn("staff@example.com", models.RoleStaff)
	if p := staff.get("/integrations"); p.status != http.StatusForbidden {
		t.Errorf("staff on the integrations page: %d", p.status)
	}

	var mu sync.Mutex
	var got []http.Header
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		got = append(got, r.Header.Clone())
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer rcv.Close()
	a := newWorkerApp(t, nil, withoutMail, withPrivateHooks, withSecretKey)
	ev := modelstest.Event(t, a.db, "pycon", "Backend")
	admin = a.signedIn("admin@example.com", models.RoleAdmin)
	p := admin.submit("/integrations/webhooks", url.Values{"url": {rcv.URL + "/in"}, "secret": {"receiver-secret-123"},
		"events": {"lead.created"}})
	wantStatus(t, p, http.StatusSeeOther)
	var stored string
	a.db.Gorm.Raw(`SELECT secret FROM webhooks`).Scan(&stored)
	if !seal.IsSealed(stored) || strings.Contains(stored, "receiver-secret-123") {
		t.Fatalf("the secret is stored as %q", stored)
	}
	cand := a.client()
	wantStatus(t, cand.checkIn(ev, minimalForm()), http.StatusSeeOther)
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries after 10 s", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	h := got[0]
	mu.Unlock()
	if h.Get("X-Boothlead-Event") != "lead.created" || !strings.HasPrefix(h.Get("X-Boothlead-Signature"), "sha256=") ||
		h.Get("X-Boothlead-Delivery") == "" || h.Get("X-Boothlead-Timestamp") == "" {
		t.Fatalf("headers %v", h)
	}
	hooks, _ := a.store.Webhooks(context.Background())
	var log page
	for i := 0; i < 50; i++ { // the attempt is logged just after the answer
		log = admin.get("/integrations/webhooks/" + itoa(hooks[0].ID))
		if log.testid("delivery-row").Length() == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if log.testid("delivery-row").Length() != 1 || !strings.Contains(log.testid("delivery-status").Text(), "202") {
		t.Fatalf("delivery log: %s", log.testid("delivery-log").Text())
	}
	// pausing shows, and admins see a banner on every page while a hook is paused
	wantStatus(t, admin.submit("/integrations/webhooks/"+itoa(hooks[0].ID)+"/state", url.Values{"state": {"paused"}}), http.StatusSeeOther)
	if b := admin.get("/events"); !strings.Contains(b.testid("webhook-notice").Text(), "paused") {
		t.Fatalf("no banner about the paused webhook: %q", b.testid("webhook-notice").Text())
	}
	wantStatus(t, admin.submit("/integrations/webhooks/"+itoa(hooks[0].ID)+"/state", url.Values{"state": {"active"}}), http.StatusSeeOther)
	if p := admin.post("/integrations/webhooks/"+itoa(hooks[0].ID)+"/state", url.Values{"state": {"paused"}, "_csrf": {"forged"}}); p.status != http.StatusForbidden {
		t.Errorf("a forged form: %d", p.status)
	}
}
