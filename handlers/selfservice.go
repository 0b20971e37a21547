package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/components"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

const candidateDate = "2 January 2006"

// errUnknownLink answers a personal or private link that matches no lead (never was, or erased).
var errUnknownLink = echo.NewHTTPError(http.StatusNotFound,
	"This link does not lead anywhere (any more). If you deleted your data, nothing about you is left here.")

// noIndex asks search engines to keep a capability URL (private link, personal code) out of
// their index, in case one leaks.
func noIndex(c echo.Context) { c.Response().Header().Set("X-Robots-Tag", "noindex, nofollow") }

// selfLead loads the lead of a private link (:token is a mailed self-service link) with its event.
func (s *Server) selfLead(c echo.Context) (models.Lead, models.Event, error) {
	noIndex(c)
	ctx := c.Request().Context()
	lead, err := s.store.LeadBySelfLink(ctx, c.Param("token"))
	if errors.Is(err, models.ErrNotFound) {
		return lead, models.Event{}, errUnknownLink
	}
	if err != nil {
		return lead, models.Event{}, err
	}
	ev, err := s.store.EventByID(ctx, lead.EventID)
	return lead, ev, err
}

func deleteAfter(ev models.Event) string { return ev.DeleteAfter().Format(candidateDate) }

// thanks is the confirmation of one check-in (:token is that submission's own). It shows only
// what that submission typed: the same page for a new and a known address, so it reveals
// nothing stored, however old the link and whatever staff added since.
func (s *Server) thanks(c echo.Context) error {
	noIndex(c)
	ctx := c.Request().Context()
	token := c.Param("token")
	v, err := s.store.VisitByThanksToken(ctx, token)
	if errors.Is(err, models.ErrNotFound) {
		return s.decoyThanks(c, token, errUnknownLink)
	}
	if err != nil {
		return err
	}
	ev, err := s.store.EventByID(ctx, v.EventID)
	if err != nil {
		return err
	}
	code := ""
	if v.Code != nil {
		code = *v.Code
	}
	return s.thanksPage(c, ev, pages.ThanksVM{Name: v.Typed.Name, Email: v.Typed.Email, QR: paths.PersonalQR(code),
		TalentPool: v.Typed.TalentPool})
}

func (s *Server) thanksPage(c echo.Context, ev models.Event, vm pages.ThanksVM) error {
	vm.Event, vm.Company, vm.EventEnds = ev.Name, ev.Company, ev.EndsOn.Format(candidateDate)
	vm.DeleteAfter, vm.RetentionDays, vm.TalentPoolMonths = deleteAfter(ev), ev.RetentionDays, models.TalentPoolMonths
	return render(c, http.StatusOK, pages.ThanksPage(s.chrome(c, "You are checked in", ""), vm))
}

// decoyThanks is what a bot that filled the honeypot is sent to: the event's confirmation
// like any other, about nobody. Any other unknown token gets notFound.
func (s *Server) decoyThanks(c echo.Context, token string, notFound error) error {
	ctx := c.Request().Context()
	key, err := s.stampKey(ctx)
	if err != nil {
		return err
	}
	id, ok := decoyEvent(key, "thanks", thanksTokenBytes, token)
	if !ok {
		return notFound
	}
	ev, err := s.store.EventByID(ctx, id)
	if err != nil {
		return notFound
	}
	return s.thanksPage(c, ev, pages.ThanksVM{QR: paths.PersonalQR(decoyToken(key, "personal", personalTokenBytes, ev.ID))})
}

// personal is what a candidate's personal QR opens: staff land on the lead; anyone else sees
// only "show this to the booth staff".
func (s *Server) personal(c echo.Context) error {
	noIndex(c)
	ctx := c.Request().Context()
	lead, err := s.store.LeadByPersonalCode(ctx, c.Param("token"))
	if errors.Is(err, models.ErrNotFound) {
		return errUnknownLink
	}
	if err != nil {
		return err
	}
	if currentUser(c) != nil {
		return seeOther(c, paths.Lead(lead.ID))
	}
	ev, err := s.store.EventByID(ctx, lead.EventID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.PersonalPage(s.chrome(c, "Show this to the booth staff", ""), ev.Company, ev.Name))
}

// personalQR is the candidate's personal QR code: the URL of personal.
func (s *Server) personalQR(c echo.Context) error {
	noIndex(c)
	ctx := c.Request().Context()
	token := c.Param("token")
	_, err := s.store.LeadByPersonalCode(ctx, token)
	if errors.Is(err, models.ErrNotFound) {
		key, kerr := s.stampKey(ctx)
		if _, ok := decoyEvent(key, "personal", personalTokenBytes, token); kerr != nil || !ok {
			return errUnknownLink
		}
	} else if err != nil {
		return err
	}
	return qrPNG(c, s.baseURL+paths.Personal(token), 512)
}

// selfServiceVM builds the private page from the lead as stored: everything held about the
// person, the booth team's notes included.
func (s *Server) selfServiceVM(c echo.Context, lead models.Lead, ev models.Event) (pages.SelfServiceVM, error) {
	ctx := c.Request().Context()
	consents, err := s.store.Consents(ctx, lead.ID)
	if err != nil {
		return pages.SelfServiceVM{}, err
	}
	convs, err := s.store.Conversations(ctx, lead.ID)
	if err != nil {
		return pages.SelfServiceVM{}, err
	}
	visits, err := s.store.Visits(ctx, lead.ID)
	if err != nil {
		return pages.SelfServiceVM{}, err
	}
	loc := ev.Location()
	vm := pages.SelfServiceVM{Token: c.Param("token"), Event: ev.Name, Company: ev.Company, Form: leadFormOf(lead),
		Options: ev.Interests, FirstSeen: lead.FirstSeenAt.In(loc).Format(candidateDate), Visits: lead.VisitCount,
		QR: paths.PersonalQR(lead.PersonalToken), Rating: lead.RatingText()}
	active := map[string]bool{}
	for _, cs := range consents {
		row := pages.ConsentRow{Purpose: candidatePurpose(cs.Purpose), Version: cs.TextVersion, At: candidateTime(cs.At, loc),
			By: "you", Text: cs.TextBody}
		if len(cs.TextSHA256) >= 12 {
			row.Hash = cs.TextSHA256[:12]
		}
		if cs.CapturedBy == models.CapturedByStaff {
			row.By = "the booth staff"
		}
		if cs.WithdrawnAt != nil {
			row.Withdrawn = candidateTime(*cs.WithdrawnAt, loc)
		} else if cs.Granted {
			active[cs.Purpose] = true
		}
		vm.Consents = append(vm.Consents, row)
	}
	for _, p := range []string{models.PurposeContact, models.PurposeTalentPool} {
		if active[p] {
			vm.Withdrawable = append(vm.Withdrawable, components.Option{Value: p, Label: candidatePurpose(p)})
		}
	}
	for _, cv := range convs {
		vm.Notes = append(vm.Notes, pages.NoteRow{When: candidateTime(cv.HappenedAt, loc), Rating: cv.RatingText(),
			Notes: cv.Notes, FollowUp: cv.FollowUp, Interests: cv.Interests})
	}
	for _, v := range visits {
		vm.VisitLog = append(vm.VisitLog, visitRow(v, loc))
	}
	if active[models.PurposeTalentPool] {
		vm.DeleteNote = "You are in the talent pool: " + ev.Company + " may keep your details for up to " +
			strconv.Itoa(models.TalentPoolMonths) + " months after your last contact."
	} else {
		vm.DeleteNote = ev.Company + " deletes your details on " + deleteAfter(ev) + "."
	}
	switch c.QueryParam("done") {
	case "saved":
		vm.Status = "Your changes are saved."
	case "withdrawn":
		vm.Status = "Your consent is withdrawn."
	}
	return vm, nil
}

// visitRow says what one check-in or walk-in did, for the candidate.
func visitRow(v models.Visit, loc *time.Location) pages.VisitRow {
	r := pages.VisitRow{When: candidateTime(v.At, loc), What: "You checked in."}
	switch {
	case v.Source == models.SourceStaffManual && v.Repeat:
		r.What = "The booth staff noted another visit."
	case v.Source == models.SourceStaffManual:
		r.What = "The booth staff added you."
	case v.Repeat:
		r.What = "Someone checked in again with your address."
	}
	if v.Source == models.SourceSelfCheckIn && v.Repeat {
		r.Asked = changeWords(v.Changes)
		switch {
		case v.Changes.Empty():
		case v.ConfirmedAt != nil:
			r.Status = "You confirmed it on " + candidateTime(*v.ConfirmedAt, loc) + "."
		default:
			r.Status = "Not confirmed: nothing of it was applied."
		}
	}
	return r
}

// changeWords lists what a repeat asked for, in words.
func changeWords(ch models.VisitChanges) []string {
	var out []string
	for _, f := range ch.Fields {
		out = append(out, "change "+models.FieldWords(f.Field)+" to “"+f.To+"”")
	}
	if len(ch.Interests) > 0 {
		out = append(out, "add the interests "+strings.Join(ch.Interests, ", "))
	}
	for _, c := range ch.Consents {
		out = append(out, "record consent: "+candidatePurpose(c.Purpose)+" (version "+strconv.Itoa(c.Version)+")")
	}
	return out
}

func candidatePurpose(p string) string { return models.PurposeName(p) }

func candidateTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2 January 2006, 15:04")
}

// selfService is the candidate's private page.
func (s *Server) selfService(c echo.Context) error {
	lead, ev, err := s.selfLead(c)
	if err != nil {
		return err
	}
	vm, err := s.selfServiceVM(c, lead, ev)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.SelfServicePage(s.chrome(c, "Your details", ""), vm))
}
