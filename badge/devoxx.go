package badge

import "strings"

// parseDevoxx reads the MyDevoxx badge form ID::last::first::company::email: exactly five
// fields with an email address in the last.
func parseDevoxx(s string) (Result, bool) {
	if strings.Count(s, "::") != 4 {
		return Result{}, false
	}
	p := strings.Split(s, "::")
	for i := range p {
		p[i] = strings.TrimSpace(p[i])
	}
	if !looksLikeEmail(p[4]) {
		return Result{}, false
	}
	return Result{
		Kind:       KindDevoxx,
		BadgeID:    p[0],
		FamilyName: p[1],
		GivenName:  p[2],
		Company:    p[3],
		Email:      p[4],
	}, true
}
