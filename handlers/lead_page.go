package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/components"
	"github.com/boothlead/boothlead/views/pages"
)

// doneResults say what a capture did, as the capture screen shows it (and as the X-Result header
// tells the tablet's outbox, which plays the matching sound).
var doneResults = map[string]components.ResultProps{
	"conversation":    {State: "ok", Title: "Saved", Detail: "Scan the next badge."},
	"details":         {State: "ok", Title: "Details saved"},
	"walk-in":         {State: "ok", Title: "Added", Detail: "Record the conversation below."},
	"scan-found":      {State: "ok", Title: "Found"},
	"scan-new":        {State: "warn", Title: "New lead from the badge", Detail: "Check the details and ask for their consent."},
	"scan-unresolved": {State: "warn", Title: "Unknown badge", Detail: "Ask their name and email, and for their consent."},
	"consent":         {State: "ok", Title: "Consent recorded", Detail: "With an email, they get their private link by mail."},
	"private-link":    {State: "ok", Title: "Private link sent", Detail: "It is on its way to their mail."},
}

// resultNotSaved is the capture screen after a form came back with errors.
var resultNotSaved = components.ResultProps{State: "error", Title: "Not saved", Detail: "Check what is marked below."}

// leadPage renders the capture screen; form and details carry what was typed when a save failed.
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
		Message: lead.Message, Source: lead.Source, Interests: lead.Interests, Tags: lead.Tags, Rating: lead.RatingText(),
		Visits: lead.VisitCount, FirstSeen: when(ev, lead.FirstSeenAt), LastSeen: when(ev, lead.LastSeenAt),
		Unresolved: !lead.Resolved(), Form: form, ScanNext: pages.ScanNextVM{Slug: ev.Slug, ClientID: uuid.NewString()}}
	if lead.BadgeCode != nil {
		vm.BadgeCode = *lead.BadgeCode
	}
	vm.Answers = staffAnswers(qs, lead.Answers)
	if vm.Form.ClientID == "" {
		vm.Form.ClientID = uuid.NewString()
	}
	if details != nil {
		vm.Details, vm.EditOpen = *details, true
	} else {
		vm.Details = pages.DetailsFormVM{Name: lead.Name, Email: lead.EmailText(), Phone: lead.Phone, Company: lead.Company,
			Title: lead.Title, LinkedIn: lead.LinkedIn, GitHub: lead.GitHub, CVURL: lead.CVURL}
	}
	vm.Conversations = timeline(ev, convs)
	vm.LastNote = lastNote(ev, convs)
	if id, err := strconv.ParseInt(c.QueryParam("correct"), 10, 64); err == nil && status == http.StatusOK && form.ClientID == "" {
		prefillCorrection(&vm, ev, convs, id)
	}
	vm.Form.Interests = interestToggles(ev, lead, vm.Form.Interests)
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
	if vm.ATS, err = s.leadATS(ctx, ev, lead.ID); err != nil {
		return err
	}
	vm.ConsentFirst = !vm.HasContact && (lead.Source == models.SourceBadgeScan || !lead.Resolved())
	done := c.QueryParam("done")
	switch r, ok := doneResults[done]; {
	case status >= 400:
		vm.Result = resultNotSaved
	case ok:
		if done == "scan-found" || done == "conversation" {
			r.Title += ": " + vm.Name
		}
		vm.Result = r
		vm.ScanNext.Focus = done == "conversation" || done == "consent" || done == "private-link"
		c.Response().Header().Set("X-Result", r.State)
	}
	ch := s.eventChrome(c, ev, vm.Name, "board")
	ch.Scanner = true
	return render(c, status, pages.LeadPage(ch, vm))
}

// interestToggles are the event's interests as toggles: as posted after an error (given), or
// else pre-selected with what the candidate picked at check-in.
func interestToggles(ev models.Event, lead models.Lead, given []components.Option) []components.Option {
	picked := map[string]bool{}
	if given == nil {
		for _, it := range lead.Interests {
			picked[it] = true
		}
	}
	for _, o := range given {
		picked[o.Value] = o.Checked
	}
	out := make([]components.Option, 0, len(ev.Interests))
	for _, it := range ev.Interests {
		out = append(out, components.Option{Value: it, Label: it, Checked: picked[it]})
	}
	return out
}

// timeline is the conversations, newest first, each saying what it corrects or was corrected by.
func timeline(ev models.Event, convs []models.Conversation) []pages.ConversationVM {
	byID := map[int64]models.Conversation{}
	for _, cv := range convs {
		byID[cv.ID] = cv
	}
	correctedBy := map[int64]string{}
	for _, cv := range convs {
		if cv.Corrects != nil {
			correctedBy[*cv.Corrects] = cv.StaffName + ", " + when(ev, cv.HappenedAt)
		}
	}
	out := make([]pages.ConversationVM, 0, len(convs))
	for _, cv := range convs {
		v := pages.ConversationVM{ID: cv.ID, Staff: cv.StaffName, When: when(ev, cv.HappenedAt),
			ISO: cv.HappenedAt.Format(time.RFC3339), Rating: cv.RatingText(), Notes: cv.Notes, FollowUp: cv.FollowUp,
			Interests: cv.Interests, CorrectedBy: correctedBy[cv.ID]}
		if cv.Corrects != nil {
			if old, ok := byID[*cv.Corrects]; ok {
				v.Corrects = entryLabel(ev, old)
			}
		}
		out = append(out, v)
	}
	return out
}

func entryLabel(ev models.Event, cv models.Conversation) string {
	return cv.StaffName + "’s entry of " + when(ev, cv.HappenedAt)
}

// prefillCorrection fills the conversation form with an entry to correct: saving it adds a new
// entry that says what it corrects (conversations are never changed).
func prefillCorrection(vm *pages.LeadVM, ev models.Event, convs []models.Conversation, id int64) {
	for _, cv := range convs {
		if cv.ID != id {
			continue
		}
		vm.Form.Corrects, vm.Form.CorrectsLabel = cv.ID, entryLabel(ev, cv)
		vm.Form.Notes, vm.Form.Rating, vm.Form.FollowUp = cv.Notes, cv.RatingText(), cv.FollowUp
		vm.Form.Interests = []components.Option{}
		for _, it := range cv.Interests {
			vm.Form.Interests = append(vm.Form.Interests, components.Option{Value: it, Checked: true})
		}
		return
	}
}

// clipText cuts s to n characters with an ellipsis.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func purposeLabel(p string) string {
	if p == models.PurposeTalentPool {
		return "Talent pool"
	}
	return "Contact"
}

// lastNote is the newest conversation that says something (its notes, else its follow-up), shown
// next to the person so the next colleague starts where the last one stopped; nil when no
// conversation has either. convs are newest first.
func lastNote(ev models.Event, convs []models.Conversation) *pages.LastNoteVM {
	for _, cv := range convs {
		text := clipText(cv.Notes, 160)
		if text == "" && cv.FollowUp != "" {
			text = "Follow-up: " + clipText(cv.FollowUp, 140)
		}
		if text != "" {
			return &pages.LastNoteVM{Text: text, By: cv.StaffName, When: when(ev, cv.HappenedAt), Rating: cv.RatingText()}
		}
	}
	return nil
}
