package bench

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/boothlead/boothlead/models"
)

// ExportInterests are the interest options of the export benchmarks' event.
var ExportInterests = []string{"Backend (Go)", "Data & ML", "SRE / Platform", "Frontend", "Security"}

// SeedExportEvent fills ev with n leads of realistic size from the demo generator (names in 20
// scripts, messages, badge vCards), each with a contact consent, two in five with a talent-pool
// consent, and exactly two conversations by the given staff with multi-line notes and a
// follow-up, in batches of 5,000 (models.Store.SeedLeads).
func SeedExportEvent(ctx context.Context, store *models.Store, ev models.Event, staff []int64, n int) error {
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, ev.Location())
	for done := 0; done < n; done += 5000 {
		batch := models.DemoLeads(models.DemoOptions{Leads: min(5000, n-done), Days: []time.Time{day, day.AddDate(0, 0, 1)},
			Interests: ev.Interests, Staff: staff, Seed: uint64(done + 1)})
		for i := range batch {
			l := &batch[i]
			email := fmt.Sprintf("%d.%s", done+i, l.Email) // unique across batches
			l.BadgeCode = strings.ReplaceAll(l.BadgeCode, l.Email, email)
			l.Email = email
			at := l.FirstSeen
			l.Conversations = []models.SeedConversation{
				{StaffID: staff[i%len(staff)], At: at.Add(5 * time.Minute), Rating: "warm",
					Notes: "Strong Go background, asked about on-call.\nWants remote; speaks German and English."},
				{StaffID: staff[(i+1)%len(staff)], At: at.Add(40 * time.Minute), Rating: []string{"hot", "warm", "cold"}[i%3],
					Notes:    "Met the platform team lead, talked about operators, CRDs and the \"golden path\".",
					FollowUp: "Send the backend job ad"},
			}
		}
		if err := store.SeedLeads(ctx, ev, batch); err != nil {
			return err
		}
	}
	return nil
}

// CopySQL is the generic preset's columns in SQL, for COPY: the same values (names split at the
// last space, times in the event's zone, the latest consent per purpose, every conversation with
// its staff member, time, rating, notes and follow-up), without the formula neutralising.
func CopySQL(eventID int64) string {
	consent := func(purpose string) string {
		return `LEFT JOIN LATERAL (SELECT CASE WHEN k.withdrawn_at IS NOT NULL THEN 'withdrawn' WHEN k.granted THEN 'yes'
			ELSE 'no' END AS status, to_char(k.at AT TIME ZONE e.time_zone, 'YYYY-MM-DD HH24:MI') AS at, t.version,
			k.captured_by AS by FROM consents k JOIN consent_texts t ON t.id = k.consent_text_id
			WHERE k.lead_id = l.id AND k.purpose = '` + purpose + `' ORDER BY k.at DESC, k.id DESC LIMIT 1) `
	}
	return `SELECT l.id AS "Lead ID", e.name AS "Event",
		CASE WHEN btrim(l.name) ~ '\s' THEN regexp_replace(btrim(l.name), '\s+\S+$', '') ELSE btrim(l.name) END AS "First Name",
		CASE WHEN btrim(l.name) ~ '\s' THEN substring(btrim(l.name) from '\S+$') ELSE '' END AS "Last Name",
		l.name AS "Full Name", l.email AS "Email", l.phone AS "Phone", l.company AS "Company", l.title AS "Title",
		l.linkedin AS "LinkedIn URL", l.github AS "GitHub URL", l.cv_url AS "CV URL", l.message AS "Message",
		array_to_string(l.interests, '; ') AS "Interests", l.source AS "Source", l.badge_code AS "Badge Code",
		l.visit_count AS "Visits", to_char(l.first_seen_at AT TIME ZONE e.time_zone, 'YYYY-MM-DD HH24:MI') AS "First Seen",
		to_char(l.last_seen_at AT TIME ZONE e.time_zone, 'YYYY-MM-DD HH24:MI') AS "Last Seen", l.rating AS "Rating",
		conv.follow_up AS "Follow-up", kc.status AS "Contact Consent", kc.at AS "Contact Consent At",
		kc.version AS "Contact Consent Text Version", kp.status AS "Talent Pool Consent",
		kp.at AS "Talent Pool Consent At", kp.version AS "Talent Pool Consent Text Version",
		CASE WHEN kc.by IS NULL OR kp.by IS NULL OR kc.by = kp.by THEN coalesce(kc.by, kp.by)
			ELSE 'contact: ' || kc.by || '; talent_pool: ' || kp.by END AS "Consent Captured By",
		conv.text AS "Conversations", coalesce(conv.n, 0) AS "Conversation Count"
	FROM leads l JOIN events e ON e.id = l.event_id ` + consent("contact") + `kc ON true ` + consent("talent_pool") + `kp ON true
	LEFT JOIN LATERAL (SELECT string_agg(to_char(c.happened_at AT TIME ZONE e.time_zone, 'YYYY-MM-DD HH24:MI') || ' ' ||
			coalesce(u.name, 'former staff') || coalesce(' [' || c.rating || ']', '') || ': ' ||
			replace(c.notes, E'\n', E'\n  ') || CASE WHEN c.follow_up <> '' THEN E'\n  Follow-up: ' || c.follow_up ELSE '' END,
			E'\n' ORDER BY c.happened_at, c.id) AS text, count(*) AS n,
			(array_agg(c.follow_up ORDER BY c.happened_at DESC, c.id DESC) FILTER (WHERE c.follow_up <> ''))[1] AS follow_up
		FROM conversations c LEFT JOIN staff_users u ON u.id = c.staff_user_id WHERE c.lead_id = l.id) conv ON true
	WHERE l.event_id = ` + strconv.FormatInt(eventID, 10) + ` ORDER BY l.first_seen_at DESC, l.id DESC`
}

// PlainCopySQL is the yardstick of the export's aim: every column of the event's leads as
// stored, no join, in the export's order.
func PlainCopySQL(eventID int64) string {
	return `SELECT * FROM leads WHERE event_id = ` + strconv.FormatInt(eventID, 10)
}

// OneLine joins the lines of a statement for psql's \copy, which takes one line; the
// statement's string literals hold no line breaks of their own (they write E'\n').
func OneLine(sql string) string {
	return regexp.MustCompile(`\n[\t ]*`).ReplaceAllString(sql, " ")
}
