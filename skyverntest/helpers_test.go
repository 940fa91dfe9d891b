package skyverntest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern/webhooks"
)

// delivery is a webhook request a hook received.
type delivery struct {
	Body   []byte
	Header http.Header
}

// hook is a webhook receiver on 127.0.0.1 that keeps what it gets and
// answers as its answer function says (200 "ok" by default).
type hook struct {
	*httptest.Server
	ch chan delivery

	mu     sync.Mutex
	got    []delivery
	answer func(n int, w http.ResponseWriter, r *http.Request)
}

func newHook(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *hook {
	t.Helper()
	h := &hook{ch: make(chan delivery, 1000), answer: answer}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		d := delivery{Body: body, Header: r.Header.Clone()}
		h.mu.Lock()
		h.got = append(h.got, d)
		n := len(h.got)
		h.mu.Unlock()
		h.ch <- d
		r.Body = io.NopCloser(bytes.NewReader(body))
		if h.answer != nil {
			h.answer(n, w, r)
			return
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(h.Close)
	return h
}

// deliveries returns what the hook has received so far.
func (h *hook) deliveries() []delivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]delivery(nil), h.got...)
}

// next waits for the next delivery, for the tests on the real clock.
func (h *hook) next(t *testing.T) delivery {
	t.Helper()
	return waitFor(t, h.ch, "a webhook")
}

// waitFor waits for a value from ch and returns it. It fails the test if
// none comes before the test's deadline (testDeadline): the wait is for an
// event, and only a hang ends it, however loaded the machine.
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(time.Until(testDeadline(t)))
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("waited for %s until the test's deadline", what)
		var zero T
		return zero
	}
}

// testDeadline is when a wait in a test gives up: shortly before go test
// would kill the binary (-timeout), so that the failure names what was
// awaited, or in two minutes without a deadline.
func testDeadline(t *testing.T) time.Time {
	d, ok := t.Deadline()
	if !ok {
		return time.Now().Add(2 * time.Minute)
	}
	return d.Add(-min(time.Until(d)/10, 10*time.Second))
}

// statusAnswers answers the nth delivery with codes[n-1], and 200 after.
func statusAnswers(codes ...int) func(int, http.ResponseWriter, *http.Request) {
	return func(n int, w http.ResponseWriter, _ *http.Request) {
		if n <= len(codes) {
			w.WriteHeader(codes[n-1])
			io.WriteString(w, "answer "+http.StatusText(codes[n-1]))
			return
		}
		io.WriteString(w, "ok")
	}
}

// object decodes a JSON object into its members, in order.
func keys(t *testing.T, body []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var out []string
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		out = append(out, k.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return out
}

func members(t *testing.T, body []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m))
	return m
}

// verify checks a delivery's signature with the webhooks package.
func verify(t *testing.T, d delivery, key string) {
	t.Helper()
	require.NoError(t, webhooks.Verify(d.Body, d.Header.Get("X-Skyvern-Signature"), key))
}

// do sends a raw request to the server.
func do(t *testing.T, method, url, key, body string) (int, []byte, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b, resp.Header
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
