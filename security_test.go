package skyvern_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// keySeen records the x-api-key each request to a server carried.
type keySeen struct {
	mu   sync.Mutex
	keys []string
}

func (k *keySeen) record(r *http.Request) {
	k.mu.Lock()
	k.keys = append(k.keys, r.Header.Get("x-api-key"))
	k.mu.Unlock()
}

func (k *keySeen) all() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.keys...)
}

func TestRedirectsNeverCarryTheKeyToAnotherOrigin(t *testing.T) {
	var other keySeen
	otherSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.record(r)
		status(200, runJSON)(w, r)
	}))
	defer otherSrv.Close()
	var tlsSeen keySeen
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tlsSeen.record(r)
		status(200, runJSON)(w, r)
	}))
	defer tlsSrv.Close()

	// The client trusts tlsSrv's certificate, so only the header rule can
	// keep the key from it.
	hc := &http.Client{Transport: tlsSrv.Client().Transport}

	t.Run("to another port on the same host", func(t *testing.T) {
		f := setup(t, skyvern.WithHTTPClient(hc))
		f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, otherSrv.URL+"/elsewhere", http.StatusFound)
		})
		_, err := f.client.GetRun(context.Background(), "tsk_1")
		require.NoError(t, err)
		assert.Equal(t, []string{""}, other.all(), "Go's own rule ignores the port; ours must not")
	})
	t.Run("to another scheme", func(t *testing.T) {
		f := setup(t, skyvern.WithHTTPClient(hc))
		f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, tlsSrv.URL+"/elsewhere", http.StatusTemporaryRedirect)
		})
		_, err := f.client.GetRun(context.Background(), "tsk_1")
		require.NoError(t, err)
		assert.Equal(t, []string{""}, tlsSeen.all())
	})
	t.Run("but within the same origin it keeps the key", func(t *testing.T) {
		f := setup(t)
		f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, prefix+"/v1/moved/tsk_1", http.StatusFound)
		})
		f.reply("GET /v1/moved/{id}", 200, runJSON)
		_, err := f.client.GetRun(context.Background(), "tsk_1")
		require.NoError(t, err)
		reqs := f.requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, testKey, reqs[1].Header.Get("x-api-key"))
	})
	t.Run("and the caller's redirect policy still applies", func(t *testing.T) {
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		f := setup(t, skyvern.WithHTTPClient(noFollow))
		f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, otherSrv.URL, http.StatusFound)
		})
		_, err := f.client.GetRun(context.Background(), "tsk_1")
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusFound, apiErr.StatusCode)
		assert.Nil(t, noFollow.Transport, "the caller's client is not modified")
	})
}

func TestTheKeyNeverShows(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := setup(t, skyvern.WithLogger(logger))
	f.handle("GET /v1/runs/{id}", sequence(status(503, `{"detail":"echo `+testKey+`?"}`), status(404, `{"detail":"Run not found"}`)))
	f.handle("POST /v1/run/tasks", hangUp)

	_, getErr := f.client.GetRun(context.Background(), "tsk_1")
	require.Error(t, getErr)
	_, runErr := f.client.RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "secret prompt text"})
	require.Error(t, runErr)

	for _, v := range []any{f.client, *f.client, getErr, runErr} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, testKey, "%s of %T", verb, v)
		}
	}
	assert.NotContains(t, logs.String(), testKey)
	assert.NotContains(t, logs.String(), "secret prompt text", "bodies are never logged")
	assert.NotContains(t, logs.String(), "Run not found", "bodies are never logged")
	assert.Equal(t, 3, strings.Count(logs.String(), "skyvern request"), "one line per attempt:\n%s", logs.String())
	assert.Contains(t, logs.String(), "method=GET path=/v1/runs/tsk_1 attempt=1")
	assert.Contains(t, logs.String(), "status=503")
	assert.Contains(t, logs.String(), "status=404")
	assert.Contains(t, logs.String(), "retry=true")
	assert.Contains(t, logs.String(), "level=DEBUG")
}

func TestNothingIsLoggedByDefault(t *testing.T) {
	// retryablehttp's default logger writes to stderr; the client must not
	// use it. Capture the default slog logger to be sure nothing goes there.
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(old)

	f := setup(t)
	f.handle("GET /v1/runs/{id}", sequence(status(503, ``), status(200, runJSON)))
	_, err := f.client.GetRun(context.Background(), "tsk_1")
	require.NoError(t, err)
	assert.Empty(t, logs.String())
}

// capture is an assert.TestingT that keeps testify's failure messages,
// which print values by reflection (%#v and a spew dump that walks
// unexported fields, methods disabled).
type capture struct{ msgs []string }

func (c *capture) Errorf(format string, args ...any) {
	c.msgs = append(c.msgs, fmt.Sprintf(format, args...))
}

func TestTheKeyNeverShowsThroughReflection(t *testing.T) {
	// Transports of their own, which no request uses: spew reads every
	// field it reaches, and the SDK's shared transport is busy with other
	// tests' connections.
	f := setup(t, skyvern.WithHTTPClient(&http.Client{Transport: &http.Transport{}}))
	other, err := skyvern.NewClient(skyvern.WithAPIKey("another-key"), skyvern.WithBaseURL("http://127.0.0.1:9"),
		skyvern.WithHTTPClient(&http.Client{Transport: &http.Transport{}}))
	require.NoError(t, err)
	// fmt applies a Format method only to values it can reach as
	// interfaces: a Client held in an unexported field is printed field by
	// field, and with a verb a field does not support fmt prints that
	// field's pointee. The key must be out of reach either way.
	values := map[string]any{
		"Client":                     *f.client,
		"*Client":                    f.client,
		"a struct holding Client":    struct{ c skyvern.Client }{*f.client},
		"a struct holding *Client":   struct{ c *skyvern.Client }{f.client},
		"a pointer to such a struct": &struct{ c skyvern.Client }{*f.client},
		"a slice of Client":          []struct{ c skyvern.Client }{{*f.client}},
		"a Waiter":                   skyvern.NewWaiter(f.client),
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%t", "%d", "%p"} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, testKey, "%s of %s", verb, name)
			assert.NotContains(t, out, fmt.Sprintf("%x", testKey), "%s of %s", verb, name)
		}
		var c capture
		assert.Equal(&c, v, struct{ c skyvern.Client }{*other}, "testify prints both values")
		require.NotEmpty(t, c.msgs)
		assert.NotContains(t, strings.Join(c.msgs, "\n"), testKey, "testify's message for %s", name)
	}
}
