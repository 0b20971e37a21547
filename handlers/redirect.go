package handlers

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// safeNext returns next, the page to go to after signing in, when it is a path on this site,
// rebuilt from its parsed parts; otherwise def. It refuses anything with a scheme, a host or
// user info, anything not starting with one slash, backslashes and control characters anywhere
// (raw or percent-encoded: browsers drop tabs and newlines and read "\" as "/", so "/\t/host",
// "/%09/host" and "/\host" all lead off-site), and paths that decode to "//".
func safeNext(next, def string) string {
	if next == "" || len(next) > 2048 || !utf8.ValidString(next) || unsafeInPath(next) {
		return def
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return def
	}
	if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || unsafeInPath(u.Path) ||
		!utf8.ValidString(u.Path) {
		return def
	}
	// Rebuild: only the path, query and fragment of the parsed URL, in their canonical encoding.
	out := (&url.URL{Path: u.Path, RawQuery: u.RawQuery, Fragment: u.Fragment}).String()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || unsafeInPath(out) {
		return def
	}
	return out
}

func unsafeInPath(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}
