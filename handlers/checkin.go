package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// Form-level messages of the check-in page.
const (
	msgTooFast       = "That was quick — please check your details and press Check in again."
	msgStampMissing  = "This form could not be read completely — please check your details and press Check in again."
	msgFormExpired   = "This page was open for a long time — please check your details and press Check in again."
	msgTextChanged   = "The consent wording changed a moment ago. Please read it again and tick the boxes you agree to."
	msgTooManyHere   = "Too many check-ins from this network in a short time. Wait a minute, then press Check in again — what you typed is kept."
	msgTooManyPerson = "This email address was checked in several times in the last few minutes. Wait two minutes, then press Check in again — what you typed is kept."
)

// checkInEvent finds the event behind a booth QR; a wrong or rotated key is a friendly 404.
func (s *Server) checkInEvent(c echo.Context) (models.Event, error) {
	ev, err := s.store.EventByCheckinKey(c.Request().Context(), c.Param("key"))
	if errors.Is(err, models.ErrNotFound) {
		return ev, render(c, http.StatusNotFound, pages.CodeInvalidPage(s.chrome(c, "Code no longer valid", "")))
	}
	return ev, err
}

// openEvent loads the booth QR's event and answers for it when it takes no check-ins: a draft
// has not opened yet (403), a closed event is closed (410). ok is false when the answer is sent.
func (s *Server) openEvent(c echo.Context) (ev models.Event, ok bool, err error) {
	noIndex(c)
	ev, err = s.checkInEvent(c)
	if err != nil || ev.ID == 0 {
		return ev, false, err
	}
	switch ev.Status {
	case models.StatusLive:
		return ev, true, nil
	case models.StatusDraft:
		vm := pages.CheckInUnavailableVM{Event: ev.Name, Company: ev.Company, NotYet: true}
		return ev, false, render(c, http.StatusForbidden, pages.CheckInUnavailablePage(s.chrome(c, "Check-in has not opened yet", ""), vm))
	}
	vm := pages.CheckInUnavailableVM{Event: ev.Name, Company: ev.Company}
	return ev, false, render(c, http.StatusGone, pages.CheckInUnavailablePage(s.chrome(c, "Check-in is closed", ""), vm))
}

// checkInState is what the check-in page shows besides the event.
type checkInState struct {
	form   pages.LeadForm
	errs   map[string]string
	notice string
	stamp  string // a stamp to keep (the form's first showing); "" for a fresh one
}

// showCheckIn renders the check-in form with the event's current consent texts.
func (s *Server) showCheckIn(c echo.Context, ev models.Event, status int, st checkInState) error {
	ctx := c.Request().Context()
	texts, err := s.store.CurrentConsentTexts(ctx, ev.ID)
	if err != nil {
		return err
	}
	s.recentForms.put(ev, texts) // to show the form again while the database is down (checkin_outage.go)
	key, err := s.stampKey(ctx)
	if err != nil {
		return err
	}
	stampValue := st.stamp
	if stampValue != "" {
		// a kept stamp must still name the texts shown now
		old, problem := checkStamp(key, ev.ID, stampValue, time.Now())
		if problem == stampMissing || old.contactText != texts.Contact.ID || old.poolText != texts.TalentPool.ID {
			stampValue = ""
		}
	}
	if stampValue == "" {
		stampValue = newStamp(key, ev.ID, time.Now(), texts.Contact.ID, texts.TalentPool.ID)
	}
	vm := pages.CheckInVM{Event: ev.Name, Company: ev.Company, Action: paths.CheckIn(ev.CheckinKey), Stamp: stampValue,
		Options: ev.Interests, ContactText: texts.Contact.Body, TalentPoolText: texts.TalentPool.Body,
		Form: st.form, Errors: st.errs, Notice: st.notice}
	return render(c, status, pages.CheckInPage(s.chrome(c, "Check in — "+ev.Name, ""), vm))
}

func (s *Server) checkInForm(c echo.Context) error {
	ev, ok, err := s.openEvent(c)
	if !ok {
		return err
	}
	return s.showCheckIn(c, ev, http.StatusOK, checkInState{})
}

// checkIn records a self check-in. Everything typed comes back on any refusal; nothing is saved
// unless all of it is valid.
func (s *Server) checkIn(c echo.Context) error {
	ev, ok, err := s.openEvent(c)
	if !ok {
		return err
	}
	ctx := c.Request().Context()
	params, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "We could not read the form. Please reload the page and try again.")
	}
	post := bindCheckIn(params)
	typed := typedForm(post.In, ev.Interests)
	key, err := s.stampKey(ctx)
	if err != nil {
		return err
	}
	st, problem := checkStamp(key, ev.ID, post.Stamp, time.Now())
	kept := st.raw // "" unless the stamp is ours

	if s.rateLimits {
		if ok, _ := s.limits.checkinIP.Allow(c.RealIP() + "|" + ev.CheckinKey); !ok {
			return s.showCheckIn(c, ev, http.StatusTooManyRequests, checkInState{form: typed, notice: msgTooManyHere, stamp: kept})
		}
	}
	if post.Website != "" {
		// a bot: the same answer as a success, and nothing saved
		return seeOther(c, paths.Thanks(decoyToken(key, "thanks", thanksTokenBytes, ev.ID)))
	}

	in, err := models.CheckLead(ev, post.In, true)
	var ve *models.ValidationError
	if err != nil && !errors.As(err, &ve) {
		return err
	}
	var fieldErrs map[string]string
	if ve != nil {
		fieldErrs = ve.Fields
	}
	if problem != stampOK {
		notice := map[stampProblem]string{stampMissing: msgStampMissing, stampTooFast: msgTooFast, stampExpired: msgFormExpired}[problem]
		return s.showCheckIn(c, ev, http.StatusUnprocessableEntity, checkInState{form: typed, errs: fieldErrs, notice: notice})
	}
	if fieldErrs != nil {
		return s.showCheckIn(c, ev, http.StatusUnprocessableEntity, checkInState{form: typed, errs: fieldErrs, stamp: kept})
	}
	if s.rateLimits {
		if ok, _ := s.limits.checkinEmail.Allow(strings.ToLower(in.Email) + "|" + strconv.FormatInt(ev.ID, 10)); !ok {
			return s.showCheckIn(c, ev, http.StatusTooManyRequests, checkInState{form: typed, notice: msgTooManyPerson, stamp: kept})
		}
	}

	in.ContactTextID, in.TalentPoolTextID = st.contactText, st.poolText
	res, err := s.store.CheckIn(ctx, ev, in)
	if errors.Is(err, models.ErrConsentTextChanged) {
		typed.Consent, typed.TalentPool = false, false
		return s.showCheckIn(c, ev, http.StatusUnprocessableEntity, checkInState{form: typed, notice: msgTextChanged})
	}
	if err != nil {
		return err
	}
	s.metrics.checkins.Inc()
	s.nudgeMail()
	// The same answer for a new and a known address: the confirmation belongs to this submission
	// and shows only what it typed.
	return seeOther(c, paths.Thanks(res.ThanksToken))
}
