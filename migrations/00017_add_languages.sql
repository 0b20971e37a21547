-- +goose Up
-- The candidate side speaks the candidate's language. An event has a default language (used when a
-- browser asks for none we have); a lead and each visit keep the language the candidate used, so
-- the confirmation, the private page and the mails (built when sent) speak it too.
ALTER TABLE events ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language ~ '^[a-z]{2}$');
ALTER TABLE leads ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language ~ '^[a-z]{2}$');
ALTER TABLE visits ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language ~ '^[a-z]{2}$');

-- Consent wording is per event, purpose and language, each versioned on its own; a consent points
-- at the exact text it was given to, so it records the language the candidate read.
ALTER TABLE consent_texts ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language ~ '^[a-z]{2}$');
ALTER TABLE consent_texts DROP CONSTRAINT consent_texts_event_id_purpose_version_key;
ALTER TABLE consent_texts ADD CONSTRAINT consent_texts_event_purpose_language_version_key
    UNIQUE (event_id, purpose, language, version);

-- +goose Down
-- Going back would have to drop the wordings candidates read in other languages, which consents
-- point at: refuse rather than lose that record.
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM consent_texts WHERE language <> 'en') THEN
        RAISE EXCEPTION 'consent texts in languages other than English exist; keep migration 00017';
    END IF;
END $$;
-- +goose StatementEnd
ALTER TABLE consent_texts DROP CONSTRAINT consent_texts_event_purpose_language_version_key;
ALTER TABLE consent_texts ADD CONSTRAINT consent_texts_event_id_purpose_version_key UNIQUE (event_id, purpose, version);
ALTER TABLE consent_texts DROP COLUMN language;
ALTER TABLE visits DROP COLUMN language;
ALTER TABLE leads DROP COLUMN language;
ALTER TABLE events DROP COLUMN language;
