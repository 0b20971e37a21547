-- +goose Up
-- The outbox now holds mail, webhook deliveries and ATS pushes, each taken by its own worker
-- loop (kinds 'mail.…', 'webhook.…', 'ats.…'). Claims look up due rows of one family, so mail
-- waiting for an SMTP server (or a follow-up run scheduled for later) costs the webhook worker
-- nothing.
CREATE INDEX outbox_family_due_idx ON outbox ((split_part(kind, '.', 1)), next_attempt_at, id)
    WHERE sent_at IS NULL AND failed_at IS NULL;

-- +goose Down
DROP INDEX outbox_family_due_idx;
