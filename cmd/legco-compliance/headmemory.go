package main

import "path/filepath"

// headMemoryDir is where this computer remembers audit heads (rollback
// warnings): $LEGCO_CONFIG_DIR, else legco-compliance in the user's
// config folder ($XDG_CONFIG_HOME, else ~/.config). Read through env so
// that tests never touch the real user's folder; empty turns it off.
func (e *env) headMemoryDir() string {
	if d := e.getenv("LEGCO_CONFIG_DIR"); d != "" {
		return d
	}
	if d := e.getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "legco-compliance")
	}
	if h := e.getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "legco-compliance")
	}
	return ""
}
