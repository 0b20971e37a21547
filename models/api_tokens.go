package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// APITokenPrefix starts every API token, so one pasted in the wrong place is recognisable (and
// secret scanners can find it).
const APITokenPrefix = "blt_"

// APIToken is a token other tools use to read the API. The token itself is shown once and kept
// only as its SHA-256.
type APIToken struct {
	ID          int64
	Name        string
	Role        string // RoleRecruiter or RoleAdmin
	TokenHash   string
	Prefix      string // the first characters, to tell tokens apart
	CreatedBy   *int64
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
	CreatorName string `gorm:"->;-:migration"`
}

// TableName maps APIToken onto api_tokens.
func (APIToken) TableName() string { return "api_tokens" }

// Can reports whether the token's scope covers role.
func (t APIToken) Can(role string) bool {
	return t.RevokedAt == nil && RoleRank(t.Role) >= RoleRank(role)
}

// CreateAPIToken makes a token for name with role (recruiter or admin) and returns it with the
// token text, which is not stored and cannot be shown again.
func (s *Store) CreateAPIToken(ctx context.Context, actorID int64, name, role string) (APIToken, string, error) {
	e := newErrs()
	name = cleanText(e, "name", "Name", name, 100, true, false)
	role = strings.TrimSpace(role)
	if role != RoleRecruiter && role != RoleAdmin {
		e.add("role", "Choose recruiter (reads events and leads) or admin (also the integration settings).")
	}
	if err := e.err(); err != nil {
		return APIToken{}, "", err
	}
	token := APITokenPrefix + NewToken(32)
	t := APIToken{Name: name, Role: role, TokenHash: HashToken(token), Prefix: token[:len(APITokenPrefix)+6]}
	if actorID != 0 {
		t.CreatedBy = &actorID
	}
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Select("Name", "Role", "TokenHash", "Prefix", "CreatedBy").Create(&t).Error; err != nil {
			return fmt.Errorf("models: create API token: %w", err)
		}
		return audit(tx, actorID, "api_token.create", 0, fmt.Sprintf("token:%d", t.ID), map[string]any{"role": role})
	})
	if err != nil {
		return APIToken{}, "", err
	}
	return t, token, nil
}

// APITokens lists every token, newest first, with who made it.
func (s *Store) APITokens(ctx context.Context) ([]APIToken, error) {
	var ts []APIToken
	err := s.ctx(ctx).Raw(`SELECT t.*, coalesce(u.name, '') AS creator_name FROM api_tokens t
		LEFT JOIN staff_users u ON u.id = t.created_by ORDER BY t.revoked_at IS NOT NULL, t.id DESC`).Scan(&ts).Error
	if err != nil {
		return nil, fmt.Errorf("models: API tokens: %w", err)
	}
	return ts, nil
}

// RevokeAPIToken ends a token at once; ErrNotFound when there is no such token in force.
func (s *Store) RevokeAPIToken(ctx context.Context, actorID, id int64) error {
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE api_tokens SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL`, id)
		if res.Error != nil {
			return fmt.Errorf("models: revoke API token: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return audit(tx, actorID, "api_token.revoke", 0, fmt.Sprintf("token:%d", id), nil)
	})
}

// lastUseStep is how stale a token's last use may get before it is written again: a busy client
// does not turn every read into a write.
const lastUseStep = time.Minute

// APITokenFor returns the token in force with this text, noting its use; ErrNotFound for an
// unknown or revoked token.
func (s *Store) APITokenFor(ctx context.Context, token string) (APIToken, error) {
	var t APIToken
	if !strings.HasPrefix(token, APITokenPrefix) || len(token) > 100 {
		return t, ErrNotFound
	}
	err := s.ctx(ctx).Where("token_hash = ? AND revoked_at IS NULL", HashToken(token)).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("models: API token: %w", err)
	}
	if t.LastUsedAt == nil || time.Since(*t.LastUsedAt) > lastUseStep {
		if err := s.ctx(ctx).Exec(`UPDATE api_tokens SET last_used_at = now() WHERE id = ?`, t.ID).Error; err != nil {
			return t, fmt.Errorf("models: note API token use: %w", err)
		}
	}
	return t, nil
}

// AuditAPICall writes one API call to the audit log: the token, the route pattern, the answer's
// status and how many leads it held. Never a lead's data, never the query's values.
func (s *Store) AuditAPICall(ctx context.Context, tokenID, eventID int64, route string, status, leads int) error {
	return audit(s.ctx(ctx), 0, "api.call", eventID, fmt.Sprintf("token:%d", tokenID),
		map[string]any{"route": route, "status": status, "leads": leads})
}
