package models

import (
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
)

// Webhook events (the X-Boothlead-Event header).
const (
	HookLeadCreated         = "lead.created"
	HookLeadUpdated         = "lead.updated"
	HookLeadDeleted         = "lead.deleted"
	HookConversationCreated = "conversation.created"
)

// HookEvents lists every webhook event, in the order the hooks page shows them.
var HookEvents = []string{HookLeadCreated, HookLeadUpdated, HookConversationCreated, HookLeadDeleted}

// atsEligible is the rule for pushing a lead (alias l) into an ATS, the same as the ATS export
// presets': a name, an email and a contact consent in force.
const atsEligible = `l.name <> '' AND l.email IS NOT NULL AND EXISTS (SELECT 1 FROM consents k
	WHERE k.lead_id = l.id AND k.purpose = 'contact' AND k.granted AND k.withdrawn_at IS NULL)`

// leadChanged is what every write to a lead does inside its transaction, so nothing is told of a
// change that did not commit and nothing committed goes untold: the live boards hear of it
// (NOTIFY), every webhook listening to event gets a delivery queued in the outbox, and a lead
// that just became a pushable hot lead is queued for the ATS connections that push hot leads by
// themselves. extra adds ids to the deliveries' payload (a conversation's client id).
func leadChanged(tx *gorm.DB, event string, eventID int64, leadID string, extra Payload) error {
	if err := notifyLead(tx, eventID, leadID); err != nil {
		return err
	}
	if err := queueWebhooks(tx, event, eventID, leadID, extra); err != nil {
		return err
	}
	return queueAutoATS(tx, leadID)
}

// createdOrUpdated names the webhook event of an upsert.
func createdOrUpdated(inserted bool) string {
	if inserted {
		return HookLeadCreated
	}
	return HookLeadUpdated
}

// queueWebhooks queues one delivery per active hook that listens to event. The row names the
// hook and the ids; the body is built when it is sent. A lead.deleted row is not tied to the lead
// (it must outlive it); the others are, so erasing a lead takes its waiting deliveries with it.
func queueWebhooks(tx *gorm.DB, event string, eventID int64, leadID string, extra Payload) error {
	ex, err := json.Marshal(map[string]any(extra))
	if err != nil {
		return fmt.Errorf("models: webhook payload: %w", err)
	}
	if extra == nil {
		ex = []byte("{}")
	}
	var rowLead any = leadID
	if event == HookLeadDeleted {
		rowLead = nil
	}
	err = tx.Exec(`INSERT INTO outbox (kind, lead_id, payload)
		SELECT 'webhook.' || ?, ?::uuid, jsonb_build_object('hook', h.id, 'event', ?::text, 'event_id', ?::bigint,
			'lead', ?::text, 'at', now()) || ?::jsonb
		FROM webhooks h WHERE h.paused_at IS NULL AND ? = ANY (h.events)`,
		event, rowLead, event, eventID, leadID, string(ex), event).Error
	if err != nil {
		return fmt.Errorf("models: queue webhooks: %w", err)
	}
	return nil
}

// queueAutoATS queues the lead for every ATS connection of its event that pushes hot leads by
// itself, once the lead is hot and pushable; a lead queued before is not queued again.
func queueAutoATS(tx *gorm.DB, leadID string) error {
	err := tx.Exec(`WITH s AS (
			INSERT INTO ats_syncs (connection_id, lead_id)
			SELECT c.id, l.id FROM leads l JOIN ats_connections c ON c.event_id = l.event_id AND c.auto_hot
			WHERE l.id = ? AND l.rating = 'hot' AND `+atsEligible+`
			ON CONFLICT (connection_id, lead_id) DO NOTHING
			RETURNING id, lead_id, connection_id)
		INSERT INTO outbox (kind, lead_id, payload)
		SELECT 'ats.' || c.provider, s.lead_id, jsonb_build_object('sync', s.id)
		FROM s JOIN ats_connections c ON c.id = s.connection_id`, leadID).Error
	if err != nil {
		return fmt.Errorf("models: queue automatic ATS push: %w", err)
	}
	return nil
}

// queueLeadsDeleted queues lead.deleted deliveries for leads about to be deleted by a statement
// that selects them (id, event_id) with args, so receivers can erase their copies too.
func queueLeadsDeleted(tx *gorm.DB, selectLeads string, args ...any) error {
	err := tx.Exec(`INSERT INTO outbox (kind, payload)
		SELECT 'webhook.lead.deleted', jsonb_build_object('hook', h.id, 'event', 'lead.deleted', 'event_id', d.event_id,
			'lead', d.id::text, 'at', now())
		FROM (`+selectLeads+`) d CROSS JOIN webhooks h
		WHERE h.paused_at IS NULL AND 'lead.deleted' = ANY (h.events)`, args...).Error
	if err != nil {
		return fmt.Errorf("models: queue lead.deleted: %w", err)
	}
	return nil
}
