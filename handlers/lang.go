package handlers

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/views/layouts"
)

// langParam is the query parameter (and form field) that picks the candidate side's language.
const langParam = "lang"

// candidateLang picks the language of a candidate page: ?lang= (or the form's lang field, for a
// form sent from a page in that language), else the language stored with what the page shows (a
// check-in's, a lead's: the choice sticks), else the browser's Accept-Language, else the event's
// default, else English.
func (s *Server) candidateLang(c echo.Context, stored, eventDefault string) *i18n.Localizer {
	asked := c.QueryParam(langParam)
	if asked == "" && c.Request().Method == "POST" {
		asked = c.FormValue(langParam)
	}
	for _, code := range []string{asked, stored, s.i18n.Match(c.Request().Header.Get("Accept-Language")), eventDefault} {
		if code != "" && s.i18n.Has(code) {
			return s.i18n.For(code)
		}
	}
	return s.i18n.For(i18n.Default)
}

// candidateChrome is the chrome of a candidate page in l's language. Its language switch links
// to page (a GET path; "" for this request's own path) in each other language.
func (s *Server) candidateChrome(c echo.Context, title string, l *i18n.Localizer, page string) layouts.Chrome {
	ch := s.chrome(c, title, "")
	ch.L = l
	u := *c.Request().URL
	if page != "" {
		u = url.URL{Path: page}
	}
	for _, lang := range s.i18n.Languages() {
		if lang.Code == l.Lang() {
			continue
		}
		q := u.Query()
		q.Set(langParam, lang.Code)
		ch.LangSwitch = append(ch.LangSwitch, layouts.LangLink{Code: lang.Code, Name: lang.Name,
			Href: u.Path + "?" + q.Encode()})
	}
	return ch
}
