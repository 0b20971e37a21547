package i18n

import (
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func bundle(t *testing.T) *Bundle {
	t.Helper()
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pluralForms are go-i18n's names of the CLDR plural forms.
var pluralForms = map[string]bool{"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true}

// messages reads one catalogue as id → form → text ("" for a message without plural forms).
func messages(t *testing.T, code string) map[string]map[string]string {
	t.Helper()
	raw, err := fs.ReadFile(catalogues, "locales/active."+code+".toml")
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := toml.Unmarshal(raw, &tree); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	out := map[string]map[string]string{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		plural := len(m) > 0
		for k := range m {
			if !pluralForms[k] {
				plural = false
			}
		}
		if plural {
			forms := map[string]string{}
			for k, v := range m {
				forms[k] = v.(string)
			}
			out[prefix] = forms
			return
		}
		for k, v := range m {
			id := k
			if prefix != "" {
				id = prefix + "." + k
			}
			switch v := v.(type) {
			case string:
				out[id] = map[string]string{"": v}
			case map[string]any:
				walk(id, v)
			default:
				t.Fatalf("%s: %s is a %T", code, id, v)
			}
		}
	}
	walk("", tree)
	return out
}

// A catalogue that lacks a key the English one has fails here (and one with a key English does
// not have: a typo that nothing would ever say).
func TestEveryCatalogueHasEveryEnglishKey(t *testing.T) {
	b := bundle(t)
	en := b.IDs(Default)
	if len(en) < 100 {
		t.Fatalf("the English catalogue has only %d messages", len(en))
	}
	for _, l := range b.Languages() {
		have := map[string]bool{}
		for _, id := range b.IDs(l.Code) {
			have[id] = true
		}
		for _, id := range en {
			if !have[id] {
				t.Errorf("%s: no message %q", l.Code, id)
			}
			delete(have, id)
		}
		for id := range have {
			t.Errorf("%s: message %q is not in the English catalogue", l.Code, id)
		}
	}
}

var placeholderRe = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(forms map[string]string) []string {
	set := map[string]bool{}
	for _, s := range forms {
		for _, m := range placeholderRe.FindAllStringSubmatch(s, -1) {
			set[m[1]] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Each translation fills in the same things as the English message ({{.Company}}, {{.Date}}…):
// a misspelt or forgotten one would print "<no value>" or leave a fact out. Plural forms may say
// "one" or "two" in words instead of {{.Count}}.
func TestTranslationsUseTheEnglishPlaceholders(t *testing.T) {
	en := messages(t, Default)
	for _, l := range languages() {
		if l.Code == Default {
			continue
		}
		msgs := messages(t, l.Code)
		for id, forms := range msgs {
			want := strings.Join(placeholders(en[id]), ",")
			got := placeholders(forms)
			if _, plural := forms["other"]; plural {
				got = placeholders(map[string]string{"other": forms["other"]})
			}
			if strings.Join(got, ",") != want {
				t.Errorf("%s: %s fills in %v, English %s", l.Code, id, got, want)
			}
			for form, s := range forms {
				if strings.Contains(s, "{{") != strings.Contains(s, "}}") || strings.Count(s, "{{") != strings.Count(s, "}}") {
					t.Errorf("%s: %s (%s) has unbalanced braces", l.Code, id, form)
				}
			}
		}
	}
}

// Every plural message has every form each language needs (Arabic has six, Polish four): asked
// for every count up to 200 and a million, no language falls back to English or fails.
func TestEveryPluralFormIsThere(t *testing.T) {
	b := bundle(t)
	en := messages(t, Default)
	for id, forms := range en {
		if _, plural := forms["other"]; !plural {
			continue
		}
		for _, l := range b.Languages() {
			loc := b.For(l.Code)
			for _, n := range append(counts(), 1000000) {
				if s := loc.N(id, n, "Company", "Acme", "Date", "x", "Event", "E"); s == "" || strings.Contains(s, "<no value>") {
					t.Errorf("%s: %s for %d: %q", l.Code, id, n, s)
				}
			}
		}
	}
	if m := b.Missing(); len(m) > 0 {
		t.Errorf("plural forms missing: %v", m)
	}
}

func counts() []int {
	out := make([]int, 201)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestMissingKeysAreRecorded(t *testing.T) {
	b := bundle(t)
	if got := b.For("de").T("no.such.key"); got != "no.such.key" {
		t.Errorf("an unknown key says %q", got)
	}
	if m := b.Missing(); len(m) != 1 || m[0] != "de:no.such.key" {
		t.Errorf("missing = %v", m)
	}
}

func TestMatchAcceptLanguage(t *testing.T) {
	b := bundle(t)
	for header, want := range map[string]string{
		"de-CH,de;q=0.9,en;q=0.5": "de",
		"fr-FR":                   "fr",
		"pt-BR,pt;q=0.9":          "pt",
		"ar-EG":                   "ar",
		"nl-BE":                   "nl",
		"zh-CN":                   "",
		"":                        "",
		"ja,pl;q=0.3":             "pl",
	} {
		if got := b.Match(header); got != want {
			t.Errorf("Match(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestDatesAsTheLanguageWritesThem(t *testing.T) {
	b := bundle(t)
	at := time.Date(2026, time.March, 2, 9, 5, 0, 0, time.UTC)
	for code, want := range map[string]string{
		"en": "2 March 2026, 09:05",
		"de": "2. März 2026, 09:05 Uhr",
		"fr": "2 mars 2026 à 09:05",
		"es": "2 de marzo de 2026, 09:05",
		"pl": "2 marca 2026, 09:05",
		"ar": "٢ مارس ٢٠٢٦، الساعة ٠٩:٠٥",
	} {
		if got := b.For(code).DateTime(at); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
	if d := b.For("ar").Dir(); d != "rtl" {
		t.Errorf("Arabic dir %q", d)
	}
	if d := b.For("de").Dir(); d != "ltr" {
		t.Errorf("German dir %q", d)
	}
	if got := b.For("xx").Lang(); got != Default {
		t.Errorf("an unknown language gives %q", got)
	}
}

// Values in HTML messages are escaped: what a person typed stays text.
func TestHTMLEscapesValues(t *testing.T) {
	b := bundle(t)
	got := b.For("en").HTML("self.checked_in_on", "Date", "<b>x</b>")
	if !strings.Contains(got, "&lt;b&gt;") {
		t.Errorf("not escaped: %q", got)
	}
}

// BenchmarkNew is the cost of loading the nine catalogues (once, at start).
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkT is one message said in Arabic, with a value filled in.
func BenchmarkT(b *testing.B) {
	bun, err := New()
	if err != nil {
		b.Fatal(err)
	}
	l := bun.For("ar")
	b.ReportAllocs()
	for b.Loop() {
		_ = l.T("self.delete_on", "Company", "Acme", "Date", "x")
	}
}
