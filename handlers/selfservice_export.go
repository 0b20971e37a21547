package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
)

// exportedData is everything about one candidate, as they download it.
type exportedData struct {
	ExportedAt    time.Time              `json:"exported_at"`
	Event         exportedEvent          `json:"event"`
	Details       exportedLead           `json:"details"`
	Consents      []exportedConsent      `json:"consents"`
	Conversations []exportedConversation `json:"conversations"`
	Scans         []exportedScan         `json:"scans"`
	Visits        []exportedVisit        `json:"visits"`
	Answers       []exportedAnswer       `json:"answers"`
}

// exportedAnswer is the answer to one of the event's custom questions.
type exportedAnswer struct {
	Key      string   `json:"key"`
	Question string   `json:"question"`
	Answer   []string `json:"answer"`
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
	Language    string    `json:"language"`
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
	qs, err := s.store.Questions(ctx, ev.ID)
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
			VisitCount: lead.VisitCount, Language: lead.Language, FirstSeenAt: lead.FirstSeenAt, LastSeenAt: lead.LastSeenAt},
		Consents: []exportedConsent{}, Conversations: []exportedConversation{}, Scans: []exportedScan{},
		Visits: []exportedVisit{}, Answers: []exportedAnswer{}}
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
	for _, q := range qs {
		if vals := lead.Answers[q.Key]; len(vals) > 0 {
			out.Answers = append(out.Answers, exportedAnswer{Key: q.Key, Question: q.Label, Answer: vals})
		}
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="my-data.json"`)
	return c.JSONPretty(http.StatusOK, out, "  ")
}
