package handlers

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/boothlead/boothlead/export"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// questionsEvent is an event with one question of each kind, added by an admin through the
// questions page.
func questionsEvent(t *testing.T) (*testApp, models.Event, *client) {
	t.Helper()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "qs", "Backend", "Data")
	admin := a.signedIn("ada@example.com", models.RoleAdmin)
	for _, f := range []url.Values{
		{"key": {"grad_year"}, "label": {"Graduation year"}, "kind": {"text"}, "required": {"yes"}},
		{"key": {"level"}, "label": {"Level"}, "kind": {"choice"}, "options": {"Student\nJunior\nSenior"}},
		{"key": {"where"}, "label": {"Where would you work?"}, "kind": {"multi"}, "options": {"Remote, Berlin, Lisbon"}},
		{"key": {"visa"}, "label": {"Do you need a visa?"}, "kind": {"yesno"}},
	} {
		p := admin.submit(paths.Questions(ev.Slug), f)
		wantStatus(t, p, http.StatusSeeOther)
	}
	return a, ev, admin
}

// The admin's questions page adds, rewords, translates, reorders and deletes questions; bad
// input comes back with what was typed.
func TestQuestionsAdmin(t *testing.T) {
	t.Parallel()
	a, ev, admin := questionsEvent(t)
	ctx := context.Background()
	p := admin.get(paths.Questions(ev.Slug))
	wantStatus(t, p, http.StatusOK)
	if p.testid("question-row").Length() != 4 {
		t.Fatalf("%d questions listed", p.testid("question-row").Length())
	}
	bad := admin.submit(paths.Questions(ev.Slug), url.Values{"key": {"Grad Year"}, "label": {"Typed"}, "kind": {"choice"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	if v, _ := bad.testid("question-form").Find(`input[name="label"]`).Attr("value"); v != "Typed" ||
		bad.testid("error-summary").Length() != 1 {
		t.Errorf("a refused question loses what was typed (%q) or says nothing", v)
	}
	dup := admin.submit(paths.Questions(ev.Slug), url.Values{"key": {"level"}, "label": {"Again"}, "kind": {"text"}})
	wantStatus(t, dup, http.StatusUnprocessableEntity)

	qs, _ := a.store.Questions(ctx, ev.ID)
	level := qs[1]
	edit := admin.get(paths.Question(ev.Slug, level.ID))
	wantStatus(t, edit, http.StatusOK)
	f := formOf(edit, "question-edit-form")
	f.Set("options", "Student\nJunior\nSenior\nPrincipal")
	f.Set("tr.de.label", "Erfahrung")
	f.Set("tr.de.options", "Studium\nJunior\nSenior\nPrincipal")
	f.Set("tr.ar.label", "المستوى")
	wantStatus(t, admin.submit(paths.Question(ev.Slug, level.ID), f), http.StatusSeeOther)
	level, _ = a.store.QuestionByID(ctx, ev.ID, level.ID)
	if len(level.Options) != 4 || level.LabelIn("de") != "Erfahrung" || level.OptionIn("de", "Student") != "Studium" ||
		level.LabelIn("ar") != "المستوى" || level.LabelIn("fr") != "Level" {
		t.Errorf("edited question %+v", level)
	}
	f.Set("tr.de.options", "a\nb\nc\nd\ne")
	wantStatus(t, admin.submit(paths.Question(ev.Slug, level.ID), f), http.StatusUnprocessableEntity)

	wantStatus(t, admin.submit(paths.QuestionMove(ev.Slug, level.ID), url.Values{"dir": {"up"}}), http.StatusSeeOther)
	qs, _ = a.store.Questions(ctx, ev.ID)
	if qs[0].Key != "level" || qs[1].Key != "grad_year" {
		t.Errorf("order after moving up: %s, %s", qs[0].Key, qs[1].Key)
	}

	// deleting asks first, naming how many answers go
	checkInDirectWith(t, a, ev, "Ada", "ada@example.com", models.Answers{"grad_year": {"2027"}, "visa": {"no"}})
	visa := qs[3]
	ask := admin.submit(paths.QuestionDelete(ev.Slug, visa.ID), nil)
	wantStatus(t, ask, http.StatusOK)
	if !strings.Contains(ask.body, "1 answer") {
		t.Error("the confirmation does not say how many answers go")
	}
	wantStatus(t, admin.submit(paths.QuestionDelete(ev.Slug, visa.ID), url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	lead := a.leadOfEmail(ev, "ada@example.com")
	if _, ok := lead.Answers["visa"]; ok || lead.Answers.Text("grad_year") != "2027" {
		t.Errorf("answers after deleting the question: %v", lead.Answers)
	}

	staff := a.signedIn("sam@example.com", models.RoleStaff)
	wantStatus(t, staff.get(paths.Questions(ev.Slug)), http.StatusForbidden)
}

// checkInDirectWith checks a lead in through the Store with answers.
func checkInDirectWith(t testing.TB, a *testApp, ev models.Event, name, email string, answers models.Answers) models.Lead {
	t.Helper()
	qs, err := a.store.Questions(context.Background(), ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	in, err := models.CheckLeadWith(ev, qs, models.LeadInput{Name: name, Email: email, Consent: true, Answers: answers}, true)
	if err != nil {
		t.Fatalf("check lead: %v", err)
	}
	res, err := a.store.CheckIn(context.Background(), ev, in)
	if err != nil {
		t.Fatal(err)
	}
	return res.Lead
}

// The questions through a check-in: each a field q.<key> in checkin-form, validated like the
// built-in fields (error next to the field, what was typed kept), stored with the lead, shown on
// the lead page and the board, filterable in the leads table, a column each in the export, on the
// private page and in its JSON download, and a repeat's different answer waits for the mail.
func TestQuestionsThroughCheckIn(t *testing.T) {
	t.Parallel()
	a, ev, admin := questionsEvent(t)
	ctx := context.Background()
	c := a.client()
	form := c.get(paths.CheckIn(ev.CheckinKey)).testid("checkin-form")
	for name, typ := range map[string]string{"q.grad_year": "text", "q.level": "radio", "q.where": "checkbox", "q.visa": "radio"} {
		if got, _ := form.Find(`input[name="` + name + `"]`).Attr("type"); got != typ {
			t.Errorf("field %s is a %q, want %s", name, got, typ)
		}
	}
	if form.Find(`input[name="q.where"]`).Length() != 3 {
		t.Error("the multiple choice does not offer its three options")
	}

	f := minimalForm()
	f["q.where"] = []string{"Lisbon", "Remote", "Mars"}
	f.Set("q.level", "Junior")
	p := c.checkIn(ev, f)
	wantStatus(t, p, http.StatusUnprocessableEntity)
	errs := p.testid("field-error")
	if p.doc.Find("#f-q\\.grad_year-error").Length() != 1 || p.doc.Find("#f-q\\.where-error").Length() != 1 || errs.Length() != 2 {
		t.Errorf("errors: %d (%s)", errs.Length(), errs.Text())
	}
	if _, on := p.testid("checkin-form").Find(`input[name="q.level"][value="Junior"]`).Attr("checked"); !on {
		t.Error("the choice made is lost")
	}
	if _, on := p.testid("checkin-form").Find(`input[name="q.where"][value="Lisbon"]`).Attr("checked"); !on {
		t.Error("the options ticked are lost")
	}

	f.Set("q.grad_year", " 2027 ")
	f["q.where"] = []string{"Lisbon", "Remote"}
	f.Set("q.visa", "no")
	p = c.checkIn(ev, f)
	wantStatus(t, p, http.StatusSeeOther)
	lead := a.leadOf(p.location())
	want := models.Answers{"grad_year": {"2027"}, "level": {"Junior"}, "where": {"Remote", "Lisbon"}, "visa": {"no"}}
	for k, v := range want {
		if !slices.Equal(lead.Answers[k], v) {
			t.Errorf("answer %s = %v, want %v", k, lead.Answers[k], v)
		}
	}

	// staff see them on the lead page and the board
	staff := a.signedIn("sam@example.com", models.RoleStaff)
	lp := staff.get(paths.Lead(lead.ID))
	if got := lp.doc.Find(`[data-testid="answer"][data-key="where"]`).Text(); got != "Remote, Lisbon" {
		t.Errorf("the lead page shows where = %q", got)
	}
	if got := staff.get(paths.Event(ev.Slug)).testid("row-answers").Text(); !strings.Contains(got, "Graduation year: 2027") {
		t.Errorf("the board row says %q", got)
	}

	// the leads table filters by answers, the export has a column per question
	other := checkInDirectWith(t, a, ev, "Bo", "bo@example.com", models.Answers{"grad_year": {"2030"}, "level": {"Senior"}})
	for q, wantN := range map[string]int{"a.level=Junior": 1, "a.where=Remote": 1, "t.grad_year=20": 2, "t.grad_year=030": 1,
		"a.visa=yes": 0, "a.level=Senior&t.grad_year=2030": 1} {
		rows := admin.get(paths.Leads(ev.Slug) + "?" + q).testid("lead-row")
		if rows.Length() != wantN {
			t.Errorf("filter %s: %d rows, want %d", q, rows.Length(), wantN)
		}
	}
	filterBar := admin.get(paths.Leads(ev.Slug)).testid("lead-filter")
	if filterBar.Find(`select[name="a.level"] option`).Length() != 4 || filterBar.Find(`input[name="t.grad_year"]`).Length() != 1 {
		t.Error("the filter bar has no answer filters")
	}
	csvPage := admin.get(paths.Export(ev.Slug) + "?sort=name&dir=asc")
	records, err := csv.NewReader(strings.NewReader(csvPage.body)).ReadAll()
	if err != nil || len(records) != 3 {
		t.Fatalf("export: %d records, %v", len(records), err)
	}
	header := records[0]
	if !slices.Equal(header[len(header)-4:], []string{"Graduation year", "Level", "Where would you work?", "Do you need a visa?"}) {
		t.Errorf("export header ends %v", header[len(header)-4:])
	}
	if got := records[1][len(header)-4:]; !slices.Equal(got, []string{"2027", "Junior", "Remote; Lisbon", "no"}) {
		t.Errorf("Ada's answers in the export: %v", got)
	}
	if got := records[2][len(header)-4:]; !slices.Equal(got, []string{"2030", "Senior", "", ""}) {
		t.Errorf("Bo's answers in the export: %v", got)
	}
	// the XLSX has the same columns, the answers as typed
	xp := admin.get(paths.ExportXLSX(ev.Slug) + "?sort=name&dir=asc")
	wb, err := excelize.OpenReader(strings.NewReader(xp.body))
	if err != nil {
		t.Fatalf("xlsx export: %v", err)
	}
	sheet, _ := wb.GetRows(export.SheetName)
	_ = wb.Close()
	if len(sheet) != 3 || !slices.Equal(sheet[0][len(header)-4:], header[len(header)-4:]) ||
		!slices.Equal(sheet[1][len(header)-4:], []string{"2027", "Junior", "Remote; Lisbon", "no"}) {
		t.Errorf("xlsx export: %q", sheet)
	}
	// each answer filter is a chip whose link drops only it; a filter naming no question is refused
	chipsPage := admin.get(paths.Leads(ev.Slug) + "?a.level=Senior&t.grad_year=2030")
	chips := chipsPage.testid("filter-chip")
	if chips.Length() != 2 || !strings.Contains(chips.Text(), "Level: Senior") || !strings.Contains(chips.Text(), "Graduation year: “2030”") {
		t.Errorf("answer chips: %q", chips.Text())
	}
	chips.EachWithBreak(func(_ int, s *goqSelection) bool {
		if strings.Contains(s.Text(), "Level") {
			href, _ := s.Attr("href")
			if !strings.Contains(href, "t.grad_year=2030") || strings.Contains(href, "a.level") {
				t.Errorf("the Level chip removes to %s", href)
			}
			return false
		}
		return true
	})
	// the bulk forms and saved views carry the answer filters too: a tag goes to Bo alone
	fields := url.Values{}
	chipsPage.testid("bulk-tag").Find("input[type=hidden]").Each(func(_ int, s *goqSelection) {
		if n := s.AttrOr("name", ""); n != "_csrf" {
			fields.Add(n, s.AttrOr("value", ""))
		}
	})
	if fields.Get("a.level") != "Senior" || fields.Get("t.grad_year") != "2030" || fields.Get("expect") != "1" {
		t.Fatalf("the bulk form carries %v", fields)
	}
	fields.Set("set_tag", "senior pick")
	fields.Set("op", "add")
	wantStatus(t, admin.submit(paths.BulkTag(ev.Slug), fields), http.StatusSeeOther)
	if rows := admin.get(paths.Leads(ev.Slug) + "?tag=senior+pick").testid("lead-row"); rows.Length() != 1 ||
		!strings.Contains(rows.Text(), "Bo") {
		t.Errorf("the bulk tag with answer filters tagged %d leads", rows.Length())
	}
	sv := admin.submit(paths.SavedViews(ev.Slug), url.Values{"view_name": {"Seniors"}, "a.level": {"Senior"}})
	wantStatus(t, sv, http.StatusSeeOther)
	if !strings.Contains(sv.location(), "a.level=Senior") {
		t.Errorf("the saved view leads to %s", sv.location())
	}
	bad := admin.get(paths.Leads(ev.Slug) + "?a.no%20such=1")
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	if !strings.Contains(bad.testid("error-summary").Text(), "Filter by one of the event's questions.") {
		t.Errorf("an invalid answer filter's error is not in the summary: %q", bad.testid("error-summary").Text())
	}
	gh := admin.get(paths.Export(ev.Slug) + "?preset=greenhouse")
	if strings.Contains(strings.SplitN(gh.body, "\n", 2)[0], "Graduation year") {
		t.Error("the Greenhouse preset grew question columns its import does not know")
	}

	// the candidate's private page shows and corrects them; the download has them
	owner := a.client()
	me := a.selfLink(lead.ID)
	mp := owner.get(me)
	if v, _ := mp.testid("self-service-form").Find(`input[name="q.grad_year"]`).Attr("value"); v != "2027" {
		t.Errorf("the private page shows grad_year %q", v)
	}
	var data struct {
		Answers []struct {
			Key, Question string
			Answer        []string
		} `json:"answers"`
	}
	if err := json.Unmarshal([]byte(owner.get(paths.SelfServiceExport(strings.TrimPrefix(me, "/me/"))).body), &data); err != nil ||
		len(data.Answers) != 4 || data.Answers[2].Question != "Where would you work?" || !slices.Equal(data.Answers[2].Answer, []string{"Remote", "Lisbon"}) {
		t.Errorf("the download's answers: %+v, %v", data.Answers, err)
	}
	sf := formOf(mp, "self-service-form")
	sf.Del("q.grad_year")
	wantStatus(t, owner.submit(me, sf), http.StatusUnprocessableEntity) // required
	sf.Set("q.grad_year", "2026")
	wantStatus(t, owner.submit(me, sf), http.StatusSeeOther)
	if got, _ := a.store.LeadByID(ctx, lead.ID); got.Answers.Text("grad_year") != "2026" || got.Answers.Text("where") != "Remote; Lisbon" {
		t.Errorf("after the correction: %v", got.Answers)
	}

	// a repeat that answers differently changes nothing until the mail's link is confirmed
	f.Set("q.level", "Senior")
	f.Set("q.grad_year", "2026")
	p = c.checkIn(ev, f)
	wantStatus(t, p, http.StatusSeeOther)
	if got, _ := a.store.LeadByID(ctx, lead.ID); got.Answers.Text("level") != "Junior" {
		t.Fatalf("a repeat changed the answer to %q", got.Answers.Text("level"))
	}
	var confirm string
	for _, m := range a.mailTo(lead.EmailText(), 2) {
		if links := m.Links(a.ts.URL + "/confirm/"); len(links) > 0 {
			confirm = a.path(links[0])
			if !strings.Contains(m.Text, "change your answer to “Level” from “Junior” to “Senior”") {
				t.Errorf("the mail does not say what the repeat answered:\n%s", m.Text)
			}
		}
	}
	if !strings.Contains(staff.get(paths.Lead(lead.ID)).testid("visits").Text(), "Level: “Senior” (stored: “Junior”)") {
		t.Error("the lead page does not show the repeat's different answer")
	}
	wantStatus(t, owner.submit(confirm, nil), http.StatusOK)
	if got, _ := a.store.LeadByID(ctx, lead.ID); got.Answers.Text("level") != "Senior" || got.Answers.Text("grad_year") != "2026" {
		t.Errorf("after confirming: %v", got.Answers)
	}

	// deleted with the lead
	wantStatus(t, owner.submit(paths.SelfServiceDelete(strings.TrimPrefix(me, "/me/")), url.Values{"confirm": {"yes"}}), http.StatusOK)
	var n int
	if err := a.db.SQL.QueryRow(`SELECT count(*) FROM leads WHERE answers ? 'level'`).Scan(&n); err != nil || n != 1 || other.ID == "" {
		t.Errorf("%d leads keep a level answer after the delete, %v", n, err)
	}
}

// A question's label and options read in the candidate's language; the answers store the
// options as written, so exports and filters do not depend on it.
func TestQuestionsInTheCandidatesLanguage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ev := modelstest.Event(t, a.db, "qlang")
	q := addQuestion(t, a, ev, models.QuestionInput{Key: "level", Label: "Level", Kind: "choice", Options: "Student,Senior"})
	q.Translations = models.QuestionTranslations{"de": {Label: "Erfahrung", Options: []string{"Studium", ""}}}
	if err := a.store.UpdateQuestion(context.Background(), 0, q); err != nil {
		t.Fatal(err)
	}
	addQuestion(t, a, ev, models.QuestionInput{Key: "visa", Label: "Visa?", Kind: "yesno"})
	c := a.client()
	p := c.get(paths.CheckIn(ev.CheckinKey) + "?lang=de")
	group := p.doc.Find(`[data-question="q.level"]`)
	if !strings.Contains(group.Find("legend").Text(), "Erfahrung") || !strings.Contains(group.Text(), "Studium") ||
		!strings.Contains(group.Text(), "Senior") {
		t.Errorf("the German form shows %q", group.Text())
	}
	if !strings.Contains(p.doc.Find(`[data-question="q.visa"]`).Text(), "Nein") {
		t.Error("yes and no are not in German")
	}
	r := c.checkInIn(ev, "de", url.Values{"name": {"Jörg"}, "email": {"j@example.com"}, "consent": {"yes"},
		"q.level": {"Student"}, "q.visa": {"yes"}})
	wantStatus(t, r, http.StatusSeeOther)
	if l := a.leadOf(r.location()); l.Answers.Text("level") != "Student" || l.Answers.Text("visa") != "yes" {
		t.Errorf("stored %v", l.Answers)
	}
}
