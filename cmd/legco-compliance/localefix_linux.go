package main

// Fyne's lang package reads the locale in its init function, before any
// code of ours runs, and logs a three-line "Error parsing user locale C"
// for C.UTF-8 (the default of most servers and containers): noise on
// every CLI command. Package initialisation order cannot put our code
// first, but a C constructor runs before the Go runtime reads the
// environment: it hides locale variables whose value is "C.<codeset>"
// under a LEGCO_HIDDEN_ name, and restoreLocale puts them back as soon as
// main starts, so our own language choice and child processes see the
// real values.

/*
#include <stdlib.h>
#include <string.h>

extern char **environ;

static const char *legco_locale_vars[] = {"LANGUAGE=", "LC_ALL=", "LC_MESSAGES=", "LANG=", 0};

// environ is still the array the kernel put on the stack, which the Go
// runtime reads its environment from: entries are swapped in place.
__attribute__((constructor)) static void legco_hide_c_locale(void) {
	char **envp = environ;
	if (envp == 0) return;
	for (char **e = envp; *e; e++) {
		for (const char **v = legco_locale_vars; *v; v++) {
			size_t n = strlen(*v);
			if (strncmp(*e, *v, n) == 0 && strncmp(*e + n, "C.", 2) == 0) {
				size_t len = strlen(*e);
				char *hidden = malloc(len + 14);
				if (hidden == 0) return;
				memcpy(hidden, "LEGCO_HIDDEN_", 13);
				memcpy(hidden + 13, *e, len + 1);
				*e = hidden;
			}
		}
	}
}
*/
import "C"

import (
	"os"
	"strings"
)

func restoreLocale() {
	for _, kv := range os.Environ() {
		if name, ok := strings.CutPrefix(kv, "LEGCO_HIDDEN_"); ok {
			k, v, _ := strings.Cut(name, "=")
			os.Setenv(k, v)
			os.Unsetenv("LEGCO_HIDDEN_" + k)
		}
	}
}
