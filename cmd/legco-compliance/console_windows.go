//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// The Windows exe is linked as a GUI program (no console window flashes
// when the app starts from the Start menu), so a subcommand run from
// cmd.exe or PowerShell has no console of its own: attach to the parent's
// console and reopen the standard streams on it, so output, errors and
// the passphrase prompt (golang.org/x/term on CONIN$, without echo) work.
func init() {
	if len(os.Args) < 2 || os.Args[1] == "gui" || (len(os.Args[1]) > 0 && os.Args[1][0] == '-' && os.Args[1] != "-h" && os.Args[1] != "--help") {
		return
	}
	attachConsole()
}

// x/sys/windows has no AttachConsole wrapper.
var procAttachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

func attachConsole() {
	const attachParentProcess = ^uint32(0) // ATTACH_PARENT_PROCESS
	if r, _, _ := procAttachConsole.Call(uintptr(attachParentProcess)); r == 0 {
		return // started without a console (or already has one)
	}
	if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		if !validHandle(os.Stdout) {
			os.Stdout = f
		}
		if !validHandle(os.Stderr) {
			os.Stderr = f
		}
	}
	if f, err := os.OpenFile("CONIN$", os.O_RDWR, 0); err == nil && !validHandle(os.Stdin) {
		os.Stdin = f
	}
}

// validHandle reports whether f is already usable (redirected to a file or
// pipe), which must be kept: `legco-compliance version > v.txt`.
func validHandle(f *os.File) bool {
	if f == nil {
		return false
	}
	t, err := windows.GetFileType(windows.Handle(f.Fd()))
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}
