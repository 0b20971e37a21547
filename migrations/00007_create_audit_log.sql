-- +goose Up
-- Who did what, when. Never candidate personal data: ids and counts only.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   bigint REFERENCES staff_users (id) ON DELETE SET NULL,
    action     text        NOT NULL,
    event_id   bigint REFERENCES events (id) ON DELETE SET NULL,
    subject_id text        NOT NULL DEFAULT '',
    details    jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- +goose Down
DROP TABLE audit_log;
