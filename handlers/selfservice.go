package handlers

import (
	"errors"
	"net/http"
	"strconv"
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

// selfLead loads the lead of a private link (:token is its self token) with its event.
func (s *Server) selfLead(c echo.Context) (models.Lead, models.Event, error) {
	noIndex(c)
	ctx := c.Request().Context()
	lead, err := s.store.LeadBySelfToken(ctx, c.Param("token"))
	if errors.Is(err, models.ErrNotFound) {
		return lead, models.Event{}, errUnknownLink
	}
	if err != nil {
		return lead, models.Event{}, err
	}
	ev, err := s.store.EventByID(ctx, lead.EventID)
	return lead, ev, err
}

// inTalentPool reports whether a talent-pool consent is in force.
func inTalentPool(cs []models.Consent) bool {
	for _, c := range cs {
		if c.Purpose == models.PurposeTalentPool && c.Granted && c.WithdrawnAt == nil {
			return true
		}
	}
	return false
}

func deleteAfter(ev models.Event) string {
	return ev.EndsOn.AddDate(0, 0, ev.RetentionDays).Format(candidateDate)
}

// thanks is the confirmation after a check-in (:token is the lead's self token).
func (s *Server) thanks(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.Param("token")
	lead, ev, err := s.selfLead(c)
	if errors.Is(err, errUnknownLink) {
		return s.decoyThanks(c, token, err)
	}
	if err != nil {
		return err
	}
	consents, err := s.store.Consents(ctx, lead.ID)
	if err != nil {
		return err
	}
	vm := pages.ThanksVM{Event: ev.Name, Company: ev.Company, Name: lead.Name,
		QR: paths.PersonalQR(lead.PersonalToken), SelfService: paths.SelfService(lead.SelfToken),
		Returning: lead.VisitCount > 1, EventEnds: ev.EndsOn.Format(candidateDate), DeleteAfter: deleteAfter(ev),
		RetentionDays: ev.RetentionDays, TalentPool: inTalentPool(consents), TalentPoolMonths: models.TalentPoolMonths}
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
	id, ok := decoyEvent(key, "self", selfTokenBytes, token)
	if !ok {
		return notFound
	}
	ev, err := s.store.EventByID(ctx, id)
	if err != nil {
		return notFound
	}
	vm := pages.ThanksVM{Event: ev.Name, Company: ev.Company, QR: paths.PersonalQR(decoyToken(key, "personal", personalTokenBytes, ev.ID)),
		SelfService: paths.SelfService(token), EventEnds: ev.EndsOn.Format(candidateDate), DeleteAfter: deleteAfter(ev),
		RetentionDays: ev.RetentionDays, TalentPoolMonths: models.TalentPoolMonths}
	return render(c, http.StatusOK, pages.ThanksPage(s.chrome(c, "You are checked in", ""), vm))
}

// personal is what a candidate's personal QR opens: staff land on the lead; anyone else sees
// only "show this to the booth staff".
func (s *Server) personal(c echo.Context) error {
	noIndex(c)
	ctx := c.Request().Context()
	lead, err := s.store.LeadByPersonalToken(ctx, c.Param("token"))
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
	ctx := c.Request().Context()
	token := c.Param("token")
	_, err := s.store.LeadByPersonalToken(ctx, token)
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

// selfServiceVM builds the private page from the lead as stored.
func (s *Server) selfServiceVM(c echo.Context, lead models.Lead, ev models.Event) (pages.SelfServiceVM, error) {
	consents, err := s.store.Consents(c.Request().Context(), lead.ID)
	if err != nil {
		return pages.SelfServiceVM{}, err
	}
	loc := ev.Location()
	vm := pages.SelfServiceVM{Token: lead.SelfToken, Event: ev.Name, Company: ev.Company, Form: leadFormOf(lead),
		Options: ev.Interests, FirstSeen: lead.FirstSeenAt.In(loc).Format(candidateDate), Visits: lead.VisitCount}
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

func candidatePurpose(p string) string {
	if p == models.PurposeTalentPool {
		return "Talent pool"
	}
	return "Contact about jobs"
}

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
