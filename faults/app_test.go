package faults

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/boothlead/boothlead/bench/load"
)

// bin is the boothlead binary these tests run, built once by TestMain.
var bin string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "boothlead-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin = filepath.Join(dir, "boothlead")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/boothlead/boothlead/cmd/boothlead").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build boothlead: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// cli runs a boothlead subcommand against dbURL and returns its stdout.
func cli(t *testing.T, dbURL, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "LOG_LEVEL=warn")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("boothlead %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// lastLine is the last line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// instance is one `boothlead serve` process.
type instance struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string
	logs *syncBuffer
	done chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve starts `boothlead serve` on a free port of 127.0.0.1 with env added, waits until it
// answers /readyz, and stops it when the test ends.
func serve(t *testing.T, dbURL string, env ...string) *instance {
	t.Helper()
	in := start(t, dbURL, env...)
	in.waitReady(http.StatusOK)
	return in
}

// start starts `boothlead serve` like serve, without waiting for it.
func start(t *testing.T, dbURL string, env ...string) *instance {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(append(os.Environ(), "DATABASE_URL="+dbURL, "ADDR="+addr, "BASE_URL=http://"+addr,
		"RATE_LIMITS=off", "LOG_LEVEL=warn"), env...)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in := &instance{t: t, cmd: cmd, url: "http://" + addr, logs: logs, done: make(chan error, 1)}
	go func() { in.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		err := <-in.done // killed, or ended by the test
		if t.Failed() {
			t.Logf("log of %s (exit: %v):\n%s", in.url, err, logs.String())
		}
	})
	return in
}

// waitReady polls /readyz until it answers want.
func (in *instance) waitReady(want int) {
	in.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if got := in.readyz(); got == want {
			return
		} else if time.Now().After(deadline) {
			in.t.Fatalf("%s/readyz still answers %d, want %d; log:\n%s", in.url, got, want, in.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (in *instance) readyz() int {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(in.url + "/readyz")
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// terminate sends SIGTERM and returns the process's exit error once it ended.
func (in *instance) terminate() error {
	in.t.Helper()
	if err := in.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		in.t.Fatal(err)
	}
	select {
	case err := <-in.done:
		in.done <- err // for Cleanup
		return err
	case <-time.After(60 * time.Second):
		in.t.Fatal("the server did not stop within a minute of SIGTERM")
		return nil
	}
}

// acks collects what a load run answered, by email.
type acks struct {
	mu       sync.Mutex
	statuses map[string]int
	byStatus map[int]int
}

func newAcks() *acks { return &acks{statuses: map[string]int{}, byStatus: map[int]int{}} }

func (a *acks) record(email string, status int, _ time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.statuses[email] = status
	a.byStatus[status]++
}

// acknowledged are the emails whose check-in was answered with the redirect to its confirmation.
func (a *acks) acknowledged() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for e, s := range a.statuses {
		if s == http.StatusSeeOther {
			out = append(out, e)
		}
	}
	return out
}

func (a *acks) counts() map[int]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[int]int{}
	for k, v := range a.byStatus {
		out[k] = v
	}
	return out
}

// runLoad drives check-ins at formURL for d with n workers in the background; wait returns the
// result.
func runLoad(t *testing.T, formURL string, n int, d time.Duration, a *acks) (wait func() load.Result) {
	t.Helper()
	var res load.Result
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		res, err = load.Run(context.Background(), load.Config{FormURL: formURL, Workers: n, Duration: d, Timeout: 30 * time.Second,
			OnAnswer: a.record})
	}()
	return func() load.Result {
		<-done
		if err != nil {
			t.Fatalf("load: %v", err)
		}
		return res
	}
}

// browser is a client with cookies that does not follow redirects.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

func (b *browser) get(u string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// signIn signs in at base with email and password.
func (b *browser) signIn(base, email, password string) {
	b.t.Helper()
	_, page := b.get(base + "/login")
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatal("no CSRF token on the sign-in page")
	}
	resp, err := b.c.PostForm(base+"/login", url.Values{"_csrf": {m[1]}, "email": {email}, "password": {password}})
	if err != nil {
		b.t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign-in: status %d", resp.StatusCode)
	}
}

// stream opens a server-sent event stream and sends each "event:" name with its data to the
// channel until the test ends.
func (b *browser) stream(u string) <-chan string {
	b.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	c := *b.c
	c.Timeout = 0
	resp, err := c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("stream %s: status %d", u, resp.StatusCode)
	}
	out := make(chan string, 100)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event != "":
				select {
				case out <- event + " " + strings.TrimPrefix(line, "data: "):
				default:
				}
				event = ""
			}
		}
	}()
	return out
}
