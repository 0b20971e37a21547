-- +goose Up
-- The table scs's postgresstore reads and writes (github.com/alexedwards/scs/postgresstore).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea       NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- A signed-in browser or tablet. The session holds the device id; ending the device ends the
-- session on its next request, on every instance.
CREATE TABLE devices (
    id           bigserial PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    label        text        NOT NULL DEFAULT '',
    user_agent   text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    ended_at     timestamptz
);
CREATE INDEX devices_user_idx ON devices (user_id);

-- +goose Down
DROP TABLE devices;
DROP TABLE sessions;
