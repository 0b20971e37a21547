package outbox

import (
	"context"
	"errors"
	"log/slog"

	"github.com/boothlead/boothlead/mail"
	"github.com/boothlead/boothlead/models"
)

// mailJob builds and sends the "mail." rows: messages to candidates and staff, follow-ups.
type mailJob struct{ cfg Config }

func (j *mailJob) family() string { return "mail." }

// do builds the message (minting the links it carries), sends it, and forgets the links when it
// could not be sent.
func (j *mailJob) do(ctx context.Context, it models.OutboxItem) error {
	msg, cleanup, err := j.build(ctx, it)
	if err != nil {
		return err
	}
	err = j.cfg.Sender.Send(ctx, msg)
	if err == nil {
		return nil
	}
	cleanup()
	var se *mail.SendError
	if errors.As(err, &se) && se.Permanent {
		return &giveUpError{reason: se.Error(), err: se}
	}
	return err
}

// settled keeps the follow-up counts: sent, bounced (refused for good) or not sent.
func (j *mailJob) settled(ctx context.Context, it models.OutboxItem, failure error) {
	if it.Kind != models.MailFollowUp {
		return
	}
	outcome := models.FollowUpSent
	var se *mail.SendError
	switch {
	case failure == nil:
	case errors.As(failure, &se) && se.Permanent:
		outcome = models.FollowUpBounced
	default:
		outcome = models.FollowUpDropped
	}
	if err := j.cfg.Store.SettleFollowUp(ctx, it.Payload.Int64("send"), outcome); err != nil {
		j.cfg.Log.Error("outbox: follow-up outcome not recorded", slog.Int64("outbox_id", it.ID), slog.String("err", err.Error()))
	}
}
