package handlers

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// BenchmarkCheckIn posts the check-in form to the real router over HTTP against a real
// database: each post is CSRF check, stamp check, validation, the upsert transaction with its
// consents and NOTIFY, and the 303. "new-lead" uses a new email each time (INSERT), "same-email"
// the same one (the ON CONFLICT UPDATE path), "parallel" new emails from GOMAXPROCS clients.
// Allocations count both the client and the server side (they share the process).
//
//	go test ./handlers -run '^$' -bench BenchmarkCheckIn -benchtime 2000x -benchmem
func BenchmarkCheckIn(b *testing.B) {
	a := newTestApp(b)
	ev := modelstest.Event(b, a.db, "bench", "Backend", "Data", "SRE")
	c := a.client()
	token := c.csrf()
	stamp := a.oldStamp(ev, 3*time.Second)
	target := a.ts.URL + paths.CheckIn(ev.CheckinKey)
	post := func(c *client, email string) error {
		form := url.Values{"name": {"Ada Lovelace"}, "email": {email}, "interests": {"Backend", "Data"},
			"consent": {"yes"}, "company": {"Analytical Engines"}, "message": {"Hello from the benchmark"},
			"_csrf": {token}, "stamp": {stamp}}
		req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := c.http.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("status %d", res.StatusCode)
		}
		return nil
	}
	b.Run("new-lead", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := post(c, "new"+strconv.Itoa(i)+"@example.com"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("same-email", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := post(c, "same@example.com"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := post(c, "par"+strconv.FormatInt(n.Add(1), 10)+"@example.com"); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
