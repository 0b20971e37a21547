package models

import (
	"context"
	"errors"
	"fmt"
	"time"
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
	return s.checkInTx(ctx, ev, in)
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
	thanks, code := NewToken(thanksTokenBytes), NewToken(codeBytes)
	var row checkInRow
	err = s.scanOne(ctx, &row, checkInFirstSQL, map[string]any{
		"event": ev.ID, "key": ev.CheckinKey, "lang": lang, "consent": in.Consent, "pool": in.TalentPool,
		"ctext": in.ContactTextID, "ptext": in.TalentPoolTextID,
		"name": in.Name, "email": in.Email, "phone": in.Phone, "company": in.Company, "title": in.Title,
		"linkedin": in.LinkedIn, "github": in.GitHub, "cv": in.CVURL, "message": in.Message, "interests": interests,
		"ptoken": NewToken(personalTokenBytes), "answers": answers, "typed": typedJSON, "thanks": HashToken(thanks),
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
func (s *Store) scanOne(ctx context.Context, dest any, sql string, args ...any) error {
	db := s.ctx(ctx)
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
