package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/launcher"
)

// Environment variables read by LaunchChromium.
const (
	// EnvChromium names the Chromium (or Chrome) binary to start. When it
	// is empty, the usual names are looked up on PATH.
	EnvChromium = "SKYVERN_CHROMIUM"
	// EnvChromiumRequired, set to "1", turns the skip for a missing
	// binary into a test failure, so that CI cannot pass without running
	// the browser tests.
	EnvChromiumRequired = "SKYVERN_CHROMIUM_REQUIRED"
)

// missingMessage is the text of the skip (or failure) when no binary is found.
const missingMessage = "chromium not found (apt-get install chromium), set " + EnvChromium + " to its path"

// launchTimeout bounds how long a start may take before it counts as
// failed; it is generous because CI machines are small and shared.
const launchTimeout = 60 * time.Second

// Chromium is a headless Chromium started for one test, with a fresh
// profile directory of its own. Close stops it; LaunchChromium also
// registers Close with the test's Cleanup.
type Chromium struct {
	address string
	dir     string
	pid     int
	l       *launcher.Launcher

	closeOnce sync.Once
	closeErr  error
}

// LaunchChromium starts a headless Chromium and returns it once its
// DevTools endpoint answers. The test is skipped when no binary is
// found (see EnvChromium), or fails instead when EnvChromiumRequired is
// "1". The browser is stopped, and its profile directory removed, when
// the test ends, or earlier by Close.
func LaunchChromium(tb testing.TB) *Chromium {
	tb.Helper()
	bin := RequireChromium(tb)
	ctx, cancel := context.WithTimeout(context.Background(), launchTimeout)
	defer cancel()
	c, err := Launch(ctx, bin)
	if err != nil {
		tb.Fatalf("browsertest: %v", err)
	}
	tb.Cleanup(func() {
		if err := c.Close(); err != nil {
			tb.Errorf("browsertest: %v", err)
		}
	})
	return c
}

// RequireChromium returns the path of the Chromium binary LaunchChromium
// would start, or skips tb without one (fails it when
// EnvChromiumRequired is "1"), for a test that starts Chromium through
// other code, such as a program run offline.
func RequireChromium(tb testing.TB) string {
	tb.Helper()
	bin, ok := findChromium()
	if !ok {
		if os.Getenv(EnvChromiumRequired) == "1" {
			tb.Fatal(missingMessage + " (" + EnvChromiumRequired + "=1)")
		}
		tb.Skip(missingMessage)
	}
	return bin
}

// findChromium returns the binary named by EnvChromium, or the first
// Chromium or Chrome found on PATH.
func findChromium() (string, bool) {
	if bin := os.Getenv(EnvChromium); bin != "" {
		path, err := exec.LookPath(bin)
		return path, err == nil
	}
	return launcher.LookPath()
}

// Launch starts the Chromium binary bin headless, with a new temporary
// profile directory, and waits until its DevTools endpoint answers or
// ctx ends. It is LaunchChromium without a test: the caller must Close
// the result.
func Launch(ctx context.Context, bin string) (*Chromium, error) {
	dir, err := os.MkdirTemp("", "skyvern-chromium-")
	if err != nil {
		return nil, fmt.Errorf("launch chromium: %w", err)
	}
	// rod's launcher starts the process in a process group of its own
	// (Setpgid), which Close kills as a whole.
	l := launcher.New().
		Context(ctx).
		Bin(bin).
		Leakless(false).
		Headless(true).
		NoSandbox(true).
		UserDataDir(dir).
		// Chromium's crash handler leaves the process group, and would
		// keep its database under $HOME: pointing XDG_CONFIG_HOME into
		// the profile keeps its files there and names the profile on
		// its command line, which is how Processes finds it.
		Env(append(os.Environ(),
			"XDG_CONFIG_HOME="+filepath.Join(dir, "xdg-config"),
			"XDG_CACHE_HOME="+filepath.Join(dir, "xdg-cache"))...).
		Set("disable-gpu").
		Set("disable-quic").
		Set("no-first-run").
		Set("disable-background-networking").
		Set("disable-component-update").
		Set("disable-sync")
	address, err := l.Launch()
	if err != nil {
		// A failed start may have left a process behind (Launch kills
		// only the one it waited on for the address).
		if pid := l.PID(); pid != 0 {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			l.Cleanup()
		}
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("launch chromium %s: %w", bin, err)
	}
	c := &Chromium{address: address, dir: dir, pid: l.PID(), l: l}
	launched.mu.Lock()
	launched.all = append(launched.all, processKey{c.pid, c.dir})
	launched.mu.Unlock()
	return c, nil
}

// processKey finds the processes of one Chromium: its process group,
// and its profile directory on a command line.
type processKey struct {
	pgid int
	dir  string
}

// launched records every Chromium this process started, so that its
// tests can show that none outlived them.
var launched struct {
	mu  sync.Mutex
	all []processKey
}

// Address is the browser's DevTools WebSocket address
// (ws://127.0.0.1:PORT/devtools/browser/ID), as a CDP client such as
// rod.New().ControlURL takes it and as Skyvern reports a session's
// browser_address.
func (c *Chromium) Address() string { return c.address }

// closeTimeout bounds how long Close waits for the killed processes to
// be gone.
const closeTimeout = 10 * time.Second

// Close stops the browser and every process it started, then removes
// its profile directory. Calling it again returns the first result.
func (c *Chromium) Close() error {
	c.closeOnce.Do(func() { c.closeErr = c.close() })
	return c.closeErr
}

func (c *Chromium) close() error {
	// The whole process group is killed at once (renderers and the
	// zygote included), rather than through launcher.Kill, which sleeps
	// a second first; the crash handlers outside the group too.
	var errs []error
	if err := syscall.Kill(-c.pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		errs = append(errs, fmt.Errorf("stop chromium (pid %d): %w", c.pid, err))
	}
	for _, pid := range c.Processes() {
		_ = syscall.Kill(pid, syscall.SIGKILL) // it may have exited meanwhile
	}
	c.l.Cleanup() // waits for the browser process to exit
	// The other processes are not our children, so there is nothing to
	// wait on: look until they are gone.
	deadline := time.Now().Add(closeTimeout)
	for left := c.Processes(); len(left) > 0; left = c.Processes() {
		if time.Now().After(deadline) {
			errs = append(errs, fmt.Errorf("chromium processes still alive %s after kill: %v", closeTimeout, left))
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := os.RemoveAll(c.dir); err != nil {
		errs = append(errs, fmt.Errorf("remove chromium profile: %w", err))
	}
	return errors.Join(errs...)
}

// Processes lists the processes of this browser still alive: the
// browser, the processes it started (which share its process group),
// and its crash handlers (which name its profile directory on their
// command line). It is empty after Close; tests use it to show that
// nothing is left behind. It reads /proc, so elsewhere than on Linux it
// returns nil.
func (c *Chromium) Processes() []int {
	return findProcesses(c.pid, c.dir)
}

// leftovers lists the live processes of every Chromium this process
// started.
func leftovers() []int {
	launched.mu.Lock()
	keys := append([]processKey(nil), launched.all...)
	launched.mu.Unlock()
	var pids []int
	for _, k := range keys {
		pids = append(pids, findProcesses(k.pgid, k.dir)...)
	}
	return pids
}

// findProcesses lists the live (not zombie) processes whose process
// group is pgid or whose command line contains dir.
func findProcesses(pgid int, dir string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // gone meanwhile
		}
		// The command name, in parentheses, may hold spaces; the fields
		// after its closing parenthesis are state, ppid, pgrp, ...
		s := string(stat)
		end := strings.LastIndexByte(s, ')')
		if end < 0 {
			continue
		}
		fields := strings.Fields(s[end+1:])
		if len(fields) < 3 || fields[0] == "Z" || fields[0] == "X" {
			continue
		}
		if g, err := strconv.Atoi(fields[2]); err == nil && g == pgid {
			pids = append(pids, pid)
			continue
		}
		if cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline")); err == nil && strings.Contains(string(cmdline), dir) {
			pids = append(pids, pid)
		}
	}
	return pids
}
