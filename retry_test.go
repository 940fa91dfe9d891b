package skyvern_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

func TestReadsAreRetried(t *testing.T) {
	retried := []int{408, 429, 500, 502, 503, 504}
	for _, code := range retried {
		t.Run(http.StatusText(code)+" is retried", func(t *testing.T) {
			f := setup(t)
			f.handle("GET /v1/runs/{id}", sequence(status(code, `{"detail":"try again"}`), status(200, runJSON)))
			run, err := f.client.GetRun(context.Background(), "tsk_123")
			require.NoError(t, err)
			assert.Equal(t, "tsk_123", run.RunID)
			assert.Len(t, f.requests(), 2)
		})
	}
	for _, code := range []int{400, 401, 403, 404, 409, 422, 501} {
		t.Run(http.StatusText(code)+" is not retried", func(t *testing.T) {
			f := setup(t)
			f.reply("GET /v1/runs/{id}", code, `{"detail":"no"}`)
			_, err := f.client.GetRun(context.Background(), "tsk_123")
			require.Error(t, err)
			assert.Len(t, f.requests(), 1)
		})
	}
	t.Run("a dropped connection is retried", func(t *testing.T) {
		f := setup(t)
		f.handle("GET /v1/runs/{id}", sequence(hangUp, status(200, runJSON)))
		_, err := f.client.GetRun(context.Background(), "tsk_123")
		require.NoError(t, err)
		assert.Len(t, f.requests(), 2)
	})
	t.Run("CancelRun is retried like a read", func(t *testing.T) {
		f := setup(t)
		f.handle("POST /v1/runs/{id}/cancel", sequence(status(502, ``), hangUp, status(200, `null`)))
		require.NoError(t, f.client.CancelRun(context.Background(), "wr_1"))
		assert.Len(t, f.requests(), 3)
	})
	t.Run("the attempts are counted on the final error", func(t *testing.T) {
		f := setup(t)
		f.reply("GET /v1/runs/{id}", 503, `{"detail":"down"}`)
		_, err := f.client.GetRun(context.Background(), "tsk_123")
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 3, apiErr.Attempts, "1 attempt + 2 retries by default")
		assert.Contains(t, err.Error(), "(after 3 attempts)")
		assert.Len(t, f.requests(), 3)
	})
	t.Run("0 retries means one attempt", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxRetries(0))
		f.reply("GET /v1/runs/{id}", 503, `{}`)
		_, err := f.client.GetRun(context.Background(), "tsk_123")
		require.Error(t, err)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("retries can be raised per call", func(t *testing.T) {
		f := setup(t)
		f.reply("GET /v1/runs/{id}", 500, `{}`)
		_, err := f.client.GetRun(context.Background(), "tsk_123", skyvern.WithMaxRetries(4))
		require.Error(t, err)
		assert.Len(t, f.requests(), 5)
	})
}

func TestRunCreatingCallsAreNotRetriedBlindly(t *testing.T) {
	calls := map[string]func(c *skyvern.Client) error{
		"RunTask": func(c *skyvern.Client) error {
			_, err := c.RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "p", WebhookURL: "https://example.com/h"})
			return err
		},
		"RunWorkflow": func(c *skyvern.Client) error {
			_, err := c.RunWorkflow(context.Background(), skyvern.WorkflowRunRequest{WorkflowID: "wpid_1"})
			return err
		},
		"RetryRunWebhook": func(c *skyvern.Client) error {
			_, err := c.RetryRunWebhook(context.Background(), "tsk_1", skyvern.RetryRunWebhookRequest{WebhookURL: "https://example.com/h"})
			return err
		},
	}
	routes := map[string]string{
		"RunTask":         "POST /v1/run/tasks",
		"RunWorkflow":     "POST /v1/run/workflows",
		"RetryRunWebhook": "POST /v1/runs/{id}/retry_webhook",
	}
	answer := map[string]string{
		"RunTask":         runJSON,
		"RunWorkflow":     `{"run_id":"wr_1","status":"created","run_type":"workflow_run"}`,
		"RetryRunWebhook": `{"run_id":"tsk_1","run_type":"task_v1","payload":"{}","headers":{},"status_code":200}`,
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			mayExist := []struct {
				name    string
				handler http.HandlerFunc
			}{
				{"a dropped connection", hangUp},
				{"a 500", status(500, `{"detail":"boom"}`)},
				{"a 502", status(502, ``)},
				{"a 503 without Retry-After", status(503, `{}`)},
				{"a 504", status(504, ``)},
				{"a 408", status(408, ``)},
			}
			for _, tc := range mayExist {
				t.Run(tc.name+" is returned at once and may have created the run", func(t *testing.T) {
					f := setup(t)
					f.handle(routes[name], tc.handler)
					err := call(f.client)
					require.Error(t, err)
					assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
					assert.Len(t, f.requests(), 1)
					assert.Contains(t, err.Error(), "not retried")
				})
			}
			refused := []struct {
				name    string
				handler http.HandlerFunc
			}{
				{"a 429", status(429, `{"detail":"slow down"}`, "Retry-After", "0")},
				{"a 429 without Retry-After", status(429, `{"detail":"slow down"}`)},
				{"a 503 with Retry-After", status(503, `{}`, "Retry-After", "0")},
			}
			for _, tc := range refused {
				t.Run(tc.name+" is retried with the identical body", func(t *testing.T) {
					f := setup(t)
					f.handle(routes[name], sequence(tc.handler, tc.handler, status(200, answer[name])))
					require.NoError(t, call(f.client))
					reqs := f.requests()
					require.Len(t, reqs, 3)
					assert.Equal(t, reqs[0].Body, reqs[1].Body)
					assert.Equal(t, reqs[0].Body, reqs[2].Body)
				})
			}
			t.Run("a 429 that outlasts the retries is rate limiting, not a maybe-run", func(t *testing.T) {
				f := setup(t)
				f.handle(routes[name], status(429, `{"detail":"slow down"}`, "Retry-After", "0"))
				err := call(f.client)
				assert.ErrorIs(t, err, skyvern.ErrRateLimited)
				assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown)
				assert.Len(t, f.requests(), 3)
			})
			t.Run("a 4xx refusal means no run", func(t *testing.T) {
				f := setup(t)
				f.reply(routes[name], 400, `{"detail":"bad"}`)
				err := call(f.client)
				assert.ErrorIs(t, err, skyvern.ErrBadRequest)
				assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown)
			})
		})
	}
}

// flakyDialer fails its first n dials, then dials for real.
type flakyDialer struct {
	fails atomic.Int32
	dials atomic.Int32
}

func (d *flakyDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.dials.Add(1)
	if d.fails.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused (injected)")}
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

func TestRunTaskIsRetriedWhenTheRequestNeverLeft(t *testing.T) {
	d := &flakyDialer{}
	d.fails.Store(2)
	hc := &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
	f := setup(t, skyvern.WithHTTPClient(hc))
	f.reply("POST /v1/run/tasks", 200, runJSON)

	run, err := f.client.RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	assert.Equal(t, "tsk_123", run.RunID)
	assert.Equal(t, int32(3), d.dials.Load())
	assert.Len(t, f.requests(), 1, "the server saw the run started exactly once")

	t.Run("and reports a failure to connect as no run", func(t *testing.T) {
		d.fails.Store(100)
		_, err := f.client.RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "p"})
		var reqErr *skyvern.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.Equal(t, 3, reqErr.Attempts)
		assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown)
		assert.Contains(t, err.Error(), "connection refused (injected)")
	})
}

func TestUnreachableServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close() // nothing listens here now

	c, err := skyvern.NewClient(skyvern.WithAPIKey(testKey), skyvern.WithBaseURL("http://"+addr),
		skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	_, err = c.RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "p"})
	var reqErr *skyvern.RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 3, reqErr.Attempts, "a refused connection never carried the request, so it is retried")
	assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown)
	assert.NotContains(t, err.Error(), testKey)
}

func TestContextEndsTheWaitBetweenRetries(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	answered := make(chan struct{})
	f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30") // a long wait, which the cancel must cut short
		w.WriteHeader(http.StatusServiceUnavailable)
		close(answered)
	})
	done := make(chan error, 1)
	go func() {
		_, err := f.client.GetRun(ctx, "tsk_1")
		done <- err
	}()
	<-answered
	cancel()
	err := <-done
	assert.ErrorIs(t, err, context.Canceled)
	var reqErr *skyvern.RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 1, reqErr.Attempts)
	assert.Len(t, f.requests(), 1)
}

func TestTimeoutIsPerAttempt(t *testing.T) {
	f := setup(t)
	var n atomic.Int32
	f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			<-r.Context().Done() // the first attempt hangs until the client gives up
			return
		}
		status(200, runJSON)(w, r)
	})
	run, err := f.client.GetRun(context.Background(), "tsk_1", skyvern.WithTimeout(50*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, "tsk_123", run.RunID)
	assert.Equal(t, int32(2), n.Load())

	t.Run("a timed-out run-creating call may have created the run", func(t *testing.T) {
		f := setup(t, skyvern.WithTimeout(50*time.Millisecond))
		f.handle("POST /v1/run/tasks", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		_, err := f.client.RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "p"})
		assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
		assert.Len(t, f.requests(), 1)
	})
}

func TestRequestBodyIsIdenticalOnEveryAttempt(t *testing.T) {
	f := setup(t)
	f.handle("POST /v1/run/tasks", sequence(status(429, ``), status(503, ``, "Retry-After", "0"), status(200, runJSON)))
	req := skyvern.TaskRunRequest{Prompt: "p", Model: map[string]any{"b": 1, "a": []any{1.5, "x"}}, ErrorCodeMapping: map[string]string{"z": "1", "y": "2"}}
	_, err := f.client.RunTask(context.Background(), req)
	require.NoError(t, err)
	reqs := f.requests()
	require.Len(t, reqs, 3)
	for _, r := range reqs[1:] {
		assert.True(t, bytes.Equal(reqs[0].Body, r.Body))
		assert.Equal(t, reqs[0].Header.Get("Content-Length"), r.Header.Get("Content-Length"))
	}
}

func TestCancelledCallsDoNotClaimARunMayExist(t *testing.T) {
	t.Run("a context that ended before the call sends nothing", func(t *testing.T) {
		f := setup(t)
		f.reply("POST /v1/run/tasks", 200, runJSON)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := f.client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
		assert.ErrorIs(t, err, context.Canceled)
		assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown)
		assert.Empty(t, f.requests())
	})
	t.Run("a context that ends while waiting to retry a 429 keeps the 429", func(t *testing.T) {
		waiting := make(chan struct{})
		var once sync.Once
		f := setup(t, skyvern.WithLogger(slog.New(onRetry{func() { once.Do(func() { close(waiting) }) }})))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f.handle("POST /v1/run/tasks", status(429, `{"detail":"slow down"}`, "Retry-After", "30"))
		done := make(chan error, 1)
		go func() {
			_, err := f.client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
			done <- err
		}()
		<-waiting // the 429 is in and the client decided to wait 30 s
		cancel()
		err := <-done
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, skyvern.ErrRateLimited, "the server's refusal is kept")
		assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown, "the server said it did not take it")
		assert.Contains(t, err.Error(), "slow down")
		assert.Len(t, f.requests(), 1)
	})
}

// onRetry is a slog.Handler that calls fn at each attempt the client
// decides to retry.
type onRetry struct{ fn func() }

func (h onRetry) Enabled(context.Context, slog.Level) bool { return true }
func (h onRetry) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h onRetry) WithGroup(string) slog.Handler            { return h }
func (h onRetry) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "retry" && a.Value.Bool() {
			h.fn()
			return false
		}
		return true
	})
	return nil
}

// answerAndCancel is a transport that answers 200 and ends the call's
// context at the same moment.
type answerAndCancel struct{ cancel context.CancelFunc }

func (a answerAndCancel) RoundTrip(req *http.Request) (*http.Response, error) {
	a.cancel()
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(runJSON)), ContentLength: int64(len(runJSON)), Request: req}, nil
}

func TestAnAnswerInHandIsNotDiscarded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := skyvern.NewClient(skyvern.WithAPIKey(testKey), skyvern.WithBaseURL("http://127.0.0.1:9"),
		skyvern.WithHTTPClient(&http.Client{Transport: answerAndCancel{cancel}}))
	require.NoError(t, err)
	run, err := c.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err, "the run was created and its answer received")
	assert.Equal(t, "tsk_123", run.RunID)
}

func TestFailedCallsLeaveASharedTransportAlone(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer other.Close()
	shared := &http.Transport{}
	defer shared.CloseIdleConnections()
	plain := &http.Client{Transport: shared}
	reused := func() bool {
		var info httptrace.GotConnInfo
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { info = i }})
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, other.URL, nil)
		resp, err := plain.Do(req)
		require.NoError(t, err)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return info.Reused
	}
	reused() // an idle connection to other is now pooled

	f := setup(t, skyvern.WithHTTPClient(&http.Client{Transport: shared}), skyvern.WithMaxRetries(0))
	f.reply("GET /v1/runs/{id}", 500, `{}`)
	_, err := f.client.GetRun(context.Background(), "tsk_1")
	require.Error(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = f.client.GetRun(ctx, "tsk_1")
	require.Error(t, err)

	assert.True(t, reused(), "the program's other connections stay pooled")
}

// TestFailuresNoRetryCanFixAreNotRetried covers the failures the retry
// policy recognises by type (or, for a header net/http refuses, by the
// request): each ends a read after its first attempt.
func TestFailuresNoRetryCanFixAreNotRetried(t *testing.T) {
	t.Run("a header net/http refuses to send", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxRetries(2), skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
		_, err := f.client.GetRun(context.Background(), "tsk_123", skyvern.WithHeader("X-Trace", "a\x01b"))
		var reqErr *skyvern.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.Equal(t, 1, reqErr.Attempts)
		assert.Contains(t, err.Error(), "invalid header field value")
		assert.Empty(t, f.requests(), "nothing reached the server")
	})
	t.Run("a redirect to another scheme", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxRetries(2), skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
		f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "ftp://127.0.0.1/run", http.StatusFound)
		})
		_, err := f.client.GetRun(context.Background(), "tsk_123")
		var reqErr *skyvern.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.Equal(t, 1, reqErr.Attempts)
		assert.Contains(t, err.Error(), `unsupported protocol scheme "ftp"`)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("more than ten redirects", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxRetries(2), skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
		f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", r.PathValue("id")) // itself, relative to the base URL's path
			w.WriteHeader(http.StatusFound)
		})
		_, err := f.client.GetRun(context.Background(), "tsk_123")
		var reqErr *skyvern.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.Equal(t, 1, reqErr.Attempts)
		assert.Contains(t, err.Error(), "stopped after 10 redirects")
		assert.Len(t, f.requests(), 10, "one attempt: the request and its ten redirects, the last not followed")
	})
}
