package skyverntest

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Defaults of a Server's configuration.
const (
	// DefaultRunDuration is how long a run takes, on the server's clock,
	// from created to its final status (see WithRunDuration).
	DefaultRunDuration = time.Second
	// DefaultWebhookBackoff is the base of the wait between webhook
	// delivery attempts, as on Skyvern's server (see WithWebhookBackoff).
	DefaultWebhookBackoff = time.Second
	// DefaultWebhookTimeout bounds each webhook delivery attempt, as on
	// Skyvern's server (see WithWebhookTimeout).
	DefaultWebhookTimeout = 30 * time.Second
	// DefaultReplayTimeout bounds the one delivery of Retry Run Webhook, as
	// on Skyvern's server (see WithReplayTimeout).
	DefaultReplayTimeout = 60 * time.Second
	// DefaultMaxRuns is how many runs a server keeps (see WithMaxRuns).
	DefaultMaxRuns = 10000
)

// Option configures a Server; pass options to NewServer or Start.
type Option func(*config)

type config struct {
	apiKey         string
	port           int
	runDuration    time.Duration
	manualClock    bool
	anyWorkflow    bool
	logger         *slog.Logger
	webhookBackoff time.Duration
	webhookTimeout time.Duration
	replayTimeout  time.Duration
	loopbackHooks  bool     // accept loopback webhook hosts (WithLoopbackWebhooks)
	allowedHosts   []string // webhook hosts never refused (WithAllowedWebhookHosts)
	outcome        Outcome
	maxRecords     int      // < 0: no limit
	maxRuns        int      // < 0: no limit
	admin          bool     // serve the admin API (WithAdminAPI)
	browsers       Browsers // WithBrowsers (browsers.go)
	err            error

	uploads uploadLimits // WithMaxUploadSize, WithKeptUploadBytes (files.go)
}

func defaultConfig() config {
	return config{
		runDuration:    DefaultRunDuration,
		webhookBackoff: DefaultWebhookBackoff,
		webhookTimeout: DefaultWebhookTimeout,
		replayTimeout:  DefaultReplayTimeout,
		loopbackHooks:  true,
		maxRecords:     -1,
		maxRuns:        DefaultMaxRuns,
	}
}

func (c *config) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("skyverntest: "+format, args...)
	}
}

// WithAPIKey returns an Option that sets the API key the server accepts in
// x-api-key and signs its webhooks with. The default is a random key, in
// Server.APIKey.
func WithAPIKey(key string) Option {
	return func(c *config) {
		if key == "" {
			c.fail("WithAPIKey: the key is empty")
		}
		c.apiKey = key
	}
}

// WithPort returns an Option that makes the server listen on this port of
// 127.0.0.1. The default, 0, picks a free port.
func WithPort(port int) Option {
	return func(c *config) {
		if port < 0 || port > 65535 {
			c.fail("WithPort: %d is not a port", port)
		}
		c.port = port
	}
}

// WithRunDuration returns an Option that sets how long a run takes on the
// server's clock, from created to its final status (DefaultRunDuration, one
// second, by default). A run is queued after a tenth of it, running after
// two tenths, and finished at the end. Outcome.Duration overrides it per
// run.
func WithRunDuration(d time.Duration) Option {
	return func(c *config) {
		if d < 0 {
			c.fail("WithRunDuration: %v is negative", d)
		}
		c.runDuration = d
	}
}

// WithManualClock returns an Option that gives the server a clock of its
// own that only Server.Advance moves, starting at the current time. Nothing
// then happens in the background: runs change status, webhooks are sent
// and failed deliveries retried only inside Advance, on the goroutine that
// calls it, so a test never sleeps and sees every step in order.
func WithManualClock() Option {
	return func(c *config) { c.manualClock = true }
}

// WithAnyWorkflow returns an Option that makes Run Workflow accept any
// workflow id but those of deleted workflows. By default only the ids
// registered with Server.OnWorkflow and those of workflows created through
// the API are known, and others get the real server's 404.
func WithAnyWorkflow() Option {
	return func(c *config) { c.anyWorkflow = true }
}

// WithLogger returns an Option that logs to l, at info level, every
// request the server answers, the id of every run it creates, why a
// request was refused (403: no key or a wrong one; 422: the validation
// detail) and every webhook delivery attempt. The logs hold methods,
// paths, statuses, URLs, run ids and validation details, never keys or
// request bodies. By default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithWebhookBackoff returns an Option that sets the base of the wait
// between webhook delivery attempts (DefaultWebhookBackoff, one second, by
// default). As on Skyvern's server, the wait after attempt n (from 1) is
// base×2ⁿ⁻¹ plus a random part below base, or the receiver's Retry-After up
// to 30 s. The wait runs on the server's clock, so with WithManualClock it
// costs a test nothing; on the real clock, a short base keeps tests quick.
func WithWebhookBackoff(base time.Duration) Option {
	return func(c *config) {
		if base < 0 {
			c.fail("WithWebhookBackoff: %v is negative", base)
		}
		c.webhookBackoff = base
	}
}

// WithWebhookTimeout returns an Option that bounds each webhook delivery
// attempt in real time (DefaultWebhookTimeout, 30 s, by default). An
// attempt that times out is retried like a network error. Retry Run
// Webhook has its own bound, WithReplayTimeout.
func WithWebhookTimeout(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.fail("WithWebhookTimeout: %v is not positive", d)
		}
		c.webhookTimeout = d
	}
}

// WithReplayTimeout returns an Option that bounds, in real time, the one
// delivery Retry Run Webhook makes while its request waits
// (DefaultReplayTimeout, 60 s, by default, as on Skyvern's server). A
// replay that times out is reported, not retried.
func WithReplayTimeout(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.fail("WithReplayTimeout: %v is not positive", d)
		}
		c.replayTimeout = d
	}
}

// WithLoopbackWebhooks returns an Option that says whether webhook URLs on
// a loopback host (127.0.0.0/8, ::1, localhost) are accepted. Skyvern's
// server refuses them with 400, as it refuses private and internal hosts;
// the fake accepts them by default, since a test's receiver listens on
// 127.0.0.1, and refuses the others as Skyvern does. With false, a
// loopback URL is refused too, as on Skyvern's server, for a test of that
// refusal. The rule applies wherever a webhook URL is taken: Run Task, Run
// Workflow, the login and download runs, a workflow's
// webhook_callback_url and Retry Run Webhook's target.
func WithLoopbackWebhooks(allow bool) Option {
	return func(c *config) { c.loopbackHooks = allow }
}

// WithAllowedWebhookHosts returns an Option that accepts webhook URLs on
// these hosts (names or IP addresses, matched ignoring case) although
// Skyvern refuses their kind, as Skyvern's ALLOWED_HOSTS setting does: for
// receivers on a private network, such as another container.
func WithAllowedWebhookHosts(hosts ...string) Option {
	return func(c *config) {
		for _, h := range hosts {
			if h == "" {
				c.fail("WithAllowedWebhookHosts: a host is empty")
			}
			c.allowedHosts = append(c.allowedHosts, strings.ToLower(h))
		}
	}
}

// WithDefaultOutcome returns an Option that sets how runs end when no
// Server.OnPrompt, OnWorkflow or OnRun rule applies. The default is the
// zero Outcome: completed, with a null output.
func WithDefaultOutcome(o Outcome) Option {
	return func(c *config) {
		if err := o.check(); err != nil {
			c.fail("WithDefaultOutcome: %v", err)
		}
		c.outcome = o
	}
}

// WithMaxRecords returns an Option that keeps only the n most recent
// recorded requests and webhook deliveries of each kind (see
// Server.Requests and Server.Webhooks), so that a long-running or heavily
// loaded server does not grow without bound. By default everything is
// kept; 0 keeps nothing.
func WithMaxRecords(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.fail("WithMaxRecords: %d is negative", n)
		}
		c.maxRecords = n
	}
}

// WithMaxRuns returns an Option that bounds the runs the server keeps to
// n (DefaultMaxRuns, 10,000, by default), so that a server left running
// under load does not grow without bound. Beyond n, the oldest finished
// runs are forgotten first: Get Run answers 404 for them, as for an id
// never issued, and the lists no longer show them. Runs not finished yet
// are always kept. The workflow runs that Run SDK Action makes are bounded
// by n apart from these, oldest forgotten first. A negative n keeps every
// run.
func WithMaxRuns(n int) Option {
	return func(c *config) { c.maxRuns = n }
}
