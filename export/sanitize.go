package export

import (
	"unicode"
	"unicode/utf8"
)

// Neutralize returns cell with a single quote ' inserted in front of every formula start the
// package comment's rule finds (see "The neutralising rule"), and unchanged otherwise. It only
// inserts: removing the quotes it added gives cell back, and Neutralize(Neutralize(s)) ==
// Neutralize(s). It does not clean control characters; [Sanitize] does both, in the order the
// CSV writer uses.
func Neutralize(cell string) string {
	var pts [8]int
	at := insertPoints(cell, pts[:0])
	if len(at) == 0 {
		return cell
	}
	return string(insertQuotes(make([]byte, 0, len(cell)+len(at)), []byte(cell), at))
}

// Sanitize returns exactly the text the CSV writer puts in a cell for the value cell (before
// RFC 4180 quoting): first the cleaning that keeps a cell plain text, then [Neutralize].
// Cleaning turns CRLF and lone CR into LF, removes NUL and the other C0 control characters
// except TAB and LF, and replaces invalid UTF-8 by U+FFFD, so the file is always valid UTF-8.
// Neutralising what is left guarantees that no control character removed later can bring a
// formula character to the front.
func Sanitize(cell string) string {
	if isClean(cell) && !needsQuote(cell) {
		return cell
	}
	clean := appendClean(make([]byte, 0, len(cell)), []byte(cell))
	var pts [8]int
	at := insertPoints(clean, pts[:0])
	if len(at) == 0 {
		return string(clean)
	}
	return string(insertQuotes(make([]byte, 0, len(clean)+len(at)), clean, at))
}

// needsQuote reports whether Neutralize would change s.
func needsQuote(s string) bool {
	var pts [8]int
	return len(insertPoints(s, pts[:0])) > 0
}

// insertQuotes appends src to dst with a ' inserted before each offset in at (ascending).
func insertQuotes(dst, src []byte, at []int) []byte {
	prev := 0
	for _, i := range at {
		dst = append(dst, src[prev:i]...)
		dst = append(dst, '\'')
		prev = i
	}
	return append(dst, src[prev:]...)
}

// insertPoints appends to dst the byte offsets of cell where a ' must be inserted: before the
// formula character of the cell's start and of every segment after an embedded separator or
// line break that starts a formula (the rule of the package comment).
func insertPoints[T text](cell T, dst []int) []int {
	first := len(dst)
	if i, ok := formulaAt(cell, 0, true); ok {
		dst = append(dst, i)
	}
	for i := 0; i < len(cell); i++ {
		if isSeparator(cell[i]) {
			// A segment after a TAB or line break at the cell's start may end where the cell
			// start's own look-ahead ended: one quote is enough.
			if j, ok := formulaAt(cell, i+1, false); ok && (len(dst) == first || dst[len(dst)-1] < j) {
				dst = append(dst, j)
			}
		}
	}
	return dst
}

// isSeparator reports whether c ends a cell in some reading of a CSV file: the three separators
// spreadsheets offer (comma, semicolon, TAB) and line breaks.
func isSeparator(c byte) bool {
	return c == ',' || c == ';' || c == '\t' || c == '\n' || c == '\r'
}

// formulaAt reports whether the segment of cell that starts at offset from starts a formula, and
// where its formula character is. A segment starts a formula when its first visible character
// (after whitespace, control and invisible format characters and double quotes, which a
// spreadsheet may drop or take as the opening quote of a field) is = + - or @ and the segment is
// not inert. Whole is true for the start of the cell, which spreadsheets read as one value: it
// is inert when the whole value is a number, a phone number or an email address. An embedded
// segment (up to the next separator) is read as a cell only by a reader that splits inside our
// quotes; it is inert unless it starts with = or can call something: a function call or DDE
// needs a ( or a |.
func formulaAt[T text](cell T, from int, whole bool) (int, bool) {
	i := from
	for i < len(cell) {
		r, size := decodeRune(cell[i:])
		if r == '"' || isInvisible(r) && (whole || !isSeparatorRune(r)) {
			i += size
			continue
		}
		break
	}
	if i >= len(cell) {
		return 0, false
	}
	switch cell[i] {
	case '=':
		return i, true
	case '+', '-', '@':
	default:
		return 0, false
	}
	if whole {
		rest := trimRightSpace(cell[i:])
		return i, !isNumberLike(rest) && !isEmailLike(rest) && !isSigns(rest)
	}
	end := i
	for end < len(cell) && !isSeparator(cell[end]) {
		end++
	}
	for j := i; j < end; j++ {
		if cell[j] == '(' || cell[j] == '|' {
			return i, true
		}
	}
	return 0, false
}

// isSeparatorRune is isSeparator for the whitespace runes that are also separators.
func isSeparatorRune(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r'
}

// trimRightSpace removes trailing Unicode whitespace.
func trimRightSpace[T text](b T) T {
	for len(b) > 0 {
		c := b[len(b)-1]
		if c < utf8.RuneSelf {
			if !unicode.IsSpace(rune(c)) {
				break
			}
			b = b[:len(b)-1]
			continue
		}
		i := len(b) - 1
		for i > 0 && i > len(b)-utf8.UTFMax && !utf8.RuneStart(b[i]) {
			i--
		}
		r, size := decodeRune(b[i:])
		if i+size != len(b) || !unicode.IsSpace(r) { // an invalid byte is no space
			break
		}
		b = b[:i]
	}
	return b
}

// text is what the rule's scanners read: a cell as a string or as bytes.
type text interface{ ~string | ~[]byte }

// decodeRune is utf8.DecodeRune for either kind of text, without allocating.
func decodeRune[T text](s T) (rune, int) {
	if len(s) == 0 {
		return utf8.RuneError, 0
	}
	if s[0] < utf8.RuneSelf {
		return rune(s[0]), 1
	}
	var buf [utf8.UTFMax]byte
	n := copy(buf[:], s)
	return utf8.DecodeRune(buf[:n])
}

// isNumberLike reports whether b is a number or a phone number as people write them: an
// optional + or -, then digits, spaces, parentheses, dots, dashes and slashes, with at least one
// digit ("+49 170 1234567", "-1", "+1 (555) 123-4567", "+49 (0)30/1234-56"). Without a letter
// nothing in it can name a function, a cell or a DDE server.
func isNumberLike[T text](b T) bool {
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		b = b[1:]
	}
	digit := false
	for len(b) > 0 {
		r, size := decodeRune(b)
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r == '(' || r == ')' || r == '.' || r == '-' || r == '/' || unicode.Is(unicode.Zs, r):
		default:
			return false
		}
		b = b[size:]
	}
	return digit
}

// isSigns reports whether b is only + and - signs ("-", "+", "--"): a formula of nothing.
func isSigns[T text](b T) bool {
	for i := 0; i < len(b); i++ {
		if c := b[i]; c != '+' && c != '-' {
			return false
		}
	}
	return len(b) > 0
}

// isEmailLike reports whether b is an email address of the plain shape people type: a local part
// of letters, digits and . _ % + - that ends in a letter, digit or _, one @, and a domain of at
// least two dot-separated labels of letters, digits and inner dashes (any script, so
// internationalised addresses count). Such a value has no parenthesis, quote, | or ! and so can
// neither call a function nor reach a DDE server, and the @ right after an operand makes it
// invalid as a formula.
func isEmailLike[T text](b T) bool {
	at := -1
	for i := 0; i < len(b); i++ {
		if b[i] == '@' {
			if at >= 0 {
				return false
			}
			at = i
		}
	}
	if at <= 0 || at == len(b)-1 {
		return false
	}
	local, domain := b[:at], b[at+1:]
	var last rune
	for len(local) > 0 {
		r, size := decodeRune(local)
		if !isWordRune(r) && r != '.' && r != '%' && r != '+' && r != '-' {
			return false
		}
		last = r
		local = local[size:]
	}
	if !isWordRune(last) {
		return false
	}
	labels := 0
	for len(domain) > 0 {
		end := 0
		for end < len(domain) && domain[end] != '.' {
			end++
		}
		label := domain[:end]
		if len(label) == 0 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for len(label) > 0 {
			r, size := decodeRune(label)
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && !unicode.Is(unicode.Mn, r) {
				return false
			}
			label = label[size:]
		}
		labels++
		if end == len(domain) {
			break
		}
		domain = domain[end+1:]
		if len(domain) == 0 {
			return false
		}
	}
	return labels >= 2
}

// isWordRune reports whether r is a letter, a digit or _.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isInvisible reports whether r may come before a formula character without being seen:
// whitespace, control and format characters.
func isInvisible(r rune) bool {
	if r < utf8.RuneSelf {
		return r <= ' ' || r == 0x7f
	}
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
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

// isCleanBytes is isClean for a byte slice.
func isCleanBytes(b []byte) bool {
	ascii := true
	for _, c := range b {
		if c < ' ' && c != '\t' && c != '\n' {
			return false
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	return ascii || utf8.Valid(b)
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
