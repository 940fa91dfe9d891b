package skyverntest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// startedRun returns a server with one run and a client that retries at
// once.
func startedRun(t *testing.T) (*skyverntest.Server, *skyvern.Client, string) {
	t.Helper()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client(skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
	run, err := client.RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	return srv, client, run.RunID
}

func TestFaultStatusWithRetryAfterIsRetriedByTheClient(t *testing.T) {
	srv, client, id := startedRun(t)
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 503, RetryAfter: "0", Times: 2})
	run, err := client.GetRun(ctxT(t), id)
	require.NoError(t, err)
	assert.Equal(t, id, run.RunID)

	gets := 0
	for _, r := range srv.Requests() {
		if r.Route == skyverntest.RouteGetRun {
			gets++
		}
	}
	assert.Equal(t, 3, gets, "two refused, the third served")
}

func TestFaultTooManyRequestsOnRunTaskCreatesNoRun(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.Fault(skyverntest.RouteRunTask, skyverntest.Fault{StatusCode: 429, RetryAfter: "0", Body: `{"detail":"Rate limit exceeded"}`, Times: 3})
	client := srv.Client(skyvern.WithMaxRetries(2))
	_, err := client.RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, skyvern.ErrRateLimited)
	assert.Equal(t, "Rate limit exceeded", apiErr.Detail)
	assert.Equal(t, "0", apiErr.RetryAfter)
	assert.Equal(t, 3, apiErr.Attempts)
	assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown)
	assert.Empty(t, srv.Runs())

	// The fault is used up: the next call goes through.
	_, err = client.RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	assert.Len(t, srv.Runs(), 1)
}

func TestFaultServerErrorOnRunTaskIsNotRetried(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.Fault(skyverntest.RouteRunTask, skyverntest.Fault{StatusCode: 500})
	_, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Internal Server Error", apiErr.Detail)
	assert.Equal(t, 1, apiErr.Attempts)
	assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
	assert.Len(t, srv.Requests(), 1)
}

func TestFaultAfterAndTimesPickTheCalls(t *testing.T) {
	srv, _, id := startedRun(t)
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 502, After: 1, Times: 2})
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 504, After: 4})
	var got []int
	for range 7 {
		status, _, _ := do(t, "GET", srv.URL+"/v1/runs/"+id, srv.APIKey, "")
		got = append(got, status)
	}
	assert.Equal(t, []int{200, 502, 502, 200, 504, 200, 200}, got)

	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 503, Times: -1})
	for range 3 {
		status, _, _ := do(t, "GET", srv.URL+"/v1/runs/"+id, srv.APIKey, "")
		assert.Equal(t, 503, status)
	}
}

func TestFaultDelayMeetsTheClientTimeout(t *testing.T) {
	srv, _, id := startedRun(t)
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{Delay: time.Minute})
	client := srv.Client(skyvern.WithMaxRetries(0))
	ctx, cancel := context.WithTimeout(ctxT(t), 50*time.Millisecond)
	defer cancel()
	_, err := client.GetRun(ctx, id)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	// A delay alone only slows the answer.
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{Delay: 20 * time.Millisecond})
	start := time.Now()
	_, err = client.GetRun(ctxT(t), id)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
}

func TestFaultDropConnection(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.Fault(skyverntest.RouteRunTask, skyverntest.Fault{DropConnection: true})
	_, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	var reqErr *skyvern.RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown, "the request was written before the connection dropped")
	assert.Empty(t, srv.Runs(), "a dropped request is not acted on")
	require.Len(t, srv.Requests(), 1)
	assert.JSONEq(t, `{"prompt":"p"}`, string(srv.Requests()[0].Body), "but it was read")
}

func TestFaultTruncateServesTheRequestAndCutsTheAnswer(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.Fault(skyverntest.RouteRunTask, skyverntest.Fault{Truncate: true})
	_, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	require.Error(t, err)
	assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
	assert.Len(t, srv.Runs(), 1, "the run was created before the answer was cut")
}

func TestFaultMalformedAnswer(t *testing.T) {
	srv, client, id := startedRun(t)
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{Malformed: true})
	_, err := client.GetRun(ctxT(t), id)
	assert.ErrorIs(t, err, skyvern.ErrMalformedResponse)

	srv.Fault(skyverntest.RouteCancelRun, skyverntest.Fault{Malformed: true})
	status, body, _ := do(t, "POST", srv.URL+"/v1/runs/"+id+"/cancel", srv.APIKey, "")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "nul", string(body))
}

func TestFaultsApplyBeforeAuthentication(t *testing.T) {
	srv := skyverntest.NewServer(t)
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 502, Body: "<html>bad gateway</html>"})
	status, body, header := do(t, "GET", srv.URL+"/v1/runs/x", "", "")
	assert.Equal(t, 502, status)
	assert.Equal(t, "<html>bad gateway</html>", string(body))
	assert.Equal(t, "application/json", header.Get("Content-Type"))
}

func TestFaultOnAnUnknownRoutePanics(t *testing.T) {
	srv := skyverntest.NewServer(t)
	msg := func() (msg any) {
		defer func() { msg = recover() }()
		srv.Fault("GET /v1/runs/{id}", skyverntest.Fault{StatusCode: 500})
		return nil
	}()
	require.IsType(t, "", msg)
	assert.Equal(t, `skyverntest: Fault: unknown route "GET /v1/runs/{id}"; use a Route constant (skyverntest.Routes lists them all)`, msg)
	assert.Contains(t, skyverntest.Routes(), skyverntest.RouteGetRun)
	assert.Panics(t, func() { srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 1000}) })
}

func TestFaultsOnEveryRoute(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	client := srv.Client(skyvern.WithMaxRetries(0))
	ctx := ctxT(t)
	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	srv.Advance(time.Second)

	for route, call := range map[string]func() error{
		skyverntest.RouteRunWorkflow: func() error {
			_, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_1"})
			return err
		},
		skyverntest.RouteCancelRun: func() error { return client.CancelRun(ctx, run.RunID) },
		skyverntest.RouteRetryRunWebhook: func() error {
			_, err := client.RetryRunWebhook(ctx, run.RunID, skyvern.RetryRunWebhookRequest{WebhookURL: "http://127.0.0.1:1"})
			return err
		},
		skyverntest.RouteListRuns: func() error {
			_, err := client.ListRunsPage(ctx, skyvern.ListRunsParams{})
			return err
		},
		skyverntest.RouteBulkCancelRuns: func() error {
			_, err := client.BulkCancelRuns(ctx, []string{run.RunID})
			return err
		},
		skyverntest.RouteGetRunTimeline: func() error {
			_, err := skyvern.Collect(client.ListRunTimeline(ctx, run.RunID))
			return err
		},
		skyverntest.RouteGetRunArtifacts: func() error {
			_, err := skyvern.Collect(client.ListRunArtifacts(ctx, run.RunID, nil))
			return err
		},
		skyverntest.RouteListWorkflowRuns: func() error {
			_, err := client.ListRunsOfAllWorkflowsPage(ctx, skyvern.ListRunsOfAllWorkflowsParams{})
			return err
		},
		skyverntest.RouteCreateWorkflow: func() error {
			_, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: x\n"})
			return err
		},
		skyverntest.RouteListWorkflows: func() error {
			_, err := client.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{})
			return err
		},
		skyverntest.RouteGetWorkflow: func() error {
			_, err := client.GetWorkflow(ctx, "wpid_1", skyvern.GetWorkflowParams{})
			return err
		},
		skyverntest.RouteUpdateWorkflow: func() error {
			_, err := client.UpdateWorkflow(ctx, "wpid_1", skyvern.WorkflowRequest{YAMLDefinition: "title: x\n"})
			return err
		},
		skyverntest.RouteDeleteWorkflow: func() error { return client.DeleteWorkflow(ctx, "wpid_1") },
		skyverntest.RouteListWorkflowVersions: func() error {
			_, err := skyvern.Collect(client.ListWorkflowVersions(ctx, "wpid_1"))
			return err
		},
	} {
		srv.Fault(route, skyverntest.Fault{StatusCode: http.StatusTeapot})
		err := call()
		var apiErr *skyvern.APIError
		require.True(t, errors.As(err, &apiErr), route)
		assert.Equal(t, http.StatusTeapot, apiErr.StatusCode, route)
	}
	// The /v1/agents twins take faults of their own.
	for route, path := range map[string]string{
		skyverntest.RouteRunAgent:          "/v1/run/agents",
		skyverntest.RouteListAgentRuns:     "/v1/agents/runs",
		skyverntest.RouteCreateAgent:       "/v1/agents",
		skyverntest.RouteListAgents:        "/v1/agents",
		skyverntest.RouteGetAgent:          "/v1/agents/wpid_1",
		skyverntest.RouteUpdateAgent:       "/v1/agents/wpid_1",
		skyverntest.RouteDeleteAgent:       "/v1/agents/wpid_1/delete",
		skyverntest.RouteListAgentVersions: "/v1/agents/wpid_1/versions",
	} {
		method, body := strings.Fields(route)[0], ""
		if method == "POST" {
			body = `{"agent_id":"wpid_1","yaml_definition":"title: x"}`
		}
		status, _, _ := do(t, method, srv.URL+path, srv.APIKey, body)
		assert.NotEqual(t, http.StatusTeapot, status, route)
		srv.Fault(route, skyverntest.Fault{StatusCode: http.StatusTeapot})
		status, _, _ = do(t, method, srv.URL+path, srv.APIKey, body)
		assert.Equal(t, http.StatusTeapot, status, route)
	}
}

func TestClearFaultsRemovesAUsersFaults(t *testing.T) {
	srv, _, id := startedRun(t)
	client := srv.Client(skyvern.WithMaxRetries(0))
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 503, Times: -1})
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 500, After: 5})
	srv.Fault(skyverntest.RouteListRuns, skyverntest.Fault{StatusCode: 502, Times: -1})
	_, err := client.GetRun(ctxT(t), id)
	require.Error(t, err)

	srv.ClearFaults(skyverntest.RouteGetRun)
	for range 7 { // past the After of the second fault, cleared too
		_, err = client.GetRun(ctxT(t), id)
		require.NoError(t, err)
	}
	status, _, _ := do(t, "GET", srv.URL+"/v1/runs", srv.APIKey, "")
	require.Equal(t, http.StatusBadGateway, status, "only the route named is cleared")

	srv.ClearFaults()
	status, _, _ = do(t, "GET", srv.URL+"/v1/runs", srv.APIKey, "")
	require.Equal(t, http.StatusOK, status, "no route named: every route is cleared")

	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 503, After: 1})
	_, err = client.GetRun(ctxT(t), id)
	require.NoError(t, err, "After counts from when the fault is set")
	_, err = client.GetRun(ctxT(t), id)
	require.Error(t, err)

	assert.PanicsWithValue(t, `skyverntest: ClearFaults: unknown route "GET /v1/nowhere"; use a Route constant (skyverntest.Routes lists them all)`,
		func() { srv.ClearFaults("GET /v1/nowhere") })
}
