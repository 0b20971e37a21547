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

// ValidationError maps form field names to messages that are safe to show users.
type ValidationError struct{ Fields map[string]string }

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
type errs map[string]string

func (e errs) add(field, msg string) {
	if _, ok := e[field]; !ok {
		e[field] = msg
	}
}

func (e errs) err() error {
	if len(e) == 0 {
		return nil
	}
	return &ValidationError{Fields: e}
}
