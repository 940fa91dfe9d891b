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
// extra header). Every With... function returns an Option; an invalid value
// makes NewClient, or the call, return an error that says what is wrong.
type Option func(*config) error

// Defaults used when no option says otherwise.
const (
	// DefaultTimeout bounds each attempt of a request: connecting, sending,
	// and reading the whole response.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxRetries is how many times a failed request is retried.
	DefaultMaxRetries = 2

	// DefaultPollFirst and DefaultPollMax bound the wait between two polls
	// of WaitForRun and of a Waiter's fallback polling.
	DefaultPollFirst = time.Second
	DefaultPollMax   = 10 * time.Second

	defaultRetryWaitMin  = 500 * time.Millisecond
	defaultRetryWaitMax  = 8 * time.Second
	defaultMaxRetryAfter = 30 * time.Second
)

// config is the resolved configuration of a Client or of one call.
type config struct {
	key           *secret // a pointer, so that printing a config never shows the key
	baseURL       string  // scheme://host[:port][/prefix], without a trailing slash
	httpClient    *http.Client
	maxRetries    int
	timeout       time.Duration
	appUserAgent  string
	headers       http.Header
	logger        *slog.Logger
	retryWaitMin  time.Duration
	retryWaitMax  time.Duration
	maxRetryAfter time.Duration
	pollFirst     time.Duration
	pollMax       time.Duration
	// Used by NewWaiter only.
	fallbackFirst      time.Duration
	fallbackMax        time.Duration
	maxConcurrentPolls int
	recentMax          int
	recentTTL          time.Duration
	// idempotencyKey is set per call only.
	idempotencyKey string
}

// secret holds the API key, and the header value made of it. Its formatting
// methods never reveal the value, for code (a debugger, a pretty-printer)
// that reaches it despite the pointer.
type secret struct {
	v   string
	hdr []string
}

func newSecret(key string) *secret { return &secret{v: key, hdr: []string{key}} }

func (*secret) String() string               { return "[redacted]" }
func (*secret) GoString() string             { return "[redacted]" }
func (s *secret) Format(f fmt.State, _ rune) { fmt.Fprint(f, "[redacted]") }

func defaultConfig() config {
	base := os.Getenv("SKYVERN_BASE_URL")
	if base == "" {
		base = CloudBaseURL
	}
	return config{
		key:           newSecret(os.Getenv("SKYVERN_API_KEY")),
		baseURL:       base,
		maxRetries:    DefaultMaxRetries,
		timeout:       DefaultTimeout,
		retryWaitMin:  defaultRetryWaitMin,
		retryWaitMax:  defaultRetryWaitMax,
		maxRetryAfter: defaultMaxRetryAfter,
		pollFirst:     DefaultPollFirst,
		pollMax:       DefaultPollMax,

		fallbackFirst:      DefaultFallbackFirst,
		fallbackMax:        DefaultFallbackMax,
		maxConcurrentPolls: DefaultMaxConcurrentPolls,
		recentMax:          DefaultRecentResults,
		recentTTL:          DefaultRecentTTL,
	}
}

// clone returns a copy that options can change without touching c.
func (c *config) clone() config {
	cc := *c
	cc.headers = c.headers.Clone()
	return cc
}

// normalizeBaseURL checks a base URL and returns it without a trailing slash.
func normalizeBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("skyvern: invalid base URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("skyvern: base URL %q must start with https:// or http://", raw)
	case u.Host == "":
		return "", fmt.Errorf("skyvern: base URL %q has no host", raw)
	case u.User != nil:
		return "", errors.New("skyvern: base URL must not contain credentials; pass the API key with WithAPIKey")
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("skyvern: base URL %q must not have a query or fragment", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// WithAPIKey returns an Option that sets the Skyvern API key, sent in the
// x-api-key header of every request (and of no request to another origin).
// Without it, NewClient reads SKYVERN_API_KEY. An empty key is an error.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if key == "" {
			return errors.New("skyvern: WithAPIKey: the key is empty")
		}
		c.key = newSecret(key)
		return nil
	}
}

// WithBaseURL returns an Option that sets the API's base URL, such as
// CloudBaseURL, LocalBaseURL or a self-hosted server with a path prefix.
// Without it, NewClient reads SKYVERN_BASE_URL, else uses CloudBaseURL. The
// URL must be http or https, with a host and without credentials, query or
// fragment.
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
// another origin. The default is a client of the SDK's own with a pooled
// http.Transport.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("skyvern: WithHTTPClient: the client is nil")
		}
		c.httpClient = hc
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
// replaces the computed wait, up to 30 s.
func WithRetryWait(first, maxWait time.Duration) Option {
	return func(c *config) error {
		c.retryWaitMin, c.retryWaitMax = first, maxWait
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
		c.timeout = d
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

// WithIdempotencyKey returns an Option for one call that sends key in the
// Idempotency-Key header. Skyvern de-duplicates CreateWorkflow by it: a
// repeat with the same key creates nothing and answers with the workflow
// the key first created. So a CreateWorkflow call with a key is also retried
// like a read. Use a new key for each new workflow: a key already used for
// another definition does not create it (skyverntest refuses it with 422).
// The key must be 1 to 255 visible ASCII characters. Passing it to
// NewClient is an error, since one key must not serve different requests.
func WithIdempotencyKey(key string) Option {
	return func(c *config) error {
		if len(key) == 0 || len(key) > 255 {
			return fmt.Errorf("skyvern: WithIdempotencyKey: want 1 to 255 characters, got %d", len(key))
		}
		for i := 0; i < len(key); i++ {
			if key[i] <= ' ' || key[i] >= 0x7f {
				return errors.New("skyvern: WithIdempotencyKey: the key must be visible ASCII")
			}
		}
		c.idempotencyKey = key
		return nil
	}
}

// WithPollInterval returns an Option that sets how WaitForRun, and a
// Waiter's fallback polling, space their calls to GetRun: the first wait is
// about first, each next one about twice the last, capped at maxWait, each
// with random jitter (defaults DefaultPollFirst, 1 s, and DefaultPollMax,
// 10 s).
func WithPollInterval(first, maxWait time.Duration) Option {
	return func(c *config) error {
		c.pollFirst, c.pollMax = first, maxWait
		return checkRange("WithPollInterval", first, maxWait)
	}
}

// checkRange validates a (first, max) pair of durations for option name.
func checkRange(name string, first, maxWait time.Duration) error {
	if first <= 0 || maxWait < first {
		return fmt.Errorf("skyvern: %s: want 0 < first <= max, got %v and %v", name, first, maxWait)
	}
	return nil
}
