package badge

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

const linkedInProfile = "https://www.linkedin.com/in/"

// gitHubReserved are first path segments on github.com that are not user or organisation names.
var gitHubReserved = map[string]bool{
	"about": true, "account": true, "apps": true, "blog": true, "codespaces": true,
	"collections": true, "contact": true, "copilot": true, "customer-stories": true,
	"dashboard": true, "enterprise": true, "events": true, "explore": true, "features": true,
	"home": true, "issues": true, "join": true, "login": true, "logout": true,
	"marketplace": true, "new": true, "nonprofit": true, "notifications": true,
	"organizations": true, "orgs": true, "pricing": true, "pulls": true, "readme": true,
	"search": true, "security": true, "sessions": true, "settings": true, "signup": true,
	"site": true, "sponsors": true, "stars": true, "team": true, "topics": true,
	"trending": true, "users": true, "watching": true,
}

// parsePersonal matches baseURL + "/p/" + token (optionally with a trailing slash). Scheme
// and host compare case-insensitively, the path and token exactly.
func parsePersonal(s, baseURL string) (Result, bool) {
	base := strings.TrimRight(strings.TrimSpace(baseURL), "/")
	bOrigin, bPath, ok := splitOrigin(base)
	if !ok {
		return Result{}, false
	}
	sOrigin, sPath, ok := splitOrigin(s)
	if !ok || !strings.EqualFold(bOrigin, sOrigin) {
		return Result{}, false
	}
	token, ok := strings.CutPrefix(sPath, bPath+"/p/")
	if !ok {
		return Result{}, false
	}
	token = strings.TrimSuffix(token, "/")
	if !validToken(token) {
		return Result{}, false
	}
	return Result{Kind: KindPersonal, PersonalToken: token}, true
}

// splitOrigin splits "scheme://host/path" into "scheme://host" and "/path".
func splitOrigin(u string) (origin, path string, ok bool) {
	i := strings.Index(u, "://")
	if i <= 0 || len(u) == i+3 {
		return "", "", false
	}
	j := strings.IndexByte(u[i+3:], '/')
	if j < 0 {
		return u, "", true
	}
	return u[:i+3+j], u[i+3+j:], true
}

// validToken reports whether t is 16–64 characters of [A-Za-z0-9_-].
func validToken(t string) bool {
	if len(t) < 16 || len(t) > 64 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// parseWebURL handles a whole scan that is an http(s) URL.
func parseWebURL(s string) (Result, bool) {
	u, ok := parseHTTP(s)
	if !ok {
		return Result{}, false
	}
	if slug, ok := linkedInSlug(u); ok {
		return Result{Kind: KindLinkedIn, LinkedIn: linkedInProfile + slug}, true
	}
	r := Result{Kind: KindURL}
	if gh, ok := gitHubProfile(u); ok {
		r.GitHub = gh
	} else {
		r.Website = s
	}
	return r, true
}

// addURL files a URL found inside a vCard or MeCard under LinkedIn, GitHub or Website (the
// first of each wins). A value without a scheme that looks like a host name
// ("jane.example.org", "linkedin.com/in/jane") is read as https. Other schemes are ignored.
func (r *Result) addURL(v string) {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "://") && strings.Contains(v, ".") && !strings.ContainsAny(v, "@ ") {
		v = "https://" + v
	}
	u, ok := parseHTTP(v)
	if !ok {
		return
	}
	if slug, ok := linkedInSlug(u); ok {
		if r.LinkedIn == "" {
			r.LinkedIn = linkedInProfile + slug
		}
		return
	}
	if gh, ok := gitHubProfile(u); ok {
		if r.GitHub == "" {
			r.GitHub = gh
		}
		return
	}
	if r.Website == "" {
		r.Website = v
	}
}

// parseHTTP parses an absolute http(s) URL with a host and no whitespace or control bytes.
func parseHTTP(s string) (*url.URL, bool) {
	if !hasPrefixFold(s, "http://") && !hasPrefixFold(s, "https://") {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return nil, false
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, false
	}
	return u, true
}

// linkedInSlug returns the lowercased, percent-decoded slug of a linkedin.com/in/<slug>
// profile URL on linkedin.com, www.linkedin.com, m.linkedin.com or a two-letter country
// subdomain such as de.linkedin.com.
func linkedInSlug(u *url.URL) (string, bool) {
	host := strings.ToLower(u.Hostname())
	sub, ok := strings.CutSuffix(host, "linkedin.com")
	switch {
	case !ok:
		return "", false
	case sub == "", sub == "www.", sub == "m.":
	case len(sub) == 3 && sub[2] == '.' && isLower(sub[0]) && isLower(sub[1]):
	default:
		return "", false
	}
	p := u.EscapedPath()
	if !hasPrefixFold(p, "/in/") {
		return "", false
	}
	raw := strings.TrimSuffix(p[len("/in/"):], "/")
	if raw == "" || strings.Contains(raw, "/") {
		return "", false
	}
	slug, err := url.PathUnescape(raw)
	if err != nil || !utf8.ValidString(slug) || len(slug) > 200 ||
		strings.ContainsFunc(slug, func(r rune) bool {
			return r <= ' ' || r == 0x7f || isBadRune(r) || strings.ContainsRune("/?#%\\", r)
		}) {
		return "", false
	}
	return strings.ToLower(slug), true
}

// gitHubProfile returns https://github.com/<user> for a github.com/<user> URL (one path
// segment, a valid user name, not a reserved page such as /orgs or /settings).
func gitHubProfile(u *url.URL) (string, bool) {
	host := strings.ToLower(u.Hostname())
	if host != "github.com" && host != "www.github.com" {
		return "", false
	}
	p := strings.TrimSuffix(u.EscapedPath(), "/")
	user, ok := strings.CutPrefix(p, "/")
	if !ok || !validGitHubUser(user) || gitHubReserved[strings.ToLower(user)] {
		return "", false
	}
	return "https://github.com/" + user, true
}

// validGitHubUser reports whether s is 1–39 ASCII letters, digits or inner hyphens.
func validGitHubUser(s string) bool {
	if s == "" || len(s) > 39 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isLower(c) || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
