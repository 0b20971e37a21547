package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Webhook headers.
const (
	HeaderEvent     = "X-Boothlead-Event"
	HeaderDelivery  = "X-Boothlead-Delivery"
	HeaderTimestamp = "X-Boothlead-Timestamp"
	HeaderSignature = "X-Boothlead-Signature"
)

// Delivery is the JSON body of a webhook delivery. What is signed is exactly the raw body as
// sent; the body holds the attempt's timestamp (the same as the X-Boothlead-Timestamp header),
// so the signature covers it: a receiver that checks the signature and then that the timestamp
// is recent (5 minutes) refuses a replayed delivery, and the delivery id tells a retry (same id,
// new timestamp) from a new delivery.
type Delivery struct {
	ID         string       `json:"id"`        // the delivery id, the same on every retry
	Event      string       `json:"event"`     // lead.created, lead.updated, conversation.created, lead.deleted
	Timestamp  int64        `json:"timestamp"` // when this attempt was signed, Unix seconds
	OccurredAt time.Time    `json:"occurred_at"`
	Data       DeliveryData `json:"data"`
}

// EventRef names the event a lead belongs to.
type EventRef struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// LeadRef is all a delivery says of a lead without a contact consent in force (and of a deleted
// lead): its id.
type LeadRef struct {
	ID      string       `json:"id"`
	Consent ConsentState `json:"consent"`
}

// ConversationRef is all a delivery says of a conversation of a lead without a contact consent.
type ConversationRef struct {
	ID string `json:"id"`
}

// DeliveryData is what a delivery is about. Lead is a Lead when the lead's contact consent is in
// force, else a LeadRef; Conversation (conversation.created only) likewise a Conversation or a
// ConversationRef.
type DeliveryData struct {
	Event        *EventRef `json:"event"`
	Lead         any       `json:"lead"`
	Conversation any       `json:"conversation,omitempty"`
}

// Sign returns the X-Boothlead-Signature value of a body: "sha256=" and the hex HMAC-SHA256 of
// the raw body with the webhook's secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
