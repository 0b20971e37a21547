package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

func (s *Server) staffPage(c echo.Context, status int, vm pages.StaffVM) error {
	users, err := s.store.StaffUsers(c.Request().Context())
	if err != nil {
		return err
	}
	me := currentUser(c)
	for _, u := range users {
		vm.Users = append(vm.Users, pages.StaffRow{ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role,
			Active: u.Active, IsMe: u.ID == me.ID, Invited: u.PasswordHash == ""})
	}
	vm.MailOn = s.mailOn()
	return render(c, status, pages.StaffPage(s.chrome(c, "Staff", "staff"), vm))
}

func (s *Server) staffList(c echo.Context) error {
	vm := pages.StaffVM{}
	ctx := c.Request().Context()
	// A password link is shown exactly once, right after it was made (only when mail is off).
	if link := s.sessions.PopString(ctx, "reset_link"); link != "" {
		vm.ResetLink, vm.ResetFor = link, s.sessions.PopString(ctx, "reset_for")
		vm.ResetInvite = s.sessions.PopBool(ctx, "reset_invite")
	}
	return s.staffPage(c, http.StatusOK, vm)
}

// staffCreate adds a colleague. Without a password, the account gets an invitation: mailed when
// mail is set up, otherwise a link shown once for the admin to hand over.
func (s *Server) staffCreate(c echo.Context) error {
	ctx := c.Request().Context()
	in := models.StaffInput{Name: c.FormValue("name"), Email: c.FormValue("email"), Role: c.FormValue("role"),
		Password: c.FormValue("password"), Invite: true}
	u, err := models.NewStaffUser(in)
	token := ""
	if err == nil && u.PasswordHash == "" {
		u, token, err = s.store.InviteStaffUser(ctx, currentUser(c).ID, u, s.mailOn())
	} else if err == nil {
		u, err = s.store.CreateStaffUser(ctx, u)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return s.staffPage(c, http.StatusUnprocessableEntity, pages.StaffVM{Name: in.Name, Email: in.Email, Role: in.Role, Errors: ve.Fields})
	}
	if err != nil {
		return err
	}
	if err := s.store.Audit(ctx, currentUser(c).ID, "staff.create", 0, strconv.FormatInt(u.ID, 10),
		map[string]any{"role": u.Role, "invited": u.PasswordHash == ""}); err != nil {
		return err
	}
	switch {
	case token != "":
		s.sessions.Put(ctx, "reset_link", s.baseURL+paths.ResetPassword(token))
		s.sessions.Put(ctx, "reset_for", u.Name)
		s.sessions.Put(ctx, "reset_invite", true)
	case u.PasswordHash == "":
		s.nudgeMail()
		s.flash(c, u.Name+" gets an invitation by mail to choose a password.")
	default:
		s.flash(c, u.Name+" can now sign in as "+u.Role+".")
	}
	return seeOther(c, paths.Staff())
}

func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound, "There is nothing at this address.")
	}
	return id, nil
}

// staffReset mails a colleague a link to choose a new password (an invitation, if they never had
// one). When mail is not set up, the link is shown once instead, for the admin to hand over.
func (s *Server) staffReset(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := s.store.StaffUserByID(ctx, id)
	if err != nil {
		return err
	}
	if !u.Active {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "Reactivate the account first: deactivated accounts cannot set a password.")
	}
	if s.mailOn() {
		if err := s.store.QueuePasswordMail(ctx, currentUser(c).ID, id); err != nil {
			return err
		}
		s.nudgeMail()
		s.flash(c, "A link to choose a new password is on its way to "+u.Name+" ("+u.Email+").")
		return seeOther(c, paths.Staff())
	}
	token, err := s.store.CreatePasswordReset(ctx, currentUser(c).ID, id)
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "reset_link", s.baseURL+paths.ResetPassword(token))
	s.sessions.Put(ctx, "reset_for", u.Name)
	return seeOther(c, paths.Staff())
}

// staffActive deactivates (ending every session at once) or reactivates an account.
func (s *Server) staffActive(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	me := currentUser(c)
	if id == me.ID {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "You cannot deactivate your own account.")
	}
	active := c.FormValue("active") == "true"
	if !active && !confirmed(c) {
		return s.confirmDeactivate(c, id)
	}
	if err := s.store.SetStaffActive(c.Request().Context(), me.ID, id, active); err != nil {
		return err
	}
	if active {
		s.flash(c, "The account is active again.")
	} else {
		s.flash(c, "The account is deactivated; its devices are signed out.")
	}
	return seeOther(c, paths.Staff())
}

func (s *Server) deviceList(c echo.Context) error {
	ctx := c.Request().Context()
	ds, err := s.store.ActiveDevices(ctx)
	if err != nil {
		return err
	}
	this := s.sessions.GetInt64(ctx, "device_id")
	rows := make([]pages.DeviceRow, 0, len(ds))
	for _, d := range ds {
		rows = append(rows, pages.DeviceRow{ID: d.ID, User: d.UserName, Email: d.UserEmail, Label: d.Label,
			Agent: shortAgent(d.UserAgent), Since: d.CreatedAt.UTC().Format("2 Jan 15:04 UTC"),
			Seen: d.LastSeenAt.UTC().Format("2 Jan 15:04 UTC"), IsThis: d.ID == this, Event: d.EventName})
	}
	return render(c, http.StatusOK, pages.DevicesPage(s.chrome(c, "Devices", "devices"), rows))
}

func (s *Server) deviceEnd(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if !confirmed(c) {
		return s.confirmEndDevice(c, id)
	}
	if err := s.store.EndDevice(c.Request().Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	s.flash(c, "The device is signed out.")
	return seeOther(c, paths.Devices())
}

func (s *Server) auditList(c echo.Context) error {
	es, err := s.store.AuditLog(c.Request().Context(), 300)
	if err != nil {
		return err
	}
	rows := make([]pages.AuditRow, 0, len(es))
	for _, e := range es {
		rows = append(rows, pages.NewAuditRow(e))
	}
	return render(c, http.StatusOK, pages.AuditPage(s.chrome(c, "Audit log", "audit"), rows))
}

// shortAgent names a browser from its user agent in a few words.
func shortAgent(ua string) string {
	switch {
	case ua == "":
		return "unknown browser"
	case strings.Contains(ua, "iPad"):
		return "iPad"
	case strings.Contains(ua, "iPhone"):
		return "iPhone"
	case strings.Contains(ua, "Android"):
		return "Android"
	case strings.Contains(ua, "Mac OS X"):
		return "Mac"
	case strings.Contains(ua, "Windows"):
		return "Windows"
	case strings.Contains(ua, "Linux"):
		return "Linux"
	}
	if len(ua) > 40 {
		return ua[:40] + "…"
	}
	return ua
}
