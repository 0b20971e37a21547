package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/components"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// leadAndEvent loads the :id lead and its event (404 when there is none).
func (s *Server) leadAndEvent(c echo.Context) (models.Lead, models.Event, error) {
	ctx := c.Request().Context()
	lead, err := s.store.LeadByID(ctx, c.Param("id"))
	if errors.Is(err, models.ErrNotFound) {
		return lead, models.Event{}, echo.NewHTTPError(http.StatusNotFound, "This lead does not exist (any more).")
	}
	if err != nil {
		return lead, models.Event{}, err
	}
	ev, err := s.store.EventByID(ctx, lead.EventID)
	return lead, ev, err
}

func (s *Server) leadShow(c echo.Context) error {
	lead, ev, err := s.leadAndEvent(c)
	if err != nil {
		return err
	}
	return s.leadPage(c, ev, lead, http.StatusOK, pages.ConversationFormVM{}, nil)
}

// conversationCreate records a conversation once per client_id: a repeated post (an outbox
// re-send) answers like the first one.
func (s *Server) conversationCreate(c echo.Context) error {
	lead, ev, err := s.leadAndEvent(c)
	if err != nil {
		return err
	}
	form, _ := c.FormParams()
	in := models.ConversationInput{ClientID: form.Get("client_id"), Notes: form.Get("notes"), Rating: form.Get("rating"),
		FollowUp: form.Get("follow_up"), CapturedAt: form.Get("captured_at"), Interests: form["interests"],
		Corrects: form.Get("corrects")}
	conv, err := models.NewConversation(ev, lead, currentUser(c).ID, in, time.Now().UTC())
	if err == nil {
		_, _, err = s.store.AddConversation(c.Request().Context(), ev, conv)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		fvm := pages.ConversationFormVM{ClientID: in.ClientID, Notes: typedValue(in.Notes), Rating: in.Rating,
			FollowUp: typedValue(in.FollowUp), Errors: ve.Fields, Interests: []components.Option{}}
		if conv.Corrects != nil {
			fvm.Corrects = *conv.Corrects
		}
		for _, it := range in.Interests {
			fvm.Interests = append(fvm.Interests, components.Option{Value: it, Checked: true})
		}
		return s.leadPage(c, ev, lead, http.StatusUnprocessableEntity, fvm, nil)
	}
	if err != nil {
		return err
	}
	return seeOther(c, leadDone(lead.ID, "conversation"))
}

// leadUpdate saves details staff completed or corrected (e.g. for an unresolved badge).
func (s *Server) leadUpdate(c echo.Context) error {
	lead, ev, err := s.leadAndEvent(c)
	if err != nil {
		return err
	}
	in := models.LeadInput{Name: c.FormValue("name"), Email: c.FormValue("email"), Phone: c.FormValue("phone"),
		Company: c.FormValue("company"), Title: c.FormValue("title"), LinkedIn: c.FormValue("linkedin"),
		GitHub: c.FormValue("github"), CVURL: c.FormValue("cv_url"), Message: lead.Message, Interests: lead.Interests}
	clean, err := models.CheckLead(ev, in, false)
	if err == nil {
		_, err = s.store.UpdateLead(c.Request().Context(), currentUser(c).ID, lead, clean)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		d := pages.DetailsFormVM{Name: in.Name, Email: in.Email, Phone: in.Phone, Company: in.Company, Title: in.Title,
			LinkedIn: in.LinkedIn, GitHub: in.GitHub, CVURL: in.CVURL, Errors: ve.Fields}
		return s.leadPage(c, ev, lead, http.StatusUnprocessableEntity, pages.ConversationFormVM{}, &d)
	}
	if err != nil {
		return err
	}
	return seeOther(c, leadDone(lead.ID, "details"))
}

// leadDone is the lead page after a capture, saying what was done. The confirmation rides in the
// URL, not the session: the tablet's outbox fetches the answer first and then shows that URL, so
// a one-time flash would be spent before the person sees it.
func leadDone(id, what string) string { return paths.Lead(id) + "?done=" + what }
