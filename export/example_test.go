package export_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/boothlead/boothlead/export"
)

// A handler or the CLI streams each database batch through one Writer and flushes after
// each batch.
func ExampleWriter() {
	p, err := export.ParsePreset("greenhouse")
	if err != nil {
		fmt.Println(err)
		return
	}
	var out bytes.Buffer // an http.ResponseWriter in a handler, os.Stdout in the CLI
	w := export.NewWriter(&out, p, export.Options{Location: time.UTC})
	consent := []export.Consent{{Purpose: "contact", Granted: true, CapturedBy: "candidate"}}
	batches := [][]export.Lead{
		{{Name: "Ana Souza", Email: "ana@example.com", Phone: "+49 170 1234567", EventName: "GopherCon EU",
			Interests: []string{"Go", "SRE, Platform"}, Rating: "hot", Consents: consent}},
		{{Name: "李小龙", Email: "li@example.cn", Message: "=HYPERLINK(\"http://x\")", EventName: "GopherCon EU",
			Consents: consent}},
		{{Name: "Unresolved badge, no email", EventName: "GopherCon EU"}},
	}
	for _, batch := range batches {
		for _, l := range batch {
			if err := w.Write(l); err != nil {
				fmt.Println(err)
				return
			}
		}
		if err := w.Flush(); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n")) // CRLF shown as plain line breaks
	fmt.Println(w.Rows(), "rows,", export.Filename("gophercon-eu", p, export.CSV, false, time.Date(2026, 5, 14, 0, 0, 0, 0, time.UTC)))
	fmt.Println(w.LeftOut())
	// Output:
	// First Name,Last Name,Company,Title,Email,Phone,Social Media,Website,Notes,Source
	// Ana,Souza,,,ana@example.com,+49 170 1234567,,,"Rating: hot
	// Interests: Go; SRE, Platform",GopherCon EU
	// 李小龙,.,,,li@example.cn,,,,"Message: =HYPERLINK(""http://x"")",GopherCon EU
	// 2 rows, boothlead-gophercon-eu-greenhouse-2026-05-14.csv
	// 1 lead left out: 1 without an email address.
}

func ExampleSplitName() {
	fmt.Println(export.SplitName("Ana María Souza"))
	fmt.Println(export.SplitName("李小龙"))
	// Output:
	// Ana María Souza
	// 李小龙
}
