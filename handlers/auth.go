package handlers

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// home sends people where they belong: setup on a new install, sign-in, or the events.
func (s *Server) home(c echo.Context) error {
	if kioskEvent(c) != 0 && currentUser(c) == nil {
		return c.Redirect(http.StatusSeeOther, paths.Kiosk(s.sessions.GetString(c.Request().Context(), kioskSlugKey)))
	}
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, landing(c))
	}
	n, err := s.store.StaffCount(c.Request().Context())
	if err != nil {
		return err
	}
	if n == 0 {
		return c.Redirect(http.StatusSeeOther, paths.Setup())
	}
	return s.loginForm(c)
}

func (s *Server) setupForm(c echo.Context) error {
	n, err := s.store.StaffCount(c.Request().Context())
	if err != nil {
		return err
	}
	if n > 0 {
		return c.Redirect(http.StatusSeeOther, paths.Login())
	}
	return render(c, http.StatusOK, pages.SetupPage(s.chrome(c, "Set up", ""), pages.SetupVM{}))
}

// setup creates the first admin and signs them in; afterwards the page is gone for good.
func (s *Server) setup(c echo.Context) error {
	in := models.StaffInput{Name: c.FormValue("name"), Email: c.FormValue("email"),
		Password: c.FormValue("password"), Role: models.RoleAdmin}
	u, err := models.NewStaffUser(in)
	if err == nil {
		u, err = s.store.CreateFirstAdmin(c.Request().Context(), u)
	}
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		vm := pages.SetupVM{Name: in.Name, Email: in.Email, Errors: ve.Fields}
		return render(c, http.StatusUnprocessableEntity, pages.SetupPage(s.chrome(c, "Set up", ""), vm))
	case errors.Is(err, models.ErrSetupDone):
		return c.Redirect(http.StatusSeeOther, paths.Login())
	case err != nil:
		return err
	}
	if err := s.signIn(c, u, "Browser"); err != nil {
		return err
	}
	s.flash(c, "Welcome, "+u.Name+". Create your first event.")
	return seeOther(c, paths.NewEvent())
}

func (s *Server) loginForm(c echo.Context) error {
	next := safeNext(c.QueryParam("next"), "")
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, cmp.Or(next, landing(c)))
	}
	return render(c, http.StatusOK, pages.LoginPage(s.chrome(c, "Sign in", ""), pages.LoginVM{Next: next}))
}

// login checks the credentials; a wrong email and a wrong password get the same answer.
func (s *Server) login(c echo.Context) error {
	email, next := strings.TrimSpace(c.FormValue("email")), safeNext(c.FormValue("next"), "")
	u, err := s.store.Authenticate(c.Request().Context(), email, c.FormValue("password"), c.RealIP())
	vm := pages.LoginVM{Email: typedValue(email), Next: next}
	var te *models.ThrottledError
	switch {
	case errors.Is(err, models.ErrBadLogin):
		vm.Error = "Wrong email or password."
		return render(c, http.StatusUnauthorized, pages.LoginPage(s.chrome(c, "Sign in", ""), vm))
	case errors.As(err, &te):
		secs := int(te.Wait.Seconds())
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		vm.Error = fmt.Sprintf("Too many failed attempts. Wait %s, then try again — or ask an admin for a password reset link.", waitWords(secs))
		return render(c, http.StatusTooManyRequests, pages.LoginPage(s.chrome(c, "Sign in", ""), vm))
	case err != nil:
		return err
	}
	if err := s.signIn(c, u, "Browser"); err != nil {
		return err
	}
	return seeOther(c, cmp.Or(next, paths.Events()))
}

// waitWords says a wait in seconds the way people say it.
func waitWords(secs int) string {
	switch {
	case secs <= 1:
		return "a second"
	case secs < 90:
		return strconv.Itoa(secs) + " seconds"
	}
	return strconv.Itoa((secs+59)/60) + " minutes"
}

// signIn starts a session for u on a new device record, with a fresh session id.
func (s *Server) signIn(c echo.Context, u models.StaffUser, label string) error {
	d, err := s.store.CreateDevice(c.Request().Context(), u.ID, label, c.Request().UserAgent())
	if err != nil {
		return err
	}
	if err := s.startSession(c, d.ID); err != nil {
		return err
	}
	c.Set(userKey, &u)
	c.Set(sessionKey, &models.Session{User: u, Device: d})
	return nil
}

// startSession makes this browser's session the device's, under a fresh session id.
func (s *Server) startSession(c echo.Context, deviceID int64) error {
	ctx := c.Request().Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, "device_id", deviceID)
	s.endKiosk(c) // a staff sign-in on a kiosk ends kiosk mode
	return nil
}

// logout ends this device's session, the tablets it paired and its pairing codes; their open
// live streams close within seconds.
func (s *Server) logout(c echo.Context) error {
	ctx := c.Request().Context()
	if u := currentUser(c); u != nil {
		if id := s.sessions.GetInt64(ctx, "device_id"); id != 0 {
			if err := s.store.EndDevice(ctx, u.ID, id); err != nil {
				return err
			}
		}
	}
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	return seeOther(c, paths.Login())
}

func (s *Server) resetForm(c echo.Context) error {
	link, err := s.store.PasswordResetUser(c.Request().Context(), c.Param("token"))
	if errors.Is(err, models.ErrTokenUsed) {
		return errResetUsed
	}
	if err != nil {
		return err
	}
	vm := pages.ResetVM{Token: c.Param("token"), Name: link.User.Name, Invite: link.Purpose == models.PasswordInvite}
	return render(c, http.StatusOK, pages.ResetPage(s.chrome(c, "New password", ""), vm))
}

func (s *Server) reset(c echo.Context) error {
	token := c.Param("token")
	u, err := s.store.UsePasswordReset(c.Request().Context(), token, c.FormValue("password"))
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		link, _ := s.store.PasswordResetUser(c.Request().Context(), token)
		vm := pages.ResetVM{Token: token, Name: link.User.Name, Invite: link.Purpose == models.PasswordInvite, Errors: ve.Fields}
		return render(c, http.StatusUnprocessableEntity, pages.ResetPage(s.chrome(c, "New password", ""), vm))
	case errors.Is(err, models.ErrTokenUsed):
		return errResetUsed
	case err != nil:
		return err
	}
	if err := s.signIn(c, u, "Browser"); err != nil {
		return err
	}
	s.flash(c, "Your new password is saved.")
	return seeOther(c, paths.Events())
}

func (s *Server) account(c echo.Context) error {
	u := currentUser(c)
	vm := pages.AccountVM{Name: u.Name, Email: u.Email, Role: u.Role, Saved: c.QueryParam("saved") == "1"}
	return render(c, http.StatusOK, pages.AccountPage(s.chrome(c, "Your account", "account"), vm))
}

func (s *Server) changePassword(c echo.Context) error {
	u, ctx := currentUser(c), c.Request().Context()
	err := s.store.ChangePassword(ctx, u.ID, currentSession(c).Device.ID, c.FormValue("current_password"), c.FormValue("new_password"))
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		vm := pages.AccountVM{Name: u.Name, Email: u.Email, Role: u.Role, Errors: ve.Fields}
		return render(c, http.StatusUnprocessableEntity, pages.AccountPage(s.chrome(c, "Your account", "account"), vm))
	}
	if err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	return seeOther(c, paths.Account()+"?saved=1")
}
