package export

import "testing"

// FuzzXLSXWriteLead writes one lead with every preset as XLSX and reads it back with excelize's
// reader: the workbook must open, and every cell must be exactly what the row builder made of the
// lead (cleaned of control characters, nothing neutralised or reinterpreted), an inline string
// in the Text format; the question columns too.
func FuzzXLSXWriteLead(f *testing.F) {
	f.Add("Ana María Souza", "ana@example.com", `Acme, Inc. "Widgets"`, "=1+2\";=1+2", "line\r\nnext", "Dana", "Go, Rust")
	f.Add("李小龙", "@x", "\t=1", "+cmd|' /C calc'!A0", "-2+3", "נועה לוי", "\n=1")
	f.Add(" edge ", "x@example.com", "0123", "1/2", "2026-05-12", "\x00\x1b]8;;", "\uFEFF=1")
	f.Fuzz(func(t *testing.T, name, email, company, message, notes, staff, interest string) {
		l := Lead{
			ID: "id", EventName: interest, Name: name, Email: email, Phone: message, Company: company,
			Title: staff, Message: message, Interests: []string{interest, name}, Rating: notes,
			FollowUp: notes, Source: staff, BadgeCode: notes,
			Consents:      []Consent{{Purpose: "contact", Granted: true, CapturedBy: staff, At: at("2026-05-12 12:00")}},
			Conversations: []Conversation{{Staff: staff, Rating: interest, Notes: notes, FollowUp: message}},
			Extra:         []string{notes, message},
		}
		for _, p := range Presets() {
			o := Options{Location: berlin}
			if p.Preset == Generic {
				o.Columns = []string{company, staff}
			}
			checkSheetAsTyped(t, p.Preset, o, writeXLSXWith(t, p.Preset, o, []Lead{l}), []Lead{l})
		}
	})
}
