package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// Form-level notices of the check-in page (message ids).
const (
	msgTooFast       = "notice.too_fast"
	msgStampMissing  = "notice.stamp_missing"
	msgFormExpired   = "notice.expired"
	msgTextChanged   = "notice.text_changed"
	msgTooManyHere   = "notice.too_many_here"
	msgTooManyPerson = "notice.too_many_person"
)

// checkInSite is where a check-in form is shown and sent: the booth QR's page on a phone, or a
// kiosk. The rules are the same; where the form posts, what limits it and where it leads differ.
type checkInSite struct {
	action  string                             // where the form posts
	page    string                             // the form's GET path (for the language switch)
	limit   *middleware.RateLimiterMemoryStore // the per-source limit
	limitBy string                             // its key
	kiosk   bool
}

// qrSite is the check-in page the booth QR opens.
func (s *Server) qrSite(c echo.Context, ev models.Event) checkInSite {
	return checkInSite{action: paths.CheckIn(ev.CheckinKey), page: paths.CheckIn(ev.CheckinKey), limit: s.limits.checkinIP,
		limitBy: c.RealIP() + "|" + ev.CheckinKey}
}

// checkInEvent finds the event behind a booth QR; a wrong or rotated key is a friendly 404.
func (s *Server) checkInEvent(c echo.Context) (models.Event, error) {
	lookup := s.store.EventByCheckinKey
	if c.Request().Method == http.MethodPost {
		// the check-in's own statement checks the event again, so a cached copy will do; the
		// form's GET asks the database, so while it is away the page says so at once
		lookup = s.store.CachedEventByCheckinKey
	}
	ev, err := lookup(c.Request().Context(), c.Param("key"))
	if errors.Is(err, models.ErrNotFound) {
		l := s.candidateLang(c, "", "")
		return ev, render(c, http.StatusNotFound, pages.CodeInvalidPage(s.candidateChrome(c, l.T("invalid.title"), l, "")))
	}
	return ev, err
}

// openEvent loads the booth QR's event and answers for it when it takes no check-ins.
func (s *Server) openEvent(c echo.Context) (ev models.Event, ok bool, err error) {
	noIndex(c)
	ev, err = s.checkInEvent(c)
	if err != nil || ev.ID == 0 {
		return ev, false, err
	}
	return ev, s.isOpen(c, ev, paths.CheckIn(ev.CheckinKey), false, &err), err
}

// isOpen reports whether ev takes check-ins; if not, it answers for it (into *err): a draft has
// not opened yet (403), a closed event is closed (410). On a kiosk the answer keeps the staff's
// way out.
func (s *Server) isOpen(c echo.Context, ev models.Event, page string, kiosk bool, err *error) bool {
	if ev.Status == models.StatusLive {
		return true
	}
	l := s.candidateLang(c, "", ev.Language)
	vm := pages.CheckInUnavailableVM{Event: ev.Name, Company: ev.Company, NotYet: ev.Status == models.StatusDraft}
	status, title := http.StatusGone, l.T("closed.title")
	if vm.NotYet {
		status, title = http.StatusForbidden, l.T("closed.not_yet_title")
	}
	ch := s.candidateChrome(c, title, l, page)
	if kiosk {
		ch.Kiosk = s.kioskChrome(ev, 0)
	}
	*err = render(c, status, pages.CheckInUnavailablePage(ch, vm))
	return false
}

// checkInState is what the check-in page shows besides the event.
type checkInState struct {
	form    pages.LeadForm
	answers models.Answers // as typed
	errs    map[string]string
	notice  string // a message id
	stamp   string // a stamp to keep (the form's first showing); "" for a fresh one
}

// showCheckIn renders the check-in form with the event's current consent texts and questions in
// the candidate's language.
func (s *Server) showCheckIn(c echo.Context, ev models.Event, site checkInSite, status int, st checkInState) error {
	ctx := c.Request().Context()
	l := s.candidateLang(c, "", ev.Language)
	texts, err := s.store.ConsentTextsIn(ctx, ev.ID, l.Lang())
	if err != nil {
		return err
	}
	qs, err := s.store.Questions(ctx, ev.ID)
	if err != nil {
		return err
	}
	s.recentForms.put(ev, l.Lang(), texts, qs) // to show the form again while the database is down (checkin_outage.go)
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
	vm := pages.CheckInVM{Event: ev.Name, Company: ev.Company, Action: site.action, Stamp: stampValue,
		Options: ev.Interests, Questions: questionVMs(l, qs, st.answers), ContactText: texts.Contact.Body,
		TalentPoolText: texts.TalentPool.Body, Form: st.form, Errors: st.errs, Kiosk: site.kiosk}
	if st.notice != "" {
		vm.Notice = l.T(st.notice)
	}
	ch := s.candidateChrome(c, l.T("checkin.title")+" — "+ev.Name, l, site.page)
	if site.kiosk {
		ch.Kiosk = s.kioskChrome(ev, 0)
	}
	return render(c, status, pages.CheckInPage(ch, vm))
}

func (s *Server) checkInForm(c echo.Context) error {
	ev, ok, err := s.openEvent(c)
	if !ok {
		return err
	}
	return s.showCheckIn(c, ev, s.qrSite(c, ev), http.StatusOK, checkInState{})
}

// checkIn records a self check-in from the booth QR's page and shows its confirmation.
func (s *Server) checkIn(c echo.Context) error {
	ev, ok, err := s.openEvent(c)
	if !ok {
		return err
	}
	res, done, err := s.receiveCheckIn(c, ev, s.qrSite(c, ev))
	if done || err != nil {
		return err
	}
	// The same answer for a new and a known address: the confirmation belongs to this submission
	// and shows only what it typed.
	return seeOther(c, paths.Thanks(res.ThanksToken))
}

// receiveCheckIn checks and records a posted check-in form. Everything typed comes back on any
// refusal (done is then true: the answer is sent); nothing is saved unless all of it is valid.
func (s *Server) receiveCheckIn(c echo.Context, ev models.Event, site checkInSite) (models.CheckInResult, bool, error) {
	var none models.CheckInResult
	ctx := c.Request().Context()
	params, err := c.FormParams()
	if err != nil {
		return none, true, candidateError(http.StatusBadRequest, "error.form_unreadable")
	}
	post := bindCheckIn(params)
	l := s.candidateLang(c, "", ev.Language)
	post.In.Language = l.Lang()
	typed := typedForm(post.In, ev.Interests)
	key, err := s.stampKey(ctx)
	if err != nil {
		return none, true, err
	}
	st, problem := checkStamp(key, ev.ID, post.Stamp, time.Now())
	show := func(status int, state checkInState) (models.CheckInResult, bool, error) {
		state.form, state.answers = typed, post.In.Answers
		return none, true, s.showCheckIn(c, ev, site, status, state)
	}
	if s.rateLimits && site.limit != nil {
		if ok, _ := site.limit.Allow(site.limitBy); !ok {
			return show(http.StatusTooManyRequests, checkInState{notice: msgTooManyHere, stamp: st.raw})
		}
	}
	if post.Website != "" {
		// a bot: the same answer as a success, and nothing saved
		if site.kiosk {
			return none, true, seeOther(c, paths.Kiosk(ev.Slug))
		}
		return none, true, seeOther(c, paths.Thanks(decoyToken(key, "thanks", models.ThanksTokenBytes, ev.ID)))
	}
	qs, err := s.store.Questions(ctx, ev.ID)
	if err != nil {
		return none, true, err
	}
	in, err := models.CheckLeadWith(ev, qs, post.In, true)
	var ve *models.ValidationError
	if err != nil && !errors.As(err, &ve) {
		return none, true, err
	}
	var fieldErrs map[string]string
	if ve != nil {
		fieldErrs = fieldErrors(l, ve)
	}
	if problem != stampOK {
		notice := map[stampProblem]string{stampMissing: msgStampMissing, stampTooFast: msgTooFast, stampExpired: msgFormExpired}[problem]
		return show(http.StatusUnprocessableEntity, checkInState{errs: fieldErrs, notice: notice})
	}
	if fieldErrs != nil {
		return show(http.StatusUnprocessableEntity, checkInState{errs: fieldErrs, stamp: st.raw})
	}
	if s.rateLimits {
		if ok, _ := s.limits.checkinEmail.Allow(strings.ToLower(in.Email) + "|" + strconv.FormatInt(ev.ID, 10)); !ok {
			return show(http.StatusTooManyRequests, checkInState{notice: msgTooManyPerson, stamp: st.raw})
		}
	}

	in.ContactTextID, in.TalentPoolTextID = st.contactText, st.poolText
	res, err := s.store.CheckIn(ctx, ev, in)
	if errors.Is(err, models.ErrEventChanged) {
		var done bool
		if res, done, err = s.checkInAgain(c, ev, site, in); done {
			return res, true, err
		}
	}
	if errors.Is(err, models.ErrConsentTextChanged) {
		typed.Consent, typed.TalentPool = false, false
		return show(http.StatusUnprocessableEntity, checkInState{notice: msgTextChanged})
	}
	if err != nil {
		return none, true, err
	}
	s.metrics.checkins.Inc()
	s.nudgeMail()
	return res, false, nil
}

// fieldErrors says a form's validation errors in the reader's language: each next to its field,
// without the field's name (the error summary puts it in front).
func fieldErrors(l *i18n.Localizer, ve *models.ValidationError) map[string]string {
	out := make(map[string]string, len(ve.Fields))
	for f, msg := range ve.Fields {
		if p, ok := ve.Problems[f]; ok {
			msg = l.T(p.ID, "Max", l.Number(p.Max))
		}
		out[f] = msg
	}
	return out
}
