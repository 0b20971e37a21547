package export

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// row builds the cells of one record, cleaned (see [Sanitize]) but not neutralised, back to back
// in out; ends[i] is where cell i ends. It is reused from row to row. Both file writers build
// their rows with it, so both end every row with the extra columns.
type row struct {
	loc     *time.Location
	columns []string // headers of the extra columns after the preset's own (Options.Columns)
	out     []byte   // the cells, back to back
	ends    []int    // end offset of each cell in out
	raw     []byte   // the cell being composed, before cleaning
}

// newRow returns the row builder of preset p with options o.
func newRow(p Preset, o Options) row {
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	columns := slices.Clone(o.Columns)
	return row{loc: loc, columns: columns, ends: make([]int, 0, len(headers[p])+len(columns))}
}

// width is the number of cells in each record of preset p.
func (w *row) width(p Preset) int {
	return len(headers[p]) + len(w.columns)
}

// reset empties the row for the next record.
func (w *row) reset() {
	w.out, w.ends = w.out[:0], w.ends[:0]
}

// cellBytes returns cell i of the row.
func (w *row) cellBytes(i int) []byte {
	start := 0
	if i > 0 {
		start = w.ends[i-1]
	}
	return w.out[start:w.ends[i]]
}

// text adds a cell holding s, cleaned.
func (w *row) text(s string) {
	if isClean(s) {
		w.out = append(w.out, s...)
	} else {
		w.out = appendClean(w.out, []byte(s))
	}
	w.ends = append(w.ends, len(w.out))
}

// cell adds the cell composed in raw, cleaned.
func (w *row) cell() {
	if isCleanBytes(w.raw) {
		w.out = append(w.out, w.raw...)
	} else {
		w.out = appendClean(w.out, w.raw)
	}
	w.ends = append(w.ends, len(w.out))
}

// build fills the row with lead l in preset p (a known preset).
func (w *row) build(p Preset, l *Lead) {
	w.reset()
	switch p {
	case Generic:
		w.generic(l)
	case Greenhouse:
		w.greenhouse(l)
	case Lever:
		w.lever(l)
	}
	w.extra(l)
}

// header fills the row with the header of p and the extra columns' headers.
func (w *row) header(p Preset) {
	w.reset()
	for _, h := range headers[p] {
		w.text(h)
	}
	for _, h := range w.columns {
		w.text(h)
	}
}

// Consent cell values.
const (
	consentYes       = "yes"
	consentNo        = "no"
	consentWithdrawn = "withdrawn"
)

// generic adds the cells of a Generic row; the Generic constant documents them.
func (w *row) generic(l *Lead) {
	first, last := SplitName(l.Name)
	w.text(l.ID)
	w.text(l.EventName)
	w.text(first)
	w.text(last)
	w.text(l.Name)
	w.text(l.Email)
	w.text(l.Phone)
	w.text(l.Company)
	w.text(l.Title)
	w.text(l.LinkedIn)
	w.text(l.GitHub)
	w.text(l.CVURL)
	w.text(l.Message)
	w.raw = appendList(w.raw[:0], l.Interests, "; ")
	w.cell()
	w.raw = appendList(w.raw[:0], l.Tags, "; ")
	w.cell()
	w.text(l.Source)
	w.text(l.BadgeCode)
	w.raw = strconv.AppendInt(w.raw[:0], int64(l.VisitCount), 10)
	w.cell()
	w.time(l.FirstSeen)
	w.time(l.LastSeen)
	w.text(l.Rating)
	w.text(l.FollowUp)

	contact := latestConsent(l.Consents, purposeContact)
	pool := latestConsent(l.Consents, purposeTalentPool)
	w.consent(contact)
	w.consent(pool)
	w.raw = w.raw[:0]
	switch {
	case contact == nil && pool == nil:
	case pool == nil || contact != nil && contact.CapturedBy == pool.CapturedBy:
		w.raw = append(w.raw, contact.CapturedBy...)
	case contact == nil:
		w.raw = append(w.raw, pool.CapturedBy...)
	default:
		w.raw = append(w.raw, "contact: "...)
		w.raw = append(w.raw, contact.CapturedBy...)
		w.raw = append(w.raw, "; talent_pool: "...)
		w.raw = append(w.raw, pool.CapturedBy...)
	}
	w.cell()

	w.raw = w.raw[:0]
	for i := range l.Conversations {
		if i > 0 {
			w.raw = append(w.raw, '\n')
		}
		w.raw = appendConversation(w.raw, &l.Conversations[i], w.loc)
	}
	w.cell()
	w.raw = strconv.AppendInt(w.raw[:0], int64(len(l.Conversations)), 10)
	w.cell()
}

// greenhouse adds the cells of a Greenhouse row; the Greenhouse constant documents them.
func (w *row) greenhouse(l *Lead) {
	first, last := SplitName(l.Name)
	if last == "" {
		last = NoLastName
	}
	w.text(first)
	w.text(last)
	w.text(l.Company)
	w.text(l.Title)
	w.text(l.Email)
	w.text(l.Phone)
	w.raw = appendJoined(w.raw[:0], ", ", l.LinkedIn, l.GitHub, "")
	w.cell()
	w.text(l.CVURL)
	w.raw = appendNotes(w.raw[:0], l, w.loc)
	w.cell()
	w.raw = appendOneLine(w.raw[:0], trim(l.EventName))
	w.cell()
}

// lever adds the cells of a Lever row; the Lever constant documents them.
func (w *row) lever(l *Lead) {
	w.text("") // Lever Profile ID: a new profile
	w.text(l.Name)
	w.text(l.Email)
	w.raw = appendRFC3339(w.raw[:0], l.FirstSeen)
	w.cell()           // Date Added
	w.text("New Lead") // Stage
	w.text("")         // Archive Reason
	w.text("")         // Archive Date
	w.raw = appendTag(w.raw[:0], "", l.EventName)
	w.cell()          // Sources
	w.text("Sourced") // Origin
	w.raw = w.raw[:0]
	for _, in := range l.Interests {
		w.raw = appendTag(w.raw, "", in)
	}
	for _, tag := range l.Tags {
		w.raw = appendTag(w.raw, "", tag)
	}
	if trim(l.Rating) != "" {
		w.raw = appendTag(w.raw, "rating:", l.Rating)
	}
	w.cell() // Tags
	w.text(l.Phone)
	w.text("") // Location
	w.raw = appendJoined(w.raw[:0], ", ", l.LinkedIn, l.GitHub, l.CVURL)
	w.cell()   // Links
	w.text("") // Referrer
	w.text("") // Resume Filename
	w.text(l.Company)
	for range 4 { // Owner, Lever Posting URL, Posting Owner, Posting Hiring Manager
		w.text("")
	}
	w.raw = appendRFC3339(w.raw[:0], l.FirstSeen)
	w.cell()   // DateNote-0
	w.text("") // UserNote-0: the notes of several people
	w.text("") // IsSecretNote-0
	w.raw = appendNotes(w.raw[:0], l, w.loc)
	w.cell()          // Note-0
	for range 3 * 4 { // notes 1 to 3
		w.text("")
	}
}

// appendRFC3339 appends t in UTC as RFC 3339 to the second; nothing for the zero time.
func appendRFC3339(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	return t.UTC().AppendFormat(b, "2006-01-02T15:04:05Z")
}

// extra adds the cells of the extra columns (the event's questions): one per Options.Columns,
// empty where the lead has no value. Every preset's row ends with them.
func (w *row) extra(l *Lead) {
	for i := range w.columns {
		v := ""
		if i < len(l.Extra) {
			v = l.Extra[i]
		}
		w.text(v)
	}
}

// time adds a cell with t in TimeLayout, or an empty cell for the zero time.
func (w *row) time(t time.Time) {
	w.raw = appendTime(w.raw[:0], t, w.loc)
	w.cell()
}

// consent adds the status, time and text version cells of one consent record (or three
// empty cells for none).
func (w *row) consent(c *Consent) {
	if c == nil {
		w.text("")
		w.text("")
		w.text("")
		return
	}
	switch {
	case c.WithdrawnAt != nil:
		w.text(consentWithdrawn)
	case c.Granted:
		w.text(consentYes)
	default:
		w.text(consentNo)
	}
	w.time(c.At)
	w.raw = strconv.AppendInt(w.raw[:0], int64(c.TextVersion), 10)
	w.cell()
}

// latestConsent returns the consent for purpose with the latest At (the later one in the
// slice on a tie), or nil.
func latestConsent(cs []Consent, purpose string) *Consent {
	var latest *Consent
	for i := range cs {
		c := &cs[i]
		if c.Purpose == purpose && (latest == nil || !c.At.Before(latest.At)) {
			latest = c
		}
	}
	return latest
}

// appendNotes appends the Notes cell of the ATS presets: one labelled line each for the
// rating, the latest follow-up, the interests, the tags and the candidate's message (when set), then
// "Conversations:" and every conversation as in the Generic preset.
func appendNotes(b []byte, l *Lead, loc *time.Location) []byte {
	start := len(b)
	line := func(b []byte, label string) []byte {
		if len(b) > start {
			b = append(b, '\n')
		}
		return append(b, label...)
	}
	if r := trim(l.Rating); r != "" {
		b = appendOneLine(line(b, "Rating: "), r)
	}
	if f := trim(l.FollowUp); f != "" {
		b = appendIndented(line(b, "Follow-up: "), f)
	}
	if hasText(l.Interests) {
		b = appendList(line(b, "Interests: "), l.Interests, "; ")
	}
	if hasText(l.Tags) {
		b = appendList(line(b, "Tags: "), l.Tags, "; ")
	}
	if m := trim(l.Message); m != "" {
		b = appendIndented(line(b, "Message: "), m)
	}
	if len(l.Conversations) > 0 {
		b = line(b, "Conversations:")
		for i := range l.Conversations {
			b = appendConversation(append(b, '\n'), &l.Conversations[i], loc)
		}
	}
	return b
}

// appendConversation appends "2026-05-12 14:03 Staff Name [hot]: notes", leaving out
// whatever is empty, with continuation lines of the notes and a "Follow-up: …" line
// indented by two spaces.
func appendConversation(b []byte, c *Conversation, loc *time.Location) []byte {
	start := len(b)
	sep := func(b []byte, s string) []byte {
		if len(b) > start {
			b = append(b, s...)
		}
		return b
	}
	b = appendTime(b, c.At, loc)
	if s := trim(c.Staff); s != "" {
		b = appendOneLine(sep(b, " "), s)
	}
	if r := trim(c.Rating); r != "" {
		b = append(sep(b, " "), '[')
		b = append(appendOneLine(b, r), ']')
	}
	if n := trim(c.Notes); n != "" {
		b = appendIndented(sep(b, ": "), n)
	}
	if f := trim(c.FollowUp); f != "" {
		b = append(sep(b, "\n  "), "Follow-up: "...)
		b = appendIndented(b, f)
	}
	return b
}

// appendTime appends t in TimeLayout in loc; nothing for the zero time.
func appendTime(b []byte, t time.Time, loc *time.Location) []byte {
	if t.IsZero() {
		return b
	}
	return t.In(loc).AppendFormat(b, TimeLayout)
}

// appendIndented appends s with every line break (LF, CRLF or CR) followed by two spaces,
// so continuation lines stand out from the lines that start a new entry. Blank lines stay
// blank.
func appendIndented(b []byte, s string) []byte {
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
		b = append(b, '\n')
		if len(s) > 0 && s[0] != '\n' && s[0] != '\r' {
			b = append(b, "  "...)
		}
	}
	return b
}

// appendOneLine appends s with each run of line breaks replaced by one space, for parts of
// a line (names, ratings) that must not break it.
func appendOneLine(b []byte, s string) []byte {
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		s = strings.TrimLeft(s[i:], "\r\n")
		b = append(b, ' ')
	}
	return b
}

// appendList appends the trimmed, non-empty items joined by sep.
func appendList(b []byte, items []string, sep string) []byte {
	start := len(b)
	for _, it := range items {
		it = trim(it)
		if it == "" {
			continue
		}
		if len(b) > start {
			b = append(b, sep...)
		}
		b = appendOneLine(b, it)
	}
	return b
}

// appendJoined appends the trimmed, non-empty values among a, b2 and c joined by sep.
func appendJoined(b []byte, sep, a, b2, c string) []byte {
	start := len(b)
	for _, v := range [...]string{a, b2, c} {
		v = trim(v)
		if v == "" {
			continue
		}
		if len(b) > start {
			b = append(b, sep...)
		}
		b = appendOneLine(b, v)
	}
	return b
}

// appendTag appends prefix+s as one Lever tag (or source), after a "," if b already holds
// one. Commas and whitespace runs in s become a single space, since Lever splits on ",";
// an empty s adds nothing.
func appendTag(b []byte, prefix, s string) []byte {
	s = strings.TrimFunc(s, func(r rune) bool { return r == ',' || isInvisible(r) })
	if s == "" {
		return b
	}
	if len(b) > 0 {
		b = append(b, ',')
	}
	b = append(b, prefix...)
	space := false
	for _, r := range s {
		if isTagSpace(r) {
			space = true
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = utf8.AppendRune(b, r)
	}
	return b
}

// isTagSpace reports whether r separates words in a tag: whitespace, a control character
// or a comma.
func isTagSpace(r rune) bool {
	return r == ',' || unicode.IsSpace(r) || unicode.IsControl(r)
}

// trim removes leading and trailing whitespace, control and format characters, so that a
// value made only of those counts as empty in a composed cell.
func trim(s string) string {
	return strings.TrimFunc(s, isInvisible)
}

// hasText reports whether any item is more than whitespace.
func hasText(items []string) bool {
	for _, it := range items {
		if trim(it) != "" {
			return true
		}
	}
	return false
}
