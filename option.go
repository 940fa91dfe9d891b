package skyvern

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Option configures a Client when passed to NewClient, or a single call when
// passed last to a method (for example a longer timeout for one call, or an
// extra header). An invalid value makes NewClient, or the call, return an
// error that says what is wrong. A Waiter is configured by WaiterOption
// values instead, so that a Waiter's option passed to a call does not
// compile.
type Option func(*config) error

// Defaults used when no option says otherwise.
const (
	// DefaultTimeout bounds each attempt of a request: connecting, sending,
	// and reading the whole response.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxRetries is how many times a failed request is retried.
	DefaultMaxRetries = 2

	// DefaultPollFirst and DefaultPollMax bound the wait between two polls
	// of WaitForRun.
	DefaultPollFirst = time.Second
	DefaultPollMax   = 10 * time.Second

	// DefaultMaxResponseBytes bounds the body of a success answer that a
	// call reads and decodes (64 MiB): far above any real answer (a run's
	// output is what its extraction produced, typically kilobytes), low
	// enough that a broken or hostile server cannot exhaust the memory of
	// the process. WithMaxResponseBytes changes it. Streamed downloads
	// (GetArtifactContent) are not bounded by it.
	DefaultMaxResponseBytes = 64 << 20
)

// config is the resolved configuration of a Client or of one call.
type config struct {
	key          Secret // the API key
	baseURL      string // scheme://host[:port][/prefix], without a trailing slash
	engine       engineSettings
	maxRetries   int
	appUserAgent string
	headers      http.Header
	logger       *slog.Logger
	observer     Observer // see WithObserver
	// maxResponseBytes bounds a 2xx body that is read whole.
	maxResponseBytes int64
}

// engineSettings are what the retry engine (the retryablehttp.Client and
// the *http.Client under it) is built from. The rule for engines is: a call
// whose options leave these settings as the client's shares the client's
// engine; a call that changes any of them gets one of its own.
type engineSettings struct {
	httpClient    *http.Client
	timeout       time.Duration
	retryWaitMin  time.Duration
	retryWaitMax  time.Duration
	maxRetryAfter time.Duration
}

func defaultConfig() config {
	base := os.Getenv("SKYVERN_BASE_URL")
	if base == "" {
		base = CloudBaseURL
	}
	return config{
		key:        NewSecret(os.Getenv("SKYVERN_API_KEY")),
		baseURL:    base,
		maxRetries: DefaultMaxRetries,
		engine: engineSettings{
			timeout:       DefaultTimeout,
			retryWaitMin:  defaultRetryWaitMin,
			retryWaitMax:  defaultRetryWaitMax,
			maxRetryAfter: defaultMaxRetryAfter,
		},
		maxResponseBytes: DefaultMaxResponseBytes,
	}
}

// clone returns a copy that options can change without touching c.
func (c *config) clone() config {
	cc := *c
	cc.headers = c.headers.Clone()
	return cc
}

// apply runs opts on c, stopping at the first invalid one.
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

// normalizeBaseURL checks a base URL and returns it without a trailing
// slash. Its errors never repeat the parts of the URL where a secret
// pasted by mistake would sit (credentials, query, fragment, an invalid
// port); they say what is wrong and how to fix it.
func normalizeBaseURL(raw string) (string, error) {
	if !strings.Contains(raw, "://") {
		return "", errors.New("skyvern: base URL has no scheme: start it with https://, as in https://api.skyvern.com (or http:// for a local server, as in http://localhost:8000)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(err.Error(), "invalid port") {
			return "", errors.New("skyvern: base URL has an invalid port (not shown here): the port must be a number, as in https://host:8443")
		}
		return "", errors.New("skyvern: base URL is not a valid URL (not shown here, in case it holds a secret): check for spaces, control characters and stray % signs")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("skyvern: base URL scheme %q is not supported: use https:// (or http:// for a local server)", u.Scheme)
	case u.User != nil:
		return "", errors.New("skyvern: base URL must not contain credentials; pass the API key with WithAPIKey")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", errors.New("skyvern: base URL must not have a query (?...) or fragment (#...), which are not shown here; pass the API key with WithAPIKey, not in the URL")
	case u.Host == "" || u.Hostname() == "":
		return "", errors.New("skyvern: base URL has no host: use a URL such as https://api.skyvern.com")
	}
	clean := strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/")
	for _, suffix := range []string{"/api/v1", "/v1"} {
		if strings.HasSuffix(clean, suffix) {
			return "", fmt.Errorf("skyvern: base URL %q ends in %s, which every API path already starts with (requests would go to %s/v1/...): use %q",
				clean, suffix, clean, strings.TrimSuffix(clean, suffix))
		}
	}
	return clean, nil
}

// WithAPIKey returns an Option that sets the Skyvern API key, sent in the
// x-api-key header of every request (and of no request to another origin).
// Without it, NewClient reads SKYVERN_API_KEY. An empty key is an error.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if key == "" {
			return errors.New("skyvern: WithAPIKey: the key is empty")
		}
		c.key = NewSecret(key)
		return nil
	}
}

// WithBaseURL returns an Option that sets the API's base URL, such as
// CloudBaseURL, LocalBaseURL or a self-hosted server with a path prefix.
// Without it, NewClient reads SKYVERN_BASE_URL, else uses CloudBaseURL. The
// URL must be http or https, with a host and without credentials, query or
// fragment, and without the API version: every path the SDK sends starts
// with /v1, so a base URL ending in /v1 or /api/v1 is an error that says
// which URL to use instead. It applies to NewClient and to any call.
func WithBaseURL(baseURL string) Option {
	return func(c *config) error {
		u, err := normalizeBaseURL(baseURL)
		if err != nil {
			return err
		}
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient returns an Option that sends requests through hc (its
// Transport, Jar and CheckRedirect). The client never modifies hc: it uses a
// copy whose transport bounds each attempt by WithTimeout (hc.Timeout is not
// used) and whose redirect policy also drops the API key on a redirect to
// another origin.
//
// When hc.Transport is nil, requests go through the SDK's own tuned
// transport (the one used without this option: up to 64 idle connections
// per host, idle ones closed after 30 s), not http.DefaultTransport, whose 2
// idle connections per host make concurrent calls open and close a
// connection each. Set hc.Transport to choose the transport yourself.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("skyvern: WithHTTPClient: the client is nil")
		}
		c.engine.httpClient = hc
		return nil
	}
}

// WithMaxRetries returns an Option that sets how many times a failed request
// is retried (default DefaultMaxRetries, 2); 0 turns retries off. Which
// failures are retried depends on the call: see the package documentation.
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("skyvern: WithMaxRetries: %d is negative", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithRetryWait returns an Option that sets the backoff between retries: the
// wait before retry n is random between 0 and first×2ⁿ, capped at maxWait
// (defaults 500 ms and 8 s). A Retry-After header on a 429 or 503 answer
// replaces the computed wait; one that asks for more than 30 s, or for more
// than the time the call's context has left, ends the call at once with
// that answer (ErrRateLimited for a 429), its Retry-After in
// APIError.RetryAfter.
func WithRetryWait(first, maxWait time.Duration) Option {
	return func(c *config) error {
		c.engine.retryWaitMin, c.engine.retryWaitMax = first, maxWait
		return checkRange("WithRetryWait", first, maxWait)
	}
}

// WithTimeout returns an Option that bounds each attempt of a request,
// including reading the response body (default DefaultTimeout, 60 s). Retries
// (and redirects) get a fresh timeout each; bound the whole call with the
// context. 0 removes the per-attempt bound.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("skyvern: WithTimeout: %v is negative", d)
		}
		c.engine.timeout = d
		return nil
	}
}

// WithUserAgent returns an Option that names your application in the
// User-Agent header: ua (such as "orders-service/1.4") is put in front of the
// SDK's own "skyvern-go/<version>".
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if strings.ContainsAny(ua, "\r\n") {
			return errors.New("skyvern: WithUserAgent: the value contains a line break")
		}
		c.appUserAgent = strings.TrimSpace(ua)
		return nil
	}
}

// WithHeader returns an Option that adds a header to every request (or, per
// call, to that request). It cannot set x-api-key (use WithAPIKey) or
// User-Agent (use WithUserAgent).
func WithHeader(key, value string) Option {
	return func(c *config) error {
		if !validHeaderName(key) {
			return fmt.Errorf("skyvern: WithHeader: %q is not a valid header name", key)
		}
		switch http.CanonicalHeaderKey(key) {
		case "X-Api-Key":
			return errors.New("skyvern: WithHeader: set the API key with WithAPIKey")
		case "User-Agent":
			return errors.New("skyvern: WithHeader: set the user agent with WithUserAgent")
		}
		if strings.ContainsAny(value, "\r\n\x00") {
			return fmt.Errorf("skyvern: WithHeader: the value for %q contains a line break or NUL", key)
		}
		if c.headers == nil {
			c.headers = make(http.Header)
		}
		c.headers.Add(key, value)
		return nil
	}
}

// WithMaxResponseBytes returns an Option that bounds the body of a success
// answer the client reads (default DefaultMaxResponseBytes, 64 MiB). A
// longer one is not read further: the call fails with a *RequestError that
// matches ErrResponseTooLarge (and, for a call that creates something,
// ErrOutcomeUnknown, since Skyvern answered success). Streamed downloads
// (GetArtifactContent) are not bounded by it. n must be positive.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("skyvern: WithMaxResponseBytes: want a positive size, got %d", n)
		}
		c.maxResponseBytes = n
		return nil
	}
}

// WithLogger returns an Option that logs each HTTP attempt to l at debug
// level: method, path, status or error, attempt number and duration. Bodies,
// headers and the API key are never logged. Without it nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// WaitOption configures one WaitForRun call, the only method that takes
// it. WithPollInterval is a WaitOption, and so is every Option, which then
// applies to each GetRun of the wait.
type WaitOption interface {
	applyWait(*waitConfig)
}

// waitConfig is the resolved configuration of one WaitForRun call.
type waitConfig struct {
	first, maxWait time.Duration
	opts           []Option // for each GetRun
	err            error    // of the first invalid WaitOption
}

// applyWait makes an Option a WaitOption: it applies to each poll.
func (o Option) applyWait(w *waitConfig) { w.opts = append(w.opts, o) }

// pollInterval is the WaitOption WithPollInterval returns.
type pollInterval struct{ first, maxWait time.Duration }

func (p pollInterval) applyWait(w *waitConfig) {
	if err := checkRange("WithPollInterval", p.first, p.maxWait); err != nil {
		if w.err == nil {
			w.err = err
		}
		return
	}
	w.first, w.maxWait = p.first, p.maxWait
}

// WithPollInterval returns a WaitOption that sets how WaitForRun spaces
// its calls to GetRun: the first wait is about first, each next one about
// twice the last, capped at maxWait, each with random jitter (defaults
// DefaultPollFirst, 1 s, and DefaultPollMax, 10 s). Only WaitForRun takes
// it; a Waiter's fallback polling is set by WithFallbackPolling.
func WithPollInterval(first, maxWait time.Duration) WaitOption {
	return pollInterval{first, maxWait}
}

// checkRange validates a (first, max) pair of durations for option name.
func checkRange(name string, first, maxWait time.Duration) error {
	if first <= 0 || maxWait < first {
		return fmt.Errorf("skyvern: %s: want 0 < first <= max, got %v and %v", name, first, maxWait)
	}
	return nil
}
