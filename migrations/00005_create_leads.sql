-- +goose Up
CREATE TABLE leads (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id       bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name           text        NOT NULL DEFAULT '',
    email          text,
    phone          text        NOT NULL DEFAULT '',
    company        text        NOT NULL DEFAULT '',
    title          text        NOT NULL DEFAULT '',
    linkedin       text        NOT NULL DEFAULT '',
    github         text        NOT NULL DEFAULT '',
    cv_url         text        NOT NULL DEFAULT '',
    message        text        NOT NULL DEFAULT '',
    interests      text[]      NOT NULL DEFAULT '{}',
    source         text        NOT NULL CHECK (source IN ('self_checkin', 'badge_scan', 'staff_manual')),
    badge_code     text,
    visit_count    integer     NOT NULL DEFAULT 1 CHECK (visit_count > 0),
    first_seen_at  timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    personal_token text        NOT NULL UNIQUE,
    self_token     text        NOT NULL UNIQUE,
    rating         text CHECK (rating IN ('hot', 'warm', 'cold')),
    rating_at      timestamptz,
    created_by     bigint REFERENCES staff_users (id) ON DELETE SET NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (email IS NULL OR email <> '')
);
-- One lead per email per event (emails match case-insensitively).
CREATE UNIQUE INDEX leads_event_email_key ON leads (event_id, lower(email)) WHERE email IS NOT NULL;
-- One lead per scanned badge code per event.
CREATE UNIQUE INDEX leads_event_badge_key ON leads (event_id, badge_code) WHERE badge_code IS NOT NULL;
CREATE INDEX leads_event_linkedin_idx ON leads (event_id, lower(linkedin)) WHERE linkedin <> '';
CREATE INDEX leads_event_seen_idx ON leads (event_id, last_seen_at DESC, id);
CREATE INDEX leads_event_first_idx ON leads (event_id, first_seen_at DESC, id);

CREATE TABLE consents (
    id              bigserial PRIMARY KEY,
    lead_id         uuid        NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    consent_text_id bigint      NOT NULL REFERENCES consent_texts (id),
    purpose         text        NOT NULL CHECK (purpose IN ('contact', 'talent_pool')),
    granted         boolean     NOT NULL,
    captured_by     text        NOT NULL CHECK (captured_by IN ('candidate', 'staff')),
    staff_user_id   bigint REFERENCES staff_users (id) ON DELETE SET NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    withdrawn_at    timestamptz
);
CREATE INDEX consents_lead_idx ON consents (lead_id, at);

-- +goose Down
DROP TABLE consents;
DROP TABLE leads;
