package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/i18n"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/layouts"
	"github.com/boothlead/boothlead/views/pages"
)

// candidatePageError is an error answer on the candidate side: its status and a message id, said in
// the candidate's language.
type candidatePageError struct {
	code int
	id   string
}

func (e *candidatePageError) Error() string { return "candidate: " + e.id }

// candidateError makes an error answer for a candidate page.
func candidateError(code int, id string) error { return &candidatePageError{code: code, id: id} }

// isCandidatePath reports whether a path is on the candidate side (its errors are said in the
// candidate's language, with no way into the staff side).
func isCandidatePath(p string) bool {
	for _, prefix := range []string{"/c/", "/thanks/", "/confirm/", "/p/", "/me/", "/u/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return strings.HasPrefix(p, "/events/") && strings.Contains(p, "/kiosk")
}

// statusOf maps an error to the HTTP status it becomes.
func statusOf(err error) int {
	var he *echo.HTTPError
	var ve *models.ValidationError
	var ce *candidatePageError
	switch {
	case errors.As(err, &ce):
		return ce.code
	case errors.As(err, &he):
		return he.Code
	case errors.Is(err, models.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, models.ErrConflict):
		return http.StatusConflict
	case errors.As(err, &ve):
		return http.StatusUnprocessableEntity
	case errors.Is(err, models.ErrTooManyTries):
		return http.StatusTooManyRequests
	case errors.Is(err, context.Canceled):
		return 499
	case models.IsUnavailable(err):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorHandler renders every error as a friendly page in the app's look. Messages we wrote for
// 4xx answers are shown; anything else shows only the request id. SQL or driver text never
// reaches a page.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return // e.g. a CSV stream broke half-way: nothing more can be sent
	}
	code := statusOf(err)
	if code == 499 {
		return
	}
	msg := ""
	var he *echo.HTTPError
	if errors.As(err, &he) && code < 500 {
		if m, ok := he.Message.(string); ok {
			msg = m
		}
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		msg = "Some of what was sent is not valid."
	}
	vm := pages.ErrorVM{Status: code, Title: http.StatusText(code), Message: msg, RequestID: requestID(c)}
	switch code {
	case http.StatusNotFound:
		vm.Title = "Page not found"
		if vm.Message == "" || vm.Message == http.StatusText(code) {
			vm.Message = "There is nothing at this address. Check the link, or start again from the home page."
		}
	case http.StatusForbidden:
		vm.Title = "Not allowed"
	case http.StatusRequestEntityTooLarge:
		vm.Title = "Too much at once"
		vm.Message = "What you sent is larger than we accept. Shorten the longest fields and try again."
	case http.StatusTooManyRequests:
		vm.Title = "Please slow down"
		if vm.Message == "" {
			vm.Message = "Too many attempts in a short time. Wait a minute and try again."
		}
	case http.StatusMethodNotAllowed:
		vm.Message = "This address does not accept that kind of request."
	}
	switch {
	case code == http.StatusServiceUnavailable:
		c.Response().Header().Set("Retry-After", retryAfterSeconds)
		vm = unreachableVM(vm.RequestID)
	case code >= 500:
		vm.Title = "Something went wrong"
		vm.Message = ""
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(code)
		return
	}
	if isAPIPath(c.Request().URL.Path) {
		apiErrorJSON(c, code, msg)
		return
	}
	var ce *candidatePageError
	if errors.As(err, &ce) || isCandidatePath(c.Request().URL.Path) {
		l := s.candidateLang(c, "", "")
		vm.Title, vm.Message = candidateErrorWords(l, code, ce)
		if rerr := render(c, code, pages.CandidateErrorPage(s.candidateChrome(c, vm.Title, l, ""), vm)); rerr == nil {
			return
		}
	}
	if rerr := render(c, code, pages.ErrorPage(s.chrome(c, vm.Title, ""), vm)); rerr != nil {
		s.log.Error("render error page", slog.String("err", fmt.Sprint(rerr)), slog.String("request_id", vm.RequestID))
		_ = c.String(code, vm.Title)
	}
}

func requestID(c echo.Context) string {
	if id := c.Response().Header().Get(echo.HeaderXRequestID); id != "" {
		return id
	}
	return c.Request().Header.Get(echo.HeaderXRequestID)
}

// retryAfterSeconds is what a 503 asks clients to wait before trying again.
const retryAfterSeconds = "30"

// unreachableVM is the page staff see while the database cannot be reached.
func unreachableVM(requestID string) pages.ErrorVM {
	return pages.ErrorVM{Status: http.StatusServiceUnavailable, Title: "The database is unreachable",
		Message: "Boothlead cannot reach its database at the moment, so this page cannot be shown and nothing was " +
			"saved. It usually comes back within a minute: try again then. Captures on a tablet wait in its outbox " +
			"and are sent by themselves.", RequestID: requestID}
}

// sessionError answers when the session store fails: while the database is unreachable, with
// the same friendly page as any other staff page.
func (s *Server) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	code := http.StatusInternalServerError
	vm := pages.ErrorVM{Status: code, Title: "Something went wrong", RequestID: w.Header().Get(echo.HeaderXRequestID)}
	if models.IsUnavailable(err) {
		code, vm = http.StatusServiceUnavailable, unreachableVM(vm.RequestID)
		w.Header().Set("Retry-After", retryAfterSeconds)
	} else {
		s.log.Error("session store", slog.String("request_id", vm.RequestID), slog.String("err", models.SafeErrorText(err)))
	}
	var buf bytes.Buffer
	if rerr := pages.ErrorPage(layouts.Chrome{Title: vm.Title, RequestID: vm.RequestID}, vm).Render(r.Context(), &buf); rerr != nil {
		http.Error(w, vm.Title, code)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// candidateErrorWords is the title and message of a candidate's error page.
func candidateErrorWords(l *i18n.Localizer, code int, ce *candidatePageError) (string, string) {
	title, msg := "error.title_other", "error.bad_request"
	switch code {
	case http.StatusNotFound:
		title, msg = "error.title_404", "error.not_found"
	case http.StatusForbidden:
		title, msg = "error.title_403", "error.csrf"
	case http.StatusRequestEntityTooLarge:
		title, msg = "error.title_413", "error.too_large"
	case http.StatusTooManyRequests:
		title, msg = "error.title_429", "error.too_many"
	case http.StatusMethodNotAllowed:
		msg = "error.method"
	}
	if code >= 500 {
		return l.T("error.title_500"), ""
	}
	if ce != nil {
		msg = ce.id
	}
	return l.T(title), l.T(msg)
}
