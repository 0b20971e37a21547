-- +goose Up
-- Failed sign-ins, to limit attempts per account and per IP across instances. The email is kept
-- only as a hash.
CREATE TABLE login_failures (
    id         bigserial PRIMARY KEY,
    email_hash text        NOT NULL,
    ip         text        NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email_hash, at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);

-- One-time password reset links an admin hands to a colleague; only a hash of the token is kept.
CREATE TABLE password_resets (
    token_hash text PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    created_by bigint      REFERENCES staff_users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

-- Secrets the app generates once and shares between instances (e.g. the form-timing key).
CREATE TABLE app_secrets (
    name       text PRIMARY KEY,
    value      bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE app_secrets;
DROP TABLE password_resets;
DROP TABLE login_failures;
