-- +goose Up
-- A tablet signed in through a one-time QR acts in one event's booth only (event_id), carries the
-- name it was given when it was paired (devices.label), and lives only as long as the session that
-- paired it (parent_id): ending that session ends the tablet too.
ALTER TABLE devices ADD COLUMN event_id bigint REFERENCES events (id) ON DELETE CASCADE;
ALTER TABLE devices ADD COLUMN parent_id bigint REFERENCES devices (id) ON DELETE CASCADE;
CREATE INDEX devices_parent_idx ON devices (parent_id) WHERE parent_id IS NOT NULL;

-- A pairing QR remembers the session that showed it (it dies when that session ends) and the name
-- the tablet will carry.
ALTER TABLE device_logins ADD COLUMN device_id bigint REFERENCES devices (id) ON DELETE CASCADE;
ALTER TABLE device_logins ADD COLUMN name text NOT NULL DEFAULT '' CHECK (length(name) <= 80);
CREATE INDEX device_logins_device_idx ON device_logins (device_id) WHERE used_at IS NULL;

-- Tablets paired before this migration acted with their issuer's full rights, and open codes have
-- no issuing session: end both, so every paired tablet from now on is scoped.
UPDATE devices SET ended_at = now() WHERE ended_at IS NULL AND label LIKE 'Tablet for % (QR sign-in)';
UPDATE device_logins SET used_at = now() WHERE used_at IS NULL;

-- Sign-in throttling replaces the flat 15-minute lockout: one row per key (an account and an IP
-- together, an account from anywhere, an IP against any account) with its recent failures and
-- the time before which the next attempt is refused. Keys hold a hash of the email, never the email.
CREATE TABLE login_throttle (
    key      text PRIMARY KEY,
    failures integer     NOT NULL DEFAULT 0 CHECK (failures >= 0),
    last_at  timestamptz NOT NULL DEFAULT now(),
    next_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_throttle_last_idx ON login_throttle (last_at);
DROP TABLE login_failures;

-- +goose Down
CREATE TABLE login_failures (
    id         bigserial PRIMARY KEY,
    email_hash text        NOT NULL,
    ip         text        NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email_hash, at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);
DROP TABLE login_throttle;
DROP INDEX device_logins_device_idx;
ALTER TABLE device_logins DROP COLUMN name;
ALTER TABLE device_logins DROP COLUMN device_id;
DROP INDEX devices_parent_idx;
ALTER TABLE devices DROP COLUMN parent_id;
ALTER TABLE devices DROP COLUMN event_id;
