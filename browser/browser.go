package browser

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/cdp"
	"github.com/go-rod/rod/lib/proto"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/apikey"
)

// Browser is a browser driven over the Chrome DevTools Protocol through
// go-rod, with Skyvern's AI on its pages: a Skyvern browser session (from
// Launch, Use, Reuse or ConnectSession) or any browser that speaks CDP
// (from Connect). Its pages are *Page values; Rod returns the go-rod
// browser for everything this package does not do itself.
//
// A Browser is safe for concurrent use. Close it when done: that
// disconnects from the browser and, for a session this package created,
// closes the session, which stops its billing.
type Browser struct {
	client    *skyvern.Client
	cfg       config
	rod       *rod.Browser
	ws        *cdp.WebSocket
	cancel    context.CancelFunc
	sessionID string // "" for Connect
	address   string // the address given to Connect, sent with AI actions
	owned     bool   // the session was created here: Close closes it

	front chan struct{} // held by the selector step of a page in front

	mu     sync.Mutex
	pages  map[proto.TargetTargetID]*Page
	order  []proto.TargetTargetID // pages' keys, oldest first
	closed bool
	once   sync.Once
	err    error // Close's result
}

// Launch creates a Skyvern browser session with req and connects to its
// browser. The session is this Browser's own: Close closes it. Prefer Use,
// which closes it on every path.
//
// Launch waits for the session's browser to be up (its browser_address
// set), polling the session, within ctx. If anything fails after the
// session was created, the session is closed before Launch returns.
//
// It calls POST /v1/browser_sessions, then GET
// /v1/browser_sessions/{id} until the session has an address, then
// connects over CDP with the client's API key on the WebSocket
// handshake. Errors: CreateBrowserSession's (ErrOutcomeUnknown among
// them: a session may exist), GetBrowserSession's, a session that ended
// before its browser was up, a connection that failed or was refused, and
// ctx's error.
func Launch(ctx context.Context, client *skyvern.Client, req skyvern.CreateBrowserSessionRequest, opts ...Option) (*Browser, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if client == nil {
		return nil, ErrNoClient
	}
	s, err := client.CreateBrowserSession(ctx, req, cfg.callOpts...)
	if err != nil {
		return nil, err
	}
	b, err := connectSession(ctx, client, cfg, s, true)
	if err != nil {
		cerr := closeSession(ctx, client, cfg, s.BrowserSessionID)
		return nil, errors.Join(err, cerr)
	}
	return b, nil
}

// Use launches a browser session as Launch does, calls fn with its
// Browser, and closes the Browser and the session when fn returns, fails
// or panics (after ctx was cancelled too), so that no path leaves a
// billable session open, as skyvern.Client.UseBrowserSession does for a
// bare session:
//
//	err := browser.Use(ctx, client, skyvern.CreateBrowserSessionRequest{}, func(ctx context.Context, b *browser.Browser) error {
//		page, err := b.WorkingPage(ctx)
//		...
//	})
//
// The close goes out even when ctx has been cancelled or has expired (it
// keeps ctx's values but not its deadline, and is bounded by two minutes).
// It returns fn's error, the close's error, or both joined with
// errors.Join; Launch's error when the session could not be launched (fn
// is then not called).
func Use(ctx context.Context, client *skyvern.Client, req skyvern.CreateBrowserSessionRequest, fn func(ctx context.Context, b *Browser) error, opts ...Option) (err error) {
	b, err := Launch(ctx, client, req, opts...)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := b.close(ctx); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	return fn(ctx, b)
}

// Reuse connects to the organization's newest idle browser session (one
// that has started, has a browser address and runs nothing), or, when
// there is none, launches one with req as Launch does. Close closes the
// session only in the second case (OwnsSession reports which): a session
// that was already there is left open for its other users.
//
// It calls GET /v1/browser_sessions, then what ConnectSession or Launch
// calls.
func Reuse(ctx context.Context, client *skyvern.Client, req skyvern.CreateBrowserSessionRequest, opts ...Option) (*Browser, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if client == nil {
		return nil, ErrNoClient
	}
	var newest *skyvern.BrowserSession
	for s, err := range client.ListBrowserSessions(ctx, cfg.callOpts...) {
		if err != nil {
			return nil, err
		}
		if s.RunnableID != "" || s.StartedAt.IsZero() || s.BrowserAddress == "" || s.Status.IsTerminal() {
			continue
		}
		if newest == nil || s.StartedAt.After(newest.StartedAt.Time) {
			newest = s
		}
	}
	if newest == nil {
		return Launch(ctx, client, req, opts...)
	}
	return connectSession(ctx, client, cfg, newest, false)
}

// ConnectSession connects to the browser of the Skyvern browser session
// sessionID ("pbs_..."), which stays open when the Browser is closed. It
// waits, as Launch does, for a session that has not started yet.
//
// It calls GET /v1/browser_sessions/{browser_session_id}, then connects
// over CDP with the API key on the handshake. Errors: GetBrowserSession's
// (skyvern.ErrEmptyID, an *APIError matching skyvern.ErrNotFound), a
// session that has ended, a connection that failed or was refused, and
// ctx's error.
func ConnectSession(ctx context.Context, client *skyvern.Client, sessionID string, opts ...Option) (*Browser, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if client == nil {
		return nil, ErrNoClient
	}
	s, err := client.GetBrowserSession(ctx, sessionID, cfg.callOpts...)
	if err != nil {
		return nil, err
	}
	return connectSession(ctx, client, cfg, s, false)
}

// Connect connects to the browser whose DevTools endpoint is at address:
// an http(s) address such as "http://127.0.0.1:9222" (read through its
// /json/version) or the browser's ws(s) WebSocket URL. No API key is sent
// to it. The browser is left running when the Browser is closed.
//
// AI actions on its pages send address as the browser_address Skyvern
// connects to, so it must be reachable by Skyvern; client may be nil for a
// Browser driven with selectors only (AI actions then fail with
// ErrNoClient).
func Connect(ctx context.Context, client *skyvern.Client, address string, opts ...Option) (*Browser, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	b, err := dial(ctx, address, nil)
	if err != nil {
		return nil, err
	}
	b.client, b.cfg, b.address = client, cfg, address
	return b, nil
}

// connectSession connects to session s, waiting for its browser address.
func connectSession(ctx context.Context, client *skyvern.Client, cfg config, s *skyvern.BrowserSession, owned bool) (*Browser, error) {
	id := s.BrowserSessionID
	addr, err := sessionAddress(ctx, client, cfg, s)
	if err != nil {
		return nil, err
	}
	var header http.Header
	key := cfg.key.Reveal()
	if cfg.key.IsZero() {
		key = apikey.Of(client)
	}
	if key != "" {
		header = http.Header{"x-api-key": {key}}
	}
	b, err := dial(ctx, addr, header)
	if err != nil {
		return nil, fmt.Errorf("%w (session %s)", err, id)
	}
	b.client, b.cfg, b.sessionID, b.owned = client, cfg, id, owned
	return b, nil
}

// sessionAddress returns s's browser address, polling the session until
// it has one.
func sessionAddress(ctx context.Context, client *skyvern.Client, cfg config, s *skyvern.BrowserSession) (string, error) {
	id := s.BrowserSessionID
	wait := 250 * time.Millisecond
	for {
		if s.Status.IsTerminal() {
			return "", fmt.Errorf("browser: session %s has ended (status %s)", id, s.Status)
		}
		if s.BrowserAddress != "" {
			return s.BrowserAddress, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", fmt.Errorf("browser: waiting for session %s to have a browser address: %w", id, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, 5*time.Second)
		var err error
		if s, err = client.GetBrowserSession(ctx, id, cfg.callOpts...); err != nil {
			return "", err
		}
	}
}

// dial connects to the browser at address with the handshake header given.
func dial(ctx context.Context, address string, header http.Header) (*Browser, error) {
	wsURL, err := wsAddress(ctx, address, header)
	if err != nil {
		return nil, err
	}
	ws, err := dialCDP(ctx, wsURL, header)
	if err != nil {
		return nil, err
	}
	// The go-rod browser lives until Close: its goroutines stop with
	// bctx. Until Connect returns, ctx's end cuts the connection.
	bctx, cancel := context.WithCancel(context.Background())
	rb := rod.New().Context(bctx).Client(cdp.New().Start(ws)).NoDefaultDevice()
	stop := context.AfterFunc(ctx, func() { _ = ws.Close() })
	err = rb.Connect()
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		cancel()
		_ = ws.Close()
		return nil, fmt.Errorf("browser: starting CDP: %w", err)
	}
	return &Browser{rod: rb, ws: ws, cancel: cancel, front: make(chan struct{}, 1), pages: make(map[proto.TargetTargetID]*Page)}, nil
}

// Rod returns the go-rod browser, for what this package does not wrap.
// Calling its Close would close the browser itself, not only this
// connection: close the Browser instead.
func (b *Browser) Rod() *rod.Browser { return b.rod }

// Client returns the Skyvern client the Browser was made with (nil for
// Connect given none).
func (b *Browser) Client() *skyvern.Client { return b.client }

// SessionID returns the id of the Skyvern browser session ("pbs_..."), or
// "" for a Browser made by Connect.
func (b *Browser) SessionID() string { return b.sessionID }

// OwnsSession reports whether Close closes the Skyvern session: true for a
// session Launch or Use created (or Reuse, when it had to launch one).
func (b *Browser) OwnsSession() bool { return b.owned }

// NewPage opens a new tab at about:blank.
func (b *Browser) NewPage(ctx context.Context) (*Page, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	rp, err := b.rod.Context(ctx).Page(proto.TargetCreateTarget{})
	if err != nil {
		return nil, fmt.Errorf("browser: opening a page: %w", err)
	}
	return b.Page(rp), nil
}

// WorkingPage returns the browser's last page (tab), as Skyvern's own SDKs
// do, or opens one when it has none. A Skyvern session's browser starts
// with one page, the one Skyvern's agent runs act on.
func (b *Browser) WorkingPage(ctx context.Context) (*Page, error) {
	pages, err := b.Pages(ctx)
	if err != nil {
		return nil, err
	}
	if len(pages) > 0 {
		return pages[len(pages)-1], nil
	}
	return b.NewPage(ctx)
}

// Pages returns the browser's pages (tabs), oldest first: in the order
// this Browser opened or first saw them. (CDP lists tabs by when they
// were last in front, newest first; the tabs there before the Browser
// connected are taken to have been opened in the reverse of that order.)
func (b *Browser) Pages(ctx context.Context) ([]*Page, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	rps, err := b.rod.Context(ctx).Pages()
	if err != nil {
		return nil, fmt.Errorf("browser: listing pages: %w", err)
	}
	live := make(map[proto.TargetTargetID]bool, len(rps))
	for i := len(rps) - 1; i >= 0; i-- {
		b.Page(rps[i])
		live[rps[i].TargetID] = true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]*Page, 0, len(rps))
	kept := b.order[:0]
	for _, id := range b.order {
		if live[id] {
			out = append(out, b.pages[id])
			kept = append(kept, id)
		} else {
			delete(b.pages, id) // closed
		}
	}
	b.order = kept
	return out, nil
}

// Page returns the *Page of rp, a page of this browser got through
// go-rod. The same tab always gives the same *Page, so that its chain of
// AI actions (see Page.WorkflowRunID) is kept.
func (b *Browser) Page(rp *rod.Page) *Page {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p := b.pages[rp.TargetID]; p != nil {
		return p
	}
	p := &Page{b: b, rod: rp}
	b.pages[rp.TargetID] = p
	b.order = append(b.order, rp.TargetID)
	return p
}

// check returns ErrClosed once the Browser is closed.
func (b *Browser) check() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	return nil
}

// Close disconnects from the browser and, when the Browser owns its
// session (OwnsSession), closes the session with POST
// /v1/browser_sessions/{id}/close, bounded by two minutes. A browser it
// only connected to is left running, its pages open. Close is idempotent:
// later calls return the first call's result.
func (b *Browser) Close() error { return b.close(context.Background()) }

// close is Close with the values of ctx (not its deadline) for the
// session's close.
func (b *Browser) close(ctx context.Context) error {
	b.once.Do(func() {
		b.mu.Lock()
		b.closed = true
		b.mu.Unlock()
		b.cancel()
		_ = b.ws.Close()
		if b.owned {
			b.err = closeSession(ctx, b.client, b.cfg, b.sessionID)
		}
	})
	return b.err
}

// closeSession closes session id even when ctx has ended.
func closeSession(ctx context.Context, client *skyvern.Client, cfg config, id string) error {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), closeTimeout)
	defer cancel()
	if err := client.CloseBrowserSession(cctx, id, cfg.callOpts...); err != nil {
		return fmt.Errorf("browser: closing browser session %s: %w", id, err)
	}
	return nil
}
