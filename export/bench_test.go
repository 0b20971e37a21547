package export

import (
	"fmt"
	"io"
	"testing"
)

// benchLeads is the number of leads each BenchmarkWrite iteration exports.
const benchLeads = 100_000

// BenchmarkWrite exports 100,000 leads with two conversations each to io.Discard per
// iteration; ns/lead, B/lead and allocs/lead are per row.
func BenchmarkWrite(b *testing.B) {
	base := fixtures()[0]
	base.Conversations = base.Conversations[:2]
	leads := make([]Lead, 64) // vary the values a little without building 100,000 leads
	for i := range leads {
		leads[i] = base
		leads[i].ID = fmt.Sprintf("0b9c1c0e-%04d", i)
		leads[i].Email = fmt.Sprintf("lead%d@example.com", i)
	}
	for _, p := range Presets() {
		b.Run(string(p.Preset), func(b *testing.B) {
			b.ReportAllocs()
			var cw countWriter
			for b.Loop() {
				w := NewWriter(io.Discard, p.Preset, Options{BOM: true, Location: berlin})
				for i := range benchLeads {
					if err := w.Write(leads[i%len(leads)]); err != nil {
						b.Fatal(err)
					}
					if i%1000 == 999 { // one flush per database batch
						if err := w.Flush(); err != nil {
							b.Fatal(err)
						}
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			// Measure the output size once, outside the timed loop.
			w := NewWriter(&cw, p.Preset, Options{BOM: true, Location: berlin})
			for i := range 1000 {
				_ = w.Write(leads[i%len(leads)])
			}
			_ = w.Close()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchLeads), "ns/lead")
			b.ReportMetric(float64(cw.n)/1000, "csv-bytes/lead")
		})
	}
}
