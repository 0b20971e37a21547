// Package components holds small app-agnostic view pieces: form fields, toggles, error summaries.
package components

import "sort"

// FieldProps describes one labelled input.
type FieldProps struct {
	Name         string // form field name; also the id unless ID is set
	ID           string
	Label        string
	Type         string // text (default), email, tel, url, password, date, number, search
	Value        string
	Error        string
	Hint         string
	Autocomplete string
	InputMode    string
	Required     bool
	MaxLength    int
	Autofocus    bool
	TestID       string
	Placeholder  string
	RequiredText string // how "(required)" reads in the page's language; default English
}

func (p FieldProps) requiredText() string {
	if p.RequiredText != "" {
		return p.RequiredText
	}
	return "(required)"
}

func (p FieldProps) id() string {
	if p.ID != "" {
		return p.ID
	}
	return "f-" + p.Name
}

func (p FieldProps) typ() string {
	if p.Type == "" {
		return "text"
	}
	return p.Type
}

// describedBy links an input to its hint and error text.
func describedBy(id, hint, err string) string {
	s := ""
	if hint != "" {
		s = id + "-hint"
	}
	if err != "" {
		if s != "" {
			s += " "
		}
		s += id + "-error"
	}
	return s
}

func invalid(err string) string {
	if err != "" {
		return "true"
	}
	return "false"
}

// Option is one choice of a toggle group.
type Option struct {
	Value, Label string
	Checked      bool
	Class        string
}

// ToggleProps describes a group of checkbox or radio toggles in a fieldset.
type ToggleProps struct {
	Name    string
	Legend  string
	Type    string // checkbox (default) or radio
	Options []Option
	Error   string
	Hint    string
	Class   string // extra class on the chips container, e.g. "rating"
	ID      string // the fieldset's id (error links point at it)
	// Required marks the group as required with RequiredText ("(required)" in the page's language).
	Required     bool
	RequiredText string
}

func (p ToggleProps) typ() string {
	if p.Type == "" {
		return "checkbox"
	}
	return p.Type
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func labelOf(labels map[string]string, k string) string {
	if l, ok := labels[k]; ok {
		return l
	}
	return k
}

// ordered returns the keys of errs in the given order, then any others sorted.
func ordered(errs map[string]string, order []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range order {
		if _, ok := errs[k]; ok && !seen[k] {
			out = append(out, k)
			seen[k] = true
		}
	}
	var rest []string
	for k := range errs {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// ResultProps is what a Result says: State is ok, warn or error.
type ResultProps struct {
	State, Title, Detail string
}

func (r ResultProps) sign() string {
	switch r.State {
	case "ok":
		return "✓"
	case "error":
		return "✕"
	}
	return "!"
}
