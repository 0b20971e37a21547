package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"strings"
	"text/tabwriter"
)

// errHelpShown means a command printed its usage because --help asked for it: exit status 0.
var errHelpShown = errors.New("help shown")

// commandHelp is what `boothlead <command> --help` prints above the command's flags.
type commandHelp struct{ synopsis, about string }

func helpFor(name string) commandHelp {
	switch name {
	case "serve":
		return commandHelp{"boothlead [serve]", "Applies pending migrations, then serves HTTP until SIGTERM or Ctrl-C. It is configured\n" +
			"by environment variables (see `boothlead --help`)."}
	case "migrate":
		return commandHelp{"boothlead migrate", "Applies pending database migrations and exits."}
	case "user":
		return commandHelp{"boothlead user add|deactivate [flags]", "Manages staff accounts:\n" +
			"  user add          create an account (boothlead user add --help)\n" +
			"  user deactivate   end an account at once (boothlead user deactivate --help)"}
	case "user add":
		return commandHelp{"boothlead user add --email E --name N --role admin|recruiter|staff",
			"Creates a staff account. The password is read from the first line of stdin."}
	case "user deactivate":
		return commandHelp{"boothlead user deactivate --email E",
			"Deactivates an account: it can no longer sign in; its sessions, the tablets it signed in and\n" +
				"their open live boards end within seconds, and its password reset links stop working."}
	case "event add":
		return commandHelp{"boothlead event add --name N [flags]",
			"Creates a live event. The last line printed is its check-in URL (what the booth QR encodes)."}
	case "export":
		return commandHelp{"boothlead export --event SLUG [--preset generic|greenhouse|lever] [--bom] [filters]",
			"Writes the event's leads as CSV to stdout, like the leads page's export (and to the audit log)."}
	case "purge":
		return commandHelp{"boothlead purge [--dry-run]",
			"Deletes leads past their event's retention period and prints what it removed (counts only)."}
	case "demo":
		return commandHelp{"boothlead demo [--leads N]",
			"Seeds a two-day demo event with staff accounts and sample leads, and prints how to sign in."}
	}
	return commandHelp{"boothlead " + name, ""}
}

// newFlags makes the flag set of a command; parseFlags prints its usage on --help.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // parseFlags says what went wrong, once
	return fs
}

// parseFlags parses args into fs. --help prints the command's usage on stdout (errHelpShown);
// any other problem is a one-line usage error that names the flag.
func (e env) parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(e.stdout, fs)
			return errHelpShown
		}
		return usagef("%s: %s", fs.Name(), flagProblem(err))
	}
	if fs.NArg() > 0 {
		if fs.Arg(0) == "help" {
			printUsage(e.stdout, fs)
			return errHelpShown
		}
		return usagef("%s: unexpected argument %q (see boothlead %s --help)", fs.Name(), fs.Arg(0), fs.Name())
	}
	return nil
}

// printUsage writes a command's synopsis, what it does and every flag.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	h := helpFor(fs.Name())
	fmt.Fprintf(w, "usage: %s\n", h.synopsis)
	if h.about != "" {
		fmt.Fprintf(w, "\n%s\n", h.about)
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintln(w, "\nflags:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		switch arg {
		case "string":
			arg = strings.ToUpper(f.Name)
		case "int", "uint", "float", "duration":
			arg = "N"
		}
		name := "--" + f.Name
		if arg != "" {
			name += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, usage)
	})
	_ = tw.Flush()
}

// Messages of the flag package, to say them the way the usage lines write flags (--name).
var (
	reUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	reNeedsArg  = regexp.MustCompile(`^flag needs an argument: -+(.+)$`)
	reBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value (".*") for (?:flag )?-+([^:]+): (.*)$`)
)

// flagProblem says what is wrong with a flag, naming it once.
func flagProblem(err error) string {
	msg := err.Error()
	if m := reUndefined.FindStringSubmatch(msg); m != nil {
		return "unknown flag --" + m[1]
	}
	if m := reNeedsArg.FindStringSubmatch(msg); m != nil {
		return "--" + m[1] + " needs a value"
	}
	if m := reBadValue.FindStringSubmatch(msg); m != nil {
		why := "not valid"
		switch {
		case strings.Contains(m[3], "parse error") && strings.Contains(msg, "boolean"):
			why = "not true or false"
		case strings.Contains(m[3], "parse error"):
			why = "not a number"
		case strings.Contains(m[3], "out of range"):
			why = "out of range"
		}
		return "--" + m[2] + ": " + m[1] + " is " + why
	}
	return msg
}

// version says which build this is: the module version, the VCS revision and time when the
// build recorded them, and the Go version.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "boothlead (unknown build)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = ", modified"
			}
		}
	}
	out := "boothlead " + v
	if rev != "" {
		out += " (" + rev[:min(12, len(rev))] + " " + at + dirty + ")"
	}
	return out + " " + bi.GoVersion
}
