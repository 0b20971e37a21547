-- +goose Up
-- Conversations stay append-only: a correction is a new entry that names the one it corrects.
ALTER TABLE conversations ADD COLUMN corrects bigint REFERENCES conversations (id) ON DELETE SET NULL;

-- +goose Down
ALTER TABLE conversations DROP COLUMN corrects;
