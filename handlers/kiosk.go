package handlers

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/layouts"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// A kiosk is a browser at the booth (a tablet on a stand) that walk-up candidates check in on.
// A staff member opens /events/{slug}/kiosk: that signs their staff session out of this browser
// and gives it a kiosk session instead, which opens nothing but this event's check-in form and
// the confirmation of the check-in just made. After each check-in the confirmation (with the
// personal QR) shows for kioskShowTime, then the empty form comes back, and nothing of the
// previous person can be reached again: the confirmation lives at one fixed URL that shows only
// the latest check-in, and only until the kiosk moves on; pages are never stored (no-store), the
// form asks the browser not to remember anything (autocomplete=off), and kiosk.js clears the form
// when the page is left or comes back from the back-forward cache. Leaving kiosk mode takes a
// staff sign-in.

// Session keys of a kiosk.
const (
	kioskEventKey  = "kiosk_event"     // the event's id
	kioskSlugKey   = "kiosk_slug"      // its slug, to send a stray kiosk back to its form
	kioskIDKey     = "kiosk_id"        // random: the kiosk's own rate limit
	kioskThanksKey = "kiosk_thanks"    // the confirmation token of the latest check-in
	kioskShownKey  = "kiosk_thanks_at" // when it was made (Unix ms)
)

// kioskKey marks a request from a kiosk (its event id) in the echo context.
const kioskKey = "boothlead.kiosk"

// kioskShowTime is how long the confirmation stays on a kiosk before the empty form returns.
const kioskShowTime = 12 * time.Second

// kioskEvent is the event id of the kiosk this request comes from, or 0.
func kioskEvent(c echo.Context) int64 {
	id, _ := c.Get(kioskKey).(int64)
	return id
}

// kioskChrome is what a kiosk page adds to the candidate chrome; refresh > 0 on the confirmation.
func (s *Server) kioskChrome(ev models.Event, refresh int) *layouts.Kiosk {
	return &layouts.Kiosk{ExitURL: paths.KioskExit(ev.Slug), FormURL: paths.Kiosk(ev.Slug), RefreshSecs: refresh}
}

// kioskSite is the check-in form as a kiosk shows and sends it: one device, many people, so it is
// limited per kiosk rather than per IP address.
func (s *Server) kioskSite(c echo.Context, ev models.Event) checkInSite {
	return checkInSite{action: paths.Kiosk(ev.Slug), page: paths.Kiosk(ev.Slug), limit: s.limits.kiosk,
		limitBy: s.sessions.GetString(c.Request().Context(), kioskIDKey), kiosk: true}
}

// kioskOf loads the :slug event and checks this browser is its kiosk.
func (s *Server) kioskOf(c echo.Context) (models.Event, error) {
	noIndex(c)
	ev, err := s.event(c)
	if err != nil {
		return ev, err
	}
	if kioskEvent(c) != ev.ID {
		return ev, echo.NewHTTPError(http.StatusForbidden, "This browser is not this event's kiosk.")
	}
	return ev, nil
}

// kiosk shows the empty check-in form. Opened by a signed-in staff member, it first turns this
// browser into the event's kiosk (their staff session here ends).
func (s *Server) kiosk(c echo.Context) error {
	noIndex(c)
	ctx := c.Request().Context()
	if u := currentUser(c); u != nil {
		ev, err := s.event(c)
		if err != nil {
			return err
		}
		if ev.Status != models.StatusLive {
			return echo.NewHTTPError(http.StatusConflict,
				"Check-in is not open for this event, so a kiosk would take none: an admin sets the event to live first.")
		}
		if err := s.store.StartKiosk(ctx, u.ID, s.sessions.GetInt64(ctx, "device_id"), ev.ID); err != nil {
			return err
		}
		if err := s.sessions.RenewToken(ctx); err != nil {
			return err
		}
		s.sessions.Remove(ctx, "device_id")
		s.sessions.Remove(ctx, "flash")
		s.sessions.Put(ctx, kioskEventKey, ev.ID)
		s.sessions.Put(ctx, kioskSlugKey, ev.Slug)
		s.sessions.Put(ctx, kioskIDKey, models.NewToken(12))
		c.Set(userKey, nil)
		c.Set(sessionKey, nil)
		c.Set(kioskKey, ev.ID)
		// what the browser kept of the staff pages goes (kiosk.js also removes the service worker)
		c.Response().Header().Set("Clear-Site-Data", `"cache"`)
	}
	ev, err := s.kioskOf(c)
	if err != nil {
		return err
	}
	// moving on: the previous confirmation cannot be opened again
	s.sessions.Remove(ctx, kioskThanksKey)
	s.sessions.Remove(ctx, kioskShownKey)
	if !s.isOpen(c, ev, paths.Kiosk(ev.Slug), true, &err) {
		return err
	}
	return s.showCheckIn(c, ev, s.kioskSite(c, ev), http.StatusOK, checkInState{})
}

// kioskCheckIn records a check-in made on the kiosk and shows its confirmation.
func (s *Server) kioskCheckIn(c echo.Context) error {
	ev, err := s.kioskOf(c)
	if err != nil {
		return err
	}
	if !s.isOpen(c, ev, paths.Kiosk(ev.Slug), true, &err) {
		return err
	}
	res, done, err := s.receiveCheckIn(c, ev, s.kioskSite(c, ev))
	if done || err != nil {
		return err
	}
	ctx := c.Request().Context()
	s.sessions.Put(ctx, kioskThanksKey, res.ThanksToken)
	s.sessions.Put(ctx, kioskShownKey, time.Now().UnixMilli())
	return seeOther(c, paths.KioskDone(ev.Slug))
}

// kioskDone is the confirmation of the kiosk's latest check-in, for kioskShowTime; later, or
// once the kiosk moved on, it leads back to the empty form.
func (s *Server) kioskDone(c echo.Context) error {
	ev, err := s.kioskOf(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	token := s.sessions.GetString(ctx, kioskThanksKey)
	left := time.Duration(s.kioskShow.Load()) - time.Since(time.UnixMilli(s.sessions.GetInt64(ctx, kioskShownKey)))
	if token == "" || left <= 0 {
		s.sessions.Remove(ctx, kioskThanksKey)
		s.sessions.Remove(ctx, kioskShownKey)
		return seeOther(c, paths.Kiosk(ev.Slug))
	}
	v, err := s.store.VisitByThanksToken(ctx, token)
	if errors.Is(err, models.ErrNotFound) {
		return seeOther(c, paths.Kiosk(ev.Slug)) // erased meanwhile
	}
	if err != nil {
		return err
	}
	l := s.candidateLang(c, v.Language, ev.Language)
	vm := thanksVM(v)
	vm.Kiosk = &pages.KioskDone{Seconds: max(1, int((left+time.Second-1)/time.Second)), Next: paths.Kiosk(ev.Slug)}
	return s.thanksPage(c, ev, l, vm)
}

// kioskExitForm asks for a staff sign-in to leave kiosk mode.
func (s *Server) kioskExitForm(c echo.Context) error {
	ev, err := s.kioskOf(c)
	if err != nil {
		return err
	}
	return s.kioskExitPage(c, ev, http.StatusOK, pages.KioskExitVM{})
}

func (s *Server) kioskExitPage(c echo.Context, ev models.Event, status int, vm pages.KioskExitVM) error {
	l := s.candidateLang(c, "", ev.Language)
	vm.Slug, vm.Event, vm.Company = ev.Slug, ev.Name, ev.Company
	ch := s.candidateChrome(c, l.T("kiosk.exit_title"), l, paths.KioskExit(ev.Slug))
	ch.Kiosk = &layouts.Kiosk{FormURL: paths.Kiosk(ev.Slug)}
	return render(c, status, pages.KioskExitPage(ch, vm))
}

// kioskExit ends kiosk mode with a staff sign-in: the browser is then that person's again.
func (s *Server) kioskExit(c echo.Context) error {
	ev, err := s.kioskOf(c)
	if err != nil {
		return err
	}
	l := s.candidateLang(c, "", ev.Language)
	email := strings.TrimSpace(c.FormValue("email"))
	u, err := s.store.Authenticate(c.Request().Context(), email, c.FormValue("password"), c.RealIP())
	switch {
	case errors.Is(err, models.ErrBadLogin):
		return s.kioskExitPage(c, ev, http.StatusUnauthorized, pages.KioskExitVM{Email: email, Error: l.T("kiosk.exit_wrong")})
	case errors.Is(err, models.ErrTooManyTries):
		return s.kioskExitPage(c, ev, http.StatusTooManyRequests, pages.KioskExitVM{Email: email, Error: l.T("kiosk.exit_too_many")})
	case err != nil:
		return err
	}
	if err := s.signIn(c, u, "Browser (after kiosk mode)"); err != nil {
		return err
	}
	return seeOther(c, paths.Event(ev.Slug))
}

// endKiosk forgets that this browser is a kiosk (a staff member signs in on it).
func (s *Server) endKiosk(c echo.Context) {
	ctx := c.Request().Context()
	for _, k := range []string{kioskEventKey, kioskSlugKey, kioskIDKey, kioskThanksKey, kioskShownKey} {
		s.sessions.Remove(ctx, k)
	}
	c.Set(kioskKey, int64(0))
}
