package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
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
		return echo.NewHTTPError(http.StatusBadRequest, "We could not read the form. Please reload the page and try again.")
	}
	post := bindCheckIn(params)
	post.In.Email = lead.EmailText() // the address the link was mailed to stays (see leadFields)
	in, err := models.CheckLead(ev, post.In, false)
	if err == nil {
		_, err = s.store.UpdateLead(c.Request().Context(), 0, lead, in)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		vm, verr := s.selfServiceVM(c, lead, ev)
		if verr != nil {
			return verr
		}
		vm.Form, vm.Errors = typedForm(post.In, ev.Interests), ve.Fields
		return render(c, http.StatusUnprocessableEntity, pages.SelfServicePage(s.chrome(c, "Your details", ""), vm))
	}
	if err != nil {
		return err
	}
	return seeOther(c, paths.SelfService(c.Param("token"))+"?done=saved")
}

// selfServiceWithdraw withdraws the ticked consents.
func (s *Server) selfServiceWithdraw(c echo.Context) error {
	lead, ev, err := s.selfLead(c)
	if err != nil {
		return err
	}
	params, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "We could not read the form. Please reload the page and try again.")
	}
	var purposes []string
	for _, p := range params["purpose"] {
		if p == models.PurposeContact || p == models.PurposeTalentPool {
			purposes = append(purposes, p)
		}
	}
	if len(purposes) == 0 {
		vm, err := s.selfServiceVM(c, lead, ev)
		if err != nil {
			return err
		}
		vm.WithdrawError = "Tick the consent you want to withdraw."
		return render(c, http.StatusUnprocessableEntity, pages.SelfServicePage(s.chrome(c, "Your details", ""), vm))
	}
	if err := s.store.WithdrawConsents(c.Request().Context(), lead, purposes); err != nil {
		return err
	}
	return seeOther(c, paths.SelfService(c.Param("token"))+"?done=withdrawn")
}

// selfServiceDelete erases the candidate's data after a confirmation step (WCAG 3.3.4); the
// audit log keeps only the lead's id.
func (s *Server) selfServiceDelete(c echo.Context) error {
	lead, ev, err := s.selfLead(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		return render(c, http.StatusOK, pages.SelfServiceDeleteConfirmPage(s.chrome(c, "Delete your data?", ""),
			c.Param("token"), ev.Company, ev.Name))
	}
	if err := s.store.DeleteLead(c.Request().Context(), 0, lead, "candidate"); err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.SelfServiceDeletedPage(s.chrome(c, "Your data is deleted", ""), ev.Company, ev.Name))
}

// exportedData is everything about one candidate, as they download it.
type exportedData struct {
	ExportedAt    time.Time              `json:"exported_at"`
	Event         exportedEvent          `json:"event"`
	Details       exportedLead           `json:"details"`
	Consents      []exportedConsent      `json:"consents"`
	Conversations []exportedConversation `json:"conversations"`
	Scans         []exportedScan         `json:"scans"`
	Visits        []exportedVisit        `json:"visits"`
}

// exportedVisit is one check-in or walk-in: what it typed and, for a repeat, what it asked for.
type exportedVisit struct {
	At          time.Time           `json:"at"`
	Source      string              `json:"source"`
	Repeat      bool                `json:"repeat"`
	Typed       models.Typed        `json:"typed"`
	Requested   models.VisitChanges `json:"requested"`
	ConfirmedAt *time.Time          `json:"confirmed_at"`
}

type exportedEvent struct {
	Name          string `json:"name"`
	Company       string `json:"company"`
	Venue         string `json:"venue"`
	StartsOn      string `json:"starts_on"`
	EndsOn        string `json:"ends_on"`
	RetentionDays int    `json:"retention_days"`
}

type exportedLead struct {
	Name        string    `json:"name"`
	Email       string    `json:"email"`
	Phone       string    `json:"phone"`
	Company     string    `json:"company"`
	Title       string    `json:"title"`
	LinkedIn    string    `json:"linkedin"`
	GitHub      string    `json:"github"`
	CVURL       string    `json:"cv_url"`
	Message     string    `json:"message"`
	Interests   []string  `json:"interests"`
	Tags        []string  `json:"tags"` // recruiters' labels: data about the person too
	Source      string    `json:"source"`
	Rating      string    `json:"rating,omitempty"`
	VisitCount  int       `json:"visit_count"`
	FirstSeenAt time.Time `json:"first_seen_at"`
	LastSeenAt  time.Time `json:"last_seen_at"`
}

type exportedConsent struct {
	Purpose     string     `json:"purpose"`
	Granted     bool       `json:"granted"`
	TextVersion int        `json:"text_version"`
	TextSHA256  string     `json:"text_sha256"`
	Text        string     `json:"text"`
	CapturedBy  string     `json:"captured_by"`
	At          time.Time  `json:"at"`
	WithdrawnAt *time.Time `json:"withdrawn_at"`
}

type exportedConversation struct {
	HappenedAt time.Time `json:"happened_at"`
	Notes      string    `json:"notes"`
	Rating     string    `json:"rating,omitempty"`
	Interests  []string  `json:"interests"`
	FollowUp   string    `json:"follow_up"`
}

type exportedScan struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	Code string    `json:"code"`
}

// selfServiceExport downloads everything held about the candidate as JSON (GDPR Art. 15, 20).
func (s *Server) selfServiceExport(c echo.Context) error {
	lead, ev, err := s.selfLead(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	consents, err := s.store.Consents(ctx, lead.ID)
	if err != nil {
		return err
	}
	convs, err := s.store.Conversations(ctx, lead.ID)
	if err != nil {
		return err
	}
	scans, err := s.store.Scans(ctx, lead.ID)
	if err != nil {
		return err
	}
	visits, err := s.store.Visits(ctx, lead.ID)
	if err != nil {
		return err
	}
	out := exportedData{ExportedAt: time.Now().UTC(),
		Event: exportedEvent{Name: ev.Name, Company: ev.Company, Venue: ev.Venue, StartsOn: ev.StartsOn.Format(time.DateOnly),
			EndsOn: ev.EndsOn.Format(time.DateOnly), RetentionDays: ev.RetentionDays},
		Details: exportedLead{Name: lead.Name, Email: lead.EmailText(), Phone: lead.Phone, Company: lead.Company,
			Title: lead.Title, LinkedIn: lead.LinkedIn, GitHub: lead.GitHub, CVURL: lead.CVURL, Message: lead.Message,
			Interests: append([]string{}, lead.Interests...), Tags: append([]string{}, lead.Tags...),
			Source: lead.Source, Rating: lead.RatingText(),
			VisitCount: lead.VisitCount, FirstSeenAt: lead.FirstSeenAt, LastSeenAt: lead.LastSeenAt},
		Consents: []exportedConsent{}, Conversations: []exportedConversation{}, Scans: []exportedScan{},
		Visits: []exportedVisit{}}
	for _, cs := range consents {
		out.Consents = append(out.Consents, exportedConsent{Purpose: cs.Purpose, Granted: cs.Granted,
			TextVersion: cs.TextVersion, TextSHA256: cs.TextSHA256, Text: cs.TextBody, CapturedBy: cs.CapturedBy,
			At: cs.At, WithdrawnAt: cs.WithdrawnAt})
	}
	for _, cv := range convs {
		out.Conversations = append(out.Conversations, exportedConversation{HappenedAt: cv.HappenedAt, Notes: cv.Notes,
			Rating: cv.RatingText(), Interests: append([]string{}, cv.Interests...), FollowUp: cv.FollowUp})
	}
	for _, sc := range scans {
		out.Scans = append(out.Scans, exportedScan{At: sc.At, Kind: sc.Kind, Code: sc.Raw})
	}
	for _, v := range visits {
		out.Visits = append(out.Visits, exportedVisit{At: v.At, Source: v.Source, Repeat: v.Repeat, Typed: v.Typed,
			Requested: v.Changes, ConfirmedAt: v.ConfirmedAt})
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="my-data.json"`)
	return c.JSONPretty(http.StatusOK, out, "  ")
}
