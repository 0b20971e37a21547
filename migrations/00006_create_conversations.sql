-- +goose Up
-- Append-only: two tablets never overwrite each other. client_id is chosen by the device and makes
-- a re-sent capture a no-op.
CREATE TABLE conversations (
    id            bigserial PRIMARY KEY,
    client_id     uuid        NOT NULL UNIQUE,
    lead_id       uuid        NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    staff_user_id bigint REFERENCES staff_users (id) ON DELETE SET NULL,
    notes         text        NOT NULL DEFAULT '',
    rating        text CHECK (rating IN ('hot', 'warm', 'cold')),
    interests     text[]      NOT NULL DEFAULT '{}',
    follow_up     text        NOT NULL DEFAULT '',
    happened_at   timestamptz NOT NULL DEFAULT now(),
    received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_lead_idx ON conversations (lead_id, happened_at);
CREATE INDEX conversations_staff_idx ON conversations (staff_user_id);

-- Every scan keeps the raw text it read.
CREATE TABLE scans (
    id            bigserial PRIMARY KEY,
    client_id     uuid        NOT NULL UNIQUE,
    event_id      bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    lead_id       uuid        NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    staff_user_id bigint REFERENCES staff_users (id) ON DELETE SET NULL,
    raw           text        NOT NULL,
    kind          text        NOT NULL,
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scans_lead_idx ON scans (lead_id);

-- Walk-ins added by staff, by the id their device gave the capture: a re-sent capture returns
-- the lead the first one made.
CREATE TABLE captures (
    client_id uuid PRIMARY KEY,
    lead_id   uuid        NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    kind      text        NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);

-- One-time QR sign-in for booth tablets; only a hash of the token is kept.
CREATE TABLE device_logins (
    token_hash text PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    event_id   bigint      REFERENCES events (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

-- +goose Down
DROP TABLE device_logins;
DROP TABLE captures;
DROP TABLE scans;
DROP TABLE conversations;
