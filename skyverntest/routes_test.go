package skyverntest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

func TestWrongMethodGets405WithAllow(t *testing.T) {
	srv := skyverntest.NewServer(t)
	status, body, header := do(t, "DELETE", srv.URL+"/v1/runs/tsk_1", srv.APIKey, "")
	assert.Equal(t, http.StatusMethodNotAllowed, status)
	assert.Equal(t, "GET", header.Get("Allow"))
	assert.JSONEq(t, `{"detail":"Method Not Allowed"}`, string(body))

	status, _, header = do(t, "PUT", srv.URL+"/v1/workflows", srv.APIKey, "")
	assert.Equal(t, http.StatusMethodNotAllowed, status)
	assert.Equal(t, "GET, POST", header.Get("Allow"))

	status, body, _ = do(t, "GET", srv.URL+"/v1/nowhere", srv.APIKey, "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.JSONEq(t, `{"detail":"Not Found"}`, string(body))
}

func TestTrailingSlashAliases(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	run, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	status, body, _ := do(t, "GET", srv.URL+"/v1/runs/"+run.RunID+"/", srv.APIKey, "")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), run.RunID)
	status, _, _ = do(t, "POST", srv.URL+"/v1/run/tasks/", srv.APIKey, `{"prompt":"q"}`)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, skyverntest.RouteGetRun, srv.Requests()[1].Route, "an alias is recorded under its route")
}

func TestInvalidEnumsGet422(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	for _, tt := range []struct {
		name, method, path, body string
		loc                      []any
		input                    string
	}{
		{"run status filter", "GET", "/v1/runs?status=bogus", "", []any{"query", "status", 0.0}, "bogus"},
		{"run type filter", "GET", "/v1/runs?run_type=bogus", "", []any{"query", "run_type", 0.0}, "bogus"},
		{"artifact type", "GET", "/v1/runs/tsk_1/artifacts?artifact_type=bogus", "", []any{"query", "artifact_type", 0.0}, "bogus"},
		{"workflow run status", "GET", "/v1/workflows/runs?status=bogus", "", []any{"query", "status", 0.0}, "bogus"},
		{"workflow status", "GET", "/v1/workflows?status=bogus", "", []any{"query", "status", 0.0}, "bogus"},
		{"proxy location", "POST", "/v1/run/tasks", `{"prompt":"p","proxy_location":"NOWHERE"}`, []any{"body", "proxy_location"}, "NOWHERE"},
		{"engine", "POST", "/v1/run/tasks", `{"prompt":"p","engine":"skyvern-9"}`, []any{"body", "engine"}, "skyvern-9"},
		{"workflow proxy", "POST", "/v1/run/workflows", `{"workflow_id":"wpid_1","proxy_location":"NOWHERE"}`, []any{"body", "proxy_location"}, "NOWHERE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := do(t, tt.method, srv.URL+tt.path, srv.APIKey, tt.body)
			require.Equal(t, http.StatusUnprocessableEntity, status, "%s", body)
			var got struct {
				Detail []struct {
					Type  string         `json:"type"`
					Loc   []any          `json:"loc"`
					Msg   string         `json:"msg"`
					Input any            `json:"input"`
					Ctx   map[string]any `json:"ctx"`
				} `json:"detail"`
			}
			require.NoError(t, json.Unmarshal(body, &got))
			require.Len(t, got.Detail, 1)
			e := got.Detail[0]
			assert.Equal(t, "enum", e.Type)
			assert.Equal(t, tt.loc, e.Loc)
			assert.Equal(t, tt.input, e.Input)
			assert.True(t, strings.HasPrefix(e.Msg, "Input should be '"), e.Msg)
			assert.Contains(t, e.Msg, " or '")
			assert.Equal(t, e.Msg, "Input should be "+e.Ctx["expected"].(string))
		})
	}
	// The message lists the values as pydantic does.
	_, body, _ := do(t, "GET", srv.URL+"/v1/runs?run_type=x", srv.APIKey, "")
	assert.Contains(t, string(body), `"msg":"Input should be 'task_v1', 'task_v2', 'task_v3', 'workflow_run', 'openai_cua', 'anthropic_cua', 'ui_tars' or 'yutori_navigator'"`)
	// Known values and objects pass.
	status, body, _ := do(t, "POST", srv.URL+"/v1/run/tasks", srv.APIKey, `{"prompt":"p","proxy_location":{"country":"US"}}`)
	assert.Equal(t, http.StatusOK, status, "%s", body)
	status, _, _ = do(t, "GET", srv.URL+"/v1/runs?status=completed&status=failed", srv.APIKey, "")
	assert.Equal(t, http.StatusOK, status)
}

func TestListRunsOfOneWorkflow(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	a, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: definition("A")})
	require.NoError(t, err)
	b, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: definition("B")})
	require.NoError(t, err)
	var ofA []string
	for range 3 {
		r, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: a.WorkflowPermanentID})
		require.NoError(t, err)
		ofA = append([]string{r.RunID}, ofA...)
		_, err = client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: b.WorkflowPermanentID})
		require.NoError(t, err)
	}
	for _, prefix := range []string{"/v1/agents/", "/v1/workflows/"} {
		status, body, _ := do(t, "GET", srv.URL+prefix+a.WorkflowPermanentID+"/runs?page_size=2", srv.APIKey, "")
		require.Equal(t, http.StatusOK, status, "%s", body)
		var runs []skyvern.WorkflowRun
		require.NoError(t, json.Unmarshal(body, &runs))
		require.Len(t, runs, 2)
		assert.Equal(t, ofA[:2], []string{runs[0].WorkflowRunID, runs[1].WorkflowRunID})
		assert.Equal(t, a.WorkflowPermanentID, runs[0].WorkflowPermanentID)
	}
	_, body, _ := do(t, "GET", srv.URL+"/v1/agents/"+a.WorkflowPermanentID+"/runs?page=2&page_size=2", srv.APIKey, "")
	var runs []skyvern.WorkflowRun
	require.NoError(t, json.Unmarshal(body, &runs))
	require.Len(t, runs, 1)
	assert.Equal(t, ofA[2], runs[0].WorkflowRunID)

	future := srv.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05")
	_, body, _ = do(t, "GET", srv.URL+"/v1/agents/"+a.WorkflowPermanentID+"/runs?created_at_start="+future, srv.APIKey, "")
	assert.Equal(t, "[]", string(body))
	status, _, _ := do(t, "GET", srv.URL+"/v1/agents/"+a.WorkflowPermanentID+"/runs?page=0", srv.APIKey, "")
	assert.Equal(t, http.StatusUnprocessableEntity, status)
}

func TestRetryWebhookWithoutAURLUsesTheServersWording(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	run, err := client.RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	srv.Advance(time.Hour)
	_, err = client.RetryRunWebhook(ctxT(t), run.RunID, skyvern.RetryRunWebhookRequest{})
	assert.ErrorIs(t, err, skyvern.ErrBadRequest)
	assert.Equal(t, "No webhook URL configured for the run.", apiError(t, err).Detail)
}

// syncBuffer is a bytes.Buffer safe for a logger writing from several
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestLogsSayWhy(t *testing.T) {
	var logs syncBuffer
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAPIKey("sk-secret-key"),
		skyverntest.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	run, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	do(t, "GET", srv.URL+"/v1/runs/x", "", "")
	do(t, "GET", srv.URL+"/v1/runs/x", "sk-wrong-key", "")
	do(t, "POST", srv.URL+"/v1/run/tasks", srv.APIKey, `{"url":"https://example.com"}`)
	out := logs.String()
	assert.Contains(t, out, "run created")
	assert.Contains(t, out, "run_id="+run.RunID)
	assert.Contains(t, out, `reason="no x-api-key header"`)
	assert.Contains(t, out, `reason="wrong x-api-key"`)
	assert.Contains(t, out, "refused with 422")
	assert.Contains(t, out, `\"loc\":[\"body\",\"prompt\"]`)
	assert.NotContains(t, out, "sk-secret-key")
	assert.NotContains(t, out, "sk-wrong-key")
}

func TestMaxRunsForgetsTheOldestFinishedRuns(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithMaxRuns(3))
	client := srv.Client()
	ctx := ctxT(t)
	srv.OnPrompt("hold", skyverntest.Outcome{Hold: true})
	held, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "hold"})
	require.NoError(t, err)
	var done []string
	for range 3 {
		r, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
		require.NoError(t, err)
		done = append(done, r.RunID)
	}
	srv.Advance(time.Hour) // all but the held run finish
	r, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	// Five runs made, three kept: the held one (not finished) and the newest two.
	_, ok := srv.Run(held.RunID)
	assert.True(t, ok, "a run not finished yet is kept")
	for _, id := range done[:2] {
		_, err := client.GetRun(ctx, id)
		assert.ErrorIs(t, err, skyvern.ErrNotFound, "the oldest finished runs are forgotten")
	}
	_, err = client.GetRun(ctx, done[2])
	assert.NoError(t, err)
	assert.Len(t, srv.Runs(), 3)
	page, err := client.ListRunsPage(ctx, skyvern.ListRunsParams{})
	require.NoError(t, err)
	require.Len(t, page, 3)
	assert.Equal(t, []string{r.RunID, done[2], held.RunID}, []string{page[0].RunID, page[1].RunID, page[2].RunID})
}

// goroutines returns the number of goroutines once it is at most limit,
// or what it is at the test's deadline (testDeadline): goroutines that end
// do so asynchronously, and on a loaded machine that can take a while.
func goroutines(t *testing.T, limit int) int {
	deadline := testDeadline(t)
	for {
		n := runtime.NumGoroutine()
		if n <= limit || time.Now().After(deadline) {
			return n
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

func TestCloseLeavesNothingRunning(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, clockOpt := range []skyverntest.Option{skyverntest.WithManualClock(), skyverntest.WithRunDuration(time.Hour)} {
		srv, err := skyverntest.Start(clockOpt, skyverntest.WithWebhookBackoff(time.Hour))
		require.NoError(t, err)
		hook, stop := receiver(t)
		client := srv.Client()
		ctx := context.Background()
		_, err = client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook})
		require.NoError(t, err)
		run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook})
		require.NoError(t, err)
		require.NoError(t, client.CancelRun(ctx, run.RunID)) // a webhook on its way
		_, err = client.GetRun(ctx, run.RunID)
		require.NoError(t, err)
		srv.Close()
		stop()
	}
	if n := goroutines(t, before); n > before {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines before, %d after Close:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

// receiver starts a webhook receiver that answers 200; stop closes it.
func receiver(t *testing.T) (url string, stop func()) {
	srv := &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(ln) }()
	return fmt.Sprintf("http://%s/hook", ln.Addr()), func() { srv.Close(); <-done }
}

func TestServeMuxRoutingKeepsSkyvernsAnswers(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	// HEAD is not served: FastAPI's routes do not add it to GET.
	status, _, header := do(t, "HEAD", srv.URL+"/v1/runs", srv.APIKey, "")
	assert.Equal(t, http.StatusMethodNotAllowed, status)
	assert.Equal(t, "GET", header.Get("Allow"))
	// A literal segment beats a parameter; a parameter takes any other value.
	status, _, _ = do(t, "POST", srv.URL+"/v1/runs/cancel", srv.APIKey, `{"run_ids":[]}`)
	assert.Equal(t, http.StatusOK, status)
	status, _, header = do(t, "GET", srv.URL+"/v1/runs/cancel", srv.APIKey, "")
	assert.Equal(t, http.StatusNotFound, status, "GET /v1/runs/{run_id} with the id cancel")
	assert.Empty(t, header.Get("Allow"))
	// A path the mux would redirect to its clean form is not served.
	status, body, header := do(t, "GET", srv.URL+"/v1//runs", srv.APIKey, "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.JSONEq(t, `{"detail":"Not Found"}`, string(body))
	assert.Empty(t, header.Get("Location"))
	// An escaped parameter is handed over unescaped, as one segment.
	status, body, _ = do(t, "GET", srv.URL+"/v1/runs/tsk%2F1", srv.APIKey, "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, string(body), "tsk/1")

	reqs := srv.Requests()
	require.Len(t, reqs, 5)
	assert.Equal(t, "/", reqs[0].Route, "HEAD has no route")
	assert.Equal(t, skyverntest.RouteBulkCancelRuns, reqs[1].Route)
	assert.Equal(t, skyverntest.RouteGetRun, reqs[2].Route)
	assert.Equal(t, "/", reqs[3].Route)
	assert.Equal(t, skyverntest.RouteGetRun, reqs[4].Route)
	for i, want := range []int{405, 200, 404, 404, 404} {
		assert.Equal(t, want, reqs[i].StatusCode, "request %d", i)
	}
}

func TestRecordedRequestsSayTheStatusAndTheFault(t *testing.T) {
	srv, client, id := startedRunForRecords(t)
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 503, RetryAfter: "0"})
	_, err := client.GetRun(ctxT(t), id)
	require.Error(t, err)
	_, err = client.GetRun(ctxT(t), id)
	require.NoError(t, err)
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{Truncate: true})
	_, _ = client.GetRun(ctxT(t), id)
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{DropConnection: true})
	_, _ = client.GetRun(ctxT(t), id)
	status, _, _ := do(t, "GET", srv.URL+"/v1/runs/"+id, "wrong", "")
	require.Equal(t, http.StatusForbidden, status)

	type got struct {
		status  int
		faulted bool
	}
	var gets []got
	for _, r := range srv.Requests() {
		if r.Route == skyverntest.RouteGetRun {
			gets = append(gets, got{r.StatusCode, r.Faulted})
		}
	}
	assert.Equal(t, []got{
		{503, true},  // the fault's status
		{200, false}, // served
		{200, true},  // a truncated answer keeps the status it was cut from
		{0, true},    // a dropped connection answers nothing
		{403, false},
	}, gets)
}

// startedRunForRecords returns a server with one run and a client that
// does not retry.
func startedRunForRecords(t *testing.T) (*skyverntest.Server, *skyvern.Client, string) {
	t.Helper()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client(skyvern.WithMaxRetries(0))
	run, err := client.RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	return srv, client, run.RunID
}

func TestEveryRouteIsServedByItsPattern(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	routes := skyverntest.Routes()
	require.NotEmpty(t, routes)
	for _, route := range routes {
		method, path, _ := strings.Cut(route, " ")
		path = param.ReplaceAllString(path, "x1")
		for _, p := range []string{path, path + "/"} {
			status, _, _ := do(t, method, srv.URL+p, "", "") // no key: 403, once routed
			assert.Equal(t, http.StatusForbidden, status, "%s %s", method, p)
		}
	}
	reqs := srv.Requests()
	require.Len(t, reqs, 2*len(routes))
	for i, route := range routes {
		assert.Equal(t, route, reqs[2*i].Route)
		assert.Equal(t, route, reqs[2*i+1].Route, "the trailing-slash alias")
		assert.Equal(t, http.StatusForbidden, reqs[2*i].StatusCode)
	}
}
