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

// User is the signed-in person as the layout shows them. For a paired tablet, Name is the
// tablet's, Role is RoleTablet and By names the person who signed it in.
type User struct {
	Name, Role, By string
}

// RoleTablet is the role a paired tablet shows: the booth of one event, nothing else.
const RoleTablet = "tablet"

// IsTablet reports whether the browser is a tablet paired for one event's booth.
func (u *User) IsTablet() bool { return u != nil && u.Role == RoleTablet }

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
	if ch.User.IsTablet() {
		if ch.Event != nil {
			items = append(items, navItem{"board", "Board", paths.Event(ch.Event.Slug)})
		}
		return items
	}
	if ch.Event != nil {
		items = append(items, navItem{"board", "Board", paths.Event(ch.Event.Slug)})
		if ch.User.CanRecruit() {
			items = append(items, navItem{"leads", "Leads", paths.Leads(ch.Event.Slug)},
				navItem{"charts", "Charts", paths.Charts(ch.Event.Slug)})
		}
	}
	items = append(items, navItem{"events", "Events", paths.Events()})
	return items
}

// menuItems are the links used less often, in the header's menu: accounts, devices, mail,
// audit (admins) and one's own account.
func menuItems(ch Chrome) []navItem {
	if ch.User.IsTablet() {
		return nil
	}
	var items []navItem
	if ch.User.IsAdmin() {
		items = append(items, navItem{"staff", "Staff", paths.Staff()}, navItem{"devices", "Devices", paths.Devices()},
			navItem{"mail", "Mail", paths.Mail()}, navItem{"integrations", "API and webhooks", paths.Integrations()},
			navItem{"audit", "Audit log", paths.Audit()})
	}
	return append(items, navItem{"account", "Your account", paths.Account()})
}

// whoLabel names who is signed in: "sam (staff)", or a tablet and who signed it in.
func whoLabel(u *User) string {
	switch {
	case u == nil:
		return ""
	case u.IsTablet():
		return u.Name + " (tablet of " + u.By + ")"
	}
	return u.Name + " (" + u.Role + ")"
}

type navItem struct {
	Section, Label, Href string
}
