package models

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Domain errors. Handlers map them to HTTP answers in one place.
var (
	ErrNotFound      = errors.New("not found")
	ErrConflict      = errors.New("conflict")
	ErrSetupDone     = errors.New("setup already done")
	ErrTooManyTries  = errors.New("too many attempts")
	ErrBadLogin      = errors.New("wrong email or password")
	ErrTokenUsed     = errors.New("token used or expired")
	ErrCheckInClosed = errors.New("check-in closed")
	// ErrNoConsent means a mail was asked for a lead without the consent (or address) it needs.
	ErrNoConsent = errors.New("no contact consent")
)

// ValidationError maps form field names to messages that are safe to show users. Problems says
// the same, for the fields candidates fill in, as message ids a view says in the candidate's
// language (Fields stays the English wording, for staff pages and the CLI).
type ValidationError struct {
	Fields   map[string]string
	Problems map[string]Problem
}

// Problem is what is wrong with one field, as a message id of the i18n catalogues ("err.required")
// and its arguments; the view adds the field's label in the reader's language.
type Problem struct {
	ID  string
	Max int // a length limit, for err.too_long
}

// Error lists the fields in a stable order (never their values).
func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return fmt.Sprintf("invalid input: %s", strings.Join(keys, ", "))
}

// errs collects field errors while validating a form.
type errs struct {
	fields   map[string]string
	problems map[string]Problem
}

func newErrs() errs { return errs{fields: map[string]string{}, problems: map[string]Problem{}} }

// add records the first error of a field.
func (e errs) add(field, msg string) {
	if _, ok := e.fields[field]; !ok {
		e.fields[field] = msg
	}
}

// problem records the first error of a field with its message id.
func (e errs) problem(field, msg string, p Problem) {
	if _, ok := e.fields[field]; !ok {
		e.fields[field] = msg
		e.problems[field] = p
	}
}

// has reports whether a field has an error already.
func (e errs) has(field string) bool { return e.fields[field] != "" }

func (e errs) err() error {
	if len(e.fields) == 0 {
		return nil
	}
	ve := &ValidationError{Fields: e.fields}
	if len(e.problems) > 0 {
		ve.Problems = e.problems
	}
	return ve
}
