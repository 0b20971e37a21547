-- +goose Up
-- Pushing leads into an ATS: per event at most one Greenhouse (Harvest: prospects) and one Lever
-- (opportunities) connection. The API key is sealed with SECRET_KEY (AES-256-GCM); without that
-- key no credentials are stored. on_behalf_of is Greenhouse's On-Behalf-Of user id or Lever's
-- perform_as user id; source is Greenhouse's source_id or Lever's source name.
CREATE TABLE ats_connections (
    id           bigserial PRIMARY KEY,
    event_id     bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    provider     text        NOT NULL CHECK (provider IN ('greenhouse', 'lever')),
    credentials  text        NOT NULL,
    key_hint     text        NOT NULL DEFAULT '',
    on_behalf_of text        NOT NULL,
    source       text        NOT NULL DEFAULT '',
    tags         text[]      NOT NULL DEFAULT '{}',
    auto_hot     boolean     NOT NULL DEFAULT false,
    created_by   bigint REFERENCES staff_users (id) ON DELETE SET NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, provider)
);

-- One row per lead and connection: a lead is queued once (the unique key), and the remote id is
-- stored once it exists, so it is never created twice. attempts counts the pushes begun: after
-- the first, the worker looks for the person in the ATS (by email) before creating again.
CREATE TABLE ats_syncs (
    id            bigserial PRIMARY KEY,
    connection_id bigint      NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    lead_id       uuid        NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    state         text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    remote_id     text,
    attempts      integer     NOT NULL DEFAULT 0,
    last_error    text        NOT NULL DEFAULT '',
    queued_by     bigint REFERENCES staff_users (id) ON DELETE SET NULL,
    queued_at     timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (connection_id, lead_id)
);
CREATE INDEX ats_syncs_lead_idx ON ats_syncs (lead_id);

-- +goose Down
DROP TABLE ats_syncs;
DROP TABLE ats_connections;
