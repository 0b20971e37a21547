package models

import (
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// cleanText trims s and checks it is printable text of at most max characters. Any script is
// welcome; control characters are refused, except line breaks and tabs when multiline.
func cleanText(e errs, field, label, s string, max int, required, multiline bool) string {
	if !utf8.ValidString(s) {
		e.problem(field, label+" contains characters we cannot read.", Problem{ID: "err.unreadable"})
		return s
	}
	s = strings.TrimSpace(s)
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	switch {
	case s == "" && required:
		e.problem(field, label+" is required.", Problem{ID: "err.required"})
	case utf8.RuneCountInString(s) > max:
		e.problem(field, label+" is too long (at most "+strconv.Itoa(max)+" characters).", Problem{ID: "err.too_long", Max: max})
	case hasControl(s, multiline):
		e.problem(field, label+" contains control characters; please use plain text.", Problem{ID: "err.control"})
	}
	return s
}

func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

// cleanEmail trims and checks an email address; it is kept as typed (case included).
func cleanEmail(e errs, field, s string, required bool) string {
	s = cleanText(e, field, "Email", s, 254, required, false)
	if s == "" || e.has(field) {
		return s
	}
	if !validEmail(s) {
		e.problem(field, "Enter an email address like name@example.com.", Problem{ID: "err.email"})
	}
	return s
}

func validEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || strings.ContainsAny(s, " <>\"(),;:\\[]") {
		return false
	}
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.Contains(domain, "..") || len(s[:at]) > 64 {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

// cleanURL trims and checks an optional http or https URL.
func cleanURL(e errs, field, label, s string) string {
	s = cleanText(e, field, label, s, 500, false, false)
	if s == "" || e.has(field) {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		e.problem(field, label+" must be a web address starting with https:// (or http://).", Problem{ID: "err.url"})
	}
	return s
}

// storable makes text from outside (a header, a scanner) fit a Postgres text column, which
// holds neither NUL nor invalid UTF-8: bad bytes become U+FFFD and NUL is dropped. For text a
// person typed, validate instead (cleanText), so they see what was wrong.
func storable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// Storable reports whether s can be stored in a Postgres text column as it is (valid UTF-8,
// no NUL).
func Storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
