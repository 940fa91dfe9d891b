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
	"math"
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

	"github.com/skyvern-go/skyvern/internal/jsonobj"
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
	cfg   config
	rc    *retryablehttp.Client // retries around cfg.httpClient, with our timeout and redirect rule
	uaHdr []string              // the User-Agent header value
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
	if cfg.idempotencyKey != "" {
		return nil, errors.New("skyvern: WithIdempotencyKey applies to one call; pass it to the method, not to NewClient")
	}
	return &Client{cfg: cfg, rc: newEngine(&cfg), uaHdr: []string{userAgent(&cfg)}}, nil
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

// String describes the client by its base URL, without its API key.
func (c Client) String() string { return "skyvern.Client{" + c.cfg.baseURL + "}" }

// Format prints String for every verb (%v, %+v, %#v, %s, ...), so that no
// way of printing a Client shows its API key.
func (c Client) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

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
// one) whose transport bounds each attempt by the configured timeout, and
// with a redirect rule that never carries the API key to another origin.
// Go's client forwards custom headers such as x-api-key on every redirect,
// and its own rule for sensitive headers ignores the port.
func newHTTPClient(c *config) *http.Client {
	var hc http.Client
	if c.httpClient != nil {
		hc = *c.httpClient
	}
	base := hc.Transport
	if base == nil {
		base = defaultTransport
		if c.httpClient != nil {
			base = http.DefaultTransport
		}
	}
	hc.Transport = &attemptTransport{base: base, timeout: c.timeout}
	hc.Timeout = 0 // attemptTransport bounds each attempt
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

// attemptTransport bounds each round trip, body included, by timeout. It
// also hides the wrapped transport's CloseIdleConnections, which
// go-retryablehttp calls after every failed call and which would close the
// idle connections of a transport the rest of the program shares.
type attemptTransport struct {
	base    http.RoundTripper
	timeout time.Duration
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.timeout <= 0 {
		return t.base.RoundTrip(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose ends an attempt's timeout when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
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
	// idempotencyKeyMakesSafe marks a creating call that Skyvern
	// de-duplicates by Idempotency-Key: with a key it is retried like a read.
	idempotencyKeyMakesSafe bool
}

// newEngine returns the retrying HTTP machinery for one configuration.
// Its hooks are shared by all calls and find each call's state in the
// request's context, so a call allocates no closures.
func newEngine(cfg *config) *retryablehttp.Client {
	maxRetryAfter := cfg.maxRetryAfter
	return &retryablehttp.Client{
		HTTPClient:   newHTTPClient(cfg),
		RetryWaitMin: cfg.retryWaitMin,
		RetryWaitMax: cfg.retryWaitMax,
		// Each call's own limit is enforced by checkRetry.
		RetryMax:       math.MaxInt32,
		RequestLogHook: startAttempt,
		CheckRetry:     checkRetry,
		Backoff: func(minWait, maxWait time.Duration, i int, resp *http.Response) time.Duration {
			return backoff(minWait, maxWait, maxRetryAfter, i, resp, time.Now())
		},
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		// Logger is nil: retryablehttp's default logger writes to stderr.
	}
}

// call is the state of one API call. It is also the context of its
// request, so the engine's hooks can find it; the retry hooks run on the
// calling goroutine, the trace hooks possibly on the transport's.
type call struct {
	context.Context
	e          *endpoint
	logger     *slog.Logger
	maxRetries int

	n        int // attempts started
	start    time.Time
	getConn  atomic.Bool // the transport started looking for a connection
	gotConn  atomic.Bool // ... and got one, so the request may have been written
	body     []byte
	bodyNote string // for an error response that was cut off or too long
	bodyRead bool
	logged   int
	retrying bool      // the last attempt's outcome was to be retried
	refusal  *APIError // that outcome, when it was an answer (429, 503, ...)
}

type callKey struct{}

// Value makes the call findable from any context derived from it.
func (c *call) Value(key any) any {
	if key == (callKey{}) {
		return c
	}
	return c.Context.Value(key)
}

func callFrom(ctx context.Context) *call {
	if c, ok := ctx.(*call); ok {
		return c
	}
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

func (c *call) fail(err error, mayExist bool) error {
	return &RequestError{Method: c.e.method, Path: c.e.path, Attempts: c.n, Err: err, mayExist: mayExist}
}

// startAttempt runs before each attempt.
func startAttempt(_ retryablehttp.Logger, req *http.Request, i int) {
	if c := callFrom(req.Context()); c != nil {
		c.n = i + 1
		c.start = time.Now()
		c.getConn.Store(false)
		c.gotConn.Store(false)
		c.bodyRead = false
		c.retrying, c.refusal = false, nil
	}
}

// readResponse reads the body of the response retryablehttp settled on,
// inside its loop, so that a connection lost while reading a read's body
// is retried like any other connection error.
func readResponse(resp *http.Response) error {
	c := callFrom(resp.Request.Context())
	body, note, err := readBody(resp)
	if c != nil {
		c.body, c.bodyNote, c.bodyRead = body, note, true
	}
	return err
}

// checkRetry decides after each attempt whether to try again.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	c := callFrom(ctx)
	if c == nil {
		return false, nil
	}
	retry := c.n <= c.maxRetries && shouldRetry(c, resp, err)
	c.retrying, c.refusal = retry, nil
	if retry && err == nil {
		// Keep the answer being retried: if the context ends during the
		// wait, it is the call's last word.
		body, _, _ := readBody(resp)
		c.refusal = newAPIError(c.e.method, c.e.path, resp.StatusCode, body, resp.Header.Get("Retry-After"), c.n)
	}
	if retry && ctx.Err() != nil {
		c.log(resp, err, false)
		return false, ctx.Err()
	}
	c.log(resp, err, retry)
	return retry, nil
}

var (
	hdrJSON = []string{"application/json"}
)

// do sends the request described by e, with retries, and decodes a 2xx
// response body into out (unless out is nil).
func (c *Client) do(ctx context.Context, e endpoint, out any, opts []Option) error {
	cfg, rc, uaHdr := &c.cfg, c.rc, c.uaHdr
	if len(opts) > 0 {
		cc := c.cfg.clone()
		if err := cc.apply(opts); err != nil {
			return err
		}
		cfg, uaHdr = &cc, []string{userAgent(&cc)}
		if cc.httpClient != c.cfg.httpClient || cc.timeout != c.cfg.timeout ||
			cc.retryWaitMin != c.cfg.retryWaitMin || cc.retryWaitMax != c.cfg.retryWaitMax {
			rc = newEngine(&cc)
		}
	}
	st := &call{Context: ctx, e: &e, logger: cfg.logger, maxRetries: cfg.maxRetries}
	if cfg.idempotencyKey != "" {
		if !e.idempotencyKeyMakesSafe {
			// net/http itself resends a POST that carries the header, which
			// is unsafe where Skyvern ignores the key.
			return st.fail(errors.New("WithIdempotencyKey: Skyvern de-duplicates only CreateWorkflow by its key; do not send one here"), false)
		}
		e.creates = false
	}
	if err := ctx.Err(); err != nil {
		return st.fail(err, false) // nothing was sent
	}

	target := cfg.baseURL + e.path
	if e.query != nil {
		v, err := query.Values(e.query)
		if err != nil {
			return st.fail(fmt.Errorf("encoding query: %w", err), false)
		}
		if q := v.Encode(); q != "" {
			target += "?" + q
		}
	}
	var body any // untyped nil: no body at all
	if e.body != nil {
		b, err := json.Marshal(e.body)
		if err != nil {
			return st.fail(fmt.Errorf("encoding request body: %w", err), false)
		}
		body = b
	}
	if e.creates {
		st.Context = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			GetConn: func(string) { st.getConn.Store(true) },
			GotConn: func(httptrace.GotConnInfo) { st.gotConn.Store(true) },
		})
	}
	req, err := retryablehttp.NewRequestWithContext(st, e.method, target, body)
	if err != nil {
		return st.fail(err, false)
	}
	// Header slices are shared, read-only, between requests.
	h := req.Header
	h["Accept"] = hdrJSON
	if body != nil {
		h["Content-Type"] = hdrJSON
	}
	for k, v := range cfg.headers {
		h[k] = v
	}
	for k, v := range e.header {
		h[k] = v
	}
	if cfg.idempotencyKey != "" {
		h["Idempotency-Key"] = []string{cfg.idempotencyKey}
	}
	h["User-Agent"] = uaHdr
	h["X-Api-Key"] = cfg.key.hdr
	req.SetResponseHandler(readResponse)

	resp, err := rc.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		if st.retrying {
			// The context ended while the call was about to try again, so
			// the last attempt was one that is safe to repeat: refused by
			// the server, or never sent.
			if st.refusal != nil {
				err = fmt.Errorf("%w; the last answer was: %w", err, st.refusal)
			}
			return st.fail(err, false)
		}
		return st.fail(err, e.creates && mayHaveArrived(st, nil, err))
	}
	if !st.bodyRead { // readResponse did not see the last response
		st.body, st.bodyNote, err = readBody(resp)
		if err != nil {
			return st.fail(err, e.creates)
		}
	}
	if resp.StatusCode/100 != 2 {
		apiErr := newAPIError(e.method, e.path, resp.StatusCode, st.body, resp.Header.Get("Retry-After"), st.n)
		if apiErr.Detail == "" && st.bodyNote != "" {
			apiErr.note = st.bodyNote
		}
		apiErr.mayExist = e.creates && mayHaveArrived(st, resp, nil)
		return apiErr
	}
	if out == nil {
		return nil
	}
	if err := decodeBody(st.body, resp.Header.Get("Content-Type"), out); err != nil {
		return st.fail(err, e.creates)
	}
	return nil
}

// readBody reads and closes the response body: all of it for a 2xx
// response (Skyvern's outputs can be megabytes), failing with an error that
// matches ErrMalformedResponse when it is cut off; up to maxErrorRead bytes
// otherwise, with a note when the body was cut off or longer.
func readBody(resp *http.Response) (body []byte, note string, err error) {
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorRead+1))
		switch {
		case err != nil:
			note = "response body cut off"
		case len(b) > maxErrorRead:
			b, note = b[:maxErrorRead], "response body too long to parse"
		}
		return b, note, nil
	}
	n := resp.ContentLength
	if n < 0 || n > 8<<20 { // unknown, or too large to trust for one allocation
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, "", &malformedError{msg: "body cut off: " + err.Error(), cause: err}
		}
		return b, "", nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(resp.Body, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, "", &malformedError{msg: fmt.Sprintf("body cut off before its %d bytes: %v", n, err), cause: err}
	}
	return b, "", nil
}

// malformedError reports a 2xx body that is not the expected JSON.
type malformedError struct {
	msg   string
	cause error
}

func (e *malformedError) Error() string        { return "malformed response: " + e.msg }
func (e *malformedError) Unwrap() error        { return e.cause }
func (e *malformedError) Is(target error) bool { return target == ErrMalformedResponse }

// decodeBody decodes a 2xx body into out in one pass. body is the call's
// own buffer, so raw members of the result (a run's Output, Extra values)
// share its bytes instead of being copied.
func decodeBody(body []byte, contentType string, out any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return &malformedError{msg: "empty body, want JSON"}
	}
	if trimmed[0] == 'n' && string(trimmed) == "null" {
		return &malformedError{msg: "body is JSON null, want a value"}
	}
	err := jsonobj.UnmarshalOwned(trimmed, out)
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
func shouldRetry(c *call, resp *http.Response, err error) bool {
	creates := c.e.creates
	if err != nil {
		if permanent(err) {
			return false
		}
		if creates {
			return !mayHaveArrived(c, nil, err)
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
func mayHaveArrived(a *call, resp *http.Response, err error) bool {
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

// log writes one debug line per attempt (and one more if reading the body
// failed): never bodies, headers or the key.
func (c *call) log(resp *http.Response, err error, retry bool) {
	l := c.logger
	if l == nil || c.logged == c.n && err == nil {
		return
	}
	c.logged = c.n
	if !l.Enabled(c, slog.LevelDebug) {
		return
	}
	attrs := []any{"method", c.e.method, "path", c.e.path, "attempt", c.n, "duration", time.Since(c.start)}
	if resp != nil {
		attrs = append(attrs, "status", resp.StatusCode)
	}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	attrs = append(attrs, "retry", retry)
	l.DebugContext(c, "skyvern request", attrs...)
}
