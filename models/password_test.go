package models

import (
	"strings"
	"testing"
)

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	h := HashPassword("correct horse battery staple")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not argon2id with OWASP's parameters", h)
	}
	if !CheckPassword(h, "correct horse battery staple") || CheckPassword(h, "correct horse battery stapl") {
		t.Fatal("CheckPassword accepts a wrong password or refuses the right one")
	}
	if HashPassword("correct horse battery staple") == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$x$y$z$w", h[:len(h)-4]} {
		if CheckPassword(bad, "correct horse battery staple") {
			t.Errorf("CheckPassword(%q) accepted", bad)
		}
	}
	e := newErrs()
	validPassword(e, "pw", "short")
	validPassword(e, "pw2", "1234567890")
	if !e.has("pw") || !e.has("pw2") {
		t.Errorf("weak passwords accepted: %v", e.fields)
	}
}

// BenchmarkHashPassword is the cost of one sign-in check (argon2id, 19 MiB, t=2).
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		HashPassword("correct horse battery staple")
	}
}
