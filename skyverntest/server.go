package skyverntest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
)

// Routes returns every route the server serves, sorted: the keys
// Server.Fault takes and the values of RecordedRequest.Route.
func Routes() []string {
	names := make([]string, len(routeTable))
	for i, r := range routeTable {
		names[i] = r.name
	}
	slices.Sort(names)
	return names
}

func knownRoute(name string) bool {
	return slices.ContainsFunc(routeTable, func(r route) bool { return r.name == name })
}

// Server is a fake Skyvern API server on 127.0.0.1. Create one with
// NewServer in a test, or Start elsewhere. Its methods are safe for
// concurrent use.
type Server struct {
	// URL is the server's base URL, such as "http://127.0.0.1:41234".
	URL string
	// APIKey is the key the server accepts and signs webhooks with.
	APIKey string

	cfg    config
	tb     testing.TB // nil when made by Start
	ts     *httptest.Server
	clock  *clock
	hc     *http.Client // sends webhooks
	ctx    context.Context
	cancel context.CancelFunc
	ids    atomic.Int64
	orgID  string
	closed sync.Once

	st       *store           // runs and workflows
	sessions *sessionStore    // browser sessions (sessions.go)
	browsers browserSet       // their browsers, WithBrowsers (browsers.go)
	profiles *profileStore    // browser profiles (sessions.go)
	creds    *credentialStore // credentials (credentials.go)
	totp     *totpStore       // 2FA codes received (credentials.go)

	scripts    scriptStore    // scripts and their versions (scripts.go)
	customLLMs customLLMStore // custom LLM configurations (custom_llms.go)
	actions    actionStore    // SDK action runs (sdk_actions.go)
	tags       tagStore       // tags of runs and workflows, and their registry (tags.go)

	files fileStore // uploaded files and artifacts' content (files.go)

	schedules scheduleStore // workflow schedules (store_schedules.go)
	folders   folderStore   // folders of workflows (store_folders.go)

	rulesMu   sync.RWMutex // guards the rules below
	prompts   map[string]Outcome
	workflows map[string]Outcome
	onRun     func(RunRequest) Outcome

	adminOnce sync.Once
	admin     http.Handler

	faultMu sync.Mutex
	faults  map[string][]*faultRule
	calls   map[string]int64

	recMu    sync.Mutex
	requests []*RecordedRequest
	webhooks []WebhookDelivery
}

// NewServer starts a Server for the test t and closes it when the test
// ends (with t.Cleanup). It fails the test if an option is invalid or the
// server cannot listen.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("skyverntest: %v", err)
	}
	s.tb = t
	t.Cleanup(s.Close)
	return s
}

// Start starts a Server outside a test; call Close when done with it. It
// returns an error if an option is invalid or the server cannot listen.
func Start(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	if cfg.err != nil {
		return nil, cfg.err
	}
	if cfg.apiKey == "" {
		cfg.apiKey = "skyverntest_" + randomHex(16)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.port)))
	if err != nil {
		return nil, fmt.Errorf("skyverntest: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		APIKey:    cfg.apiKey,
		cfg:       cfg,
		st:        newStore(cfg.maxRuns),
		creds:     newCredentialStore(),
		totp:      &totpStore{},
		clock:     newClock(cfg.manualClock),
		ctx:       ctx,
		cancel:    cancel,
		orgID:     "o_" + strconv.FormatInt(time.Now().UnixMilli()<<10, 10),
		prompts:   make(map[string]Outcome),
		workflows: make(map[string]Outcome),
		faults:    make(map[string][]*faultRule),
		calls:     make(map[string]int64),
		hc: &http.Client{
			Transport: &http.Transport{
				Proxy:               nil, // not through HTTP_PROXY: test receivers are local
				DialContext:         (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
				MaxIdleConnsPerHost: 32,
				IdleConnTimeout:     30 * time.Second,
			},
			// Skyvern does not follow redirects: a 3xx is the answer.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	s.profiles = newProfileStore(s.now, s.newID, s.orgID)
	s.sessions = newSessionStore(s.now, s.newID, s.orgID, s.profiles)
	s.browsers.b = cfg.browsers
	// Run ids grow from a value built from the time, like Skyvern's.
	s.ids.Store(time.Now().UnixMilli() << 20)
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.ts.Listener.Close()
	s.ts.Listener = ln
	s.ts.Start()
	s.URL = s.ts.URL
	return s, nil
}

// Close stops the server: it stops accepting requests, cancels webhook
// deliveries in flight, drops pending run transitions and retries, and
// waits for its goroutines to end. Closing twice is harmless.
func (s *Server) Close() {
	s.closed.Do(func() {
		s.cancel()
		s.ts.Close()
		for id, err := range s.browsers.stopAll() { // no handler runs now
			s.log("closing the browser of a session failed", "browser_session_id", id, "error", err.Error())
		}
		s.clock.close()
		s.hc.CloseIdleConnections()
	})
}

// Client returns a client of this server, with its URL and API key; opts
// are applied after those (for example skyvern.WithMaxRetries). It fails
// the test (or, for a Server from Start, panics) if an option is invalid.
func (s *Server) Client(opts ...skyvern.Option) *skyvern.Client {
	all := append([]skyvern.Option{skyvern.WithAPIKey(s.APIKey), skyvern.WithBaseURL(s.URL)}, opts...)
	c, err := skyvern.NewClient(all...)
	if err != nil {
		if s.tb != nil {
			s.tb.Helper()
			s.tb.Fatalf("skyverntest: Client: %v", err)
		}
		panic("skyverntest: Client: " + err.Error())
	}
	return c
}

// Advance moves the manual clock (WithManualClock) forward by d, and runs
// everything that falls due meanwhile, in time order, on the calling
// goroutine: runs change status and finish, webhooks are delivered and
// failed deliveries retried. It returns when all of that is done, so the
// receiver has had every webhook that was due. Advance(0) runs what is due
// now, such as the webhook of a run just cancelled or finished with Finish.
// Calls of Advance run one after another, so a webhook receiver must not
// call Advance itself. It panics on the real clock.
func (s *Server) Advance(d time.Duration) {
	if !s.clock.manual {
		panic("skyverntest: Advance needs a server started WithManualClock")
	}
	s.clock.advance(d)
}

// Now returns the time on the server's clock.
func (s *Server) Now() time.Time { return s.clock.Now() }

func (s *Server) log(msg string, args ...any) {
	if l := s.cfg.logger; l != nil {
		l.Info("skyverntest: "+msg, args...)
	}
}

// newID returns a fresh run id with the given prefix, such as "tsk_".
func (s *Server) newID(prefix string) string {
	return prefix + strconv.FormatInt(s.ids.Add(1), 10)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
