package badge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sanitize makes every output field valid UTF-8 without control characters.
func (r *Result) sanitize() {
	for _, f := range []*string{
		&r.PersonalToken, &r.BadgeID, &r.Name, &r.GivenName, &r.FamilyName, &r.Email, &r.Phone,
		&r.Company, &r.Title, &r.LinkedIn, &r.GitHub, &r.Website, &r.Note,
	} {
		*f = clean(*f)
	}
}

// clean replaces invalid UTF-8 with U+FFFD, turns line breaks, tabs and other whitespace control
// characters into one space, drops the remaining control characters and trims the result.
// Line and paragraph separators (U+2028, U+2029) count as line breaks.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, isBadRune) < 0 {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	// A replaced line break never yields two spaces in a row ("a\n b" and "a \nb" give "a b").
	prevSpace, prevBreak := false, false
	for _, r := range s {
		switch {
		case isBadRune(r) && unicode.IsSpace(r):
			if !prevSpace {
				b.WriteByte(' ')
			}
			prevSpace, prevBreak = true, true
		case isBadRune(r):
			// dropped
		case r == ' ' && prevBreak:
			// already written
		default:
			b.WriteRune(r)
			prevSpace, prevBreak = r == ' ', false
		}
	}
	return strings.TrimSpace(b.String())
}

func isBadRune(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// splitEscaped splits s at each sep not preceded by a backslash escape. The parts keep their
// escapes; unescape them afterwards.
func splitEscaped(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // skip the escaped byte
		case sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// unescape resolves the backslash escapes of vCard and MeCard text: \, \; \: \\ and \n or \N
// (a line break). Any other backslash is kept as written.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch n := s[i+1]; n {
		case ',', ';', ':', '\\':
			b.WriteByte(n)
			i++
		case 'n', 'N':
			b.WriteByte('\n')
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// buildName joins given and family names for display: "Given Family", except when both are
// written in a script whose names are shown family name first without a space (Chinese,
// Japanese, Korean), which gives "FamilyGiven".
func buildName(given, family string) string {
	given, family = strings.TrimSpace(given), strings.TrimSpace(family)
	if isCJK(given) && isCJK(family) {
		return family + given
	}
	return strings.TrimSpace(given + " " + family)
}

// isCJK reports whether s starts with a Han, Hangul, Hiragana or Katakana letter.
func isCJK(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana)
}
