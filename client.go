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
	"runtime"

	"github.com/google/go-querystring/query"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/skyvern-go/skyvern/internal/apikey"
	"github.com/skyvern-go/skyvern/internal/endpoint"
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

// The browser module reads a Client's key through internal/apikey, for
// the handshake with a session's browser; nothing outside the repository
// can.
func init() {
	apikey.Of = func(c any) string {
		if c, ok := c.(*Client); ok && c != nil {
			return c.cfg.key.Reveal()
		}
		return ""
	}
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

// request describes one API call: its endpoint.Call (the row of the
// endpoint table, for the HTTP method and the operation's name, and the
// escaped path, such as "/v1/runs/tsk_1"), and what it sends besides.
type request struct {
	endpoint.Call
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
func (e *request) makes() bool { return e.creates || e.created.value != nil }

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
// The whole path, in reading order: do, send and prepare (here; with an
// Observer set, do goes through observed in observe.go); retry.go from
// its top, where the engine (newEngine) runs each attempt as begin, the
// *http.Client of newHTTPClient and its attemptTransport to the wire, then
// settle, which reads the answer and applies the retry policy below it;
// back here, outcome and decodeBody.
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
//
// An empty id in e's path (see endpoint.Endpoint.With) is ErrEmptyID, and
// nothing is sent.
func (c *Client) do(ctx context.Context, e request, out any, opts []Option) error {
	if e.Path == "" {
		return ErrEmptyID
	}
	s, err := c.setupFor(opts)
	if err != nil {
		return err
	}
	_, e.stream = out.(*rawResponse)
	o := s.cfg.observer
	var st *call
	if o != nil {
		oc := new(observedCall) // the call and its observation: see observe.go
		st, oc.call.obs = &oc.call, &oc.obs
	} else {
		st = new(call)
	}
	st.e, st.logger, st.maxRetries = &e, s.cfg.logger, s.cfg.maxRetries
	st.maxRetryAfter, st.maxBody = s.cfg.engine.maxRetryAfter, s.cfg.maxResponseBytes
	if o != nil {
		return st.observed(ctx, o, s, out)
	}
	return st.send(ctx, s, out)
}

// send takes do's four steps for the call st.
func (st *call) send(ctx context.Context, s *setup, out any) error {
	e := st.e
	raw, _ := out.(*rawResponse)

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
	target := st.url // set by observed
	if target == "" {
		target = cfg.baseURL + e.Path
	}
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
	req, err := retryablehttp.NewRequestWithContext(ctx, e.Op.Method, target, body)
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
	e := newAPIError(st.e.Op.Method, st.e.Path, a.resp.StatusCode, a.body, a.resp.Header.Get("Retry-After"), st.n)
	if e.Detail == "" {
		e.note = a.note
	}
	return e
}

func (st *call) fail(err error, mayExist bool) error {
	return &RequestError{Method: st.e.Op.Method, Path: st.e.Path, Attempts: st.n, Err: err, mayExist: mayExist}
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
