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

	"github.com/xuri/excelize/v2"

	"github.com/boothlead/boothlead/export"
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

// Every command answers --help with its usage and every flag it takes, on stdout, exit 0.
func TestHelpForEveryCommand(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"serve": nil, "migrate": nil, "user": {"add", "deactivate"},
		"user add":        {"--email", "--name", "--role"},
		"user deactivate": {"--email"},
		"event add":       {"--name", "--slug", "--starts", "--ends", "--interests", "--company", "--venue", "--time-zone", "--retention-days"},
		"export":          {"--event", "--preset", "--bom", "--rating", "--interest", "--source", "--staff", "--pool", "--from", "--to", "--q"},
		"purge":           {"--dry-run"},
		"demo":            {"--leads"},
	}
	for cmd, flags := range cases {
		for _, form := range [][]string{append(strings.Fields(cmd), "--help"), append(strings.Fields(cmd), "-h"), {"help", cmd}} {
			if cmd != strings.Fields(cmd)[0] && form[0] == "help" {
				continue // `boothlead help user add` is not a form people use
			}
			out, errOut, err := cli(t, "postgres://nobody@127.0.0.1:1/none", "", form...)
			if err != nil || errOut != "" {
				t.Errorf("%v: %v, stderr %q", form, err, errOut)
				continue
			}
			if !strings.HasPrefix(out, "usage: boothlead") {
				t.Errorf("%v: no usage line: %q", form, out)
			}
			for _, f := range flags {
				if !strings.Contains(out, f) {
					t.Errorf("%v: usage lacks %s:\n%s", form, f, out)
				}
			}
		}
	}
	out, _, err := cli(t, "", "", "--help")
	if err != nil || !strings.Contains(out, "user deactivate") || !strings.Contains(out, "METRICS_TOKEN") {
		t.Errorf("boothlead --help: %v\n%s", err, out)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"--version", "version"} {
		out, _, err := cli(t, "", "", arg)
		if err != nil || !strings.HasPrefix(out, "boothlead ") || !strings.Contains(out, "go1.") || strings.Count(out, "\n") != 1 {
			t.Errorf("%s: %q, %v", arg, out, err)
		}
	}
}

// A wrong flag is named once, the way the usage writes it, in one line, before the database or
// stdin is touched.
func TestErrorsNameTheFlagOnce(t *testing.T) {
	t.Parallel()
	for args, flag := range map[string]string{
		"demo --leads abc":                         "--leads",
		"user add --bogus":                         "--bogus",
		"purge --now":                              "--now",
		"export --event":                           "--event",
		"export --event x --preset excel":          "--preset",
		"event add --name X --starts tomorrow":     "--starts",
		"user add --email nope --name A --role me": "--email",
		"user deactivate":                          "--email",
		"export --event x --bom=maybe":             "--bom",
	} {
		_, _, err := cli(t, "postgres://nobody@127.0.0.1:1/none", "", strings.Fields(args)...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%s: %v, want a usage error", args, err)
			continue
		}
		msg := err.Error()
		if strings.Count(msg, flag) != 1 || strings.Contains(msg, "\n") || strings.Contains(msg, " -"+flag[2:]) {
			t.Errorf("%s: %q should name %s once", args, msg, flag)
		}
	}
}

func TestUserDeactivate(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	ctx := context.Background()
	admin := modelstest.Staff(t, db, "ada@example.com", "admin")
	kim := modelstest.Staff(t, db, "kim@example.com", "staff")
	if _, err := db.Store.CreateDevice(ctx, kim.ID, "Browser", "test"); err != nil {
		t.Fatal(err)
	}
	token, err := db.Store.CreatePasswordReset(ctx, admin.ID, kim.ID)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := cli(t, db.URL, "", "user", "deactivate", "--email", "KIM@example.com")
	if err != nil || !strings.Contains(out, "deactivated kim@example.com") || !strings.Contains(out, "1 signed-in device") {
		t.Fatalf("user deactivate: %q, %v", out, err)
	}
	if u, _ := db.Store.StaffUserByID(ctx, kim.ID); u.Active {
		t.Error("the account is still active")
	}
	if ds, _ := db.Store.ActiveDevices(ctx); len(ds) != 0 {
		t.Errorf("%d devices still signed in", len(ds))
	}
	if _, err := db.Store.PasswordResetUser(ctx, token); err == nil {
		t.Error("the reset link still works")
	}
	if _, err := db.Store.Authenticate(ctx, "kim@example.com", modelstest.Password, "192.0.2.1"); err == nil {
		t.Error("the deactivated account can sign in")
	}
	_, _, err = cli(t, db.URL, "", "user", "deactivate", "--email", "nobody@example.com")
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--email") {
		t.Errorf("an unknown email: %v", err)
	}
}

// token add prints the token as its last line; webhook add registers a hook for every event and
// refuses a private address unless WEBHOOK_ALLOW_PRIVATE=on.
func TestTokenAndWebhookAdd(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t)
	out, _, err := cli(t, db.URL, "", "token", "add", "--name", "sync", "--role", "recruiter")
	if err != nil {
		t.Fatalf("token add: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	tok, err := db.Store.APITokenFor(context.Background(), lines[len(lines)-1])
	if err != nil || tok.Role != "recruiter" || tok.Name != "sync" {
		t.Fatalf("the last line %q is not the token: %+v, %v", lines[len(lines)-1], tok, err)
	}
	for _, args := range [][]string{{"token", "add", "--name", "x", "--role", "staff"}, {"token", "add", "--role", "admin"},
		{"webhook", "add", "--url", "https://hooks.example.com/x", "--secret", "short"},
		{"webhook", "add", "--url", "http://127.0.0.1:9/hook", "--secret", "contract-secret-long"}} {
		var ue usageError
		if _, _, err := cli(t, db.URL, "", args...); !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	env := map[string]string{"DATABASE_URL": db.URL, "WEBHOOK_ALLOW_PRIVATE": "on"}
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"webhook", "add", "--url", "http://127.0.0.1:9/hook", "--secret", "contract-secret"},
		func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	if err != nil {
		t.Fatalf("webhook add with WEBHOOK_ALLOW_PRIVATE=on: %v", err)
	}
	hs, err := db.Store.Webhooks(context.Background())
	if err != nil || len(hs) != 1 || len(hs[0].Events) != 4 || !strings.HasPrefix(hs[0].Secret, "plain:") {
		t.Fatalf("webhooks %+v, %v", hs, err)
	}
	env["SECRET_KEY"] = "short"
	if err := run(context.Background(), []string{"token", "add", "--name", "x", "--role", "admin"},
		func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "SECRET_KEY") {
		t.Fatalf("a short SECRET_KEY: %v", err)
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
	// the XLSX has the same column per question, and the answer filters apply to it too
	out, _, err = cli(t, db.URL, "", "export", "--event", "answers", "--format", "xlsx", "--answer-contains", "level=jun")
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(strings.NewReader(out))
	if err != nil {
		t.Fatalf("--format xlsx wrote no workbook: %v", err)
	}
	defer wb.Close()
	rows, _ := wb.GetRows(export.SheetName)
	if len(rows) != 2 || rows[0][len(rows[0])-1] != "Level" || rows[1][4] != "Bo" || rows[1][len(rows[1])-1] != "Junior" {
		t.Errorf("export --format xlsx --answer-contains level=jun: %q", rows)
	}
}
