package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// A colleague added without a password gets an invitation by mail; its link sets the first
// password once and signs them in.
func TestStaffInvitationByMail(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.signedIn("rita@example.com", models.RoleAdmin)
	p := admin.submit(paths.Staff(), url.Values{"name": {"Sam Booth"}, "email": {"Sam@Example.com"}, "role": {"staff"}})
	wantStatus(t, p, http.StatusSeeOther)
	if f := admin.get(paths.Staff()).testid("flash").Text(); !strings.Contains(f, "invitation by mail") {
		t.Errorf("flash %q", f)
	}
	mail := a.mailTo("sam@example.com", 1)[0]
	if !strings.Contains(mail.Text, "rita added you") || !strings.Contains(mail.Text, "72 hours") {
		t.Errorf("the invitation:\n%s", mail.Text)
	}
	link := a.path(mail.Link(t, a.ts.URL+"/reset/"))
	sam := a.client()
	form := sam.get(link)
	wantStatus(t, form, http.StatusOK)
	if !strings.Contains(form.doc.Find("h1").Text(), "Welcome, Sam Booth") {
		t.Errorf("invitation page heading %q", form.doc.Find("h1").Text())
	}
	// nobody can sign in to an invited account before its owner chose a password
	if p := a.client().submit("/login", url.Values{"email": {"sam@example.com"}, "password": {""}}); p.status != http.StatusUnauthorized {
		t.Errorf("sign-in to an invited account without a password: %d", p.status)
	}
	p = sam.submit(link, url.Values{"password": {"a long new passphrase"}})
	wantStatus(t, p, http.StatusSeeOther)
	if p := sam.get(paths.Events()); p.status != http.StatusOK {
		t.Errorf("not signed in after choosing a password: %d", p.status)
	}
	if p := a.client().get(link); p.status != http.StatusNotFound {
		t.Errorf("an invitation link used twice: %d", p.status)
	}
	a.client().loginWith("sam@example.com", "a long new passphrase")
}

// An admin's "mail a password link" and a colleague's own "forgot password" both mail a reset
// link that works once; the forgot-password page answers alike for every address and sends at
// most one mail per account every few minutes.
func TestPasswordResetByMail(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.signedIn("rita@example.com", models.RoleAdmin)
	sam := modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	modelstest.Staff(t, a.db, "kim@example.com", models.RoleStaff)
	gone := modelstest.Staff(t, a.db, "gone@example.com", models.RoleStaff)
	if err := a.store.SetStaffActive(context.Background(), 0, gone.ID, false); err != nil {
		t.Fatal(err)
	}

	wantStatus(t, admin.submit(paths.StaffReset(sam.ID), nil), http.StatusSeeOther)
	if admin.get(paths.Staff()).testid("reset-link").Length() != 0 {
		t.Error("with mail set up, the reset link is shown on the page too")
	}
	mail := a.mailTo("sam@example.com", 1)[0]
	if !strings.Contains(mail.Text, "rita asked for a new password") || !strings.Contains(mail.Text, "2 hours") {
		t.Errorf("the reset mail:\n%s", mail.Text)
	}
	byAdmin := a.path(mail.Link(t, a.ts.URL+"/reset/"))

	answers := map[string]string{}
	for _, email := range []string{"KIM@example.com", "nobody@example.com", "gone@example.com", "kim@example.com", "sam@example.com"} {
		c := a.client()
		p := c.submit(paths.ForgotPassword(), url.Values{"email": {email}})
		wantStatus(t, p, http.StatusOK)
		answers[email] = strings.ReplaceAll(p.testid("forgot-sent").Text(), email, "…")
	}
	if answers["KIM@example.com"] != answers["nobody@example.com"] || answers["nobody@example.com"] != answers["gone@example.com"] {
		t.Errorf("the answers differ by address: %q", answers)
	}
	msgs := a.mailTo("kim@example.com", 1)
	time.Sleep(300 * time.Millisecond) // a second mail would have been sent by now
	if n := len(a.mailbox.To("kim@example.com")); n != 1 {
		t.Errorf("%d mails to kim after two requests, want one", n)
	}
	if n := len(a.mailbox.To("sam@example.com")); n != 1 {
		t.Errorf("%d mails to sam, want only the admin's (it was minutes ago)", n)
	}
	if len(a.mailbox.To("gone@example.com"))+len(a.mailbox.To("nobody@example.com")) != 0 {
		t.Error("mail went to an unknown or deactivated address")
	}
	own := a.path(msgs[0].Link(t, a.ts.URL+"/reset/"))
	if !strings.Contains(msgs[0].Text, "Someone, most likely you") {
		t.Errorf("the forgot-password mail:\n%s", msgs[0].Text)
	}
	c := a.client()
	wantStatus(t, c.submit(own, url.Values{"password": {"another long passphrase"}}), http.StatusSeeOther)
	a.client().loginWith("kim@example.com", "another long passphrase")
	// sam's link works once; then it, and any other open link of sam's, is spent
	wantStatus(t, a.client().submit(byAdmin, url.Values{"password": {"sam's new passphrase"}}), http.StatusSeeOther)
	if p := a.client().get(byAdmin); p.status != http.StatusNotFound {
		t.Errorf("a used reset link still works: %d", p.status)
	}
	if p := a.client().submit(paths.ForgotPassword(), url.Values{"email": {"not an address"}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("a bad address: %d", p.status)
	}
}

// Without SMTP_URL, mail waits in the outbox; admins see how much waits and why, and password
// links are shown once instead of mailed.
func TestWithoutMailAdminsSeeWhatWaits(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, withoutMail)
	ev := modelstest.Event(t, a.db, "nomail")
	admin := a.signedIn("rita@example.com", models.RoleAdmin)
	sam := modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	wantStatus(t, a.client().checkIn(ev, minimalForm()), http.StatusSeeOther)

	wantStatus(t, admin.submit(paths.StaffReset(sam.ID), nil), http.StatusSeeOther)
	p := admin.get(paths.Staff())
	link := p.testid("reset-link").Find("code").Text()
	if !strings.HasPrefix(link, a.ts.URL+"/reset/") {
		t.Fatalf("no reset link shown: %q", p.testid("reset-link").Text())
	}
	if n := strings.TrimSpace(p.testid("mail-notice").Text()); !strings.Contains(n, "1 message waits") || !strings.Contains(n, "SMTP_URL") {
		t.Errorf("mail notice %q", n)
	}
	m := admin.get(paths.Mail())
	wantStatus(t, m, http.StatusOK)
	if m.testid("mail-off").Length() != 1 || m.testid("mail-waiting").Text() != "1" {
		t.Errorf("mail page: %.400s", m.testid("mail-stats").Text())
	}
	staff := a.signedIn("sue@example.com", models.RoleStaff)
	if p := staff.get(paths.Mail()); p.status != http.StatusForbidden {
		t.Errorf("staff on the mail page: %d", p.status)
	}
	if staff.get(paths.Events()).testid("mail-notice").Length() != 0 {
		t.Error("staff see the admins' mail notice")
	}
	p = a.client().get(a.path(link))
	wantStatus(t, p, http.StatusOK)
}

// A scanned badge gets a consent recorded in person (with the name and email staff asked
// for); the person then gets their private link and a copy of the consent by mail, and staff can
// mail the link again.
func TestVerbalConsentAndPrivateLinkByMail(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "badges", "Backend")
	staff := a.signedIn("sam@example.com", models.RoleStaff)
	p := scanCode(t, staff, ev.Slug, "TICKET-0001-OPAQUE", uuid.NewString())
	wantStatus(t, p, http.StatusSeeOther)
	leadPath := strings.SplitN(p.location(), "?", 2)[0]
	page := staff.get(leadPath)
	form := page.testid("verbal-consent")
	if form.Length() != 1 || form.Find(`input[name="consent"][value="yes"]`).Length() != 1 ||
		form.Find(`input[name="email"]`).Length() != 1 || !strings.Contains(form.Text(), "Acme Robotics may store") {
		t.Fatalf("verbal-consent form: %.600s", form.Text())
	}
	if page.testid("send-private-link").Length() != 0 {
		t.Error("send-private-link offered before any consent")
	}
	p = staff.submit(leadPath+"/consent", url.Values{"name": {"Grace"}, "email": {"grace@example.com"}})
	wantStatus(t, p, http.StatusUnprocessableEntity)
	if v, _ := p.testid("verbal-consent").Find(`input[name="email"]`).Attr("value"); v != "grace@example.com" {
		t.Errorf("the typed email was lost: %q", v)
	}
	p = staff.submit(leadPath+"/consent", url.Values{"name": {"Grace"}, "email": {"grace@example.com"}, "consent": {"yes"}})
	wantStatus(t, p, http.StatusSeeOther)
	mail := a.mailTo("grace@example.com", 1)[0]
	if !strings.Contains(mail.Text, "recorded your consent in person") || !strings.Contains(mail.Text, "> I agree that Acme Robotics") {
		t.Errorf("the consent mail:\n%s", mail.Text)
	}
	if q := a.client().get(a.path(mail.Link(t, a.ts.URL+"/me/"))); q.testid("self-service").Length() != 1 {
		t.Error("the mailed link does not open the private page")
	}
	page = staff.get(leadPath)
	if page.testid("verbal-consent").Length() != 0 || page.testid("send-private-link").Length() != 1 {
		t.Fatal("after the consent: no send-private-link form, or the consent form is still there")
	}
	if cs := page.testid("consents").Text(); !strings.Contains(cs, "staff (sam)") {
		t.Errorf("the consent does not say staff captured it: %q", cs)
	}
	wantStatus(t, staff.submit(leadPath+"/private-link", nil), http.StatusSeeOther)
	again := a.mailTo("grace@example.com", 2)[1]
	if !strings.Contains(again.Subject, "Your private link") {
		t.Errorf("second mail: %q", again.Subject)
	}

	// no consent, no mail
	p = scanCode(t, staff, ev.Slug, "mailto:nobody@example.com", uuid.NewString())
	other := strings.SplitN(p.location(), "?", 2)[0]
	if q := staff.submit(other+"/private-link", nil); q.status != http.StatusUnprocessableEntity {
		t.Errorf("private link without consent: %d", q.status)
	}
}
