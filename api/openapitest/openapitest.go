// Package openapitest checks JSON documents against the schemas of an OpenAPI 3.1 document, so
// tests can hold the API's real answers (and webhook bodies) to what openapi.json promises. It
// is a small hand-written checker of the JSON Schema subset the document uses — type (one or a
// list, "null" included), properties, required, additionalProperties: false, items, enum,
// oneOf, $ref to #/components/schemas, and the formats date-time, date and uuid — rather than a
// general validator library pulled into go.mod for tests alone. A keyword it does not know fails
// the check, so the document cannot silently outgrow it. Import it only from _test.go files.
package openapitest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Doc is a parsed OpenAPI document.
type Doc struct {
	root map[string]any
}

// Parse reads an OpenAPI 3.1 document.
func Parse(raw []byte) (*Doc, error) {
	var root map[string]any
	if err := json.Unmarshal(raw, &root); err != nil {
		return nil, fmt.Errorf("openapitest: %w", err)
	}
	if v, _ := root["openapi"].(string); !strings.HasPrefix(v, "3.1") {
		return nil, fmt.Errorf("openapitest: openapi %q, want 3.1.x", v)
	}
	return &Doc{root: root}, nil
}

// Paths lists the document's paths, sorted.
func (d *Doc) Paths() []string {
	paths, _ := d.root["paths"].(map[string]any)
	var out []string
	for p := range paths {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// ResponseSchema returns the schema of the JSON answer of method path with status.
func (d *Doc) ResponseSchema(path, method string, status int) (map[string]any, error) {
	op, err := d.lookup("paths", path, strings.ToLower(method))
	if err != nil {
		return nil, err
	}
	resps, _ := op["responses"].(map[string]any)
	r, ok := resps[fmt.Sprint(status)].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapitest: %s %s has no %d answer", method, path, status)
	}
	if ref, ok := r["$ref"].(string); ok {
		if r, err = d.ref(ref); err != nil {
			return nil, err
		}
	}
	content, _ := r["content"].(map[string]any)
	js, _ := content["application/json"].(map[string]any)
	schema, ok := js["schema"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapitest: %s %s %d has no JSON schema", method, path, status)
	}
	return schema, nil
}

// Schema returns a named schema of the components.
func (d *Doc) Schema(name string) (map[string]any, error) {
	return d.ref("#/components/schemas/" + name)
}

func (d *Doc) lookup(keys ...string) (map[string]any, error) {
	cur := d.root
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("openapitest: no %s in the document", strings.Join(keys, " → "))
		}
		cur = next
	}
	return cur, nil
}

func (d *Doc) ref(ref string) (map[string]any, error) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("openapitest: only local $refs: %q", ref)
	}
	return d.lookup(strings.Split(rest, "/")...)
}

// Check validates a JSON document against schema; the error lists every mismatch with its path.
func (d *Doc) Check(schema map[string]any, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("openapitest: not JSON: %w", err)
	}
	var problems []string
	d.check(schema, v, "$", &problems)
	if len(problems) > 0 {
		return fmt.Errorf("openapitest: %s", strings.Join(problems, "; "))
	}
	return nil
}

var known = map[string]bool{"type": true, "properties": true, "required": true, "additionalProperties": true,
	"items": true, "enum": true, "oneOf": true, "$ref": true, "format": true, "description": true,
	"minimum": true, "maximum": true, "default": true}

var uuidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func typeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

func (d *Doc) check(s map[string]any, v any, at string, problems *[]string) {
	bad := func(format string, args ...any) { *problems = append(*problems, at+": "+fmt.Sprintf(format, args...)) }
	for k := range s {
		if !known[k] {
			bad("the checker does not know the keyword %q", k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		r, err := d.ref(ref)
		if err != nil {
			bad("%v", err)
			return
		}
		d.check(r, v, at, problems)
		return
	}
	if alts, ok := s["oneOf"].([]any); ok {
		matched := 0
		var last []string
		for _, a := range alts {
			var p []string
			d.check(a.(map[string]any), v, at, &p)
			if len(p) == 0 {
				matched++
			} else {
				last = p
			}
		}
		if matched != 1 {
			bad("matches %d of oneOf's %d schemas (last mismatch: %s)", matched, len(alts), strings.Join(last, "; "))
		}
		return
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch x := t.(type) {
		case string:
			types = []string{x}
		case []any:
			for _, e := range x {
				types = append(types, e.(string))
			}
		}
		got, fits := typeOf(v), false
		for _, want := range types {
			fits = fits || want == got || (want == "number" && got == "integer")
		}
		if !fits {
			bad("is %s, want %s", got, strings.Join(types, " or "))
			return
		}
	}
	if enum, ok := s["enum"].([]any); ok {
		in := false
		for _, e := range enum {
			in = in || e == v
		}
		if !in {
			bad("%v is not one of %v", v, enum)
		}
	}
	if str, ok := v.(string); ok {
		switch s["format"] {
		case "date-time":
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				bad("%q is not an RFC 3339 date-time", str)
			}
		case "date":
			if _, err := time.Parse(time.DateOnly, str); err != nil {
				bad("%q is not a date", str)
			}
		case "uuid":
			if !uuidRe.MatchString(str) {
				bad("%q is not a UUID", str)
			}
		}
	}
	if n, ok := v.(float64); ok {
		if m, ok := s["minimum"].(float64); ok && n < m {
			bad("%v is below %v", n, m)
		}
		if m, ok := s["maximum"].(float64); ok && n > m {
			bad("%v is above %v", n, m)
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := s["properties"].(map[string]any)
		for _, r := range asList(s["required"]) {
			if _, ok := obj[r]; !ok {
				bad("misses %q", r)
			}
		}
		for k, val := range obj {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if s["additionalProperties"] == false {
					bad("has %q, which the schema does not list", k)
				}
				continue
			}
			d.check(ps, val, at+"."+k, problems)
		}
	}
	if arr, ok := v.([]any); ok {
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range arr {
				d.check(items, e, fmt.Sprintf("%s[%d]", at, i), problems)
			}
		}
	}
}

func asList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		out = append(out, e.(string))
	}
	return out
}
