// Package export turns leads into CSV files that recruiters load into their ATS.
//
// It is pure: no database, no HTTP. The caller streams leads into a [Writer] one at a
// time (batch by batch), and the Writer encodes each row straight into its underlying
// [encoding/csv.Writer], so memory stays flat however many leads an event has.
//
// Every file is RFC 4180 (comma separated, CRLF record endings, fields quoted by
// encoding/csv when they contain a comma, quote or line break), UTF-8 (optionally with a
// BOM for Excel), and every cell, header included, is neutralised against formula
// injection (see [Neutralize] and [Sanitize]).
package export

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Preset names an export layout.
type Preset string

// The export layouts. Their string values are what the CLI's --preset flag and the export
// form accept. In every preset, empty values give empty cells and free-text parts of a
// composed cell are trimmed.
const (
	// Generic has every lead field under stable English headers (see [Header]).
	// Dates are [TimeLayout] in [Options.Location]. Interests are joined with "; ". For
	// each consent purpose (contact, talent_pool) the latest record by At gives
	// "yes", "no" or "withdrawn" (withdrawn wins over granted), the time it was captured
	// and its text version; no record leaves the three cells empty. "Consent Captured By"
	// is "candidate" or "staff", or "contact: candidate; talent_pool: staff" when the two
	// latest records differ. "Conversations" has one line per conversation, oldest first:
	// "2026-05-12 14:03 Staff Name [hot]: notes", with the continuation lines of multi-line
	// notes and a "Follow-up: …" line indented by two spaces, so a line that starts at the
	// margin always starts a conversation.
	Generic Preset = "generic"

	// Greenhouse matches Greenhouse's "bulk import prospects" fields. First and Last Name
	// come from [SplitName]; Greenhouse requires both, so a one-word name fills both.
	// Social Media is LinkedIn then GitHub joined with ", "; Website is the CV URL; Notes
	// holds the rating, the latest follow-up, the interests, the message and every
	// conversation (see [Lever]); Source is "<event name> booth".
	Greenhouse Preset = "greenhouse"

	// Lever matches Lever's candidate import columns. Links are LinkedIn, GitHub and CV
	// joined with ", " (Lever's rule for links). Tags are the interests plus
	// "rating:<rating>" for a rated lead, and Sources the event name, joined with "," and
	// no space (Lever's rule), so commas and line breaks inside one tag or source become a
	// space. Origin is always "Sourced" and Stage "New Lead" (names Lever matches exactly).
	// Notes is one cell of labelled lines, like this:
	//
	//	Rating: hot
	//	Follow-up: send the backend job ad
	//	Interests: Go; Kubernetes
	//	Message: Looking for remote roles
	//	Conversations:
	//	2026-05-12 14:03 Dana Staff [hot]: Strong Go background.
	//	  Follow-up: send the backend job ad
	Lever Preset = "lever"
)

// ContentType is the media type to serve an export with.
const ContentType = "text/csv; charset=utf-8"

// TimeLayout is how human-readable date-time cells are written (minutes, no seconds, no
// zone), in [Options.Location].
const TimeLayout = "2006-01-02 15:04"

// ErrUnknownPreset is returned (wrapped) for a preset name that is not one of [Presets].
var ErrUnknownPreset = errors.New("export: unknown preset")

// PresetInfo describes a preset for pickers and help texts.
type PresetInfo struct {
	Preset Preset
	Label  string // human label, e.g. "Greenhouse prospects"
}

var presets = []PresetInfo{
	{Generic, "Generic (all fields)"},
	{Greenhouse, "Greenhouse prospects"},
	{Lever, "Lever candidates"},
}

// Presets lists the presets in display order, each with its human label.
// The slice is a fresh copy the caller may modify.
func Presets() []PresetInfo {
	return append([]PresetInfo(nil), presets...)
}

// ParsePreset returns the preset for a name, ignoring case and surrounding spaces; ""
// means [Generic]. Any other name gives an error wrapping [ErrUnknownPreset] that lists
// the valid names.
func ParsePreset(s string) (Preset, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "" {
		return Generic, nil
	}
	for _, p := range presets {
		if string(p.Preset) == name {
			return p.Preset, nil
		}
	}
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = string(p.Preset)
	}
	return "", fmt.Errorf("%w %q (valid: %s)", ErrUnknownPreset, s, strings.Join(names, ", "))
}

// Valid reports whether p is one of the presets.
func (p Preset) Valid() bool {
	return p.Label() != ""
}

// Label returns the human label of p, or "" if p is not a preset.
func (p Preset) Label() string {
	for _, i := range presets {
		if i.Preset == p {
			return i.Label
		}
	}
	return ""
}

// Lead is one lead with everything an export may need. Times are UTC (any zone works);
// the Writer formats them in [Options.Location].
type Lead struct {
	ID, EventName, EventSlug           string
	Name, Email, Phone, Company, Title string
	LinkedIn, GitHub, CVURL, Message   string
	Interests                          []string
	Source                             string // self_checkin | badge_scan | staff_manual
	BadgeCode                          string // raw scanned text for badge scans
	VisitCount                         int
	FirstSeen, LastSeen                time.Time
	Rating                             string // hot|warm|cold|"" (latest conversation's)
	FollowUp                           string // latest conversation's follow-up
	Consents                           []Consent
	Conversations                      []Conversation // oldest first
	Extra                              []string       // the values of Options.Columns, in order
}

// Consent is one consent record of a lead. A lead may have several per purpose; exports
// show the latest one (by At) of each purpose.
type Consent struct {
	Purpose     string // contact | talent_pool
	Granted     bool
	TextVersion int
	TextHash    string
	CapturedBy  string // candidate | staff
	At          time.Time
	WithdrawnAt *time.Time
}

// Conversation is one conversation a staff member had with a lead at the booth.
type Conversation struct {
	Staff     string // staff member's name
	At        time.Time
	Rating    string
	Notes     string
	FollowUp  string
	Interests []string // not exported on their own: Lead.Interests is expected to hold them
}

// Options control the encoding.
type Options struct {
	BOM      bool           // prefix the UTF-8 BOM (EF BB BF) so Excel detects UTF-8
	Location *time.Location // time zone for dates (nil = UTC); usually the event's zone
	// Columns are headers of extra columns after the preset's own: the event's custom questions
	// (each header is the question's label), filled from Lead.Extra.
	Columns []string
}

// Consent purposes the Generic preset has columns for.
const (
	purposeContact    = "contact"
	purposeTalentPool = "talent_pool"
)

var headers = map[Preset][]string{
	Generic: {
		"Lead ID", "Event", "First Name", "Last Name", "Full Name", "Email", "Phone",
		"Company", "Title", "LinkedIn URL", "GitHub URL", "CV URL", "Message", "Interests",
		"Source", "Badge Code", "Visits", "First Seen", "Last Seen", "Rating", "Follow-up",
		"Contact Consent", "Contact Consent At", "Contact Consent Text Version",
		"Talent Pool Consent", "Talent Pool Consent At", "Talent Pool Consent Text Version",
		"Consent Captured By", "Conversations", "Conversation Count",
	},
	Greenhouse: {
		"First Name", "Last Name", "Company", "Title", "Email", "Phone", "Social Media",
		"Website", "Notes", "Source",
	},
	Lever: {
		"Full Name", "Email", "Phone", "Links", "Tags", "Sources", "Origin", "Stage", "Notes",
	},
}

// HeaderWith is the header row of a preset followed by extra columns (nil for an unknown preset).
func HeaderWith(p Preset, columns []string) []string {
	h := Header(p)
	if h == nil {
		return nil
	}
	return append(h, columns...)
}

// Header returns the header row of a preset (a fresh copy), or nil for an unknown preset.
// The Writer writes it neutralised, which leaves these names unchanged.
func Header(p Preset) []string {
	h, ok := headers[p]
	if !ok {
		return nil
	}
	return append([]string(nil), h...)
}

// Filename returns "boothlead-<slug>-<preset>-<YYYY-MM-DD>.csv", a name that is safe in a
// Content-Disposition header and accepted by Lever (a-z 0-9 _ -). The slug is lowercased and
// every run of other characters (including non-ASCII letters) becomes one "-"; it is cut
// to 60 characters, and an empty result becomes "event". An empty preset means generic.
// The date is day as written in day's own location, so pass the time in the event's or the
// user's zone.
func Filename(slug string, p Preset, day time.Time) string {
	s := sanitizeSlug(slug, 60)
	if s == "" {
		s = "event"
	}
	ps := sanitizeSlug(string(p), 30)
	if ps == "" {
		ps = string(Generic)
	}
	return "boothlead-" + s + "-" + ps + "-" + day.Format("2006-01-02") + ".csv"
}

// sanitizeSlug keeps [a-z0-9], lowercases A-Z, turns every other run into a single "-" and
// trims dashes, cutting the result to at most max bytes.
func sanitizeSlug(s string, max int) string {
	b := make([]byte, 0, len(s))
	dash := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		default:
			dash = true
			continue
		}
		if dash && len(b) > 0 {
			b = append(b, '-')
		}
		dash = false
		b = append(b, c)
	}
	if len(b) > max {
		b = b[:max]
	}
	return strings.TrimRight(string(b), "-")
}
