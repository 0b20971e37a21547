// Package badge classifies and parses the text of a scanned QR code: a candidate's personal
// Boothlead QR, a conference badge (vCard, MeCard, Devoxx, LinkedIn URL, mailto or plain email)
// or an opaque ticket code that only the organiser can resolve. It is pure: no I/O and no
// mutable state.
package badge

import (
	"strings"
	"unicode"
)

// maxParse bounds the work: bytes beyond it are ignored for parsing (Result.Raw keeps them).
const maxParse = 8 << 10

// Kind says what a scanned text turned out to be.
type Kind string

// The kinds of scanned text Parse tells apart.
const (
	KindPersonal Kind = "personal" // a candidate's personal QR: BaseURL + "/p/" + token
	KindVCard    Kind = "vcard"    // BEGIN:VCARD … END:VCARD (2.1 lightly, 3.0, 4.0)
	KindMeCard   Kind = "mecard"   // MECARD:N:Last,First;EMAIL:…;;
	KindLinkedIn Kind = "linkedin" // a LinkedIn profile URL
	KindEmail    Kind = "email"    // mailto: link or a plain email address
	KindDevoxx   Kind = "devoxx"   // ID::last::first::company::email
	KindURL      Kind = "url"      // any other http(s) URL (GitHub profile, personal site)
	KindOpaque   Kind = "opaque"   // anything else: a ticket or badge id only the organiser can resolve
)

// Result is what a scan says about a person. Empty strings mean "not given".
// Every field except Raw is valid UTF-8 without control characters.
type Result struct {
	Kind          Kind
	Raw           string // the input exactly as received, never modified
	PersonalToken string // KindPersonal only
	BadgeID       string // KindDevoxx only: the organiser's attendee id (first field)
	Name          string // display name: FN when present, else built from N / given+family
	GivenName     string
	FamilyName    string
	Email         string // trimmed, as written (no lowercasing)
	Phone         string
	Company       string
	Title         string
	LinkedIn      string // normalised: https://www.linkedin.com/in/<slug> (lowercased slug, no query, no trailing slash)
	GitHub        string // https://github.com/<user> when a URL points at a GitHub profile
	Website       string // any other http(s) URL found (vCard URL, MeCard URL)
	Note          string
}

// Parse classifies raw and extracts what it can. baseURL is the app's absolute base URL
// (e.g. "https://jobs.example.com"); a personal QR is baseURL + "/p/" + token where token is
// 16–64 characters of [A-Za-z0-9_-]. Parse never fails: unknown text is KindOpaque.
func Parse(raw, baseURL string) Result {
	s := strings.TrimLeftFunc(raw, isEdge)
	if len(s) > maxParse {
		s = s[:maxParse]
	}
	s = strings.TrimRightFunc(s, isEdge)

	r := classify(s, baseURL)
	r.sanitize()
	if r.Name == "" {
		// After sanitize, so that an FN of only control characters still gets a name.
		r.Name = buildName(r.GivenName, r.FamilyName)
	}
	r.Raw = raw
	return r
}

// classify tries each format from the most to the least specific.
func classify(s, baseURL string) Result {
	if s == "" {
		return Result{Kind: KindOpaque}
	}
	parsers := []func(string) (Result, bool){
		func(s string) (Result, bool) { return parsePersonal(s, baseURL) },
		parseVCard,
		parseMeCard,
		parseMailto,
		parseWebURL,
		parseDevoxx,
		parseBareEmail,
	}
	for _, p := range parsers {
		if r, ok := p(s); ok {
			return r
		}
	}
	return Result{Kind: KindOpaque}
}

// Identity returns the key the server should match an existing lead on, in this order:
// ("email", lowercased email) when Email is set; ("linkedin", LinkedIn) when set;
// ("code", the trimmed raw text) otherwise. Not used for KindPersonal.
//
// The code is the whole Raw (not only the parsed 8 KB) trimmed of surrounding whitespace,
// control characters and BOMs, with invalid UTF-8 and inner control characters replaced by
// U+FFFD so that it can be stored in a text column. It is "" only for blank input.
func (r Result) Identity() (kind, value string) {
	switch {
	case r.Email != "":
		return "email", strings.ToLower(r.Email)
	case r.LinkedIn != "":
		return "linkedin", r.LinkedIn
	}
	return "code", codeValue(r.Raw)
}

// Resolved reports whether the scan names a person well enough to create a lead without asking:
// true when Email is set.
func (r Result) Resolved() bool {
	return r.Email != ""
}

// isEdge reports runes trimmed from both ends of a scan: whitespace a wedge scanner appends
// (CR, LF, tab), framing control bytes (STX/ETX, NUL) and a byte order mark.
func isEdge(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\uFEFF'
}

// codeValue is the storable form of an opaque scan; see Identity.
func codeValue(raw string) string {
	s := strings.TrimFunc(raw, isEdge)
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
