package handlers

import (
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// pairForm asks what the tablet will be called, so a lost one can be found on the devices page.
func (s *Server) pairForm(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	name, err := s.store.SuggestTabletName(c.Request().Context(), ev.ID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.PairPage(s.eventChrome(c, ev, "Sign in a tablet", "board"),
		pages.PairVM{Slug: ev.Slug, Event: ev.Name, Name: name}))
}

// pairDevice shows a one-time QR (5 minutes) that signs a tablet in for this event's booth only,
// as the person showing it, for as long as this session lasts. The QR is inlined as a data: URL
// so the token never sits in a fetchable image URL.
func (s *Server) pairDevice(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	sess := currentSession(c)
	vm := pages.PairVM{Slug: ev.Slug, Event: ev.Name, Name: c.FormValue("name")}
	token, expires, err := s.store.CreateDeviceLogin(c.Request().Context(), sess.User.ID, sess.Device.ID, ev.ID, vm.Name)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		vm.Name, vm.Error = typedValue(vm.Name), ve.Fields["name"]
		return render(c, http.StatusUnprocessableEntity, pages.PairPage(s.eventChrome(c, ev, "Sign in a tablet", "board"), vm))
	}
	if err != nil {
		return err
	}
	vm.URL = s.baseURL + paths.DeviceLogin(token)
	png, err := qrcode.Encode(vm.URL, qrcode.Medium, 384)
	if err != nil {
		return err
	}
	vm.QR, vm.Expires = "data:image/png;base64,"+base64.StdEncoding.EncodeToString(png), when(ev, expires)
	return render(c, http.StatusOK, pages.PairPage(s.eventChrome(c, ev, "Sign in a tablet", "board"), vm))
}

var errCodeSpent = echo.NewHTTPError(http.StatusNotFound,
	"This sign-in code was used already or has expired (codes work once, for 5 minutes, while the person who made it stays signed in). Make a new one on a signed-in device.")

func (s *Server) deviceLoginForm(c echo.Context) error {
	dl, err := s.store.DeviceLoginInfo(c.Request().Context(), c.Param("token"))
	if errors.Is(err, models.ErrTokenUsed) {
		return errCodeSpent
	}
	if err != nil {
		return err
	}
	vm := pages.DeviceLoginVM{Token: c.Param("token"), Name: dl.User.Name, Event: dl.Event.Name, Device: dl.Name}
	return render(c, http.StatusOK, pages.DeviceLoginPage(s.chrome(c, "Sign in this tablet", ""), vm))
}

// deviceLogin spends the code and starts this tablet's session, straight onto the board.
func (s *Server) deviceLogin(c echo.Context) error {
	ctx := c.Request().Context()
	sess, err := s.store.PairDevice(ctx, c.Param("token"), c.Request().UserAgent())
	if errors.Is(err, models.ErrTokenUsed) {
		return errCodeSpent
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, sess.Device.ID); err != nil {
		return err
	}
	return seeOther(c, paths.Event(sess.EventSlug))
}
