package webhooks_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// The code between the README markers is the webhook receiver of the
// repository's README.md, character for character. TestREADMEShowsThisCode
// checks the README still holds it.

// README:begin
// newWebhookServer serves Skyvern's run webhooks at /skyvern and hands each
// finished run to the workers reading queue.
func newWebhookServer(addr, apiKey string, queue chan<- *skyvern.RunResponse) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("/skyvern", webhooks.Handler(apiKey,
		func(ctx context.Context, run *skyvern.RunResponse) error {
			select {
			case queue <- run: // quick: a worker does the slow part
				return nil
			case <-ctx.Done(): // answered 500, so Skyvern sends it again
				return ctx.Err()
			}
		},
		// A workflow's body carries its output twice: room for a 64 MiB output.
		webhooks.WithMaxBodyBytes(128<<20),
	))
	return &http.Server{
		Addr:              addr,
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second, // the handler bounds the body: webhooks.WithReadTimeout
		WriteTimeout:      time.Minute,      // longer than Skyvern waits for an answer (30 s)
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10, // Skyvern's headers are small
	}
}

// README:end

func TestREADMEWebhookReceiver(t *testing.T) {
	queue := make(chan *skyvern.RunResponse, 1)
	srv := newWebhookServer("127.0.0.1:0", testKey, queue)

	t.Run("a genuine delivery is queued and answered 200", func(t *testing.T) {
		w := serve(srv.Handler, post(taskV1Body, testKey))
		assert.Equal(t, http.StatusOK, w.Code)
		require.Len(t, queue, 1)
		run := <-queue
		assert.Equal(t, "tsk_100", run.RunID)
		assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
	})

	t.Run("a forged delivery is answered 401 and never queued", func(t *testing.T) {
		w := serve(srv.Handler, post(taskV1Body, "sk-guess"))
		assert.Equal(t, http.StatusUnauthorized, w.Code)
		assert.Empty(t, queue)
	})

	t.Run("a body over 128 MiB is answered 413 and never queued", func(t *testing.T) {
		// Announced, so refused before a byte is read; TestHandlerBodyLimit
		// checks a chunked body against the limit as it arrives.
		r := post("", testKey)
		r.Body = io.NopCloser(io.LimitReader(spaces{}, 128<<20+1))
		r.ContentLength = 128<<20 + 1
		w := serve(srv.Handler, r)
		assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
		assert.Empty(t, queue)
	})

	t.Run("the server bounds headers, writes and idle connections", func(t *testing.T) {
		assert.Positive(t, srv.ReadHeaderTimeout)
		assert.Positive(t, srv.WriteTimeout)
		assert.Positive(t, srv.IdleTimeout)
		assert.Positive(t, srv.MaxHeaderBytes)
	})

	t.Run("a delivery that cannot be queued before Skyvern gives up is answered 500", func(t *testing.T) {
		queue <- &skyvern.RunResponse{} // full
		defer func() { <-queue }()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		w := serve(srv.Handler, post(workflowBody, testKey).WithContext(ctx))
		assert.Equal(t, http.StatusInternalServerError, w.Code)
	})

	t.Run("other paths are not the receiver's", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/other", strings.NewReader(taskV1Body))
		assert.Equal(t, http.StatusNotFound, serve(srv.Handler, r).Code)
	})
}

// spaces reads as an endless run of spaces.
type spaces struct{}

var someSpaces = []byte(strings.Repeat(" ", 32<<10))

func (spaces) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], someSpaces)
	}
	return n, nil
}

func TestREADMEShowsThisCode(t *testing.T) {
	src, err := os.ReadFile("readme_example_test.go")
	require.NoError(t, err)
	_, block, ok := strings.Cut(string(src), "// README:begin\n")
	require.True(t, ok)
	block, _, ok = strings.Cut(block, "\n// README:end")
	require.True(t, ok)

	readme, err := os.ReadFile("../README.md")
	if err != nil || !strings.Contains(string(readme), "func newWebhookServer(") {
		t.Skip("README.md has no webhook receiver section yet")
	}
	assert.Contains(t, string(readme), block, "README.md's webhook receiver differs from readme_example_test.go")
}
