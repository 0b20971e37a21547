package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
	"github.com/boothlead/boothlead/views/paths"
)

// The check-in form's notices while the database cannot be reached (message ids): after a
// failed send, and on a form shown from memory.
const (
	msgDatabaseDown     = "notice.db_down"
	msgDatabaseDownForm = "notice.db_down_form"
)

// Recently shown check-in forms: enough for every booth of a busy instance, fresh enough that a
// changed event is rarely shown from memory (and a changed consent text is caught by the form's
// stamp when the check-in is sent again).
const (
	formCacheMax = 256
	formCacheTTL = 6 * time.Hour
)

// formCache keeps what the check-in forms this instance showed recently need (the event, its
// questions and its consent texts in the language shown, by check-in key and language), so that
// while the database is unreachable a candidate still gets the form back with what they typed.
type formCache struct {
	mu sync.Mutex
	m  map[string]cachedForm
}

type cachedForm struct {
	ev    models.Event
	texts models.ConsentTexts
	qs    []models.Question
	at    time.Time
}

func newFormCache() *formCache { return &formCache{m: map[string]cachedForm{}} }

func (f *formCache) put(ev models.Event, lang string, texts models.ConsentTexts, qs []models.Question) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := ev.CheckinKey + "|" + lang
	if _, ok := f.m[key]; !ok && len(f.m) >= formCacheMax {
		oldest := ""
		for k, v := range f.m {
			if oldest == "" || v.at.Before(f.m[oldest].at) {
				oldest = k
			}
		}
		delete(f.m, oldest)
	}
	f.m[key] = cachedForm{ev: ev, texts: texts, qs: qs, at: time.Now()}
}

// get returns the form of a check-in key in lang, else in the language it was last shown in.
func (f *formCache) get(key, lang string) (cachedForm, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.m[key+"|"+lang]
	if !ok {
		for k, w := range f.m {
			if strings.HasPrefix(k, key+"|") && (!ok || w.at.After(v.at)) {
				v, ok = w, true
			}
		}
	}
	if !ok || time.Since(v.at) > formCacheTTL {
		return cachedForm{}, false
	}
	return v, true
}

// keepTypingWhenDown wraps the check-in page: when the database is unreachable, the candidate
// gets 503 with Retry-After and the form again, with everything typed, instead of an error page.
func (s *Server) keepTypingWhenDown(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || !models.IsUnavailable(err) || c.Response().Committed {
			return err
		}
		return s.checkInWhileDown(c)
	}
}

// checkInWhileDown shows the check-in form from memory with what was typed; an instance that
// has not shown this form lately keeps the typing in a form of hidden fields instead.
func (s *Server) checkInWhileDown(c echo.Context) error {
	noIndex(c)
	c.Response().Header().Set("Retry-After", retryAfterSeconds)
	key := c.Param("key")
	var post checkInPost
	form := url.Values{}
	if c.Request().Method == http.MethodPost {
		if f, err := c.FormParams(); err == nil {
			form, post = f, bindCheckIn(f)
		}
	}
	l := s.candidateLang(c, "", "")
	cached, ok := s.recentForms.get(key, l.Lang())
	if !ok {
		vm := pages.CheckInDownVM{Action: paths.CheckIn(key), Name: typedValue(post.In.Name), Email: typedValue(post.In.Email)}
		for _, name := range []string{"name", "email", "interests", "phone", "company", "title", "linkedin", "github",
			"cv_url", "message", "consent", "talent_pool", "stamp", "website"} {
			for _, v := range form[name] {
				vm.Fields = append(vm.Fields, pages.HiddenField{Name: name, Value: typedValue(v)})
			}
		}
		return render(c, http.StatusServiceUnavailable, pages.CheckInDownPage(s.candidateChrome(c, "Check-in is briefly unavailable", l, ""), vm))
	}
	ev, texts := cached.ev, cached.texts
	if cached.texts.Contact.Language != "" && cached.texts.Contact.Language != l.Lang() && c.QueryParam(langParam) == "" {
		l = s.i18n.For(cached.texts.Contact.Language) // the language of the texts we have
	}
	stampValue := ""
	if k, ok := s.store.LoadedSecret(stampSecretName); ok {
		if st, problem := checkStamp(k, ev.ID, post.Stamp, time.Now()); problem != stampMissing {
			stampValue = st.raw // the form's own stamp: sending it again is not "too fast"
		} else {
			stampValue = newStamp(k, ev.ID, time.Now(), texts.Contact.ID, texts.TalentPool.ID)
		}
	}
	vm := pages.CheckInVM{Event: ev.Name, Company: ev.Company, Action: paths.CheckIn(key), Stamp: stampValue,
		Options: ev.Interests, Questions: questionVMs(l, cached.qs, post.In.Answers), ContactText: texts.Contact.Body,
		TalentPoolText: texts.TalentPool.Body, Form: typedForm(post.In, ev.Interests), Notice: l.T(msgDatabaseDown)}
	if c.Request().Method != http.MethodPost {
		vm.Notice = l.T(msgDatabaseDownForm)
	}
	return render(c, http.StatusServiceUnavailable, pages.CheckInPage(s.candidateChrome(c, l.T("checkin.title")+" — "+ev.Name, l, ""), vm))
}
