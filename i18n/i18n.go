// Package i18n says the candidate side of Boothlead in the candidate's language: the message
// catalogues (locales/active.<code>.toml, embedded, one per language), which language a request
// gets (golang.org/x/text's matcher), plural forms (go-i18n's CLDR rules), and dates and numbers
// as the language writes them. It is pure: no HTTP, no database.
//
// A Bundle is built once at start (New) and handed to whoever needs it; it holds no global state.
package i18n

import (
	"embed"
	"fmt"
	"html"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed locales/*.toml
var catalogues embed.FS

// Default is the language of the reference catalogue: every other catalogue has its keys, and a
// key missing elsewhere falls back to it.
const Default = "en"

// Language is one language the candidate side speaks.
type Language struct {
	Code string // ISO 639-1, as in ?lang= and <html lang>
	Name string // its own name for itself, as the language switch shows it
	RTL  bool   // written right to left
}

// Dir is the HTML dir attribute of the language: "rtl" or "ltr".
func (l Language) Dir() string {
	if l.RTL {
		return "rtl"
	}
	return "ltr"
}

// languages are the catalogues the app ships, in the order the language switch lists them.
func languages() []Language {
	return []Language{
		{Code: "en", Name: "English"},
		{Code: "de", Name: "Deutsch"},
		{Code: "fr", Name: "Français"},
		{Code: "es", Name: "Español"},
		{Code: "it", Name: "Italiano"},
		{Code: "nl", Name: "Nederlands"},
		{Code: "pl", Name: "Polski"},
		{Code: "pt", Name: "Português"},
		{Code: "ar", Name: "العربية", RTL: true},
	}
}

// Bundle holds every catalogue. It is safe for concurrent use.
type Bundle struct {
	b       *goi18n.Bundle
	langs   []Language
	tags    []language.Tag
	matcher language.Matcher
	ids     map[string][]string // message ids by language code

	mu      sync.Mutex
	missing map[string]bool // "lang:id" looked up but not in that catalogue
}

// New loads the embedded catalogues.
func New() (*Bundle, error) {
	b := &Bundle{b: goi18n.NewBundle(language.English), langs: languages(), ids: map[string][]string{},
		missing: map[string]bool{}}
	b.b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range b.langs {
		name := "locales/active." + l.Code + ".toml"
		buf, err := fs.ReadFile(catalogues, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: catalogue %s: %w", l.Code, err)
		}
		mf, err := b.b.ParseMessageFileBytes(buf, path.Base(name))
		if err != nil {
			return nil, fmt.Errorf("i18n: catalogue %s: %w", l.Code, err)
		}
		for _, m := range mf.Messages {
			b.ids[l.Code] = append(b.ids[l.Code], m.ID)
		}
		sort.Strings(b.ids[l.Code])
		b.tags = append(b.tags, language.MustParse(l.Code))
	}
	b.matcher = language.NewMatcher(b.tags)
	return b, nil
}

// Languages lists the supported languages (a fresh copy).
func (b *Bundle) Languages() []Language { return append([]Language(nil), b.langs...) }

// Has reports whether code names a supported language.
func (b *Bundle) Has(code string) bool {
	_, ok := b.language(code)
	return ok
}

func (b *Bundle) language(code string) (Language, bool) {
	for _, l := range b.langs {
		if l.Code == code {
			return l, true
		}
	}
	return Language{}, false
}

// Match returns the supported language that best fits an Accept-Language header, or "" when none
// fits (then the caller's own default applies, not English by accident).
func (b *Bundle) Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return ""
	}
	_, i, conf := b.matcher.Match(tags...)
	if conf == language.No {
		return ""
	}
	return b.langs[i].Code
}

// IDs returns the message ids of a language's catalogue, sorted (for tests and tools).
func (b *Bundle) IDs(code string) []string { return append([]string(nil), b.ids[code]...) }

// Missing lists every "lang:id" that was asked for but is not in that language's catalogue (it
// was said in English instead, or as its id). Tests assert it stays empty.
func (b *Bundle) Missing() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]string, 0, len(b.missing))
	for k := range b.missing {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (b *Bundle) miss(lang, id string) {
	b.mu.Lock()
	b.missing[lang+":"+id] = true
	b.mu.Unlock()
}

// For returns the localizer of a language; an unknown code gets the default language.
func (b *Bundle) For(code string) *Localizer {
	l, ok := b.language(code)
	if !ok {
		l, _ = b.language(Default)
	}
	tag := language.MustParse(l.Code)
	return &Localizer{b: b, lang: l, l: goi18n.NewLocalizer(b.b, l.Code), p: message.NewPrinter(tag)}
}

// Localizer says messages in one language.
type Localizer struct {
	b    *Bundle
	lang Language
	l    *goi18n.Localizer
	p    *message.Printer
}

// Lang is the language's code ("de").
func (l *Localizer) Lang() string { return l.lang.Code }

// Dir is "rtl" for a right-to-left language, else "ltr".
func (l *Localizer) Dir() string { return l.lang.Dir() }

// Language is the language this localizer speaks.
func (l *Localizer) Language() Language { return l.lang }

// data turns key/value pairs ("Name", "Ada", "Count", 3) into template data.
func data(kv []any) map[string]any {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

func (l *Localizer) localize(id string, count any, d map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id, TemplateData: d}
	if count != nil {
		cfg.PluralCount = count
	}
	s, err := l.l.Localize(cfg)
	if err != nil {
		l.b.miss(l.lang.Code, id)
	}
	if s == "" {
		return id
	}
	return s
}

// T says message id with the given key/value pairs as its template data.
func (l *Localizer) T(id string, kv ...any) string { return l.localize(id, nil, data(kv)) }

// N says message id in the plural form for n; its template data has Count (n in the language's
// digits) besides the given pairs.
func (l *Localizer) N(id string, n int, kv ...any) string {
	d := data(kv)
	if d == nil {
		d = map[string]any{}
	}
	d["Count"] = l.Number(n)
	return l.localize(id, n, d)
}

// HTML says a message that holds markup of its own (the catalogues are ours): the values of the
// pairs are HTML-escaped, so what a person typed stays text.
func (l *Localizer) HTML(id string, kv ...any) string {
	esc := make([]any, len(kv))
	for i, v := range kv {
		if i%2 == 1 {
			v = html.EscapeString(fmt.Sprint(v))
		}
		esc[i] = v
	}
	return l.T(id, esc...)
}

// Join lists items the way the language does ("a, b and c").
func (l *Localizer) Join(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return l.T("list.and", "Head", strings.Join(items[:len(items)-1], l.T("list.comma")), "Last", items[len(items)-1])
}
