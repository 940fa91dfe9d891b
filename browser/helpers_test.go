package browser_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/browser"
	"github.com/skyvern-go/skyvern/browser/browsertest"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// TestMain fails the run when a goroutine or a Chromium process started
// by the tests outlives them.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines left behind:", err)
			code = 1
		}
		if n := chromiumChildren(); n > 0 {
			fmt.Fprintf(os.Stderr, "%d chromium processes left behind\n", n)
			code = 1
		}
	}
	os.Exit(code)
}

// testTimeout bounds each test's work; generous for a loaded machine.
const testTimeout = 60 * time.Second

// failFast is the selector timeout of the tests whose selectors are
// meant to fail; the others get slowMachine.
var failFast = browser.WithSelectorTimeout(300 * time.Millisecond)

// slowMachine bounds the selector steps and the fake's actions that must
// succeed: far above what they take, so that a loaded 2-core machine
// passes; only a step whose element never appears waits that long.
const slowMachine = 30 * time.Second

// formPage is a local page with a form whose controls show, in #status,
// what was done to them.
const formPage = `<!doctype html><html><head><title>order</title></head><body>
<form onsubmit="return false">
<input id="email" name="email" value="old@example.com">
<select id="country"><option value="fr">France</option><option value="us">United States</option></select>
<button id="submit" type="button" style="background:blue"
  onclick="document.getElementById('status').textContent='submitted '+document.getElementById('email').value+' '+document.getElementById('country').value">Submit</button>
</form>
<p id="total">Total: 42.50 EUR</p>
<p id="status">idle</p>
</body></html>`

// pages serves formPage at /form and any other html given by path.
func pages(t testing.TB, extra map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := extra[r.URL.Path]
		if r.URL.Path == "/form" {
			body, ok = formPage, true
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// env is a test's world: a fake Skyvern, a local Chromium, a Browser
// connected to it, and a page on the form.
type env struct {
	t      *testing.T
	ctx    context.Context
	srv    *skyverntest.Server
	client *skyvern.Client
	chrome *browsertest.Chromium
	b      *browser.Browser
	page   *browser.Page
	site   *httptest.Server
}

// newEnv connects to a fresh Chromium with Connect, with a fake Skyvern
// started with srvOpts, and opens /form.
func newEnv(t *testing.T, srvOpts []skyverntest.Option, opts ...browser.Option) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	e := &env{t: t, ctx: ctx}
	e.chrome = browsertest.LaunchChromium(t)
	e.srv = skyverntest.NewServer(t, srvOpts...)
	e.client = e.srv.Client()
	e.site = pages(t, nil)
	opts = append([]browser.Option{browser.WithRateLimitBackoff(time.Millisecond, 5*time.Millisecond), browser.WithSelectorTimeout(slowMachine)}, opts...)
	b, err := browser.Connect(ctx, e.client, e.chrome.Address(), opts...)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	e.b = b
	e.page = e.open("/form")
	return e
}

// open opens path of the site in a new page and waits for it to load.
func (e *env) open(path string) *browser.Page {
	e.t.Helper()
	p, err := e.b.NewPage(e.ctx)
	if err != nil {
		e.t.Fatalf("NewPage: %v", err)
	}
	rp := p.Rod().Context(e.ctx)
	if err := rp.Navigate(e.site.URL + path); err != nil {
		e.t.Fatalf("Navigate: %v", err)
	}
	if err := rp.WaitLoad(); err != nil {
		e.t.Fatalf("WaitLoad: %v", err)
	}
	return p
}

// text returns the text of the element selector finds on p.
func (e *env) text(p *browser.Page, selector string) string {
	e.t.Helper()
	el, err := p.Rod().Context(e.ctx).Element(selector)
	if err != nil {
		e.t.Fatalf("Element(%q): %v", selector, err)
	}
	s, err := el.Text()
	if err != nil {
		e.t.Fatalf("Text: %v", err)
	}
	return s
}

// actions returns the bodies of the run_action requests the fake served.
func (e *env) actions() []skyvern.SDKActionRequest {
	e.t.Helper()
	var out []skyvern.SDKActionRequest
	for _, r := range e.srv.Requests() {
		if r.Route != skyverntest.RouteRunSDKAction {
			continue
		}
		var req skyvern.SDKActionRequest
		if err := json.Unmarshal(r.Body, &req); err != nil {
			e.t.Fatalf("decoding a run_action body: %v", err)
		}
		out = append(out, req)
	}
	return out
}

// chromiumChildren counts the live chromium processes that are children
// of this test process.
func chromiumChildren() int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	self := os.Getpid()
	n := 0
	for _, d := range entries {
		if _, err := strconv.Atoi(d.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", d.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(stat)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < 0 {
			continue
		}
		fields := strings.Fields(s[end+1:])
		if len(fields) < 2 || fields[0] == "Z" || fields[0] == "X" {
			continue
		}
		if ppid, _ := strconv.Atoi(fields[1]); ppid == self && strings.Contains(s[open:end], "chrom") {
			n++
		}
	}
	return n
}
