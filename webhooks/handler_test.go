package webhooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

const runBody = `{"run_id":"tsk_1","status":"completed","output":{"secret_output":"s3cr3t <b>"},"run_type":"task_v1"}`

// recorder is a callback that counts its calls and returns what next says.
type recorder struct {
	mu    sync.Mutex
	runs  []*skyvern.RunResponse
	next  func(run *skyvern.RunResponse) error
	calls atomic.Int32
}

func (c *recorder) fn(_ context.Context, run *skyvern.RunResponse) error {
	c.calls.Add(1)
	c.mu.Lock()
	c.runs = append(c.runs, run)
	next := c.next
	c.mu.Unlock()
	if next != nil {
		return next(run)
	}
	return nil
}

func quiet() webhooks.HandlerOption { return webhooks.WithLogger(nil) }

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandlerAnswers(t *testing.T) {
	unsignedJSON := `{"run_id":`
	tests := []struct {
		name       string
		request    func() *http.Request
		callback   func(*skyvern.RunResponse) error
		wantStatus int
		wantCalls  int32
	}{
		{"a genuine delivery is passed to the callback and answered 200",
			func() *http.Request { return post(runBody, testKey) }, nil, http.StatusOK, 1},
		{"a genuine delivery without a Content-Type is accepted",
			func() *http.Request { r := post(runBody, testKey); r.Header.Del("Content-Type"); return r }, nil, http.StatusOK, 1},
		{"a GET is answered 405",
			func() *http.Request { return httptest.NewRequest(http.MethodGet, "/skyvern", nil) }, nil, http.StatusMethodNotAllowed, 0},
		{"a PUT of a genuine delivery is answered 405",
			func() *http.Request { r := post(runBody, testKey); r.Method = http.MethodPut; return r }, nil, http.StatusMethodNotAllowed, 0},
		{"a delivery without a signature is answered 401",
			func() *http.Request { return post(runBody, "") }, nil, http.StatusUnauthorized, 0},
		{"a delivery signed with another key is answered 401",
			func() *http.Request { return post(runBody, "sk-other") }, nil, http.StatusUnauthorized, 0},
		{"a delivery whose body was altered is answered 401",
			func() *http.Request {
				r := post(runBody, testKey)
				r.Body = io.NopCloser(strings.NewReader(strings.Replace(runBody, "tsk_1", "tsk_9", 1)))
				return r
			}, nil, http.StatusUnauthorized, 0},
		{"an unsigned malformed body is answered 401, not 400",
			func() *http.Request { return post(unsignedJSON, "") }, nil, http.StatusUnauthorized, 0},
		{"a genuine malformed body is answered 400",
			func() *http.Request { return post(unsignedJSON, testKey) }, nil, http.StatusBadRequest, 0},
		{"a genuine list is answered 400",
			func() *http.Request { return post(`[]`, testKey) }, nil, http.StatusBadRequest, 0},
		{"a callback error is answered 500",
			func() *http.Request { return post(runBody, testKey) },
			func(*skyvern.RunResponse) error { return errors.New("database down") }, http.StatusInternalServerError, 1},
		{"a callback panic is answered 500",
			func() *http.Request { return post(runBody, testKey) },
			func(*skyvern.RunResponse) error { panic("boom") }, http.StatusInternalServerError, 1},
		{"a body that cannot be read is answered 400",
			func() *http.Request {
				r := post(runBody, testKey)
				r.Body = io.NopCloser(io.MultiReader(strings.NewReader("{"), errReader{}))
				r.ContentLength = -1
				return r
			}, nil, http.StatusBadRequest, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cb := &recorder{next: tt.callback}
			w := serve(webhooks.Handler(testKey, cb.fn, quiet()), tt.request())

			assert.Equal(t, tt.wantStatus, w.Code)
			assert.Equal(t, tt.wantCalls, cb.calls.Load(), "callback calls")
			assert.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
			assert.Less(t, w.Body.Len(), 100, "short answer")
			assert.NotContains(t, w.Body.String(), "s3cr3t", "the answer never echoes the body")
			assert.NotContains(t, w.Body.String(), "database down", "the answer never echoes the callback's error")
			if tt.wantStatus == http.StatusMethodNotAllowed {
				assert.Equal(t, "POST", w.Header().Get("Allow"))
			}
		})
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestHandlerPassesTheParsedRun(t *testing.T) {
	cb := &recorder{}
	w := serve(webhooks.Handler(testKey, cb.fn, quiet()), post(taskV1Body, testKey))
	require.Equal(t, http.StatusOK, w.Code)
	require.Len(t, cb.runs, 1)

	want, err := webhooks.Parse([]byte(taskV1Body), sign(taskV1Body, testKey), testKey)
	require.NoError(t, err)
	assert.Equal(t, want, cb.runs[0])
	assert.Equal(t, "ok\n", w.Body.String())
}

func TestHandlerWithoutAKeyRefusesEverythingWith500(t *testing.T) {
	cb := &recorder{}
	w := serve(webhooks.Handler("", cb.fn, quiet()), post(runBody, ""))
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	w = serve(webhooks.Handler("", cb.fn, quiet()), post(runBody, "x"))
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assert.Zero(t, cb.calls.Load())
}

func TestHandlerBodyLimit(t *testing.T) {
	limit := int64(len(runBody))
	tests := []struct {
		name       string
		limit      int64
		chunked    bool
		wantStatus int
	}{
		{"a body exactly at the limit is accepted", limit, false, http.StatusOK},
		{"a body one byte over the limit is answered 413", limit - 1, false, http.StatusRequestEntityTooLarge},
		{"a chunked body exactly at the limit is accepted", limit, true, http.StatusOK},
		{"a chunked body one byte over the limit is answered 413", limit - 1, true, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cb := &recorder{}
			r := post(runBody, testKey)
			if tt.chunked {
				r.ContentLength = -1
				r.Body = io.NopCloser(strings.NewReader(runBody))
			}
			w := serve(webhooks.Handler(testKey, cb.fn, quiet(), webhooks.WithMaxBodyBytes(tt.limit)), r)
			assert.Equal(t, tt.wantStatus, w.Code)
			if tt.wantStatus != http.StatusOK {
				assert.Zero(t, cb.calls.Load())
				assert.Equal(t, "webhooks: body too large\n", w.Body.String())
			}
		})
	}

	t.Run("the default limit is 64 MiB, room for a 32 MiB workflow output sent twice", func(t *testing.T) {
		assert.EqualValues(t, 64<<20, webhooks.DefaultMaxBodyBytes)
		r := post(runBody, testKey)
		r.ContentLength = webhooks.DefaultMaxBodyBytes + 1 // announced, never sent
		w := serve(webhooks.Handler(testKey, (&recorder{}).fn, quiet()), r)
		assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)

		r = post(runBody, testKey)
		w = serve(webhooks.Handler(testKey, (&recorder{}).fn, quiet(), webhooks.WithMaxBodyBytes(0)), r)
		assert.Equal(t, http.StatusOK, w.Code, "n <= 0 restores the default")
	})
}

func TestHandlerRecoversPanicsAndKeepsServing(t *testing.T) {
	var n atomic.Int32
	h := webhooks.Handler(testKey, func(_ context.Context, run *skyvern.RunResponse) error {
		if n.Add(1) == 1 {
			_ = run.ScreenshotURLs[len(run.RunID)] // index out of range: a runtime panic
		}
		return nil
	}, quiet(), webhooks.WithDeduplicator(nil))
	srv := httptest.NewServer(h) // listens on 127.0.0.1
	defer srv.Close()

	for i, want := range []int{http.StatusInternalServerError, http.StatusOK, http.StatusOK} {
		resp, err := srv.Client().Post(srv.URL, "application/json", strings.NewReader(runBody))
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "unsigned request %d", i)

		req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(runBody))
		require.NoError(t, err)
		req.Header.Set("x-skyvern-signature", sign(runBody, testKey))
		resp, err = srv.Client().Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, want, resp.StatusCode, "signed request %d", i)
	}
}

func TestHandlerLogsNoBodySignatureOrKey(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := webhooks.Handler(testKey, func(_ context.Context, run *skyvern.RunResponse) error {
		panic("payload was " + string(run.Output)) // a panic value holding the payload
	}, webhooks.WithLogger(logger), webhooks.WithMaxBodyBytes(int64(len(runBody))))

	serve(h, post(runBody, testKey))                               // panic
	serve(h, post(runBody, "sk-other"))                            // 401
	serve(h, post(runBody+" ", testKey))                           // 413
	serve(h, post(`{"run_id":"s3cr3t",`, testKey))                 // 400
	serve(h, httptest.NewRequest(http.MethodGet, "/skyvern", nil)) // 405

	runtimePanic := webhooks.Handler(testKey, func(_ context.Context, run *skyvern.RunResponse) error {
		_ = run.ScreenshotURLs[len(run.RunID)]
		return nil
	}, webhooks.WithLogger(logger))
	serve(runtimePanic, post(runBody, testKey))

	out := logs.String()
	assert.Contains(t, out, "index out of range [5] with length 0", "a runtime error's message is logged")
	assert.Contains(t, out, "callback panicked")
	assert.Contains(t, out, "panic_type=string")
	assert.Contains(t, out, "run_id=tsk_1")
	assert.Contains(t, out, "status=401")
	assert.Contains(t, out, "status=413")
	assert.Contains(t, out, "status=400")
	assert.Contains(t, out, "status=405")
	for _, secret := range []string{"s3cr3t", testKey, sign(runBody, testKey), sign(runBody, "sk-other")} {
		assert.NotContains(t, out, secret)
	}
}

func TestHandlerDeduplicates(t *testing.T) {
	t.Run("a duplicate delivery is answered 200 without calling the callback", func(t *testing.T) {
		cb := &recorder{}
		h := webhooks.Handler(testKey, cb.fn, quiet())
		assert.Equal(t, http.StatusOK, serve(h, post(runBody, testKey)).Code)
		w := serve(h, post(runBody, testKey))
		assert.Equal(t, http.StatusOK, w.Code)
		assert.Contains(t, w.Body.String(), "duplicate")
		assert.EqualValues(t, 1, cb.calls.Load())
	})

	t.Run("a differently shaped replay of the same run and status is a duplicate", func(t *testing.T) {
		cb := &recorder{}
		h := webhooks.Handler(testKey, cb.fn, quiet())
		serve(h, post(runBody, testKey))
		replay := `{"run_id":"tsk_1","status":"completed","webhook_failure_reason":"timeout"}`
		assert.Equal(t, http.StatusOK, serve(h, post(replay, testKey)).Code)
		assert.EqualValues(t, 1, cb.calls.Load())
	})

	t.Run("the same run with another status is a new delivery", func(t *testing.T) {
		cb := &recorder{}
		h := webhooks.Handler(testKey, cb.fn, quiet())
		serve(h, post(runBody, testKey))
		serve(h, post(strings.Replace(runBody, "completed", "failed", 1), testKey))
		assert.EqualValues(t, 2, cb.calls.Load())
	})

	t.Run("a delivery whose callback failed runs again when redelivered", func(t *testing.T) {
		fail := true
		cb := &recorder{next: func(*skyvern.RunResponse) error {
			if fail {
				fail = false
				return errors.New("try later")
			}
			return nil
		}}
		h := webhooks.Handler(testKey, cb.fn, quiet())
		assert.Equal(t, http.StatusInternalServerError, serve(h, post(runBody, testKey)).Code)
		assert.Equal(t, http.StatusOK, serve(h, post(runBody, testKey)).Code)
		assert.Equal(t, http.StatusOK, serve(h, post(runBody, testKey)).Code)
		assert.EqualValues(t, 2, cb.calls.Load(), "failed once, succeeded once, then a duplicate")
	})

	t.Run("a delivery whose callback panicked runs again when redelivered", func(t *testing.T) {
		var n atomic.Int32
		h := webhooks.Handler(testKey, func(context.Context, *skyvern.RunResponse) error {
			if n.Add(1) == 1 {
				panic("first time")
			}
			return nil
		}, quiet())
		assert.Equal(t, http.StatusInternalServerError, serve(h, post(runBody, testKey)).Code)
		assert.Equal(t, http.StatusOK, serve(h, post(runBody, testKey)).Code)
		assert.EqualValues(t, 2, n.Load())
	})

	t.Run("a copy arriving while the first is processed waits and gets its 200", func(t *testing.T) {
		d := &watchedDedup{Deduplicator: webhooks.NewMemoryDeduplicator(0, 0), waiting: make(chan string, 1)}
		entered, release := make(chan struct{}), make(chan struct{})
		var calls atomic.Int32
		h := webhooks.Handler(testKey, func(context.Context, *skyvern.RunResponse) error {
			calls.Add(1)
			close(entered)
			<-release
			return nil
		}, quiet(), webhooks.WithDeduplicator(d))

		first, copied := make(chan int), make(chan *httptest.ResponseRecorder)
		go func() { first <- serve(h, post(runBody, testKey)).Code }()
		<-entered
		go func() { copied <- serve(h, post(runBody, testKey)) }()
		<-d.waiting // the copy found the first in progress

		close(release)
		assert.Equal(t, http.StatusOK, <-first)
		w := <-copied
		assert.Equal(t, http.StatusOK, w.Code)
		assert.Contains(t, w.Body.String(), "duplicate")
		assert.Equal(t, http.StatusOK, serve(h, post(runBody, testKey)).Code, "a later copy is a plain duplicate")
		assert.EqualValues(t, 1, calls.Load())
	})

	t.Run("a copy whose request ends while the first is processed is answered 425", func(t *testing.T) {
		d := &watchedDedup{Deduplicator: webhooks.NewMemoryDeduplicator(0, 0), waiting: make(chan string, 1)}
		entered, release := make(chan struct{}), make(chan struct{})
		h := webhooks.Handler(testKey, func(context.Context, *skyvern.RunResponse) error {
			close(entered)
			<-release
			return nil
		}, quiet(), webhooks.WithDeduplicator(d))
		first := make(chan int)
		go func() { first <- serve(h, post(runBody, testKey)).Code }()
		<-entered

		ctx, cancel := context.WithCancel(context.Background())
		copied := make(chan int)
		go func() { copied <- serve(h, post(runBody, testKey).WithContext(ctx)).Code }()
		<-d.waiting
		cancel() // Skyvern stopped waiting for the copy
		assert.Equal(t, http.StatusTooEarly, <-copied)
		close(release)
		assert.Equal(t, http.StatusOK, <-first)
	})

	t.Run("many concurrent copies run the callback once and are all answered 200", func(t *testing.T) {
		var calls atomic.Int32
		h := webhooks.Handler(testKey, func(context.Context, *skyvern.RunResponse) error {
			calls.Add(1)
			return nil
		}, quiet())
		var wg sync.WaitGroup
		codes := make([]int, 16)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = serve(h, post(runBody, testKey)).Code
			}()
		}
		wg.Wait()
		assert.EqualValues(t, 1, calls.Load())
		for _, c := range codes {
			assert.Equal(t, http.StatusOK, c)
		}
	})

	t.Run("a callback that outlives Skyvern's attempt and fails is run again by a waiting copy", func(t *testing.T) {
		// Issue 8, item 2: attempt 1's callback is slow, Skyvern gives up on
		// it and sends copies 2 and 3 while it runs, then it fails. No
		// copy may be answered in a way that leaves the run unprocessed.
		d := &watchedDedup{Deduplicator: webhooks.NewMemoryDeduplicator(0, 0), waiting: make(chan string, 2)}
		entered, release := make(chan struct{}), make(chan struct{})
		var calls, succeeded atomic.Int32
		h := webhooks.Handler(testKey, func(context.Context, *skyvern.RunResponse) error {
			if calls.Add(1) == 1 {
				close(entered)
				<-release
				return errors.New("database timed out")
			}
			succeeded.Add(1)
			return nil
		}, quiet(), webhooks.WithDeduplicator(d))

		attempt1, cancel := context.WithCancel(context.Background())
		first := make(chan int)
		go func() { first <- serve(h, post(workflowBody, testKey).WithContext(attempt1)).Code }()
		<-entered
		cancel() // Skyvern's 30 seconds are up for attempt 1

		copies := make(chan int, 2)
		for range 2 {
			go func() { copies <- serve(h, post(workflowBody, testKey)).Code }()
		}
		<-d.waiting
		<-d.waiting // copies 2 and 3 both found attempt 1 in progress
		close(release)

		assert.Equal(t, http.StatusInternalServerError, <-first)
		assert.Equal(t, http.StatusOK, <-copies)
		assert.Equal(t, http.StatusOK, <-copies)
		assert.EqualValues(t, 2, calls.Load(), "attempt 1 failed, one copy took it over")
		assert.EqualValues(t, 1, succeeded.Load(), "the run was processed once")
	})

	t.Run("a copy waits for a delivery in progress in another process", func(t *testing.T) {
		// Two replicas share one deduplicator: the copy cannot be woken by
		// the other replica, so it asks the deduplicator again.
		d := &watchedDedup{Deduplicator: webhooks.NewMemoryDeduplicator(0, 0), waiting: make(chan string, 1)}
		entered, release := make(chan struct{}), make(chan struct{})
		var calls atomic.Int32
		replica1 := webhooks.Handler(testKey, func(context.Context, *skyvern.RunResponse) error {
			calls.Add(1)
			close(entered)
			<-release
			return nil
		}, quiet(), webhooks.WithDeduplicator(d))
		replica2 := webhooks.Handler(testKey, func(context.Context, *skyvern.RunResponse) error {
			calls.Add(1)
			return nil
		}, quiet(), webhooks.WithDeduplicator(d))

		first, copied := make(chan int), make(chan int)
		go func() { first <- serve(replica1, post(runBody, testKey)).Code }()
		<-entered
		go func() { copied <- serve(replica2, post(runBody, testKey)).Code }()
		<-d.waiting
		close(release)
		assert.Equal(t, http.StatusOK, <-first)
		assert.Equal(t, http.StatusOK, <-copied)
		assert.EqualValues(t, 1, calls.Load())
	})

	t.Run("run ids and statuses holding colons never share a key", func(t *testing.T) {
		cb := &recorder{}
		h := webhooks.Handler(testKey, cb.fn, quiet())
		assert.Equal(t, http.StatusOK, serve(h, post(`{"run_id":"a:b","status":"c"}`, testKey)).Code)
		w := serve(h, post(`{"run_id":"a","status":"b:c"}`, testKey))
		assert.Equal(t, http.StatusOK, w.Code)
		assert.NotContains(t, w.Body.String(), "duplicate")
		assert.EqualValues(t, 2, cb.calls.Load(), "a:b + c and a + b:c are two deliveries")
	})

	t.Run("a delivery is forgotten after the time-to-live", func(t *testing.T) {
		now := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
		cb := &recorder{}
		h := webhooks.Handler(testKey, cb.fn, quiet(), webhooks.WithClock(func() time.Time { return now }))
		serve(h, post(runBody, testKey))
		now = now.Add(webhooks.DefaultDedupTTL - time.Second)
		serve(h, post(runBody, testKey))
		assert.EqualValues(t, 1, cb.calls.Load(), "still remembered")
		now = now.Add(2 * time.Second)
		serve(h, post(runBody, testKey))
		assert.EqualValues(t, 2, cb.calls.Load(), "forgotten")
	})

	t.Run("without a deduplicator every delivery runs", func(t *testing.T) {
		cb := &recorder{}
		h := webhooks.Handler(testKey, cb.fn, quiet(), webhooks.WithDeduplicator(nil))
		serve(h, post(runBody, testKey))
		serve(h, post(runBody, testKey))
		assert.EqualValues(t, 2, cb.calls.Load())
	})

	t.Run("a delivery without run_id is never deduplicated", func(t *testing.T) {
		cb := &recorder{}
		h := webhooks.Handler(testKey, cb.fn, quiet())
		serve(h, post(`{"status":"completed"}`, testKey))
		serve(h, post(`{"status":"completed"}`, testKey))
		assert.EqualValues(t, 2, cb.calls.Load())
	})

	t.Run("a failing deduplicator gives 500 and the callback does not run", func(t *testing.T) {
		cb := &recorder{}
		h := webhooks.Handler(testKey, cb.fn, quiet(), webhooks.WithDeduplicator(failingDedup{}))
		assert.Equal(t, http.StatusInternalServerError, serve(h, post(runBody, testKey)).Code)
		assert.Zero(t, cb.calls.Load())
	})

	t.Run("a custom deduplicator sees run_id:status and the outcome", func(t *testing.T) {
		d := &loggingDedup{}
		h := webhooks.Handler(testKey, (&recorder{}).fn, quiet(), webhooks.WithDeduplicator(d))
		serve(h, post(runBody, testKey))
		serve(h, post(`{"run_id":"a:b","status":"c:100%"}`, testKey))
		assert.Equal(t, []string{
			"begin tsk_1:completed", "end tsk_1:completed true",
			"begin a:b:c%3A100%25", "end a:b:c%3A100%25 true", // the status's ':' and '%' are percent-encoded
		}, d.events)
	})
}

// watchedDedup reports on waiting each key it answers DeliveryInProgress.
type watchedDedup struct {
	webhooks.Deduplicator
	waiting chan string
}

func (d *watchedDedup) Begin(ctx context.Context, key string) (webhooks.DeliveryState, error) {
	state, err := d.Deduplicator.Begin(ctx, key)
	if state == webhooks.DeliveryInProgress {
		d.waiting <- key
	}
	return state, err
}

type failingDedup struct{}

func (failingDedup) Begin(context.Context, string) (webhooks.DeliveryState, error) {
	return 0, errors.New("redis unreachable")
}
func (failingDedup) End(context.Context, string, bool) error { return nil }

type loggingDedup struct{ events []string }

func (d *loggingDedup) Begin(_ context.Context, key string) (webhooks.DeliveryState, error) {
	d.events = append(d.events, "begin "+key)
	return webhooks.DeliveryNew, nil
}

func (d *loggingDedup) End(ctx context.Context, key string, ok bool) error {
	d.events = append(d.events, "end "+key+" "+strconv.FormatBool(ok))
	return ctx.Err()
}

func TestHandlerFreshnessWindow(t *testing.T) {
	now := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	clock := webhooks.WithClock(func() time.Time { return now })
	stamp := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }

	tests := []struct {
		name       string
		opts       []webhooks.HandlerOption
		timestamp  string
		wantStatus int
	}{
		{"without a window an ancient timestamp is accepted", nil, "1", http.StatusOK},
		{"a timestamp inside the window is accepted", []webhooks.HandlerOption{webhooks.WithFreshnessWindow(5 * time.Minute)}, stamp(-4 * time.Minute), http.StatusOK},
		{"a timestamp at the edge of the window is accepted", []webhooks.HandlerOption{webhooks.WithFreshnessWindow(5 * time.Minute)}, stamp(-5 * time.Minute), http.StatusOK},
		{"a timestamp older than the window is answered 401", []webhooks.HandlerOption{webhooks.WithFreshnessWindow(5 * time.Minute)}, stamp(-5*time.Minute - time.Second), http.StatusUnauthorized},
		{"a timestamp too far in the future is answered 401", []webhooks.HandlerOption{webhooks.WithFreshnessWindow(5 * time.Minute)}, stamp(6 * time.Minute), http.StatusUnauthorized},
		{"an unreadable timestamp is answered 401", []webhooks.HandlerOption{webhooks.WithFreshnessWindow(5 * time.Minute)}, "yesterday", http.StatusUnauthorized},
		{"a missing timestamp is accepted with a window alone", []webhooks.HandlerOption{webhooks.WithFreshnessWindow(5 * time.Minute)}, "", http.StatusOK},
		{"a missing timestamp is answered 401 when required", []webhooks.HandlerOption{webhooks.WithFreshnessWindow(5 * time.Minute), webhooks.WithRequiredTimestamp()}, "", http.StatusUnauthorized},
		{"a required timestamp without a window may be old", []webhooks.HandlerOption{webhooks.WithRequiredTimestamp()}, "1", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cb := &recorder{}
			opts := append([]webhooks.HandlerOption{quiet(), clock}, tt.opts...)
			r := post(runBody, testKey)
			if tt.timestamp != "" {
				r.Header.Set("x-skyvern-timestamp", tt.timestamp)
			}
			w := serve(webhooks.Handler(testKey, cb.fn, opts...), r)
			assert.Equal(t, tt.wantStatus, w.Code)
			if tt.wantStatus != http.StatusOK {
				assert.Zero(t, cb.calls.Load())
			}
		})
	}

	t.Run("a stale but forged delivery is answered 401 for its signature", func(t *testing.T) {
		r := post(runBody, "sk-other")
		r.Header.Set("x-skyvern-timestamp", "1")
		w := serve(webhooks.Handler(testKey, (&recorder{}).fn, quiet(), clock, webhooks.WithFreshnessWindow(time.Minute)), r)
		assert.Equal(t, http.StatusUnauthorized, w.Code)
		assert.Equal(t, "webhooks: invalid signature\n", w.Body.String())
	})
}

func TestHandlerKeyRotation(t *testing.T) {
	tests := []struct {
		name       string
		apiKey     string
		extra      []string
		signWith   string
		wantStatus int
	}{
		{"the main key is accepted", "sk-new", []string{"sk-old"}, "sk-new", http.StatusOK},
		{"an extra key is accepted", "sk-new", []string{"sk-old"}, "sk-old", http.StatusOK},
		{"a key in neither place is refused", "sk-new", []string{"sk-old"}, "sk-other", http.StatusUnauthorized},
		{"extra keys work without a main key", "", []string{"sk-old"}, "sk-old", http.StatusOK},
		{"empty extra keys are ignored", "sk-new", []string{""}, "", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(runBody, tt.signWith)
			if tt.signWith == "" {
				r.Header.Set("x-skyvern-signature", sign(runBody, ""))
			}
			w := serve(webhooks.Handler(tt.apiKey, (&recorder{}).fn, quiet(), webhooks.WithExtraKeys(tt.extra...)), r)
			assert.Equal(t, tt.wantStatus, w.Code)
		})
	}
}

func TestTOTPHandler(t *testing.T) {
	const body = `{"task_id":"tsk_1","workflow_run_id":"wr_1"}`
	tests := []struct {
		name       string
		request    func() *http.Request
		code       string
		err        error
		panics     bool
		wantStatus int
		wantBody   string
	}{
		{"a code is answered 200 with verification_code", func() *http.Request { return post(body, testKey) },
			"123456", nil, false, http.StatusOK, `{"verification_code":"123456"}`},
		{"no code yet is answered 200 with an empty object", func() *http.Request { return post(body, testKey) },
			"", nil, false, http.StatusOK, `{}`},
		{"an error is answered 500", func() *http.Request { return post(body, testKey) },
			"123456", errors.New("mailbox down"), false, http.StatusInternalServerError, "webhooks: callback failed\n"},
		{"a panic is answered 500", func() *http.Request { return post(body, testKey) },
			"", nil, true, http.StatusInternalServerError, "webhooks: callback failed\n"},
		{"a forged request is answered 401", func() *http.Request { return post(body, "sk-other") },
			"123456", nil, false, http.StatusUnauthorized, "webhooks: invalid signature\n"},
		{"a GET is answered 405", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/totp", nil) },
			"123456", nil, false, http.StatusMethodNotAllowed, "webhooks: method not allowed; use POST\n"},
		{"a genuine malformed request is answered 400", func() *http.Request { return post(`{"task_id":1}`, testKey) },
			"123456", nil, false, http.StatusBadRequest, "webhooks: malformed payload: field task_id cannot hold a JSON number\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []*webhooks.TOTPRequest
			h := webhooks.TOTPHandler(testKey, func(_ context.Context, req *webhooks.TOTPRequest) (string, error) {
				got = append(got, req)
				if tt.panics {
					panic("no")
				}
				return tt.code, tt.err
			}, quiet())
			w := serve(h, tt.request())
			assert.Equal(t, tt.wantStatus, w.Code)
			assert.Equal(t, tt.wantBody, w.Body.String())
			if tt.wantStatus == http.StatusOK {
				assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
				require.Len(t, got, 1)
				assert.Equal(t, webhooks.TOTPRequest{TaskID: "tsk_1", WorkflowRunID: "wr_1"}, *got[0])
			}
		})
	}

	t.Run("a request over the limit is answered 413", func(t *testing.T) {
		h := webhooks.TOTPHandler(testKey, func(context.Context, *webhooks.TOTPRequest) (string, error) {
			return "1", nil
		}, quiet(), webhooks.WithMaxBodyBytes(int64(len(body)-1)))
		assert.Equal(t, http.StatusRequestEntityTooLarge, serve(h, post(body, testKey)).Code)
	})

	t.Run("every poll calls the function, however alike", func(t *testing.T) {
		var calls int
		h := webhooks.TOTPHandler(testKey, func(context.Context, *webhooks.TOTPRequest) (string, error) {
			calls++
			return "", nil
		}, quiet())
		for range 3 {
			assert.Equal(t, http.StatusOK, serve(h, post(body, testKey)).Code)
		}
		assert.Equal(t, 3, calls)
	})

	t.Run("a code with characters JSON must escape survives", func(t *testing.T) {
		h := webhooks.TOTPHandler(testKey, func(context.Context, *webhooks.TOTPRequest) (string, error) {
			return "Your code is \"42\"\nhttps://x.example/?a=1&b=2", nil
		}, quiet())
		w := serve(h, post(body, testKey))
		var answer struct {
			VerificationCode string `json:"verification_code"`
		}
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &answer))
		assert.Equal(t, "Your code is \"42\"\nhttps://x.example/?a=1&b=2", answer.VerificationCode)
	})
}

func TestHandlerWithNilFunctionPanics(t *testing.T) {
	assert.Panics(t, func() { webhooks.Handler(testKey, nil) })
	assert.Panics(t, func() { webhooks.TOTPHandler(testKey, nil) })
}

// Skyvern numbers no attempt, so every failed callback is logged with the
// run and status not processed, and what that costs if it was the last.
func TestHandlerLogsEachRunItDidNotProcess(t *testing.T) {
	for _, fail := range []struct {
		name string
		fn   func(context.Context, *skyvern.RunResponse) error
	}{
		{"an error", func(context.Context, *skyvern.RunResponse) error { return errors.New("database down") }},
		{"a panic", func(context.Context, *skyvern.RunResponse) error { panic("boom") }},
	} {
		t.Run(fail.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := webhooks.Handler(testKey, fail.fn,
				webhooks.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))), webhooks.WithDeduplicator(nil))
			for attempt := 1; attempt <= 3; attempt++ {
				logs.Reset()
				assert.Equal(t, http.StatusInternalServerError, serve(h, post(runBody, testKey)).Code)
				var line string
				for l := range strings.Lines(logs.String()) {
					if strings.Contains(l, "run not processed") {
						line = l
					}
				}
				require.NotEmpty(t, line, "attempt %d: %s", attempt, logs.String())
				assert.Contains(t, line, "level=ERROR")
				assert.Contains(t, line, "run_id=tsk_1")
				assert.Contains(t, line, "status=completed")
				assert.Contains(t, line, "up to 3 times")
				assert.Contains(t, line, "if this was the last attempt, the run's result is lost unless replayed with Client.RetryRunWebhook")
				assert.Contains(t, line, "skyvern_stopped_waiting=false")
			}
		})
	}
}
