package skyvern

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"runtime"
	"strings"
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
	setup
}

// setup is what a call runs with: its configuration, the retry engine built
// from cfg.engine, and the User-Agent header made from cfg.
type setup struct {
	cfg config
	rc  *retryablehttp.Client
	ua  []string
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
	base, err := normalizeBaseURL(cfg.baseURL) // SKYVERN_BASE_URL may be bad
	if err != nil {
		return nil, fmt.Errorf("%w (from SKYVERN_BASE_URL)", err)
	}
	cfg.baseURL = base
	if cfg.key.IsZero() {
		return nil, ErrNoAPIKey
	}
	if cfg.idempotencyKey != "" {
		return nil, errors.New("skyvern: WithIdempotencyKey applies to one call; pass it to the method, not to NewClient")
	}
	return &Client{setup{cfg: cfg, rc: newEngine(&cfg.engine), ua: []string{userAgent(&cfg)}}}, nil
}

// setupFor returns the setup of a call given opts: the client's own when
// there are none; otherwise the client's configuration changed by opts,
// with the client's engine unless opts change the engine's settings.
func (c *Client) setupFor(opts []Option) (*setup, error) {
	if len(opts) == 0 {
		return &c.setup, nil
	}
	s := &setup{cfg: c.cfg.clone(), rc: c.rc, ua: c.ua}
	if err := s.cfg.apply(opts); err != nil {
		return nil, err
	}
	if s.cfg.engine != c.cfg.engine {
		s.rc = newEngine(&s.cfg.engine)
	}
	if s.cfg.appUserAgent != c.cfg.appUserAgent {
		s.ua = []string{userAgent(&s.cfg)}
	}
	return s, nil
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

// defaultTransport is the SDK's own transport, used unless WithHTTPClient
// gives a client with a Transport of its own.
var defaultTransport = newDefaultTransport()

// newDefaultTransport returns http.DefaultTransport's settings with more
// idle connections per host (concurrent calls reuse connections instead of
// opening one each) and an idle timeout below the 60 s after which common
// load balancers drop idle connections: a connection the server closes as
// the client reuses it fails the request on it.
func newDefaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	t.IdleConnTimeout = 30 * time.Second
	return t
}

// newHTTPClient returns a copy of the configured *http.Client (or a default
// one) whose transport bounds each attempt by the configured timeout, and
// with a redirect rule that never carries the API key to another origin.
// Go's client forwards custom headers such as x-api-key on every redirect,
// and its own rule for sensitive headers ignores the port.
func newHTTPClient(c *engineSettings) *http.Client {
	var hc http.Client
	if c.httpClient != nil {
		hc = *c.httpClient
	}
	base := hc.Transport
	if base == nil {
		base = defaultTransport
	}
	hc.Transport = &attemptTransport{base: base, timeout: c.timeout}
	hc.Timeout = 0 // attemptTransport bounds each attempt
	userCheck := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !sameOrigin(req.URL, via[0].URL) {
			if req.ContentLength != 0 {
				// A 307 or 308 would resend the body (a credential's
				// password, say) to another origin: answer with the
				// redirect instead.
				return http.ErrUseLastResponse
			}
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

// do sends the request described by e, with retries, and decodes a 2xx
// response body into out (unless out is nil). Every call takes the same
// four steps: prepare the request, send it with retries, classify the
// outcome, decode the answer.
//
// The body of each answer is read inside the engine (see settle), into
// the call's record of its latest attempt. A streamed upload would be
// prepared with a one-shot body and the creates rule (never repeated once
// it may have been sent); a streamed download would be an out that takes
// the open body instead of a decoded value, which settle then leaves
// unread for a 2xx answer.
func (c *Client) do(ctx context.Context, e endpoint, out any, opts []Option) error {
	s, err := c.setupFor(opts)
	if err != nil {
		return err
	}
	st := &call{e: &e, logger: s.cfg.logger, maxRetries: s.cfg.maxRetries}

	req, err := st.prepare(ctx, s)
	if err != nil {
		return st.fail(err, false) // nothing was sent
	}
	resp, err := s.rc.Do(req)
	if resp != nil {
		resp.Body.Close() // already read by settle; closed again for safety
	}
	if err := st.outcome(err); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := decodeBody(st.last.body, st.last.resp.Header.Get("Content-Type"), out); err != nil {
		return st.fail(err, e.creates)
	}
	return nil
}

var hdrJSON = []string{"application/json"}

// prepare checks the call and builds its request, carrying the call in
// its context for the engine's hooks.
func (st *call) prepare(ctx context.Context, s *setup) (*retryablehttp.Request, error) {
	e, cfg := st.e, &s.cfg
	if cfg.idempotencyKey != "" {
		if !e.idempotencyKeyMakesSafe {
			// net/http itself resends a POST that carries the header, which
			// is unsafe where Skyvern ignores the key.
			return nil, errors.New("WithIdempotencyKey: Skyvern de-duplicates only CreateWorkflow by its key; do not send one here")
		}
		e.creates = false
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	target := cfg.baseURL + e.path
	if e.query != nil {
		v, err := query.Values(e.query)
		if err != nil {
			return nil, fmt.Errorf("encoding query: %w", err)
		}
		if q := v.Encode(); q != "" {
			target += "?" + q
		}
	}
	var body any // untyped nil: no body at all
	if e.body != nil {
		b, err := json.Marshal(e.body)
		if err != nil {
			return nil, fmt.Errorf("encoding request body: %w", err)
		}
		body = b
	}
	ctx = context.WithValue(ctx, callKey{}, st)
	if e.creates {
		ctx = httptrace.WithClientTrace(ctx, st.conn.trace())
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, e.method, target, body)
	if err != nil {
		return nil, err
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
	h["User-Agent"] = s.ua
	h["X-Api-Key"] = cfg.key.header()
	return req, nil
}

// outcome classifies the end of the call, from the engine's error and the
// record of the last attempt: nil when that attempt brought a 2xx answer
// whose body is in st.last.body.
func (st *call) outcome(err error) error {
	a, creates := &st.last, st.e.creates
	switch {
	case err != nil && a.retrying:
		// The context ended while the call was about to try again, so
		// the last attempt is one that is safe to repeat: refused by the
		// server, or never sent.
		if a.err == nil {
			err = fmt.Errorf("%w; the last answer was: %w", err, st.apiError())
		}
		return st.fail(err, false)
	case a.err != nil:
		return st.fail(a.err, creates && mayHaveArrived(st, nil, a.err))
	case err != nil:
		return st.fail(err, creates && mayHaveArrived(st, nil, err))
	case a.resp.StatusCode/100 != 2:
		apiErr := st.apiError()
		apiErr.mayExist = creates && mayHaveArrived(st, a.resp, nil)
		return apiErr
	}
	return nil
}

// apiError is the error for the last attempt's non-2xx answer.
func (st *call) apiError() *APIError {
	a := &st.last
	e := newAPIError(st.e.method, st.e.path, a.resp.StatusCode, a.body, a.resp.Header.Get("Retry-After"), st.n)
	if e.Detail == "" {
		e.note = a.note
	}
	return e
}

func (st *call) fail(err error, mayExist bool) error {
	return &RequestError{Method: st.e.method, Path: st.e.path, Attempts: st.n, Err: err, mayExist: mayExist}
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
