-- +goose Up
-- The trigram indexes (00009) gather new entries in a pending list and merge it into the index
-- when it passes gin_pending_list_limit (4 MB by default). The insert that crosses the limit does
-- the whole merge: under a rush of check-ins that one check-in waited 0.3–0.7 s. A 1 MB list
-- bounds that merge to a quarter, at little cost per insert; fastupdate = off (no list at all)
-- made every insert 3–5 times dearer (make bench, docs/PERFORMANCE.md).
ALTER INDEX leads_search_idx SET (gin_pending_list_limit = 1024);
ALTER INDEX conversations_notes_idx SET (gin_pending_list_limit = 1024);

-- +goose Down
ALTER INDEX leads_search_idx RESET (gin_pending_list_limit);
ALTER INDEX conversations_notes_idx RESET (gin_pending_list_limit);
