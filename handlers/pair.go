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

// pairDevice shows a one-time QR (5 minutes) that signs a tablet in as the person showing it.
// The QR is inlined as a data: URL so the token never sits in a fetchable image URL.
func (s *Server) pairDevice(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	token, expires, err := s.store.CreateDeviceLogin(c.Request().Context(), u.ID, ev.ID)
	if err != nil {
		return err
	}
	url := s.baseURL + paths.DeviceLogin(token)
	png, err := qrcode.Encode(url, qrcode.Medium, 384)
	if err != nil {
		return err
	}
	vm := pages.PairVM{Slug: ev.Slug, Event: ev.Name, URL: url,
		QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png), Expires: when(ev, expires)}
	return render(c, http.StatusOK, pages.PairPage(s.eventChrome(c, ev, "Sign in a tablet", "board"), vm))
}

var errCodeSpent = echo.NewHTTPError(http.StatusNotFound,
	"This sign-in code was used already or has expired (codes work once, for 5 minutes). Make a new one on a signed-in device.")

func (s *Server) deviceLoginForm(c echo.Context) error {
	u, ev, err := s.store.DeviceLoginInfo(c.Request().Context(), c.Param("token"))
	if errors.Is(err, models.ErrTokenUsed) {
		return errCodeSpent
	}
	if err != nil {
		return err
	}
	vm := pages.DeviceLoginVM{Token: c.Param("token"), Name: u.Name, Event: ev.Name}
	return render(c, http.StatusOK, pages.DeviceLoginPage(s.chrome(c, "Sign in this tablet", ""), vm))
}

// deviceLogin spends the code and starts a session on this tablet, straight onto the board.
func (s *Server) deviceLogin(c echo.Context) error {
	u, ev, err := s.store.UseDeviceLogin(c.Request().Context(), c.Param("token"))
	if errors.Is(err, models.ErrTokenUsed) {
		return errCodeSpent
	}
	if err != nil {
		return err
	}
	if err := s.signIn(c, u, "Tablet for "+ev.Name+" (QR sign-in)"); err != nil {
		return err
	}
	return seeOther(c, paths.Event(ev.Slug))
}
