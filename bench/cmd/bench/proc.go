package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is a server process under measurement (the app or the baseline).
type server struct {
	cmd    *exec.Cmd
	url    string // http://127.0.0.1:port
	stderr *bytes.Buffer
	ready  time.Duration // from exec to the first 200 of /readyz
}

// freeAddr returns a loopback address with a free port.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// start runs bin with env (ADDR is added) and waits until /readyz answers 200.
func start(ctx context.Context, bin string, args []string, env []string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), env...), "ADDR="+addr, "BASE_URL=http://"+addr)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	s := &server{cmd: cmd, url: "http://" + addr, stderr: &stderr}
	t := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: time.Second}
	for {
		if ctx.Err() != nil || time.Since(t) > time.Minute {
			s.stop()
			return nil, fmt.Errorf("%s did not get ready: %s", bin, lastLines(stderr.String(), 5))
		}
		resp, err := client.Get(s.url + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.ready = time.Since(t)
				return s, nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for the process to end.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}

// memory reads a process's resident set and its peak so far (VmRSS, VmHWM) in bytes.
func memory(pid int) (rss, hwm int64) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		if k == "VmRSS" {
			rss = kb * 1024
		} else {
			hwm = kb * 1024
		}
	}
	return rss, hwm
}

// sampleRSS polls pid's VmRSS every 5 ms until the returned func is called, which returns the
// RSS when sampling began and the highest seen.
func sampleRSS(pid int) func() (before, peak int64) {
	before, _ := memory(pid)
	peak := before
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				r, _ := memory(pid)
				mu.Lock()
				peak = max(peak, r)
				mu.Unlock()
			}
		}
	})
	return func() (int64, int64) {
		close(done)
		wg.Wait()
		r, _ := memory(pid)
		mu.Lock()
		defer mu.Unlock()
		return before, max(peak, r)
	}
}

// timeProcess runs cmd with its stdout counted and returns the wall time, the bytes written and
// its peak RSS (VmHWM, polled once it runs its own program).
func timeProcess(cmd *exec.Cmd) (time.Duration, int64, int64, error) {
	var w countingWriter
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &w, &stderr
	t := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, 0, err
	}
	name := filepath.Base(cmd.Path)
	done := make(chan struct{})
	var peak int64
	var wg sync.WaitGroup
	wg.Go(func() {
		tk := time.NewTicker(2 * time.Millisecond)
		defer tk.Stop()
		for {
			// until exec, the child is this process's copy: count it only once it runs its own program
			if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", cmd.Process.Pid)); strings.HasPrefix(name,
				strings.TrimSpace(string(comm))) {
				if _, h := memory(cmd.Process.Pid); h > 0 {
					peak = max(peak, h)
				}
			}
			select {
			case <-done:
				return
			case <-tk.C:
			}
		}
	})
	err := cmd.Wait()
	d := time.Since(t)
	close(done)
	wg.Wait()
	if err != nil {
		return d, w.n, peak, fmt.Errorf("%s: %w: %s", cmd.Path, err, lastLines(stderr.String(), 5))
	}
	return d, w.n, peak, nil
}

// countingWriter counts bytes and drops them.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// cpuTime is the CPU time a process used so far (user + system).
func cpuTime(pid int) time.Duration {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// the fields after the command name (which may hold spaces) in parentheses
	_, rest, ok := strings.Cut(string(data), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
}
