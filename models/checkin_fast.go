package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// ErrEventChanged means the event stopped taking check-ins under the key the request used (it
// was closed, or its key rotated) between the request's cached lookup and its write: look the
// event up again.
var ErrEventChanged = errors.New("models: event changed under the check-in")

// checkInFirstSQL is a first check-in of an address in one statement, so in one round trip and one
// transaction: it finds the current consent texts in the candidate's language and checks them
// against those the form showed (a consent is recorded only for the wording the person read),
// checks that the event still takes check-ins under this key, and then inserts the lead, its
// consents, the visit, the mail with the private link, the change the live boards replay from and
// the lead.created webhook deliveries. When the address is known at the event (a repeat) or a
// check fails, it inserts nothing, and its one row says which (the Store then takes the repeat
// path of checkin.go).
const checkInFirstSQL = `WITH ev AS (
	SELECT e.id, e.language FROM events e WHERE e.id = @event AND e.status = 'live' AND e.checkin_key = @key),
cur AS (
	SELECT DISTINCT ON (t.purpose) t.id, t.purpose FROM consent_texts t JOIN ev e ON e.id = t.event_id
	WHERE t.language IN (CAST(@lang AS text), e.language, 'en')
	ORDER BY t.purpose, (t.language = CAST(@lang AS text)) DESC, (t.language = e.language) DESC, t.version DESC),
ok AS (
	SELECT (SELECT count(*) FROM ev) = 1 AS live, count(*) AS texts,
		count(*) = 2 AND coalesce(bool_and(CASE cur.purpose
			WHEN 'contact' THEN NOT CAST(@consent AS boolean) OR CAST(@ctext AS bigint) = 0 OR cur.id = CAST(@ctext AS bigint)
			ELSE NOT CAST(@pool AS boolean) OR CAST(@ptext AS bigint) = 0 OR cur.id = CAST(@ptext AS bigint) END), false) AS fits
	FROM cur),
l AS (
	INSERT INTO leads (event_id, name, email, phone, company, title, linkedin, github, cv_url, message, interests,
		source, personal_token, language, answers)
	SELECT CAST(@event AS bigint), CAST(@name AS text), CAST(@email AS text), CAST(@phone AS text), CAST(@company AS text), CAST(@title AS text), CAST(@linkedin AS text),
		CAST(@github AS text), CAST(@cv AS text), CAST(@message AS text), CAST(@interests AS text[]), 'self_checkin', CAST(@ptoken AS text), CAST(@lang AS text),
		CAST(@answers AS jsonb)
	FROM ok WHERE ok.live AND ok.fits
	ON CONFLICT (event_id, lower(email)) WHERE email IS NOT NULL DO NOTHING
	RETURNING *),
k AS (
	INSERT INTO consents (lead_id, consent_text_id, purpose, granted, captured_by)
	SELECT l.id, cur.id, cur.purpose, true, 'candidate' FROM l CROSS JOIN cur
	WHERE (cur.purpose = 'contact' AND CAST(@consent AS boolean)) OR (cur.purpose = 'talent_pool' AND CAST(@pool AS boolean))),
v AS (
	INSERT INTO visits (lead_id, event_id, source, repeat, typed, changes, thanks_hash, code, language)
	SELECT l.id, l.event_id, 'self_checkin', false, CAST(@typed AS jsonb), '{}', CAST(@thanks AS text), CAST(@code AS text), l.language FROM l
	RETURNING id, at),
m AS (
	INSERT INTO outbox (kind, lead_id, visit_id) SELECT 'mail.checkin', l.id, v.id FROM l CROSS JOIN v),
c AS (
	INSERT INTO lead_changes (event_id, lead_id) SELECT l.event_id, l.id FROM l RETURNING id),
w AS (
	INSERT INTO outbox (kind, lead_id, payload)
	SELECT 'webhook.lead.created', l.id, jsonb_build_object('hook', h.id, 'event', 'lead.created', 'event_id', l.event_id,
		'lead', l.id::text, 'at', now()) || '{}'::jsonb
	FROM l CROSS JOIN webhooks h WHERE h.paused_at IS NULL AND 'lead.created' = ANY (h.events))
SELECT ok.live AS ok_live, ok.texts AS ok_texts, ok.fits AS ok_fits, l.*, v.id AS visit_id, v.at AS visit_at,
	c.id AS change_seq
FROM ok LEFT JOIN l ON true LEFT JOIN v ON true LEFT JOIN c ON true`

// checkInRow is the one row of checkInFirstSQL.
type checkInRow struct {
	OkLive    bool
	OkTexts   int
	OkFits    bool
	Lead      `gorm:"embedded"`
	VisitID   *int64     `gorm:"->;-:migration"`
	VisitAt   *time.Time `gorm:"->;-:migration"`
	ChangeSeq *int64     `gorm:"->;-:migration"`
}

// CheckIn records a candidate's self check-in. A new address makes a lead with the consents
// given and queues the mail with the private link, in one statement (checkInFirstSQL). A known
// address (any letter case) counts a visit and keeps what was typed; what differs from the stored
// details and the consents ticked anew wait for the confirm link that the queued mail carries
// (checkInTx). Concurrent identical check-ins land on one lead (the unique index). A consent
// ticked on a wording that is no longer current is refused with ErrConsentTextChanged; an event
// closed or re-keyed meanwhile with ErrEventChanged.
func (s *Store) CheckIn(ctx context.Context, ev Event, in LeadInput) (CheckInResult, error) {
	res, done, err := s.checkInFirst(ctx, ev, in)
	if err != nil || done {
		return res, err
	}
	return s.checkInRepeat(ctx, ev, in)
}

// checkInFirst records a first check-in; done is false when the address is known (a repeat).
func (s *Store) checkInFirst(ctx context.Context, ev Event, in LeadInput) (CheckInResult, bool, error) {
	interests := StringList(in.Interests)
	if interests == nil {
		interests = StringList{}
	}
	typed := typedOf(in)
	typedJSON, err := typed.Value()
	if err != nil {
		return CheckInResult{}, false, err
	}
	answers, err := in.Answers.Value()
	if err != nil {
		return CheckInResult{}, false, err
	}
	lang := leadLanguage(ev, in)
	thanks, code := NewToken(ThanksTokenBytes), NewToken(codeBytes)
	var row checkInRow
	err = scanOne(s.ctx(ctx), &row, checkInFirstSQL, map[string]any{
		"event": ev.ID, "key": ev.CheckinKey, "lang": lang, "consent": in.Consent, "pool": in.TalentPool,
		"ctext": in.ContactTextID, "ptext": in.TalentPoolTextID,
		"name": in.Name, "email": in.Email, "phone": in.Phone, "company": in.Company, "title": in.Title,
		"linkedin": in.LinkedIn, "github": in.GitHub, "cv": in.CVURL, "message": in.Message, "interests": interests,
		"ptoken": NewToken(PersonalTokenBytes), "answers": answers, "typed": typedJSON, "thanks": HashToken(thanks),
		"code": code,
	})
	switch {
	case err != nil:
		return CheckInResult{}, false, fmt.Errorf("models: check in: %w", err)
	case !row.OkLive:
		s.cache.forget(ev.ID)
		return CheckInResult{}, false, ErrEventChanged
	case row.OkTexts < 2:
		return CheckInResult{}, false, fmt.Errorf("models: event %d has no consent texts", ev.ID)
	case !row.OkFits:
		s.cache.forget(ev.ID) // the form may have come from a cached wording that changed
		return CheckInResult{}, false, ErrConsentTextChanged
	case row.VisitID == nil || row.ChangeSeq == nil || row.VisitAt == nil:
		return CheckInResult{}, false, nil // a known address
	}
	s.notifier.send(LeadNotice{EventID: ev.ID, LeadID: row.ID, Seq: *row.ChangeSeq})
	h := HashToken(thanks)
	return CheckInResult{
		Lead: row.Lead,
		Visit: Visit{ID: *row.VisitID, LeadID: row.ID, EventID: ev.ID, Source: SourceSelfCheckIn, Typed: typed,
			ThanksHash: &h, Code: &code, At: *row.VisitAt, Language: lang},
		ThanksToken: thanks,
		Created:     true,
	}, true, nil
}

// scanOne runs a statement that returns one row and scans it into dest. gorm's Scan would also
// write the statement out with every parameter in it, for a logger that asks for it only when a
// statement is slow: on the check-in's twenty parameters, that was a tenth of its CPU.
func scanOne(db *gorm.DB, dest any, sql string, args ...any) error {
	rows, err := db.Raw(sql, args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return errors.New("models: the statement returned no row")
	}
	if err := db.ScanRows(rows, dest); err != nil {
		return err
	}
	return rows.Close()
}

// checkInRepeatSQL counts a repeat's visit: like checkInFirstSQL it checks the consent texts the
// form showed, then it upserts the lead (a known address only counts the visit) and returns the
// stored lead with what the repeat's bookkeeping needs: the consents the lead holds, the repeat
// mails of the last hour, the current texts. inserted is true when the address was not known
// after all (its lead was deleted since the first statement looked).
const checkInRepeatSQL = `WITH cur AS (
	SELECT DISTINCT ON (t.purpose) t.id, t.purpose, t.version FROM consent_texts t JOIN events e ON e.id = t.event_id
	WHERE t.event_id = @event AND t.language IN (CAST(@lang AS text), e.language, 'en')
	ORDER BY t.purpose, (t.language = CAST(@lang AS text)) DESC, (t.language = e.language) DESC, t.version DESC),
ok AS (
	SELECT count(*) AS texts, count(*) = 2 AND coalesce(bool_and(CASE cur.purpose
			WHEN 'contact' THEN NOT CAST(@consent AS boolean) OR CAST(@ctext AS bigint) = 0 OR cur.id = CAST(@ctext AS bigint)
			ELSE NOT CAST(@pool AS boolean) OR CAST(@ptext AS bigint) = 0 OR cur.id = CAST(@ptext AS bigint) END), false) AS fits
	FROM cur),
l AS (
	INSERT INTO leads AS l (event_id, name, email, phone, company, title, linkedin, github, cv_url, message, interests,
		source, personal_token, language, answers)
	SELECT CAST(@event AS bigint), CAST(@name AS text), CAST(@email AS text), CAST(@phone AS text), CAST(@company AS text),
		CAST(@title AS text), CAST(@linkedin AS text), CAST(@github AS text), CAST(@cv AS text), CAST(@message AS text),
		CAST(@interests AS text[]), 'self_checkin', CAST(@ptoken AS text), CAST(@lang AS text), CAST(@answers AS jsonb)
	FROM ok WHERE ok.fits
	ON CONFLICT (event_id, lower(email)) WHERE email IS NOT NULL DO UPDATE SET ` + countVisitSQL + `)
SELECT ok.texts AS ok_texts, ok.fits AS ok_fits, l.*,
	coalesce((SELECT array_agg(k.consent_text_id::text) FROM consents k WHERE k.lead_id = l.id AND k.granted
		AND k.withdrawn_at IS NULL), '{}') AS held,
	(SELECT count(*) FROM outbox o WHERE o.lead_id = l.id AND o.kind = 'mail.repeat'
		AND o.created_at > now() - interval '1 hour') AS recent_repeats,
	(SELECT id FROM cur WHERE purpose = 'contact') AS contact_id, (SELECT version FROM cur WHERE purpose = 'contact') AS contact_version,
	(SELECT id FROM cur WHERE purpose = 'talent_pool') AS pool_id, (SELECT version FROM cur WHERE purpose = 'talent_pool') AS pool_version
FROM ok LEFT JOIN l ON true`

// repeatRow is the one row of checkInRepeatSQL.
type repeatRow struct {
	OkTexts        int
	OkFits         bool
	Lead           `gorm:"embedded"`
	Inserted       bool
	Held           StringList // the ids of the consent texts the lead holds a consent to
	RecentRepeats  int64
	ContactID      int64
	ContactVersion int
	PoolID         int64
	PoolVersion    int
}

// repeatVisitSQL is the rest of a repeat in one statement: the visit with what it asks for, the
// repeat mail unless the address had enough of them this hour, the change the boards replay, the
// lead.updated webhook deliveries and, for a hot lead, the automatic ATS pushes (as leadChanged).
const repeatVisitSQL = `WITH v AS (
	INSERT INTO visits (lead_id, event_id, source, repeat, typed, changes, thanks_hash, code, language)
	VALUES (CAST(@lead AS uuid), CAST(@event AS bigint), 'self_checkin', true, CAST(@typed AS jsonb), CAST(@changes AS jsonb),
		CAST(@thanks AS text), CAST(@code AS text), CAST(@lang AS text))
	RETURNING id, at),
m AS (
	INSERT INTO outbox (kind, lead_id, visit_id) SELECT 'mail.repeat', CAST(@lead AS uuid), v.id FROM v WHERE CAST(@send AS boolean)),
c AS (
	INSERT INTO lead_changes (event_id, lead_id) VALUES (CAST(@event AS bigint), CAST(@lead AS uuid)) RETURNING id),
w AS (
	INSERT INTO outbox (kind, lead_id, payload)
	SELECT 'webhook.lead.updated', CAST(@lead AS uuid), jsonb_build_object('hook', h.id, 'event', 'lead.updated',
		'event_id', CAST(@event AS bigint), 'lead', CAST(@lead AS text), 'at', now()) || '{}'::jsonb
	FROM webhooks h WHERE h.paused_at IS NULL AND 'lead.updated' = ANY (h.events)),
s AS (
	INSERT INTO ats_syncs (connection_id, lead_id)
	SELECT c.id, l.id FROM leads l JOIN ats_connections c ON c.event_id = l.event_id AND c.auto_hot
	WHERE l.id = CAST(@lead AS uuid) AND l.rating = 'hot' AND ` + atsEligible + `
	ON CONFLICT (connection_id, lead_id) DO NOTHING
	RETURNING id, lead_id, connection_id),
a AS (
	INSERT INTO outbox (kind, lead_id, payload)
	SELECT 'ats.' || ac.provider, s.lead_id, jsonb_build_object('sync', s.id) FROM s JOIN ats_connections ac ON ac.id = s.connection_id)
SELECT v.id AS visit_id, v.at AS visit_at, c.id AS change_seq FROM v CROSS JOIN c`

// visitRow is the one row of repeatVisitSQL.
type visitRow struct {
	VisitID   int64
	VisitAt   time.Time
	ChangeSeq int64
}

// checkInRepeat records a repeat check-in in one transaction of two statements: see CheckIn for
// what a repeat does and does not do. A lead deleted since the first statement looked is a first
// check-in again, done by checkInTx.
func (s *Store) checkInRepeat(ctx context.Context, ev Event, in LeadInput) (CheckInResult, error) {
	interests := StringList(in.Interests)
	if interests == nil {
		interests = StringList{}
	}
	typed := typedOf(in)
	typedJSON, err := typed.Value()
	if err != nil {
		return CheckInResult{}, err
	}
	answers, err := in.Answers.Value()
	if err != nil {
		return CheckInResult{}, err
	}
	lang := leadLanguage(ev, in)
	var res CheckInResult
	again := false
	err = s.write(ctx, func(tx *gorm.DB) error {
		var row repeatRow
		if err := scanOne(tx, &row, checkInRepeatSQL, map[string]any{
			"event": ev.ID, "lang": lang, "consent": in.Consent, "pool": in.TalentPool,
			"ctext": in.ContactTextID, "ptext": in.TalentPoolTextID,
			"name": in.Name, "email": in.Email, "phone": in.Phone, "company": in.Company, "title": in.Title,
			"linkedin": in.LinkedIn, "github": in.GitHub, "cv": in.CVURL, "message": in.Message, "interests": interests,
			"ptoken": NewToken(PersonalTokenBytes), "answers": answers,
		}); err != nil {
			return fmt.Errorf("models: check in again: %w", err)
		}
		switch {
		case row.OkTexts < 2:
			return fmt.Errorf("models: event %d has no consent texts", ev.ID)
		case !row.OkFits:
			return ErrConsentTextChanged
		case row.Inserted:
			again = true
			return errRollback
		}
		v := Visit{LeadID: row.ID, EventID: ev.ID, Source: SourceSelfCheckIn, Repeat: true, Typed: typed, Language: lang}
		v.Changes = diffTyped(row.Lead, typed)
		if in.Consent && !row.Held.Contains(strconv.FormatInt(row.ContactID, 10)) {
			v.Changes.Consents = append(v.Changes.Consents, ConsentAsk{Purpose: PurposeContact, TextID: row.ContactID, Version: row.ContactVersion})
		}
		if in.TalentPool && !row.Held.Contains(strconv.FormatInt(row.PoolID, 10)) {
			v.Changes.Consents = append(v.Changes.Consents, ConsentAsk{Purpose: PurposeTalentPool, TextID: row.PoolID, Version: row.PoolVersion})
		}
		changes, err := v.Changes.Value()
		if err != nil {
			return err
		}
		thanks, code := NewToken(ThanksTokenBytes), NewToken(codeBytes)
		h := HashToken(thanks)
		var out visitRow
		if err := scanOne(tx, &out, repeatVisitSQL, map[string]any{
			"lead": row.ID, "event": ev.ID, "typed": typedJSON, "changes": changes, "thanks": h, "code": code, "lang": lang,
			"send": row.RecentRepeats < MaxRepeatMailsPerHour,
		}); err != nil {
			return fmt.Errorf("models: record a repeat: %w", err)
		}
		pendingFrom(tx).add(LeadNotice{EventID: ev.ID, LeadID: row.ID, Seq: out.ChangeSeq})
		v.ID, v.At, v.ThanksHash, v.Code = out.VisitID, out.VisitAt, &h, &code
		res = CheckInResult{Lead: row.Lead, Visit: v, ThanksToken: thanks}
		return nil
	})
	if again {
		return s.checkInTx(ctx, ev, in)
	}
	if err != nil {
		return CheckInResult{}, err
	}
	return res, nil
}

// errRollback ends a transaction that found it has nothing to do.
var errRollback = errors.New("models: nothing to do")
