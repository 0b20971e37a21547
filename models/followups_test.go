package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

func TestFollowUpTemplatesCheckTheirPlaceholders(t *testing.T) {
	for _, tc := range []struct {
		subject, body, field, want string
	}{
		{"Hi {{name}}", "Hello {{ first_name }}, {{staff}} says {{follow_up}} — {{event}}, {{our_company}}, {{company}}", "", ""},
		{"Hi {{nmae}}", "x", "subject", "Unknown placeholder {{nmae}}"}, //nolint:misspell // a misspelt placeholder is the case
		{"Hi", "Hello {{name}", "body", "not written right"},
		{"Hi", "Hello name}}", "body", "not written right"},
		{"Hi\nthere", "x", "subject", "control characters"},
		{"", "x", "subject", "required"},
	} {
		_, err := models.CheckFollowUpTemplate(models.FollowUpTemplate{Name: "n", Subject: tc.subject, Body: tc.body})
		var ve *models.ValidationError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%q / %q: %v", tc.subject, tc.body, err)
		case tc.field != "" && (!errors.As(err, &ve) || !strings.Contains(ve.Fields[tc.field], tc.want)):
			t.Errorf("%q / %q: %v, want %s: %q", tc.subject, tc.body, err, tc.field, tc.want)
		}
	}
	got := models.RenderFollowUp("Hi {{ Name }} ({{company}}), {{follow_up}}", map[string]string{"name": "Zoë", "company": "<Acme>", "follow_up": ""})
	if got != "Hi Zoë (<Acme>), " {
		t.Errorf("RenderFollowUp = %q", got)
	}
}

// A run queues the template once per lead who may be mailed, spaced to the rate asked; a second
// run of the same template queues nobody again.
func TestQueueFollowUpsSpacesAndNeverRepeats(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "fu")
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	var leads []models.SeedLead
	for i := range 12 {
		l := models.SeedLead{Name: fmt.Sprint("L", i), Email: fmt.Sprintf("l%d@example.org", i), Source: models.SourceSelfCheckIn,
			FirstSeen: at.Add(time.Duration(i) * time.Minute)}
		if i%4 != 3 { // every fourth never agreed
			l.Consents = []models.SeedConsent{{Purpose: models.PurposeContact, CapturedBy: "candidate", At: at}}
		}
		leads = append(leads, l)
	}
	if err := db.Store.SeedLeads(ctx, ev, leads); err != nil {
		t.Fatal(err)
	}
	tmpl, err := db.Store.SaveFollowUpTemplate(ctx, 0, models.FollowUpTemplate{EventID: ev.ID, Name: "Thanks", Subject: "Hi {{name}}", Body: "Thanks"})
	if err != nil {
		t.Fatal(err)
	}
	f := models.LeadFilter{}.Normalize(ev)
	n, err := db.Store.QueueFollowUps(ctx, 0, ev, tmpl.ID, f, 6)
	if err != nil || n != 9 {
		t.Fatalf("queued %d, %v; want 9", n, err)
	}
	var times []time.Time
	db.Gorm.Raw(`SELECT next_attempt_at FROM outbox WHERE kind = 'mail.followup' ORDER BY next_attempt_at`).Scan(&times)
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < 9900*time.Millisecond || gap > 10100*time.Millisecond {
			t.Fatalf("gap %s between mails %d and %d, want 10 s (6 a minute)", gap, i-1, i)
		}
	}
	if again, _ := db.Store.QueueFollowUps(ctx, 0, ev, tmpl.ID, f, 6); again != 0 {
		t.Fatalf("a second run queued %d", again)
	}
	c, err := db.Store.CountFollowUp(ctx, ev.ID, tmpl.ID, f)
	if err != nil || c.Matching != 12 || c.Consented != 9 || c.Sent != 9 || c.ToSend() != 0 {
		t.Fatalf("counts %+v, %v", c, err)
	}
}
