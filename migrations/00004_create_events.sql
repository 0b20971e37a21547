-- +goose Up
CREATE TABLE events (
    id             bigserial PRIMARY KEY,
    slug           text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name           text        NOT NULL CHECK (name <> '' AND length(name) <= 200),
    company        text        NOT NULL CHECK (company <> '' AND length(company) <= 200),
    venue          text        NOT NULL DEFAULT '' CHECK (length(venue) <= 200),
    starts_on      date        NOT NULL,
    ends_on        date        NOT NULL,
    time_zone      text        NOT NULL DEFAULT 'UTC',
    interests      text[]      NOT NULL DEFAULT '{}',
    status         text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'live', 'closed')),
    checkin_key    text        NOT NULL UNIQUE CHECK (length(checkin_key) >= 22),
    retention_days integer     NOT NULL DEFAULT 90 CHECK (retention_days BETWEEN 1 AND 3650),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on)
);

-- The consent wording shown to candidates, per event and purpose. A new wording is a new version;
-- rows are never updated, so a consent always points at the exact text the person saw.
CREATE TABLE consent_texts (
    id         bigserial PRIMARY KEY,
    event_id   bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    purpose    text        NOT NULL CHECK (purpose IN ('contact', 'talent_pool')),
    version    integer     NOT NULL CHECK (version > 0),
    body       text        NOT NULL CHECK (body <> ''),
    sha256     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, purpose, version)
);

-- +goose Down
DROP TABLE consent_texts;
DROP TABLE events;
