// Package export turns leads into the files recruiters open in a spreadsheet or load into their
// ATS: CSV (RFC 4180) and XLSX, in three layouts ([Presets]).
//
// It is pure: no database, no HTTP. The caller streams leads into a [Writer] (CSV) or an
// [XLSXWriter] one at a time, batch by batch; each Write encodes its row straight away and keeps
// nothing of the lead, so memory stays flat however many leads an event has.
//
// # CSV
//
// Comma separated (Lever refuses any other separator), CRLF record endings, UTF-8, optionally
// with a BOM so Excel on Windows reads accents right. A field is quoted when it holds a comma,
// a semicolon, a TAB, a double quote or a line break, or starts or ends with a space: so a
// spreadsheet opened with any of the three separators spreadsheets offer (comma; semicolon,
// the default of German and French locales; TAB) keeps each field in one cell. Line breaks
// inside a field are written as CRLF, NUL and the other C0 control characters except TAB are
// removed, CR becomes LF, and invalid UTF-8 becomes U+FFFD.
//
// # The neutralising rule
//
// No cell may become a formula when the file is opened in Excel or LibreOffice with comma,
// semicolon or TAB as separator (OWASP "CSV Injection"; ASVS 5.0 1.2.10), and values that cannot
// call anything (email addresses, phone numbers, plain numbers, URLs) are written exactly as
// typed, never with a visible prefix. [Neutralize] inserts a single quote ' right before the
// formula character of
//
//  1. the start of a cell, when its first visible character (after whitespace, control and
//     invisible format characters such as zero-width spaces, bidi marks and the BOM, and after
//     double quotes) is = + - or @, unless the whole value is inert: a number or phone number
//     (an optional sign, then digits, spaces, ( ) . - / and at least one digit: "+49 170
//     1234567", "-1", "+1 (555) 123-4567"), an email address of the plain shape ("+tag@x.org",
//     "-dash@x.org") or nothing but signs ("-");
//  2. every segment inside a cell that follows a comma, a semicolon, a TAB or a line break, when
//     its first visible character is =, or is + - or @ and the segment (up to the next
//     separator) holds a ( or a |.
//
// Why these, and not OWASP's "prefix every cell that starts with = + - @ TAB CR LF":
//
//   - What a spreadsheet runs. LibreOffice Calc (7.4, checked by this package's tests through
//     soffice --convert-to) makes a formula of a CSV field only when it starts with =;
//     "+1+2", "-2+3", "@SUM(1)" and "+cmd|..." stay text. Excel also starts a formula with a
//     plus, a minus or an @ (Lotus compatibility), and a formula harms only when it calls something: a
//     function (HYPERLINK, WEBSERVICE, IMPORTXML…) needs a name and a parenthesis, DDE
//     ("cmd|' /C calc'!A0") a |. A number, a phone number or an address has neither, so
//     Excel at worst does arithmetic on it or, far more often, fails to parse it and keeps
//     the text. Prefixing them instead is what broke imports: a visible "'+49 170 …" in every
//     phone number, and "'-dash@…" emails that no longer match Lever's duplicate check.
//   - Where a cell starts. A spreadsheet that honours quoting starts cells only at our field
//     starts. One whose separator is not ours does not honour the quotes that begin in the
//     middle of its field: LibreOffice with ";" splits "Acme;=cmd|…" (a comma-CSV field) at
//     the semicolon and every line of a multi-line note into a row of its own, and pasting a
//     cell's text into a sheet does the same. Hence rule 2. Inside a cell the rule is looser
//     than at its start, so that the bullets of notes ("- met at the booth") stay as typed:
//     only = (which nobody types at a line start without meaning a formula) and what can call
//     something are neutralised there.
//   - TAB, CR and LF at the start of a cell (OWASP lists them) only matter as separators: the
//     quoting keeps them inside the cell, and rule 2 checks what follows them. The cleaning
//     (NUL and other controls removed, CR made LF) runs before the rule, so removing a
//     character can never bring a formula to the front.
//   - The ' is the prefix both spreadsheets know; in a CSV it shows, which is why it is kept to
//     cells that would otherwise run.
//
// The header row goes through the same rule (it never changes).
//
// # XLSX
//
// [XLSXWriter] writes one sheet with excelize's StreamWriter (past 16 MiB, rows go to a
// temporary file, not memory): every cell an inline string with the Text number format (@), so nothing is
// reinterpreted on opening (leading zeros, "1/2", dates, "+49…", "=…" all stay as typed) and a
// cell edited later stays text; the header row bold and frozen; columns sized for their content.
// A string cell can never be a formula, so XLSX values are written exactly as typed, without
// the CSV rule. A value longer than Excel's 32,767 characters per cell is cut there.
//
// # ATS presets
//
// [Greenhouse] and [Lever] files hold only leads with a name, an email address and a contact
// consent (granted, not withdrawn): an ATS import wants all three, and a lead who did not agree
// to be contacted has no place in a recruiting pipeline. The Writers leave the others out and
// count them by reason ([LeftOut]); callers say how many and why. Documentation followed:
//
//   - Greenhouse, "Bulk import prospects from spreadsheet"
//     (https://support.greenhouse.io/hc/en-us/articles/203871039): the default fields First Name,
//     Last Name (both required), Company, Title, Notes, Email, Phone, Social Media, Website,
//     Source; pool, stage and source names must match what is configured in Greenhouse. Tags
//     are not among the importable fields, so interests and tags go into Notes. Default
//     candidate fields: https://support.greenhouse.io/hc/en-us/articles/360001421452.
//   - Lever, "How do I add multiple / import many candidates?"
//     (https://help.lever.co/hc/en-us/articles/204498425) and "Bulk importing candidates with
//     assistance from Lever Support" (https://help.lever.co/hc/en-us/articles/20087329298973):
//     comma-delimited only; file names of a-z 0-9 _ -; "preserve all column headings"; multiple
//     links separated by comma and space, multiple tags and sources by a comma without space;
//     Stage "New Lead" and Origin from a fixed list, named exactly; Lever finds duplicates by
//     email. "Migrating your data (Self-Service)"
//     (https://help.lever.co/hc/en-us/articles/20087470372381) names Date-Added, Archive-Reason
//     and Archive-Date. The template itself is a download those pages link to; its header row
//     (Lever Profile ID … Note-3, see [Header]) is as published templates and migration
//     scripts reproduce it.
//
// The research behind these choices, with what was not found, is in the project's
// requirements research (sections 2 and 3).
package export

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Preset names an export layout.
type Preset string

// The export layouts. Their string values are what the CLI's --preset flag and the export
// links accept. In every preset, empty values give empty cells and free-text parts of a
// composed cell are trimmed.
const (
	// Generic has every lead field under stable English headers (see [Header]), for every lead
	// of the filter. Dates are [TimeLayout] in [Options.Location]. Interests and tags are
	// joined with "; ". For each consent purpose (contact, talent_pool) the latest record by At
	// gives "yes", "no" or "withdrawn" (withdrawn wins over granted), the time it was captured
	// and its text version; no record leaves the three cells empty. "Consent Captured By" is
	// "candidate" or "staff", or "contact: candidate; talent_pool: staff" when the two latest
	// records differ. "Conversations" has one line per conversation, oldest first:
	// "2026-05-12 14:03 Staff Name [hot]: notes", with the continuation lines of multi-line
	// notes and a "Follow-up: …" line indented by two spaces, so a line that starts at the
	// margin always starts a conversation.
	Generic Preset = "generic"

	// Greenhouse matches Greenhouse's "bulk import prospects" fields, for the leads an ATS may
	// take ([Eligible]). First and Last Name come from [SplitName]; Greenhouse requires both, so
	// a name of one word (a mononym, or a Chinese or Japanese name written without a space)
	// goes whole into First Name and Last Name is [NoLastName]. Social Media is LinkedIn then
	// GitHub joined with ", "; Website is the CV URL; Notes holds the rating, the latest
	// follow-up, the interests, the tags, the message and every conversation (see [Lever]);
	// Source is the event's name, which Greenhouse matches against its configured sources.
	Greenhouse Preset = "greenhouse"

	// Lever has every column of Lever's candidate import template, blank where Boothlead has no
	// data, for the leads an ATS may take ([Eligible]). Full Name is the name as typed (Lever
	// has no first/last split, so one-word names need nothing). Links are LinkedIn, GitHub
	// and CV joined with ", " (Lever's rule for links). Tags are the interests, the lead's tags
	// and "rating:<rating>" for a rated lead, and Sources the event name, joined with "," and
	// no space (Lever's rule), so commas and line breaks inside one tag or source become a
	// space. Origin is always "Sourced" and Stage "New Lead" (names Lever matches exactly).
	// Date Added and DateNote-0 are when the lead was first seen (RFC 3339, UTC). Note-0 is one
	// cell of labelled lines, like this:
	//
	//	Rating: hot
	//	Follow-up: send the backend job ad
	//	Interests: Go; Kubernetes
	//	Tags: shortlist
	//	Message: Looking for remote roles
	//	Conversations:
	//	2026-05-12 14:03 Dana Staff [hot]: Strong Go background.
	//	  Follow-up: send the backend job ad
	Lever Preset = "lever"
)

// NoLastName is the Last Name of a one-word name in the Greenhouse preset: Greenhouse refuses a
// row without a last name, and repeating the first name would invent a person "Madonna
// Madonna". A single dot is the least invented value that passes its check; the name itself
// stays whole in First Name.
const NoLastName = "."

// Format is a file format.
type Format string

// The file formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat returns the format for a name ("" means CSV), ignoring case and spaces.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "":
		return CSV, nil
	case CSV, XLSX:
		return f, nil
	}
	return "", fmt.Errorf("%w %q (valid: csv, xlsx)", ErrUnknownFormat, s)
}

// ContentType is the media type of the format.
func (f Format) ContentType() string {
	if f == XLSX {
		return XLSXContentType
	}
	return ContentType
}

// ContentType is the media type to serve a CSV export with.
const ContentType = "text/csv; charset=utf-8"

// XLSXContentType is the media type of an XLSX file.
const XLSXContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// TimeLayout is how human-readable date-time cells are written (minutes, no seconds, no
// zone), in [Options.Location].
const TimeLayout = "2006-01-02 15:04"

// ErrUnknownPreset is returned (wrapped) for a preset name that is not one of [Presets].
var ErrUnknownPreset = errors.New("export: unknown preset")

// ErrUnknownFormat is returned (wrapped) for a format that is neither csv nor xlsx.
var ErrUnknownFormat = errors.New("export: unknown format")

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

// ForATS reports whether p is an ATS import layout, which holds only [Eligible] leads.
func (p Preset) ForATS() bool {
	return p == Greenhouse || p == Lever
}

// Lead is one lead with everything an export may need. Times are UTC (any zone works);
// the Writer formats them in [Options.Location].
type Lead struct {
	ID, EventName, EventSlug           string
	Name, Email, Phone, Company, Title string
	LinkedIn, GitHub, CVURL, Message   string
	Interests                          []string
	Tags                               []string // labels recruiters gave the lead
	Source                             string   // self_checkin | badge_scan | staff_manual
	BadgeCode                          string   // raw scanned text for badge scans
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
	BOM      bool           // CSV only: prefix the UTF-8 BOM (EF BB BF) so Excel detects UTF-8
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
		"Company", "Title", "LinkedIn URL", "GitHub URL", "CV URL", "Message", "Interests", "Tags",
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
		"Lever Profile ID", "Full Name", "Email", "Date Added", "Stage", "Archive Reason", "Archive Date",
		"Sources", "Origin", "Tags", "Phone", "Location", "Links", "Referrer", "Resume Filename", "Company",
		"Owner", "Lever Posting URL", "Posting Owner", "Posting Hiring Manager",
		"DateNote-0", "UserNote-0", "IsSecretNote-0", "Note-0",
		"DateNote-1", "UserNote-1", "IsSecretNote-1", "Note-1",
		"DateNote-2", "UserNote-2", "IsSecretNote-2", "Note-2",
		"DateNote-3", "UserNote-3", "IsSecretNote-3", "Note-3",
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

// Filename returns "boothlead-<slug>-<preset>-<YYYY-MM-DD>.<csv|xlsx>", with "-excel" after the
// preset for a CSV with a BOM (the file meant for Excel): a name that says what the file holds,
// is safe in a Content-Disposition header and is accepted by Lever (a-z 0-9 _ -). The slug is
// lowercased and every run of other characters (including non-ASCII letters) becomes one "-";
// it is cut to 60 characters, and an empty result becomes "event". An empty preset means
// generic, an empty format CSV. The date is day as written in day's own location, so pass the
// time in the event's or the user's zone.
func Filename(slug string, p Preset, f Format, bom bool, day time.Time) string {
	s := sanitizeSlug(slug, 60)
	if s == "" {
		s = "event"
	}
	ps := sanitizeSlug(string(p), 30)
	if ps == "" {
		ps = string(Generic)
	}
	ext := string(CSV)
	if f == XLSX {
		ext = string(XLSX)
	} else if bom {
		ps += "-excel"
	}
	return "boothlead-" + s + "-" + ps + "-" + day.Format("2006-01-02") + "." + ext
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

// Reason says why an ATS preset leaves a lead out; Included means it does not.
type Reason int

// The reasons, in the order they are checked: a lead with neither email nor name (an
// unresolved badge scan) counts as without an email.
const (
	Included Reason = iota
	NoEmail
	NoName
	NoContactConsent
)

// Eligible returns why preset p leaves l out, or Included. The generic preset includes every
// lead; the ATS presets need an email address, a name and a contact consent that is granted
// and not withdrawn.
func Eligible(p Preset, l *Lead) Reason {
	switch {
	case !p.ForATS():
		return Included
	case trim(l.Email) == "":
		return NoEmail
	case trim(l.Name) == "":
		return NoName
	case !hasContactConsent(l.Consents):
		return NoContactConsent
	}
	return Included
}

// hasContactConsent reports whether any contact consent is granted and not withdrawn (the same
// test as the database's, models.LeadFilter with Importable).
func hasContactConsent(cs []Consent) bool {
	for _, c := range cs {
		if c.Purpose == purposeContact && c.Granted && c.WithdrawnAt == nil {
			return true
		}
	}
	return false
}

// LeftOut counts the leads an ATS preset left out, by reason.
type LeftOut struct {
	NoEmail, NoName, NoContactConsent int
}

// Total is the number of leads left out.
func (lo LeftOut) Total() int { return lo.NoEmail + lo.NoName + lo.NoContactConsent }

// Add counts one lead left out for r (Included counts nothing).
func (lo *LeftOut) Add(r Reason) {
	switch r {
	case NoEmail:
		lo.NoEmail++
	case NoName:
		lo.NoName++
	case NoContactConsent:
		lo.NoContactConsent++
	}
}

// Reasons says why, in words: "7 without an email address, 5 without a contact consent"; "" when
// nothing was left out.
func (lo LeftOut) Reasons() string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+what)
		}
	}
	add(lo.NoEmail, "without an email address")
	add(lo.NoName, "without a name")
	add(lo.NoContactConsent, "without a contact consent")
	return strings.Join(parts, ", ")
}

// String is the whole sentence: "12 leads left out: 7 without an email address, 5 without a
// contact consent."; "" when nothing was left out.
func (lo LeftOut) String() string {
	n := lo.Total()
	if n == 0 {
		return ""
	}
	noun := "leads"
	if n == 1 {
		noun = "lead"
	}
	return strconv.Itoa(n) + " " + noun + " left out: " + lo.Reasons() + "."
}
