-- +goose Up
-- Webhooks: URLs admins registered to hear of lead.created, lead.updated, conversation.created
-- and lead.deleted. Each change queues one outbox row per subscribed hook (kind 'webhook.<event>',
-- payload {hook, event, ids}) in the transaction of the change; the body is built when it is sent,
-- from what the lead's contact consent allows then. The secret signs every body: it is sealed
-- with SECRET_KEY (AES-256-GCM, 'v1:' prefix) when that is set, else kept as typed ('plain:').
CREATE TABLE webhooks (
    id              bigserial PRIMARY KEY,
    url             text        NOT NULL CHECK (url ~ '^https?://'),
    secret          text        NOT NULL,
    events          text[]      NOT NULL DEFAULT '{lead.created,lead.updated,conversation.created,lead.deleted}',
    created_by      bigint REFERENCES staff_users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- failing_since: the first failure after the last success; a hook that keeps failing for a
    -- day is paused (no new deliveries are queued, waiting ones are given up) until an admin
    -- resumes it.
    failing_since   timestamptz,
    last_success_at timestamptz,
    paused_at       timestamptz,
    paused_reason   text        NOT NULL DEFAULT ''
);

-- The delivery log: one row per attempt, with the receiver's status code (NULL: no answer) and
-- why it failed, never the body. Kept 30 days (pruned with the outbox).
CREATE TABLE webhook_attempts (
    id          bigserial PRIMARY KEY,
    webhook_id  bigint      NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    delivery_id uuid        NOT NULL,
    event       text        NOT NULL,
    attempt     integer     NOT NULL,
    status      integer,
    error       text        NOT NULL DEFAULT '',
    duration_ms integer     NOT NULL DEFAULT 0,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_attempts_hook_idx ON webhook_attempts (webhook_id, at DESC, id DESC);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhooks;
