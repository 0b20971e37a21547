-- +goose Up
-- Follow-up mail after an event: templates per event (subject and text with placeholders such as
-- {{name}}), and one row per lead a template was sent to (at most once: the unique key). The mail
-- itself goes through the outbox (kind 'mail.followup', payload {send}), throttled by its
-- next_attempt_at. The rows outlive an erased lead (lead_id becomes NULL) so the event's counts
-- of sent, bounced and unsubscribed stay right without keeping anything about the person.
CREATE TABLE followup_templates (
    id         bigserial PRIMARY KEY,
    event_id   bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    subject    text        NOT NULL,
    body       text        NOT NULL,
    updated_by bigint REFERENCES staff_users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, name)
);

CREATE TABLE followup_sends (
    id              bigserial PRIMARY KEY,
    template_id     bigint      NOT NULL REFERENCES followup_templates (id) ON DELETE CASCADE,
    event_id        bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    lead_id         uuid REFERENCES leads (id) ON DELETE SET NULL,
    queued_by       bigint REFERENCES staff_users (id) ON DELETE SET NULL,
    queued_at       timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    -- the server refused the address for good (5xx)
    bounced_at      timestamptz,
    -- not sent: the contact consent was withdrawn (or the lead erased) before its turn
    dropped_at      timestamptz,
    unsubscribed_at timestamptz,
    UNIQUE (template_id, lead_id)
);
CREATE INDEX followup_sends_event_idx ON followup_sends (event_id);

-- +goose Down
DROP TABLE followup_sends;
DROP TABLE followup_templates;
