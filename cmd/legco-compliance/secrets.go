package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"
)

// secret reads a secret from the named environment variable, or asks for
// it on the terminal without echo. It never takes one from argv.
func (e *env) secret(envVar, prompt string, confirm bool) ([]byte, error) {
	if v := e.getenv(envVar); v != "" {
		return []byte(v), nil
	}
	fd := int(os.Stdin.Fd())
	if f, ok := e.stdin.(*os.File); !ok || f != os.Stdin || !term.IsTerminal(fd) {
		return nil, usageErr("%s is not set and there is no terminal to ask on; set %s in the environment", envVar, envVar)
	}
	ask := func(p string) ([]byte, error) {
		fmt.Fprint(e.stderr, p)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(e.stderr)
		return b, err
	}
	p, err := ask(prompt)
	if err != nil {
		return nil, err
	}
	if confirm {
		again, err := ask("Repeat: ")
		if err != nil {
			return nil, err
		}
		if string(again) != string(p) {
			return nil, errors.New("the two passphrases differ; nothing was changed")
		}
	}
	return p, nil
}

// staffName is --as, else LEGCO_STAFF, else a prompt on a terminal.
func (e *env) staffName(as string) (string, error) {
	if as != "" {
		return as, nil
	}
	if v := e.getenv("LEGCO_STAFF"); v != "" {
		return v, nil
	}
	if f, ok := e.stdin.(*os.File); ok && f == os.Stdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Staff name: ")
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(line), nil
	}
	return "", usageErr("no staff name: pass --as NAME or set LEGCO_STAFF")
}
