package browser_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/browser"
	"github.com/skyvern-go/skyvern/browser/browsertest"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// keyBrowsers backs the fake's sessions with one Chromium behind a proxy
// that, as Skyvern's session addresses do, lets a CDP connection through
// only with the API key in x-api-key. It records the sessions opened and
// closed, and the keys it was shown.
type keyBrowsers struct {
	key    string
	chrome *browsertest.Chromium
	proxy  *httptest.Server
	wsPath string

	mu     sync.Mutex
	opened []string
	closed []string
	keys   []string
}

func newKeyBrowsers(t *testing.T, key string) *keyBrowsers {
	t.Helper()
	kb := &keyBrowsers{key: key, chrome: browsertest.LaunchChromium(t)}
	target, err := url.Parse(kb.chrome.Address())
	if err != nil {
		t.Fatal(err)
	}
	kb.wsPath = target.Path
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target.Host})
	kb.proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("x-api-key")
		kb.mu.Lock()
		kb.keys = append(kb.keys, got)
		kb.mu.Unlock()
		if got != kb.key {
			// A careless server that repeats what it was sent.
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, "refused: %v", r.Header)
			return
		}
		r.Header.Del("x-api-key")
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(kb.proxy.Close)
	return kb
}

func (kb *keyBrowsers) Open(_ context.Context, id string) (string, error) {
	kb.mu.Lock()
	defer kb.mu.Unlock()
	kb.opened = append(kb.opened, id)
	return "ws://" + strings.TrimPrefix(kb.proxy.URL, "http://") + kb.wsPath, nil
}

func (kb *keyBrowsers) Close(id string) error {
	kb.mu.Lock()
	defer kb.mu.Unlock()
	kb.closed = append(kb.closed, id)
	return nil
}

func (kb *keyBrowsers) state() (opened, closed, keys []string) {
	kb.mu.Lock()
	defer kb.mu.Unlock()
	return slices.Clone(kb.opened), slices.Clone(kb.closed), slices.Clone(kb.keys)
}

// sessionEnv is a fake Skyvern whose sessions have a browser.
type sessionEnv struct {
	ctx    context.Context
	srv    *skyverntest.Server
	client *skyvern.Client
	kb     *keyBrowsers
	site   *httptest.Server
}

func newSessionEnv(t *testing.T) *sessionEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	e := &sessionEnv{ctx: ctx, site: pages(t, nil)}
	e.kb = newKeyBrowsers(t, "")
	e.srv = skyverntest.NewServer(t, skyverntest.WithBrowsers(e.kb))
	e.kb.key = e.srv.APIKey
	e.client = e.srv.Client()
	return e
}

// status returns the fake's status of session id.
func (e *sessionEnv) status(t *testing.T, id string) skyvern.BrowserSessionStatus {
	t.Helper()
	s, err := e.client.GetBrowserSession(e.ctx, id)
	if err != nil {
		t.Fatalf("GetBrowserSession(%s): %v", id, err)
	}
	return s.Status
}

// TestUseClosesOnEveryPath: the session Use opened is closed when fn
// succeeds, fails, panics or sees its context cancelled, and the key went
// on every handshake.
func TestUseClosesOnEveryPath(t *testing.T) {
	e := newSessionEnv(t)
	errBoom := errors.New("boom")
	var b *browser.Browser
	use := func(ctx context.Context, fn func(ctx context.Context) error) error {
		return browser.Use(ctx, e.client, skyvern.CreateBrowserSessionRequest{}, func(ctx context.Context, br *browser.Browser) error {
			b = br
			page, err := br.WorkingPage(ctx)
			if err != nil {
				return err
			}
			rp := page.Rod().Context(ctx)
			if err := rp.Navigate(e.site.URL + "/form"); err != nil {
				return err
			}
			if err := page.Click(ctx, "#submit", ""); err != nil {
				return err
			}
			return fn(ctx)
		})
	}
	for _, tc := range []struct {
		name string
		run  func() error
		want func(error) bool
	}{
		{"returns", func() error {
			return use(e.ctx, func(context.Context) error { return nil })
		}, func(err error) bool { return err == nil }},
		{"fails", func() error {
			return use(e.ctx, func(context.Context) error { return errBoom })
		}, func(err error) bool { return errors.Is(err, errBoom) }},
		{"panics", func() (err error) {
			defer func() {
				if r := recover(); r != errBoom {
					err = fmt.Errorf("recovered %v, want the panic", r)
				}
			}()
			return use(e.ctx, func(context.Context) error { panic(errBoom) })
		}, func(err error) bool { return err == nil }},
		{"cancelled", func() error {
			ctx, cancel := context.WithCancel(e.ctx)
			return use(ctx, func(ctx context.Context) error {
				cancel()
				<-ctx.Done()
				return ctx.Err()
			})
		}, func(err error) bool { return errors.Is(err, context.Canceled) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b = nil
			if err := tc.run(); !tc.want(err) {
				t.Fatalf("Use: %v", err)
			}
			if b == nil || b.SessionID() == "" || !b.OwnsSession() {
				t.Fatal("fn did not get a Browser of an owned session")
			}
			if s := e.status(t, b.SessionID()); s != skyvern.BrowserSessionStatusCompleted {
				t.Errorf("session %s is %s after Use, want completed (closed)", b.SessionID(), s)
			}
			if _, closed, _ := e.kb.state(); !slices.Contains(closed, b.SessionID()) {
				t.Errorf("the fake did not close the browser of session %s", b.SessionID())
			}
			if err := b.Close(); err != nil {
				t.Errorf("Close after Use = %v, want the first (nil) result", err)
			}
		})
	}
	opened, closed, keys := e.kb.state()
	if len(opened) != 4 || len(closed) != 4 {
		t.Errorf("%d sessions opened and %d closed, want 4 and 4", len(opened), len(closed))
	}
	for _, k := range keys {
		if k != e.srv.APIKey {
			t.Errorf("a handshake carried x-api-key %q, want the API key", k)
		}
	}
	if len(keys) == 0 {
		t.Error("no handshake reached the session's address")
	}
}

// TestConnectSessionLeavesItOpen: a session connected to by id, or
// reused, stays open when the Browser is closed; Reuse launches (and owns)
// one when none is idle.
func TestConnectSessionLeavesItOpen(t *testing.T) {
	e := newSessionEnv(t)
	b, err := browser.Reuse(e.ctx, e.client, skyvern.CreateBrowserSessionRequest{})
	if err != nil {
		t.Fatalf("Reuse with no session: %v", err)
	}
	if !b.OwnsSession() {
		t.Error("Reuse launched a session but does not own it")
	}
	launched := b.SessionID()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if s := e.status(t, launched); s != skyvern.BrowserSessionStatusCompleted {
		t.Errorf("the session Reuse launched is %s after Close, want completed", s)
	}

	s, err := e.client.CreateBrowserSession(e.ctx, skyvern.CreateBrowserSessionRequest{})
	if err != nil {
		t.Fatal(err)
	}
	e.status(t, s.BrowserSessionID) // started, as the fake starts a session on the next request
	for _, connect := range []func() (*browser.Browser, error){
		func() (*browser.Browser, error) { return browser.ConnectSession(e.ctx, e.client, s.BrowserSessionID) },
		func() (*browser.Browser, error) {
			return browser.Reuse(e.ctx, e.client, skyvern.CreateBrowserSessionRequest{})
		},
	} {
		b, err := connect()
		if err != nil {
			t.Fatal(err)
		}
		if b.SessionID() != s.BrowserSessionID || b.OwnsSession() {
			t.Errorf("connected to %s (owned %v), want %s, not owned", b.SessionID(), b.OwnsSession(), s.BrowserSessionID)
		}
		page, err := b.WorkingPage(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := page.Act(e.ctx, "scroll down"); err != nil {
			t.Fatal(err)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		if st := e.status(t, s.BrowserSessionID); st != skyvern.BrowserSessionStatusRunning {
			t.Errorf("the session is %s after closing a Browser that only connected to it, want running", st)
		}
	}
	for _, r := range e.srv.Requests() {
		if r.Route == skyverntest.RouteRunSDKAction && !strings.Contains(string(r.Body), `"browser_session_id":"`+s.BrowserSessionID+`"`) {
			t.Errorf("an action was sent without the session: %s", r.Body)
		}
	}
}

// TestLaunchWrongKey: a refused handshake fails Launch without showing
// the key, and the session Launch created is closed.
func TestLaunchWrongKey(t *testing.T) {
	e := newSessionEnv(t)
	wrong := "sk-not-the-key-0123456789"
	_, err := browser.Launch(e.ctx, e.client, skyvern.CreateBrowserSessionRequest{}, browser.WithAPIKey(wrong))
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("Launch with a wrong key = %v, want the 403 refusal", err)
	}
	if msg := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(msg, wrong) || strings.Contains(msg, e.srv.APIKey) {
		t.Errorf("the error shows a key: %s", msg)
	}
	opened, closed, _ := e.kb.state()
	if len(opened) != 1 || !slices.Equal(opened, closed) {
		t.Errorf("sessions opened %v, closed %v: Launch must close the session it could not connect to", opened, closed)
	}
	if _, err := browser.Launch(e.ctx, e.client, skyvern.CreateBrowserSessionRequest{}, browser.WithSelectorTimeout(-time.Second)); err == nil {
		t.Error("Launch with a negative selector timeout succeeded")
	}
}
