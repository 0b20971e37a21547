package handlers

import (
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/components"
	"github.com/boothlead/boothlead/views/pages"
)

func (s *Server) walkInPage(c echo.Context, ev models.Event, status int, vm pages.WalkInVM) error {
	texts, err := s.store.CurrentConsentTexts(c.Request().Context(), ev.ID)
	if err != nil {
		return err
	}
	vm.Slug, vm.ConsentText, vm.PoolText = ev.Slug, texts.Contact.Body, texts.TalentPool.Body
	if vm.ClientID == "" {
		vm.ClientID = uuid.NewString()
	}
	picked := map[string]bool{}
	for _, o := range vm.Interests {
		picked[o.Value] = true
	}
	vm.Interests = nil
	for _, it := range ev.Interests {
		vm.Interests = append(vm.Interests, components.Option{Value: it, Label: it, Checked: picked[it]})
	}
	return render(c, status, pages.WalkInPage(s.eventChrome(c, ev, "Add a walk-in", "board"), vm))
}

func (s *Server) walkInForm(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	return s.walkInPage(c, ev, http.StatusOK, pages.WalkInVM{})
}

// walkIn adds a person staff talked to who has no phone at hand; the consent record says staff
// captured it. A re-sent capture (same client_id) opens the lead the first one made.
func (s *Server) walkIn(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	form, _ := c.FormParams()
	in := models.LeadInput{Name: form.Get("name"), Email: form.Get("email"), Interests: form["interests"],
		Consent: form.Get("consent") == "yes", TalentPool: form.Get("talent_pool") == "yes", ClientID: form.Get("client_id")}
	clean, err := models.CheckLead(ev, in, true)
	var lead models.Lead
	if err == nil {
		lead, _, err = s.store.AddWalkIn(c.Request().Context(), ev, currentUser(c).ID, clean)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		vm := pages.WalkInVM{ClientID: in.ClientID, Name: in.Name, Email: in.Email, Consent: in.Consent,
			TalentPool: in.TalentPool, Errors: ve.Fields}
		for _, it := range in.Interests {
			vm.Interests = append(vm.Interests, components.Option{Value: it})
		}
		return s.walkInPage(c, ev, http.StatusUnprocessableEntity, vm)
	}
	if err != nil {
		return err
	}
	return seeOther(c, leadDone(lead.ID, "walk-in"))
}
