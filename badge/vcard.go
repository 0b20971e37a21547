package badge

import (
	"strings"
)

// vcardFields collects the first value of each property Parse uses.
type vcardFields struct {
	fn, email, tel, org, title, note string
	n                                []string
	urls                             []string
}

// parseVCard reads a vCard 2.1, 3.0 or 4.0. It accepts LF, CRLF and CR line ends, unfolds
// continuation lines, ignores groups and parameters (except ENCODING=QUOTED-PRINTABLE, which
// vCard 2.1 phone exports use for non-ASCII names and which is decoded; CHARSET is not: the
// decoded bytes are taken as UTF-8). A missing END:VCARD is tolerated.
func parseVCard(s string) (Result, bool) {
	lines := vcardLines(s)
	if len(lines) == 0 || !strings.EqualFold(strings.TrimSpace(lines[0]), "BEGIN:VCARD") {
		return Result{}, false
	}
	var f vcardFields
	for i := 1; i < len(lines); i++ {
		name, params, value, ok := splitContentLine(lines[i])
		if !ok {
			continue
		}
		if name == "END" && strings.EqualFold(strings.TrimSpace(value), "VCARD") {
			break
		}
		if strings.Contains(strings.ToUpper(params), "QUOTED-PRINTABLE") {
			// A soft line break (a trailing "=") continues the value on the next line.
			var b strings.Builder
			for strings.HasSuffix(value, "=") && i+1 < len(lines) {
				b.WriteString(value[:len(value)-1])
				i++
				value = lines[i]
			}
			b.WriteString(value)
			value = decodeQP(b.String())
		}
		f.add(name, value)
	}
	return f.result(), true
}

// add keeps the first non-empty value of each property; for EMAIL, the first value that looks
// like an address (a "mailto:" prefix is dropped).
func (f *vcardFields) add(name, value string) {
	first := func(dst *string, v string) {
		if *dst == "" {
			*dst = strings.TrimSpace(v)
		}
	}
	switch name {
	case "FN":
		first(&f.fn, unescape(value))
	case "N":
		if f.n == nil {
			f.n = splitUnescape(value, ';')
		}
	case "EMAIL":
		if f.email == "" {
			f.email = emailValue(unescape(value))
		}
	case "TEL":
		v := strings.TrimSpace(unescape(value))
		first(&f.tel, trimPrefixFold(v, "tel:"))
	case "ORG":
		first(&f.org, unescape(splitEscaped(value, ';')[0]))
	case "TITLE":
		first(&f.title, unescape(value))
	case "NOTE":
		first(&f.note, unescape(value))
	case "URL", "X-SOCIALPROFILE":
		f.urls = append(f.urls, unescape(value))
	}
}

func (f *vcardFields) result() Result {
	r := Result{
		Kind:    KindVCard,
		Name:    f.fn,
		Email:   f.email,
		Phone:   f.tel,
		Company: f.org,
		Title:   f.title,
		Note:    f.note,
	}
	r.GivenName, r.FamilyName = splitN(f.n, f.fn)
	for _, u := range f.urls {
		r.addURL(u)
	}
	return r
}

// splitN decides which part of N is the given name. RFC 6350 says Family;Given, but docstamp
// (EuroPython badges) writes Given;Family. With FN present: FN starting with part 1 means RFC
// order, FN starting with part 0 means given first — unless part 0 is Chinese, Japanese or
// Korean, whose FN is written family name first. Without FN, RFC order is assumed.
func splitN(n []string, fn string) (given, family string) {
	var p0, p1 string
	if len(n) > 0 {
		p0 = n[0]
	}
	if len(n) > 1 {
		p1 = n[1]
	}
	switch {
	case fn == "":
	case p1 != "" && hasPrefixFold(fn, p1):
	case p0 != "" && hasPrefixFold(fn, p0) && !isCJK(p0):
		return p0, p1
	}
	return p1, p0
}

// vcardLines splits s into logical lines: line ends normalised, folded lines joined.
func vcardLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var lines []string
	var cur strings.Builder
	for i, l := range strings.Split(s, "\n") {
		if i > 0 && l != "" && (l[0] == ' ' || l[0] == '\t') {
			cur.WriteString(l[1:])
			continue
		}
		if i > 0 {
			lines = append(lines, cur.String())
		}
		cur.Reset()
		cur.WriteString(l)
	}
	return append(lines, cur.String())
}

// splitContentLine splits "group.NAME;param=x:value" into the upper-cased NAME without its
// group, the raw parameters and the value. The first colon outside double quotes ends the
// parameters.
func splitContentLine(line string) (name, params, value string, ok bool) {
	quoted := false
	colon := -1
	for i := 0; i < len(line) && colon < 0; i++ {
		switch line[i] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				colon = i
			}
		}
	}
	if colon < 0 {
		return "", "", "", false
	}
	head, value := line[:colon], line[colon+1:]
	name, params, _ = strings.Cut(head, ";")
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		name = name[dot+1:]
	}
	name = strings.ToUpper(strings.TrimSpace(name))
	return name, params, value, name != ""
}

// splitUnescape splits s at unescaped sep and unescapes and trims each part.
func splitUnescape(s string, sep byte) []string {
	parts := splitEscaped(s, sep)
	for i, p := range parts {
		parts[i] = strings.TrimSpace(unescape(p))
	}
	return parts
}

// decodeQP decodes quoted-printable text leniently: "=XY" with two hex digits becomes that
// byte, anything else stays as written.
func decodeQP(s string) string {
	if !strings.Contains(s, "=") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// trimPrefixFold removes prefix from s, ignoring case.
func trimPrefixFold(s, prefix string) string {
	if hasPrefixFold(s, prefix) {
		return s[len(prefix):]
	}
	return s
}
