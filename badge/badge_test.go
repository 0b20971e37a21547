package badge

import (
	"strings"
	"testing"
)

const testBase = "https://jobs.example.com"

// docstamp is the EuroPython badge layout from the research notes: LF line ends, given name
// first in N.
const docstamp = "BEGIN:VCARD\nVERSION:3.0\nN:Jane;Doe;;;\nFN:Jane Doe\nEMAIL:jane@example.org\n" +
	"ORG:Acme GmbH\nTITLE:Data Engineer\nURL:https://jane.example.org\nNOTE:EuroPython 2019\nEND:VCARD"

// rfc6350 is the vCard 4.0 example from the research notes.
const rfc6350 = "BEGIN:VCARD\nVERSION:4.0\nFN:Jane Doe\nN:Doe;Jane;;;\nEMAIL;TYPE=work:jane@example.org\n" +
	"TEL;TYPE=cell:+49 170 0000000\nORG:Acme GmbH\nURL:https://www.linkedin.com/in/janedoe\nEND:VCARD"

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		base string // testBase when empty
		want Result // Raw is filled in by the test
	}{
		// vCard
		{name: "docstamp vcard 3.0 LF given-first N", raw: docstamp, want: Result{
			Kind: KindVCard, Name: "Jane Doe", GivenName: "Jane", FamilyName: "Doe",
			Email: "jane@example.org", Company: "Acme GmbH", Title: "Data Engineer",
			Website: "https://jane.example.org", Note: "EuroPython 2019",
		}},
		{name: "docstamp with CRLF from a wedge scanner", raw: "\r\n" + strings.ReplaceAll(docstamp, "\n", "\r\n") + "\r\n", want: Result{
			Kind: KindVCard, Name: "Jane Doe", GivenName: "Jane", FamilyName: "Doe",
			Email: "jane@example.org", Company: "Acme GmbH", Title: "Data Engineer",
			Website: "https://jane.example.org", Note: "EuroPython 2019",
		}},
		{name: "rfc 6350 vcard 4.0 research example", raw: rfc6350, want: Result{
			Kind: KindVCard, Name: "Jane Doe", GivenName: "Jane", FamilyName: "Doe",
			Email: "jane@example.org", Phone: "+49 170 0000000", Company: "Acme GmbH",
			LinkedIn: "https://www.linkedin.com/in/janedoe",
		}},
		{name: "vcard 4.0 CRLF folded params groups escapes", raw: "BEGIN:VCARD\r\n" +
			"VERSION:4.0\r\n" +
			"FN:Dr. Jane\r\n  Q. Doe\r\n" +
			"N:Doe;Jane;Q.;Dr.;\r\n" +
			"item1.EMAIL;type=INTERNET;type=pref:jane.doe@\r\n example.org\r\n" +
			"EMAIL;TYPE=home:second@example.org\r\n" +
			"item2.TEL;TYPE=cell,voice:+1 555 \r\n\t0100\r\n" +
			"TEL;TYPE=work:+1 555 0199\r\n" +
			"ORG:Acme\\, Inc.;R&D\\; Labs;Team\r\n" +
			"TITLE:Head of Data\\, EMEA\r\n" +
			"item3.URL;TYPE=\"work,home\":https://github.com/janedoe\r\n" +
			"item3.X-ABLabel:GitHub\r\n" +
			"URL;VALUE=uri:https://de.linkedin.com/in/Jane-Doe/\r\n" +
			"URL:https://blog.example.org/about?x=1\r\n" +
			"NOTE:Met at booth\\nLikes Go\\N and Rust\\\\C\r\n" +
			"END:VCARD\r\n", want: Result{
			Kind: KindVCard, Name: "Dr. Jane Q. Doe", GivenName: "Jane", FamilyName: "Doe",
			Email: "jane.doe@example.org", Phone: "+1 555 0100", Company: "Acme, Inc.",
			Title: "Head of Data, EMEA", LinkedIn: "https://www.linkedin.com/in/jane-doe",
			GitHub: "https://github.com/janedoe", Website: "https://blog.example.org/about?x=1",
			Note: "Met at booth Likes Go and Rust\\C",
		}},
		{name: "vcard lowercase names CR line ends", raw: "begin:vcard\rversion:3.0\rfn:Zoë Ångström\rn:Ångström;Zoë;;;\remail:zoe@example.se\rend:vcard", want: Result{
			Kind: KindVCard, Name: "Zoë Ångström", GivenName: "Zoë", FamilyName: "Ångström", Email: "zoe@example.se",
		}},
		{name: "vcard chinese family-first FN keeps RFC order", raw: "BEGIN:VCARD\nVERSION:4.0\nFN:李小龙\nN:李;小龙;;;\nEMAIL:bruce@example.cn\nEND:VCARD", want: Result{
			Kind: KindVCard, Name: "李小龙", GivenName: "小龙", FamilyName: "李", Email: "bruce@example.cn",
		}},
		{name: "vcard chinese without FN", raw: "BEGIN:VCARD\nVERSION:3.0\nN:李;小龙;;;\nEND:VCARD", want: Result{
			Kind: KindVCard, Name: "李小龙", GivenName: "小龙", FamilyName: "李",
		}},
		{name: "vcard greek docstamp order", raw: "BEGIN:VCARD\nVERSION:3.0\nN:Ελένη;Παπαδοπούλου;;;\nFN:Ελένη Παπαδοπούλου\nEMAIL:eleni@example.gr\nEND:VCARD", want: Result{
			Kind: KindVCard, Name: "Ελένη Παπαδοπούλου", GivenName: "Ελένη", FamilyName: "Παπαδοπούλου", Email: "eleni@example.gr",
		}},
		{name: "vcard hebrew", raw: "BEGIN:VCARD\nVERSION:3.0\nFN:נועה כהן\nN:כהן;נועה;;;\nORG:חברה בע\"מ\nEND:VCARD", want: Result{
			Kind: KindVCard, Name: "נועה כהן", GivenName: "נועה", FamilyName: "כהן", Company: "חברה בע\"מ",
		}},
		{name: "vcard without FN assumes RFC order", raw: "BEGIN:VCARD\nVERSION:3.0\nN:Doe;John;;;\nEND:VCARD", want: Result{
			Kind: KindVCard, Name: "John Doe", GivenName: "John", FamilyName: "Doe",
		}},
		{name: "vcard FN matching neither part", raw: "BEGIN:VCARD\nN:Doe;John\nFN:Johnny D.\nEND:VCARD", want: Result{
			Kind: KindVCard, Name: "Johnny D.", GivenName: "John", FamilyName: "Doe",
		}},
		{name: "vcard 2.1 quoted-printable", raw: "BEGIN:VCARD\r\nVERSION:2.1\r\n" +
			"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n" +
			"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BC=\r\nller\r\n" +
			"TEL;CELL:+49301234567\r\nEMAIL;INTERNET:j.mueller@example.de\r\nEND:VCARD", want: Result{
			Kind: KindVCard, Name: "Jürgen Müller", GivenName: "Jürgen", FamilyName: "Müller",
			Phone: "+49301234567", Email: "j.mueller@example.de",
		}},
		{name: "vcard tel uri, mailto email, scheme-less url, invalid email skipped", raw: "BEGIN:VCARD\nVERSION:4.0\nFN:Ann\n" +
			"EMAIL:n/a\nEMAIL:mailto:ann@example.com\nTEL;VALUE=uri:tel:+44-20-7946-0000\nURL:ann.example.com\n" +
			"URL:ftp://files.example.com\nX-SOCIALPROFILE;type=linkedin:http://linkedin.com/in/ann%2Dlee\nEND:VCARD", want: Result{
			Kind: KindVCard, Name: "Ann", Email: "ann@example.com", Phone: "+44-20-7946-0000",
			Website: "https://ann.example.com", LinkedIn: "https://www.linkedin.com/in/ann-lee",
		}},
		{name: "vcard missing END and stops at END", raw: "BEGIN:VCARD\nFN:Ann\nEND:VCARD\nEMAIL:late@example.com", want: Result{
			Kind: KindVCard, Name: "Ann",
		}},
		{name: "vcard truncated", raw: "BEGIN:VCARD\nFN:Ann\nEMAIL:ann@example.com", want: Result{
			Kind: KindVCard, Name: "Ann", Email: "ann@example.com",
		}},
		{name: "vcard control characters stripped", raw: "BEGIN:VCARD\nFN:Ann\x00\x07 Lee\u2028X\nEND:VCARD", want: Result{
			Kind: KindVCard, Name: "Ann Lee X",
		}},
		{name: "vcard FN of control characters falls back to N", raw: "BEGIN:VCARD\nFN:\x01\x02\nN:Doe;Jane\nEND:VCARD", want: Result{
			Kind: KindVCard, Name: "Jane Doe", GivenName: "Jane", FamilyName: "Doe",
		}},
		{name: "vcard invalid utf-8 replaced", raw: "BEGIN:VCARD\nFN:Ann\xffLee\nEND:VCARD", want: Result{
			Kind: KindVCard, Name: "Ann\uFFFDLee",
		}},
		{name: "vcard flattened onto one line is opaque", raw: "BEGIN:VCARD VERSION:3.0 FN:Ann END:VCARD", want: Result{
			Kind: KindOpaque,
		}},

		// MeCard
		{name: "mecard research example", raw: "MECARD:N:Doe,John;TEL:13035551212;EMAIL:john.doe@example.com;;", want: Result{
			Kind: KindMeCard, Name: "John Doe", GivenName: "John", FamilyName: "Doe",
			Phone: "13035551212", Email: "john.doe@example.com",
		}},
		{name: "mecard without trailing ;; lowercase tags escapes", raw: "mecard:n:O\\;Brien,Séan;email:sean@example.ie;org:Foo\\, Bar\\: Baz;url:https\\://github.com/sean;note:a\\\\b;title:CTO", want: Result{
			Kind: KindMeCard, Name: "Séan O;Brien", GivenName: "Séan", FamilyName: "O;Brien",
			Email: "sean@example.ie", Company: "Foo, Bar: Baz", GitHub: "https://github.com/sean",
			Note: "a\\b", Title: "CTO",
		}},
		{name: "mecard url and no comma name", raw: "MECARD:N:Prince;URL:https://prince.example.com/;EMAIL:not-an-email;;", want: Result{
			Kind: KindMeCard, Name: "Prince", Website: "https://prince.example.com/",
		}},
		{name: "mecard japanese", raw: "MECARD:N:山田,太郎;SOUND:ヤマダ,タロウ;TEL:0312345678;;", want: Result{
			Kind: KindMeCard, Name: "山田太郎", GivenName: "太郎", FamilyName: "山田", Phone: "0312345678",
		}},

		// LinkedIn
		{name: "linkedin www trailing slash", raw: "https://www.linkedin.com/in/williamhgates/", want: Result{
			Kind: KindLinkedIn, LinkedIn: "https://www.linkedin.com/in/williamhgates",
		}},
		{name: "linkedin country subdomain app share query", raw: "https://de.linkedin.com/in/Jane-Doe/?utm_source=share&utm_medium=member_ios", want: Result{
			Kind: KindLinkedIn, LinkedIn: "https://www.linkedin.com/in/jane-doe",
		}},
		{name: "linkedin bare host http fragment", raw: "http://linkedin.com/in/janedoe#about", want: Result{
			Kind: KindLinkedIn, LinkedIn: "https://www.linkedin.com/in/janedoe",
		}},
		{name: "linkedin uppercase host percent-encoded slug", raw: "HTTPS://WWW.LINKEDIN.COM/in/zo%C3%AB-m%C3%BCller", want: Result{
			Kind: KindLinkedIn, LinkedIn: "https://www.linkedin.com/in/zoë-müller",
		}},
		{name: "linkedin company page is a url", raw: "https://www.linkedin.com/company/acme/", want: Result{
			Kind: KindURL, Website: "https://www.linkedin.com/company/acme/",
		}},
		{name: "linkedin lookalike host is a url", raw: "https://www.linkedin.com.evil.example/in/jane", want: Result{
			Kind: KindURL, Website: "https://www.linkedin.com.evil.example/in/jane",
		}},
		{name: "linkedin deeper path is a url", raw: "https://www.linkedin.com/in/jane/details/", want: Result{
			Kind: KindURL, Website: "https://www.linkedin.com/in/jane/details/",
		}},

		// Email
		{name: "mailto with query", raw: "mailto:Jane.Doe@Example.org?subject=Hello%20there&body=hi", want: Result{
			Kind: KindEmail, Email: "Jane.Doe@Example.org",
		}},
		{name: "mailto percent-encoded", raw: "MAILTO:jane%2Bbooth@example.org", want: Result{
			Kind: KindEmail, Email: "jane+booth@example.org",
		}},
		{name: "mailto without address is opaque", raw: "mailto:?subject=hi", want: Result{Kind: KindOpaque}},
		{name: "plain email with wedge CRLF", raw: "jane.doe@example.co.uk\r\n", want: Result{
			Kind: KindEmail, Email: "jane.doe@example.co.uk",
		}},
		{name: "plain email with tab and spaces", raw: "\t  Üser@bücher.de \t", want: Result{
			Kind: KindEmail, Email: "Üser@bücher.de",
		}},
		{name: "two @ is opaque", raw: "a@b@example.com", want: Result{Kind: KindOpaque}},
		{name: "no dot in domain is opaque", raw: "root@localhost", want: Result{Kind: KindOpaque}},
		{name: "space inside is opaque", raw: "jane doe@example.com", want: Result{Kind: KindOpaque}},

		// Devoxx
		{name: "devoxx", raw: "123456::Doe::Jane::Acme NV::jane@example.be", want: Result{
			Kind: KindDevoxx, BadgeID: "123456", Name: "Jane Doe", GivenName: "Jane", FamilyName: "Doe",
			Company: "Acme NV", Email: "jane@example.be",
		}},
		{name: "devoxx empty company", raw: "A1::Ng::Li::::li@example.sg\n", want: Result{
			Kind: KindDevoxx, BadgeID: "A1", Name: "Li Ng", GivenName: "Li", FamilyName: "Ng", Email: "li@example.sg",
		}},
		{name: "devoxx without email is opaque", raw: "123::Doe::Jane::Acme::none", want: Result{Kind: KindOpaque}},
		{name: "devoxx with six fields is opaque", raw: "1::2::Doe::Jane::Acme::jane@example.be", want: Result{Kind: KindOpaque}},

		// Other URLs
		{name: "github profile", raw: "https://github.com/octocat", want: Result{
			Kind: KindURL, GitHub: "https://github.com/octocat",
		}},
		{name: "github profile www trailing slash query", raw: "https://www.github.com/Octo-Cat/?tab=repositories", want: Result{
			Kind: KindURL, GitHub: "https://github.com/Octo-Cat",
		}},
		{name: "github repo is a website", raw: "https://github.com/octocat/hello-world", want: Result{
			Kind: KindURL, Website: "https://github.com/octocat/hello-world",
		}},
		{name: "github reserved word is a website", raw: "https://github.com/settings", want: Result{
			Kind: KindURL, Website: "https://github.com/settings",
		}},
		{name: "github orgs is a website", raw: "https://github.com/orgs/", want: Result{
			Kind: KindURL, Website: "https://github.com/orgs/",
		}},
		{name: "personal site", raw: "https://jane.example.org/cv.pdf", want: Result{
			Kind: KindURL, Website: "https://jane.example.org/cv.pdf",
		}},
		{name: "url without host is opaque", raw: "https:///nohost", want: Result{Kind: KindOpaque}},
		{name: "url with space is opaque", raw: "https://example.com/a b", want: Result{Kind: KindOpaque}},

		// Personal QR
		{name: "personal", raw: testBase + "/p/AbCdEfGhIjKlMnOp_-12", want: Result{
			Kind: KindPersonal, PersonalToken: "AbCdEfGhIjKlMnOp_-12",
		}},
		{name: "personal trailing slash, host case, base with slash", raw: "HTTPS://Jobs.Example.com/p/abcdefghijklmnop/\n", base: testBase + "/", want: Result{
			Kind: KindPersonal, PersonalToken: "abcdefghijklmnop",
		}},
		{name: "personal under a base path", raw: "https://example.com/booth/p/abcdefghijklmnopq", base: "https://example.com/booth", want: Result{
			Kind: KindPersonal, PersonalToken: "abcdefghijklmnopq",
		}},
		{name: "personal token too short is a url", raw: testBase + "/p/short", want: Result{
			Kind: KindURL, Website: testBase + "/p/short",
		}},
		{name: "personal token bad character is a url", raw: testBase + "/p/abcdefghijklmnop.", want: Result{
			Kind: KindURL, Website: testBase + "/p/abcdefghijklmnop.",
		}},
		{name: "personal with other base is a url", raw: "https://other.example.com/p/abcdefghijklmnop", want: Result{
			Kind: KindURL, Website: "https://other.example.com/p/abcdefghijklmnop",
		}},
		{name: "personal path case matters", raw: testBase + "/P/abcdefghijklmnop", want: Result{
			Kind: KindURL, Website: testBase + "/P/abcdefghijklmnop",
		}},
		{name: "personal with empty base never matches", raw: "https://jobs.example.com/p/abcdefghijklmnop", base: "-", want: Result{
			Kind: KindURL, Website: "https://jobs.example.com/p/abcdefghijklmnop",
		}},

		// Opaque
		{name: "pretix secret", raw: "z3fsn8jyufm5kpk768q69gkbyr5f4h6w", want: Result{Kind: KindOpaque}},
		{name: "pretix pseudonymization id", raw: "GG89JUJDTA", want: Result{Kind: KindOpaque}},
		{name: "wordcamp id", raw: "2019.europe-534", want: Result{Kind: KindOpaque}},
		{name: "base64 blob", raw: "==wOFgUAMBEAAQAAKBAAAEADcwAEGwIAAAIAAQAB", want: Result{Kind: KindOpaque}},
		{name: "random text", raw: "hello booth", want: Result{Kind: KindOpaque}},
		{name: "empty", raw: "", want: Result{Kind: KindOpaque}},
		{name: "only whitespace", raw: " \r\n\t", want: Result{Kind: KindOpaque}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.base
			switch base {
			case "":
				base = testBase
			case "-":
				base = ""
			}
			got := Parse(tt.raw, base)
			want := tt.want
			want.Raw = tt.raw
			if got != want {
				t.Errorf("Parse(%q)\n got  %+v\n want %+v", tt.raw, got, want)
			}
		})
	}
}

func TestParseBoundsInput(t *testing.T) {
	email := "jane@example.org"
	long := email + strings.Repeat(" x", maxParse)
	if got := Parse(long, testBase); got.Kind != KindOpaque || got.Raw != long {
		t.Errorf("long text: got kind %q, raw kept %v", got.Kind, got.Raw == long)
	}
	// Leading whitespace does not count against the limit.
	padded := strings.Repeat("\n", 2*maxParse) + email
	if got := Parse(padded, testBase); got.Email != email {
		t.Errorf("padded email: got %+v", got.Email)
	}
	// A vCard whose EMAIL comes after the first 8 KB keeps what came before.
	vc := "BEGIN:VCARD\nFN:Ann\nNOTE:" + strings.Repeat("n", maxParse) + "\nEMAIL:ann@example.com\nEND:VCARD"
	got := Parse(vc, testBase)
	if got.Kind != KindVCard || got.Name != "Ann" || got.Email != "" || len(got.Note) >= maxParse {
		t.Errorf("long vcard: got kind %q name %q email %q note length %d", got.Kind, got.Name, got.Email, len(got.Note))
	}
}

func TestIdentity(t *testing.T) {
	tests := []struct {
		name      string
		raw       string
		wantKind  string
		wantValue string
		resolved  bool
	}{
		{"email lowercased", "Jane.Doe@Example.ORG\r\n", "email", "jane.doe@example.org", true},
		{"vcard email beats linkedin", rfc6350, "email", "jane@example.org", true},
		{"linkedin", "https://de.linkedin.com/in/Jane-Doe/?utm_source=share", "linkedin", "https://www.linkedin.com/in/jane-doe", false},
		{"vcard linkedin only", "BEGIN:VCARD\nFN:Jane\nURL:https://www.linkedin.com/in/JaneD\nEND:VCARD", "linkedin", "https://www.linkedin.com/in/janed", false},
		{"opaque code trimmed", "  GG89JUJDTA\r\n", "code", "GG89JUJDTA", false},
		{"github falls back to code", "https://github.com/octocat\n", "code", "https://github.com/octocat", false},
		{"mecard without email", "MECARD:N:Doe,John;TEL:123;;", "code", "MECARD:N:Doe,John;TEL:123;;", false},
		{"code with framing bytes and inner control", "\x02AB\x1dCD\x03", "code", "AB\uFFFDCD", false},
		{"code with invalid utf-8", "AB\xffCD", "code", "AB\uFFFDCD", false},
		{"empty", "", "code", "", false},
		{"devoxx", "1::Doe::Jane::Acme::JANE@example.be", "email", "jane@example.be", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Parse(tt.raw, testBase)
			kind, value := r.Identity()
			if kind != tt.wantKind || value != tt.wantValue {
				t.Errorf("Identity() = (%q, %q), want (%q, %q)", kind, value, tt.wantKind, tt.wantValue)
			}
			if r.Resolved() != tt.resolved {
				t.Errorf("Resolved() = %v, want %v", r.Resolved(), tt.resolved)
			}
		})
	}
}

func TestIdentityKeepsWholeRaw(t *testing.T) {
	raw := strings.Repeat("A", maxParse+10)
	if _, v := Parse(raw, testBase).Identity(); v != raw {
		t.Errorf("Identity value has %d bytes, want %d", len(v), len(raw))
	}
}
