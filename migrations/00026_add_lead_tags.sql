-- +goose Up
-- Labels recruiters give leads from the leads table (bulk action "tag"), exported with them
-- (issue 11). Any text but control characters and commas, at most 40 characters, checked in
-- models.CleanTag.
ALTER TABLE leads ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
-- The ATS exports hold only leads with a contact consent that is granted and not withdrawn, and
-- the leads table counts the others for every filter: a partial index of exactly those rows,
-- like 00009's consents_talent_pool_idx.
CREATE INDEX consents_contact_idx ON consents (lead_id)
    WHERE purpose = 'contact' AND granted AND withdrawn_at IS NULL;

-- +goose Down
DROP INDEX consents_contact_idx;
ALTER TABLE leads DROP COLUMN tags;
