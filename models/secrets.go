package models

import (
	"context"
	"crypto/rand"
	"fmt"
)

// secretSize is how many random bytes a generated secret holds (256 bits, an HMAC-SHA256 key).
const secretSize = 32

// Secret returns the app-wide secret called name, creating 32 random bytes the first time any
// instance asks. Concurrent first calls (on one or several instances) all get the same value:
// the insert is skipped when the row exists, and everyone reads what won.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	if v, ok := s.LoadedSecret(name); ok {
		return v, nil
	}
	fresh := make([]byte, secretSize)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("models: secret %s: random: %w", name, err)
	}
	db := s.ctx(ctx)
	if err := db.Exec(`INSERT INTO app_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
		name, fresh).Error; err != nil {
		return nil, fmt.Errorf("models: secret %s: insert: %w", name, err)
	}
	var value []byte
	if err := db.Raw(`SELECT value FROM app_secrets WHERE name = ?`, name).Row().Scan(&value); err != nil {
		return nil, fmt.Errorf("models: secret %s: read: %w", name, err)
	}
	if len(value) < 16 {
		return nil, fmt.Errorf("models: secret %s: only %d bytes stored", name, len(value))
	}
	s.secrets.Store(name, value)
	return value, nil
}

// LoadedSecret returns a secret this Store has already read, without asking the database (for
// pages shown while it is unreachable).
func (s *Store) LoadedSecret(name string) ([]byte, bool) {
	v, ok := s.secrets.Load(name)
	if !ok {
		return nil, false
	}
	return v.([]byte), true
}
