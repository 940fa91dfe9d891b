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
	"strconv"
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
	// upload, when set, is the request body, streamed from its source
	// (body is then nil): see streamBody for when it is sent again.
	upload *streamBody
	// stream marks a call whose 2xx answer is handed to the caller
	// unread; do sets it when out is a *rawResponse.
	stream bool
	// created, for a call that creates something, names the member of
	// its decoded answer that holds the id of what it created. A 2xx
	// answer where it is empty is no proof of anything: do returns an
	// error that matches ErrOutcomeUnknown and ErrMalformedResponse.
	created createdID
}

// createdID names the id a creating call's answer must hold: member is
// its place in the answer, for the error (such as "run_id"), and value
// points where out holds it once decoded.
type createdID struct {
	member string
	value  *string
}

// makes reports whether the call creates something: its result must
// come from Skyvern's answer and nowhere else.
func (e *endpoint) makes() bool { return e.creates || e.created.value != nil }

// rawResponse is the out of a streamed download. After a 2xx answer, resp
// is that answer with its body unread: the caller reads and closes it.
// After any other answer, resp is that answer, its body already read and
// closed, for the headers that explain it. attempts counts the attempts.
type rawResponse struct {
	resp     *http.Response
	attempts int
}

// do sends the request described by e, with retries, and decodes a 2xx
// answer's body into out (unless out is nil). Every call takes the same
// four steps, in this order: build the request, send it with retries,
// classify the outcome, decode the answer.
//
// The whole path, in reading order: do and prepare (here); the engine
// (newEngine, retry.go), which runs each attempt as begin, the
// *http.Client of newHTTPClient and its attemptTransport (the end of this
// file) to the wire, then settle (retry.go), which reads the answer and
// applies the retry policy below it; back here, outcome and decodeBody.
// The call travels in the request's context, the one way net/http and the
// engine give from a request back to its call (see callFrom).
//
// Each answer's body is read as its attempt ends (see settle), into the
// call's record of its latest attempt. Two kinds of call stream instead.
// An upload sets e.upload, a streamBody that prepare sends in place of a
// JSON body. A download passes a *rawResponse as out: settle then leaves
// a 2xx answer's body unread, do hands the answer over instead of
// decoding it, and the call's timeout (WithTimeout) bounds each attempt
// only until the response headers arrive (see untilHeaders).
func (c *Client) do(ctx context.Context, e endpoint, out any, opts []Option) error {
	s, err := c.setupFor(opts)
	if err != nil {
		return err
	}
	raw, _ := out.(*rawResponse)
	e.stream = raw != nil
	st := &call{e: &e, logger: s.cfg.logger, maxRetries: s.cfg.maxRetries,
		maxRetryAfter: s.cfg.engine.maxRetryAfter, maxBody: s.cfg.maxResponseBytes}

	// 1. Build the request.
	req, err := st.prepare(ctx, s)
	if err != nil {
		return st.fail(err, false) // nothing was sent
	}

	// 2. Send it, with retries. The engine (see newEngine) calls st.begin
	// before each attempt and st.settle as each ends: settle reads the
	// answer into st.last and applies the retry policy, shouldRetry.
	resp, err := s.rc.Do(req)

	// 3. Classify the outcome.
	err = st.outcome(err)
	if raw != nil {
		raw.resp, raw.attempts = st.last.resp, st.n
		if err == nil {
			return nil // the caller reads and closes the body
		}
	}
	if resp != nil {
		resp.Body.Close() // already read by settle; closed again for safety
	}
	if err != nil || out == nil {
		return err
	}

	// 4. Decode the answer.
	if err := decodeBody(st.last.body, st.last.resp.Header.Get("Content-Type"), out); err != nil {
		return st.fail(err, e.makes()) // a 2xx answer to a create: it may exist
	}
	if id := e.created; id.value != nil && *id.value == "" {
		return st.fail(noIDError(st.last.resp.StatusCode, id.member, st.last.body), true)
	}
	return nil
}

// prepare checks the call and builds its request, carrying the call in
// its context for the engine's hooks.
func (st *call) prepare(ctx context.Context, s *setup) (*retryablehttp.Request, error) {
	e, cfg := st.e, &s.cfg
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
	if e.upload != nil {
		body = retryablehttp.ReaderFunc(e.upload.reader)
	} else if e.body != nil {
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
	st.header = req.Header
	// Each request gets its own header values, so that a RoundTripper
	// that edits them in place changes this request only, never the
	// client's key, headers or defaults.
	n := 3 // Accept, User-Agent, X-Api-Key
	for _, v := range cfg.headers {
		n += len(v)
	}
	for _, v := range e.header {
		n += len(v)
	}
	hv := headerValues{h: req.Header, vals: st.hdr[:0]} // the call is allocated already
	if n+2 > len(st.hdr) {
		hv.vals = make([]string, 0, n+2)
	}
	hv.set("Accept", "application/json")
	if e.upload != nil {
		req.ContentLength = e.upload.length
		hv.set("Content-Type", e.upload.contentType)
	} else if body != nil {
		hv.set("Content-Type", "application/json")
	}
	for k, v := range cfg.headers {
		hv.set(k, v...)
	}
	for k, v := range e.header {
		hv.set(k, v...)
	}
	hv.set("User-Agent", s.ua...)
	hv.set("X-Api-Key", cfg.key.header()...)
	return req, nil
}

// headerValues sets a request's headers from one array of values, each
// header's slice capped at its own values so that an append copies them
// instead of writing over the next header's.
type headerValues struct {
	h    http.Header
	vals []string
}

func (hv *headerValues) set(key string, v ...string) {
	i := len(hv.vals)
	hv.vals = append(hv.vals, v...)
	hv.h[key] = hv.vals[i:len(hv.vals):len(hv.vals)]
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
		var co *crossOriginError
		if errors.As(a.err, &co) {
			return st.fail(co, true)
		}
		return st.fail(a.err, creates && mayHaveArrived(st, a.resp, a.err))
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

// noIDError is the error for a creating call's 2xx answer without the id
// of what it created, with Skyvern's detail when the answer holds one.
func noIDError(status int, member string, body []byte) error {
	msg := fmt.Sprintf("the %d answer has no %s, so what the call created is unknown", status, member)
	var env struct {
		Detail json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &env) == nil && len(env.Detail) > 0 && string(env.Detail) != "null" {
		var none []ValidationError
		msg += " (detail: " + renderDetail(env.Detail, &none) + ")"
	}
	return &malformedError{msg: msg}
}

// malformedError reports a 2xx body that is not the expected JSON.
type malformedError struct {
	msg   string
	cause error
}

func (e *malformedError) Error() string        { return "malformed response: " + e.msg }
func (e *malformedError) Unwrap() error        { return e.cause }
func (e *malformedError) Is(target error) bool { return target == ErrMalformedResponse }

// readBody reads and closes the response body: all of it for a 2xx
// response (Skyvern's outputs can be megabytes), up to limit bytes, failing
// with an error that matches ErrResponseTooLarge past it, and with one that
// matches ErrMalformedResponse when the body is cut off; up to maxErrorRead
// bytes otherwise, with a note when the body was cut off or longer.
func readBody(resp *http.Response, limit int64) (body []byte, note string, err error) {
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
	if n > limit {
		return nil, "", &tooLargeError{limit: limit, declared: n}
	}
	if n < 0 || n > 8<<20 { // unknown, or too large to trust for one allocation
		b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
		if err != nil {
			return nil, "", &malformedError{msg: "body cut off: " + err.Error(), cause: err}
		}
		if int64(len(b)) > limit {
			return nil, "", &tooLargeError{limit: limit, declared: n}
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

// tooLargeError reports a 2xx body longer than the call's limit. declared
// is the answer's Content-Length, or -1 when it had none.
type tooLargeError struct {
	limit, declared int64
}

func (e *tooLargeError) Error() string {
	size := "more than"
	if e.declared > 0 {
		size = strconv.FormatInt(e.declared, 10) + " bytes, more than"
	}
	return fmt.Sprintf("response body too large: %s the limit of %d bytes (raise it with WithMaxResponseBytes)", size, e.limit)
}

func (e *tooLargeError) Is(target error) bool { return target == ErrResponseTooLarge }

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
			c := callFrom(req.Context())
			creating := c != nil && c.e.makes()
			if req.ContentLength != 0 || creating && req.Method == via[0].Method {
				// A 307 or 308 would resend the request, its body (a
				// credential's password, say) or its create to another
				// origin: answer with the redirect instead, Skyvern's way
				// of saying it did not take the request.
				return http.ErrUseLastResponse
			}
			if creating {
				// Any other redirect (303 See Other, ...) points at a
				// result: what another origin answers is not what
				// Skyvern created, so never take it.
				return &crossOriginError{origin: req.URL.Scheme + "://" + req.URL.Host}
			}
			// net/http copies every header of the first request to the
			// next; Accept and User-Agent are the only ones the SDK or the
			// caller did not set for Skyvern alone.
			for k := range req.Header {
				if k != "Accept" && k != "User-Agent" {
					delete(req.Header, k)
				}
			}
			if s := req.URL.Scheme; s != "http" && s != "https" {
				return &schemeError{scheme: s} // what the transport would say, as a type
			}
		}
		if userCheck != nil {
			return userCheck(req, via)
		}
		if len(via) >= 10 {
			return errTooManyRedirects
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
	if c := callFrom(req.Context()); c != nil && c.e.stream {
		return t.untilHeaders(req)
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

// untilHeaders is RoundTrip for a streamed download: the timeout bounds
// the attempt until the response headers arrive, and the body, which may
// take far longer to read, is then bounded only by the call's context.
func (t *attemptTransport) untilHeaders(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	timer := time.AfterFunc(t.timeout, cancel)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if !timer.Stop() { // it fired: ctx is cancelled, so no body could be read
		if err == nil {
			resp.Body.Close()
		}
		cancel()
		return nil, fmt.Errorf("no response headers within %v: %w", t.timeout, context.DeadlineExceeded)
	}
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

// errTooManyRedirects ends a call after ten redirects, as net/http does
// by default.
var errTooManyRedirects = errors.New("stopped after 10 redirects")

// schemeError is a redirect to a URL that is neither http nor https. Its
// text is the one net/http's transport gives such a request.
type schemeError struct{ scheme string }

func (e *schemeError) Error() string { return "unsupported protocol scheme " + strconv.Quote(e.scheme) }

// crossOriginError is a creating call's answer redirecting to another
// origin. The redirect is not followed: the request reached Skyvern's
// origin, which may have acted on it.
type crossOriginError struct{ origin string }

func (e *crossOriginError) Error() string {
	return "the answer redirects to another origin (" + e.origin + "), which is not followed for a call that creates something; " +
		"Skyvern may have created it: look for it before trying again"
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
