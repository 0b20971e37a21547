package badge

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		docstamp,
		strings.ReplaceAll(rfc6350, "\n", "\r\n"),
		"BEGIN:VCARD\r\nFN:A\r\n B\r\nitem1.EMAIL;TYPE=\"a:b\":x@y.z\r\nN;ENCODING=QUOTED-PRINTABLE:=C3=A9=\r\n;x\r\nEND:VCARD",
		"MECARD:N:Doe,John;TEL:13035551212;EMAIL:john.doe@example.com;;",
		"mecard:n:a\\;b,c;url:github.com/x;note:\\",
		"https://de.linkedin.com/in/Jane-Doe/?utm_source=share&utm_medium=member_ios",
		"https://www.linkedin.com/in/%ZZ",
		"mailto:jane@example.org?subject=hi",
		"jane.doe@example.co.uk\r\n",
		"123456::Doe::Jane::Acme NV::jane@example.be",
		"https://github.com/octocat",
		testBase + "/p/AbCdEfGhIjKlMnOp_-12",
		"z3fsn8jyufm5kpk768q69gkbyr5f4h6w",
		"\x02GG89JUJDTA\x03",
		"\xff\xfe\x00",
	} {
		f.Add(s)
	}
	kinds := map[Kind]bool{
		KindPersonal: true, KindVCard: true, KindMeCard: true, KindLinkedIn: true,
		KindEmail: true, KindDevoxx: true, KindURL: true, KindOpaque: true,
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, base := range []string{testBase, ""} {
			r := Parse(raw, base)
			if r.Raw != raw {
				t.Fatalf("Raw changed: %q", r.Raw)
			}
			if !kinds[r.Kind] {
				t.Fatalf("unknown kind %q", r.Kind)
			}
			if base == "" && r.Kind == KindPersonal {
				t.Fatalf("empty base matched a personal QR")
			}
			for name, v := range fields(r) {
				if !utf8.ValidString(v) {
					t.Fatalf("%s is not valid UTF-8: %q", name, v)
				}
				if i := strings.IndexFunc(v, unicode.IsControl); i >= 0 {
					t.Fatalf("%s has a control character: %q", name, v)
				}
			}
			kind, value := r.Identity()
			if kind != "email" && kind != "linkedin" && kind != "code" {
				t.Fatalf("unknown identity kind %q", kind)
			}
			if !utf8.ValidString(value) || strings.IndexFunc(value, unicode.IsControl) >= 0 {
				t.Fatalf("identity value not storable: %q", value)
			}
			trimmed := strings.TrimFunc(raw, isEdge)
			if (value == "") != (trimmed == "") {
				t.Fatalf("identity value %q for trimmed input %q", value, trimmed)
			}
			if r.Resolved() != (r.Email != "") {
				t.Fatalf("Resolved() = %v with email %q", r.Resolved(), r.Email)
			}
			if again := Parse(raw, base); again != r {
				t.Fatalf("not deterministic:\n%+v\n%+v", r, again)
			}
		}
	})
}

// fields lists every string field of r except Raw, found by reflection so that a field added
// later is checked too.
func fields(r Result) map[string]string {
	m := map[string]string{}
	v := reflect.ValueOf(r)
	for i := 0; i < v.NumField(); i++ {
		if name := v.Type().Field(i).Name; name != "Raw" && v.Field(i).Kind() == reflect.String {
			m[name] = v.Field(i).String()
		}
	}
	return m
}
