-- +goose Up
-- A saved view is a named filter of an event's leads table that its owner can return to: the
-- filter is kept as the table's canonical query string (models.LeadFilter.Values).
CREATE TABLE saved_views (
    id         bigserial PRIMARY KEY,
    event_id   bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    owner_id   bigint      NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    name       text        NOT NULL CHECK (name <> '' AND length(name) <= 60),
    query      text        NOT NULL CHECK (length(query) <= 2000),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX saved_views_owner_name_key ON saved_views (event_id, owner_id, lower(name));

-- +goose Down
DROP TABLE saved_views;
