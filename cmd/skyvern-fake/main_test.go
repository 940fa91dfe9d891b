package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
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
			t.Fatalf("%q was not logged; the log:\n%s", text, b.String())
		}
	}
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fake is the command running in the test.
type fake struct {
	env    map[string]string // the NAME=value lines of its standard output
	logs   *lockedBuffer     // its standard error
	cancel context.CancelFunc
	done   chan error
}

// start runs the command with args until stop or the end of the test.
func start(t *testing.T, args ...string) *fake {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	f := &fake{env: map[string]string{}, logs: newLockedBuffer(), cancel: cancel, done: make(chan error, 1)}
	go func() {
		f.done <- run(ctx, args, outW, f.logs)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	for f.env["SKYVERN_API_KEY"] == "" {
		require.True(t, lines.Scan(), "the command ended early; its log:\n%s", f.logs.String())
		if k, v, ok := strings.Cut(lines.Text(), "="); ok {
			f.env[k] = v
		}
	}
	// The admin URL, when there is one, comes last and at once.
	if !slices.Contains(args, "-admin=false") && lines.Scan() {
		if k, v, ok := strings.Cut(lines.Text(), "="); ok {
			f.env[k] = v
		}
	}
	go io.Copy(io.Discard, outR)
	t.Cleanup(func() { f.stop(t) })
	return f
}

// stop interrupts the command and returns once it has ended.
func (f *fake) stop(t *testing.T) {
	t.Helper()
	f.cancel()
	select {
	case err, ok := <-f.done:
		if ok {
			require.NoError(t, err)
			close(f.done)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the command did not stop")
	}
}

func (f *fake) client(t *testing.T) *skyvern.Client {
	t.Helper()
	c, err := skyvern.NewClient(skyvern.WithAPIKey(f.env["SKYVERN_API_KEY"]), skyvern.WithBaseURL(f.env["SKYVERN_BASE_URL"]))
	require.NoError(t, err)
	return c
}

// call sends a request with the command's key, or with key when given
// ("-" for none).
func (f *fake) call(t *testing.T, method, url, body string, key ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	k := f.env["SKYVERN_API_KEY"]
	if len(key) > 0 {
		k = key[0]
	}
	if k != "-" {
		req.Header.Set("X-Api-Key", k)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

func TestServesRunsAndSignedWebhooksUntilStopped(t *testing.T) {
	got := make(chan *skyvern.RunResponse, 1)
	key := "sk-fake-test"
	hook := httptest.NewServer(webhooks.Handler(key, func(_ context.Context, run *skyvern.RunResponse) error {
		got <- run
		return nil
	}, webhooks.WithLogger(nil)))
	defer hook.Close()

	f := start(t, "-api-key", key, "-run-duration", "10ms", "-output", `{"ok":true}`)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, f.env["SKYVERN_BASE_URL"])
	assert.Equal(t, key, f.env["SKYVERN_API_KEY"])
	assert.Equal(t, f.env["SKYVERN_BASE_URL"]+"/_skyverntest/", f.env["SKYVERN_FAKE_ADMIN_URL"], "the admin API is on by default")

	ctx := context.Background()
	started, err := f.client(t).RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
	require.NoError(t, err)
	select {
	case r := <-got:
		assert.Equal(t, started.RunID, r.RunID)
		assert.Equal(t, skyvern.RunStatusCompleted, r.Status)
		assert.JSONEq(t, `{"ok":true}`, string(r.Output))
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook")
	}

	f.logs.waitFor(t, "webhook")
	f.stop(t)
	logs := f.logs.String()
	assert.Contains(t, logs, "path=/v1/run/tasks")
	assert.NotContains(t, logs, key, "the key is never logged")
	lines := strings.Split(strings.TrimSuffix(logs, "\n"), "\n")
	for _, line := range lines {
		assert.True(t, strings.HasPrefix(line, "skyvern-fake: "), "every line has the prefix: %q", line)
	}
	assert.Equal(t, "skyvern-fake: stopped: the server is closed; goodbye", lines[len(lines)-1])

	_, err = http.Get(f.env["SKYVERN_BASE_URL"] + "/v1/runs/x")
	assert.Error(t, err, "the port is closed")
}

// Issue 9, item 7: an unknown workflow id gets the real server's 404
// unless -any-workflow says otherwise.
func TestUnknownWorkflowsAreNotFoundUnlessAnyWorkflow(t *testing.T) {
	ctx := context.Background()
	_, err := start(t).client(t).RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_any"})
	assert.ErrorIs(t, err, skyvern.ErrNotFound, "by default, as on the server")

	_, err = start(t, "-any-workflow").client(t).RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_any"})
	assert.NoError(t, err)
}

func TestOutcomeAndWorkflowFlags(t *testing.T) {
	ctx := context.Background()
	client := start(t, "-outcome", "failed", "-failure-reason", "nope", "-run-duration", "1ms",
		"-workflows", "wpid_a, wpid_b").client(t)

	_, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_c"})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	created, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: Created\nworkflow_definition: {parameters: [], blocks: []}\n"})
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
}

// -allow-webhook-host accepts webhook URLs on the private hosts it names
// (comma-separated, repeatable) and no others; -loopback-webhooks=false
// refuses loopback ones as Skyvern does. Runs are held: no webhook is
// sent to the private addresses.
func TestWebhookHostFlags(t *testing.T) {
	ctx := context.Background()
	client := start(t, "-outcome", "hold", "-allow-webhook-host", "10.1.2.3, receiver",
		"-allow-webhook-host", "192.168.7.7").client(t)
	for _, url := range []string{"http://10.1.2.3:8080/hook", "http://192.168.7.7/hook", "http://127.0.0.1:9/hook"} {
		_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: url})
		assert.NoError(t, err, url)
	}
	_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: "http://10.9.9.9/hook"})
	assert.ErrorIs(t, err, skyvern.ErrBadRequest, "a private host not named")

	strict := start(t, "-outcome", "hold", "-loopback-webhooks=false").client(t)
	_, err = strict.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: "http://127.0.0.1:9/hook"})
	assert.ErrorIs(t, err, skyvern.ErrBadRequest)
}

// The admin API drives a held run on a stopped clock to its webhook, over
// HTTP alone.
func TestAdminAPIDrivesARunToItsWebhook(t *testing.T) {
	bodies := make(chan []byte, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies <- b
	}))
	defer hook.Close()
	f := start(t, "-manual-clock", "-outcome", "hold")
	base, admin := f.env["SKYVERN_BASE_URL"], f.env["SKYVERN_FAKE_ADMIN_URL"]

	status, b := f.call(t, "POST", base+"/v1/run/tasks", `{"prompt":"p","webhook_url":"`+hook.URL+`"}`)
	require.Equal(t, http.StatusOK, status, "%s", b)
	var run struct {
		RunID string `json:"run_id"`
	}
	require.NoError(t, json.Unmarshal(b, &run))

	status, b = f.call(t, "POST", admin+"clock/advance", `{"duration":"1h"}`)
	require.Equal(t, http.StatusOK, status, "%s", b)
	status, b = f.call(t, "POST", admin+"runs/"+run.RunID+"/finish", `{"status":"terminated","failure_reason":"stop"}`)
	require.Equal(t, http.StatusOK, status, "%s", b)
	assert.Len(t, bodies, 0, "the webhook waits for the clock")
	status, b = f.call(t, "POST", admin+"clock/advance", `{}`)
	require.Equal(t, http.StatusOK, status, "%s", b)
	require.Len(t, bodies, 1, "advance answers once the webhook is delivered")
	sent := <-bodies

	status, b = f.call(t, "GET", admin+"webhooks?run_id="+run.RunID, "")
	require.Equal(t, http.StatusOK, status, "%s", b)
	var deliveries []struct {
		Body       string      `json:"body"`
		Header     http.Header `json:"header"`
		StatusCode int         `json:"status_code"`
	}
	require.NoError(t, json.Unmarshal(b, &deliveries))
	require.Len(t, deliveries, 1)
	assert.Equal(t, string(sent), deliveries[0].Body)
	assert.Equal(t, http.StatusOK, deliveries[0].StatusCode)
	assert.NoError(t, webhooks.Verify(sent, deliveries[0].Header.Get("X-Skyvern-Signature"), f.env["SKYVERN_API_KEY"]))
	assert.Contains(t, string(sent), `"status":"terminated"`)

	status, _ = f.call(t, "GET", admin+"clock", "", "wrong")
	assert.Equal(t, http.StatusForbidden, status, "the admin API needs the key")
}

func TestAdminFlagTurnsTheAdminAPIOff(t *testing.T) {
	f := start(t, "-admin=false")
	assert.NotContains(t, f.env, "SKYVERN_FAKE_ADMIN_URL")
	status, _ := f.call(t, "GET", f.env["SKYVERN_BASE_URL"]+"/_skyverntest/clock", "")
	assert.Equal(t, http.StatusNotFound, status)
}

// The log names each run created and says why a request was refused: 403
// without or with a wrong key (never the key), 422 with its detail.
func TestLogsSayWhy(t *testing.T) {
	f := start(t, "-outcome", "hold")
	base := f.env["SKYVERN_BASE_URL"]
	status, b := f.call(t, "POST", base+"/v1/run/tasks", `{"prompt":"p"}`)
	require.Equal(t, http.StatusOK, status)
	var run struct {
		RunID string `json:"run_id"`
	}
	require.NoError(t, json.Unmarshal(b, &run))
	f.logs.waitFor(t, run.RunID)

	status, _ = f.call(t, "GET", base+"/v1/runs/"+run.RunID, "", "-")
	require.Equal(t, http.StatusForbidden, status)
	f.logs.waitFor(t, "no x-api-key")
	status, _ = f.call(t, "GET", base+"/v1/runs/"+run.RunID, "", "sk-not-this-one")
	require.Equal(t, http.StatusForbidden, status)
	f.logs.waitFor(t, "wrong x-api-key")
	status, _ = f.call(t, "POST", base+"/v1/run/tasks", `{}`)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	f.logs.waitFor(t, "Field required")

	f.stop(t)
	logs := f.logs.String()
	assert.NotContains(t, logs, "sk-not-this-one", "not even a wrong key is logged")
	assert.NotContains(t, logs, f.env["SKYVERN_API_KEY"])
	for _, line := range strings.Split(strings.TrimSuffix(logs, "\n"), "\n") {
		assert.True(t, strings.HasPrefix(line, "skyvern-fake: "), "every line has the prefix: %q", line)
	}
}

func TestPrefixWriter(t *testing.T) {
	var buf bytes.Buffer
	w := &prefixWriter{w: &buf, prefix: "p: "}
	for _, s := range []string{"one\n", "two\nthree", " still three\n", "\n"} {
		n, err := w.Write([]byte(s))
		require.NoError(t, err)
		assert.Equal(t, len(s), n)
	}
	assert.Equal(t, "p: one\np: two\np: three still three\np: \n", buf.String())
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-outcome", "paused"},
		{"-output", "{"},
		{"-port", "-1"},
		{"-max-records", "-1"},
		{"-allow-webhook-host", "a,,b"},
		{"extra"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		assert.Error(t, err, args)
	}
}
