-- +goose Up
-- An event's own questions on its check-in form (graduation year, work authorisation, …), in form
-- order. The key names the form field (q.<key>) and the answers; label and options are written in
-- the event's language, translations (language → label and options) in jsonb.
CREATE TABLE questions (
    id           bigserial PRIMARY KEY,
    event_id     bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    key          text        NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    kind         text        NOT NULL CHECK (kind IN ('text', 'choice', 'multi', 'yesno')),
    label        text        NOT NULL CHECK (label <> '' AND length(label) <= 200),
    options      text[]      NOT NULL DEFAULT '{}',
    translations jsonb       NOT NULL DEFAULT '{}',
    required     boolean     NOT NULL DEFAULT false,
    position     integer     NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, key),
    CHECK ((kind IN ('choice', 'multi')) = (cardinality(options) > 0))
);
CREATE INDEX questions_event_idx ON questions (event_id, position);

-- A lead's answers: key → array of values (one for text, choice and yes/no). They go with the lead.
ALTER TABLE leads ADD COLUMN answers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(answers) = 'object');
-- The leads table filters on answers with @> (answers @> '{"key": ["value"]}').
CREATE INDEX leads_answers_idx ON leads USING gin (answers jsonb_path_ops);

-- +goose Down
DROP INDEX leads_answers_idx;
ALTER TABLE leads DROP COLUMN answers;
DROP TABLE questions;
