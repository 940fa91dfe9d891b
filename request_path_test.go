package skyvern_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// headerLog records the headers of each request a server gets.
type headerLog struct {
	mu  sync.Mutex
	got []http.Header
}

func (l *headerLog) server(t *testing.T, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.got = append(l.got, r.Header.Clone())
		l.mu.Unlock()
		io.Copy(io.Discard, r.Body)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (l *headerLog) all() []http.Header {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]http.Header(nil), l.got...)
}

// TestRedirectsCarryNoCallerHeaderToAnotherOrigin: every header the caller
// set (a proxy's Authorization, an org token, a per-call header) stays
// with Skyvern's origin, not only the API key.
func TestRedirectsCarryNoCallerHeaderToAnotherOrigin(t *testing.T) {
	var other headerLog
	otherSrv := other.server(t, status(200, runJSON))
	f := setup(t, skyvern.WithHeader("Authorization", "Bearer proxy-token"), skyvern.WithHeader("X-Org-Token", "org-secret"))
	f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherSrv.URL+"/elsewhere", http.StatusFound)
	})
	_, err := f.client.GetRun(context.Background(), "tsk_1", skyvern.WithHeader("X-Call-Token", "call-secret"))
	require.NoError(t, err)
	got := other.all()
	require.Len(t, got, 1)
	for _, h := range []string{"Authorization", "X-Org-Token", "X-Call-Token", "X-Api-Key"} {
		assert.Empty(t, got[0].Values(h), h)
	}
	assert.Equal(t, "application/json", got[0].Get("Accept"))
	assert.Contains(t, got[0].Get("User-Agent"), "skyvern-go/")

	t.Run("within the origin they all stay", func(t *testing.T) {
		f := setup(t, skyvern.WithHeader("Authorization", "Bearer proxy-token"))
		f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, prefix+"/v1/moved/tsk_1", http.StatusFound)
		})
		f.reply("GET /v1/moved/{id}", 200, runJSON)
		_, err := f.client.GetRun(context.Background(), "tsk_1")
		require.NoError(t, err)
		reqs := f.requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, "Bearer proxy-token", reqs[1].Header.Get("Authorization"))
		assert.Equal(t, testKey, reqs[1].Header.Get("X-Api-Key"))
	})
}

// TestACreateNeverTakesItsResultFromAnotherOrigin: a create answered with
// a redirect elsewhere fails, and says the thing may exist; a redirect
// that would resend the create is answered with the redirect itself.
func TestACreateNeverTakesItsResultFromAnotherOrigin(t *testing.T) {
	var other headerLog
	otherSrv := other.server(t, status(200, `{"run_id":"tsk_forged","status":"queued"}`))
	ctx := context.Background()

	t.Run("a 303 to another origin", func(t *testing.T) {
		f := setup(t)
		f.handle("POST /v1/run/tasks", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, otherSrv.URL+"/v1/runs/tsk_forged", http.StatusSeeOther)
		})
		run, err := f.client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
		require.Error(t, err)
		assert.Nil(t, run)
		assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
		assert.Contains(t, err.Error(), "another origin")
		assert.NotContains(t, err.Error(), "tsk_forged", "the redirect's path is not repeated")
		assert.Len(t, f.requests(), 1, "not retried")
		assert.Empty(t, other.all(), "the other origin got no request")
	})
	t.Run("a 307 that would resend a body-less create elsewhere", func(t *testing.T) {
		f := setup(t)
		f.handle("POST /v1/workflows/runs/{id}/retry", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, otherSrv.URL+"/v1/workflows/runs/wr_1/retry", http.StatusTemporaryRedirect)
		})
		_, err := f.client.RetryWorkflowRun(ctx, "wr_1")
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
		assert.Empty(t, other.all(), "the create was not sent to the other origin")
	})
	t.Run("a 303 within the origin is followed", func(t *testing.T) {
		f := setup(t)
		f.handle("POST /v1/run/tasks", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, prefix+"/v1/runs/tsk_123", http.StatusSeeOther)
		})
		f.reply("GET /v1/runs/{id}", 200, runJSON)
		run, err := f.client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
		require.NoError(t, err)
		assert.Equal(t, "tsk_123", run.RunID)
	})
}

// TestOnlyAValidRetryAfterProvesACreateWasNotTaken: a 503 proves the
// server refused a create only with a Retry-After that parses.
func TestOnlyAValidRetryAfterProvesACreateWasNotTaken(t *testing.T) {
	ctx := context.Background()
	for _, v := range []string{"abc", "1.5", "-1", "+1", "0x10", "1e3", "１", "0 s", "Mon, 99 Jan 2026 00:00:00 GMT"} {
		t.Run(v, func(t *testing.T) {
			f := setup(t)
			f.handle("POST /v1/run/tasks", sequence(status(503, `{}`, "Retry-After", v), status(200, runJSON)))
			_, err := f.client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
			assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
			assert.Len(t, f.requests(), 1, "not sent again")
		})
	}
	for _, v := range []string{"0", "00", "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"} {
		t.Run(v+" is valid", func(t *testing.T) {
			f := setup(t)
			f.handle("POST /v1/run/tasks", sequence(status(503, `{}`, "Retry-After", v), status(200, runJSON)))
			_, err := f.client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
			require.NoError(t, err)
			assert.Len(t, f.requests(), 2)
		})
	}
}

// tamperer is a RoundTripper that breaks its contract the way some
// logging middlewares do: it edits the request's header values in place.
// It records what each request carried before its edits.
type tamperer struct {
	mu   sync.Mutex
	seen []http.Header
}

func (t *tamperer) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.seen = append(t.seen, req.Header.Clone())
	t.mu.Unlock()
	for _, v := range req.Header {
		for i := range v {
			v[i] = "tampered"
		}
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestEachRequestHasItsOwnHeaderValues: a RoundTripper that edits header
// values in place changes neither the client's next request nor another
// client's.
func TestEachRequestHasItsOwnHeaderValues(t *testing.T) {
	var seen headerLog
	srv := seen.server(t, status(200, runJSON))
	tr := &tamperer{}
	opts := []skyvern.Option{skyvern.WithAPIKey(testKey), skyvern.WithBaseURL(srv.URL), skyvern.WithHeader("X-Org-Token", "org-1")}
	tampering, err := skyvern.NewClient(append(opts, skyvern.WithHTTPClient(&http.Client{Transport: tr}))...)
	require.NoError(t, err)
	plain, err := skyvern.NewClient(opts...)
	require.NoError(t, err)
	ctx := context.Background()

	for range 2 {
		_, err = tampering.GetRun(ctx, "tsk_1")
		require.NoError(t, err)
	}
	_, err = tampering.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", XUserAgent: "bot/1"})
	require.NoError(t, err)
	_, err = plain.GetRun(ctx, "tsk_1")
	require.NoError(t, err)

	tr.mu.Lock()
	before := tr.seen
	tr.mu.Unlock()
	require.Len(t, before, 3)
	for i, h := range before {
		assert.Equal(t, testKey, h.Get("X-Api-Key"), "request %d", i)
		assert.Equal(t, "application/json", h.Get("Accept"), "request %d", i)
		assert.Equal(t, "org-1", h.Get("X-Org-Token"), "request %d", i)
		assert.Contains(t, h.Get("User-Agent"), "skyvern-go/", "request %d", i)
	}
	assert.Equal(t, "application/json", before[2].Get("Content-Type"))
	assert.Equal(t, "bot/1", before[2].Get("X-User-Agent"))
	got := seen.all()
	require.Len(t, got, 4)
	last := got[3]
	assert.Equal(t, "application/json", last.Get("Accept"), "another client's Accept is its own")
	assert.Equal(t, testKey, last.Get("X-Api-Key"))
	assert.Equal(t, "org-1", last.Get("X-Org-Token"))
}

// bigRun is a valid Get Run answer of at least n bytes.
func bigRun(n int) string {
	const head = `{"run_id":"tsk_1","status":"completed","output":"`
	pad := max(n-len(head)-2, 0)
	return head + strings.Repeat("x", pad) + `"}`
}

// TestSuccessAnswersAreBounded: a 2xx body past the limit is not read
// whole; the error says so.
func TestSuccessAnswersAreBounded(t *testing.T) {
	ctx := context.Background()
	const limit = 1000
	t.Run("with a Content-Length", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxResponseBytes(limit))
		f.reply("GET /v1/runs/{id}", 200, bigRun(limit+1))
		_, err := f.client.GetRun(ctx, "tsk_1")
		assert.ErrorIs(t, err, skyvern.ErrResponseTooLarge)
		assert.NotErrorIs(t, err, skyvern.ErrMalformedResponse)
		var reqErr *skyvern.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.Contains(t, err.Error(), "1000 bytes")
		assert.Contains(t, err.Error(), "WithMaxResponseBytes")
		assert.Len(t, f.requests(), 1, "not retried: it would be as long again")
	})
	t.Run("streamed without a length", func(t *testing.T) {
		f := setup(t)
		f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
			body := bigRun(4 * limit)
			for i := 0; i < len(body); i += 100 {
				io.WriteString(w, body[i:min(i+100, len(body))])
				w.(http.Flusher).Flush()
			}
		})
		_, err := f.client.GetRun(ctx, "tsk_1", skyvern.WithMaxResponseBytes(limit))
		assert.ErrorIs(t, err, skyvern.ErrResponseTooLarge)
		run, err := f.client.GetRun(ctx, "tsk_1")
		require.NoError(t, err, "the per-call limit applied to that call only")
		assert.Len(t, run.Output, 4*limit-len(`{"run_id":"tsk_1","status":"completed","output":}`))
	})
	t.Run("exactly the limit passes", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxResponseBytes(limit))
		body := bigRun(limit)
		require.Len(t, body, limit)
		f.reply("GET /v1/runs/{id}", 200, body)
		_, err := f.client.GetRun(ctx, "tsk_1")
		require.NoError(t, err)
	})
	t.Run("the default refuses a longer declared body without reading it", func(t *testing.T) {
		f := setup(t)
		f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(skyvern.DefaultMaxResponseBytes+1))
			io.WriteString(w, `{"run_id":"tsk_1"`) // and no more
		})
		_, err := f.client.GetRun(ctx, "tsk_1")
		assert.ErrorIs(t, err, skyvern.ErrResponseTooLarge)
		assert.Contains(t, err.Error(), strconv.Itoa(skyvern.DefaultMaxResponseBytes))
	})
	t.Run("a create's long answer may have created it", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxResponseBytes(limit))
		f.reply("POST /v1/run/tasks", 200, bigRun(2*limit))
		_, err := f.client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
		assert.ErrorIs(t, err, skyvern.ErrResponseTooLarge)
		assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
	})
	t.Run("error answers keep their own bound", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxResponseBytes(10))
		f.reply("GET /v1/runs/{id}", 404, `{"detail":"Run not found tsk_1"}`)
		_, err := f.client.GetRun(ctx, "tsk_1")
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		assert.Contains(t, err.Error(), "Run not found")
	})
	t.Run("streamed downloads are exempt", func(t *testing.T) {
		srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
		client := srv.Client()
		rec, _ := finishedRunArtifacts(t, srv, client)
		c, err := client.GetArtifactContent(ctx, rec.ArtifactID, skyvern.GetArtifactContentParams{}, skyvern.WithMaxResponseBytes(16))
		require.NoError(t, err)
		assert.Greater(t, len(readAll(t, c)), 16)
	})
	t.Run("the option wants a positive size", func(t *testing.T) {
		for _, n := range []int64{0, -1} {
			_, err := skyvern.NewClient(skyvern.WithAPIKey(testKey), skyvern.WithMaxResponseBytes(n))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "WithMaxResponseBytes")
		}
	})
}

// TestARetryAfterTooLongToWaitForEndsTheCall: a Retry-After past the cap,
// or past the context's deadline, ends the call at once with the answer
// and its Retry-After, instead of waiting out the context.
func TestARetryAfterTooLongToWaitForEndsTheCall(t *testing.T) {
	t.Run("longer than the cap", func(t *testing.T) {
		f := setup(t)
		f.handle("GET /v1/runs/{id}", sequence(status(429, `{"detail":"slow down"}`, "Retry-After", "3600"), status(200, runJSON)))
		_, err := f.client.GetRun(context.Background(), "tsk_1", skyvern.WithMaxRetries(1))
		assert.ErrorIs(t, err, skyvern.ErrRateLimited)
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "3600", apiErr.RetryAfter)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("longer than the context has left", func(t *testing.T) {
		f := setup(t)
		f.handle("POST /v1/run/tasks", sequence(status(429, `{"detail":"slow down"}`, "Retry-After", "20"), status(200, runJSON)))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := f.client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
		assert.ErrorIs(t, err, skyvern.ErrRateLimited)
		assert.False(t, errors.Is(err, context.DeadlineExceeded), "it did not wait for the context to end")
		assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown, "a 429 is a refusal")
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "20", apiErr.RetryAfter)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("a 503 on a read likewise", func(t *testing.T) {
		f := setup(t)
		f.handle("GET /v1/runs/{id}", sequence(status(503, `{}`, "Retry-After", "31"), status(200, runJSON)))
		_, err := f.client.GetRun(context.Background(), "tsk_1", skyvern.WithMaxRetries(1))
		assert.ErrorIs(t, err, skyvern.ErrServer)
		assert.Len(t, f.requests(), 1)
	})
}
