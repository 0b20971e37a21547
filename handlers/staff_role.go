package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// staffRole changes a colleague's role from the staff page (admin). Admins cannot change their
// own role there (another admin can), and the last active admin stays an admin.
func (s *Server) staffRole(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	me := currentUser(c)
	if id == me.ID {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "You cannot change your own role; ask another admin.")
	}
	ctx := c.Request().Context()
	role := c.FormValue("role")
	err = s.store.SetStaffRole(ctx, me.ID, id, role)
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "Choose booth staff, recruiter or admin.")
	case errors.Is(err, models.ErrLastAdmin):
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "This is the last active admin: make someone else an admin first.")
	case err != nil:
		return err
	}
	u, err := s.store.StaffUserByID(ctx, id)
	if err != nil {
		return err
	}
	s.flash(c, u.Name+" is now "+pages.RoleLabel(u.Role)+".")
	return seeOther(c, paths.Staff())
}
