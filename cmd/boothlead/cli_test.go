package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// cli runs the command in-process against a database of the test's own.
func cli(t *testing.T, dbURL, stdin string, args ...string) (string, string, error) {
	t.Helper()
	env := map[string]string{"DATABASE_URL": dbURL, "BASE_URL": "https://jobs.example.com"}
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestUserAndEventAdd(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)

	out, _, err := cli(t, db.URL, "correct horse battery\n", "user", "add", "--email", "Ada@Example.com", "--name", "Ada", "--role", "admin")
	if err != nil || !strings.Contains(out, "admin account Ada@Example.com") {
		t.Fatalf("user add: %q, %v", out, err)
	}
	_, _, err = cli(t, db.URL, "correct horse battery\n", "user", "add", "--email", "ada@example.com", "--name", "Dup", "--role", "staff")
	if err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("a taken email: %v", err)
	}
	u, err := db.Store.Authenticate(context.Background(), "ada@example.com", "correct horse battery", "127.0.0.1")
	if err != nil || u.Role != "admin" {
		t.Fatalf("the CLI's account cannot sign in: %v", err)
	}

	out, _, err = cli(t, db.URL, "", "event", "add", "--name", "PyCon DE 2026", "--interests", "Backend, Data,SRE",
		"--starts", "2026-04-14", "--ends", "2026-04-16")
	if err != nil {
		t.Fatalf("event add: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "https://jobs.example.com/c/") {
		t.Fatalf("the last line is not the check-in URL: %q", last)
	}
	ev, err := db.Store.EventBySlug(context.Background(), "pycon-de-2026")
	if err != nil || ev.Status != "live" || strings.Join(ev.Interests, "|") != "Backend|Data|SRE" {
		t.Fatalf("event %+v, %v", ev, err)
	}
	if !strings.HasSuffix(last, ev.CheckinKey) {
		t.Error("the URL does not carry the event's check-in key")
	}
}

func TestBadArgumentsOneLineNonZero(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	for _, args := range [][]string{
		{"frobnicate"},
		{"user"},
		{"user", "add", "--email", "nope"},
		{"user", "add", "--email", "a@b.co", "--name", "A", "--role", "king"},
		{"user", "add", "--bogus"},
		{"event", "add"},
		{"event", "add", "--name", "X", "--starts", "tomorrow"},
		{"event", "add", "--name", "X", "--starts", "2026-05-02", "--ends", "2026-05-01"},
		{"migrate", "extra"},
	} {
		_, _, err := cli(t, db.URL, "a fine password here\n", args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error (exit 2)", args, err)
			continue
		}
		if msg := oneLine(err.Error()); msg != err.Error() || msg == "" {
			t.Errorf("%v: message is not one line: %q", args, err.Error())
		}
	}
	_, _, err := cli(t, db.URL, "", "user", "add", "--email", "a@b.co", "--name", "A", "--role", "staff")
	if err == nil || !strings.Contains(err.Error(), "stdin") {
		t.Errorf("no password on stdin: %v", err)
	}
}

func TestServeMigratesAnswersAndStopsOnSignal(t *testing.T) {
	t.Parallel()
	db := modelstest.NewEmpty(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	env := map[string]string{"DATABASE_URL": db, "ADDR": addr, "LOG_LEVEL": "warn"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &logs)
	}()
	ok := false
	for i := 0; i < 100 && !ok; i++ {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			ok = res.StatusCode == http.StatusOK
			res.Body.Close()
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !ok {
		cancel()
		t.Fatalf("serve did not become ready (it migrates an empty database first): %s", logs.String())
	}
	res, err := http.Get("http://" + addr + "/")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("/ on a fresh install: %v", err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/setup" {
		t.Errorf("a fresh install leads to %s, want /setup", res.Request.URL.Path)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestPurgeDryRun(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	out, _, err := cli(t, db.URL, "", "purge", "--dry-run")
	if err != nil || !strings.Contains(out, "would delete 0 lead(s)") {
		t.Fatalf("purge --dry-run: %q, %v", out, err)
	}
	if _, _, err := cli(t, db.URL, "", "purge", "--now"); err == nil {
		t.Error("purge accepted an unknown flag")
	}
}

// `question add` puts a question on the check-in form as DESIGN.md's contract says; bad
// arguments are one line naming the flag, with exit status 2.
func TestQuestionAdd(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ev := modelstest.Event(t, db, "qconf", "Backend")
	out, _, err := cli(t, db.URL, "", "question", "add", "--event", "qconf", "--key", "grad_year", "--label", "Graduation year",
		"--type", "text")
	if err != nil || !strings.Contains(out, "q.grad_year") {
		t.Fatalf("question add: %q, %v", out, err)
	}
	_, _, err = cli(t, db.URL, "", "question", "add", "--event", "qconf", "--key", "work_auth", "--label", "Where may you work?",
		"--type", "multi", "--options", "EU, US,UK", "--required")
	if err != nil {
		t.Fatal(err)
	}
	qs, err := db.Store.Questions(context.Background(), ev.ID)
	if err != nil || len(qs) != 2 || qs[1].Kind != "multi" || strings.Join(qs[1].Options, "|") != "EU|US|UK" || !qs[1].Required ||
		qs[0].Position >= qs[1].Position {
		t.Fatalf("questions %+v, %v", qs, err)
	}
	for _, bad := range [][]string{
		{"question", "add", "--event", "qconf", "--key", "grad_year", "--label", "Again", "--type", "text"},
		{"question", "add", "--event", "qconf", "--key", "Bad Key", "--label", "L", "--type", "text"},
		{"question", "add", "--event", "qconf", "--key", "k", "--label", "L", "--type", "choice"},
		{"question", "add", "--event", "qconf", "--key", "k", "--label", "L", "--type", "essay"},
		{"question", "add", "--event", "nope", "--key", "k", "--label", "L", "--type", "text"},
		{"question", "add", "--key", "k", "--label", "L", "--type", "text"},
		{"question", "remove"},
	} {
		_, _, err := cli(t, db.URL, "", bad...)
		var ue usageError
		if !errors.As(err, &ue) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v, want a one-line usage error", bad, err)
		}
	}
	if out, _, err := cli(t, db.URL, "", "question", "add", "--help"); err != nil || !strings.Contains(out, "--options") {
		t.Errorf("question add --help: %q, %v", out, err)
	}
}

// `export` filters by answers and writes a column per question in the generic preset.
func TestExportAnswers(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	ev := modelstest.Event(t, db, "answers")
	if _, _, err := cli(t, db.URL, "", "question", "add", "--event", "answers", "--key", "level", "--label", "Level",
		"--type", "choice", "--options", "Junior,Senior"); err != nil {
		t.Fatal(err)
	}
	qs, _ := db.Store.Questions(ctx, ev.ID)
	for name, level := range map[string]string{"Ada": "Senior", "Bo": "Junior"} {
		in, err := models.CheckLeadWith(ev, qs, models.LeadInput{Name: name, Email: name + "@example.com", Consent: true,
			Answers: models.Answers{"level": {level}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Store.CheckIn(ctx, ev, in); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err := cli(t, db.URL, "", "export", "--event", "answers", "--answer", "level=Senior")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\r\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], ",Level") || !strings.Contains(lines[1], "Ada") || !strings.HasSuffix(lines[1], ",Senior") {
		t.Errorf("export --answer level=Senior:\n%s", out)
	}
	if _, _, err := cli(t, db.URL, "", "export", "--event", "answers", "--answer", "nokey"); err == nil {
		t.Error("a malformed --answer was accepted")
	}
}
