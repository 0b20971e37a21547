package export

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Consent cell values.
const (
	consentYes       = "yes"
	consentNo        = "no"
	consentWithdrawn = "withdrawn"
)

// generic adds the cells of a Generic row; the Generic constant documents them.
func (w *Writer) generic(l *Lead) {
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
func (w *Writer) greenhouse(l *Lead) {
	first, last := SplitName(l.Name)
	if last == "" {
		last = first
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
	w.raw = w.raw[:0]
	if name := trim(l.EventName); name != "" {
		w.raw = append(w.raw, name...)
		w.raw = append(w.raw, " booth"...)
	}
	w.cell()
}

// lever adds the cells of a Lever row; the Lever constant documents them.
func (w *Writer) lever(l *Lead) {
	w.text(l.Name)
	w.text(l.Email)
	w.text(l.Phone)
	w.raw = appendJoined(w.raw[:0], ", ", l.LinkedIn, l.GitHub, l.CVURL)
	w.cell()

	w.raw = w.raw[:0]
	for _, in := range l.Interests {
		w.raw = appendTag(w.raw, "", in)
	}
	if trim(l.Rating) != "" {
		w.raw = appendTag(w.raw, "rating:", l.Rating)
	}
	w.cell()
	w.raw = appendTag(w.raw[:0], "", l.EventName)
	w.cell()
	w.text("Sourced")
	w.text("New Lead")
	w.raw = appendNotes(w.raw[:0], l, w.loc)
	w.cell()
}

// extra adds the cells of the extra columns (the event's questions): one per Options.Columns,
// empty where the lead has no value. Every preset's row ends with them.
func (w *Writer) extra(l *Lead) {
	for i := range w.columns {
		v := ""
		if i < len(l.Extra) {
			v = l.Extra[i]
		}
		w.text(v)
	}
}

// time adds a cell with t in TimeLayout, or an empty cell for the zero time.
func (w *Writer) time(t time.Time) {
	w.raw = appendTime(w.raw[:0], t, w.loc)
	w.cell()
}

// consent adds the status, time and text version cells of one consent record (or three
// empty cells for none).
func (w *Writer) consent(c *Consent) {
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
// rating, the latest follow-up, the interests and the candidate's message (when set), then
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
