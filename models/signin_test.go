package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

func throttled(t *testing.T, err error) time.Duration {
	t.Helper()
	var te *models.ThrottledError
	if !errors.As(err, &te) || !errors.Is(err, models.ErrTooManyTries) {
		t.Fatalf("got %v, want a throttled attempt", err)
	}
	return te.Wait
}

// A guesser at one address slows to a crawl, with delays that double; the owner, from their own
// address, is not locked out; a guesser spread over many addresses slows the account, but never
// by more than half a minute.
func TestSignInThrottleSlowsGuessersNotTheOwner(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	modelstest.Staff(t, db, "sam@example.com", models.RoleStaff)
	const attacker, owner = "203.0.113.66", "198.51.100.7"

	for i := 0; i < models.LoginFreePerPair; i++ {
		if _, err := db.Store.Authenticate(ctx, "sam@example.com", "guess", attacker); !errors.Is(err, models.ErrBadLogin) {
			t.Fatalf("free attempt %d: %v", i+1, err)
		}
	}
	_, err := db.Store.Authenticate(ctx, "sam@example.com", modelstest.Password, attacker)
	if w := throttled(t, err); w > 3*time.Second {
		t.Errorf("first wait %s", w)
	}
	if _, err := db.Store.Authenticate(ctx, "SAM@example.com ", modelstest.Password, owner); err != nil {
		t.Fatalf("the owner, from their own address, is locked out: %v", err)
	}

	// each further failure doubles the wait, up to five minutes
	var waits []time.Duration
	for range 12 {
		db.Gorm.Exec("UPDATE login_throttle SET next_at = now()") // as if the wait had passed
		if _, err := db.Store.Authenticate(ctx, "sam@example.com", "guess", attacker); !errors.Is(err, models.ErrBadLogin) {
			t.Fatalf("after the wait: %v", err)
		}
		_, err := db.Store.Authenticate(ctx, "sam@example.com", "guess", attacker)
		waits = append(waits, throttled(t, err))
	}
	for i := 1; i < len(waits); i++ {
		if waits[i] < waits[i-1] {
			t.Errorf("waits shrink: %v", waits)
		}
	}
	if waits[0] > 4*time.Second || waits[len(waits)-1] < 4*time.Minute || waits[len(waits)-1] > 5*time.Minute+2*time.Second {
		t.Errorf("waits %v: want from a few seconds growing to five minutes", waits)
	}

	// many addresses against one account: the account slows, by at most half a minute
	modelstest.Staff(t, db, "kim@example.com", models.RoleStaff)
	var last error
	for i := range models.LoginFreePerAccount + 3 {
		db.Gorm.Exec("UPDATE login_throttle SET next_at = now() WHERE key LIKE 'ip:%' OR key LIKE 'pair:%'")
		_, last = db.Store.Authenticate(ctx, "kim@example.com", "guess", fmt.Sprintf("192.0.2.%d", i+1))
	}
	if w := throttled(t, last); w > 31*time.Second {
		t.Errorf("the account waits %s: the owner must not wait longer than half a minute", w)
	}
	_, err = db.Store.Authenticate(ctx, "kim@example.com", modelstest.Password, owner)
	if w := throttled(t, err); w > 31*time.Second {
		t.Errorf("the owner waits %s", w)
	}
}

// Parallel attempts cannot share out more free tries than there are.
func TestSignInThrottleHoldsUnderParallelAttempts(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	modelstest.Staff(t, db, "sam@example.com", models.RoleStaff)
	var mu sync.Mutex
	checked := 0
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := db.Store.Authenticate(context.Background(), "sam@example.com", "guess", "203.0.113.9")
			if errors.Is(err, models.ErrBadLogin) {
				mu.Lock()
				checked++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if checked != models.LoginFreePerPair {
		t.Errorf("%d of 20 parallel guesses had their password checked, want %d", checked, models.LoginFreePerPair)
	}
}

// Unknown, inactive and active accounts take the same time to refuse: one password hash each.
func TestSignInTakesTheSameTimeWhoeverAsks(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	modelstest.Staff(t, db, "active@example.com", models.RoleStaff)
	gone := modelstest.Staff(t, db, "inactive@example.com", models.RoleStaff)
	if err := db.Store.SetStaffActive(ctx, 0, gone.ID, false); err != nil {
		t.Fatal(err)
	}
	const rounds = models.LoginFreePerAccount - 2 // stay under the account throttle
	times := map[string][]time.Duration{}
	order := []string{"unknown", "inactive", "active"}
	for i := range rounds {
		order = append(order[1:], order[0]) // each goes first, second and third in turn
		for _, who := range order {
			email := who + "@example.com"
			if who == "unknown" {
				email = fmt.Sprintf("nobody%d@example.com", i)
			}
			ip := fmt.Sprintf("198.51.100.%d", i+1) // a new address each round: no throttling in the way
			start := time.Now()
			_, err := db.Store.Authenticate(ctx, email, "not the password", ip)
			times[who] = append(times[who], time.Since(start))
			if !errors.Is(err, models.ErrBadLogin) {
				t.Fatalf("%s: %v", who, err)
			}
		}
	}
	med := map[string]time.Duration{}
	for who, ds := range times {
		slices.Sort(ds)
		med[who] = ds[len(ds)/2]
	}
	t.Logf("median time to refuse: unknown %s, inactive %s, active with a wrong password %s",
		med["unknown"], med["inactive"], med["active"])
	for _, who := range []string{"unknown", "inactive"} {
		if r := float64(med[who]) / float64(med["active"]); r < 0.6 || r > 1.7 {
			t.Errorf("%s accounts take %.2f× the time of active ones", who, r)
		}
	}
}
