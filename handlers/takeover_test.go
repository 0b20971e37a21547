package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
)

// ownerAtBooth is a candidate who checked in (with the private link from their mail) and whom
// staff have talked to: a note and a rating are stored about them.
func ownerAtBooth(t *testing.T, a *testApp, ev models.Event, form url.Values) (models.Lead, string) {
	t.Helper()
	_, lead, _, me := checkedIn(t, a, ev, form)
	staff := a.signedIn("sam@example.com", models.RoleStaff)
	p := staff.submit(paths.Conversations(lead.ID), url.Values{"client_id": {models.NewUUID()}, "rating": {"hot"},
		"notes": {"Secret note: wants 120k, leaving her employer quietly"}, "follow_up": {"call on Monday"}})
	wantStatus(t, p, http.StatusSeeOther)
	return lead, me
}

// whatAnOwnerHas is every piece of stored data an attacker must not see.
var whatAnOwnerHas = []string{"Ångström", "Nordic", "+46", "compilers", "Secret note", "120k", "call on Monday",
	"hot", "/me/", "Staff engineer"}

// noneOf fails when the page shows any of the stored data.
func noneOf(t *testing.T, what, body string, stored []string) {
	t.Helper()
	for _, s := range stored {
		if strings.Contains(body, s) {
			t.Errorf("%s shows %q", what, s)
		}
	}
}

// Anyone who knows a candidate's email can check in with it: in any letter case, with spaces,
// in another Unicode form, again and again. They get a confirmation of their own submission and
// nothing else: no private link, nothing stored, no changed details, no consent in the owner's
// name. The mail goes to the stored address only.
func TestRepeatCheckInByAnAttackerRevealsAndChangesNothing(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	owner := fullForm()
	owner.Set("email", "zoë.a@example.com") // a local part with a letter that has two Unicode forms
	owner.Del("talent_pool")
	lead, me := ownerAtBooth(t, a, ev, owner)
	ctx := context.Background()
	consentsBefore, _ := a.store.Consents(ctx, lead.ID)

	for i, email := range []string{"zoë.a@example.com", "ZOË.A@EXAMPLE.COM", "  Zoë.A@Example.Com  ",
		"zoe\u0308.a@example.com", "\u200bzoë.a@example.com\ufeff", "zoë.a@example.com"} {
		attacker := a.client()
		f := url.Values{"name": {"Mallory"}, "email": {email}, "consent": {"yes"}, "talent_pool": {"yes"},
			"company": {"Evil Inc"}, "interests": {"Data"}}
		p := attacker.checkIn(ev, f)
		wantStatus(t, p, http.StatusSeeOther)
		if !strings.HasPrefix(p.location(), "/thanks/") {
			t.Fatalf("%q: redirected to %q", email, p.location())
		}
		if got := a.leadOf(p.location()); got.ID != lead.ID {
			t.Fatalf("%q: the check-in made another lead, want the same person's", email)
		}
		token := strings.TrimPrefix(p.location(), "/thanks/")
		if token == strings.TrimPrefix(me, "/me/") {
			t.Fatalf("%q: the confirmation URL is the private link", email)
		}
		for _, path := range []string{paths.SelfService(token), paths.SelfServiceExport(token), paths.Confirm(token)} {
			if q := attacker.get(path); q.status != http.StatusNotFound {
				t.Errorf("%q: the confirmation token opens %s (%d)", email, path, q.status)
			}
		}
		if q := attacker.submit(paths.SelfServiceDelete(token), url.Values{"confirm": {"yes"}}); q.status != http.StatusNotFound {
			t.Errorf("%q: the confirmation token deletes (%d)", email, q.status)
		}
		conf := attacker.get(p.location())
		wantStatus(t, conf, http.StatusOK)
		noneOf(t, email+": the confirmation", conf.body, whatAnOwnerHas)
		if got := conf.testid("thanks-name").Text(); got != "Mallory" {
			t.Errorf("%q: the confirmation greets %q, want what was typed", email, got)
		}
		if conf.testid("self-service-link").Length() != 0 {
			t.Errorf("%q: the confirmation has a self-service-link", email)
		}
		code := personalCode(t, conf)
		noneOf(t, email+": the personal QR's page", attacker.get(paths.Personal(code)).body, whatAnOwnerHas)

		stored, _ := a.store.LeadByID(ctx, lead.ID)
		if stored.Name != "Zoë Ångström" || stored.Company != "Nordic Compilers AB" || stored.EmailText() != "zoë.a@example.com" ||
			strings.Join(stored.Interests, ",") != "Backend,SRE" || stored.VisitCount != i+2 {
			t.Errorf("%q: the lead changed: %+v", email, stored)
		}
		consents, _ := a.store.Consents(ctx, lead.ID)
		if len(consents) != len(consentsBefore) {
			t.Errorf("%q: %d consents, want %d: a repeat adds none before confirmation", email, len(consents), len(consentsBefore))
		}
	}
	// each repeat mailed the owner's stored address, never a variant typed
	msgs := a.mailTo("zoë.a@example.com", 6)
	for _, m := range a.mailbox.Messages() {
		if len(m.To) != 1 || m.To[0] != "zoë.a@example.com" {
			t.Errorf("a mail went to %v", m.To)
		}
	}
	if len(msgs) > 1+models.MaxRepeatMailsPerHour {
		t.Errorf("%d mails: repeats flood the address", len(msgs))
	}
	last := msgs[len(msgs)-1]
	if !strings.Contains(last.Text, "“Evil Inc”") || !strings.Contains(last.Text, "Nothing changes until you confirm") {
		t.Errorf("the owner's mail does not say what the repeat asked:\n%s", last.Text)
	}
}

// The owner's own first confirmation page, opened again after staff added notes, still shows
// only what was typed then.
func TestOldConfirmationURLShowsNothingAddedLater(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	c := a.client()
	p := c.checkIn(ev, fullForm())
	wantStatus(t, p, http.StatusSeeOther)
	lead := a.leadOf(p.location())
	staff := a.signedIn("sam@example.com", models.RoleStaff)
	wantStatus(t, staff.submit(paths.Conversations(lead.ID), url.Values{"client_id": {models.NewUUID()}, "rating": {"hot"},
		"notes": {"Secret note"}}), http.StatusSeeOther)
	wantStatus(t, staff.submit(paths.Lead(lead.ID), url.Values{"name": {"Zoë Ångström"}, "email": {"Zoe@Example.com"},
		"company": {"Corrected By Staff GmbH"}}), http.StatusSeeOther)
	later := a.client().get(p.location())
	wantStatus(t, later, http.StatusOK)
	noneOf(t, "an old confirmation", later.body, []string{"Secret note", "hot", "Corrected By Staff", "/me/"})
}

// The owner's mailed link shows everything held, staff notes included, and what the repeat asked
// for; its confirm link shows a form first (opening it changes nothing) and applies the request
// exactly once, however often or concurrently it is posted.
func TestOwnerConfirmsARepeatOnceFromTheMail(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	lead, me := ownerAtBooth(t, a, ev, fullForm())
	ctx := context.Background()
	owner := a.client()
	page := owner.get(me)
	wantStatus(t, page, http.StatusOK)
	for _, want := range []string{"Secret note: wants 120k", "call on Monday", "hot"} {
		if !strings.Contains(page.testid("my-notes").Text(), want) {
			t.Errorf("the private page does not show %q of the staff notes", want)
		}
	}

	f := fullForm()
	f.Set("email", "zoe@example.com")
	f.Set("company", "Compilers Oy")
	f.Del("talent_pool")
	f["interests"] = []string{"Data"}
	wantStatus(t, a.client().checkIn(ev, f), http.StatusSeeOther)
	mail := a.mailTo("Zoe@Example.com", 2)[1]
	confirm := a.path(mail.Link(t, a.ts.URL+"/confirm/"))
	if !strings.Contains(mail.Text, "change your company from “Nordic Compilers AB” to “Compilers Oy”") {
		t.Errorf("the mail does not say what changes:\n%s", mail.Text)
	}
	if owner.get(me).testid("my-visits").Find("ul.timeline > li").Length() != 2 {
		t.Error("the private page does not list both check-ins")
	}

	form := owner.get(confirm)
	wantStatus(t, form, http.StatusOK)
	if form.testid("confirm-form").Length() != 1 || !strings.Contains(form.testid("confirm-list").Text(), "Compilers Oy") {
		t.Fatalf("the confirm page: %.500s", form.body)
	}
	if got, _ := a.store.LeadByID(ctx, lead.ID); got.Company != "Nordic Compilers AB" {
		t.Fatalf("opening the link applied it: %+v", got)
	}
	if p := a.client().post(confirm, url.Values{}); p.status != http.StatusForbidden {
		t.Errorf("confirm without CSRF: %d", p.status)
	}
	if p := owner.get(strings.Replace(confirm, "/confirm/", "/me/", 1)); p.status != http.StatusNotFound {
		t.Errorf("the confirm link opens the private page: %d", p.status)
	}

	const n = 6
	var wg sync.WaitGroup
	statuses := make([]int, n)
	clients := make([]*client, n)
	forms := make([]url.Values, n)
	for i := range n {
		clients[i] = a.client()
		forms[i] = url.Values{"_csrf": {clients[i].csrf()}}
	}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = clients[i].post(confirm, forms[i]).status
		}()
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusNotFound:
		default:
			t.Errorf("a concurrent confirmation answered %d", s)
		}
	}
	if ok != 1 {
		t.Fatalf("%d confirmations applied, want exactly 1 (statuses %v)", ok, statuses)
	}
	got, _ := a.store.LeadByID(ctx, lead.ID)
	if got.Company != "Compilers Oy" || strings.Join(got.Interests, ",") != "Backend,SRE,Data" || got.Name != "Zoë Ångström" {
		t.Errorf("after confirming: %+v", got)
	}
	if p := owner.get(confirm); p.status != http.StatusNotFound {
		t.Errorf("a used confirm link: %d", p.status)
	}
}

// A confirm link works for a while only; the repeat's talent-pool consent is recorded only
// through it, to the wording shown then.
func TestExpiredConfirmLinkAppliesNothing(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	_, lead, _, _ := checkedIn(t, a, ev, minimalForm())
	f := minimalForm()
	f.Set("talent_pool", "yes")
	wantStatus(t, a.client().checkIn(ev, f), http.StatusSeeOther)
	confirm := a.path(a.mailTo("ada@example.com", 2)[1].Link(t, a.ts.URL+"/confirm/"))
	a.db.Gorm.Exec(`UPDATE lead_links SET expires_at = now() - interval '1 minute' WHERE purpose = 'confirm'`)
	c := a.client()
	for _, p := range []page{c.get(confirm), c.submit(confirm, nil)} {
		if p.status != http.StatusNotFound || !strings.Contains(p.body, "nothing was changed") {
			t.Errorf("expired confirm link: %d %.200s", p.status, p.body)
		}
	}
	if cs, _ := a.store.Consents(context.Background(), lead.ID); len(cs) != 1 {
		t.Errorf("%d consents, want only the first contact consent", len(cs))
	}
}

// A walk-in with a known address completes what is missing and never replaces what the
// candidate typed; staff see on the lead page what differed.
func TestWalkInWithAKnownAddressKeepsWhatIsStored(t *testing.T) {
	t.Parallel()
	a, ev := checkInApp(t)
	_, lead, _, _ := checkedIn(t, a, ev, fullForm())
	staff := a.signedIn("sam@example.com", models.RoleStaff)
	p := staff.submit(paths.QuickAdd(ev.Slug), url.Values{"name": {"Zoe Angstrom"}, "email": {"zoe@example.com"},
		"interests": {"Data"}, "consent": {"yes"}, "client_id": {models.NewUUID()}})
	wantStatus(t, p, http.StatusSeeOther)
	got, _ := a.store.LeadByID(context.Background(), lead.ID)
	if got.Name != "Zoë Ångström" || got.EmailText() != "Zoe@Example.com" || strings.Join(got.Interests, ",") != "Backend,SRE,Data" {
		t.Errorf("after the walk-in: %+v", got)
	}
	page := staff.get(paths.Lead(lead.ID))
	if d := page.testid("visit-differs").Text(); !strings.Contains(d, "“Zoe Angstrom”") || !strings.Contains(d, "stored: “Zoë Ångström”") {
		t.Errorf("the lead page does not show what the walk-in typed differently: %q", d)
	}
}
