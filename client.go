package skyvern

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/hashicorp/go-retryablehttp"
)

// Base URLs of the Skyvern API.
const (
	// CloudBaseURL is Skyvern Cloud, the default.
	CloudBaseURL = "https://api.skyvern.com"
	// LocalBaseURL is a self-hosted Skyvern server on this machine.
	LocalBaseURL = "http://localhost:8000"
)

// Version is this SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// Client calls the Skyvern API. Create one with NewClient and share it: it is
// safe for concurrent use, and its methods never modify their arguments.
type Client struct {
	cfg config
	hc  *http.Client // cfg.httpClient (or the default) with our timeout and redirect rule
	ua  string
}

// NewClient returns a Client configured by opts.
//
// With no options the API key comes from the SKYVERN_API_KEY environment
// variable and the base URL from SKYVERN_BASE_URL, else CloudBaseURL. It
// returns ErrNoAPIKey when no key is given either way, and a descriptive
// error for any invalid option.
func NewClient(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	if err := cfg.apply(opts); err != nil {
		return nil, err
	}
	if _, err := normalizeBaseURL(cfg.baseURL); err != nil { // SKYVERN_BASE_URL may be bad
		return nil, fmt.Errorf("%w (from SKYVERN_BASE_URL)", err)
	}
	cfg.baseURL = strings.TrimRight(cfg.baseURL, "/")
	if cfg.key.v == "" {
		return nil, ErrNoAPIKey
	}
	return &Client{cfg: cfg, hc: newHTTPClient(&cfg), ua: userAgent(&cfg)}, nil
}

func (c *config) apply(opts []Option) error {
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return err
		}
	}
	return nil
}

// String describes the client without its API key.
func (c *Client) String() string { return "skyvern.Client{" + c.cfg.baseURL + "}" }

// GoString is like String, so that %#v cannot print the API key either.
func (c *Client) GoString() string { return c.String() }

// BaseURL returns the base URL the client sends requests to.
func (c *Client) BaseURL() string { return c.cfg.baseURL }

func userAgent(c *config) string {
	ua := "skyvern-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if c.appUserAgent != "" {
		ua = c.appUserAgent + " " + ua
	}
	return ua
}

var defaultTransport = func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}()

// newHTTPClient returns a copy of the configured *http.Client (or a default
// one) with the per-attempt timeout and a redirect rule that never carries
// the API key to another origin. Go's client forwards custom headers such as
// x-api-key on every redirect, and its own rule for sensitive headers
// ignores the port.
func newHTTPClient(c *config) *http.Client {
	var hc http.Client
	if c.httpClient != nil {
		hc = *c.httpClient
	} else {
		hc.Transport = defaultTransport
	}
	hc.Timeout = c.timeout
	userCheck := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !sameOrigin(req.URL, via[0].URL) {
			req.Header.Del("X-Api-Key")
		}
		if userCheck != nil {
			return userCheck(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &hc
}

func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		effectivePort(a) == effectivePort(b)
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// endpoint describes one API call.
type endpoint struct {
	method string
	path   string      // escaped, from the API root, such as "/v1/runs/tsk_1"
	query  any         // a struct for go-querystring, or nil
	body   any         // sent as JSON when non-nil
	header http.Header // headers carried by the request value, or nil
	// creates marks a call that must not be repeated blindly (it starts a
	// run or sends a webhook): it is retried only when the request provably
	// never reached the server or the server said it did not take it.
	creates bool
}

// attempt tracks the attempts of one call; the retry hooks run on the
// calling goroutine, the trace hooks possibly on the transport's.
type attempt struct {
	n        int
	start    time.Time
	getConn  atomic.Bool // the transport started looking for a connection
	gotConn  atomic.Bool // ... and got one, so the request may have been written
	body     []byte
	bodyRead bool
	logged   int
}

// do sends the request described by e, with retries, and decodes a 2xx
// response body into out (unless out is nil).
func (c *Client) do(ctx context.Context, e endpoint, out any, opts []Option) error {
	cfg, hc, ua := &c.cfg, c.hc, c.ua
	if len(opts) > 0 {
		cc := c.cfg.clone()
		if err := cc.apply(opts); err != nil {
			return err
		}
		cfg, ua = &cc, userAgent(&cc)
		if cc.httpClient != c.cfg.httpClient || cc.timeout != c.cfg.timeout {
			hc = newHTTPClient(&cc)
		}
	}
	reqErr := func(attempts int, err error, mayExist bool) error {
		return &RequestError{Method: e.method, Path: e.path, Attempts: attempts, Err: err, mayExist: mayExist}
	}

	target := cfg.baseURL + e.path
	if e.query != nil {
		v, err := query.Values(e.query)
		if err != nil {
			return reqErr(0, fmt.Errorf("encoding query: %w", err), false)
		}
		if q := v.Encode(); q != "" {
			target += "?" + q
		}
	}
	var body any // untyped nil: no body at all
	if e.body != nil {
		b, err := json.Marshal(e.body)
		if err != nil {
			return reqErr(0, fmt.Errorf("encoding request body: %w", err), false)
		}
		body = b
	}

	a := &attempt{}
	if e.creates {
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			GetConn: func(string) { a.getConn.Store(true) },
			GotConn: func(httptrace.GotConnInfo) { a.gotConn.Store(true) },
		})
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, e.method, target, body)
	if err != nil {
		return reqErr(0, err, false)
	}
	h := req.Header
	h["Accept"] = []string{"application/json"}
	if body != nil {
		h["Content-Type"] = []string{"application/json"}
	}
	for k, v := range cfg.headers {
		h[k] = v
	}
	for k, v := range e.header {
		h[k] = v
	}
	h["User-Agent"] = []string{ua}
	h["X-Api-Key"] = []string{cfg.key.v}

	req.SetResponseHandler(func(resp *http.Response) error {
		var rerr error
		a.bodyRead = true
		a.body, rerr = readBody(resp)
		return rerr
	})
	rc := &retryablehttp.Client{
		HTTPClient:   hc,
		RetryWaitMin: cfg.retryWaitMin,
		RetryWaitMax: cfg.retryWaitMax,
		RetryMax:     cfg.maxRetries,
		RequestLogHook: func(_ retryablehttp.Logger, _ *http.Request, i int) {
			a.n = i + 1
			a.start = time.Now()
			a.getConn.Store(false)
			a.gotConn.Store(false)
			a.bodyRead = false
		},
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			retry := c.shouldRetry(e.creates, a, resp, err)
			if ctx.Err() != nil {
				retry = false
			}
			c.logAttempt(ctx, cfg, e, a, resp, err, retry)
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			return retry, nil
		},
		Backoff: func(minWait, maxWait time.Duration, i int, resp *http.Response) time.Duration {
			return backoff(minWait, maxWait, cfg.maxRetryAfter, i, resp, time.Now())
		},
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	resp, err := rc.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return reqErr(a.n, err, e.creates && mayHaveArrived(a, nil, err))
	}
	if !a.bodyRead { // retries ran out: the handler did not see the last response
		a.body, err = readBody(resp)
		if err != nil && resp.StatusCode/100 == 2 {
			return reqErr(a.n, err, e.creates)
		}
	}
	if resp.StatusCode/100 != 2 {
		apiErr := newAPIError(e.method, e.path, resp.StatusCode, a.body, resp.Header.Get("Retry-After"), a.n)
		apiErr.mayExist = e.creates && mayHaveArrived(a, resp, nil)
		return apiErr
	}
	if out == nil {
		return nil
	}
	if err := decodeBody(a.body, resp.Header.Get("Content-Type"), out); err != nil {
		return reqErr(a.n, err, e.creates)
	}
	return nil
}

// readBody reads and closes the response body: all of it for a 2xx
// response (Skyvern's outputs can be megabytes), a bounded prefix otherwise.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorRead))
		return b, nil
	}
	n := resp.ContentLength
	if n < 0 || n > 8<<20 { // unknown, or too large to trust for one allocation
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("reading response body: %w", err)
		}
		return b, nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(resp.Body, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("reading response body: cut off: %w", err)
	}
	return b, nil
}

// malformedError reports a 2xx body that is not the expected JSON.
type malformedError struct {
	msg   string
	cause error
}

func (e *malformedError) Error() string        { return "malformed response: " + e.msg }
func (e *malformedError) Unwrap() error        { return e.cause }
func (e *malformedError) Is(target error) bool { return target == ErrMalformedResponse }

// decodeBody decodes a 2xx body into out, calling out's UnmarshalJSON
// directly when it has one so that the body is validated only once.
func decodeBody(body []byte, contentType string, out any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return &malformedError{msg: "empty body, want JSON"}
	}
	if trimmed[0] == 'n' && string(trimmed) == "null" {
		return &malformedError{msg: "body is JSON null, want a value"}
	}
	var err error
	if u, ok := out.(json.Unmarshaler); ok {
		if !json.Valid(trimmed) {
			// Run the decoder only to get its precise error.
			var v any
			err = json.Unmarshal(trimmed, &v)
		} else {
			err = u.UnmarshalJSON(trimmed)
		}
	} else {
		err = json.Unmarshal(trimmed, out)
	}
	if err == nil {
		return nil
	}
	msg := err.Error()
	var syn *json.SyntaxError
	if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
		if contentType == "" {
			contentType = "no Content-Type"
		}
		msg = fmt.Sprintf("body is not valid JSON (%s, %d bytes): %v", contentType, len(body), err)
	}
	return &malformedError{msg: msg, cause: err}
}

// shouldRetry is the retry policy. Reads and cancels are retried on
// connection errors and on 408, 429, 500, 502, 503 and 504. Calls that
// create something are retried only when the request provably never reached
// the server, or on 429, or on 503 with Retry-After.
func (c *Client) shouldRetry(creates bool, a *attempt, resp *http.Response, err error) bool {
	if err != nil {
		if permanent(err) {
			return false
		}
		if creates {
			return !mayHaveArrived(a, nil, err)
		}
		return true
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusServiceUnavailable:
		return !creates || resp.Header.Get("Retry-After") != ""
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return !creates
	}
	return false
}

// mayHaveArrived reports whether a failed attempt may have been acted on by
// the server.
func mayHaveArrived(a *attempt, resp *http.Response, err error) bool {
	if resp != nil {
		switch code := resp.StatusCode; {
		case code == http.StatusTooManyRequests:
			return false
		case code == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
			return false
		case code == http.StatusRequestTimeout || code >= 500:
			return true
		case code/100 == 2:
			return true
		}
		return false // any other 4xx is a refusal
	}
	if a.getConn.Load() {
		// The transport reports its connection attempts: if it never got a
		// connection, not a byte of the request was written.
		return a.gotConn.Load()
	}
	// A transport that does not report them: trust only errors that cannot
	// happen once a request is on its way.
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return false
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect") {
		return false
	}
	return true
}

// isCertError reports a TLS certificate that failed verification.
func isCertError(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}

// permanent reports errors that no retry can fix.
func permanent(err error) bool {
	msg := err.Error()
	return isCertError(err) ||
		strings.Contains(msg, "stopped after 10 redirects") ||
		strings.Contains(msg, "unsupported protocol scheme") ||
		strings.Contains(msg, "invalid header field")
}

func (c *Client) logAttempt(ctx context.Context, cfg *config, e endpoint, a *attempt, resp *http.Response, err error, retry bool) {
	l := cfg.logger
	if l == nil || a.logged == a.n && err == nil {
		return
	}
	a.logged = a.n
	if !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []any{"method", e.method, "path", e.path, "attempt", a.n, "duration", time.Since(a.start)}
	if resp != nil {
		attrs = append(attrs, "status", resp.StatusCode)
	}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	attrs = append(attrs, "retry", retry)
	l.DebugContext(ctx, "skyvern request", attrs...)
}
