package handlers

import (
	"time"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/wording"
)

func purposeWords(l *i18n.Localizer, p string) string { return wording.Purpose(l, p) }

func ratingWords(l *i18n.Localizer, r string) string { return wording.Rating(l, r) }

// visitRow says what one check-in or walk-in did, for the candidate.
func visitRow(l *i18n.Localizer, v models.Visit, loc *time.Location, qs []models.Question) pages.VisitRow {
	r := pages.VisitRow{When: l.DateTime(v.At.In(loc)), What: l.T("self.visit_checked_in")}
	switch {
	case v.Source == models.SourceStaffManual && v.Repeat:
		r.What = l.T("self.visit_staff_again")
	case v.Source == models.SourceStaffManual:
		r.What = l.T("self.visit_staff_added")
	case v.Repeat:
		r.What = l.T("self.visit_repeat")
	}
	if v.Source == models.SourceSelfCheckIn && v.Repeat {
		r.Asked = wording.Changes(l, v.Changes, qs)
		switch {
		case v.Changes.Empty():
		case v.ConfirmedAt != nil:
			r.Status = l.T("self.visit_confirmed", "Date", l.DateTime(v.ConfirmedAt.In(loc)))
		default:
			r.Status = l.T("self.visit_unconfirmed")
		}
	}
	return r
}

// selfSummary says when the candidate checked in, how often they came back and when their
// details are deleted.
func selfSummary(l *i18n.Localizer, lead models.Lead, ev models.Event, inPool bool) string {
	s := l.T("self.checked_in_on", "Date", l.Date(lead.FirstSeenAt.In(ev.Location())))
	if lead.VisitCount > 1 {
		s += " " + l.N("self.came_back", lead.VisitCount-1)
	}
	return s + " " + wording.DeleteNote(l, ev, inPool)
}
