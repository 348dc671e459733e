// Package ownerfile restricts a file to its owner on every OS: mode 0600
// on Unix; on Windows, which ignores modes, an ACL that grants the
// current user full control and nobody else anything (not inherited from
// the folder). Workspace, key-slot and backup files all go through it.
package ownerfile
