-- +goose Up
-- Who owns an email address is proven only by reading mail sent to it. So a check-in never hands
-- out a lead's private link: every submission gets a confirmation page and a personal QR of its
-- own (visits), the private link is mailed (lead_links, minted when the mail is sent and kept only
-- as a hash), and what a repeat check-in asks to change waits for the confirm link in that mail.

-- One row per check-in or walk-in form sent for a lead: what was typed, and for a repeat, what it
-- differs in from what was stored then and which consents it asked for (changes). Deleted with the
-- lead.
CREATE TABLE visits (
    id            bigserial PRIMARY KEY,
    lead_id       uuid        NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    event_id      bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    source        text        NOT NULL CHECK (source IN ('self_checkin', 'staff_manual')),
    staff_user_id bigint REFERENCES staff_users (id) ON DELETE SET NULL,
    repeat        boolean     NOT NULL,
    typed         jsonb       NOT NULL,
    changes       jsonb       NOT NULL DEFAULT '{}',
    -- the confirmation page of a self check-in (/thanks/…), as the SHA-256 of its token
    thanks_hash   text UNIQUE,
    -- the personal QR shown on that page: staff scan it to open the lead
    code          text UNIQUE,
    confirmed_at  timestamptz,
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visits_lead_idx ON visits (lead_id, at);

-- Links mailed to a lead, each good for one purpose, kept as the SHA-256 of the token: 'self' opens
-- the private page for as long as the lead exists; 'confirm' applies one visit's changes, once.
CREATE TABLE lead_links (
    token_hash text PRIMARY KEY,
    lead_id    uuid        NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    purpose    text        NOT NULL CHECK (purpose IN ('self', 'confirm')),
    visit_id   bigint REFERENCES visits (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    used_at    timestamptz,
    CHECK ((purpose = 'confirm') = (visit_id IS NOT NULL))
);
CREATE INDEX lead_links_lead_idx ON lead_links (lead_id);

-- The private links handed out before this migration keep working, now stored as hashes.
INSERT INTO lead_links (token_hash, lead_id, purpose, created_at)
SELECT encode(sha256(convert_to(self_token, 'UTF8')), 'hex'), id, 'self', first_seen_at FROM leads;
ALTER TABLE leads DROP COLUMN self_token;

-- Work that must survive a crash or an outage: a row first, sent by a worker in `serve` that
-- claims rows with FOR UPDATE SKIP LOCKED and a lease, so one instance sends each. Rows name what
-- to send, never a secret: links are minted when the message is built. A lead's or account's
-- waiting messages go with it when it is deleted.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    kind            text        NOT NULL,
    delivery_id     uuid        NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    lead_id         uuid REFERENCES leads (id) ON DELETE CASCADE,
    staff_user_id   bigint REFERENCES staff_users (id) ON DELETE CASCADE,
    visit_id        bigint REFERENCES visits (id) ON DELETE CASCADE,
    payload         jsonb       NOT NULL DEFAULT '{}',
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_until    timestamptz,
    -- why the last attempt failed, without personal data (addresses are masked)
    last_error      text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    failed_at       timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_lead_idx ON outbox (lead_id) WHERE lead_id IS NOT NULL;

-- Password links are also mailed now: an invitation to set the first password, or a reset.
ALTER TABLE password_resets
    ADD COLUMN purpose text NOT NULL DEFAULT 'reset' CHECK (purpose IN ('reset', 'invite'));

-- +goose Down
ALTER TABLE password_resets DROP COLUMN purpose;
DROP TABLE outbox;
ALTER TABLE leads ADD COLUMN self_token text;
UPDATE leads SET self_token = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
ALTER TABLE leads ALTER COLUMN self_token SET NOT NULL, ADD CONSTRAINT leads_self_token_key UNIQUE (self_token);
DROP TABLE lead_links;
DROP TABLE visits;
