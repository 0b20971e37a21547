package seal_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/boothlead/boothlead/seal"
)

const key = "0123456789abcdef0123456789abcdef-test"

func TestSealOpens(t *testing.T) {
	b, err := seal.New(key)
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.Seal("ats", "harvest-key-123")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s, "harvest-key-123") || !seal.IsSealed(s) {
		t.Fatalf("sealed value %q shows the secret or is not marked", s)
	}
	if s2, _ := b.Seal("ats", "harvest-key-123"); s2 == s {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	got, err := b.Open("ats", s)
	if err != nil || got != "harvest-key-123" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := b.Open("webhook", s); !errors.Is(err, seal.ErrWrongKey) {
		t.Fatalf("opened for another purpose: %v", err)
	}
	other, _ := seal.New(key + "x")
	if _, err := other.Open("ats", s); !errors.Is(err, seal.ErrWrongKey) {
		t.Fatalf("opened with another key: %v", err)
	}
	tampered := s[:len(s)-2] + "AA"
	if _, err := b.Open("ats", tampered); err == nil {
		t.Fatal("a tampered value opened")
	}
}

func TestNoKey(t *testing.T) {
	b, err := seal.New("")
	if err != nil || b.Enabled() {
		t.Fatalf("New(\"\") = %v, %v", b, err)
	}
	if _, err := b.Seal("ats", "k"); !errors.Is(err, seal.ErrNoKey) {
		t.Fatalf("Seal without a key: %v", err)
	}
	kept, err := b.Keep("webhook", "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.Open("webhook", kept); err != nil || got != "s3cret" {
		t.Fatalf("Open(Keep) = %q, %v", got, err)
	}
	if _, err := seal.New("short"); err == nil {
		t.Fatal("a short key was accepted")
	}
}
