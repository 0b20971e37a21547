-- +goose Up
-- API tokens made by admins for other tools (an ATS sync, a spreadsheet script): each is shown
-- once and kept only as the SHA-256 of the token, with a short prefix so people can tell them
-- apart. The role scopes what a token may read (recruiter: events and leads; admin: also the
-- integration settings). Revoked tokens stay listed, so the audit log's token ids keep a name.
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role         text        NOT NULL CHECK (role IN ('recruiter', 'admin')),
    token_hash   text        NOT NULL UNIQUE,
    prefix       text        NOT NULL,
    created_by   bigint REFERENCES staff_users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- GET /api/v1/events/{slug}/leads pages an event's leads by (updated_at, id), so a client that
-- keeps the last cursor (or asks updated_since) reads only what changed.
CREATE INDEX leads_event_updated_idx ON leads (event_id, updated_at, id);

-- +goose Down
DROP INDEX leads_event_updated_idx;
DROP TABLE api_tokens;
