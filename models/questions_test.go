package models_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"testing"

	"github.com/boothlead/boothlead/models"
)

func TestNewQuestionValidates(t *testing.T) {
	for _, tc := range []struct {
		in      models.QuestionInput
		errKeys []string
	}{
		{models.QuestionInput{Key: "grad_year", Label: "Graduation year", Kind: "text"}, nil},
		{models.QuestionInput{Key: "level", Label: "Level", Kind: "choice", Options: "A, B,A"}, nil},
		{models.QuestionInput{Key: "Grad Year", Label: "x", Kind: "text"}, []string{"key"}},
		{models.QuestionInput{Key: "k", Label: "", Kind: "essay"}, []string{"kind", "label"}},
		{models.QuestionInput{Key: "k", Label: "L", Kind: "multi"}, []string{"options"}},
		{models.QuestionInput{Key: "k", Label: "L", Kind: "yesno", Options: "a,b"}, []string{"options"}},
		{models.QuestionInput{Key: "k", Label: "L", Kind: "choice", Options: "a,b",
			Translations: map[string]models.QuestionTranslationInput{"de": {Options: "x\ny\nz"}}}, []string{"tr.de"}},
	} {
		q, err := models.NewQuestion(tc.in)
		var keys []string
		if ve := (*models.ValidationError)(nil); errors.As(err, &ve) {
			for k := range ve.Fields {
				keys = append(keys, k)
			}
		} else if err != nil {
			t.Fatal(err)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, tc.errKeys) {
			t.Errorf("%+v: errors on %v, want %v", tc.in, keys, tc.errKeys)
		}
		if tc.in.Key == "level" && !slices.Equal(q.Options, []string{"A", "B"}) {
			t.Errorf("options %v", q.Options)
		}
	}
}

func TestCheckAnswers(t *testing.T) {
	qs := []models.Question{
		{Key: "grad", Label: "Grad", Kind: "text", Required: true},
		{Key: "level", Label: "Level", Kind: "choice", Options: models.StringList{"A", "B"}},
		{Key: "where", Label: "Where", Kind: "multi", Options: models.StringList{"X", "Y", "Z"}},
		{Key: "visa", Label: "Visa", Kind: "yesno"},
	}
	got, err := models.CheckAnswers(qs, models.Answers{"grad": {" 2027 "}, "where": {"Z", "X", "Z"}, "visa": {"no"}, "other": {"?"}})
	if err != nil {
		t.Fatal(err)
	}
	want := models.Answers{"grad": {"2027"}, "where": {"X", "Z"}, "visa": {"no"}}
	if len(got) != len(want) || !slices.Equal(got["grad"], want["grad"]) || !slices.Equal(got["where"], want["where"]) ||
		!slices.Equal(got["visa"], want["visa"]) {
		t.Errorf("answers %v, want %v", got, want)
	}
	_, err = models.CheckAnswers(qs, models.Answers{"level": {"A", "B"}, "where": {"W"}, "visa": {"maybe"}, "grad": {"\x00"}})
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("no validation error: %v", err)
	}
	for field, id := range map[string]string{"q.level": "err.only_one", "q.where": "err.choice", "q.visa": "err.yesno",
		"q.grad": "err.control"} {
		if ve.Problems[field].ID != id {
			t.Errorf("%s: %q, want %s", field, ve.Problems[field].ID, id)
		}
	}
	_, err = models.CheckAnswers(qs, models.Answers{})
	if ve := (*models.ValidationError)(nil); !errors.As(err, &ve) || ve.Problems["q.grad"].ID != "err.answer_required" {
		t.Errorf("a required question left out: %v", err)
	}
}

// Answer filters survive the trip through a URL (the table's links, the export link).
func TestLeadFilterAnswers(t *testing.T) {
	ev := models.Event{TimeZone: "UTC"}
	_, err := models.ParseLeadFilter(url.Values{"a.level": {"Senior"}, "t.grad_year": {"20"}, "a.Bad Key": {"x"}}, ev)
	if err == nil {
		t.Error("a filter on a malformed key was accepted")
	}
	f, err := models.ParseLeadFilter(url.Values{"a.level": {"Senior"}, "t.grad_year": {"20"}, "a.empty": {""}}, ev)
	if err != nil || !f.Active() || len(f.Answers) != 2 {
		t.Fatalf("filter %+v, %v", f, err)
	}
	again, err := models.ParseLeadFilter(f.Values(), ev)
	if err != nil || !slices.Equal(again.Answers, f.Answers) {
		t.Errorf("round trip: %+v", again.Answers)
	}
	if d := f.AuditDetails(); d["answer_search"] != true || d["a.level"] != "Senior" || d["t.grad_year"] != nil {
		t.Errorf("audit details %v", d)
	}
}

func TestAnswersTyped(t *testing.T) {
	qs := []models.Question{{Key: "grad", Kind: "text"}, {Key: "level", Kind: "choice"}, {Key: "where", Kind: "multi"},
		{Key: "visa", Kind: "yesno"}, {Key: "none", Kind: "text"}}
	got := models.Answers{"grad": {"2027"}, "level": {"Senior"}, "where": {"X", "Z"}, "visa": {"no"}, "gone": {"?"}}.Typed(qs)
	b, _ := json.Marshal(got)
	if string(b) != `{"grad":"2027","level":"Senior","visa":false,"where":["X","Z"]}` {
		t.Errorf("typed answers %s", b)
	}
}
