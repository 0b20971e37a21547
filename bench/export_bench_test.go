package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boothlead/boothlead/export"
	"github.com/boothlead/boothlead/handlers"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// BenchmarkExport100k exports an event of 100,000 leads, each with two conversations, a contact
// consent and (two in five) a talent-pool consent, in the generic preset (every field, the
// consents and all notes), five ways in the same run:
//
//   - go:   handlers.WriteExport as CSV in this process (the code behind the web export and the
//     CLI), with the peak Go heap sampled every 2 ms;
//   - xlsx: the same as XLSX (excelize's StreamWriter), same measurements;
//   - cli:  the `boothlead export` binary, with its peak RSS from the kernel;
//   - cli-xlsx: `boothlead export --format xlsx`, same;
//   - copy: `psql -c "\copy (SELECT …the same columns…) TO STDOUT WITH CSV"`, with its peak RSS.
//
// Each is run once to warm the caches, then timed over BENCH_RUNS runs (default 3); the best
// run counts. Run it with `make bench` or
//
//	go test ./bench -run '^$' -bench Export100k -benchtime 1x -v
//
// BENCH_LEADS changes the number of leads.
func BenchmarkExport100k(b *testing.B) {
	leads := envInt("BENCH_LEADS", 100000)
	runs := envInt("BENCH_RUNS", 3)
	db := modelstest.New(b)
	ctx := context.Background()
	ev := seedEvent(b, db, leads)

	job := handlers.ExportJob{Event: ev, Filter: models.LeadFilter{}.Normalize(ev), Preset: export.Generic,
		Via: handlers.ExportViaCLI}
	inProcess := func(format export.Format) func() (time.Duration, int64, uint64) {
		return func() (time.Duration, int64, uint64) {
			var w countingWriter
			j := job
			j.Format = format
			runtime.GC()
			base := heapObjects()
			stop := sampleHeap()
			start := time.Now()
			n, err := handlers.WriteExport(ctx, db.Store, j, &w, nil)
			d := time.Since(start)
			peak := stop()
			if err != nil || n.Rows != leads {
				b.Fatalf("export %s: %d rows, %v", format, n.Rows, err)
			}
			return d, w.n, peak - min(peak, base)
		}
	}
	goRun, xlsxRun := inProcess(export.CSV), inProcess(export.XLSX)
	bin := buildCLI(b)
	cli := func(format string) func() (time.Duration, int64, int64) {
		return func() (time.Duration, int64, int64) {
			cmd := exec.Command(bin, "export", "--event", ev.Slug, "--preset", "generic", "--format", format)
			cmd.Env = append(os.Environ(), "DATABASE_URL="+db.URL)
			return timeProcess(b, cmd)
		}
	}
	cliRun, cliXLSXRun := cli("csv"), cli("xlsx")
	psql, err := exec.LookPath("psql")
	copyRun := func() (time.Duration, int64, int64) {
		cmd := exec.Command(psql, db.URL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
			`\copy (`+OneLine(CopySQL(ev.ID))+`) TO STDOUT WITH (FORMAT csv, HEADER)`)
		return timeProcess(b, cmd)
	}

	goRun() // warm up caches and the connection pool
	cliRun()
	if err == nil {
		copyRun()
	}
	var goT, xlsxT, cliT, cliXT, copyT []time.Duration
	var goHeap, xlsxHeap []uint64
	var cliRSS, cliXRSS, copyRSS []int64
	var goBytes, xlsxBytes, cliBytes, cliXBytes, copyBytes int64
	b.ResetTimer()
	for b.Loop() {
		// CSV first: the XLSX runs leave excelize's 16 MiB buffers to the collector, which would
		// raise the in-process baseline the CSV heap growth is measured against.
		for range runs {
			d, n, heap := goRun()
			goT, goHeap, goBytes = append(goT, d), append(goHeap, heap), n
			d, n, rss := cliRun()
			cliT, cliRSS, cliBytes = append(cliT, d), append(cliRSS, rss), n
			if err == nil {
				d, n, rss = copyRun()
				copyT, copyRSS, copyBytes = append(copyT, d), append(copyRSS, rss), n
			}
		}
		xlsxRun() // warm-up
		for range runs {
			d, n, heap := xlsxRun()
			xlsxT, xlsxHeap, xlsxBytes = append(xlsxT, d), append(xlsxHeap, heap), n
			d, n, rss := cliXLSXRun()
			cliXT, cliXRSS, cliXBytes = append(cliXT, d), append(cliXRSS, rss), n
		}
	}
	b.StopTimer()
	mib := func(n float64) float64 { return n / (1 << 20) }
	b.ReportMetric(slices.Min(goT).Seconds(), "go-s")
	b.ReportMetric(mib(float64(slices.Max(goHeap))), "go-heap-growth-MiB")
	b.ReportMetric(slices.Min(xlsxT).Seconds(), "xlsx-s")
	b.ReportMetric(mib(float64(slices.Max(xlsxHeap))), "xlsx-heap-growth-MiB")
	b.ReportMetric(slices.Min(cliT).Seconds(), "cli-s")
	b.ReportMetric(mib(float64(slices.Max(cliRSS))), "cli-maxrss-MiB")
	b.ReportMetric(slices.Min(cliXT).Seconds(), "cli-xlsx-s")
	b.ReportMetric(mib(float64(slices.Max(cliXRSS))), "cli-xlsx-maxrss-MiB")
	b.Logf("%d leads × 2 conversations, generic preset, best of %d runs:", leads, runs)
	b.Logf("  go   (handlers.WriteExport)  %6.2f s  %6.1f MiB  heap growth %5.1f MiB (runs: %v)",
		slices.Min(goT).Seconds(), mib(float64(goBytes)), mib(float64(slices.Max(goHeap))), goT)
	b.Logf("  xlsx (WriteExport, XLSX)     %6.2f s  %6.1f MiB  heap growth %5.1f MiB (runs: %v)",
		slices.Min(xlsxT).Seconds(), mib(float64(xlsxBytes)), mib(float64(slices.Max(xlsxHeap))), xlsxT)
	b.Logf("  cli  (boothlead export)      %6.2f s  %6.1f MiB  peak RSS    %5.1f MiB (runs: %v)",
		slices.Min(cliT).Seconds(), mib(float64(cliBytes)), mib(float64(slices.Max(cliRSS))), cliT)
	b.Logf("  cli  (… --format xlsx)       %6.2f s  %6.1f MiB  peak RSS    %5.1f MiB (runs: %v)",
		slices.Min(cliXT).Seconds(), mib(float64(cliXBytes)), mib(float64(slices.Max(cliXRSS))), cliXT)
	if err != nil {
		b.Logf("  copy: psql not found (%v): no comparison", err)
		return
	}
	b.ReportMetric(slices.Min(copyT).Seconds(), "copy-s")
	b.ReportMetric(mib(float64(slices.Max(copyRSS))), "copy-maxrss-MiB")
	b.ReportMetric(slices.Min(goT).Seconds()/slices.Min(copyT).Seconds(), "go/copy")
	b.Logf("  copy (psql \\copy … CSV)      %6.2f s  %6.1f MiB  peak RSS    %5.1f MiB (runs: %v)",
		slices.Min(copyT).Seconds(), mib(float64(copyBytes)), mib(float64(slices.Max(copyRSS))), copyT)
	b.Logf("  go / copy time: %.2f×   cli / copy time: %.2f×", slices.Min(goT).Seconds()/slices.Min(copyT).Seconds(),
		slices.Min(cliT).Seconds()/slices.Min(copyT).Seconds())
}

// timeProcess runs cmd with its output counted and returns the wall time, the bytes written and
// its peak resident memory. The peak is VmHWM from /proc/<pid>/status, polled every 2 ms once the
// process runs its own program: ru_maxrss would also count this test process, whose memory
// the child shares between fork and exec.
func timeProcess(b *testing.B, cmd *exec.Cmd) (time.Duration, int64, int64) {
	b.Helper()
	var w countingWriter
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &w, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	name := filepath.Base(cmd.Path)
	status := "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status"
	done := make(chan struct{})
	var peak int64
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			if kb, ok := hwm(status, name); ok {
				peak = max(peak, kb*1024)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	err := cmd.Wait()
	d := time.Since(start)
	close(done)
	wg.Wait()
	if err != nil {
		b.Fatalf("%s: %v: %s", cmd.Path, err, stderr.String())
	}
	return d, w.n, peak
}

// hwm reads VmHWM (kB) from a /proc status file if the process there is named name.
func hwm(status, name string) (int64, bool) {
	data, err := os.ReadFile(status)
	if err != nil {
		return 0, false
	}
	named := false
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "Name:"); ok && strings.HasPrefix(name, strings.TrimSpace(v)) {
			named = true
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok && named {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}

// buildCLI builds the boothlead binary once into a temporary directory.
func buildCLI(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "boothlead")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/boothlead/boothlead/cmd/boothlead")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build: %v: %s", err, out)
	}
	return bin
}

// countingWriter counts bytes and drops them.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// heapObjects is the bytes of heap objects right now (live and not yet swept).
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap samples heapObjects every 2 ms until the returned func is called, which returns
// the largest value seen.
func sampleHeap() func() uint64 {
	var mu sync.Mutex
	peak := heapObjects()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				v := heapObjects()
				mu.Lock()
				peak = max(peak, v)
				mu.Unlock()
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return max(peak, heapObjects())
	}
}

func envInt(k string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(k)); err == nil && n > 0 {
		return n
	}
	return def
}

// seedEvent creates the benchmark's event with n leads (SeedExportEvent) and its four staff.
func seedEvent(b *testing.B, db modelstest.DB, n int) models.Event {
	b.Helper()
	ev := modelstest.Event(b, db, "bench", ExportInterests...)
	var staff []int64
	for i := range 4 {
		staff = append(staff, modelstest.Staff(b, db, fmt.Sprintf("staff%d@example.com", i), models.RoleStaff).ID)
	}
	start := time.Now()
	if err := SeedExportEvent(context.Background(), db.Store, ev, staff, n); err != nil {
		b.Fatal(err)
	}
	if err := db.Gorm.Exec("VACUUM ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d leads with %d conversations in %v", n, 2*n, time.Since(start).Round(time.Millisecond))
	return ev
}
