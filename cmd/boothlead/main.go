// Command boothlead is the whole app in one binary: the web server and the operator's CLI.
//
//	boothlead [serve]     apply pending migrations, then serve HTTP (the default)
//	boothlead migrate     apply pending migrations and exit
//	boothlead user add    --email E --name N --role admin|recruiter|staff  (password on stdin)
//	boothlead user deactivate --email E
//	boothlead event add   --name N [--slug S] [--starts YYYY-MM-DD] [--ends YYYY-MM-DD] [--interests "A,B"]
//	boothlead question add --event SLUG --key K --label L --type text|choice|multi|yesno [--options "A,B"] [--required]
//	boothlead export      --event SLUG [--preset generic|greenhouse|lever] [--format csv|xlsx] [--bom]
//	boothlead purge       [--dry-run]
//	boothlead demo
//	boothlead <command> --help, boothlead --version
//	boothlead token add   --name N --role recruiter|admin
//	boothlead webhook add --url U --secret S
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
	err := dispatch(ctx, args, env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr})
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}

func dispatch(ctx context.Context, args []string, e env) error {
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
	case "question":
		return e.question(ctx, args)
	case "export":
		return e.export(ctx, args)
	case "purge":
		return e.purge(ctx, args)
	case "demo":
		return e.demo(ctx, args)
	case "token":
		return e.token(ctx, args)
	case "webhook":
		return e.webhook(ctx, args)
	case "help", "-h", "-help", "--help":
		if len(args) > 0 && args[0] != "help" && !strings.HasPrefix(args[0], "-") {
			return dispatch(ctx, append(args, "--help"), e) // boothlead help export
		}
		fmt.Fprint(e.stdout, usage)
		return nil
	case "version", "-version", "--version", "-v":
		fmt.Fprintln(e.stdout, version())
		return nil
	}
	return usagef("unknown command %q (try: serve, migrate, user add, user deactivate, event add, question add, export, purge, demo, token add, webhook add; or --help)", cmd)
}

const usage = `boothlead — lead tracker for hiring booths

Commands:
  serve                 apply pending migrations, then serve HTTP (default)
  migrate               apply pending migrations and exit
  user add --email E --name N --role admin|recruiter|staff
                        create a staff account; the password is read from stdin (first line)
  user deactivate --email E
                        end an account: its sessions, tablets and open live boards end at once
  event add --name N [--slug S] [--starts YYYY-MM-DD] [--ends YYYY-MM-DD] [--interests "A,B,C"]
            [--company C] [--venue V] [--time-zone TZ] [--retention-days N]
                        create a live event; the last line printed is its check-in URL
  question add --event SLUG --key K --label L --type text|choice|multi|yesno [--options "A,B"] [--required]
                        add a question to the event's check-in form (field q.<key>)
  export --event SLUG [--preset generic|greenhouse|lever] [--format csv|xlsx] [--bom] [filters]
                        write the event's leads as CSV or XLSX to stdout (what an ATS preset
                        leaves out is said on stderr)
  purge [--dry-run]     delete leads past their event's retention period
  demo [--leads N]      seed a demo event with staff and leads, and print how to sign in
  token add --name N --role recruiter|admin
                        make an API token; the last line printed is the token (shown once)
  webhook add --url U --secret S
                        post every event (lead.created, lead.updated, conversation.created,
                        lead.deleted) to U, signed with S

boothlead <command> --help prints a command's flags; boothlead --version its build.

Environment: DATABASE_URL, ADDR (:8080), BASE_URL (http://localhost:8080), LOG_LEVEL (info),
LOG_FORMAT (text|json), RATE_LIMITS (on|off), COMPANY_NAME, TRUST_PROXY (on|off), SMTP_URL, MAIL_FROM,
METRICS_TOKEN (lets /metrics answer others than this machine), SECRET_KEY (encrypts ATS keys and
webhook secrets), WEBHOOK_ALLOW_PRIVATE (on|off).
`
