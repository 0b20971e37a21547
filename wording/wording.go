// Package wording says stored things (purposes, ratings, what a repeat check-in asked to change,
// answers to custom questions) in a candidate's language, the same way on their pages and in
// their mails. It holds no state: the message catalogues come in with the localizer.
package wording

import (
	"strings"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/models"
)

// Purpose names a consent's purpose ("Contact about jobs", "Talent pool").
func Purpose(l *i18n.Localizer, purpose string) string {
	if purpose == models.PurposeTalentPool {
		return l.T("purpose.talent_pool")
	}
	return l.T("purpose.contact")
}

// Rating names a rating (hot, warm, cold), or "" for none.
func Rating(l *i18n.Localizer, rating string) string {
	switch rating {
	case "hot", "warm", "cold":
		return l.T("rating." + rating)
	}
	return ""
}

// Field names a detail a repeat may change ("phone number", "job title").
func Field(l *i18n.Localizer, field string) string { return l.T("fieldword." + field) }

// Answer says an answer: options as translated, yes and no in words, several joined.
func Answer(l *i18n.Localizer, q models.Question, vals []string) string {
	words := make([]string, 0, len(vals))
	for _, v := range vals {
		switch {
		case q.Kind == models.QuestionYesNo && (v == models.AnswerYes || v == models.AnswerNo):
			words = append(words, l.T("answer."+v))
		case q.Choices():
			words = append(words, q.OptionIn(l.Lang(), v))
		default:
			words = append(words, v)
		}
	}
	return strings.Join(words, l.T("list.comma"))
}

// question finds a question by key (a deleted one reads as its key).
func question(qs []models.Question, key string) models.Question {
	for _, q := range qs {
		if q.Key == key {
			return q
		}
	}
	return models.Question{Key: key, Label: key, Kind: models.QuestionText}
}

// Changes lists what a repeat check-in asked for, one line each ("change your company from “A”
// to “B”"); consent lines name the purpose and the text's version.
func Changes(l *i18n.Localizer, ch models.VisitChanges, qs []models.Question) []string {
	var out []string
	for _, f := range ch.Fields {
		if f.From != "" {
			out = append(out, l.T("change.field_from", "Field", Field(l, f.Field), "From", f.From, "To", f.To))
		} else {
			out = append(out, l.T("change.field", "Field", Field(l, f.Field), "To", f.To))
		}
	}
	if len(ch.Interests) > 0 {
		out = append(out, l.T("change.interests", "List", l.Join(ch.Interests)))
	}
	for _, a := range ch.Answers {
		q := question(qs, a.Key)
		label := q.LabelIn(l.Lang())
		if len(a.From) > 0 {
			out = append(out, l.T("change.answer_from", "Question", label, "From", Answer(l, q, a.From), "To", Answer(l, q, a.To)))
		} else {
			out = append(out, l.T("change.answer", "Question", label, "To", Answer(l, q, a.To)))
		}
	}
	for _, c := range ch.Consents {
		out = append(out, l.T("change.consent", "Purpose", Purpose(l, c.Purpose), "Version", l.Number(c.Version)))
	}
	return out
}

// DeleteNote says when a lead's details are deleted: on the event's retention day, or, in the
// talent pool, some months after the last contact.
func DeleteNote(l *i18n.Localizer, ev models.Event, inPool bool) string {
	if inPool {
		return l.N("self.delete_pool", models.TalentPoolMonths, "Company", ev.Company)
	}
	return l.T("self.delete_on", "Company", ev.Company, "Date", l.Date(ev.DeleteAfter()))
}

// ConsentDefaults writes the default consent wording of an event in each language from the
// catalogues (the English one is models.DefaultConsentText, word for word).
func ConsentDefaults(b *i18n.Bundle) models.ConsentDefaults {
	return func(ev models.Event, purpose, lang string) string {
		if !b.Has(lang) {
			return ""
		}
		l := b.For(lang)
		if purpose == models.PurposeTalentPool {
			return l.N("consent.default_pool", models.TalentPoolMonths, "Company", ev.Company)
		}
		return l.N("consent.default_contact", ev.RetentionDays, "Company", ev.Company, "Event", ev.Name)
	}
}
