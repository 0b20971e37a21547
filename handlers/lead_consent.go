package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
)

// leadConsentState fills the lead page's check-ins (with what repeats typed differently) and its
// consent actions: the private link when a contact consent is in force, else the verbal-consent
// form with the wording to read out.
func (s *Server) leadConsentState(ctx context.Context, ev models.Event, lead models.Lead, consents []models.Consent,
	qs []models.Question, verbal *pages.VerbalConsentVM, vm *pages.LeadVM) error {
	visits, err := s.store.Visits(ctx, lead.ID)
	if err != nil {
		return err
	}
	for _, v := range visits {
		vm.VisitLog = append(vm.VisitLog, staffVisit(ev, v, qs))
	}
	for _, cs := range consents {
		if cs.Purpose == models.PurposeContact && cs.Granted && cs.WithdrawnAt == nil {
			vm.HasContact = lead.Email != nil
		}
	}
	if vm.HasContact {
		return nil
	}
	// the wording in the lead's language, as RecordVerbalConsent records it
	texts, err := s.store.ConsentTextsIn(ctx, ev.ID, lead.Language)
	if err != nil {
		return err
	}
	if verbal != nil {
		vm.Verbal = *verbal
	}
	if vm.Verbal.ClientID == "" {
		vm.Verbal.ClientID = uuid.NewString()
	}
	vm.Verbal.ContactText, vm.Verbal.PoolText = texts.Contact.Body, texts.TalentPool.Body
	vm.Verbal.NeedName, vm.Verbal.NeedEmail = lead.Name == "", lead.Email == nil
	return nil
}

// staffVisit says what one check-in or walk-in typed that differs from what is stored.
func staffVisit(ev models.Event, v models.Visit, qs []models.Question) pages.LeadVisitVM {
	r := pages.LeadVisitVM{When: when(ev, v.At), What: "Checked in"}
	switch {
	case v.Source == models.SourceStaffManual && v.Repeat:
		r.What = "Walk-in again (" + v.StaffName + ")"
	case v.Source == models.SourceStaffManual:
		r.What = "Added as a walk-in (" + v.StaffName + ")"
	case v.Repeat:
		r.What = "Checked in again"
	}
	for _, f := range v.Changes.Fields {
		d := capital(models.FieldWords(f.Field)) + ": “" + f.To + "”"
		if f.From != "" {
			d += " (stored: “" + f.From + "”)"
		}
		r.Differs = append(r.Differs, d)
	}
	for _, a := range v.Changes.Answers {
		label := a.Key
		for _, q := range qs {
			if q.Key == a.Key {
				label = q.Label
			}
		}
		d := label + ": “" + strings.Join(a.To, ", ") + "”"
		if len(a.From) > 0 {
			d += " (stored: “" + strings.Join(a.From, ", ") + "”)"
		}
		r.Differs = append(r.Differs, d)
	}
	if len(v.Changes.Interests) > 0 {
		r.Asked = append(r.Asked, "Also picked: "+strings.Join(v.Changes.Interests, ", "))
	}
	for _, c := range v.Changes.Consents {
		r.Asked = append(r.Asked, "Ticked: "+models.PurposeName(c.Purpose))
	}
	if v.Source == models.SourceSelfCheckIn && !v.Changes.Empty() {
		r.Status = "Not applied: waiting for the candidate to confirm from the mail sent to the stored address."
		if v.ConfirmedAt != nil {
			r.Status = "Confirmed by the candidate " + when(ev, *v.ConfirmedAt) + " and applied."
		}
	}
	return r
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// leadConsent records a consent the person gave staff in person (a scanned badge, an unresolved
// code), completing the name and email when the lead lacks them; the person then gets the mail
// with their private link and a copy of the consent.
func (s *Server) leadConsent(c echo.Context) error {
	lead, ev, err := s.leadAndEvent(c)
	if err != nil {
		return err
	}
	in := models.VerbalConsent{Name: c.FormValue("name"), Email: c.FormValue("email"), ClientID: c.FormValue("client_id"),
		Consent: c.FormValue("consent") == "yes", TalentPool: c.FormValue("talent_pool") == "yes"}
	_, err = s.store.RecordVerbalConsent(c.Request().Context(), currentUser(c).ID, lead, in)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		v := pages.VerbalConsentVM{Name: typedValue(in.Name), Email: typedValue(in.Email), Consent: in.Consent,
			TalentPool: in.TalentPool, Errors: ve.Fields, ClientID: in.ClientID}
		return s.leadPageWith(c, ev, lead, http.StatusUnprocessableEntity, pages.ConversationFormVM{}, nil, &v)
	}
	if err != nil {
		return err
	}
	s.nudgeMail()
	return seeOther(c, leadDone(lead.ID, "consent"))
}

// leadPrivateLink mails the lead their private link again (they lost the mail, or staff recorded
// their consent and they want it now).
func (s *Server) leadPrivateLink(c echo.Context) error {
	lead, _, err := s.leadAndEvent(c)
	if err != nil {
		return err
	}
	err = s.store.EnqueuePrivateLink(c.Request().Context(), currentUser(c).ID, lead)
	if errors.Is(err, models.ErrNoConsent) {
		return echo.NewHTTPError(http.StatusUnprocessableEntity,
			"This lead has no email or no contact consent yet: record their consent first.")
	}
	if err != nil {
		return err
	}
	s.nudgeMail()
	return seeOther(c, leadDone(lead.ID, "private-link"))
}

// staffAnswers lists a lead's answers to the event's questions, in form order, as staff read
// them (the wording of the event's own language).
func staffAnswers(qs []models.Question, a models.Answers) []pages.AnswerVM {
	var out []pages.AnswerVM
	for _, q := range qs {
		if vals := a[q.Key]; len(vals) > 0 {
			out = append(out, pages.AnswerVM{Key: q.Key, Label: q.Label, Value: strings.Join(vals, ", ")})
		}
	}
	return out
}
