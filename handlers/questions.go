package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// questionsPage lists an event's custom questions with the form that adds one (admin).
func (s *Server) questionsPage(c echo.Context, ev models.Event, status int, add pages.QuestionFormVM) error {
	qs, err := s.store.Questions(c.Request().Context(), ev.ID)
	if err != nil {
		return err
	}
	vm := pages.QuestionsVM{Slug: ev.Slug, Event: ev.Name, Add: add}
	if vm.Add.Kind == "" {
		vm.Add.Kind = models.QuestionText
	}
	for _, q := range qs {
		vm.Questions = append(vm.Questions, questionRow(ev, q))
	}
	vm.Full = len(qs) >= models.MaxQuestions
	return render(c, status, pages.QuestionsPage(s.eventChrome(c, ev, "Questions — "+ev.Name, "events"), vm))
}

func questionRow(ev models.Event, q models.Question) pages.QuestionRow {
	r := pages.QuestionRow{ID: q.ID, Key: q.Key, Field: q.Field(), Label: q.Label, Kind: q.Kind, Required: q.Required,
		Options: q.Options, EditHref: paths.Question(ev.Slug, q.ID)}
	for _, l := range models.Languages {
		if _, ok := q.Translations[l]; ok {
			r.Translated = append(r.Translated, l)
		}
	}
	return r
}

func (s *Server) questionList(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	return s.questionsPage(c, ev, http.StatusOK, pages.QuestionFormVM{})
}

func questionInput(c echo.Context) models.QuestionInput {
	in := models.QuestionInput{Key: c.FormValue("key"), Label: c.FormValue("label"), Kind: c.FormValue("kind"),
		Options: c.FormValue("options"), Required: c.FormValue("required") == "yes",
		Translations: map[string]models.QuestionTranslationInput{}}
	for _, l := range models.Languages {
		label, opts := c.FormValue("tr."+l+".label"), c.FormValue("tr."+l+".options")
		if strings.TrimSpace(label) != "" || strings.TrimSpace(opts) != "" {
			in.Translations[l] = models.QuestionTranslationInput{Label: label, Options: opts}
		}
	}
	return in
}

// questionCreate adds a question at the end of the event's check-in form.
func (s *Server) questionCreate(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	in := questionInput(c)
	q, err := models.NewQuestion(in)
	if err == nil {
		_, err = s.store.AddQuestion(c.Request().Context(), currentUser(c).ID, ev, q)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		vm := pages.QuestionFormVM{Key: in.Key, Label: in.Label, Kind: in.Kind, Options: in.Options, Required: in.Required,
			Errors: ve.Fields}
		return s.questionsPage(c, ev, http.StatusUnprocessableEntity, vm)
	}
	if err != nil {
		return err
	}
	s.flash(c, "Question “"+q.Label+"” added: it is on the check-in form now.")
	return seeOther(c, paths.Questions(ev.Slug))
}

// question loads the :id question of the :slug event.
func (s *Server) question(c echo.Context) (models.Event, models.Question, error) {
	ev, err := s.event(c)
	if err != nil {
		return ev, models.Question{}, err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return ev, models.Question{}, echo.NewHTTPError(http.StatusNotFound, "There is no such question.")
	}
	q, err := s.store.QuestionByID(c.Request().Context(), ev.ID, id)
	if errors.Is(err, models.ErrNotFound) {
		return ev, q, echo.NewHTTPError(http.StatusNotFound, "There is no such question (any more).")
	}
	return ev, q, err
}

// questionEditVM is the edit form of q, with the translations as stored.
func questionEditVM(ev models.Event, q models.Question) pages.QuestionFormVM {
	vm := pages.QuestionFormVM{ID: q.ID, Slug: ev.Slug, Key: q.Key, Label: q.Label, Kind: q.Kind,
		Options: strings.Join(q.Options, "\n"), Required: q.Required}
	for _, l := range models.Languages {
		tr := q.Translations[l]
		vm.Translations = append(vm.Translations, pages.TranslationVM{Lang: l, Label: tr.Label,
			Options: strings.Join(tr.Options, "\n")})
	}
	return vm
}

func (s *Server) questionEdit(c echo.Context) error {
	ev, q, err := s.question(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.QuestionEditPage(s.eventChrome(c, ev, "Edit question", "events"), questionEditVM(ev, q)))
}

// questionUpdate saves a question's label, options, required flag and translations (its key and
// kind stay: answers are stored under them).
func (s *Server) questionUpdate(c echo.Context) error {
	ev, q, err := s.question(c)
	if err != nil {
		return err
	}
	in := questionInput(c)
	edited, err := models.EditQuestion(q, in)
	if err == nil {
		err = s.store.UpdateQuestion(c.Request().Context(), currentUser(c).ID, edited)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		vm := questionEditVM(ev, q)
		vm.Label, vm.Options, vm.Required, vm.Errors = in.Label, in.Options, in.Required, ve.Fields
		for i, tr := range vm.Translations {
			vm.Translations[i].Label = in.Translations[tr.Lang].Label
			vm.Translations[i].Options = in.Translations[tr.Lang].Options
		}
		return render(c, http.StatusUnprocessableEntity, pages.QuestionEditPage(s.eventChrome(c, ev, "Edit question", "events"), vm))
	}
	if err != nil {
		return err
	}
	s.flash(c, "Question “"+edited.Label+"” saved.")
	return seeOther(c, paths.Questions(ev.Slug))
}

// questionMove moves a question up or down the form.
func (s *Server) questionMove(c echo.Context) error {
	ev, q, err := s.question(c)
	if err != nil {
		return err
	}
	delta := 1
	if c.FormValue("dir") == "up" {
		delta = -1
	}
	if err := s.store.MoveQuestion(c.Request().Context(), currentUser(c).ID, q, delta); err != nil {
		return err
	}
	return seeOther(c, paths.Questions(ev.Slug))
}

// questionDelete removes a question and every answer to it, after a confirmation step that says
// how many answers go.
func (s *Server) questionDelete(c echo.Context) error {
	ev, q, err := s.question(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if c.FormValue("confirm") != "yes" {
		n, err := s.store.CountAnswers(ctx, q)
		if err != nil {
			return err
		}
		vm := pages.QuestionDeleteVM{Slug: ev.Slug, ID: q.ID, Label: q.Label, Answers: n}
		return render(c, http.StatusOK, pages.QuestionDeletePage(s.eventChrome(c, ev, "Delete question", "events"), vm))
	}
	if err := s.store.DeleteQuestion(ctx, currentUser(c).ID, q); err != nil {
		return err
	}
	s.flash(c, "Question “"+q.Label+"” and its answers are deleted.")
	return seeOther(c, paths.Questions(ev.Slug))
}
