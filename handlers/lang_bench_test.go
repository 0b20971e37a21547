package handlers

import (
	"io"
	"net/http"
	"testing"

	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// BenchmarkCheckInPage GETs the check-in page over HTTP from the real router and database, as a
// phone with Accept-Language does: the cost of picking the language, the consent texts in it,
// the questions and rendering the page in it.
//
//	go test ./handlers -run '^$' -bench BenchmarkCheckInPage -benchtime 2000x -benchmem
func BenchmarkCheckInPage(b *testing.B) {
	a := newTestApp(b)
	ev := modelstest.Event(b, a.db, "bench-page", "Backend", "Data", "SRE")
	c := a.client()
	target := a.ts.URL + paths.CheckIn(ev.CheckinKey)
	for _, accept := range []string{"en-GB,en;q=0.9", "ar-EG,ar;q=0.9", "de-CH,de;q=0.9"} {
		b.Run(accept[:2], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, target, nil)
				req.Header.Set("Accept-Language", accept)
				res, err := c.http.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
		})
	}
}
