package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Sign-in throttling, after OWASP's Authentication Cheat Sheet ("Login Throttling", "Account
// Lockout"). A fixed lockout after N failures lets anyone who knows an address lock its owner
// out, so instead every attempt counts under three keys, and once a key has used its free
// attempts, each further attempt has to wait a delay that doubles with every failure, up to a cap:
//
//   - the account from one IP (5 free, then 1 s, 2 s, 4 s … up to 5 minutes): a guesser at one
//     address gets a few hundred tries a day;
//   - the account from anywhere (20 free, up to 30 s): guesses spread over many addresses slow
//     down too, while the owner, from their own address, waits half a minute at most — never 15
//     minutes;
//   - the IP against any account (50 free, up to 5 minutes): password spraying from one address.
//
// An attempt that comes too early is refused without checking the password and without being
// counted, so hammering does not extend the wait. Attempts are counted before the password is
// checked, under row locks, so parallel requests cannot share out more free attempts than
// there are. A success clears the account's first two keys. Failures older than LoginWindow
// are forgotten. Keys are hashes (of the email and the IP), never the values.
type throttleRule struct {
	kind string
	free int
	max  time.Duration
}

// Throttle rules; see above.
const (
	LoginWindow          = 15 * time.Minute
	LoginFreePerPair     = 5
	LoginFreePerAccount  = 20
	LoginFreePerIP       = 50
	loginMaxDelayPair    = 5 * time.Minute
	loginMaxDelayAccount = 30 * time.Second
	loginMaxDelayIP      = 5 * time.Minute
)

func throttleRules() []throttleRule {
	return []throttleRule{
		{"pair", LoginFreePerPair, loginMaxDelayPair},
		{"account", LoginFreePerAccount, loginMaxDelayAccount},
		{"ip", LoginFreePerIP, loginMaxDelayIP},
	}
}

// delay is the wait after the n-th counted failure under a rule.
func (r throttleRule) delay(n int) time.Duration {
	if n < r.free {
		return 0
	}
	d := time.Second << min(n-r.free, 20)
	return min(d, r.max)
}

// ThrottledError is a sign-in attempt refused because it came too early; Wait says how long
// until the next one is allowed. It is ErrTooManyTries.
type ThrottledError struct{ Wait time.Duration }

// Error says how long to wait.
func (e *ThrottledError) Error() string { return fmt.Sprintf("too many attempts: wait %s", e.Wait) }

// Unwrap makes a ThrottledError match ErrTooManyTries.
func (e *ThrottledError) Unwrap() error { return ErrTooManyTries }

// Authenticate checks an email and password. It returns a *ThrottledError (ErrTooManyTries)
// while an attempt must wait, ErrBadLogin for any wrong email, wrong password or inactive
// account (one answer, so it reveals nothing), and the account on success. Unknown, inactive
// and active accounts cost the same work: the same queries and exactly one password hash.
func (s *Store) Authenticate(ctx context.Context, email, password, ip string) (StaffUser, error) {
	norm := strings.ToLower(strings.TrimSpace(email))
	keys := map[string]string{
		"pair":    "pair:" + HashToken(norm+"\x00"+ip),
		"account": "account:" + HashToken(norm),
		"ip":      "ip:" + HashToken(ip),
	}
	if err := s.claimAttempt(ctx, keys); err != nil {
		return StaffUser{}, err
	}
	var u StaffUser
	found := false
	if Storable(norm) { // NUL or broken UTF-8 cannot be in any stored address
		err := s.ctx(ctx).Where("lower(email) = ?", norm).Take(&u).Error
		switch {
		case err == nil:
			found = true
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return StaffUser{}, fmt.Errorf("models: find staff by email: %w", err)
		}
	}
	hash := dummyHash()
	if found {
		hash = u.PasswordHash
	}
	ok, err := s.checkPassword(ctx, hash, password) // always exactly one hash, whoever asks
	if err != nil {
		return StaffUser{}, err
	}
	if !found || !u.Active || !ok {
		return StaffUser{}, ErrBadLogin
	}
	if err := s.ctx(ctx).Exec("DELETE FROM login_throttle WHERE key IN ?", []string{keys["pair"], keys["account"]}).Error; err != nil {
		return StaffUser{}, fmt.Errorf("models: clear sign-in throttle: %w", err)
	}
	return u, nil
}

// claimAttempt counts one attempt under every key, or refuses it with a *ThrottledError when a
// key's delay has not passed yet.
func (s *Store) claimAttempt(ctx context.Context, keys map[string]string) error {
	rules := throttleRules()
	all := make([]string, 0, len(rules))
	for _, r := range rules {
		all = append(all, keys[r.kind])
	}
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO login_throttle (key) SELECT unnest(?::text[]) ON CONFLICT (key) DO NOTHING`,
			StringList(all)).Error; err != nil {
			return fmt.Errorf("models: sign-in throttle: %w", err)
		}
		var rows []struct {
			Key      string
			Failures int
			Stale    bool
			Wait     float64 // seconds until next_at
		}
		err := tx.Raw(`SELECT key, failures, last_at < now() - make_interval(secs => ?) AS stale,
				greatest(0, extract(epoch FROM next_at - now()))::float8 AS wait
			FROM login_throttle WHERE key IN ? ORDER BY key FOR UPDATE`, LoginWindow.Seconds(), all).Scan(&rows).Error
		if err != nil {
			return fmt.Errorf("models: sign-in throttle: %w", err)
		}
		free := map[string]int{}
		for _, r := range rules {
			free[keys[r.kind]] = r.free
		}
		failures := map[string]int{}
		var wait time.Duration
		for _, row := range rows {
			if row.Stale {
				continue
			}
			failures[row.Key] = row.Failures
			// Within the free attempts next_at is the previous attempt's now(), its transaction's
			// start: a concurrent sign-in whose transaction started earlier would read it as a wait.
			if row.Failures < free[row.Key] {
				continue
			}
			if w := time.Duration(row.Wait * float64(time.Second)); w > wait {
				wait = w
			}
		}
		if wait > 0 {
			return &ThrottledError{Wait: wait.Round(time.Second) + time.Second}
		}
		for _, r := range rules {
			n := failures[keys[r.kind]] + 1
			err := tx.Exec(`UPDATE login_throttle SET failures = ?, last_at = now(),
				next_at = now() + make_interval(secs => ?) WHERE key = ?`, n, r.delay(n).Seconds(), keys[r.kind]).Error
			if err != nil {
				return fmt.Errorf("models: sign-in throttle: %w", err)
			}
		}
		return nil
	})
}

// PruneSignInThrottle forgets throttle rows whose last failure is older than LoginWindow.
func (s *Store) PruneSignInThrottle(ctx context.Context) (int64, error) {
	res := s.ctx(ctx).Exec(`DELETE FROM login_throttle WHERE last_at < now() - make_interval(secs => ?)`, LoginWindow.Seconds())
	if res.Error != nil {
		return 0, fmt.Errorf("models: prune sign-in throttle: %w", res.Error)
	}
	return res.RowsAffected, nil
}
