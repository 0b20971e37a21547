// Package layouts holds the page shells: Base (the HTML document), Staff (signed-in pages with
// navigation and sync state) and Public (candidate pages on a phone).
package layouts

import (
	"strconv"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/views/paths"
)

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
	// L speaks the candidate's language on candidate pages; nil on staff pages (English).
	L *i18n.Localizer
	// LangSwitch links this candidate page in each other language.
	LangSwitch []LangLink
	// Kiosk is set on the pages of a self check-in kiosk.
	Kiosk *Kiosk
}

// LangLink is one entry of the language switch.
type LangLink struct {
	Code, Name, Href string
}

// Kiosk is what a kiosk page needs besides the candidate chrome.
type Kiosk struct {
	ExitURL     string // the staff sign-in that ends kiosk mode
	FormURL     string // the empty check-in form
	RefreshSecs int    // > 0: the page returns to FormURL after this many seconds (the confirmation)
}

// Lang is the page's language code (English on staff pages).
func (ch Chrome) Lang() string {
	if ch.L == nil {
		return i18n.Default
	}
	return ch.L.Lang()
}

// Dir is the page's writing direction.
func (ch Chrome) Dir() string {
	if ch.L == nil {
		return "ltr"
	}
	return ch.L.Dir()
}

// T says a message in the page's language (candidate pages only).
func (ch Chrome) T(id string, kv ...any) string { return ch.L.T(id, kv...) }

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

// refresh is the meta refresh of a kiosk confirmation: back to the empty form.
func refresh(k *Kiosk) string { return strconv.Itoa(k.RefreshSecs) + ";url=" + k.FormURL }

// skipText is the skip link's words: in the candidate's language on candidate pages.
func skipText(ch Chrome) string {
	if ch.L == nil {
		return "Skip to the content"
	}
	return ch.L.T("lang.skip")
}
