package models

// Languages are the languages the candidate side speaks (i18n's catalogues; a handlers test keeps
// the two lists equal), in the order forms list them. English is the reference.
var Languages = []string{"en", "de", "fr", "es", "it", "nl", "pl", "pt", "ar"}

// IsLanguage reports whether code is one of Languages.
func IsLanguage(code string) bool {
	for _, l := range Languages {
		if l == code {
			return true
		}
	}
	return false
}

// ConsentWording is what an event form gives as consent texts: by language, then purpose. A
// missing or blank text means that language's default wording.
type ConsentWording map[string]map[string]string

// Text returns the wording given for a language and purpose, or "".
func (w ConsentWording) Text(lang, purpose string) string {
	if w == nil {
		return ""
	}
	return w[lang][purpose]
}

// Set records the wording of one language and purpose.
func (w ConsentWording) Set(lang, purpose, text string) {
	if w[lang] == nil {
		w[lang] = map[string]string{}
	}
	w[lang][purpose] = text
}

// ConsentDefaults writes the default consent wording of a purpose for an event in a language, or
// "" when it has none in that language. The app passes one built from its message catalogues.
type ConsentDefaults func(ev Event, purpose, lang string) string

// StoreOption configures a Store.
type StoreOption func(*Store)

// WithConsentDefaults makes new and edited events get the default consent wording in every
// language (without it: English only).
func WithConsentDefaults(f ConsentDefaults) StoreOption {
	return func(s *Store) { s.consentDefaults = f }
}

// defaultConsentText is the default wording of a purpose in a language ("" when there is none).
func (s *Store) defaultConsentText(ev Event, purpose, lang string) string {
	if s.consentDefaults != nil {
		return s.consentDefaults(ev, purpose, lang)
	}
	if lang == "en" {
		return DefaultConsentText(ev, purpose)
	}
	return ""
}
