// Command boothlead is the whole app in one binary: the web server and the operator's CLI.
//
//	boothlead [serve]     apply pending migrations, then serve HTTP (the default)
//	boothlead migrate     apply pending migrations and exit
//	boothlead user add    --email E --name N --role admin|recruiter|staff  (password on stdin)
//	boothlead event add   --name N [--slug S] [--starts YYYY-MM-DD] [--ends YYYY-MM-DD] [--interests "A,B"]
//	boothlead export      --event SLUG [--preset generic|greenhouse|lever] [--format csv|xlsx] [--bom]
//	boothlead purge       [--dry-run]
//	boothlead demo
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // event time zones work in minimal containers too
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "boothlead: "+oneLine(err.Error()))
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a bad command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// env is the process environment, injected so tests can run commands in-process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return e.serve(ctx, args)
	case "migrate":
		return e.migrate(ctx, args)
	case "user":
		return e.user(ctx, args)
	case "event":
		return e.event(ctx, args)
	case "export":
		return e.export(ctx, args)
	case "purge":
		return e.purge(ctx, args)
	case "demo":
		return e.demo(ctx, args)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usagef("unknown command %q (try: serve, migrate, user add, event add, export, purge, demo)", cmd)
}

const usage = `boothlead — lead tracker for hiring booths

Commands:
  serve                 apply pending migrations, then serve HTTP (default)
  migrate               apply pending migrations and exit
  user add --email E --name N --role admin|recruiter|staff
                        create a staff account; the password is read from stdin (first line)
  event add --name N [--slug S] [--starts YYYY-MM-DD] [--ends YYYY-MM-DD] [--interests "A,B,C"]
            [--company C] [--venue V] [--time-zone TZ]
                        create a live event; the last line printed is its check-in URL
  export --event SLUG [--preset generic|greenhouse|lever] [--format csv|xlsx] [--bom]
                        write the event's leads as CSV or XLSX to stdout (what an ATS preset
                        leaves out is said on stderr)
  purge [--dry-run]     delete leads past their event's retention period
  demo                  seed a demo event with staff and leads, and print how to sign in

Environment: DATABASE_URL, ADDR (:8080), BASE_URL (http://localhost:8080), LOG_LEVEL (info),
LOG_FORMAT (text|json), RATE_LIMITS (on|off), COMPANY_NAME, TRUST_PROXY (on|off).
`
