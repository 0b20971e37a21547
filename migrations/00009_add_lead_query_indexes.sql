-- +goose Up
-- The recruiters' leads table and export (models/leads_query.go) at tens of thousands of leads
-- per event: counts by rating from an index alone (with the lead id, for the filters that join),
-- keyset pages in every time, name and company order, the staff and talent-pool filters without
-- reading the tables, and free-text search through trigram indexes (pg_trgm ships with
-- PostgreSQL and is a trusted extension: the database owner may create it). Figures before and
-- after are in bench/README.md.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- 00005's time indexes were (event_id, time DESC, id): no query orders that way. The board, the
-- table and the export order by (time DESC, id DESC) or (time ASC, id ASC), which one index with
-- both columns in the same direction serves, scanned either way, with the keyset condition
-- (time, id) < (…, …) as its index condition. Same names, same cost on writes.
DROP INDEX leads_event_seen_idx;
DROP INDEX leads_event_first_idx;
CREATE INDEX leads_event_seen_idx ON leads (event_id, last_seen_at, id);
CREATE INDEX leads_event_first_idx ON leads (event_id, first_seen_at, id);
CREATE INDEX leads_event_rating_idx ON leads (event_id, rating, id);
CREATE INDEX leads_event_name_idx ON leads (event_id, lower(name), id);
CREATE INDEX leads_event_company_idx ON leads (event_id, lower(company), id);
-- The same expression as the text search in models/leads_query.go (a line break between the
-- fields, which a search cannot contain, so no match spans two fields).
CREATE INDEX leads_search_idx ON leads USING gin
    ((name || E'\n' || coalesce(email, '') || E'\n' || company || E'\n' || title || E'\n' || message) gin_trgm_ops);
CREATE INDEX conversations_staff_lead_idx ON conversations (staff_user_id, lead_id);
CREATE INDEX conversations_notes_idx ON conversations USING gin (notes gin_trgm_ops);
CREATE INDEX consents_talent_pool_idx ON consents (lead_id)
    WHERE purpose = 'talent_pool' AND granted AND withdrawn_at IS NULL;

-- +goose Down
-- pg_trgm stays: other objects of the database may use it.
DROP INDEX consents_talent_pool_idx;
DROP INDEX conversations_notes_idx;
DROP INDEX conversations_staff_lead_idx;
DROP INDEX leads_search_idx;
DROP INDEX leads_event_company_idx;
DROP INDEX leads_event_name_idx;
DROP INDEX leads_event_rating_idx;
DROP INDEX leads_event_first_idx;
DROP INDEX leads_event_seen_idx;
CREATE INDEX leads_event_seen_idx ON leads (event_id, last_seen_at DESC, id);
CREATE INDEX leads_event_first_idx ON leads (event_id, first_seen_at DESC, id);
