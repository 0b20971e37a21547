package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/layouts"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// event loads the event named by the :slug parameter (404 when there is none).
func (s *Server) event(c echo.Context) (models.Event, error) {
	ev, err := s.store.EventBySlug(c.Request().Context(), c.Param("slug"))
	if errors.Is(err, models.ErrNotFound) {
		return ev, echo.NewHTTPError(http.StatusNotFound, "There is no event at this address.")
	}
	return ev, err
}

// eventChrome is the chrome of a staff page about one event.
func (s *Server) eventChrome(c echo.Context, ev models.Event, title, section string) layouts.Chrome {
	ch := s.chrome(c, title, section)
	ch.Event = &layouts.EventNav{Slug: ev.Slug, Name: ev.Name}
	return ch
}

// CheckInURL is the absolute URL the booth QR of an event encodes.
func CheckInURL(baseURL string, ev models.Event) string {
	return baseURL + paths.CheckIn(ev.CheckinKey)
}

func dates(ev models.Event) string {
	if ev.StartsOn.Equal(ev.EndsOn) {
		return ev.StartsOn.Format("2 Jan 2006")
	}
	return ev.StartsOn.Format("2 Jan") + " – " + ev.EndsOn.Format("2 Jan 2006")
}

func (s *Server) eventList(c echo.Context) error {
	evs, err := s.store.Events(c.Request().Context())
	if err != nil {
		return err
	}
	rows := make([]pages.EventRow, 0, len(evs))
	for _, e := range evs {
		rows = append(rows, pages.EventRow{Slug: e.Slug, Name: e.Name, Venue: e.Venue, Dates: dates(e.Event),
			Status: e.Status, Leads: e.Leads})
	}
	return render(c, http.StatusOK, pages.EventsPage(s.chrome(c, "Events", "events"), rows))
}

func (s *Server) eventNew(c echo.Context) error {
	today := time.Now().Format("2006-01-02")
	vm := pages.EventFormVM{IsNew: true, Company: s.company, StartsOn: today, EndsOn: today, TimeZone: "UTC",
		Status: models.StatusLive, RetentionDays: "90", BrowserZone: true, Language: "en", ConsentLang: "en",
		OtherConsents: wordingVM(nil, "en")}
	// The default consent texts (in the form's consent language, English) are shown filled in, for
	// the form's defaults; kept as they are, they are written for the event as saved (see
	// defaultUnlessEdited).
	draft := models.Event{Name: "this event", Company: s.company, RetentionDays: 90}
	vm.ContactDefault = models.DefaultConsentText(draft, models.PurposeContact)
	vm.PoolDefault = models.DefaultConsentText(draft, models.PurposeTalentPool)
	vm.ContactConsent, vm.TalentPoolConsent = vm.ContactDefault, vm.PoolDefault
	return render(c, http.StatusOK, pages.EventFormPage(s.chrome(c, "New event", "events"), vm))
}

// defaultUnlessEdited is "" (the default text, written for the event as saved) when the consent
// text typed is still the pre-filled default def, and the text otherwise.
func defaultUnlessEdited(text, def string) string {
	norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	if def != "" && norm(text) == norm(def) {
		return ""
	}
	return text
}

func eventInput(c echo.Context) models.EventInput {
	return models.EventInput{Name: c.FormValue("name"), Slug: c.FormValue("slug"), Company: c.FormValue("company"),
		Venue: c.FormValue("venue"), StartsOn: c.FormValue("starts_on"), EndsOn: c.FormValue("ends_on"),
		TimeZone: c.FormValue("time_zone"), Interests: c.FormValue("interests"), Status: c.FormValue("status"),
		RetentionDays: c.FormValue("retention_days"), ContactConsent: c.FormValue("contact_consent"),
		TalentPoolConsent: c.FormValue("talent_pool_consent"), Language: c.FormValue("language")}
}

func formVM(in models.EventInput, errs map[string]string) pages.EventFormVM {
	return pages.EventFormVM{Name: in.Name, NewSlug: in.Slug, Company: in.Company, Venue: in.Venue,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, TimeZone: in.TimeZone, Interests: in.Interests, Status: in.Status,
		RetentionDays: in.RetentionDays, ContactConsent: in.ContactConsent, TalentPoolConsent: in.TalentPoolConsent,
		Language: in.Language, Errors: errs}
}

func (s *Server) eventCreate(c echo.Context) error {
	in := eventInput(c)
	contactDef, poolDef := c.FormValue("contact_consent_default"), c.FormValue("talent_pool_consent_default")
	// The main texts still as pre-filled mean "the default", written for the event as saved; the
	// form shows them again as typed.
	typed := in
	typed.ContactConsent = defaultUnlessEdited(in.ContactConsent, contactDef)
	typed.TalentPoolConsent = defaultUnlessEdited(in.TalentPoolConsent, poolDef)
	w := eventWording(c, typed)
	ev, err := checkEvent(models.Event{}, in, w)
	if err == nil {
		ev, err = s.store.CreateEventWith(c.Request().Context(), currentUser(c).ID, ev, w)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		vm := formVM(in, ve.Fields)
		vm.IsNew, vm.ContactDefault, vm.PoolDefault = true, contactDef, poolDef
		vm.ConsentLang = c.FormValue("consent_lang")
		vm.OtherConsents = wordingVM(w, vm.ConsentLang)
		return render(c, http.StatusUnprocessableEntity, pages.EventFormPage(s.chrome(c, "New event", "events"), vm))
	}
	if err != nil {
		return err
	}
	s.flash(c, "“"+ev.Name+"” is created. Print the poster and put the board on your tablet.")
	return seeOther(c, paths.EditEvent(ev.Slug))
}

func (s *Server) eventEdit(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	texts, err := s.store.CurrentConsentTexts(ctx, ev.ID)
	if err != nil {
		return err
	}
	byLang, err := s.store.ConsentTextsByLanguage(ctx, ev.ID)
	if err != nil {
		return err
	}
	qs, err := s.store.Questions(ctx, ev.ID)
	if err != nil {
		return err
	}
	w := models.ConsentWording{}
	for l, byPurpose := range byLang {
		for p, t := range byPurpose {
			w.Set(l, p, t.Body)
		}
	}
	vm := pages.EventFormVM{Slug: ev.Slug, Name: ev.Name, NewSlug: ev.Slug, Company: ev.Company, Venue: ev.Venue,
		StartsOn: ev.StartsOn.Format("2006-01-02"), EndsOn: ev.EndsOn.Format("2006-01-02"), TimeZone: ev.TimeZone,
		Interests: strings.Join(ev.Interests, "\n"), Status: ev.Status, RetentionDays: strconv.Itoa(ev.RetentionDays),
		ContactConsent: texts.Contact.Body, TalentPoolConsent: texts.TalentPool.Body, CheckInURL: CheckInURL(s.baseURL, ev),
		ContactVersion: texts.Contact.Version, PoolVersion: texts.TalentPool.Version, Language: ev.Language,
		ConsentLang: texts.Contact.Language, OtherConsents: wordingVM(w, texts.Contact.Language), Questions: len(qs), LocalOnly: s.localOnly}
	return render(c, http.StatusOK, pages.EventFormPage(s.eventChrome(c, ev, "Event settings", "events"), vm))
}

func (s *Server) eventUpdate(c echo.Context) error {
	old, err := s.event(c)
	if err != nil {
		return err
	}
	in := eventInput(c)
	w := eventWording(c, in)
	ev, err := checkEvent(old, in, w)
	if err == nil {
		ev, err = s.store.UpdateEventWith(c.Request().Context(), currentUser(c).ID, ev, w)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		vm := formVM(in, ve.Fields)
		vm.Slug, vm.CheckInURL, vm.LocalOnly = old.Slug, CheckInURL(s.baseURL, old), s.localOnly
		vm.ConsentLang = c.FormValue("consent_lang")
		vm.OtherConsents = wordingVM(w, vm.ConsentLang)
		return render(c, http.StatusUnprocessableEntity, pages.EventFormPage(s.eventChrome(c, old, "Event settings", "events"), vm))
	}
	if err != nil {
		return err
	}
	s.flash(c, "Saved.")
	return seeOther(c, paths.EditEvent(ev.Slug))
}

// eventRotateKey gives the event a new check-in key; the old QR then leads to a "no longer valid" page.
func (s *Server) eventRotateKey(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	if !confirmed(c) {
		return s.confirmRotateKey(c, ev)
	}
	if _, err := s.store.RotateCheckinKey(c.Request().Context(), currentUser(c).ID, ev.ID); err != nil {
		return err
	}
	s.flash(c, "The event has a new QR code. Print the poster again: the old one no longer works.")
	return seeOther(c, paths.EditEvent(ev.Slug))
}

// qrPNG writes text as a QR code PNG, never stored by the browser: a personal QR names its person,
// and a kiosk's next candidate must not find the previous one's in the cache.
func qrPNG(c echo.Context, text string, size int) error {
	png, err := qrcode.Encode(text, qrcode.Medium, size)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "image/png", png)
}

func (s *Server) eventQR(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	return qrPNG(c, CheckInURL(s.baseURL, ev), 512)
}

func (s *Server) eventPoster(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	vm := pages.PosterVM{Slug: ev.Slug, Event: ev.Name, Company: ev.Company, Venue: ev.Venue,
		URL: CheckInURL(s.baseURL, ev), QR: paths.EventQR(ev.Slug), Live: ev.Status == models.StatusLive,
		LocalOnly: s.localOnly}
	return render(c, http.StatusOK, pages.PosterPage(s.eventChrome(c, ev, "Poster — "+ev.Name, "board"), vm))
}
