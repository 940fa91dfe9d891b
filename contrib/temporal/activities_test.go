package temporal_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/skyvern-go/skyvern"
	skytemporal "github.com/skyvern-go/skyvern/contrib/temporal"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
)

// activityEnv returns a test environment running acts; the workflow
// execution it pretends to serve is the suite's default one.
func activityEnv(acts *skytemporal.Activities) *testsuite.TestActivityEnvironment {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quiet)
	env := s.NewTestActivityEnvironment()
	acts.Register(env)
	return env
}

func mustActivities(t *testing.T, c *skyvern.Client, hook string) *skytemporal.Activities {
	t.Helper()
	acts, err := skytemporal.NewActivities(c, hook)
	require.NoError(t, err)
	return acts
}

// runsOf lists every run the fake holds, newest first.
func runsOf(t *testing.T, srv *skyverntest.Server) []string {
	t.Helper()
	page, err := srv.Client().ListRunsPage(context.Background(), skyvern.ListRunsParams{PageSize: 100})
	require.NoError(t, err)
	ids := make([]string, len(page))
	for i, r := range page {
		ids[i] = r.RunID
	}
	return ids
}

// calls counts the requests the fake got on route.
func calls(srv *skyverntest.Server, route string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}

func TestNewActivitiesRefusesABadWebhookURL(t *testing.T) {
	c := skyverntest.NewServer(t, skyverntest.WithManualClock()).Client()
	for _, hook := range []string{"", "/skyvern", "ftp://hooks.example.com/", "https:///path", "https://hooks.example.com/#frag", "://x"} {
		_, err := skytemporal.NewActivities(c, hook)
		assert.Error(t, err, "%q", hook)
	}
	_, err := skytemporal.NewActivities(nil, "https://hooks.example.com/")
	assert.Error(t, err, "nil client")
}

func TestStartRunSendsAWebhookURLThatNamesTheWorkflow(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	env := activityEnv(mustActivities(t, srv.Client(), "https://hooks.example.com/skyvern?token=abc"))

	val, err := env.ExecuteActivity(skytemporal.ActivityStartRun, skytemporal.StartRequest{Task: &skyvern.TaskRunRequest{Prompt: "p"}})
	require.NoError(t, err)
	var runID string
	require.NoError(t, val.Get(&runID))

	state, ok := srv.Run(runID)
	require.True(t, ok, "the activity returns the id of the run it started")
	hook, err := url.Parse(state.WebhookURL)
	require.NoError(t, err)
	assert.Equal(t, "hooks.example.com", hook.Host)
	assert.Equal(t, "/skyvern", hook.Path)
	q := hook.Query()
	assert.Equal(t, "abc", q.Get("token"), "the URL's own query is kept")
	assert.Equal(t, "default-test-workflow-id", q.Get("temporal_workflow_id"))
	assert.Equal(t, "default-test-run-id", q.Get("temporal_run_id"))
	assert.Regexp(t, `^stk[0-9a-f]{32}$`, q.Get("skyvern_step"))
	assert.Equal(t, []string{runID}, runsOf(t, srv))
}

func TestStartRunFindsTheRunWhoseAnswerWasLost(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	// Skyvern starts the run, and its answer is cut short: the client
	// cannot tell whether the run exists (skyvern.ErrOutcomeUnknown).
	srv.Fault(skyverntest.RouteRunTask, skyverntest.Fault{Truncate: true})
	env := activityEnv(mustActivities(t, srv.Client(), "https://hooks.example.com/skyvern"))

	val, err := env.ExecuteActivity(skytemporal.ActivityStartRun, skytemporal.StartRequest{Task: &skyvern.TaskRunRequest{Prompt: "p"}})
	require.NoError(t, err)
	var runID string
	require.NoError(t, val.Get(&runID))

	assert.Equal(t, []string{runID}, runsOf(t, srv), "the run found is the one started, and the only one")
	assert.Equal(t, 1, calls(srv, skyverntest.RouteRunTask), "not started again")
}

func TestStartRunFailsRetryablyWhenARunMayExistButIsNotFound(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.Fault(skyverntest.RouteRunTask, skyverntest.Fault{StatusCode: http.StatusBadGateway})
	env := activityEnv(mustActivities(t, srv.Client(skyvern.WithMaxRetries(0)), "https://hooks.example.com/skyvern"))

	_, err := env.ExecuteActivity(skytemporal.ActivityStartRun, skytemporal.StartRequest{Task: &skyvern.TaskRunRequest{Prompt: "p"}})

	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.False(t, appErr.NonRetryable(), "the next attempt looks again, then starts")
	assert.Contains(t, err.Error(), "may have been acted on")
	assert.Equal(t, 1, calls(srv, skyverntest.RouteRunTask), "not started again in the same attempt")
	assert.Equal(t, 1, calls(srv, skyverntest.RouteListRuns), "looked for it")
	assert.Empty(t, runsOf(t, srv))
}

func TestStartRunMarksRefusalsNonRetryable(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	env := activityEnv(mustActivities(t, srv.Client(), "https://hooks.example.com/skyvern"))

	_, err := env.ExecuteActivity(skytemporal.ActivityStartRun, skytemporal.StartRequest{Workflow: &skyvern.WorkflowRunRequest{WorkflowID: "wpid_unknown"}})

	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.True(t, appErr.NonRetryable(), "an unknown workflow stays unknown")
	assert.Empty(t, runsOf(t, srv))
}

func TestStartRunStartsEachKindOfRun(t *testing.T) {
	var (
		mu    sync.Mutex
		paths []string
		hooks []string
	)
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			WebhookURL string `json:"webhook_url"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		paths = append(paths, r.URL.Path)
		hooks = append(hooks, body.WebhookURL)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"run_id":"wr_1","status":"created","run_type":"workflow_run"}`))
	}))
	t.Cleanup(stub.Close)
	c, err := skyvern.NewClient(skyvern.WithAPIKey("k"), skyvern.WithBaseURL(stub.URL))
	require.NoError(t, err)
	env := activityEnv(mustActivities(t, c, "https://hooks.example.com/skyvern"))

	for _, req := range []skytemporal.StartRequest{
		{Task: &skyvern.TaskRunRequest{Prompt: "p"}},
		{Workflow: &skyvern.WorkflowRunRequest{WorkflowID: "wpid_1"}},
		{Login: &skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_1"}},
		{Download: &skyvern.DownloadFilesRequest{NavigationGoal: "get the invoice"}},
	} {
		val, err := env.ExecuteActivity(skytemporal.ActivityStartRun, req)
		require.NoError(t, err)
		var runID string
		require.NoError(t, val.Get(&runID))
		assert.Equal(t, "wr_1", runID)
	}
	assert.Equal(t, []string{"/v1/run/tasks", "/v1/run/workflows", "/v1/run/tasks/login", "/v1/run/tasks/download_files"}, paths)
	for _, h := range hooks {
		assert.True(t, strings.HasPrefix(h, "https://hooks.example.com/skyvern?"), "%q", h)
		assert.Contains(t, h, "skyvern_step=stk")
	}
}

func TestGetRunAndCancelRunActivities(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	c := srv.Client()
	env := activityEnv(mustActivities(t, c, "https://hooks.example.com/skyvern"))
	ctx := context.Background()
	run, err := c.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)

	val, err := env.ExecuteActivity(skytemporal.ActivityGetRun, run.RunID)
	require.NoError(t, err)
	var got skyvern.RunResponse
	require.NoError(t, val.Get(&got))
	assert.Equal(t, run.RunID, got.RunID)

	_, err = env.ExecuteActivity(skytemporal.ActivityGetRun, "tsk_unknown")
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.True(t, appErr.NonRetryable(), "an unknown run stays unknown")

	srv.Advance(skyverntest.DefaultRunDuration) // the task finishes; Skyvern refuses to cancel it
	_, err = env.ExecuteActivity(skytemporal.ActivityCancelRun, run.RunID)
	assert.NoError(t, err, "a finished run is left as it is")
	state, _ := srv.Run(run.RunID)
	assert.Equal(t, skyvern.RunStatusCompleted, state.Run.Status)
}
