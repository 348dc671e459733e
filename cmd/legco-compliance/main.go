// Command legco-compliance is the LegCo Compliance Workstation: the
// desktop app by default, and subcommands for headless work.
//
// Secrets never come from argv: the passphrase is read from
// LEGCO_PASSPHRASE or asked for on the terminal; a new member's from
// LEGCO_NEW_PASSPHRASE or a prompt.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"legco.kz/compliance/store"
)

// Exit codes are part of the CLI contract (README).
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitCredentials = 3
	exitAuditBroken = 4
	exitPolicyCheck = 5
	exitRejectedRow = 6
)

// exitError carries an exit code with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

var commands []command

func register(c command) { commands = append(commands, c) }

// env is what commands share: streams and the environment, so tests can
// run commands in-process.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	getenv         func(string) string
}

func main() {
	restoreLocale() // see localefix_linux.go
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, getenv: os.Getenv}
	os.Exit(run(ctx, e, os.Args[1:]))
}

func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" {
		return report(e, runGUI(ctx, e, args))
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		printUsage(e.stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == name {
			return report(e, c.run(ctx, e, args[1:]))
		}
	}
	fmt.Fprintf(e.stderr, "legco-compliance: unknown command %q\n\n", name)
	printUsage(e.stderr)
	return exitUsage
}

func report(e *env, err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	code := exitFailure
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case errors.As(err, new(*store.BusyError)):
		code = exitWorkspaceBusy // records2_cmds.go
	case errors.Is(err, store.ErrBadCredentials):
		code = exitCredentials
		err = errors.New("wrong staff name or passphrase; check both (the name is as enrolled, e.g. `staff list` by an admin) and try again")
	}
	if store.IsCorrupt(err) {
		code = exitAuditBroken
		err = store.Explain(err)
	}
	var fe *store.ForbiddenError
	if errors.As(err, &fe) {
		err = fmt.Errorf("%w; ask a staff member whose role allows it", err)
	}
	fmt.Fprintf(e.stderr, "legco-compliance: %v\n", err)
	return code
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, `Usage: legco-compliance [command] [flags]

With no command, or "gui", opens the desktop app.`)
	fmt.Fprintln(w, "\nCommands:")
	cs := append([]command(nil), commands...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, groupSummary(c))
	}
	fmt.Fprintln(w, `
Environment:
  LEGCO_PASSPHRASE      your passphrase (otherwise asked on the terminal)
  LEGCO_STAFF           your staff name (or --as NAME)
  LEGCO_NEW_PASSPHRASE  passphrase of a member being enrolled

Exit codes: 0 ok, 1 failure, 2 usage, 3 wrong name or passphrase,
4 audit chain broken, 5 policy check found problems, 6 import rejected rows.
Run "legco-compliance COMMAND -h" for a command's flags.`)
}
