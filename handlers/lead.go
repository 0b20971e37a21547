package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
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

// leadPage renders the lead page; form and details carry what was typed when a save failed.
func (s *Server) leadPage(c echo.Context, ev models.Event, lead models.Lead, status int, form pages.ConversationFormVM, details *pages.DetailsFormVM) error {
	return s.leadPageWith(c, ev, lead, status, form, details, nil)
}

// leadPageWith is leadPage with the verbal-consent form's state after a failed save.
func (s *Server) leadPageWith(c echo.Context, ev models.Event, lead models.Lead, status int, form pages.ConversationFormVM,
	details *pages.DetailsFormVM, verbal *pages.VerbalConsentVM) error {
	ctx := c.Request().Context()
	convs, err := s.store.Conversations(ctx, lead.ID)
	if err != nil {
		return err
	}
	consents, err := s.store.Consents(ctx, lead.ID)
	if err != nil {
		return err
	}
	scans, err := s.store.Scans(ctx, lead.ID)
	if err != nil {
		return err
	}
	qs, err := s.store.Questions(ctx, ev.ID)
	if err != nil {
		return err
	}
	vm := pages.LeadVM{ID: lead.ID, Slug: ev.Slug, Name: lead.DisplayName(), Email: lead.EmailText(), Phone: lead.Phone,
		Company: lead.Company, Title: lead.Title, LinkedIn: lead.LinkedIn, GitHub: lead.GitHub, CVURL: lead.CVURL,
		Message: lead.Message, Source: lead.Source, Interests: lead.Interests, Rating: lead.RatingText(),
		Visits: lead.VisitCount, FirstSeen: when(ev, lead.FirstSeenAt), LastSeen: when(ev, lead.LastSeenAt),
		Unresolved: !lead.Resolved(), Form: form}
	if lead.BadgeCode != nil {
		vm.BadgeCode = *lead.BadgeCode
	}
	vm.Answers = staffAnswers(qs, lead.Answers)
	if vm.Form.ClientID == "" {
		vm.Form.ClientID = uuid.NewString()
	}
	picked := map[string]bool{}
	for _, o := range form.Interests {
		picked[o.Value] = o.Checked
	}
	vm.Form.Interests = nil
	for _, it := range ev.Interests {
		vm.Form.Interests = append(vm.Form.Interests, components.Option{Value: it, Label: it, Checked: picked[it]})
	}
	if details != nil {
		vm.Details, vm.EditOpen = *details, true
	} else {
		vm.Details = pages.DetailsFormVM{Name: lead.Name, Email: lead.EmailText(), Phone: lead.Phone, Company: lead.Company,
			Title: lead.Title, LinkedIn: lead.LinkedIn, GitHub: lead.GitHub, CVURL: lead.CVURL}
	}
	for _, cv := range convs {
		vm.Conversations = append(vm.Conversations, pages.ConversationVM{Staff: cv.StaffName, When: when(ev, cv.HappenedAt),
			ISO: cv.HappenedAt.Format(time.RFC3339), Rating: cv.RatingText(), Notes: cv.Notes, FollowUp: cv.FollowUp,
			Interests: cv.Interests})
	}
	for _, cs := range consents {
		by := cs.CapturedBy
		if cs.StaffName != "" {
			by += " (" + cs.StaffName + ")"
		}
		cvm := pages.ConsentVM{Purpose: purposeLabel(cs.Purpose), Version: strconv.Itoa(cs.TextVersion) + " " + cs.TextLanguage,
			Hash: cs.TextSHA256[:12], CapturedBy: by, When: when(ev, cs.At)}
		if cs.WithdrawnAt != nil {
			cvm.Withdrawn = when(ev, *cs.WithdrawnAt)
		}
		vm.Consents = append(vm.Consents, cvm)
	}
	for _, sc := range scans {
		vm.Scans = append(vm.Scans, pages.ScanVM{Kind: sc.Kind, Raw: sc.Raw, Staff: sc.StaffName, When: when(ev, sc.At)})
	}
	if err := s.leadConsentState(ctx, ev, lead, consents, qs, verbal, &vm); err != nil {
		return err
	}
	ch := s.eventChrome(c, ev, vm.Name, "board")
	if msg := doneMessages[c.QueryParam("done")]; msg != "" && status == http.StatusOK {
		ch.Flash = msg
	}
	return render(c, status, pages.LeadPage(ch, vm))
}

func purposeLabel(p string) string {
	if p == models.PurposeTalentPool {
		return "Talent pool"
	}
	return "Contact"
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
		FollowUp: form.Get("follow_up"), CapturedAt: form.Get("captured_at"), Interests: form["interests"]}
	conv, err := models.NewConversation(ev, lead, currentUser(c).ID, in, time.Now().UTC())
	if err == nil {
		_, _, err = s.store.AddConversation(c.Request().Context(), ev, conv)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		fvm := pages.ConversationFormVM{ClientID: in.ClientID, Notes: in.Notes, Rating: in.Rating, FollowUp: in.FollowUp, Errors: ve.Fields}
		for _, it := range in.Interests {
			fvm.Interests = append(fvm.Interests, components.Option{Value: it, Checked: true})
		}
		return s.leadPage(c, ev, lead, http.StatusUnprocessableEntity, fvm, nil)
	}
	if err != nil {
		return err
	}
	return seeOther(c, leadDone(lead.ID, "conversation")+"#tl-h")
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

var doneMessages = map[string]string{
	"conversation":    "Conversation saved.",
	"details":         "Details saved.",
	"walk-in":         "Added. Record the conversation below.",
	"scan-found":      "Found by the scan.",
	"scan-new":        "New lead from the scan.",
	"scan-unresolved": "New lead from a badge code: ask their name and email and complete the details below.",
	"consent":         "Consent recorded. With an email, they get their private link and a copy by mail.",
	"private-link":    "Their private link is on its way by mail.",
}
