package skyverntest

import (
	"context"
	"sync"
)

// Browsers gives the fake's browser sessions real browsers (see
// WithBrowsers). The package browsertest of the module
// github.com/skyvern-go/skyvern/browser implements it with a local
// headless Chromium.
type Browsers interface {
	// Open starts a browser for the new session and returns the CDP
	// address the session reports as browser_address.
	Open(ctx context.Context, sessionID string) (address string, err error)
	// Close stops the browser of the session (on Close Browser Session,
	// or when the server closes).
	Close(sessionID string) error
}

// WithBrowsers returns an Option that backs every browser session the
// server creates with a browser that b opens: Create Browser Session
// waits for Open and answers its address as browser_address; Close
// Browser Session, and Server.Close for the sessions still open, call
// Close. A session that ends by its timeout keeps its browser until the
// server closes. Run SDK Action is still answered by Server.OnAction (or
// OnActionContext), which an implementation of b uses to act on those
// browsers.
func WithBrowsers(b Browsers) Option {
	return func(c *config) {
		if b == nil {
			c.fail("WithBrowsers: b is nil")
		}
		c.browsers = b
	}
}

// browserSet tracks the sessions whose browser is open. The zero value,
// without Browsers, does nothing.
type browserSet struct {
	b Browsers

	mu   sync.Mutex
	open map[string]bool
}

// start opens the browser of the session id, unless the server has no
// Browsers ("" then).
func (bs *browserSet) start(ctx context.Context, id string) (string, error) {
	if bs.b == nil {
		return "", nil
	}
	addr, err := bs.b.Open(ctx, id)
	if err != nil {
		return "", err
	}
	bs.mu.Lock()
	if bs.open == nil {
		bs.open = make(map[string]bool)
	}
	bs.open[id] = true
	bs.mu.Unlock()
	return addr, nil
}

// stop closes the browser of the session id if it is open.
func (bs *browserSet) stop(id string) error {
	bs.mu.Lock()
	open := bs.open[id]
	delete(bs.open, id)
	bs.mu.Unlock()
	if !open {
		return nil
	}
	return bs.b.Close(id)
}

// stopAll closes every browser still open, and reports the ids whose
// Close failed with its error.
func (bs *browserSet) stopAll() map[string]error {
	bs.mu.Lock()
	ids := make([]string, 0, len(bs.open))
	for id := range bs.open {
		ids = append(ids, id)
	}
	bs.open = nil
	bs.mu.Unlock()
	var errs map[string]error
	for _, id := range ids {
		if err := bs.b.Close(id); err != nil {
			if errs == nil {
				errs = make(map[string]error)
			}
			errs[id] = err
		}
	}
	return errs
}
