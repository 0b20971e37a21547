package models

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's minimum (19 MiB, 2 iterations, 1 lane).
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// MinPasswordLen is the shortest password accepted (ASVS 6.2.1); there are no composition rules.
const MinPasswordLen = 10

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime,
		argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether password matches a hash made by HashPassword.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// checkPassword is CheckPassword with at most one hash per CPU at a time (Store.hashing): each
// hash takes argonMemory (19 MiB) for as long as it runs, so ten people signing in at once would
// otherwise take 190 MiB at once, and finish no sooner, since the hashes share the CPUs anyway.
// Waiting for a turn ends with ctx.
func (s *Store) checkPassword(ctx context.Context, hash, password string) (bool, error) {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return false, fmt.Errorf("models: wait to check a password: %w", ctx.Err())
	}
	ok := CheckPassword(hash, password)
	// The hash's 19 MiB are garbage now: collect them before the next hash asks for as much again,
	// so the heap reuses them instead of growing (a sign-in is rare; the collection costs a few ms).
	runtime.GC()
	<-s.hashing
	return ok, nil
}

// dummyHash is compared against when an email is unknown, so a wrong email costs as much time
// as a wrong password.
var dummyHash = sync.OnceValue(func() string { return HashPassword("boothlead-timing-equaliser") })

func validPassword(e errs, field, pw string) {
	switch {
	case len([]rune(pw)) < MinPasswordLen:
		e.add(field, fmt.Sprintf("Use at least %d characters.", MinPasswordLen))
	case len(pw) > 1024:
		e.add(field, "That password is too long (at most 1024 bytes).")
	case commonPasswords[strings.ToLower(pw)]:
		e.add(field, "That password is one of the most common ones; choose another.")
	}
}

var commonPasswords = map[string]bool{
	"1234567890": true, "12345678910": true, "123456789a": true, "qwertyuiop": true, "password1!": true,
	"password123": true, "password12": true, "1q2w3e4r5t": true, "iloveyou12": true, "0123456789": true,
	"passwordpassword": true, "qwerty12345": true, "1111111111": true, "abcdefghij": true,
	"letmein123": true, "welcome123": true, "administrator": true, "changeme123": true,
}
