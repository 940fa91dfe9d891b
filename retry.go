package skyvern

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// newEngine returns the retrying HTTP machinery for one set of engine
// settings. Its hooks are shared by every call that uses it; each finds
// its call in the request's context (callFrom) and hands over to it:
// begin before an attempt, settle after it. An engine per call, with
// hooks that close over the call, would cost three allocations a call
// (go-retryablehttp's Client escapes, and so does each closure).
func newEngine(s *engineSettings) *retryablehttp.Client {
	maxRetryAfter := s.maxRetryAfter
	return &retryablehttp.Client{
		HTTPClient:   newHTTPClient(s),
		RetryWaitMin: s.retryWaitMin,
		RetryWaitMax: s.retryWaitMax,
		// Each call's own limit is enforced by settle.
		RetryMax: math.MaxInt32,
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, i int) {
			c := callFrom(req.Context())
			c.begin(i + 1)
			if c.obs != nil {
				c.startAttempt(req.Context(), i+1)
			}
		},
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			return callFrom(ctx).settle(ctx, resp, err)
		},
		Backoff: func(minWait, maxWait time.Duration, i int, resp *http.Response) time.Duration {
			return backoff(minWait, maxWait, maxRetryAfter, i, resp, time.Now())
		},
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		// Logger is nil: retryablehttp's default logger writes to stderr.
	}
}

// call is the state of one API call. The engine's hooks run on the
// calling goroutine, one attempt after another; only conn is written by
// the transport's goroutines.
type call struct {
	e             *request
	logger        *slog.Logger
	maxRetries    int
	maxRetryAfter time.Duration // the longest Retry-After the call waits for
	maxBody       int64         // the longest 2xx body it reads
	hdr           [8]string     // the request's header values, when they fit
	header        http.Header   // the request's headers, for permanent

	n     int       // attempts started
	start time.Time // when the current attempt started
	conn  connTrace // the current attempt's connections, for creating calls
	last  attempt   // the outcome of the latest attempt

	obs *observation // set when an observer watches the call (see observe.go)
	url string       // the call's URL without its query, once observed built it
}

// attempt is the outcome of one attempt, as settle recorded it.
type attempt struct {
	resp     *http.Response // nil when no answer came; its body is read
	body     []byte         // resp's body (bounded for a non-2xx answer)
	note     string         // why an error body is incomplete
	err      error          // the transport's error, or a 2xx body that could not be read
	retrying bool           // the policy said to try again
}

type callKey struct{}

// callFrom returns the call a request's context carries (see prepare), or
// nil for a request the SDK did not make. The context is the one way
// net/http and go-retryablehttp give from a request back to its call:
// the engine's hooks, the transport and the redirect rule all use it.
func callFrom(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

// begin starts attempt n.
func (c *call) begin(n int) {
	c.n = n
	c.start = time.Now()
	c.conn.flags.Store(0)
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
	ctx := req.Context()
	c := callFrom(ctx)
	if c != nil && c.obs != nil && c.obs.actx != nil {
		// The request carries the observer's attempt context: in the
		// copy made for the timeout below, or in one of its own.
		ctx = c.obs.actx
		if t.timeout <= 0 || c.e.stream {
			req = req.WithContext(ctx)
		}
	}
	if t.timeout <= 0 {
		return t.base.RoundTrip(req)
	}
	if c != nil && c.e.stream {
		return t.untilHeaders(req)
	}
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
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

// settle is the engine's CheckRetry, called once per attempt as it ends:
// it reads the answer's body (so that a connection lost while reading a
// read's body is retried like any other connection error), records the
// outcome in c.last, logs it, and decides whether to try again.
func (c *call) settle(ctx context.Context, resp *http.Response, err error) (bool, error) {
	a := attempt{err: err}
	if err != nil {
		if co := (*crossOriginError)(nil); errors.As(err, &co) {
			a.err = co // without net/http's wrapping, which repeats the URL
		}
	} else {
		a.resp = resp
		if !c.e.stream || resp.StatusCode/100 != 2 { // a streamed 2xx body is the caller's
			a.body, a.note, a.err = readBody(resp, c.maxBody)
		}
	}
	answer := resp
	if a.err != nil {
		answer = nil // judge a cut-off body like a lost connection
	}
	a.retrying = c.n <= c.maxRetries && shouldRetry(c, answer, a.err)
	if a.retrying && answer != nil && c.waitTooLong(ctx, answer) {
		a.retrying = false
	}
	c.last = a
	if c.obs != nil {
		c.endAttempt(a.retrying && ctx.Err() == nil)
	}
	if a.retrying && ctx.Err() != nil {
		c.log(ctx, false) // the call is over; no wait, no retry
		return false, ctx.Err()
	}
	c.log(ctx, a.retrying)
	return a.retrying, nil
}

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

// log writes one debug line for the attempt just settled: never bodies,
// headers or the key.
func (c *call) log(ctx context.Context, retry bool) {
	l := c.logger
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []any{"method", c.e.Op.Method, "path", c.e.Path, "attempt", c.n, "duration", time.Since(c.start)}
	if c.last.resp != nil {
		attrs = append(attrs, "status", c.last.resp.StatusCode)
	}
	if c.last.err != nil {
		attrs = append(attrs, "error", c.last.err.Error())
	}
	attrs = append(attrs, "retry", retry)
	l.DebugContext(ctx, "skyvern request", attrs...)
}

// shouldRetry is the retry policy. Reads and cancels are retried on
// connection errors and on 408, 429, 500, 502, 503 and 504. Calls that
// create something are retried only when the request provably never reached
// the server, or on 429, or on 503 with a valid Retry-After (see
// parseRetryAfter).
//
// A streamed upload is also never repeated unless its body can be sent
// again (see streamBody.resendable).
func shouldRetry(c *call, resp *http.Response, err error) bool {
	if c.e.upload != nil && !c.e.upload.resendable() {
		return false
	}
	creates := c.e.creates
	if err != nil {
		if c.permanent(err) {
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
		return !creates || hasRetryAfter(resp)
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return !creates
	}
	return false
}

// permanent reports a failure that every attempt would meet alike, so
// that no retry can fix it. It goes by the error's type; for the one case
// net/http reports only in words (a header it refuses to send), it looks
// at the request's headers instead.
func (c *call) permanent(err error) bool {
	var co *crossOriginError
	var se *schemeError
	return errors.As(err, &co) || errors.As(err, &se) ||
		errors.Is(err, ErrResponseTooLarge) || errors.Is(err, errTooManyRedirects) ||
		isCertError(err) || !sendableHeader(c.header)
}

// sendableHeader reports whether net/http's transport sends h: every name
// a token and no value with a control character other than tab. It
// refuses any other request before it is written, on every attempt.
func sendableHeader(h http.Header) bool {
	for k, vs := range h {
		if !validHeaderName(k) {
			return false
		}
		for _, v := range vs {
			for i := 0; i < len(v); i++ {
				if b := v[i]; b < ' ' && b != '\t' || b == 0x7f {
					return false
				}
			}
		}
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

// mayHaveArrived reports whether a failed attempt may have been acted on by
// the server.
func mayHaveArrived(a *call, resp *http.Response, err error) bool {
	if resp != nil {
		switch code := resp.StatusCode; {
		case code == http.StatusTooManyRequests:
			return false
		case code == http.StatusServiceUnavailable && hasRetryAfter(resp):
			return false
		case code == http.StatusRequestTimeout || code >= 500:
			return true
		case code/100 == 2:
			return true
		}
		return false // any other 4xx is a refusal
	}
	if f := a.conn.flags.Load(); f&askedConn != 0 {
		// The transport reports its connections.
		switch {
		case f&gotConn == 0:
			// It never got one: not a byte of the request was written.
			return false
		case f&(reusedConn|wroteRequest) == reusedConn && !endedByTimeOrCancel(err):
			// It got a pooled connection, which failed before the
			// request was written in full: the server had closed it
			// while it sat idle, so nothing on it can have been acted
			// on. (A request written in full, then met by EOF, may have
			// been read: it stays "may have arrived". A timeout or a
			// cancel is excluded because HTTP/2 can return those before
			// it reports a write that went through.)
			return false
		}
		return true
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

// endedByTimeOrCancel reports an error caused by a deadline or a cancel.
func endedByTimeOrCancel(err error) bool {
	var ne net.Error
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, &ne) && ne.Timeout()
}

// connTrace records, through httptrace, what the transport did about
// connections during the current attempt of a creating call. Its hooks
// may run on the transport's goroutines.
type connTrace struct{ flags atomic.Uint32 }

const (
	askedConn    uint32 = 1 << iota // the transport looked for a connection
	gotConn                         // ... and got one
	reusedConn                      // the latest one it got was reused from the pool
	wroteRequest                    // the whole request was written to a connection
)

func (t *connTrace) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn: func(string) { t.flags.Or(askedConn) },
		GotConn: func(info httptrace.GotConnInfo) {
			if info.Reused {
				t.flags.Or(gotConn | reusedConn)
			} else {
				t.flags.And(^reusedConn)
				t.flags.Or(gotConn)
			}
		},
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				t.flags.Or(wroteRequest) // never cleared: any full write counts
			}
		},
	}
}

// waitTooLong reports an answer whose Retry-After asks for a wait longer
// than the call waits (the cap) or than the time its context has left:
// the call then ends at once with that answer, instead of sleeping
// through a wait that either ends in a retry Skyvern asked not to get or
// is cut short by the context.
func (c *call) waitTooLong(ctx context.Context, resp *http.Response) bool {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return false
	}
	now := time.Now()
	d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now)
	if !ok {
		return false
	}
	if d > c.maxRetryAfter {
		return true
	}
	deadline, ok := ctx.Deadline()
	return ok && now.Add(d).After(deadline)
}

// The policy's waits, unless WithRetryWait says otherwise: backoff's
// first ceiling and its cap, and the longest Retry-After a call waits for
// (waitTooLong ends the call on a longer one).
const (
	defaultRetryWaitMin  = 500 * time.Millisecond
	defaultRetryWaitMax  = 8 * time.Second
	defaultMaxRetryAfter = 30 * time.Second
)

// backoff returns the wait before retry i+1: the server's Retry-After on a
// 429 or 503 (seconds or an HTTP date), capped at maxRetryAfter (settle
// does not retry past a longer one); otherwise
// a random wait between 0 and first×2^i, capped at maxWait ("full jitter",
// so that many clients retrying together spread out).
func backoff(first, maxWait, maxRetryAfter time.Duration, i int, resp *http.Response, now time.Time) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
			return min(d, maxRetryAfter)
		}
	}
	ceiling := maxWait
	if i < 32 {
		if d := first << i; d > 0 && d < maxWait {
			ceiling = d
		}
	}
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}

// parseRetryAfter parses a Retry-After value as RFC 9110 defines it:
// delay-seconds (ASCII digits only, no sign; a huge value is capped at a
// day) or an HTTP date (one in the past means no wait). Anything else
// ("abc", "1.5", "-1", "0x10", "1e3", full-width digits) is not a
// Retry-After at all: it proves nothing about whether the server took the
// request.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.Trim(v, " \t")
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		const maxSecs = int64(24 * time.Hour / time.Second)
		var secs int64
		for i := 0; i < len(v); i++ {
			c := v[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			if secs = secs*10 + int64(c-'0'); secs > maxSecs {
				secs = maxSecs + 1 // stays above the cap, never overflows
			}
		}
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// hasRetryAfter reports whether resp carries a Retry-After that parses.
func hasRetryAfter(resp *http.Response) bool {
	_, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Time{})
	return ok
}
