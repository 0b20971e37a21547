// Package api holds the JSON of Boothlead's REST API (version 1) and of its webhook deliveries,
// which share the lead's shape, and the OpenAPI 3.1 document that describes both
// (openapi.json, served at /api/v1/openapi.json; a handlers test checks real answers against
// it). It turns models' types into JSON and knows nothing of HTTP or the database.
package api

import (
	_ "embed"
	"time"

	"github.com/boothlead/boothlead/models"
)

// OpenAPI is the OpenAPI 3.1 document of the API and the webhooks.
//
//go:embed openapi.json
var OpenAPI []byte

// Event is an event as the API lists it.
type Event struct {
	Slug      string   `json:"slug"`
	Name      string   `json:"name"`
	Company   string   `json:"company"`
	Venue     string   `json:"venue"`
	StartsOn  string   `json:"starts_on"`
	EndsOn    string   `json:"ends_on"`
	TimeZone  string   `json:"time_zone"`
	Status    string   `json:"status"`
	Interests []string `json:"interests"`
	Leads     int64    `json:"leads"`
}

// Events is the answer of GET /api/v1/events.
type Events struct {
	Events []Event `json:"events"`
}

// ConsentState says which consents of a lead are in force.
type ConsentState struct {
	Contact    bool `json:"contact"`
	TalentPool bool `json:"talent_pool"`
}

// Lead is a lead with its conversations (oldest first), as the API and the webhooks give it.
type Lead struct {
	ID          string       `json:"id"`
	Event       string       `json:"event"`
	Name        string       `json:"name"`
	Email       *string      `json:"email"`
	Phone       string       `json:"phone"`
	Company     string       `json:"company"`
	Title       string       `json:"title"`
	LinkedIn    string       `json:"linkedin"`
	GitHub      string       `json:"github"`
	CVURL       string       `json:"cv_url"`
	Message     string       `json:"message"`
	Interests   []string     `json:"interests"`
	Rating      *string      `json:"rating"`
	Source      string       `json:"source"`
	VisitCount  int          `json:"visit_count"`
	FirstSeenAt time.Time    `json:"first_seen_at"`
	LastSeenAt  time.Time    `json:"last_seen_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Consent     ConsentState `json:"consent"`
	// Answers are the answers to the event's custom questions, by question key. Empty until
	// custom questions exist; then a string for text and choice questions, a list for multi, a
	// boolean for yes/no.
	Answers       map[string]any `json:"answers"`
	Conversations []Conversation `json:"conversations"`
	// Consents are the consent records (GET /api/v1/leads/{id} only).
	Consents []Consent `json:"consents,omitempty"`
}

// Conversation is one talk staff recorded with a lead. Its id is the capture's UUID.
type Conversation struct {
	ID         string    `json:"id"`
	Staff      string    `json:"staff"`
	Notes      string    `json:"notes"`
	Rating     *string   `json:"rating"`
	Interests  []string  `json:"interests"`
	FollowUp   string    `json:"follow_up"`
	HappenedAt time.Time `json:"happened_at"`
	ReceivedAt time.Time `json:"received_at"`
}

// Consent is one consent record: the purpose, the version and SHA-256 of the text agreed to, who
// captured it and when, and when it was withdrawn.
type Consent struct {
	Purpose     string     `json:"purpose"`
	Granted     bool       `json:"granted"`
	TextVersion int        `json:"text_version"`
	TextSHA256  string     `json:"text_sha256"`
	CapturedBy  string     `json:"captured_by"`
	At          time.Time  `json:"at"`
	WithdrawnAt *time.Time `json:"withdrawn_at"`
}

// Leads is the answer of GET /api/v1/events/{slug}/leads: one page, and the cursor of the next
// (null on the last page).
type Leads struct {
	Leads []Lead  `json:"leads"`
	Next  *string `json:"next"`
}

// Webhook is a registered webhook as admins' tokens read it (never its secret).
type Webhook struct {
	ID            int64      `json:"id"`
	URL           string     `json:"url"`
	Events        []string   `json:"events"`
	Paused        bool       `json:"paused"`
	PausedReason  string     `json:"paused_reason"`
	FailingSince  *time.Time `json:"failing_since"`
	LastSuccessAt *time.Time `json:"last_success_at"`
	Waiting       int64      `json:"waiting"`
}

// Webhooks is the answer of GET /api/v1/webhooks.
type Webhooks struct {
	Webhooks []Webhook `json:"webhooks"`
}

// Error is every error answer.
type Error struct {
	Error string `json:"error"`
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// FromEvent is an event with its lead count.
func FromEvent(e models.APIEvent) Event {
	return Event{Slug: e.Slug, Name: e.Name, Company: e.Company, Venue: e.Venue, StartsOn: e.StartsOn.Format(time.DateOnly),
		EndsOn: e.EndsOn.Format(time.DateOnly), TimeZone: e.TimeZone, Status: e.Status, Interests: nonNil(e.Interests), Leads: e.Leads}
}

// FromLead is a lead of event slug with its conversations (and consents, when loaded).
func FromLead(slug string, l models.APILead) Lead {
	out := Lead{ID: l.ID, Event: slug, Name: l.Name, Email: l.Email, Phone: l.Phone, Company: l.Company, Title: l.Title,
		LinkedIn: l.LinkedIn, GitHub: l.GitHub, CVURL: l.CVURL, Message: l.Message, Interests: nonNil(l.Interests),
		Rating: l.Rating, Source: l.Source, VisitCount: l.VisitCount, FirstSeenAt: l.FirstSeenAt.UTC(),
		LastSeenAt: l.LastSeenAt.UTC(), UpdatedAt: l.UpdatedAt.UTC(),
		Consent: ConsentState{Contact: l.Contact, TalentPool: l.TalentPool},
		Answers: map[string]any{}, Conversations: []Conversation{}}
	for _, c := range l.Conversations {
		out.Conversations = append(out.Conversations, FromConversation(c))
	}
	for _, c := range l.Consents {
		cs := Consent{Purpose: c.Purpose, Granted: c.Granted, TextVersion: c.TextVersion, TextSHA256: c.TextSHA256,
			CapturedBy: c.CapturedBy, At: c.At.UTC()}
		if c.WithdrawnAt != nil {
			t := c.WithdrawnAt.UTC()
			cs.WithdrawnAt = &t
		}
		out.Consents = append(out.Consents, cs)
	}
	return out
}

// FromConversation is one conversation.
func FromConversation(c models.Conversation) Conversation {
	return Conversation{ID: c.ClientID, Staff: c.StaffName, Notes: c.Notes, Rating: c.Rating, Interests: nonNil(c.Interests),
		FollowUp: c.FollowUp, HappenedAt: c.HappenedAt.UTC(), ReceivedAt: c.ReceivedAt.UTC()}
}

// FromWebhook is a registered webhook.
func FromWebhook(h models.Webhook) Webhook {
	return Webhook{ID: h.ID, URL: h.URL, Events: nonNil(h.Events), Paused: h.PausedAt != nil, PausedReason: h.PausedReason,
		FailingSince: h.FailingSince, LastSuccessAt: h.LastSuccessAt, Waiting: h.Waiting}
}
