package browser

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-rod/rod/lib/cdp"
)

// This file reaches a browser's DevTools WebSocket: from an http(s)
// address through its /json/version document, or at a ws(s) address
// directly, with the handshake headers given (x-api-key for a Skyvern
// session) and within the caller's context, which rod's own helpers
// (launcher.ResolveURL, cdp.StartWithURL) do not respect throughout.

// maxVersionDoc bounds the /json/version document read.
const maxVersionDoc = 1 << 20

// wsAddress returns the DevTools WebSocket URL of the browser at address:
// address itself for ws and wss, else the webSocketDebuggerUrl of
// address's /json/version, with address's host and a scheme matching
// address's (wss for https).
func wsAddress(ctx context.Context, address string, header http.Header) (string, error) {
	u, err := url.Parse(strings.TrimSpace(address))
	if err != nil {
		return "", fmt.Errorf("browser: the CDP address is not a URL: %w", redactURLError(err))
	}
	switch u.Scheme {
	case "ws", "wss":
		return u.String(), nil
	case "http", "https":
	default:
		return "", fmt.Errorf("browser: the CDP address has scheme %q: want ws, wss, http or https", u.Scheme)
	}
	v := *u
	v.Path, v.RawQuery, v.Fragment = strings.TrimSuffix(v.Path, "/")+"/json/version", "", ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.String(), nil)
	if err != nil {
		return "", fmt.Errorf("browser: reading the browser's /json/version: %w", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("browser: reading the browser's /json/version: %w", redactURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxVersionDoc))
	if err != nil {
		return "", fmt.Errorf("browser: reading the browser's /json/version: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("browser: the browser's /json/version answered %s", resp.Status)
	}
	var doc struct {
		URL string `json:"webSocketDebuggerUrl"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.URL == "" {
		return "", fmt.Errorf("browser: the browser's /json/version has no webSocketDebuggerUrl")
	}
	ws, err := url.Parse(doc.URL)
	if err != nil {
		return "", fmt.Errorf("browser: the browser's webSocketDebuggerUrl is not a URL: %w", redactURLError(err))
	}
	// The browser names itself as it sees itself (often 127.0.0.1 inside
	// a container): reach it where address reached it.
	ws.Host, ws.Scheme = u.Host, "ws"
	if u.Scheme == "https" {
		ws.Scheme = "wss"
	}
	return ws.String(), nil
}

// withPort returns the URL to dial for wsURL, which must have an explicit
// port (the WebSocket client dials its host as it is), and the Host header
// to send: wsURL's host as given, without a default port added.
func withPort(wsURL string) (dialURL, host string, err error) {
	u, err := url.Parse(wsURL)
	if err != nil {
		return "", "", redactURLError(err)
	}
	if u.Port() != "" {
		return wsURL, u.Host, nil
	}
	host = u.Host
	port := "80"
	if u.Scheme == "wss" {
		port = "443"
	}
	u.Host = net.JoinHostPort(u.Hostname(), port)
	return u.String(), host, nil
}

// redactURLError drops the URL from a *url.Error, keeping the operation
// and the cause: an address may carry a token in its query.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// ctxDialer dials within a context and remembers its connection, so that
// the handshake after the dial can be cut short when the context ends.
type ctxDialer struct {
	tls  bool
	mu   sync.Mutex
	conn net.Conn
}

func (d *ctxDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var (
		conn net.Conn
		err  error
	)
	if d.tls {
		conn, err = (&tls.Dialer{}).DialContext(ctx, network, address)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, network, address)
	}
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.conn = conn
	d.mu.Unlock()
	return conn, nil
}

// interrupt makes the connection's pending reads and writes fail.
func (d *ctxDialer) interrupt() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		_ = d.conn.SetDeadline(time.Unix(1, 0))
	}
}

// dialCDP opens the DevTools WebSocket at wsURL (see wsAddress) with the
// handshake headers given, within ctx. The error never holds the headers.
func dialCDP(ctx context.Context, wsURL string, header http.Header) (*cdp.WebSocket, error) {
	dialURL, host, err := withPort(wsURL)
	if err != nil {
		return nil, fmt.Errorf("browser: the CDP address is not a URL: %w", err)
	}
	h := make(http.Header, len(header)+1)
	for k, vs := range header {
		h[k] = vs
	}
	h["Host"] = []string{host}
	d := &ctxDialer{tls: strings.HasPrefix(wsURL, "wss:")}
	ws := &cdp.WebSocket{Dialer: d}
	stop := context.AfterFunc(ctx, d.interrupt)
	err = ws.Connect(ctx, dialURL, h)
	if !stop() || err != nil {
		if err == nil {
			err = ctx.Err()
		} else if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		if d.conn != nil {
			_ = ws.Close()
		}
		var bh *cdp.BadHandshakeError
		if errors.As(err, &bh) {
			return nil, fmt.Errorf("browser: the browser refused the WebSocket handshake: %s", bh.Status)
		}
		return nil, fmt.Errorf("browser: connecting to the browser over CDP: %w", redactURLError(err))
	}
	return ws, nil
}
