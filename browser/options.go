package browser

import (
	"fmt"
	"time"

	"github.com/skyvern-go/skyvern"
)

// Defaults used when no Option says otherwise.
const (
	// DefaultSelectorTimeout bounds the selector step of Click, Fill and
	// SelectOption: how long the element may take to appear and become
	// usable before the AI step takes over (Skyvern's own SDKs wait 5 s).
	DefaultSelectorTimeout = 5 * time.Second

	// DefaultRateLimitFirst and DefaultRateLimitMax bound the wait between
	// two tries of an AI action that Skyvern refused with 429 because the
	// organization already runs as many actions as it may.
	DefaultRateLimitFirst = 500 * time.Millisecond
	DefaultRateLimitMax   = 10 * time.Second

	// closeTimeout bounds the close of a session the module opened, which
	// goes out even when the caller's context has ended.
	closeTimeout = 2 * time.Minute
)

// Option configures a Browser: pass it to Launch, Use, Reuse,
// ConnectSession or Connect. An invalid value makes that call return an
// error that says what is wrong.
type Option func(*config) error

// config is the resolved configuration of a Browser.
type config struct {
	key             skyvern.Secret
	waiter          *skyvern.Waiter
	selectorTimeout time.Duration
	backoffFirst    time.Duration
	backoffMax      time.Duration
	callOpts        []skyvern.Option
}

func newConfig(opts []Option) (config, error) {
	c := config{
		selectorTimeout: DefaultSelectorTimeout,
		backoffFirst:    DefaultRateLimitFirst,
		backoffMax:      DefaultRateLimitMax,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return config{}, err
		}
	}
	return c, nil
}

// WithAPIKey returns an Option that sets the API key sent in the x-api-key
// header of the WebSocket handshake with a Skyvern session's browser. The
// key is sent to the session's browser_address only, never to an address
// given to Connect. Without it, the key is the client's own (the one
// skyvern.NewClient was given, or read from SKYVERN_API_KEY): set it only
// where the session's browser takes another key than the API.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if key == "" {
			return fmt.Errorf("browser: WithAPIKey: the key is empty")
		}
		c.key = skyvern.NewSecret(key)
		return nil
	}
}

// WithWaiter returns an Option that makes the agent runs of the Browser's
// pages (RunTask, Login, DownloadFiles, RunWorkflow) wait for their run
// with w, which takes the runs' webhooks, instead of polling each run with
// Client.WaitForRun (the default).
func WithWaiter(w *skyvern.Waiter) Option {
	return func(c *config) error {
		if w == nil {
			return fmt.Errorf("browser: WithWaiter: the waiter is nil")
		}
		c.waiter = w
		return nil
	}
}

// WithSelectorTimeout returns an Option that bounds the selector step of
// Click, Fill and SelectOption (default DefaultSelectorTimeout): the
// element must appear and become usable within d, else the AI step runs
// (or, without a prompt, the action fails with a *SelectorError).
func WithSelectorTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("browser: WithSelectorTimeout: %v is not positive", d)
		}
		c.selectorTimeout = d
		return nil
	}
}

// WithRateLimitBackoff returns an Option that sets the wait between two
// tries of an AI action Skyvern refused with 429 (its cap on the actions
// an organization runs at once): first, doubling up to maxWait, with
// random jitter, or the server's Retry-After when it sends one (capped at
// maxWait). The defaults are DefaultRateLimitFirst and DefaultRateLimitMax.
// The tries go on until the action is taken or the context ends.
func WithRateLimitBackoff(first, maxWait time.Duration) Option {
	return func(c *config) error {
		if first <= 0 || maxWait < first {
			return fmt.Errorf("browser: WithRateLimitBackoff: want 0 < first <= maxWait, got %v and %v", first, maxWait)
		}
		c.backoffFirst, c.backoffMax = first, maxWait
		return nil
	}
}

// WithCallOptions returns an Option that passes opts to every Skyvern API
// call the Browser makes (creating, reading and closing its session, AI
// actions, agent runs and their waits), such as skyvern.WithTimeout for AI
// actions that run longer than the client's per-attempt timeout.
func WithCallOptions(opts ...skyvern.Option) Option {
	return func(c *config) error {
		c.callOpts = append(c.callOpts, opts...)
		return nil
	}
}
