package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/components"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// errUnknownLink answers a personal or private link that matches no lead (never was, or erased).
var errUnknownLink = candidateError(http.StatusNotFound, "error.unknown_link")

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

// leadLang is the language of a lead's pages: ?lang=, else the one they checked in with.
func (s *Server) leadLang(c echo.Context, lead models.Lead, ev models.Event) *i18n.Localizer {
	return s.candidateLang(c, lead.Language, ev.Language)
}

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
	l := s.candidateLang(c, v.Language, ev.Language)
	return s.thanksPage(c, ev, l, thanksVM(v))
}

// thanksVM is the confirmation of a visit: only what it typed.
func thanksVM(v models.Visit) pages.ThanksVM {
	code := ""
	if v.Code != nil {
		code = *v.Code
	}
	return pages.ThanksVM{Name: v.Typed.Name, Email: v.Typed.Email, QR: paths.PersonalQR(code), TalentPool: v.Typed.TalentPool}
}

func (s *Server) thanksPage(c echo.Context, ev models.Event, l *i18n.Localizer, vm pages.ThanksVM) error {
	vm.Event, vm.Company, vm.EventEnds = ev.Name, ev.Company, l.Date(ev.EndsOn)
	vm.DeleteAfter, vm.RetentionDays, vm.PoolMonths = l.Date(ev.DeleteAfter()), ev.RetentionDays, models.TalentPoolMonths
	ch := s.candidateChrome(c, l.T("thanks.kicker"), l, "")
	if vm.Kiosk != nil {
		ch = s.candidateChrome(c, l.T("thanks.kicker"), l, paths.Kiosk(ev.Slug))
		ch.LangSwitch = nil // the confirmation stays in the language it was filled in
		ch.Kiosk = s.kioskChrome(ev, vm.Kiosk.Seconds)
	}
	return render(c, http.StatusOK, pages.ThanksPage(ch, vm))
}

// decoyThanks is what a bot that filled the honeypot is sent to: the event's confirmation
// like any other, about nobody. Any other unknown token gets notFound.
func (s *Server) decoyThanks(c echo.Context, token string, notFound error) error {
	ctx := c.Request().Context()
	key, err := s.stampKey(ctx)
	if err != nil {
		return err
	}
	id, ok := decoyEvent(key, "thanks", models.ThanksTokenBytes, token)
	if !ok {
		return notFound
	}
	ev, err := s.store.EventByID(ctx, id)
	if err != nil {
		return notFound
	}
	l := s.candidateLang(c, "", ev.Language)
	return s.thanksPage(c, ev, l, pages.ThanksVM{QR: paths.PersonalQR(decoyToken(key, "personal", models.PersonalTokenBytes, ev.ID))})
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
	// whoever scanned it reads it: their browser's language first
	l := s.candidateLang(c, "", lead.Language)
	return render(c, http.StatusOK, pages.PersonalPage(s.candidateChrome(c, l.T("personal.title"), l, ""), ev.Company, ev.Name))
}

// personalQR is the candidate's personal QR code: the URL of personal.
func (s *Server) personalQR(c echo.Context) error {
	noIndex(c)
	ctx := c.Request().Context()
	token := c.Param("token")
	_, err := s.store.LeadByPersonalCode(ctx, token)
	if errors.Is(err, models.ErrNotFound) {
		key, kerr := s.stampKey(ctx)
		if _, ok := decoyEvent(key, "personal", models.PersonalTokenBytes, token); kerr != nil || !ok {
			return errUnknownLink
		}
	} else if err != nil {
		return err
	}
	return qrPNG(c, s.baseURL+paths.Personal(token), 512)
}

// selfServiceVM builds the private page from the lead as stored: everything held about the
// person, the booth team's notes included, in the language l.
func (s *Server) selfServiceVM(c echo.Context, l *i18n.Localizer, lead models.Lead, ev models.Event) (pages.SelfServiceVM, error) {
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
	qs, err := s.store.Questions(ctx, ev.ID)
	if err != nil {
		return pages.SelfServiceVM{}, err
	}
	loc := ev.Location()
	vm := pages.SelfServiceVM{Token: c.Param("token"), Event: ev.Name, Company: ev.Company, Form: leadFormOf(lead),
		Options: ev.Interests, Questions: questionVMs(l, qs, lead.Answers), QR: paths.PersonalQR(lead.PersonalToken),
		Rating: ratingWords(l, lead.RatingText())}
	active := map[string]bool{}
	for _, cs := range consents {
		by := l.T("self.consent_by_you", "Date", l.DateTime(cs.At.In(loc)))
		if cs.CapturedBy == models.CapturedByStaff {
			by = l.T("self.consent_by_staff", "Date", l.DateTime(cs.At.In(loc)))
		}
		row := pages.ConsentRow{Purpose: purposeWords(l, cs.Purpose), Version: l.Number(cs.TextVersion), Given: by,
			Text: cs.TextBody, TextLang: cs.TextLanguage}
		if len(cs.TextSHA256) >= 12 {
			row.Hash = cs.TextSHA256[:12]
		}
		if cs.WithdrawnAt != nil {
			row.Withdrawn = l.T("self.consent_withdrawn", "Date", l.DateTime(cs.WithdrawnAt.In(loc)))
		} else if cs.Granted {
			active[cs.Purpose] = true
		}
		vm.Consents = append(vm.Consents, row)
	}
	for _, p := range []string{models.PurposeContact, models.PurposeTalentPool} {
		if active[p] {
			vm.Withdrawable = append(vm.Withdrawable, components.Option{Value: p, Label: purposeWords(l, p)})
		}
	}
	for _, cv := range convs {
		vm.Notes = append(vm.Notes, pages.NoteRow{When: l.DateTime(cv.HappenedAt.In(loc)), Rating: ratingWords(l, cv.RatingText()),
			Notes: cv.Notes, FollowUp: cv.FollowUp, Interests: cv.Interests})
	}
	for _, v := range visits {
		vm.VisitLog = append(vm.VisitLog, visitRow(l, v, loc, qs))
	}
	vm.Summary = selfSummary(l, lead, ev, active[models.PurposeTalentPool])
	switch c.QueryParam("done") {
	case "saved":
		vm.Status = l.T("self.saved")
	case "withdrawn":
		vm.Status = l.T("self.withdrawn")
	}
	return vm, nil
}

// selfService is the candidate's private page.
func (s *Server) selfService(c echo.Context) error {
	lead, ev, err := s.selfLead(c)
	if err != nil {
		return err
	}
	l := s.leadLang(c, lead, ev)
	vm, err := s.selfServiceVM(c, l, lead, ev)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.SelfServicePage(s.candidateChrome(c, l.T("self.title"), l, ""), vm))
}
