package handlers

import (
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/components"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// walkInLang is the walk-in's language: the one staff picked for them (?lang=, or the form's),
// else the event's. Their consent texts are shown and recorded in it, and their mail speaks it.
func walkInLang(c echo.Context, ev models.Event) string {
	lang := c.QueryParam(langParam)
	if lang == "" {
		lang = c.FormValue(langParam)
	}
	if !models.IsLanguage(lang) {
		lang = ev.Language
	}
	return lang
}

func (s *Server) walkInPage(c echo.Context, ev models.Event, status int, vm pages.WalkInVM) error {
	lang := walkInLang(c, ev)
	texts, err := s.store.ConsentTextsIn(c.Request().Context(), ev.ID, lang)
	if err != nil {
		return err
	}
	vm.Slug, vm.ConsentText, vm.PoolText = ev.Slug, texts.Contact.Body, texts.TalentPool.Body
	vm.Lang = lang
	for _, l := range s.i18n.Languages() {
		vm.Languages = append(vm.Languages, pages.LangChoice{Code: l.Code, Name: l.Name,
			Href: paths.QuickAdd(ev.Slug) + "?" + langParam + "=" + l.Code})
	}
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
		Consent: form.Get("consent") == "yes", TalentPool: form.Get("talent_pool") == "yes", ClientID: form.Get("client_id"),
		Language: walkInLang(c, ev)}
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
