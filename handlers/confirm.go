package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// Destructive one-click actions (a new check-in key, deactivating an account, ending a device)
// ask once, naming what will happen: the first POST answers with a question page whose form
// posts the same again with confirm=yes. It works without JavaScript.

// confirmed reports whether the form says the person confirmed the consequence.
func confirmed(c echo.Context) bool { return c.FormValue("confirm") == "yes" }

func (s *Server) confirmRotateKey(c echo.Context, ev models.Event) error {
	vm := pages.ConfirmVM{Title: "Make a new QR code for " + ev.Name + "?",
		Consequence: []string{
			"Every printed poster stops working: people who scan the old QR code see “this code is no longer valid”.",
			"Print the poster again and put it up where the old one hung.",
		},
		Action: paths.RotateKey(ev.Slug), Button: "Make a new QR code", Cancel: paths.EditEvent(ev.Slug)}
	return render(c, http.StatusOK, pages.ConfirmPage(s.eventChrome(c, ev, "Make a new QR code?", "events"), vm))
}

func (s *Server) confirmDeactivate(c echo.Context, id int64) error {
	ctx := c.Request().Context()
	u, err := s.store.StaffUserByID(ctx, id)
	if err != nil {
		return err
	}
	ds, err := s.store.ActiveDevices(ctx)
	if err != nil {
		return err
	}
	n := 0
	for _, d := range ds {
		if d.UserID == id {
			n++
		}
	}
	vm := pages.ConfirmVM{Title: "Deactivate " + u.Name + "?",
		Consequence: []string{
			u.Name + " (" + u.Email + ") can no longer sign in.",
			fmt.Sprintf("%s signed out at once, tablets they signed in included; open boards close within seconds.", devicesWords(n)),
			"Their password reset links and tablet sign-in codes stop working. You can reactivate the account later.",
		},
		Action: paths.StaffActive(id), Fields: []pages.HiddenField{{Name: "active", Value: "false"}},
		Button: "Deactivate " + u.Name, Cancel: paths.Staff()}
	return render(c, http.StatusOK, pages.ConfirmPage(s.chrome(c, "Deactivate "+u.Name+"?", "staff"), vm))
}

func (s *Server) confirmEndDevice(c echo.Context, id int64) error {
	ctx := c.Request().Context()
	d, err := s.store.ActiveDevice(ctx, id)
	if err != nil {
		return err
	}
	ds, err := s.store.ActiveDevices(ctx)
	if err != nil {
		return err
	}
	tablets := 0
	for _, o := range ds {
		if o.ParentID != nil && *o.ParentID == id {
			tablets++
		}
	}
	what := "“" + d.Label + "” of " + d.UserName
	if d.Paired() {
		what = "The tablet “" + d.Label + "” (" + d.EventName + ", signed in by " + d.UserName + ")"
	}
	lines := []string{what + " is signed out at once; an open board on it closes within seconds.",
		"It needs a new sign-in to be used again."}
	if tablets > 0 {
		lines = append(lines, fmt.Sprintf("%s it signed in end too.", tabletsWords(tablets)))
	}
	vm := pages.ConfirmVM{Title: "Sign out “" + d.Label + "”?", Consequence: lines, Action: paths.EndDevice(id),
		Button: "Sign it out", Cancel: paths.Devices()}
	return render(c, http.StatusOK, pages.ConfirmPage(s.chrome(c, "Sign out a device?", "devices"), vm))
}

func devicesWords(n int) string {
	switch n {
	case 0:
		return "No device of theirs is signed in now; any would be"
	case 1:
		return "Their 1 signed-in device is"
	}
	return fmt.Sprintf("Their %d signed-in devices are", n)
}

func tabletsWords(n int) string {
	if n == 1 {
		return "The tablet"
	}
	return fmt.Sprintf("The %d tablets", n)
}
