package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuf is a bytes.Buffer safe to read while the process writes it.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startXvfb starts a private X server: $LEGCO_TEST_DISPLAY, or the first
// free display from :140.
func startXvfb(t *testing.T) string {
	t.Helper()
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Skip("Xvfb is not installed")
	}
	disp := os.Getenv("LEGCO_TEST_DISPLAY")
	if disp == "" {
		for n := 140; n < 200; n++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); os.IsNotExist(err) {
				disp = fmt.Sprintf(":%d", n)
				break
			}
		}
	}
	x := exec.Command(xvfb, disp, "-screen", "0", "1280x900x24", "-nolisten", "tcp")
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	sock := "/tmp/.X11-unix/X" + strings.TrimPrefix(disp, ":")
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(sock); err == nil {
			return disp
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("Xvfb %s did not start", disp)
	return ""
}

// SIGTERM and SIGINT to the unlocked app never panic; the workspace is
// closed and stays sound (issue #9: one SIGTERM in three panicked with
// "GLFW library is not initialized" after "workspace closed").
func TestSignalsCloseTheAppCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the GUI ten times")
	}
	disp := startXvfb(t)
	db := filepath.Join(t.TempDir(), "ws.db")
	if r := cli(t, adminEnv(), "demo", "--db", db, "--users", "20"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	for i := 0; i < 10; i++ {
		sig := syscall.SIGTERM
		if i%4 == 3 {
			sig = syscall.SIGINT
		}
		cmd := exec.Command(os.Args[0], "gui", "--db", db)
		cmd.Env = append(os.Environ(), "LEGCO_TEST_AS_CLI=1", "DISPLAY="+disp, "LEGCO_STAFF=admin", "LEGCO_PASSPHRASE="+pass, "LANG=en_US.UTF-8")
		var out syncBuf
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(out.String(), "main window shown") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(out.String(), "main window shown") {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("run %d: main window never shown:\n%s", i, out.String())
		}
		// Vary the moment: at once, and while the status bar and the idle
		// tracker are busy.
		time.Sleep(time.Duration(i%5) * 60 * time.Millisecond)
		cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		select {
		case err = <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Fatalf("run %d: %v did not stop the app:\n%s", i, sig, out.String())
		}
		log := out.String()
		if err != nil || strings.Contains(log, "panic") || strings.Contains(log, "goroutine ") {
			t.Fatalf("run %d (%v): exit %v\n%s", i, sig, err, log)
		}
		if !strings.Contains(log, "workspace closed") {
			t.Fatalf("run %d (%v): the workspace was not closed:\n%s", i, sig, log)
		}
	}
	if r := cli(t, adminEnv(), "audit", "verify", "--db", db); r.code != 0 {
		t.Fatalf("verify after the signals: %+v", r)
	}
}
