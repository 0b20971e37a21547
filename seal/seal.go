// Package seal keeps credentials encrypted at rest: AES-256-GCM under a key derived from
// SECRET_KEY, so a copy of the database (a backup, a replica, a dump handed to support) does not
// hand out the ATS API keys and webhook secrets it holds. Each sealed value names its purpose
// (additional data), so a value sealed for one use cannot be replayed as another.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MinKeyLen is the shortest SECRET_KEY accepted, in characters (e.g. `openssl rand -base64 32`).
const MinKeyLen = 32

const (
	sealedPrefix = "v1:"
	plainPrefix  = "plain:"
)

// ErrNoKey means a credential was to be stored while SECRET_KEY is not set.
var ErrNoKey = errors.New("SECRET_KEY is not set: credentials are stored only encrypted; set SECRET_KEY (at least 32 characters, e.g. `openssl rand -base64 32`) and restart")

// ErrWrongKey means a sealed value does not open with this key (SECRET_KEY changed, or the
// value was altered).
var ErrWrongKey = errors.New("a stored credential does not open with this SECRET_KEY (was it changed?): enter the credential again")

// Box seals and opens values with one key. A nil *Box has no key: it seals nothing.
type Box struct{ aead cipher.AEAD }

// New returns a box for the secret key (SECRET_KEY). "" gives a nil box and no error.
func New(secret string) (*Box, error) {
	if secret == "" {
		return nil, nil
	}
	if utf8.RuneCountInString(secret) < MinKeyLen {
		return nil, fmt.Errorf("SECRET_KEY must be at least %d characters (e.g. `openssl rand -base64 32`)", MinKeyLen)
	}
	key := sha256.Sum256([]byte("boothlead/seal/v1\x00" + secret))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Enabled reports whether the box has a key.
func (b *Box) Enabled() bool { return b != nil }

// Seal encrypts plain for purpose ("ats", "webhook"); ErrNoKey without a key.
func (b *Box) Seal(purpose, plain string) (string, error) {
	if b == nil {
		return "", ErrNoKey
	}
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: random: %w", err)
	}
	out := b.aead.Seal(nonce, nonce, []byte(plain), []byte(purpose))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a value Seal made for the same purpose. A value kept in plain text (see Keep)
// opens with any box, even nil.
func (b *Box) Open(purpose, stored string) (string, error) {
	if rest, ok := strings.CutPrefix(stored, plainPrefix); ok {
		return rest, nil
	}
	rest, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return "", errors.New("seal: not a stored credential")
	}
	if b == nil {
		return "", ErrNoKey
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", ErrWrongKey
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], []byte(purpose))
	if err != nil {
		return "", ErrWrongKey
	}
	return string(plain), nil
}

// Keep stores a value sealed when the box has a key, and as it is otherwise (webhook secrets:
// the receiver chose them, and deliveries must not stop because SECRET_KEY is not set).
func (b *Box) Keep(purpose, plain string) (string, error) {
	if b == nil {
		return plainPrefix + plain, nil
	}
	return b.Seal(purpose, plain)
}

// IsSealed reports whether a stored value is encrypted.
func IsSealed(stored string) bool { return strings.HasPrefix(stored, sealedPrefix) }
