package skyvern_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

const (
	testKey = "sk-test-7f3a9c-secret"
	// prefix mounts the fake API under a path, to catch code that builds
	// absolute paths instead of joining them to the base URL.
	prefix = "/skyvern-api"
)

// recorded is one request as the test server saw it.
type recorded struct {
	Method  string
	Path    string // decoded, without the prefix
	RawPath string // as sent, without the prefix
	Query   string
	Header  http.Header
	Body    []byte
}

// fixture is an httptest server with the API mounted under prefix and a
// client pointed at it.
type fixture struct {
	t      *testing.T
	srv    *httptest.Server
	mux    *http.ServeMux
	client *skyvern.Client

	mu   sync.Mutex
	reqs []recorded
}

func setup(t *testing.T, opts ...skyvern.Option) *fixture {
	t.Helper()
	f := &fixture{t: t, mux: http.NewServeMux()}
	root := http.NewServeMux()
	root.HandleFunc(prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{
			Method:  r.Method,
			Path:    strings.TrimPrefix(r.URL.Path, prefix),
			RawPath: strings.TrimPrefix(r.URL.EscapedPath(), prefix),
			Query:   r.URL.RawQuery,
			Header:  r.Header.Clone(),
			Body:    body,
		})
		f.mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimPrefix(r.URL.Path, prefix)
		r2.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, prefix)
		f.mux.ServeHTTP(w, r2)
	})
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base URL's path: %s %s", r.Method, r.URL)
		http.Error(w, "wrong path", http.StatusTeapot)
	})
	f.srv = httptest.NewServer(root)
	t.Cleanup(f.srv.Close)
	base := []skyvern.Option{
		skyvern.WithAPIKey(testKey),
		skyvern.WithBaseURL(f.srv.URL + prefix),
		skyvern.WithRetryWait(time.Millisecond, 2*time.Millisecond),
	}
	c, err := skyvern.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	f.client = c
	return f
}

// handle registers a handler for a Go 1.22 route pattern such as
// "GET /v1/runs/{run_id}".
func (f *fixture) handle(pattern string, h http.HandlerFunc) { f.mux.HandleFunc(pattern, h) }

// reply registers a handler that always answers status with body.
func (f *fixture) reply(pattern string, status int, body string) {
	f.handle(pattern, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

func (f *fixture) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func (f *fixture) only() recorded {
	f.t.Helper()
	reqs := f.requests()
	require.Len(f.t, reqs, 1, "want exactly one request")
	return reqs[0]
}

// sequence answers the n-th request with the n-th handler, repeating the
// last one.
func sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := hs[min(n, len(hs)-1)]
		n++
		mu.Unlock()
		h(w, r)
	}
}

func status(code int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

// hangUp reads the request and closes the connection without answering.
func hangUp(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

const runJSON = `{"run_id":"tsk_123","status":"queued","output":null,"downloaded_files":null,"recording_url":null,` +
	`"recording_archived":false,"screenshot_urls":null,"failure_reason":null,` +
	`"created_at":"2026-01-31T15:20:42.160725","modified_at":"2026-01-31T15:20:42.160725",` +
	`"queued_at":null,"started_at":null,"finished_at":null,"app_url":"https://app.skyvern.com/tasks/tsk_123",` +
	`"browser_session_id":null,"browser_profile_id":null,"max_screenshot_scrolls":null,"script_run":null,` +
	`"errors":[],"step_count":null,"run_type":"task_v1"}`

func TestNewClient(t *testing.T) {
	t.Run("reads the key and base URL from the environment", func(t *testing.T) {
		t.Setenv("SKYVERN_API_KEY", "env-key")
		t.Setenv("SKYVERN_BASE_URL", "http://127.0.0.1:9/prefix/")
		c, err := skyvern.NewClient()
		require.NoError(t, err)
		assert.Equal(t, "http://127.0.0.1:9/prefix", c.BaseURL())
	})
	t.Run("defaults to Skyvern Cloud", func(t *testing.T) {
		t.Setenv("SKYVERN_API_KEY", "env-key")
		t.Setenv("SKYVERN_BASE_URL", "")
		c, err := skyvern.NewClient()
		require.NoError(t, err)
		assert.Equal(t, skyvern.CloudBaseURL, c.BaseURL())
	})
	t.Run("without a key says how to provide one", func(t *testing.T) {
		t.Setenv("SKYVERN_API_KEY", "")
		_, err := skyvern.NewClient()
		require.ErrorIs(t, err, skyvern.ErrNoAPIKey)
		assert.Contains(t, err.Error(), "WithAPIKey")
		assert.Contains(t, err.Error(), "SKYVERN_API_KEY")
	})
	t.Run("options override the environment", func(t *testing.T) {
		t.Setenv("SKYVERN_API_KEY", "env-key")
		c, err := skyvern.NewClient(skyvern.WithBaseURL(skyvern.LocalBaseURL))
		require.NoError(t, err)
		assert.Equal(t, skyvern.LocalBaseURL, c.BaseURL())
	})

	bad := []struct {
		name string
		opt  skyvern.Option
		want string
	}{
		{"an empty key", skyvern.WithAPIKey(""), "empty"},
		{"a base URL without a scheme", skyvern.WithBaseURL("api.skyvern.com"), "https://"},
		{"a base URL with credentials", skyvern.WithBaseURL("https://u:p@api.skyvern.com"), "credentials"},
		{"a base URL with a query", skyvern.WithBaseURL("https://api.skyvern.com?x=1"), "query"},
		{"a nil HTTP client", skyvern.WithHTTPClient(nil), "nil"},
		{"negative retries", skyvern.WithMaxRetries(-1), "negative"},
		{"a negative timeout", skyvern.WithTimeout(-time.Second), "negative"},
		{"a header that sets the key", skyvern.WithHeader("X-API-KEY", "k"), "WithAPIKey"},
		{"a header with a line break", skyvern.WithHeader("X-Trace", "a\r\nb"), "line break"},
		{"an invalid header name", skyvern.WithHeader("bad header", "v"), "valid header name"},
		{"an inverted retry wait", skyvern.WithRetryWait(time.Second, time.Millisecond), "first <= max"},
	}
	for _, tc := range bad {
		t.Run("rejects "+tc.name, func(t *testing.T) {
			_, err := skyvern.NewClient(skyvern.WithAPIKey("k"), tc.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestRequestsCarryAuthAndUserAgent(t *testing.T) {
	f := setup(t, skyvern.WithUserAgent("orders/1.4"), skyvern.WithHeader("X-Trace", "abc"))
	f.reply("GET /v1/runs/{id}", 200, runJSON)

	_, err := f.client.GetRun(context.Background(), "tsk_123")
	require.NoError(t, err)

	h := f.only().Header
	assert.Equal(t, testKey, h.Get("x-api-key"))
	assert.Regexp(t, `^orders/1\.4 skyvern-go/\d+\.\d+\.\d+ \(go`, h.Get("User-Agent"))
	assert.Equal(t, "abc", h.Get("X-Trace"))
	assert.Equal(t, "application/json", h.Get("Accept"))
	assert.Empty(t, h.Get("Authorization"), "Skyvern uses x-api-key only")
}

func TestPerCallOptions(t *testing.T) {
	f := setup(t)
	f.reply("GET /v1/runs/{id}", 200, runJSON)

	_, err := f.client.GetRun(context.Background(), "tsk_123",
		skyvern.WithHeader("X-Request-Id", "r1"), skyvern.WithAPIKey("other-key"))
	require.NoError(t, err)
	_, err = f.client.GetRun(context.Background(), "tsk_123")
	require.NoError(t, err)

	reqs := f.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "r1", reqs[0].Header.Get("X-Request-Id"))
	assert.Equal(t, "other-key", reqs[0].Header.Get("x-api-key"))
	assert.Empty(t, reqs[1].Header.Get("X-Request-Id"), "a per-call header must not stick to the client")
	assert.Equal(t, testKey, reqs[1].Header.Get("x-api-key"))

	t.Run("an invalid per-call option fails the call without sending", func(t *testing.T) {
		_, err := f.client.GetRun(context.Background(), "tsk_123", skyvern.WithMaxRetries(-3))
		require.Error(t, err)
		assert.Len(t, f.requests(), 2)
	})
}

func TestBaseURLErrorsNeverEchoASecret(t *testing.T) {
	const secret = "sk-live-0123456789abcdef"
	cases := []struct {
		name, url, want string
	}{
		{"a key in the query", "https://api.skyvern.com/?api_key=" + secret, "query"},
		{"a key in the fragment", "https://api.skyvern.com/#" + secret, "fragment"},
		{"a key as the port", "https://api.skyvern.com:" + secret, "port must be a number"},
		{"a key as the password", "https://user:" + secret + "@api.skyvern.com", "credentials"},
		{"a key as the user", "https://" + secret + "@api.skyvern.com", "credentials"},
		{"a key with a control character", "https://api.skyvern.com/\x7f" + secret, "not a valid URL"},
		{"a key instead of the URL", secret, "https://"},
		{"a key after a bad escape", "https://api.skyvern.com/%zz" + secret, "not a valid URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := skyvern.NewClient(skyvern.WithAPIKey(testKey), skyvern.WithBaseURL(tc.url))
			require.Error(t, err)
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, err.Error(), secret[:12])
			assert.Contains(t, err.Error(), tc.want)

			t.Setenv("SKYVERN_API_KEY", testKey)
			t.Setenv("SKYVERN_BASE_URL", tc.url)
			_, err = skyvern.NewClient()
			require.Error(t, err)
			assert.NotContains(t, err.Error(), secret[:12])
			assert.Contains(t, err.Error(), "SKYVERN_BASE_URL")
		})
	}
}

func TestBaseURLMistakesSayHowToFixThem(t *testing.T) {
	cases := []struct {
		name, url string
		want      []string
	}{
		{"the API version at the end", "https://api.skyvern.com/v1", []string{"ends in /v1", `use "https://api.skyvern.com"`}},
		{"the API version and a slash", "https://api.skyvern.com/v1/", []string{"ends in /v1", `use "https://api.skyvern.com"`}},
		{"a self-hosted /api/v1", "http://localhost:8000/api/v1", []string{"ends in /api/v1", `use "http://localhost:8000"`}},
		{"no scheme", "api.skyvern.com", []string{"no scheme", "start it with https://"}},
		{"no scheme with a port", "localhost:8000", []string{"no scheme", "http://localhost:8000"}},
		{"another scheme", "ftp://api.skyvern.com", []string{`"ftp"`, "use https://"}},
		{"no host", "https:///v2", []string{"no host"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := skyvern.NewClient(skyvern.WithAPIKey(testKey), skyvern.WithBaseURL(tc.url))
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	t.Run("but a path prefix that is not the version is fine", func(t *testing.T) {
		c, err := skyvern.NewClient(skyvern.WithAPIKey(testKey), skyvern.WithBaseURL("https://example.com/skyvern/v1beta/"))
		require.NoError(t, err)
		assert.Equal(t, "https://example.com/skyvern/v1beta", c.BaseURL())
	})
}

func TestAnHTTPClientWithoutTransportKeepsConnectionsForConcurrentCalls(t *testing.T) {
	const concurrent, rounds = 16, 4
	var conns atomic.Int32
	var mu sync.Mutex
	var arrived int
	barrier := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Hold each round's requests until all of them are in, so that
		// every round has them all in flight at once.
		mu.Lock()
		b := barrier
		if arrived++; arrived == concurrent {
			close(barrier)
			barrier, arrived = make(chan struct{}), 0
		}
		mu.Unlock()
		<-b
		status(200, runJSON)(w, r)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	c, err := skyvern.NewClient(skyvern.WithAPIKey(testKey), skyvern.WithBaseURL(srv.URL), skyvern.WithHTTPClient(&http.Client{}))
	require.NoError(t, err)
	for range rounds {
		var wg sync.WaitGroup
		for range concurrent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := c.GetRun(context.Background(), "tsk_123")
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
	}
	assert.Equal(t, int32(concurrent), conns.Load(), "later rounds reuse the first round's connections")
}
