package store

import (
	"context"
	"encoding/hex"
	"strings"
	"time"

	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/policydoc"
)

func hexString(b []byte) string { return hex.EncodeToString(b) }

type writeAttempt struct {
	name string
	fn   func() error
}

// auditorWriteAttempts lists every write of the records and policy parts,
// so TestAuditorCannotChangeAnything covers them as they are added.
func auditorWriteAttempts(w *Workspace) []writeAttempt {
	ctx := context.Background()
	return []writeAttempt{
		{"import users", func() error {
			_, err := w.ImportUsers(ctx, strings.NewReader("account_id,full_name\nX-1,Test\n"), "u.csv", exportfile.CSV, ImportOptions{})
			return err
		}},
		{"update field", func() error { return w.UpdateUserField(ctx, "X", "phone", "87011234567", "r") }},
		{"block", func() error { return w.BlockUser(ctx, "X", "r") }},
		{"unblock", func() error { return w.UnblockUser(ctx, "X", "r") }},
		{"depersonalize", func() error { return w.DepersonalizeUser(ctx, "X", "r") }},
		{"destroy", func() error { _, err := w.DestroyUser(ctx, "X", "r"); return err }},
		{"import policy", func() error { _, err := w.ImportBuiltinPolicy(ctx); return err }},
		{"new draft", func() error { _, err := w.NewPolicyDraft(ctx, "r"); return err }},
		{"save draft", func() error { _, err := w.SavePolicyDraft(ctx, 1, &policydoc.Document{}, "r"); return err }},
		{"delete draft", func() error { return w.DeletePolicyDraft(ctx, 1, "r") }},
		{"publish", func() error {
			_, err := w.PublishPolicy(ctx, 1, time.Now(), time.Now(), "r")
			return err
		}},
	}
}
