package handlers

import (
	"net/url"
	"strings"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/components"
	"github.com/boothlead/boothlead/views/pages"
)

// checkInPost is the check-in form as posted: the candidate's details plus the form's own
// fields (the timing stamp and the honeypot).
type checkInPost struct {
	In      models.LeadInput
	Stamp   string
	Website string // the honeypot: people never see it, so only bots fill it
}

// bindCheckIn reads the contract's field names from a posted form. A field sent more than once
// counts once (its first value); interests and multiple-choice answers (q.<key>) repeat by design.
// Nothing is cleaned here: models.CheckLeadWith does that.
func bindCheckIn(f url.Values) checkInPost {
	p := checkInPost{
		In: models.LeadInput{
			Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"), Company: f.Get("company"),
			Title: f.Get("title"), LinkedIn: f.Get("linkedin"), GitHub: f.Get("github"), CVURL: f.Get("cv_url"),
			Message: f.Get("message"), Interests: f["interests"],
			Consent: f.Get("consent") == "yes", TalentPool: f.Get("talent_pool") == "yes",
		},
		Stamp:   f.Get("stamp"),
		Website: f.Get("website"),
	}
	p.In.Answers = bindAnswers(f)
	return p
}

// bindAnswers reads the custom questions' fields (q.<key>) as posted: key → values.
func bindAnswers(f url.Values) models.Answers {
	out := models.Answers{}
	for name, vs := range f {
		if key, ok := strings.CutPrefix(name, "q."); ok && key != "" {
			out[key] = vs
		}
	}
	return out
}

// questionVMs shows an event's questions in a language, with the answers given (typed or
// stored) checked or filled in.
func questionVMs(l *i18n.Localizer, qs []models.Question, given models.Answers) []pages.QuestionVM {
	out := make([]pages.QuestionVM, 0, len(qs))
	for _, q := range qs {
		vm := pages.QuestionVM{Field: q.Field(), Label: q.LabelIn(l.Lang()), Kind: q.Kind, Required: q.Required}
		vals := given[q.Key]
		on := map[string]bool{}
		for _, v := range vals {
			on[strings.TrimSpace(v)] = true
		}
		switch q.Kind {
		case models.QuestionText:
			if len(vals) > 0 {
				vm.Value = typedValue(vals[0])
			}
		case models.QuestionYesNo:
			vm.Options = []components.Option{{Value: models.AnswerYes, Label: l.T("answer.yes"), Checked: on[models.AnswerYes]},
				{Value: models.AnswerNo, Label: l.T("answer.no"), Checked: on[models.AnswerNo]}}
		default:
			for _, o := range q.Options {
				vm.Options = append(vm.Options, components.Option{Value: o, Label: q.OptionIn(l.Lang(), o), Checked: on[o]})
			}
		}
		out = append(out, vm)
	}
	return out
}

// typedValue makes a typed value safe to put back into a form: what the person typed, except bytes
// that are not UTF-8 and NUL, which no browser can show.
func typedValue(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// typedForm is what the person typed, to show it again unchanged after an error.
func typedForm(in models.LeadInput, options []string) pages.LeadForm {
	f := pages.LeadForm{Name: typedValue(in.Name), Email: typedValue(in.Email), Phone: typedValue(in.Phone),
		Company: typedValue(in.Company), Title: typedValue(in.Title), LinkedIn: typedValue(in.LinkedIn), GitHub: typedValue(in.GitHub),
		CVURL: typedValue(in.CVURL), Message: typedValue(in.Message), Consent: in.Consent, TalentPool: in.TalentPool}
	for _, it := range in.Interests {
		it = strings.TrimSpace(it)
		for _, o := range options {
			if it == o {
				f.Interests = append(f.Interests, o)
			}
		}
	}
	return f
}

// leadFormOf shows a stored lead in the details form.
func leadFormOf(l models.Lead) pages.LeadForm {
	return pages.LeadForm{Name: l.Name, Email: l.EmailText(), Phone: l.Phone, Company: l.Company, Title: l.Title,
		LinkedIn: l.LinkedIn, GitHub: l.GitHub, CVURL: l.CVURL, Message: l.Message, Interests: l.Interests}
}
