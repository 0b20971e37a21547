package handlers

import (
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
)

// eventWording reads the consent texts of the event form: the two main fields in the language the
// form showed them in (consent_lang), the others per language (consent.<lang>.<purpose>).
func eventWording(c echo.Context, in models.EventInput) models.ConsentWording {
	w := models.ConsentWording{}
	main := c.FormValue("consent_lang")
	if !models.IsLanguage(main) {
		main = in.Language
	}
	if !models.IsLanguage(main) {
		main = "en"
	}
	for _, l := range models.Languages {
		for _, p := range []string{models.PurposeContact, models.PurposeTalentPool} {
			if v := c.FormValue("consent." + l + "." + p); v != "" {
				w.Set(l, p, v)
			}
		}
	}
	w.Set(main, models.PurposeContact, in.ContactConsent)
	w.Set(main, models.PurposeTalentPool, in.TalentPoolConsent)
	return w
}

// checkEvent validates an event form, consent texts in every language included.
func checkEvent(old models.Event, in models.EventInput, w models.ConsentWording) (models.Event, error) {
	ev, err := models.ApplyEventInput(old, in)
	if werr := models.CheckConsentWording(w); werr != nil {
		var ve, we *models.ValidationError
		errors.As(werr, &we)
		if !errors.As(err, &ve) {
			return ev, werr
		}
		for k, v := range we.Fields {
			ve.Fields[k] = v
		}
	}
	return ev, err
}

// wordingVM shows the consent texts of the languages other than main in the event form.
func wordingVM(w models.ConsentWording, main string) []pages.ConsentLangVM {
	var out []pages.ConsentLangVM
	for _, l := range models.Languages {
		if l != main {
			out = append(out, pages.ConsentLangVM{Lang: l, Contact: w.Text(l, models.PurposeContact),
				Pool: w.Text(l, models.PurposeTalentPool)})
		}
	}
	return out
}
