package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/layouts"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// selfServiceUpdate saves the candidate's corrections from their private page.
func (s *Server) selfServiceUpdate(c echo.Context) error {
	lead, ev, err := s.selfLead(c)
	if err != nil {
		return err
	}
	params, err := c.FormParams()
	if err != nil {
		return candidateError(http.StatusBadRequest, "error.form_unreadable")
	}
	ctx := c.Request().Context()
	l := s.leadLang(c, lead, ev)
	qs, err := s.store.Questions(ctx, ev.ID)
	if err != nil {
		return err
	}
	post := bindCheckIn(params)
	post.In.Email = lead.EmailText() // the address the link was mailed to stays (see leadFields)
	in, err := models.CheckLeadWith(ev, qs, post.In, false)
	if err == nil {
		_, err = s.store.UpdateLead(ctx, 0, lead, in)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		vm, verr := s.selfServiceVM(c, l, lead, ev)
		if verr != nil {
			return verr
		}
		vm.Form, vm.Errors = typedForm(post.In, ev.Interests), fieldErrors(l, ve)
		vm.Questions = questionVMs(l, qs, post.In.Answers)
		return render(c, http.StatusUnprocessableEntity, pages.SelfServicePage(s.selfChrome(c, l), vm))
	}
	if err != nil {
		return err
	}
	return seeOther(c, s.selfURL(c, l, "saved"))
}

// selfChrome is the chrome of the private page after one of its forms was sent.
func (s *Server) selfChrome(c echo.Context, l *i18n.Localizer) layouts.Chrome {
	return s.candidateChrome(c, l.T("self.title"), l, paths.SelfService(c.Param("token")))
}

// selfURL is the private page saying what was done, in the language it was done in.
func (s *Server) selfURL(c echo.Context, l *i18n.Localizer, done string) string {
	return paths.SelfService(c.Param("token")) + "?" + url.Values{"done": {done}, langParam: {l.Lang()}}.Encode()
}

// selfServiceWithdraw withdraws the ticked consents.
func (s *Server) selfServiceWithdraw(c echo.Context) error {
	lead, ev, err := s.selfLead(c)
	if err != nil {
		return err
	}
	params, err := c.FormParams()
	if err != nil {
		return candidateError(http.StatusBadRequest, "error.form_unreadable")
	}
	l := s.leadLang(c, lead, ev)
	var purposes []string
	for _, p := range params["purpose"] {
		if p == models.PurposeContact || p == models.PurposeTalentPool {
			purposes = append(purposes, p)
		}
	}
	if len(purposes) == 0 {
		vm, err := s.selfServiceVM(c, l, lead, ev)
		if err != nil {
			return err
		}
		vm.WithdrawError = l.T("self.withdraw_none")
		return render(c, http.StatusUnprocessableEntity, pages.SelfServicePage(s.selfChrome(c, l), vm))
	}
	if err := s.store.WithdrawConsents(c.Request().Context(), lead, purposes); err != nil {
		return err
	}
	return seeOther(c, s.selfURL(c, l, "withdrawn"))
}

// selfServiceDelete erases the candidate's data after a confirmation step (WCAG 3.3.4); the
// audit log keeps only the lead's id.
func (s *Server) selfServiceDelete(c echo.Context) error {
	lead, ev, err := s.selfLead(c)
	if err != nil {
		return err
	}
	l := s.leadLang(c, lead, ev)
	if c.FormValue("confirm") != "yes" {
		ch := s.candidateChrome(c, l.T("delete.title"), l, paths.SelfService(c.Param("token")))
		ch.LangSwitch = nil // the switch would leave this step: it is one click back to the page
		return render(c, http.StatusOK, pages.SelfServiceDeleteConfirmPage(ch, c.Param("token"), ev.Company, ev.Name))
	}
	if err := s.store.DeleteLead(c.Request().Context(), 0, lead, "candidate"); err != nil {
		return err
	}
	ch := s.candidateChrome(c, l.T("deleted.title"), l, "")
	ch.LangSwitch = nil // the private page is gone
	return render(c, http.StatusOK, pages.SelfServiceDeletedPage(ch, ev.Company, ev.Name))
}
