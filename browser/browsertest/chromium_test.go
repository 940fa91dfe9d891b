package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/goleak"

	"github.com/skyvern-go/skyvern/browser/browsertest"
)

// slowMachine is the fake's action timeout in tests whose actions must
// succeed: far above what they take, so that a loaded 2-core machine
// passes; only an action whose element never appears waits that long.
const slowMachine = 30 * time.Second

// TestMain fails the run when a goroutine, or a process of a Chromium
// the tests started, outlives the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if left := browsertest.Leftovers(); len(left) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: Chromium processes left after the tests: %v\n", left)
			code = 1
		}
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: goroutines left after the tests: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// TestLaunchChromium drives the launched browser over CDP on a local
// page, then shows that Close stops every process of it and removes its
// profile.
func TestLaunchChromium(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><head><title>hello</title></head><body><p id="p">from go</p></body></html>`)
	}))
	defer page.Close()

	c := browsertest.LaunchChromium(t)
	if !strings.HasPrefix(c.Address(), "ws://127.0.0.1:") {
		t.Fatalf("Address() = %q, want ws://127.0.0.1:PORT/...", c.Address())
	}
	if len(c.Processes()) == 0 {
		t.Fatal("Processes() is empty while the browser runs")
	}

	b := rod.New().ControlURL(c.Address())
	if err := b.Connect(); err != nil {
		t.Fatalf("connect: %v", err)
	}
	p, err := b.Page(proto.TargetCreateTarget{URL: page.URL})
	if err != nil {
		t.Fatalf("open page: %v", err)
	}
	if err := p.WaitLoad(); err != nil {
		t.Fatalf("wait load: %v", err)
	}
	el, err := p.Element("#p")
	if err != nil {
		t.Fatalf("element: %v", err)
	}
	if text, err := el.Text(); err != nil || text != "from go" {
		t.Fatalf("text = %q, %v; want %q", text, err, "from go")
	}
	if err := b.Close(); err != nil {
		t.Fatalf("close the CDP connection: %v", err)
	}

	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if left := c.Processes(); len(left) != 0 {
		t.Fatalf("processes left after Close: %v", left)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestLaunchChromiumProfileRemoved checks that each browser gets its own
// profile directory and that Close removes it.
func TestLaunchChromiumProfileRemoved(t *testing.T) {
	a := browsertest.LaunchChromium(t)
	b := browsertest.LaunchChromium(t)
	if a.Address() == b.Address() {
		t.Fatalf("two browsers share the address %s", a.Address())
	}
	dirs := []string{browsertest.ProfileDir(a), browsertest.ProfileDir(b)}
	if dirs[0] == dirs[1] {
		t.Fatalf("two browsers share the profile %s", dirs[0])
	}
	for _, d := range dirs {
		if _, err := os.Stat(d); err != nil {
			t.Fatalf("profile while running: %v", err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Fatalf("profile %s after Close: %v", d, err)
		}
	}
}

// recordingTB is a testing.TB whose Skip and Fatal are recorded rather
// than ending the real test.
type recordingTB struct {
	testing.TB
	mu      sync.Mutex
	skipped string
	failed  string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Skip(args ...any) {
	r.mu.Lock()
	r.skipped = fmt.Sprint(args...)
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recordingTB) Fatal(args ...any) {
	r.mu.Lock()
	r.failed = fmt.Sprint(args...)
	r.mu.Unlock()
	runtime.Goexit()
}

// run calls LaunchChromium with r in a goroutine of its own, since Skip
// and Fatal end the goroutine.
func (r *recordingTB) run() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		browsertest.LaunchChromium(r)
	}()
	<-done
}

func TestLaunchChromiumMissing(t *testing.T) {
	t.Setenv(browsertest.EnvChromium, "/nonexistent/chromium")

	t.Run("skips", func(t *testing.T) {
		t.Setenv(browsertest.EnvChromiumRequired, "")
		r := &recordingTB{TB: t}
		r.run()
		if r.failed != "" || !strings.Contains(r.skipped, "chromium not found (apt-get install chromium), set SKYVERN_CHROMIUM to its path") {
			t.Fatalf("skipped %q, failed %q; want the skip message", r.skipped, r.failed)
		}
	})
	t.Run("required fails", func(t *testing.T) {
		t.Setenv(browsertest.EnvChromiumRequired, "1")
		r := &recordingTB{TB: t}
		r.run()
		if r.skipped != "" || !strings.Contains(r.failed, "chromium not found") {
			t.Fatalf("skipped %q, failed %q; want a failure", r.skipped, r.failed)
		}
	})
}
