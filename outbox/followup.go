package outbox

import (
	"context"
	"errors"
	"strings"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/mail"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/paths"
)

// TestUnsubscribeToken is the token of the unsubscribe link in a test send: its page says what a
// candidate would see, and changes nothing.
const TestUnsubscribeToken = "test"

// buildFollowUp builds a follow-up to a lead: only with a contact consent in force (checked now,
// not when it was queued: an unsubscribe or a withdrawal meanwhile stops it), and only once.
func (j *mailJob) buildFollowUp(ctx context.Context, it models.OutboxItem, id string) (mail.Message, func(), error) {
	noop := func() {}
	sendID := it.Payload.Int64("send")
	d, err := j.cfg.Store.FollowUpMailData(ctx, sendID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return mail.Message{}, noop, dropped("the lead was erased")
	case err != nil:
		return mail.Message{}, noop, err
	case d.Settled:
		return mail.Message{}, noop, dropped("sent before")
	case !d.Contact || d.Lead.Email == nil:
		return mail.Message{}, noop, dropped("no contact consent in force")
	}
	token, err := j.cfg.Store.UnsubscribeToken(ctx, sendID)
	if err != nil {
		return mail.Message{}, noop, err
	}
	vals := d.Values()
	f := mail.FollowUp{L: j.cfg.I18n.For(d.Lead.Language), To: *d.Lead.Email, Subject: oneLine(models.RenderFollowUp(d.Template.Subject, vals)),
		Body: models.RenderFollowUp(d.Template.Body, vals), Company: d.Event.Company, Event: d.Event.Name,
		UnsubscribeURL: j.cfg.BaseURL + paths.Unsubscribe(token)}
	msg, err := mail.FollowUpMessage(id, f)
	return msg, noop, err
}

// buildFollowUpTest builds a test send of a template, with sample values, to the staff member
// who asked for it.
func (j *mailJob) buildFollowUpTest(ctx context.Context, it models.OutboxItem, id string) (mail.Message, func(), error) {
	noop := func() {}
	if it.StaffUserID == nil {
		return mail.Message{}, noop, dropped("no account")
	}
	u, err := j.cfg.Store.StaffUserByID(ctx, *it.StaffUserID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && !u.Active) {
		return mail.Message{}, noop, dropped("the account is gone")
	}
	if err != nil {
		return mail.Message{}, noop, err
	}
	t, ev, err := j.cfg.Store.FollowUpTemplateWithEvent(ctx, it.Payload.Int64("template"))
	if errors.Is(err, models.ErrNotFound) {
		return mail.Message{}, noop, dropped("the template is gone")
	}
	if err != nil {
		return mail.Message{}, noop, err
	}
	vals := models.SampleValues(ev, u.Name)
	// staff get the test send, so its footer is in English like their other mails
	f := mail.FollowUp{L: j.cfg.I18n.For(i18n.Default), To: u.Email, Subject: "[Test] " + oneLine(models.RenderFollowUp(t.Subject, vals)),
		Body: models.RenderFollowUp(t.Body, vals), Company: ev.Company, Event: ev.Name,
		UnsubscribeURL: j.cfg.BaseURL + paths.Unsubscribe(TestUnsubscribeToken)}
	msg, err := mail.FollowUpMessage(id, f)
	return msg, noop, err
}

// oneLine keeps a subject on one line whatever a placeholder held.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
