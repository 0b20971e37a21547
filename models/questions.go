package models

import (
	"database/sql/driver"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Kinds of custom questions.
const (
	QuestionText   = "text"   // free text, one line
	QuestionChoice = "choice" // one of the options
	QuestionMulti  = "multi"  // any number of the options
	QuestionYesNo  = "yesno"  // yes or no
)

// QuestionKinds lists the kinds in the order forms offer them.
var QuestionKinds = []string{QuestionText, QuestionChoice, QuestionMulti, QuestionYesNo}

// Answer values of a yes/no question.
const (
	AnswerYes = "yes"
	AnswerNo  = "no"
)

// Limits of custom questions and their answers, in characters.
const (
	MaxQuestionLabel  = 200
	MaxQuestionOption = 100
	MaxOptions        = 30
	MaxQuestions      = 20
	MaxAnswerLen      = 500
)

// Question is one question an event asks on its check-in form besides the built-in fields. Its
// key names the form field (q.<key>) and the stored answers; its label (and, for choices, its
// options) are written in the event's language, with translations for the others. Answers store
// the options as written here, so exports and filters do not depend on the reader's language.
type Question struct {
	ID           int64
	EventID      int64
	Key          string
	Kind         string
	Label        string
	Options      StringList `gorm:"type:text[]"`
	Translations QuestionTranslations
	Required     bool
	Position     int
	CreatedAt    time.Time
}

// TableName maps Question onto questions.
func (Question) TableName() string { return "questions" }

// Field is the question's form field name.
func (q Question) Field() string { return "q." + q.Key }

// Choices reports whether the question offers options (choice or multi).
func (q Question) Choices() bool { return q.Kind == QuestionChoice || q.Kind == QuestionMulti }

// LabelIn is the label in a language (the label as written when it has no translation).
func (q Question) LabelIn(lang string) string {
	if t := strings.TrimSpace(q.Translations[lang].Label); t != "" {
		return t
	}
	return q.Label
}

// OptionIn is how option value (one of Options) reads in a language.
func (q Question) OptionIn(lang, value string) string {
	tr := q.Translations[lang].Options
	for i, o := range q.Options {
		if o == value && i < len(tr) && strings.TrimSpace(tr[i]) != "" {
			return tr[i]
		}
	}
	return value
}

// QuestionTranslation is a question's label and options in one other language (options in the
// order of Question.Options; blank ones read as written).
type QuestionTranslation struct {
	Label   string   `json:"label,omitempty"`
	Options []string `json:"options,omitempty"`
}

// QuestionTranslations are a question's translations by language code.
type QuestionTranslations map[string]QuestionTranslation

// Value writes the translations as jsonb.
func (t QuestionTranslations) Value() (driver.Value, error) {
	if t == nil {
		return "{}", nil
	}
	return jsonValue(t)
}

// Scan reads the translations from jsonb.
func (t *QuestionTranslations) Scan(src any) error { return jsonScan(src, t) }

// Answers are a lead's answers to its event's custom questions: question key → the values (one
// for text, choice and yes/no; one or more for multi). A question left unanswered has no key.
type Answers map[string][]string

// Value writes the answers as jsonb.
func (a Answers) Value() (driver.Value, error) { return jsonValue(a.orEmpty()) }

// Scan reads the answers from jsonb.
func (a *Answers) Scan(src any) error { return jsonScan(src, a) }

func (a Answers) orEmpty() Answers {
	if a == nil {
		return Answers{}
	}
	return a
}

// Equal reports whether a question's answer is the same in a and b.
func (a Answers) Equal(b Answers, key string) bool {
	x, y := a[key], b[key]
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

// Text is an answer as one line: values joined with "; " (yes and no as such).
func (a Answers) Text(key string) string { return strings.Join(a[key], "; ") }

// Typed is the answers as JSON for the API and webhooks, by question key, in the shape of each
// question's kind: text and choice a string, multi a list of strings, yes/no a boolean. Keys of
// questions that no longer exist are left out; unanswered questions are absent.
func (a Answers) Typed(qs []Question) map[string]any {
	out := map[string]any{}
	for _, q := range qs {
		vals := a[q.Key]
		if len(vals) == 0 {
			continue
		}
		switch q.Kind {
		case QuestionMulti:
			out[q.Key] = append([]string(nil), vals...)
		case QuestionYesNo:
			out[q.Key] = vals[0] == AnswerYes
		default:
			out[q.Key] = vals[0]
		}
	}
	return out
}

// QuestionInput is what the question form or `boothlead question add` gives. Options are
// separated by commas or new lines.
type QuestionInput struct {
	Key, Label, Kind, Options string
	Required                  bool
	// Translations by language: the label, and the options one per line.
	Translations map[string]QuestionTranslationInput
}

// QuestionTranslationInput is one language's translation as a form gives it.
type QuestionTranslationInput struct{ Label, Options string }

var questionKeyRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// NewQuestion validates a new question (its key and kind are fixed from then on).
func NewQuestion(in QuestionInput) (Question, error) {
	e := newErrs()
	q := Question{Key: strings.TrimSpace(in.Key), Kind: strings.TrimSpace(in.Kind)}
	if !questionKeyRe.MatchString(q.Key) {
		e.add("key", "Use 1 to 40 lowercase letters, digits, _ or -, starting with a letter or digit (e.g. grad_year).")
	}
	if !contains(QuestionKinds, q.Kind) {
		e.add("kind", "Choose text, choice, multi or yesno.")
	}
	return applyQuestionInput(q, in, e)
}

// EditQuestion validates the editable parts of a question (label, options, required,
// translations) and applies them to q. An edit may add options and reword them, but the answers
// already given keep the wording they were given in.
func EditQuestion(q Question, in QuestionInput) (Question, error) {
	return applyQuestionInput(q, in, newErrs())
}

func applyQuestionInput(q Question, in QuestionInput, e errs) (Question, error) {
	q.Label = cleanText(e, "label", "Label", in.Label, MaxQuestionLabel, true, false)
	q.Required = in.Required
	q.Options = nil
	if q.Choices() {
		opts := ParseInterests(in.Options)
		switch {
		case len(opts) == 0:
			e.add("options", "A choice needs options: write them separated by commas or one per line.")
		case len(opts) > MaxOptions:
			e.add("options", fmt.Sprintf("At most %d options.", MaxOptions))
		}
		for _, o := range opts {
			cleanText(e, "options", "Each option", o, MaxQuestionOption, false, false)
		}
		q.Options = opts
	} else if strings.TrimSpace(in.Options) != "" && contains(QuestionKinds, q.Kind) {
		e.add("options", "Only choice and multi questions have options.")
	}
	q.Translations = QuestionTranslations{}
	langs := make([]string, 0, len(in.Translations))
	for lang := range in.Translations {
		langs = append(langs, lang)
	}
	sort.Strings(langs)
	for _, lang := range langs {
		tr := in.Translations[lang]
		if !IsLanguage(lang) {
			continue
		}
		field := "tr." + lang
		t := QuestionTranslation{Label: cleanText(e, field, "The translated label", tr.Label, MaxQuestionLabel, false, false)}
		if q.Choices() {
			lines := strings.Split(strings.ReplaceAll(tr.Options, "\r\n", "\n"), "\n")
			for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
				lines = lines[:len(lines)-1]
			}
			if len(lines) > len(q.Options) {
				e.add(field, "Write one translated option per line, in the order of the options (no more lines than options).")
			}
			for _, l := range lines {
				t.Options = append(t.Options, cleanText(e, field, "Each translated option", l, MaxQuestionOption, false, false))
			}
		}
		if t.Label != "" || len(t.Options) > 0 {
			q.Translations[lang] = t
		}
	}
	return q, e.err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CheckAnswers validates the answers a form sent (raw: question key → the values of form field
// q.<key>, repeated for multi) to an event's questions and returns them cleaned; a required
// question left unanswered is an error. Errors are keyed by the form field (q.<key>), with
// Problems for the candidate's language.
func CheckAnswers(qs []Question, raw Answers) (Answers, error) {
	e := newErrs()
	out := checkAnswers(e, qs, raw)
	return out, e.err()
}

func checkAnswers(e errs, qs []Question, raw Answers) Answers {
	out := Answers{}
	for _, q := range qs {
		f := q.Field()
		var vals []string
		switch q.Kind {
		case QuestionText:
			v := ""
			if len(raw[q.Key]) > 0 {
				v = raw[q.Key][0]
			}
			v = leadText(e, f, q.Label, v, MaxAnswerLen, false, false)
			if v != "" && !e.has(f) {
				vals = []string{v}
			}
		case QuestionYesNo:
			v := ""
			if len(raw[q.Key]) > 0 {
				v = strings.TrimSpace(raw[q.Key][0])
			}
			switch v {
			case "":
			case AnswerYes, AnswerNo:
				vals = []string{v}
			default:
				e.problem(f, "Choose yes or no.", Problem{ID: "err.yesno"})
			}
		default: // choice, multi
			seen := map[string]bool{}
			for _, v := range raw[q.Key] {
				v = strings.TrimSpace(v)
				if v == "" || seen[v] {
					continue
				}
				if !utf8.ValidString(v) || !q.Options.Contains(v) {
					e.problem(f, "Choose from the options listed here.", Problem{ID: "err.choice"})
					continue
				}
				seen[v] = true
				vals = append(vals, v)
			}
			if q.Kind == QuestionChoice && len(vals) > 1 {
				e.problem(f, "Choose one of the options.", Problem{ID: "err.only_one"})
			}
			// keep the options' order, whatever order the browser sent them in
			sort.SliceStable(vals, func(i, j int) bool { return indexOf(q.Options, vals[i]) < indexOf(q.Options, vals[j]) })
		}
		if len(vals) > 0 {
			out[q.Key] = vals
		} else if q.Required {
			e.problem(f, q.Label+" is required.", Problem{ID: "err.answer_required"})
		}
	}
	return out
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
