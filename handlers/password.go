package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/mail"
	"github.com/boothlead/boothlead/views/pages"
)

// errResetUsed answers a password link that was used, has expired or belongs to a deactivated
// account.
var errResetUsed = echo.NewHTTPError(http.StatusNotFound,
	"This link was used already or has expired. Ask for a new one on the sign-in page, or ask an admin.")

func (s *Server) forgotForm(c echo.Context) error {
	return render(c, http.StatusOK, pages.ForgotPage(s.chrome(c, "Forgot password", ""), pages.ForgotVM{}))
}

// forgot queues a reset mail for the account with this email, if any. The answer is the same for
// every address, so the page tells nobody which addresses have accounts; the Store sends at most
// one mail per account every few minutes.
func (s *Server) forgot(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	if _, err := mail.ParseAddress(email); err != nil || len(email) > 254 {
		vm := pages.ForgotVM{Email: typedValue(email), Error: "Enter the email address of your account, like name@example.com."}
		return render(c, http.StatusUnprocessableEntity, pages.ForgotPage(s.chrome(c, "Forgot password", ""), vm))
	}
	if s.rateLimits {
		if ok, _ := s.limits.forgot.Allow(c.RealIP()); !ok {
			vm := pages.ForgotVM{Email: email, Error: "Too many requests from this network. Wait a minute and try again."}
			return render(c, http.StatusTooManyRequests, pages.ForgotPage(s.chrome(c, "Forgot password", ""), vm))
		}
	}
	if err := s.store.RequestPasswordReset(c.Request().Context(), email); err != nil {
		return err
	}
	s.nudgeMail()
	return render(c, http.StatusOK, pages.ForgotPage(s.chrome(c, "Forgot password", ""), pages.ForgotVM{Email: email, Sent: true}))
}
