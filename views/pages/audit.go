package pages

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/boothlead/boothlead/models"
)

// AuditRow is one audit entry in words.
type AuditRow struct {
	At, ISO, Who, What string
	Action             string // the recorded action, for a title and for people who grep
}

// NewAuditRow says an audit entry in plain words ("Rita exported 240 leads of EuroPython as
// Greenhouse prospects (CSV)"), with its time in the event's time zone when it is about an event
// (UTC otherwise), each with its zone named. The entry holds ids, counts and staff names only, so
// the sentence holds no candidate data either.
func NewAuditRow(e models.AuditEntry) AuditRow {
	loc := time.UTC
	if e.EventTimeZone != "" {
		if l, err := time.LoadLocation(e.EventTimeZone); err == nil {
			loc = l
		}
	}
	at := e.At.In(loc)
	zone := at.Format("MST")
	if loc == time.UTC {
		zone = "UTC"
	}
	who := e.ActorName
	if who == "" {
		who = "Someone"
		if e.ActorID == nil {
			who = "Boothlead"
		}
	}
	return AuditRow{At: at.Format("2006-01-02 15:04") + " " + zone, ISO: at.Format(time.RFC3339),
		Who: who, What: auditSentence(who, e), Action: e.Action}
}

// auditDetails is every detail an action may record.
type auditDetails struct {
	Preset, Format, Via, Rating, Tag, Role, Was, Label, By, Kind, Provider, Route string
	Rows, Leads, Events, Queued, Delta, Status                                    int
	Complete                                                                      *bool
	BOM                                                                           bool
	Purposes                                                                      []string
	Filter                                                                        map[string]any
	LeftOut                                                                       map[string]int `json:"left_out"`
}

// auditSentence is what the entry says, its subject first.
func auditSentence(who string, e models.AuditEntry) string {
	var d auditDetails
	_ = json.Unmarshal([]byte(e.Details), &d)
	ev := e.EventName
	if ev == "" {
		ev = "a deleted event"
	}
	subject := e.SubjectName
	if subject == "" {
		subject = "an account that no longer exists"
	}
	leads := func(n int) string { return fmt.Sprintf("%d %s", n, leadsPlural(int64(n), "lead", "leads")) }
	switch e.Action {
	case "export":
		s := who + " exported " + leads(d.Rows) + " of " + ev + " as " + exportAs(d.Preset, d.Format, d.BOM)
		if d.Via == "cli" {
			s = "The command line exported " + leads(d.Rows) + " of " + ev + " as " + exportAs(d.Preset, d.Format, d.BOM)
		}
		var notes []string
		if filterNarrows(d.Filter) {
			notes = append(notes, "a filtered selection")
		}
		if n := d.LeftOut["no_email"] + d.LeftOut["no_name"] + d.LeftOut["no_contact_consent"]; n > 0 {
			notes = append(notes, fmt.Sprintf("%d left out for lack of a name, an email address or a contact consent", n))
		}
		if d.Complete != nil && !*d.Complete {
			notes = append(notes, "the download did not finish")
		}
		if len(notes) > 0 {
			s += " (" + strings.Join(notes, "; ") + ")"
		}
		return s
	case "leads.rate":
		return who + " rated " + leads(d.Leads) + " of " + ev + " " + LeadsRatingLabel(d.Rating) + " from the leads table"
	case "leads.tag":
		return who + " tagged " + leads(d.Leads) + " of " + ev + " “" + d.Tag + "”"
	case "leads.untag":
		return who + " removed the tag “" + d.Tag + "” from " + leads(d.Leads) + " of " + ev
	case "lead.update":
		return who + " corrected a lead's details at " + ev
	case "lead.consent_in_person":
		return who + " recorded a consent given in person at " + ev
	case "lead.send_private_link":
		return who + " mailed a lead of " + ev + " their private link"
	case "lead.delete":
		if d.By == "candidate" {
			return "A candidate of " + ev + " deleted their data"
		}
		return who + " deleted a lead of " + ev
	case "consent.withdraw":
		return "A candidate of " + ev + " withdrew their consent (" + strings.ReplaceAll(strings.Join(d.Purposes, ", "), "_", " ") + ")"
	case "event.create":
		return who + " created the event " + ev
	case "event.update":
		return who + " changed the settings of " + ev
	case "event.rotate_key":
		return who + " made a new check-in QR code for " + ev + " (printed posters stopped working)"
	case "staff.create":
		return who + " added " + subject + " as " + RoleLabel(d.Role)
	case "staff.role":
		s := who + " made " + subject + " " + RoleLabel(d.Role)
		if d.Was != "" {
			s += " (was " + RoleLabel(d.Was) + ")"
		}
		return s
	case "staff.activate":
		return who + " reactivated the account of " + subject
	case "staff.deactivate":
		return who + " deactivated the account of " + subject + " and signed it out everywhere"
	case "staff.password_change":
		return who + " changed their password"
	case "staff.password_reset":
		return who + " made a password reset link for " + subject
	case "staff.password_reset_used":
		return who + " set a new password with a reset link"
	case "staff.password_mail":
		if d.Kind == "mail.staff_invite" {
			return who + " mailed " + subject + " an invitation to choose a password"
		}
		return who + " mailed " + subject + " a password link"
	case "staff.password_reset_requested":
		return who + " asked for a password link (“Forgot your password?”)"
	case "login":
		s := who + " signed in"
		if e.EventName != "" {
			s += " a tablet for " + e.EventName
		}
		if d.Label != "" {
			s += " (" + d.Label + ")"
		}
		return s
	case "device.end":
		return who + " signed out a device"
	case "purge":
		return fmt.Sprintf("The retention purge deleted %s of %d %s past their retention period", leads(d.Leads), d.Events,
			leadsPlural(int64(d.Events), "event", "events"))
	case "demo.seed":
		return "The demo seeded " + leads(d.Leads) + " into " + ev
	case "lead.confirm_visit":
		return "A candidate of " + ev + " confirmed what their repeat visit asked for"
	case "api_token.create":
		return who + " created an API token (" + d.Role + ")"
	case "api_token.revoke":
		return who + " revoked an API token"
	case "webhook.create":
		return who + " added a webhook"
	case "webhook.delete":
		return who + " deleted a webhook"
	case "webhook.paused":
		return "Boothlead paused a webhook that kept failing"
	case "ats.connection_save":
		return who + " connected " + ev + " to " + providerName(d.Provider)
	case "ats.connection_delete":
		return who + " disconnected " + ev + " from " + providerName(d.Provider)
	case "ats.push":
		return who + " sent " + leads(d.Queued) + " of " + ev + " to " + providerName(d.Provider)
	case "followup.template_save":
		return who + " saved a follow-up mail for " + ev
	case "followup.test_send":
		return who + " sent themselves a test of a follow-up mail for " + ev
	case "followup.send":
		return fmt.Sprintf("%s queued a follow-up mail to %s of %s", who, leads(d.Queued), ev)
	case "webhook.pause":
		return who + " paused a webhook"
	case "webhook.resume":
		return who + " resumed a webhook"
	case "api.call":
		s := fmt.Sprintf("API token #%s called %s (answer %d)", strings.TrimPrefix(e.SubjectID, "token:"), d.Route, d.Status)
		if d.Leads > 0 {
			s += ": " + leads(d.Leads)
			if e.EventName != "" {
				s += " of " + e.EventName
			}
		}
		return s
	case "question.add": // the subject is the question's key, which an admin chose
		return who + " added the question “" + e.SubjectID + "” to the check-in of " + ev
	case "question.update":
		return who + " changed the question “" + e.SubjectID + "” of " + ev
	case "question.move":
		dir := "down"
		if d.Delta < 0 {
			dir = "up"
		}
		return who + " moved the question “" + e.SubjectID + "” of " + ev + " " + dir
	case "question.delete":
		return who + " deleted the question “" + e.SubjectID + "” of " + ev + " and its answers"
	case "kiosk.start":
		return who + " turned a device into a self check-in kiosk for " + ev
	}
	return who + ": " + e.Action
}

// providerName is an ATS as people write it.
func providerName(p string) string {
	switch p {
	case "greenhouse":
		return "Greenhouse"
	case "lever":
		return "Lever"
	}
	return p
}

// exportAs names what an export wrote: "Greenhouse prospects (CSV)", "all fields (XLSX)",
// "all fields (CSV for Excel)".
func exportAs(preset, format string, bom bool) string {
	what := map[string]string{"generic": "all fields", "greenhouse": "Greenhouse prospects", "lever": "Lever candidates"}[preset]
	if what == "" {
		what = preset
	}
	switch {
	case format == "xlsx":
		return what + " (XLSX)"
	case bom:
		return what + " (CSV for Excel)"
	}
	return what + " (CSV)"
}

// filterNarrows reports whether an audited filter selected some leads (sorting does not count).
func filterNarrows(f map[string]any) bool {
	for k := range f {
		if k != "sort" {
			return true
		}
	}
	return false
}
