package handlers

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/layouts"
	"github.com/boothlead/boothlead/views/pages"
)

// checkInFields are the form fields a validation error may name.
var checkInFields = map[string]bool{"name": true, "email": true, "interests": true, "consent": true, "phone": true,
	"company": true, "title": true, "linkedin": true, "github": true, "cv_url": true, "message": true, "talent_pool": true}

// FuzzCheckInForm feeds arbitrary form bodies and field values through the form binding and
// models.CheckLead, and renders the re-shown form: nothing panics, errors name only real fields,
// accepted values are clean, and what was typed comes back as the value of its input.
func FuzzCheckInForm(f *testing.F) {
	f.Add("", "Ada Lovelace", "ada@example.com", "", "", "", "", "", "", "", "Backend", true)
	f.Add("name=Zo%C3%AB&email=zoe%40example.com&consent=yes", "", "", "+49 170 1234567", "Acme", "CTO",
		"linkedin.com/in/zoe", "@zoe", "zoe.dev/cv", "Hi\r\nthere", "Data", false)
	f.Add("interests=Backend&interests=Sales&interests=Backend", "李小龙", "李@例え.jp", "", "", "", "", "", "", "", "", true)
	f.Add("", "<script>alert(1)</script>", "\"><img src=x>@x.com", "", "\x00", "\u202e", "javascript:alert(1)", "", "data:,x", "\x1b", "", true)
	f.Add("%zz&;&==", "\xff\xfe", "a@b.c\n", "", "", "", "", "", "", "", " Backend ", true)
	ev := models.Event{ID: 7, Name: "Fuzz Conf", Company: "Acme", Interests: models.StringList{"Backend", "Data", "SRE"}}
	lang, err := i18n.New()
	if err != nil {
		f.Fatal(err)
	}
	ch := layouts.Chrome{Title: "t", L: lang.For("en")}
	f.Fuzz(func(t *testing.T, raw, name, email, phone, company, title, linkedin, github, cvURL, message, interest string, consent bool) {
		form, _ := url.ParseQuery(raw) // what a client might send as is; parse errors keep what parsed
		if form == nil {
			form = url.Values{}
		}
		for k, v := range map[string]string{"name": name, "email": email, "phone": phone, "company": company,
			"title": title, "linkedin": linkedin, "github": github, "cv_url": cvURL, "message": message, "interests": interest} {
			form.Add(k, v)
		}
		if consent {
			form.Add("consent", "yes")
		}
		// through the wire format and back, as the server reads it
		form, err := url.ParseQuery(form.Encode())
		if err != nil {
			t.Fatalf("re-parse of an encoded form: %v", err)
		}
		post := bindCheckIn(form)
		out, err := models.CheckLead(ev, post.In, true)
		if err != nil {
			var ve *models.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("CheckLead returned %T: %v", err, err)
			}
			for k, msg := range ve.Fields {
				if !checkInFields[k] || msg == "" {
					t.Fatalf("error on unknown field %q (%q)", k, msg)
				}
			}
			reshow(t, ch, ev, post.In, ve.Fields)
			return
		}
		for field, v := range map[string]struct {
			s        string
			max      int
			required bool
		}{
			"name": {out.Name, models.MaxNameLen, true}, "email": {out.Email, models.MaxEmailLen, true},
			"phone": {out.Phone, models.MaxPhoneLen, false}, "company": {out.Company, models.MaxOrgLen, false},
			"title": {out.Title, models.MaxOrgLen, false}, "linkedin": {out.LinkedIn, models.MaxURLLen, false},
			"github": {out.GitHub, models.MaxURLLen + len("https://github.com/"), false},
			"cv_url": {out.CVURL, models.MaxURLLen, false}, "message": {out.Message, models.MaxMessageLen, false},
		} {
			switch {
			case !utf8.ValidString(v.s):
				t.Fatalf("%s accepted invalid UTF-8 %q", field, v.s)
			case v.s != strings.TrimSpace(v.s):
				t.Fatalf("%s accepted untrimmed %q", field, v.s)
			case utf8.RuneCountInString(v.s) > v.max:
				t.Fatalf("%s accepted %d characters (max %d)", field, utf8.RuneCountInString(v.s), v.max)
			case v.required && v.s == "":
				t.Fatalf("%s accepted empty", field)
			}
			for _, r := range v.s {
				if field == "message" && (r == '\n' || r == '\t') {
					continue
				}
				if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
					t.Fatalf("%s accepted control character %U in %q", field, r, v.s)
				}
			}
		}
		for _, u := range []string{out.LinkedIn, out.GitHub, out.CVURL} {
			if u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
				t.Fatalf("accepted a link that is not http(s): %q", u)
			}
		}
		if !strings.Contains(out.Email, "@") || !out.Consent {
			t.Fatalf("accepted email %q, consent %v", out.Email, out.Consent)
		}
		seen := map[string]bool{}
		for _, it := range out.Interests {
			if !ev.Interests.Contains(it) || seen[it] {
				t.Fatalf("accepted interests %q", out.Interests)
			}
			seen[it] = true
		}
	})
}

// reshow renders the check-in form with what was typed and its errors, and checks each text
// field comes back as typed (markup escaped, not interpreted).
func reshow(t *testing.T, ch layouts.Chrome, ev models.Event, in models.LeadInput, errs map[string]string) {
	t.Helper()
	vm := pages.CheckInVM{Event: ev.Name, Company: ev.Company, Action: "/c/key", Stamp: "s", Options: ev.Interests,
		ContactText: "c", TalentPoolText: "t", Form: typedForm(in, ev.Interests), Errors: errs}
	var buf bytes.Buffer
	if err := pages.CheckInPage(ch, vm).Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	// HTML turns CR LF and lone CR into LF when it reads a page
	norm := strings.NewReplacer("\r\n", "\n", "\r", "\n")
	for name, typed := range map[string]string{"name": in.Name, "email": in.Email, "company": in.Company, "cv_url": in.CVURL} {
		got, _ := doc.Find(`[data-testid="checkin-form"] input[name="` + name + `"]`).Attr("value")
		if want := norm.Replace(typedValue(typed)); got != want {
			t.Fatalf("%s typed %q came back as %q", name, typed, got)
		}
	}
	if doc.Find("script").Length() != 0 || doc.Find(`[data-testid="checkin-form"]`).Length() != 1 {
		t.Fatal("typed text became markup")
	}
}
