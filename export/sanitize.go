package export

import (
	"unicode"
	"unicode/utf8"
)

// Neutralize returns cell made safe for spreadsheets (OWASP CSV injection, ASVS 1.2.10):
// if its first significant rune is one of = + - @ or it starts with TAB, CR, LF or NUL,
// the cell is prefixed with a single quote '.
//
// "First significant" means after any leading whitespace, control characters (C0, DEL,
// C1) and invisible format characters (Unicode Cf: zero-width spaces, BOM, bidi marks such
// as U+200F), because a spreadsheet may drop those and a reader cannot see them. A TAB, CR,
// LF or NUL anywhere in that leading run counts as a trigger too. Everything else is
// returned unchanged, so Neutralize(Neutralize(s)) == Neutralize(s).
//
// The visible cost: the quote becomes part of the value, so phone numbers such as
// "+49 170 …", negative numbers and "@handles" arrive as "'+49 170 …" in a spreadsheet or
// an ATS; recruiters should know. Quoting (",", '"', line breaks) is left to encoding/csv.
func Neutralize(cell string) string {
	for _, r := range cell {
		if isTrigger(r) {
			return "'" + cell
		}
		if !isInvisible(r) {
			break
		}
	}
	return cell
}

// Sanitize returns exactly what the Writer puts in a cell for the text cell: [Neutralize]
// first, then the cleaning that keeps a CSV cell plain text:
//   - CRLF and lone CR become LF (encoding/csv writes LF inside a quoted cell as CRLF);
//   - NUL and the other C0 control characters except TAB and LF are removed;
//   - invalid UTF-8 bytes become U+FFFD, so the file is always valid UTF-8.
//
// Because neutralising looks through control characters, removing them afterwards can
// never bring a formula character to the front: a sanitized cell never starts (after
// invisible characters) with = + - @ TAB CR LF or NUL unless it starts with '.
func Sanitize(cell string) string {
	if !needsPrefix(cell) && isClean(cell) {
		return cell
	}
	return string(appendCell(make([]byte, 0, len(cell)+1), []byte(cell)))
}

// isTrigger reports whether a cell starting with r may be taken as a formula, or moves
// the spreadsheet cursor (TAB, CR, LF) or truncates the cell (NUL).
func isTrigger(r rune) bool {
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '\n', 0:
		return true
	}
	return false
}

// isInvisible reports whether r may come before a formula character without being seen:
// whitespace, control and format characters.
func isInvisible(r rune) bool {
	if r < utf8.RuneSelf {
		return r <= ' ' || r == 0x7f
	}
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// needsPrefix reports whether [Neutralize] would prefix s.
func needsPrefix(s string) bool {
	for _, r := range s {
		if isTrigger(r) {
			return true
		}
		if !isInvisible(r) {
			return false
		}
	}
	return false
}

// needsPrefixBytes is [needsPrefix] for a byte slice.
func needsPrefixBytes(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if isTrigger(r) {
			return true
		}
		if !isInvisible(r) {
			return false
		}
		b = b[size:]
	}
	return false
}

// isClean reports whether appendClean would copy s unchanged.
func isClean(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' && c != '\t' && c != '\n' {
			return false
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	return ascii || utf8.ValidString(s)
}

// appendCell appends raw to dst as a sanitized cell (see [Sanitize]).
func appendCell(dst, raw []byte) []byte {
	if needsPrefixBytes(raw) {
		dst = append(dst, '\'')
	}
	return appendClean(dst, raw)
}

// appendClean appends src to dst with line breaks normalised to LF, the other C0 controls
// except TAB removed and invalid UTF-8 replaced by U+FFFD.
func appendClean(dst, src []byte) []byte {
	run := 0 // start of the pending run of bytes to copy verbatim
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c >= ' ' && c < utf8.RuneSelf, c == '\t', c == '\n':
			i++
			continue
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(src[i:])
			if r != utf8.RuneError || size > 1 {
				i += size
				continue
			}
			dst = append(dst, src[run:i]...)
			dst = utf8.AppendRune(dst, utf8.RuneError)
		case c == '\r':
			dst = append(dst, src[run:i]...)
			dst = append(dst, '\n')
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
		default: // other C0 control: drop
			dst = append(dst, src[run:i]...)
		}
		i++
		run = i
	}
	return append(dst, src[run:]...)
}
