package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// lockedBuffer is a bytes.Buffer safe for the server's logger and the
// test, which can wait for a text to be written.
type lockedBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{}
}

func newLockedBuffer() *lockedBuffer { return &lockedBuffer{written: make(chan struct{}, 1)} }

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case b.written <- struct{}{}:
	default:
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) waitFor(t *testing.T, text string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for !strings.Contains(b.String(), text) {
		select {
		case <-b.written:
		case <-timeout:
			t.Fatalf("%q was not logged", text)
		}
	}
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServesRunsAndSignedWebhooksUntilStopped(t *testing.T) {
	got := make(chan *skyvern.RunResponse, 1)
	key := "sk-fake-test"
	hook := httptest.NewServer(webhooks.Handler(key, func(_ context.Context, run *skyvern.RunResponse) error {
		got <- run
		return nil
	}, webhooks.WithLogger(nil)))
	defer hook.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	logs := newLockedBuffer()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-api-key", key, "-run-duration", "10ms", "-output", `{"ok":true}`}, outW, logs)
		outW.Close()
	}()

	lines := bufio.NewScanner(outR)
	env := map[string]string{}
	for range 3 {
		require.True(t, lines.Scan())
		if k, v, ok := strings.Cut(lines.Text(), "="); ok {
			env[k] = v
		}
	}
	go io.Copy(io.Discard, outR)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, env["SKYVERN_BASE_URL"])
	assert.Equal(t, key, env["SKYVERN_API_KEY"])

	client, err := skyvern.NewClient(skyvern.WithAPIKey(env["SKYVERN_API_KEY"]), skyvern.WithBaseURL(env["SKYVERN_BASE_URL"]))
	require.NoError(t, err)
	started, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
	require.NoError(t, err)
	_, err = client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_any"})
	require.NoError(t, err, "any workflow is accepted by default")

	select {
	case r := <-got:
		assert.Equal(t, started.RunID, r.RunID)
		assert.Equal(t, skyvern.RunStatusCompleted, r.Status)
		assert.JSONEq(t, `{"ok":true}`, string(r.Output))
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook")
	}

	logs.waitFor(t, "skyverntest: webhook")
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
	}
	assert.Contains(t, logs.String(), "skyverntest request")
	assert.Contains(t, logs.String(), "path=/v1/run/tasks")
	assert.NotContains(t, logs.String(), key, "the key is never logged")

	_, err = http.Get(env["SKYVERN_BASE_URL"] + "/v1/runs/x")
	assert.Error(t, err, "the port is closed")
}

func TestOutcomeAndWorkflowFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-outcome", "failed", "-failure-reason", "nope", "-run-duration", "1ms",
			"-workflows", "wpid_a, wpid_b"}, outW, io.Discard)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	env := map[string]string{}
	for range 3 {
		require.True(t, lines.Scan())
		if k, v, ok := strings.Cut(lines.Text(), "="); ok {
			env[k] = v
		}
	}
	go io.Copy(io.Discard, outR)
	client, err := skyvern.NewClient(skyvern.WithAPIKey(env["SKYVERN_API_KEY"]), skyvern.WithBaseURL(env["SKYVERN_BASE_URL"]))
	require.NoError(t, err)

	_, err = client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_c"})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	created, err := client.CreateWorkflow(ctx, skyvern.WorkflowRequest{YAMLDefinition: "title: Created\nworkflow_definition: {parameters: [], blocks: []}\n"})
	require.NoError(t, err)
	_, err = client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: created.WorkflowPermanentID})
	assert.NoError(t, err, "a workflow created through the API is accepted too")
	wr, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_b"})
	require.NoError(t, err)
	for {
		r, err := client.GetRun(ctx, wr.RunID)
		require.NoError(t, err)
		if r.Status.IsTerminal() {
			assert.Equal(t, skyvern.RunStatusFailed, r.Status)
			assert.Equal(t, "nope", r.FailureReason)
			break
		}
	}
	cancel()
	require.NoError(t, <-done)
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-outcome", "paused"},
		{"-output", "{"},
		{"-port", "-1"},
		{"extra"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		assert.Error(t, err, args)
	}
}
