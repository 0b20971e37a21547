package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/boothlead/boothlead/mail"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
	"github.com/boothlead/boothlead/wording"
)

// build makes the message of a row, minting the links it carries; cleanup forgets those links
// when the message then cannot be sent.
func (j *mailJob) build(ctx context.Context, it models.OutboxItem) (mail.Message, func(), error) {
	id := it.DeliveryID + "@" + mail.Domain(j.cfg.From)
	switch it.Kind {
	case models.MailCheckIn, models.MailRepeat, models.MailStaffConsent, models.MailPrivateLink:
		return j.buildLead(ctx, it, id)
	case models.MailStaffInvite, models.MailStaffReset:
		return j.buildStaff(ctx, it, id)
	case models.MailFollowUp:
		return j.buildFollowUp(ctx, it, id)
	case models.MailFollowUpTest:
		return j.buildFollowUpTest(ctx, it, id)
	}
	return mail.Message{}, func() {}, dropped("unknown kind " + it.Kind)
}

func (j *mailJob) buildLead(ctx context.Context, it models.OutboxItem, id string) (mail.Message, func(), error) {
	noop := func() {}
	if it.LeadID == nil {
		return mail.Message{}, noop, dropped("no lead")
	}
	d, err := j.cfg.Store.LeadMailData(ctx, *it.LeadID, it.VisitID)
	if errors.Is(err, models.ErrNotFound) {
		return mail.Message{}, noop, dropped("the lead or its visit is gone")
	}
	if err != nil {
		return mail.Message{}, noop, err
	}
	if d.Lead.Email == nil {
		return mail.Message{}, noop, dropped("the lead has no email")
	}
	// Check-in mails answer the person's own action and say how to withdraw or delete; the others
	// need the contact consent in force.
	if it.Kind == models.MailStaffConsent || it.Kind == models.MailPrivateLink {
		if !hasContact(d.Consents) {
			return mail.Message{}, noop, dropped("no contact consent in force")
		}
	}
	ev, loc := d.Event, d.Event.Location()
	// the language the person used: the visit's (this check-in), else the lead's
	lang := d.Lead.Language
	if d.Visit != nil && d.Visit.Language != "" {
		lang = d.Visit.Language
	}
	l := j.cfg.I18n.For(lang)
	qs, err := j.cfg.Store.Questions(ctx, ev.ID)
	if err != nil {
		return mail.Message{}, noop, err
	}
	self, err := j.cfg.Store.IssueSelfLink(ctx, d.Lead.ID)
	if err != nil {
		return mail.Message{}, noop, err
	}
	var minted []string
	cleanup := func() {
		bg := context.WithoutCancel(ctx)
		_ = j.cfg.Store.DropLink(bg, self)
		for _, t := range minted {
			_ = j.cfg.Store.DropLink(bg, t)
		}
	}
	m := mail.Lead{L: l, To: *d.Lead.Email, Name: d.Lead.Name, Company: ev.Company, Event: ev.Name,
		SelfURL: j.cfg.BaseURL + paths.SelfService(self), DeleteNote: wording.DeleteNote(l, ev, inPool(d.Consents))}
	for _, c := range d.Consents {
		m.Consents = append(m.Consents, mail.Consent{Purpose: wording.Purpose(l, c.Purpose), Version: c.TextVersion,
			At: l.DateTime(c.At.In(loc)), Text: c.TextBody})
	}
	var msg mail.Message
	switch it.Kind {
	case models.MailCheckIn:
		msg, err = mail.CheckIn(id, m)
	case models.MailStaffConsent:
		msg, err = mail.StaffConsent(id, m)
	case models.MailPrivateLink:
		msg, err = mail.PrivateLink(id, m)
	case models.MailRepeat:
		if d.Visit == nil {
			cleanup()
			return mail.Message{}, noop, dropped("no visit")
		}
		v := d.Visit
		m.When = l.DateTime(v.At.In(loc))
		if v.Pending() {
			asked := v.Changes
			asked.Consents = nil // said with their wording below
			m.Asked = wording.Changes(l, asked, qs)
			for _, ask := range v.Changes.Consents {
				t := d.Texts[ask.TextID]
				m.AskConsents = append(m.AskConsents, mail.Consent{Purpose: wording.Purpose(l, ask.Purpose),
					Version: t.Version, Text: t.Body})
			}
			confirm, err := j.cfg.Store.IssueConfirmLink(ctx, d.Lead.ID, v.ID)
			if err != nil {
				cleanup()
				return mail.Message{}, noop, err
			}
			minted = append(minted, confirm)
			m.ConfirmURL = j.cfg.BaseURL + paths.Confirm(confirm)
			m.ConfirmHours = int(models.ConfirmLinkTTL / time.Hour)
		}
		msg, err = mail.Repeat(id, m)
	}
	if err != nil {
		cleanup()
		return mail.Message{}, noop, fmt.Errorf("outbox: build %s: %w", it.Kind, err)
	}
	return msg, cleanup, nil
}

func hasContact(cs []models.Consent) bool {
	for _, c := range cs {
		if c.Purpose == models.PurposeContact {
			return true
		}
	}
	return false
}

// inPool reports whether a talent-pool consent is among cs.
func inPool(cs []models.Consent) bool {
	for _, c := range cs {
		if c.Purpose == models.PurposeTalentPool {
			return true
		}
	}
	return false
}

func (j *mailJob) buildStaff(ctx context.Context, it models.OutboxItem, id string) (mail.Message, func(), error) {
	noop := func() {}
	if it.StaffUserID == nil {
		return mail.Message{}, noop, dropped("no account")
	}
	u, err := j.cfg.Store.StaffUserByID(ctx, *it.StaffUserID)
	if errors.Is(err, models.ErrNotFound) {
		return mail.Message{}, noop, dropped("the account is gone")
	}
	if err != nil {
		return mail.Message{}, noop, err
	}
	if !u.Active {
		return mail.Message{}, noop, dropped("the account is deactivated")
	}
	purpose, ttl := models.PasswordReset, models.MailedResetTTL
	if it.Kind == models.MailStaffInvite {
		purpose, ttl = models.PasswordInvite, models.InviteTTL
	}
	by := ""
	if byID := it.Payload.Int64("by"); byID != 0 && byID != u.ID {
		if admin, err := j.cfg.Store.StaffUserByID(ctx, byID); err == nil {
			by = admin.Name
		}
	}
	token, err := j.cfg.Store.IssuePasswordLink(ctx, u.ID, it.Payload.Int64("by"), purpose, ttl)
	if err != nil {
		return mail.Message{}, noop, err
	}
	cleanup := func() { _ = j.cfg.Store.DropPasswordLink(context.WithoutCancel(ctx), token) }
	d := mail.Staff{To: u.Email, Name: u.Name, Email: u.Email, Role: u.Role, By: by,
		URL: j.cfg.BaseURL + paths.ResetPassword(token), Hours: int(ttl / time.Hour),
		LoginURL: j.cfg.BaseURL + paths.Login(), SiteURL: j.cfg.BaseURL}
	var msg mail.Message
	if it.Kind == models.MailStaffInvite {
		msg, err = mail.StaffInvite(id, d)
	} else {
		msg, err = mail.StaffReset(id, d)
	}
	if err != nil {
		cleanup()
		return mail.Message{}, noop, fmt.Errorf("outbox: build %s: %w", it.Kind, err)
	}
	return msg, cleanup, nil
}
