package skyvern_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

func TestListRunsOfWorkflowAgainstTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	wf := saveWorkflow(t, client, "Mine", "")
	other := saveWorkflow(t, client, "Other", "")

	var mine []string
	for range 3 {
		run, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: wf.WorkflowPermanentID})
		require.NoError(t, err)
		mine = append(mine, run.RunID)
		srv.Advance(time.Minute)
	}
	_, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: other.WorkflowPermanentID})
	require.NoError(t, err)

	var got []string
	for run, err := range client.ListRunsOfWorkflow(ctx, wf.WorkflowPermanentID, skyvern.ListRunsOfWorkflowParams{
		ListRunsOfAllWorkflowsParams: skyvern.ListRunsOfAllWorkflowsParams{PageSize: 2},
	}) {
		require.NoError(t, err)
		got = append(got, run.WorkflowRunID)
		assert.Equal(t, wf.WorkflowPermanentID, run.WorkflowPermanentID)
	}
	assert.Equal(t, []string{mine[2], mine[1], mine[0]}, got, "the workflow's runs only, newest first")

	first, err := client.GetRun(ctx, mine[1])
	require.NoError(t, err)
	window, err := client.ListRunsOfWorkflowPage(ctx, wf.WorkflowPermanentID, skyvern.ListRunsOfWorkflowParams{
		CreatedAtStart: first.CreatedAt.Time,
		CreatedAtEnd:   first.CreatedAt.Add(time.Second),
	})
	require.NoError(t, err)
	require.Len(t, window, 1, "created_at_start is inclusive and created_at_end exclusive")
	assert.Equal(t, mine[1], window[0].WorkflowRunID)

	var q url.Values
	for _, r := range srv.Requests() {
		if r.Route == skyverntest.RouteListWorkflowRunsByID {
			q, _ = url.ParseQuery(r.RawQuery)
		}
	}
	assert.Equal(t, first.CreatedAt.UTC().Format(time.RFC3339), q.Get("created_at_start"), "times are sent as RFC 3339")
	assert.Equal(t, "/v1/workflows/"+wf.WorkflowPermanentID+"/runs", requestPath(srv, skyverntest.RouteListWorkflowRunsByID))

	_, err = client.ListRunsOfWorkflowPage(ctx, "", skyvern.ListRunsOfWorkflowParams{})
	assert.ErrorIs(t, err, skyvern.ErrEmptyID)
}

// requestPath returns the path of the last request to route.
func requestPath(srv *skyverntest.Server, route string) string {
	path := ""
	for _, r := range srv.Requests() {
		if r.Route == route {
			path = r.Path
		}
	}
	return path
}

func TestRetryWorkflowRunAgainstTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	hooks := newHookRecorder(t, srv.APIKey)
	wf := saveWorkflow(t, client, "Flaky", "")
	srv.OnWorkflow(wf.WorkflowPermanentID, skyverntest.Outcome{Status: skyvern.RunStatusFailed})

	orig, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{
		WorkflowID: wf.WorkflowPermanentID, Parameters: map[string]any{"day": "mon"}, WebhookURL: hooks.URL,
	})
	require.NoError(t, err)

	_, err = client.RetryWorkflowRun(ctx, orig.RunID)
	require.ErrorIs(t, err, skyvern.ErrBadRequest, "a run not finished yet")
	assert.Equal(t, "Only terminal workflow runs can be retried", apiError(t, err).Detail)
	assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown, "a 400 says no run was started")

	srv.Advance(skyverntest.DefaultRunDuration)
	srv.OnWorkflow(wf.WorkflowPermanentID, skyverntest.Outcome{})
	retry, err := client.RetryWorkflowRun(ctx, orig.RunID)
	require.NoError(t, err)
	assert.NotEqual(t, orig.RunID, retry.RunID)
	assert.Equal(t, skyvern.RunStatusCreated, retry.Status)
	req, err := retry.WorkflowRequest()
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"day": "mon"}, req.Parameters, "the retry has the original parameters")
	assert.Equal(t, hooks.URL, req.WebhookURL)
	assert.Equal(t, "/v1/workflows/runs/"+orig.RunID+"/retry", requestPath(srv, skyverntest.RouteRetryWorkflowRun))

	runs, err := client.ListRunsOfWorkflowPage(ctx, wf.WorkflowPermanentID, skyvern.ListRunsOfWorkflowParams{})
	require.NoError(t, err)
	require.Len(t, runs, 2)
	assert.Equal(t, orig.RunID, runs[0].RetriedFromWorkflowRunID)

	srv.Advance(skyverntest.DefaultRunDuration)
	got := hooks.received()
	require.Len(t, got, 2, "the retry sends its webhook where the original did")
	assert.Equal(t, skyvern.RunStatusFailed, got[0].Status)
	assert.Equal(t, retry.RunID, got[1].RunID)
	assert.Equal(t, skyvern.RunStatusCompleted, got[1].Status)

	task, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	srv.Advance(skyverntest.DefaultRunDuration)
	for _, id := range []string{"wr_404", task.RunID} {
		_, err = client.RetryWorkflowRun(ctx, id)
		require.ErrorIs(t, err, skyvern.ErrNotFound, id)
		assert.Equal(t, "Workflow run not found "+id, apiError(t, err).Detail)
	}
	_, err = client.RetryWorkflowRun(ctx, "")
	assert.ErrorIs(t, err, skyvern.ErrEmptyID)

	require.NoError(t, client.DeleteWorkflow(ctx, wf.WorkflowPermanentID))
	_, err = client.RetryWorkflowRun(ctx, orig.RunID)
	require.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Equal(t, "Workflow not found for run "+orig.RunID, apiError(t, err).Detail)

	t.Run("a lost retry is not repeated", func(t *testing.T) {
		srv.Fault(skyverntest.RouteRetryWorkflowRun, skyverntest.Fault{StatusCode: http.StatusInternalServerError})
		_, err := client.RetryWorkflowRun(ctx, retry.RunID)
		require.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
		assert.Equal(t, 1, apiError(t, err).Attempts)
	})
}

func TestResetWorkflowBrowserProfileAgainstTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	wf := saveWorkflow(t, client, "Keeps a session", "")

	require.NoError(t, client.ResetWorkflowBrowserProfile(ctx, wf.WorkflowPermanentID))
	assert.Equal(t, "/v1/workflows/"+wf.WorkflowPermanentID+"/browser_session/reset_profile",
		requestPath(srv, skyverntest.RouteResetWorkflowBrowserProfile))

	err := client.ResetWorkflowBrowserProfile(ctx, "wpid_404")
	require.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Equal(t, "Workflow not found. workflow_permanent_id=wpid_404", apiError(t, err).Detail)
	assert.ErrorIs(t, client.ResetWorkflowBrowserProfile(ctx, ""), skyvern.ErrEmptyID)

	srv.Fault(skyverntest.RouteResetWorkflowBrowserProfile, skyverntest.Fault{StatusCode: http.StatusInternalServerError})
	require.NoError(t, client.ResetWorkflowBrowserProfile(ctx, wf.WorkflowPermanentID, skyvern.WithRetryWait(time.Millisecond, time.Millisecond)),
		"a failed reset is retried")
}
