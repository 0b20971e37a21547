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
			Active: u.Active, IsMe: u.ID == me.ID})
	}
	return render(c, status, pages.StaffPage(s.chrome(c, "Staff", "staff"), vm))
}

func (s *Server) staffList(c echo.Context) error {
	vm := pages.StaffVM{}
	ctx := c.Request().Context()
	// A reset link is shown exactly once, right after it was made.
	if link := s.sessions.PopString(ctx, "reset_link"); link != "" {
		vm.ResetLink, vm.ResetFor = link, s.sessions.PopString(ctx, "reset_for")
	}
	return s.staffPage(c, http.StatusOK, vm)
}

func (s *Server) staffCreate(c echo.Context) error {
	in := models.StaffInput{Name: c.FormValue("name"), Email: c.FormValue("email"), Role: c.FormValue("role"),
		Password: c.FormValue("password")}
	u, err := models.NewStaffUser(in)
	if err == nil {
		u, err = s.store.CreateStaffUser(c.Request().Context(), u)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return s.staffPage(c, http.StatusUnprocessableEntity, pages.StaffVM{Name: in.Name, Email: in.Email, Role: in.Role, Errors: ve.Fields})
	}
	if err != nil {
		return err
	}
	if err := s.store.Audit(c.Request().Context(), currentUser(c).ID, "staff.create", 0, strconv.FormatInt(u.ID, 10),
		map[string]any{"role": u.Role}); err != nil {
		return err
	}
	s.flash(c, u.Name+" can now sign in as "+u.Role+".")
	return seeOther(c, paths.Staff())
}

func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound, "There is nothing at this address.")
	}
	return id, nil
}

// staffReset makes a one-time reset link and shows it once on the staff page.
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
			Seen: d.LastSeenAt.UTC().Format("2 Jan 15:04 UTC"), IsThis: d.ID == this})
	}
	return render(c, http.StatusOK, pages.DevicesPage(s.chrome(c, "Devices", "devices"), rows))
}

func (s *Server) deviceEnd(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
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
