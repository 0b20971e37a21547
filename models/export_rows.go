package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"gorm.io/gorm"
)

// ExportLead is one lead with everything a CSV export needs: its fields, its consents (oldest
// first) and its conversations (oldest first) with the staff member's name.
type ExportLead struct {
	ID, Name, Email, Phone, Company, Title string
	LinkedIn, GitHub, CVURL, Message       string
	Interests, Tags                        StringList
	Source, BadgeCode                      string
	VisitCount                             int
	FirstSeenAt, LastSeenAt                time.Time
	Rating                                 string
	Answers                                Answers // to the event's custom questions
	Consents                               []ExportConsent
	Conversations                          []ExportConversation
}

// ExportConsent is one consent record of an exported lead, with the version and hash of the
// text the person agreed to.
type ExportConsent struct {
	Purpose     string
	Granted     bool
	TextVersion int
	TextSHA256  string
	CapturedBy  string
	At          time.Time
	WithdrawnAt *time.Time
}

// ExportConversation is one conversation of an exported lead.
type ExportConversation struct {
	StaffName string
	At        time.Time
	Rating    string
	Notes     string
	FollowUp  string
}

// DefaultExportBatch is how many leads ExportLeads reads per batch.
const DefaultExportBatch = 1000

// ExportLeads reads the leads of an event that match f, in f's order, batch by batch, and calls
// fn once per batch of at most batchSize leads. It is the streaming half of a CSV export: the
// caller encodes and flushes each batch, so memory stays flat however many leads there are.
//
// Every batch comes from one read-only REPEATABLE READ snapshot, so an export running while
// staff keep adding leads and notes is still a consistent picture of one moment: no lead is
// missed or written twice because its sort value changed mid-export. A batch costs three
// queries: the leads (keyset paging on the sort, like the table), then their conversations and
// their consents by lead id.
//
// The slice fn gets, and the slices in it, are reused for the next batch: fn must not keep
// them. An error from fn stops the export and is returned as is.
func (s *Store) ExportLeads(ctx context.Context, eventID int64, f LeadFilter, batchSize int, fn func([]ExportLead) error) error {
	if batchSize <= 0 {
		batchSize = DefaultExportBatch
	}
	if _, ok := sortKeys[f.Sort]; !ok {
		f.Sort, f.Desc = SortFirstSeen, true
	}
	return s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		// Every batch is the same statement with a new cursor: plan each for its values (see customPlans).
		if err := tx.Exec("SET LOCAL plan_cache_mode = force_custom_plan").Error; err != nil {
			return fmt.Errorf("models: plan mode: %w", err)
		}
		var b exportBatch
		var c leadCursor
		for {
			n, next, err := b.load(tx, eventID, f, c, batchSize)
			if err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			if err := fn(b.leads[:n]); err != nil {
				return err
			}
			if n < batchSize {
				return nil
			}
			c = next
		}
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
}

// exportBatch holds one batch and the buffers reused from batch to batch.
type exportBatch struct {
	leads []ExportLead
	ids   StringList
	uuids []pgtype.UUID // ids as a native uuid[] parameter (pgarray.go), reused
	index map[string]int
	convs []ExportConversation
	cons  []ExportConsent
	owner []int // lead index of each conversation or consent, while reading them
}

// load reads the next batch after c into b and returns how many leads it holds and the cursor
// of its last lead.
func (b *exportBatch) load(tx *gorm.DB, eventID int64, f LeadFilter, c leadCursor, size int) (int, leadCursor, error) {
	where, args := f.where(eventID)
	order, cond, cargs := f.keyset(c, false)
	if cond != "" {
		where += " AND " + cond
		args = append(args, cargs...)
	}
	args = append(args, size)
	rows, err := tx.Raw(`SELECT l.id, l.name, coalesce(l.email, ''), l.phone, l.company, l.title, l.linkedin,
		l.github, l.cv_url, l.message, l.interests, l.tags, l.source, coalesce(l.badge_code, ''), l.visit_count,
		l.first_seen_at, l.last_seen_at, coalesce(l.rating, ''), l.answers, (`+sortKeys[f.Sort].expr+`)::text
		FROM leads l WHERE `+where+` ORDER BY `+order+` LIMIT ?`, args...).Rows()
	if err != nil {
		return 0, c, fmt.Errorf("models: export leads: %w", err)
	}
	defer rows.Close()
	if b.index == nil {
		b.index = make(map[string]int, size)
	}
	clear(b.index)
	b.ids = b.ids[:0]
	n := 0
	var last leadCursor
	for rows.Next() {
		if n == len(b.leads) {
			b.leads = append(b.leads, ExportLead{})
		}
		l := &b.leads[n]
		*l = ExportLead{}
		if err := rows.Scan(&l.ID, &l.Name, &l.Email, &l.Phone, &l.Company, &l.Title, &l.LinkedIn, &l.GitHub,
			&l.CVURL, &l.Message, &l.Interests, &l.Tags, &l.Source, &l.BadgeCode, &l.VisitCount, &l.FirstSeenAt,
			&l.LastSeenAt, &l.Rating, &l.Answers, &last.value); err != nil {
			return 0, c, fmt.Errorf("models: export scan lead: %w", err)
		}
		last.id = l.ID
		b.index[l.ID] = n
		b.ids = append(b.ids, l.ID)
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, c, fmt.Errorf("models: export leads: %w", err)
	}
	if n == 0 {
		return 0, last, nil
	}
	if err := b.loadConversations(tx, n); err != nil {
		return 0, c, err
	}
	if err := b.loadConsents(tx, n); err != nil {
		return 0, c, err
	}
	return n, last, nil
}

// idArray is the batch's lead ids as a uuid[] parameter.
func (b *exportBatch) idArray() pgtype.Array[pgtype.UUID] {
	a := uuidArray(b.ids, b.uuids)
	b.uuids = a.Elements
	return a
}

// loadConversations reads the conversations of the batch's leads into one buffer and gives each
// lead its slice of it.
func (b *exportBatch) loadConversations(tx *gorm.DB, n int) error {
	rows, err := tx.Raw(`SELECT c.lead_id, coalesce(u.name, 'former staff'), c.happened_at, coalesce(c.rating, ''),
		c.notes, c.follow_up FROM conversations c LEFT JOIN staff_users u ON u.id = c.staff_user_id
		WHERE c.lead_id = ANY(?::uuid[]) ORDER BY c.lead_id, c.happened_at, c.id`, b.idArray()).Rows()
	if err != nil {
		return fmt.Errorf("models: export conversations: %w", err)
	}
	defer rows.Close()
	b.convs, b.owner = b.convs[:0], b.owner[:0]
	var leadID string
	for rows.Next() {
		var cv ExportConversation
		if err := rows.Scan(&leadID, &cv.StaffName, &cv.At, &cv.Rating, &cv.Notes, &cv.FollowUp); err != nil {
			return fmt.Errorf("models: export scan conversation: %w", err)
		}
		b.convs = append(b.convs, cv)
		b.owner = append(b.owner, b.index[leadID])
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("models: export conversations: %w", err)
	}
	// Rows come grouped by lead, so each lead's conversations are one run of the buffer.
	for i := 0; i < len(b.convs); {
		j := i + 1
		for j < len(b.convs) && b.owner[j] == b.owner[i] {
			j++
		}
		b.leads[b.owner[i]].Conversations = b.convs[i:j:j]
		i = j
	}
	return nil
}

// loadConsents reads the consents of the batch's leads, like loadConversations.
func (b *exportBatch) loadConsents(tx *gorm.DB, n int) error {
	rows, err := tx.Raw(`SELECT c.lead_id, c.purpose, c.granted, t.version, t.sha256, c.captured_by, c.at,
		c.withdrawn_at FROM consents c JOIN consent_texts t ON t.id = c.consent_text_id
		WHERE c.lead_id = ANY(?::uuid[]) ORDER BY c.lead_id, c.at, c.id`, b.idArray()).Rows()
	if err != nil {
		return fmt.Errorf("models: export consents: %w", err)
	}
	defer rows.Close()
	b.cons, b.owner = b.cons[:0], b.owner[:0]
	var leadID string
	for rows.Next() {
		var k ExportConsent
		var withdrawn sql.NullTime
		if err := rows.Scan(&leadID, &k.Purpose, &k.Granted, &k.TextVersion, &k.TextSHA256, &k.CapturedBy,
			&k.At, &withdrawn); err != nil {
			return fmt.Errorf("models: export scan consent: %w", err)
		}
		if withdrawn.Valid {
			t := withdrawn.Time
			k.WithdrawnAt = &t
		}
		b.cons = append(b.cons, k)
		b.owner = append(b.owner, b.index[leadID])
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("models: export consents: %w", err)
	}
	for i := 0; i < len(b.cons); {
		j := i + 1
		for j < len(b.cons) && b.owner[j] == b.owner[i] {
			j++
		}
		b.leads[b.owner[i]].Consents = b.cons[i:j:j]
		i = j
	}
	return nil
}
