package badge

import "strings"

// parseMeCard reads MECARD:N:Last,First;TEL:…;EMAIL:…;ORG:…;URL:…;NOTE:…;; with tags in any
// case and \; \: \, \\ escapes. The closing ";;" may be missing. Of each tag the first
// non-empty value wins. ORG and TITLE are not in DoCoMo's list but ZXing and others write them.
func parseMeCard(s string) (Result, bool) {
	if !hasPrefixFold(s, "MECARD:") {
		return Result{}, false
	}
	r := Result{Kind: KindMeCard}
	first := func(dst *string, v string) {
		if *dst == "" {
			*dst = strings.TrimSpace(unescape(v))
		}
	}
	var nameSeen bool
	for _, field := range splitEscaped(s[len("MECARD:"):], ';') {
		tag, value, ok := strings.Cut(field, ":")
		if !ok {
			continue
		}
		switch strings.ToUpper(strings.TrimSpace(tag)) {
		case "N":
			if !nameSeen {
				nameSeen = true
				r.setMeCardName(value)
			}
		case "TEL":
			first(&r.Phone, value)
		case "EMAIL":
			if r.Email == "" {
				r.Email = emailValue(unescape(value))
			}
		case "ORG":
			first(&r.Company, value)
		case "TITLE":
			first(&r.Title, value)
		case "NOTE":
			first(&r.Note, value)
		case "URL":
			r.addURL(unescape(value))
		}
	}
	return r, true
}

// setMeCardName reads N:Last,First. Without a comma the whole value is the display name and
// no given or family name is guessed.
func (r *Result) setMeCardName(v string) {
	parts := splitUnescape(v, ',')
	if len(parts) < 2 {
		r.Name = parts[0]
		return
	}
	r.FamilyName, r.GivenName = parts[0], parts[1]
}
