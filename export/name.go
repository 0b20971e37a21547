package export

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitName splits a full name into first and last for ATS columns that want both: last
// is the final whitespace-separated word, first is the rest (runs of whitespace inside it,
// any Unicode space, become one space). The name is trimmed first. One word gives first
// only; an empty name gives two empty strings. It works on any script, since it only looks
// at spaces: "Ελένη כהן" → ("Ελένη", "כהן").
//
// It is a heuristic for filling two columns, not a cultural parse. Names written without
// spaces, as Chinese and Japanese names usually are (李小龙), stay whole in first and last is
// left empty: guessing where a family name ends (李 vs 欧阳) is wrong often enough to
// corrupt data, and an empty last name is visibly incomplete rather than silently wrong.
// Family-name-first names written with a space ("Li Xiaolong" meaning Li is the family
// name) come out reversed; suffixes ("Jr.") become the last name. The full name is always
// exported untouched in the Generic "Full Name" and Lever "Full Name" columns.
//
// The Greenhouse preset requires a last name, so there a single-word name is written in
// both First Name and Last Name (李小龙, 李小龙): the row imports, and a recruiter can
// correct it in Greenhouse.
func SplitName(full string) (first, last string) {
	name := strings.TrimSpace(full)
	i := strings.LastIndexFunc(name, unicode.IsSpace)
	if i < 0 {
		return name, ""
	}
	_, size := utf8.DecodeRuneInString(name[i:])
	last = name[i+size:]
	first = strings.TrimRightFunc(name[:i], unicode.IsSpace)
	if strings.Contains(first, "  ") || strings.ContainsFunc(first, isOddSpace) {
		first = strings.Join(strings.Fields(first), " ")
	}
	return first, last
}

// isOddSpace reports whether r is whitespace other than the ASCII space.
func isOddSpace(r rune) bool {
	return r != ' ' && unicode.IsSpace(r)
}
