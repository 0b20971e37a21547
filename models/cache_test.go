package models_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// instance is a Store on a pool of its own with a hub that feeds its cache, as `serve` wires
// them; its cache keeps entries for an hour, so only a notice can make it see a change.
func instance(t *testing.T, db modelstest.DB) *models.Store {
	t.Helper()
	other := modelstest.Connect(t, db.URL)
	store := models.NewStore(other.Gorm, models.WithCacheTTL(time.Hour))
	hub := models.NewHub(db.URL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	hub.OnConfigChange(store.ForgetEvent)
	ctx, cancel := context.WithCancel(context.Background())
	go hub.Run(ctx)
	t.Cleanup(func() { cancel(); hub.Close() })
	<-hub.Ready()
	return store
}

// eventually polls cond for up to ten seconds (a notice takes milliseconds; the cache an hour).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("%s: the other instance still shows what it cached", what)
		}
	}
}

// An admin's change on one instance reaches what every other instance cached for check-ins: the
// consent texts, the questions, the event behind the booth QR (closed, or under a new key).
func TestCachedLookupsFollowChangesOnEveryInstance(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "cached", "Backend")
	a, b := instance(t, db), instance(t, db)

	texts, err := b.ConsentTextsIn(ctx, ev.ID, "en")
	if err != nil {
		t.Fatal(err)
	}
	if qs, err := b.Questions(ctx, ev.ID); err != nil || len(qs) != 0 {
		t.Fatalf("questions %v, %v", qs, err)
	}
	if _, err := b.CachedEventByCheckinKey(ctx, ev.CheckinKey); err != nil {
		t.Fatal(err)
	}

	if _, err := a.UpdateEvent(ctx, 0, ev, "Acme may mail you about jobs until 2028.", ""); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a new consent text", func() bool {
		now, err := b.ConsentTextsIn(ctx, ev.ID, "en")
		return err == nil && now.Contact.ID != texts.Contact.ID && now.Contact.Body == "Acme may mail you about jobs until 2028."
	})

	q, err := models.NewQuestion(models.QuestionInput{Key: "grad", Label: "Graduation year", Kind: models.QuestionText})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddQuestion(ctx, 0, ev, q); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a new question", func() bool {
		qs, err := b.Questions(ctx, ev.ID)
		return err == nil && len(qs) == 1 && qs[0].Key == "grad"
	})

	if _, err := a.RotateCheckinKey(ctx, 0, ev.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a rotated key", func() bool {
		_, err := b.CachedEventByCheckinKey(ctx, ev.CheckinKey)
		return errors.Is(err, models.ErrNotFound)
	})
}

// A check-in made with a cached event that was closed or re-keyed meanwhile is refused with
// ErrEventChanged, and stores nothing: the statement checks the event itself.
func TestCheckInWithAStaleEventIsRefused(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "stale", "Backend")
	texts, err := db.Store.CurrentConsentTexts(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	in := models.LeadInput{Name: "Ada", Email: "ada@example.com", Consent: true, ContactTextID: texts.Contact.ID,
		TalentPoolTextID: texts.TalentPool.ID}

	if _, err := db.Store.RotateCheckinKey(ctx, 0, ev.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Store.CheckIn(ctx, ev, in); !errors.Is(err, models.ErrEventChanged) {
		t.Fatalf("check-in under the old key: %v, want ErrEventChanged", err)
	}
	fresh, err := db.Store.EventByID(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	closed := fresh
	closed.Status = models.StatusClosed
	if _, err := db.Store.UpdateEvent(ctx, 0, closed, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Store.CheckIn(ctx, fresh, in); !errors.Is(err, models.ErrEventChanged) {
		t.Fatalf("check-in at a closed event: %v, want ErrEventChanged", err)
	}
	if n, _ := db.Store.CountLeads(ctx, ev.ID); n != 0 {
		t.Fatalf("%d leads stored, want none", n)
	}
}
