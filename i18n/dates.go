package i18n

import (
	"strconv"
	"time"

	"golang.org/x/text/number"
)

// Number writes n in the language's digits without grouping (٢٠٢٦ in Arabic, 2026 elsewhere).
func (l *Localizer) Number(n int) string {
	return l.p.Sprint(number.Decimal(n, number.NoSeparator()))
}

func (l *Localizer) twoDigits(n int) string {
	return l.p.Sprint(number.Decimal(n, number.NoSeparator(), number.MinIntegerDigits(2)))
}

// Date writes a day as the language does ("2 January 2026", "2. Januar 2026", "2 stycznia
// 2026"), in t's own location: convert to the event's time zone first.
func (l *Localizer) Date(t time.Time) string {
	return l.T("date.format", "Day", l.Number(t.Day()), "Month", l.T("date.month_"+strconv.Itoa(int(t.Month()))),
		"Year", l.Number(t.Year()))
}

// DateTime writes a day and a time of day ("2 January 2026, 15:04"), in t's own location.
func (l *Localizer) DateTime(t time.Time) string {
	return l.T("date.datetime", "Date", l.Date(t), "Time", l.twoDigits(t.Hour())+":"+l.twoDigits(t.Minute()))
}
