package models_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// event is an event value for the pure validation tests (no database).
var event = models.Event{ID: 1, Name: "PyCon", Company: "Acme", Interests: models.StringList{"Backend", "Data", "SRE"}}

func valid(mod func(*models.LeadInput)) models.LeadInput {
	in := models.LeadInput{Name: "Ada Lovelace", Email: "ada@example.com", Consent: true}
	if mod != nil {
		mod(&in)
	}
	return in
}

func TestCheckLeadKeepsEveryScript(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ typed, want string }{
		{"Zoë Ångström", "Zoë Ångström"},
		{"Zoe\u0308 A\u030angstro\u0308m", "Zoë Ångström"}, // decomposed input is stored composed (NFC)
		{"李小龙", "李小龙"},
		{"Ελένη Παπαδοπούλου", "Ελένη Παπαδοπούλου"},
		{"محمد عبد الله", "محمد عبد الله"},
		{"דוד לוי", "דוד לוי"},
		{"\u200fדוד\u200f", "\u200fדוד\u200f"}, // right-to-left marks are allowed
		{"Nguyễn Văn An", "Nguyễn Văn An"},
		{"Սոնա Հովհաննիսյան", "Սոնա Հովհաննիսյան"},
		{"श्रेया घोषाल", "श्रेया घोषाल"},
		{"Ada 👩\u200d💻", "Ada 👩\u200d💻"}, // emoji with a zero-width joiner
		{"Seán O'Brien-Smith", "Seán O'Brien-Smith"},
		{"  \t Ada  \u00a0", "Ada"},
		{"\ufeffAda\u200b", "Ada"},                                 // what copy-paste leaves at the ends
		{"<script>alert(1)</script>", "<script>alert(1)</script>"}, // text is text; escaping is the view's job
	} {
		out, err := models.CheckLead(event, valid(func(in *models.LeadInput) { in.Name = tc.typed }), true)
		if err != nil {
			t.Errorf("name %q refused: %v", tc.typed, err)
			continue
		}
		if out.Name != tc.want {
			t.Errorf("name %q stored as %q, want %q", tc.typed, out.Name, tc.want)
		}
	}
}

func fieldErrors(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error is %T (%v), want *ValidationError", err, err)
	}
	return ve.Fields
}

func TestCheckLeadRefusesControlCharsAndLongValues(t *testing.T) {
	t.Parallel()
	long := func(n int, s string) string { return strings.Repeat(s, n) }
	for _, tc := range []struct {
		what  string
		mod   func(*models.LeadInput)
		field string // "" means accepted
	}{
		{"NUL in name", func(in *models.LeadInput) { in.Name = "Ada\x00" }, "name"},
		{"bell in name", func(in *models.LeadInput) { in.Name = "A\x07da" }, "name"},
		{"escape in company", func(in *models.LeadInput) { in.Company = "\x1b[31mAcme" }, "company"},
		{"NEL in title", func(in *models.LeadInput) { in.Title = "C\u0085TO" }, "title"},
		{"line separator in name", func(in *models.LeadInput) { in.Name = "Ada\u2028Lovelace" }, "name"},
		{"new line in name", func(in *models.LeadInput) { in.Name = "Ada\nLovelace" }, "name"},
		{"bidi override in name", func(in *models.LeadInput) { in.Name = "Ada\u202egnp.exe" }, "name"},
		{"bidi isolate in company", func(in *models.LeadInput) { in.Company = "\u2067Acme\u2069" }, "company"},
		{"invalid UTF-8 in name", func(in *models.LeadInput) { in.Name = "Ada\xff" }, "name"},
		{"empty name", func(in *models.LeadInput) { in.Name = " \t " }, "name"},
		{"name of 200 characters", func(in *models.LeadInput) { in.Name = long(200, "李") }, ""},
		{"name of 201 characters", func(in *models.LeadInput) { in.Name = long(201, "é") }, "name"},
		{"company of 201 characters", func(in *models.LeadInput) { in.Company = long(201, "x") }, "company"},
		{"title of 200 characters", func(in *models.LeadInput) { in.Title = long(200, "x") }, ""},
		{"message with new lines and tabs", func(in *models.LeadInput) { in.Message = "Hi,\r\n\tI build compilers.\nBye" }, ""},
		{"message with escape", func(in *models.LeadInput) { in.Message = "Hi\x1b" }, "message"},
		{"message with a lone CR", func(in *models.LeadInput) { in.Message = "Hi\rthere" }, "message"},
		{"message of 2000 characters", func(in *models.LeadInput) { in.Message = long(2000, "ж") }, ""},
		{"message of 2001 characters", func(in *models.LeadInput) { in.Message = long(2001, "ж") }, "message"},
		{"phone", func(in *models.LeadInput) { in.Phone = "+49 (170) 123-4567" }, ""},
		{"phone in words", func(in *models.LeadInput) { in.Phone = "call me maybe" }, "phone"},
		{"phone too long", func(in *models.LeadInput) { in.Phone = "+" + long(41, "1") }, "phone"},
		{"unknown interest", func(in *models.LeadInput) { in.Interests = []string{"Backend", "Sales"} }, "interests"},
		{"no consent", func(in *models.LeadInput) { in.Consent = false }, "consent"},
	} {
		_, err := models.CheckLead(event, valid(tc.mod), true)
		errs := fieldErrors(t, err)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.what, errs)
		case tc.field != "" && errs[tc.field] == "":
			t.Errorf("%s: no error on %s (errors %v)", tc.what, tc.field, errs)
		case tc.field != "" && len(errs) != 1:
			t.Errorf("%s: errors on other fields too: %v", tc.what, errs)
		}
	}
}

func TestCheckLeadCleansValues(t *testing.T) {
	t.Parallel()
	in := models.LeadInput{Name: " Ada ", Email: " Ada.Lovelace+booth@Example.COM ", Phone: " +44 20 7946 0958 ",
		Company: " Analytical Engines ", Title: " Programmer ", LinkedIn: "linkedin.com/in/ada",
		GitHub: "@ada-l", CVURL: "example.com/cv.pdf", Message: "  Hello\r\nthere  ",
		Interests: []string{" Data ", "Backend", "Data", ""}, Consent: true, TalentPool: true}
	out, err := models.CheckLead(event, in, true)
	if err != nil {
		t.Fatal(err)
	}
	want := models.LeadInput{Name: "Ada", Email: "Ada.Lovelace+booth@Example.COM", Phone: "+44 20 7946 0958",
		Company: "Analytical Engines", Title: "Programmer", LinkedIn: "https://linkedin.com/in/ada",
		GitHub: "https://github.com/ada-l", CVURL: "https://example.com/cv.pdf", Message: "Hello\nthere",
		Interests: []string{"Data", "Backend"}, Consent: true, TalentPool: true}
	if !slices.Equal(out.Interests, want.Interests) {
		t.Errorf("interests %q, want %q", out.Interests, want.Interests)
	}
	out.Interests, want.Interests = nil, nil
	if !reflect.DeepEqual(out, want) {
		t.Errorf("cleaned\n got %+v\nwant %+v", out, want)
	}
	if _, err := models.CheckLead(event, models.LeadInput{Name: "Ada", Email: "ada@example.com"}, false); err != nil {
		t.Errorf("consent is not required when consentRequired is false: %v", err)
	}
}

func TestCheckLeadEmails(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		email string
		ok    bool
	}{
		{"ada@example.com", true},
		{"Ada.Lovelace+booth@Example.COM", true}, // kept as typed
		{"zoë@example.com", true},
		{"李@例え.jp", true},
		{"o'brien@example.ie", true},
		{"", false},
		{"ada", false},
		{"ada@localhost", false},
		{"ada@@example.com", false},
		{"ada lovelace@example.com", false},
		{"Ada <ada@example.com>", false},
		{"<ada@example.com>", false},
		{"ada@example.com\nBcc: eve@example.com", false},
		{"ada@example..com", false},
		{"ada@.example.com", false},
		{"ada@example.com.", false},
		{strings.Repeat("a", 65) + "@example.com", false},
		{"ada@" + strings.Repeat("a", 250) + ".com", false},
		{"ada\u202e@example.com", false},
	} {
		out, err := models.CheckLead(event, valid(func(in *models.LeadInput) { in.Email = tc.email }), true)
		errs := fieldErrors(t, err)
		if tc.ok && err != nil {
			t.Errorf("email %q refused: %v", tc.email, errs)
		}
		if tc.ok && err == nil && out.Email != tc.email {
			t.Errorf("email %q stored as %q", tc.email, out.Email)
		}
		if !tc.ok && errs["email"] == "" {
			t.Errorf("email %q accepted", tc.email)
		}
	}
}

func TestCheckLeadURLs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		field, typed, want string // want "" means refused
	}{
		{"cv_url", "https://ada.dev/cv.pdf", "https://ada.dev/cv.pdf"},
		{"cv_url", "http://ada.dev", "http://ada.dev"},
		{"cv_url", "ada.dev/portfolio", "https://ada.dev/portfolio"},
		{"cv_url", "javascript:alert(1)", ""},
		{"cv_url", "JavaScript:alert(document.cookie)", ""},
		{"cv_url", " javascript:alert(1)", ""},
		{"cv_url", "data:text/html,<script>alert(1)</script>", ""},
		{"cv_url", "vbscript:msgbox(1)", ""},
		{"cv_url", "file:///etc/passwd", ""},
		{"cv_url", "ftp://ada.dev/cv.pdf", ""},
		{"cv_url", "https://user:secret@ada.dev/", ""},
		{"cv_url", "//ada.dev/cv", ""},
		{"cv_url", "https://", ""},
		{"cv_url", "https://ada.dev/\x00", ""},
		{"cv_url", "https://ada.dev/" + strings.Repeat("x", 500), ""},
		{"linkedin", "https://www.linkedin.com/in/ada", "https://www.linkedin.com/in/ada"},
		{"linkedin", "linkedin.com/in/ada", "https://linkedin.com/in/ada"},
		{"linkedin", "https://de.linkedin.com/in/ada", "https://de.linkedin.com/in/ada"},
		{"linkedin", "https://evil.example/in/ada", ""},
		{"linkedin", "https://www.linkedin.com.evil.example/in/ada", ""},
		{"linkedin", "javascript://linkedin.com/%0aalert(1)", ""},
		{"github", "ada", "https://github.com/ada"},
		{"github", "@ada-l", "https://github.com/ada-l"},
		{"github", "https://github.com/ada", "https://github.com/ada"},
		{"github", "github.com/ada", "https://github.com/ada"},
		{"github", "https://gitlab.com/ada", ""},
		{"github", "javascript:alert(1)", ""},
	} {
		in := valid(func(in *models.LeadInput) {
			switch tc.field {
			case "cv_url":
				in.CVURL = tc.typed
			case "linkedin":
				in.LinkedIn = tc.typed
			case "github":
				in.GitHub = tc.typed
			}
		})
		out, err := models.CheckLead(event, in, true)
		errs := fieldErrors(t, err)
		got := map[string]string{"cv_url": out.CVURL, "linkedin": out.LinkedIn, "github": out.GitHub}[tc.field]
		switch {
		case tc.want == "" && errs[tc.field] == "":
			t.Errorf("%s %q accepted as %q", tc.field, tc.typed, got)
		case tc.want != "" && err != nil:
			t.Errorf("%s %q refused: %v", tc.field, tc.typed, errs)
		case tc.want != "" && got != tc.want:
			t.Errorf("%s %q stored as %q, want %q", tc.field, tc.typed, got, tc.want)
		}
	}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestCheckInSameEmailCountsAVisitAndKeepsTheRequestForConfirmation(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "dedup", "Backend", "Data", "SRE")

	first, err := db.Store.CheckIn(ctx, ev, models.LeadInput{Name: "Ada", Email: "Ada@Example.com",
		Phone: "+44 20 7946 0958", Company: "Engines Ltd", Interests: []string{"Backend"}, Consent: true})
	if err != nil || !first.Created || first.Visit.Repeat || first.ThanksToken == "" {
		t.Fatalf("first check-in: %+v, %v", first, err)
	}
	second, err := db.Store.CheckIn(ctx, ev, models.LeadInput{Name: "Ada Lovelace", Email: "ada@example.COM",
		Company: "", Title: "Programmer", Interests: []string{"Data", "Backend"}, Consent: true, TalentPool: true})
	if err != nil || second.Created || !second.Visit.Repeat {
		t.Fatalf("second check-in: %+v, %v", second, err)
	}
	if second.Lead.ID != first.Lead.ID || second.Lead.PersonalToken != first.Lead.PersonalToken {
		t.Fatalf("second check-in made another lead or new tokens")
	}
	if second.ThanksToken == first.ThanksToken || *second.Visit.Code == *first.Visit.Code {
		t.Fatalf("two submissions share a confirmation token or code")
	}
	if n, _ := db.Store.CountLeads(ctx, ev.ID); n != 1 {
		t.Fatalf("%d leads, want 1", n)
	}
	got, err := db.Store.LeadByID(ctx, first.Lead.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.VisitCount != 2 || got.LastSeenAt.Before(got.FirstSeenAt) {
		t.Errorf("visit count %d (want 2), first %v last %v", got.VisitCount, got.FirstSeenAt, got.LastSeenAt)
	}
	if got.Name != "Ada" || got.Phone != "+44 20 7946 0958" || got.Company != "Engines Ltd" || got.Title != "" ||
		got.EmailText() != "Ada@Example.com" || !slices.Equal(got.Interests, []string{"Backend"}) {
		t.Errorf("a repeat changed what was stored before any confirmation: %+v", got)
	}
	want := models.VisitChanges{
		Fields:    []models.FieldChange{{Field: "name", From: "Ada", To: "Ada Lovelace"}, {Field: "title", From: "", To: "Programmer"}},
		Interests: []string{"Data"},
	}
	ch := second.Visit.Changes
	if !slices.Equal(ch.Fields, want.Fields) || !slices.Equal(ch.Interests, want.Interests) ||
		len(ch.Consents) != 1 || ch.Consents[0].Purpose != models.PurposeTalentPool {
		t.Errorf("the repeat's request: %+v", ch)
	}
	texts, err := db.Store.CurrentConsentTexts(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	consents, err := db.Store.Consents(ctx, first.Lead.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(consents) != 1 {
		t.Fatalf("consents %+v, want only the first check-in's contact consent", consents)
	}
	c := consents[0]
	if !c.Granted || c.CapturedBy != models.CapturedByCandidate || c.StaffUserID != nil || c.At.IsZero() ||
		c.TextVersion != 1 || c.TextSHA256 != sha(texts.Contact.Body) || c.TextBody != texts.Contact.Body {
		t.Errorf("consent not recorded with its text, version, hash, time and who: %+v", c)
	}
	if !strings.Contains(texts.Contact.Body, "Acme Robotics") || !strings.Contains(texts.Contact.Body, "90 days") {
		t.Errorf("default consent text should name the company and the retention: %q", texts.Contact.Body)
	}

	// the owner confirms from the mail: the request is applied once
	token, err := db.Store.IssueConfirmLink(ctx, first.Lead.ID, second.Visit.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Store.ConfirmVisit(ctx, "wrong"); !errors.Is(err, models.ErrTokenUsed) {
		t.Errorf("a wrong confirm token: %v", err)
	}
	if _, err := db.Store.ConfirmVisit(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Store.ConfirmVisit(ctx, token); !errors.Is(err, models.ErrTokenUsed) {
		t.Errorf("a confirm link used twice: %v", err)
	}
	got, _ = db.Store.LeadByID(ctx, first.Lead.ID)
	if got.Name != "Ada Lovelace" || got.Title != "Programmer" || got.Company != "Engines Ltd" ||
		!slices.Equal(got.Interests, []string{"Backend", "Data"}) {
		t.Errorf("after confirmation: %+v", got)
	}
	consents, _ = db.Store.Consents(ctx, first.Lead.ID)
	if len(consents) != 2 || consents[1].Purpose != models.PurposeTalentPool || consents[1].CapturedBy != models.CapturedByCandidate {
		t.Errorf("consents after confirmation: %+v", consents)
	}
}

func TestCheckInConcurrentIdenticalLeavesOneLead(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ev := modelstest.Event(t, db, "race", "Backend")
	const n = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, ids := 0, map[string]bool{}
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := db.Store.CheckIn(context.Background(), ev, models.LeadInput{Name: "Grace", Email: "grace@example.com",
				Interests: []string{"Backend"}, Consent: true})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("check-in: %v", err)
				return
			}
			ids[res.Lead.ID] = true
			if res.Created {
				created++
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(ids) != 1 || created != 1 {
		t.Fatalf("%d lead ids, %d created; want 1 and 1", len(ids), created)
	}
	for id := range ids {
		l, err := db.Store.LeadByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if l.VisitCount != n {
			t.Errorf("visit count %d, want %d", l.VisitCount, n)
		}
		cs, _ := db.Store.Consents(context.Background(), id)
		if len(cs) != 1 {
			t.Errorf("%d consents, want 1: repeats add none", len(cs))
		}
	}
}

func TestCheckInRefusesAChangedConsentText(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "text-changed")
	shown, err := db.Store.CurrentConsentTexts(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Store.UpdateEvent(ctx, 0, ev, "We, Acme Robotics, may email you about jobs until 2027.", ""); err != nil {
		t.Fatal(err)
	}
	in := models.LeadInput{Name: "Ada", Email: "ada@example.com", Consent: true,
		ContactTextID: shown.Contact.ID, TalentPoolTextID: shown.TalentPool.ID}
	if _, err := db.Store.CheckIn(ctx, ev, in); !errors.Is(err, models.ErrConsentTextChanged) {
		t.Fatalf("check-in with the old text: %v, want ErrConsentTextChanged", err)
	}
	if n, _ := db.Store.CountLeads(ctx, ev.ID); n != 0 {
		t.Fatalf("%d leads saved, want none", n)
	}
	now, _ := db.Store.CurrentConsentTexts(ctx, ev.ID)
	if now.Contact.Version != 2 || now.TalentPool.ID != shown.TalentPool.ID {
		t.Fatalf("versions: contact %d (want 2), pool id %d (want unchanged %d)", now.Contact.Version, now.TalentPool.ID, shown.TalentPool.ID)
	}
	in.ContactTextID = now.Contact.ID
	res, err := db.Store.CheckIn(ctx, ev, in)
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := db.Store.Consents(ctx, res.Lead.ID)
	if len(cs) != 1 || cs[0].TextVersion != 2 {
		t.Fatalf("consents %+v, want one on version 2", cs)
	}
}

func TestSecretIsCreatedOnceAndShared(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	const n = 8
	got := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := db.Store.Secret(context.Background(), "test_key")
			if err != nil {
				t.Errorf("secret: %v", err)
			}
			got[i] = k
		}()
	}
	wg.Wait()
	for _, k := range got {
		if len(k) != 32 || string(k) != string(got[0]) {
			t.Fatalf("secrets differ or are not 32 bytes: %x vs %x", k, got[0])
		}
	}
	other, _ := db.Store.Secret(context.Background(), "other_key")
	if string(other) == string(got[0]) {
		t.Fatal("two names share one secret")
	}
	// another instance reads the same secret; it has none loaded before it asks
	second := models.NewStore(db.Gorm)
	if _, ok := second.LoadedSecret("test_key"); ok {
		t.Fatal("a new Store has a secret loaded before reading it")
	}
	k, err := second.Secret(context.Background(), "test_key")
	if err != nil || string(k) != string(got[0]) {
		t.Fatalf("the second instance's secret %x (%v), want the first's", k, err)
	}
	if loaded, ok := second.LoadedSecret("test_key"); !ok || string(loaded) != string(k) {
		t.Fatal("the secret read is not kept for use while the database is away")
	}
}
