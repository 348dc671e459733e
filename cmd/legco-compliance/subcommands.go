package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Subcommands of a command group ("report consents", "register
// destructions", "audit pack", …) registered from the file of the feature
// that owns them, so features add subcommands without editing a shared
// switch. A group's own built-in subcommands are tried first.
type subcommand struct {
	group, name, summary string
	run                  func(ctx context.Context, e *env, args []string) error
}

var subcommands = map[string][]subcommand{}

// registerSub adds "group name". A group with no command of its own
// ("report", "register") gets one that dispatches to its subcommands.
func registerSub(group, name, summary string, run func(ctx context.Context, e *env, args []string) error) {
	subcommands[group] = append(subcommands[group], subcommand{group, name, summary, run})
}

// lookupSub finds a registered subcommand of group.
func lookupSub(group, name string) (subcommand, bool) {
	for _, s := range subcommands[group] {
		if s.name == name {
			return s, true
		}
	}
	return subcommand{}, false
}

// subNames lists group's registered subcommands, sorted, for messages.
func subNames(group string) []string {
	var out []string
	for _, s := range subcommands[group] {
		out = append(out, s.name)
	}
	sort.Strings(out)
	return out
}

// runSub runs "group name args…" or says which subcommands exist; builtin
// lists the group's own subcommands handled before this is reached.
func runSub(ctx context.Context, e *env, group string, builtin []string, args []string) error {
	all := append(append([]string(nil), builtin...), subNames(group)...)
	if len(all) == 0 {
		return usageErr("%s: this build has no %s subcommands", group, group)
	}
	if len(args) == 0 {
		return usageErr("%s: say %s", group, strings.Join(all, ", "))
	}
	if s, ok := lookupSub(group, args[0]); ok {
		return s.run(ctx, e, args[1:])
	}
	return usageErr("%s: unknown subcommand %q (%s)", group, args[0], strings.Join(all, ", "))
}

// groupCommand is the top-level command of a group made only of
// registered subcommands.
func groupCommand(group, summary string) command {
	return command{name: group, summary: summary, run: func(ctx context.Context, e *env, args []string) error {
		return runSub(ctx, e, group, nil, args)
	}}
}

func init() {
	register(groupCommand("report", "report …: reports for a period or a person (PDF, CSV)"))
	register(groupCommand("register", "register …: registers of acts and disclosures (CSV)"))
}

// groupSummary completes a group's summary line with its registered
// subcommands, for the usage text.
func groupSummary(c command) string {
	if names := subNames(c.name); len(names) > 0 && c.summary != "" {
		return fmt.Sprintf("%s [also: %s]", c.summary, strings.Join(names, ", "))
	}
	return c.summary
}
