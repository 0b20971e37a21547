// Package layouts holds the page shells: Base (the HTML document), Staff (signed-in pages with
// navigation and sync state) and Public (candidate pages on a phone).
package layouts

import "github.com/boothlead/boothlead/views/paths"

// Chrome is the per-request data every layout needs; handlers pass it explicitly.
type Chrome struct {
	Title     string
	CSRF      string
	RequestID string
	User      *User     // nil on public pages
	Event     *EventNav // the event a staff page is about, if any
	Section   string    // which nav entry is current: board, leads, charts, events, staff, devices, account
	Flash     string    // a one-line confirmation shown at the top
	Scanner   bool      // load the scanner script
	// MailNotice tells admins that mail waits (not set up, or the server refuses it); "" when all is well.
	MailNotice string
	// HookNotice tells admins that a webhook is paused; "" when none is.
	HookNotice string
}

// User is the signed-in person as the layout shows them.
type User struct {
	Name, Role string
}

// IsAdmin reports whether the user is an admin.
func (u *User) IsAdmin() bool { return u != nil && u.Role == "admin" }

// CanRecruit reports whether the user sees recruiter pages (leads table, export, charts).
func (u *User) CanRecruit() bool { return u != nil && (u.Role == "admin" || u.Role == "recruiter") }

// EventNav names the current event in the staff header.
type EventNav struct {
	Slug, Name string
}

func current(ch Chrome, section string) string {
	if ch.Section == section {
		return "page"
	}
	return "false"
}

func navItems(ch Chrome) []navItem {
	var items []navItem
	if ch.Event != nil {
		items = append(items, navItem{"board", "Board", paths.Event(ch.Event.Slug)})
		if ch.User.CanRecruit() {
			items = append(items, navItem{"leads", "Leads", paths.Leads(ch.Event.Slug)},
				navItem{"charts", "Charts", paths.Charts(ch.Event.Slug)})
		}
	}
	items = append(items, navItem{"events", "Events", paths.Events()})
	if ch.User.IsAdmin() {
		items = append(items, navItem{"staff", "Staff", paths.Staff()}, navItem{"devices", "Devices", paths.Devices()},
			navItem{"mail", "Mail", paths.Mail()})
		// API tokens and webhooks; left out of an event's header, which holds three more items
		// and would wrap on a laptop
		if ch.Event == nil {
			items = append(items, navItem{"integrations", "API", paths.Integrations()})
		}
		items = append(items, navItem{"audit", "Audit", paths.Audit()})
	}
	return items
}

type navItem struct {
	Section, Label, Href string
}
