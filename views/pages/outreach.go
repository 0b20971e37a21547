package pages

import (
	"net/url"
	"sort"
	"strconv"

	"github.com/boothlead/boothlead/models"
)

// hiddenFields lists a query's values as name/value pairs in a stable order.
func hiddenFields(v url.Values) [][2]string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out [][2]string
	for _, k := range keys {
		for _, x := range v[k] {
			out = append(out, [2]string{k, x})
		}
	}
	return out
}

// countNoun is "1 lead", "12 leads".
func countNoun(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}

// followUpCountsText says how many leads a follow-up would reach.
func followUpCountsText(c models.FollowUpCounts) string {
	s := countNoun(c.Matching, "lead", "leads") + ", of which " + strconv.FormatInt(c.Consented, 10) + " agreed to be contacted"
	if c.Sent > 0 {
		s += " and " + strconv.FormatInt(c.Sent, 10) + " got this one before"
	}
	return s + "."
}
