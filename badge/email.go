package badge

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// parseMailto reads mailto:addr[?subject=…]. The address is percent-decoded; of several
// comma-separated addresses the first is kept.
func parseMailto(s string) (Result, bool) {
	if !hasPrefixFold(s, "mailto:") {
		return Result{}, false
	}
	addr, _, _ := strings.Cut(s[len("mailto:"):], "?")
	if dec, err := url.PathUnescape(addr); err == nil {
		addr = dec
	}
	addr, _, _ = strings.Cut(addr, ",")
	addr = strings.TrimSpace(addr)
	if !looksLikeEmail(addr) {
		return Result{}, false
	}
	return Result{Kind: KindEmail, Email: addr}, true
}

// parseBareEmail accepts a scan that is just an email address.
func parseBareEmail(s string) (Result, bool) {
	if !looksLikeEmail(s) {
		return Result{}, false
	}
	return Result{Kind: KindEmail, Email: s}, true
}

// emailValue returns the address in a vCard or MeCard EMAIL value, or "" when it is not one.
func emailValue(v string) string {
	v = strings.TrimSpace(trimPrefixFold(strings.TrimSpace(v), "mailto:"))
	if !looksLikeEmail(v) {
		return ""
	}
	return v
}

// looksLikeEmail reports whether s has the shape local@domain.tld: valid UTF-8 of at most 254
// bytes, one @, no whitespace, control characters or the punctuation that never appears
// unquoted in an address, and a domain with a dot that neither starts nor ends it. Non-ASCII
// letters are allowed (internationalised addresses).
func looksLikeEmail(s string) bool {
	if len(s) > 254 || !utf8.ValidString(s) || strings.Count(s, "@") != 1 {
		return false
	}
	if strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || isBadRune(r) || strings.ContainsRune(`<>()[]\,;:"/`, r)
	}) {
		return false
	}
	local, domain, _ := strings.Cut(s, "@")
	return local != "" && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") &&
		!strings.HasSuffix(domain, ".") && !strings.Contains(domain, "..")
}
