-- +goose Up
-- Every change the live board shows (a check-in, a scan, a walk-in, a conversation, corrected
-- details), numbered. The board's stream labels each row with its number, so a board that lost
-- its stream, or an instance whose LISTEN connection dropped, replays what came after the last
-- number it had. Ids only; rows older than two days are pruned.
CREATE TABLE lead_changes (
    id       bigserial PRIMARY KEY,
    event_id bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    lead_id  uuid        NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX lead_changes_event_idx ON lead_changes (event_id, id);
CREATE INDEX lead_changes_lead_idx ON lead_changes (lead_id);
CREATE INDEX lead_changes_at_idx ON lead_changes (at);

-- +goose Down
DROP TABLE lead_changes;
