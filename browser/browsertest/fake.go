package browsertest

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	neturl "net/url"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/cdp"
	"github.com/go-rod/rod/lib/proto"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// DefaultActionTimeout bounds an action on the page whose request sets
// no timeout: the server's settings.BROWSER_ACTION_TIMEOUT_MS.
const DefaultActionTimeout = 5 * time.Second

// Fake stands in for Skyvern's AI on real browsers. As the fake server's
// skyverntest.Browsers it starts a headless Chromium for every browser
// session; as its run_action it does each AI action on the page of that
// browser (or of the browser_address the request names) from a script
// the test writes: the prompt or intention of an action is looked up in
// the script, which says what to do on the page.
//
// Fake is safe for concurrent use; the script may be changed at any time.
type Fake struct {
	// ActionTimeout bounds an action on the page whose request sets no
	// timeout; zero means DefaultActionTimeout, the server's. A test on a
	// loaded machine may raise it: only an action whose element never
	// appears waits that long. Set it before the server serves.
	ActionTimeout time.Duration

	tb   testing.TB // nil when made by Start
	bin  string
	logf func(format string, args ...any)

	mu       sync.Mutex
	closed   bool
	sessions map[string]*conn // by browser session id; each owns its Chromium
	remote   map[string]*conn // by browser_address: browsers the test started
	scripts  map[scriptKey]step
	any      map[string]step // Do: any action type
}

// conn is a CDP connection to a browser, and the Chromium behind it when
// the Fake started it.
type conn struct {
	chromium *Chromium // nil for a browser the test started
	ws       *cdp.WebSocket
	b        *rod.Browser
	// front is held while an action works on a page, which it brings to
	// the front first: go-rod waits for a repaint before it clicks or
	// types, and a page behind another never repaints.
	front sync.Mutex
}

// close ends the CDP connection, then stops the Chromium the Fake owns.
func (c *conn) close() error {
	err := c.ws.Close()
	if c.chromium != nil {
		// Chromium goes with the connection: only its error matters.
		return c.chromium.Close()
	}
	if errors.Is(err, net.ErrClosed) {
		return nil // the browser went first
	}
	return err
}

// scriptKey is one scripted prompt of one kind of action.
type scriptKey struct {
	kind   skyvern.SDKActionType
	prompt string
}

// step is what a scripted action does: fn runs on the page of the
// action and returns its result; a failure is the AI's failure.
type step func(ctx context.Context, a *action) (any, error)

// action is one action being done: its request, the page, its bound.
type action struct {
	req     skyvern.SDKActionRequest
	page    *rod.Page
	timeout time.Duration
}

// New returns a Fake for the test tb. It skips or fails tb as
// LaunchChromium does when no Chromium is found, and stops every browser
// it started when the test ends. Pass it to the fake server with
// Fake.NewServer, or with skyverntest.WithBrowsers and Fake.Attach.
func New(tb testing.TB) *Fake {
	tb.Helper()
	f := newFake(RequireChromium(tb), tb.Logf)
	f.tb = tb
	tb.Cleanup(func() {
		if err := f.Stop(); err != nil {
			tb.Errorf("browsertest: %v", err)
		}
	})
	return f
}

// Start returns a Fake outside a test, such as in an example program
// that runs offline: it finds Chromium as LaunchChromium does, failing
// without one, and logs with the log package. Start its server with
// StartServer, and call Stop when done.
func Start() (*Fake, error) {
	bin, ok := findChromium()
	if !ok {
		return nil, errors.New("browsertest: " + missingMessage)
	}
	return newFake(bin, log.Printf), nil
}

func newFake(bin string, logf func(string, ...any)) *Fake {
	return &Fake{
		bin:      bin,
		logf:     logf,
		sessions: make(map[string]*conn),
		remote:   make(map[string]*conn),
		scripts:  make(map[scriptKey]step),
		any:      make(map[string]step),
	}
}

// NewServer starts a fake Skyvern server (skyverntest.NewServer, with
// the test of New and opts) whose browser sessions are backed by this
// Fake's browsers and whose run_action it answers.
// It panics for a Fake made by Start, which has no test: use StartServer.
func (f *Fake) NewServer(opts ...skyverntest.Option) *skyverntest.Server {
	if f.tb == nil {
		panic("browsertest: NewServer needs a Fake made by New; use StartServer")
	}
	f.tb.Helper()
	srv := skyverntest.NewServer(f.tb, f.serverOptions(opts)...)
	f.Attach(srv)
	return srv
}

// StartServer is NewServer outside a test (skyverntest.Start): close
// the server when done, before or after Stop.
func (f *Fake) StartServer(opts ...skyverntest.Option) (*skyverntest.Server, error) {
	srv, err := skyverntest.Start(f.serverOptions(opts)...)
	if err != nil {
		return nil, err
	}
	f.Attach(srv)
	return srv, nil
}

func (f *Fake) serverOptions(opts []skyverntest.Option) []skyverntest.Option {
	return append(append([]skyverntest.Option(nil), opts...), skyverntest.WithBrowsers(f))
}

// Attach makes the Fake answer srv's run_action
// (skyverntest.Server.OnActionContext). For browser sessions to get a
// browser, srv must also have been started with
// skyverntest.WithBrowsers(f).
func (f *Fake) Attach(srv *skyverntest.Server) {
	srv.OnActionContext(f.perform)
}

// Open starts a headless Chromium for the browser session sessionID,
// with one blank page as a Skyvern session's browser has, and returns its
// CDP address (skyverntest.Browsers).
func (f *Fake) Open(ctx context.Context, sessionID string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, launchTimeout)
	defer cancel()
	c, err := Launch(ctx, f.bin)
	if err != nil {
		return "", err
	}
	cn, err := connect(ctx, c.Address())
	if err != nil {
		return "", errors.Join(err, c.Close())
	}
	cn.chromium = c
	// A Skyvern session's browser starts with one page, its working page.
	if _, err := (proto.TargetCreateTarget{URL: "about:blank"}).Call(cn.b.Context(ctx)); err != nil {
		return "", errors.Join(fmt.Errorf("browsertest: open the first page: %w", err), cn.close())
	}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return "", errors.Join(errors.New("browsertest: the Fake is closed"), cn.close())
	}
	old := f.sessions[sessionID]
	f.sessions[sessionID] = cn
	f.mu.Unlock()
	if old != nil { // a session id used twice: only a misused Fake does that
		return c.Address(), old.close()
	}
	return c.Address(), nil
}

// Close stops the browser of the session sessionID
// (skyverntest.Browsers). A session it does not know is no error.
func (f *Fake) Close(sessionID string) error {
	f.mu.Lock()
	cn := f.sessions[sessionID]
	delete(f.sessions, sessionID)
	f.mu.Unlock()
	if cn == nil {
		return nil
	}
	return cn.close()
}

// Chromium returns the Chromium of the browser session sessionID, or nil
// when the Fake has none (not opened, or closed since): a test keeps it
// to see, with Processes, that closing the session stopped it.
func (f *Fake) Chromium(sessionID string) *Chromium {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c := f.sessions[sessionID]; c != nil {
		return c.chromium
	}
	return nil
}

// Stop stops every browser the Fake started and ends its connections to
// the others; then the Fake opens no more. For a Fake made by New, the
// test's cleanup calls it.
func (f *Fake) Stop() error {
	f.mu.Lock()
	f.closed = true
	conns := make([]*conn, 0, len(f.sessions)+len(f.remote))
	for _, c := range f.sessions {
		conns = append(conns, c)
	}
	for _, c := range f.remote {
		conns = append(conns, c)
	}
	f.sessions, f.remote = map[string]*conn{}, map[string]*conn{}
	f.mu.Unlock()
	var errs []error
	for _, c := range conns {
		errs = append(errs, c.close())
	}
	return errors.Join(errs...)
}

// connect opens a CDP connection to the browser at address (ws:// or
// http://). The connection is ours to close: its WebSocket is kept, as
// rod's Browser has no way to disconnect without closing the browser.
func connect(ctx context.Context, address string) (*conn, error) {
	ws := &cdp.WebSocket{}
	if err := ws.Connect(ctx, address, nil); err != nil {
		return nil, fmt.Errorf("browsertest: connect to %s: %w", address, err)
	}
	// Connect on the Browser itself (not a copy bound to ctx): its event
	// loop lives as long as the connection, not as the request.
	b := rod.New().Client(cdp.New().Start(ws))
	if err := b.Connect(); err != nil {
		_ = ws.Close()
		return nil, fmt.Errorf("browsertest: connect to %s: %w", address, err)
	}
	return &conn{ws: ws, b: b}, nil
}

// browserFor returns the connection to the browser the request names:
// the session's, or the one at its browser_address, connected on first
// use.
func (f *Fake) browserFor(ctx context.Context, req skyvern.SDKActionRequest) (*conn, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, errors.New("browsertest: the Fake is closed")
	}
	if req.BrowserSessionID != "" {
		if c := f.sessions[req.BrowserSessionID]; c != nil {
			return c, nil
		}
		return nil, fmt.Errorf("browsertest: session %s has no browser of this Fake (was the server started with WithBrowsers(fake)?)", req.BrowserSessionID)
	}
	if req.BrowserAddress == "" {
		return nil, errors.New("browsertest: the action names neither a browser_session_id nor a browser_address; the Fake opens no browser of its own")
	}
	if c := f.remote[req.BrowserAddress]; c != nil {
		return c, nil
	}
	c, err := connect(ctx, req.BrowserAddress)
	if err != nil {
		return nil, err
	}
	f.remote[req.BrowserAddress] = c
	return c, nil
}

// pageFor returns the page an action is for: the first page CDP lists at
// the request's url (a URL Chromium wrote with a "/" path matches one
// without), or else the first page CDP lists, the one most recently in
// front. It returns nil when the browser has none.
func pageFor(ctx context.Context, b *rod.Browser, url string) (*rod.Page, error) {
	targets, err := proto.TargetGetTargets{}.Call(b.Context(ctx))
	if err != nil {
		return nil, err
	}
	var chosen *proto.TargetTargetInfo
	for _, t := range targets.TargetInfos {
		if t.Type != proto.TargetTargetInfoTypePage {
			continue
		}
		if chosen == nil || sameURL(t.URL, url) && !sameURL(chosen.URL, url) {
			chosen = t
		}
	}
	if chosen == nil {
		return nil, nil
	}
	return b.PageFromTarget(chosen.TargetID)
}

// sameURL reports whether a page at a is at b, as Chromium writes a URL:
// "http://127.0.0.1:8080" is the page "http://127.0.0.1:8080/".
func sameURL(a, b string) bool {
	ua, err1 := neturl.Parse(a)
	ub, err2 := neturl.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	for _, u := range []*neturl.URL{ua, ub} {
		if u.Path == "" && u.Opaque == "" && u.Host != "" {
			u.Path = "/"
		}
	}
	return ua.String() == ub.String()
}
