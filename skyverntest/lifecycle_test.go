package skyverntest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

func TestARunGoesThroughItsStatusesOnTheManualClock(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnPrompt("Find the price", skyverntest.Outcome{Output: map[string]any{"price": 12.5}})
	client := srv.Client()
	ctx := ctxT(t)
	start := srv.Now()

	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Find the price"})
	require.NoError(t, err)
	status := func() *skyvern.RunResponse {
		t.Helper()
		got, err := client.GetRun(ctx, run.RunID)
		require.NoError(t, err)
		return got
	}

	assert.Equal(t, skyvern.RunStatusCreated, status().Status)
	srv.Advance(99 * time.Millisecond)
	assert.Equal(t, skyvern.RunStatusCreated, status().Status)
	srv.Advance(time.Millisecond)
	got := status()
	assert.Equal(t, skyvern.RunStatusQueued, got.Status)
	assert.True(t, got.QueuedAt.Equal(start.Add(100*time.Millisecond)))
	srv.Advance(100 * time.Millisecond)
	got = status()
	assert.Equal(t, skyvern.RunStatusRunning, got.Status)
	assert.True(t, got.StartedAt.Equal(start.Add(200*time.Millisecond)))
	assert.Equal(t, "null", string(got.Output))
	srv.Advance(800 * time.Millisecond)

	got = status()
	assert.Equal(t, skyvern.RunStatusCompleted, got.Status)
	assert.True(t, got.FinishedAt.Equal(start.Add(time.Second)))
	assert.True(t, got.ModifiedAt.Equal(start.Add(time.Second)))
	assert.JSONEq(t, `{"price":12.5}`, string(got.Output))
	assert.Empty(t, got.FailureReason)
}

func TestOutcomesAreChosenByPromptWorkflowFunctionOrDefault(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(),
		skyverntest.WithDefaultOutcome(skyverntest.Outcome{Output: "default"}))
	srv.OnPrompt("by prompt", skyverntest.Outcome{Output: "prompt"})
	srv.OnWorkflow("wpid_1", skyverntest.Outcome{Output: []string{"workflow"}})
	srv.OnWorkflow("wpid_2", skyverntest.Outcome{})
	var seen []skyverntest.RunRequest
	srv.OnRun(func(r skyverntest.RunRequest) skyverntest.Outcome {
		seen = append(seen, r)
		if r.Task != nil && r.Task.URL == "https://fail.example" {
			return skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "site down"}
		}
		return skyverntest.Outcome{Output: map[string]string{"by": "func"}}
	})
	client := srv.Client()
	ctx := ctxT(t)
	start := func(req any) string {
		t.Helper()
		var run *skyvern.RunResponse
		var err error
		switch req := req.(type) {
		case skyvern.TaskRunRequest:
			run, err = client.RunTask(ctx, req)
		case skyvern.WorkflowRunRequest:
			run, err = client.RunWorkflow(ctx, req)
		}
		require.NoError(t, err)
		return run.RunID
	}
	byPrompt := start(skyvern.TaskRunRequest{Prompt: "by prompt"})
	byWorkflow := start(skyvern.WorkflowRunRequest{WorkflowID: "wpid_1"})
	byFunc := start(skyvern.TaskRunRequest{Prompt: "other"})
	failing := start(skyvern.TaskRunRequest{Prompt: "other", URL: "https://fail.example"})
	byFuncWorkflow := start(skyvern.WorkflowRunRequest{WorkflowID: "wpid_2"})
	srv.Advance(time.Second)

	output := func(id string) string {
		st, ok := srv.Run(id)
		require.True(t, ok)
		return string(st.Run.Output)
	}
	assert.Equal(t, `"prompt"`, output(byPrompt))
	assert.Equal(t, `["workflow"]`, output(byWorkflow))
	assert.Equal(t, `{"by":"func"}`, output(byFunc))
	assert.Equal(t, "null", output(byFuncWorkflow), "a registered workflow's own outcome wins over OnRun")
	st, _ := srv.Run(failing)
	assert.Equal(t, skyvern.RunStatusFailed, st.Run.Status)
	assert.Equal(t, "site down", st.Run.FailureReason)

	require.Len(t, seen, 2)
	assert.Equal(t, byFunc, seen[0].RunID)
	assert.Equal(t, skyvern.RunTypeTaskV1, seen[0].RunType)
	assert.Equal(t, "other", seen[0].Task.Prompt)
	assert.Nil(t, seen[0].Workflow)

	srv.OnRun(nil)
	byDefault := start(skyvern.TaskRunRequest{Prompt: "other"})
	srv.Advance(time.Second)
	assert.Equal(t, `"default"`, output(byDefault))
	assert.Len(t, srv.Runs(), 6)
}

func TestRunsCanFailTerminateTimeOutOrBeCanceled(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	for _, tt := range []struct {
		outcome skyverntest.Outcome
		reason  string
	}{
		{skyverntest.Outcome{Status: skyvern.RunStatusFailed}, "skyverntest: the run failed as the test asked"},
		{skyverntest.Outcome{Status: skyvern.RunStatusTerminated, FailureReason: "login wall"}, "login wall"},
		{skyverntest.Outcome{Status: skyvern.RunStatusTimedOut}, ""},
		{skyverntest.Outcome{Status: skyvern.RunStatusCanceled}, ""},
	} {
		prompt := "end " + string(tt.outcome.Status)
		srv.OnPrompt(prompt, tt.outcome)
		run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: prompt})
		require.NoError(t, err)
		srv.Advance(time.Second)
		got, err := client.GetRun(ctx, run.RunID)
		require.NoError(t, err)
		assert.Equal(t, tt.outcome.Status, got.Status)
		assert.True(t, got.Status.IsTerminal())
		assert.Equal(t, tt.reason, got.FailureReason)
		assert.False(t, got.FinishedAt.IsZero())
	}
}

func TestAHeldRunWaitsForFinish(t *testing.T) {
	hook := newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnPrompt("slow", skyverntest.Outcome{Hold: true})
	client := srv.Client()
	ctx := ctxT(t)

	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "slow", WebhookURL: hook.URL})
	require.NoError(t, err)
	srv.Advance(time.Hour)
	st, _ := srv.Run(run.RunID)
	assert.Equal(t, skyvern.RunStatusRunning, st.Run.Status)
	assert.True(t, st.Held)
	assert.Empty(t, hook.deliveries())

	require.NoError(t, srv.Finish(run.RunID, skyverntest.Outcome{Output: map[string]int{"n": 3}}))
	got, err := client.GetRun(ctx, run.RunID)
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunStatusCompleted, got.Status, "the final status is stored at once")
	assert.Empty(t, hook.deliveries(), "the webhook waits for the clock")
	srv.Advance(0)
	require.Len(t, hook.deliveries(), 1)
	sent, err := webhooks.Parse(hook.deliveries()[0].Body, hook.deliveries()[0].Header.Get("X-Skyvern-Signature"), srv.APIKey)
	require.NoError(t, err)
	assert.JSONEq(t, `{"n":3}`, string(sent.Output))

	assert.ErrorIs(t, srv.Finish(run.RunID, skyverntest.Outcome{}), skyverntest.ErrRunFinished)
	assert.ErrorIs(t, srv.Finish("tsk_nope", skyverntest.Outcome{}), skyverntest.ErrUnknownRun)
	assert.Error(t, srv.Finish(run.RunID, skyverntest.Outcome{Status: skyvern.RunStatusQueued}))
}

func TestFinishEndsARunBeforeItsTime(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	run, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	require.NoError(t, srv.Finish(run.RunID, skyverntest.Outcome{Status: skyvern.RunStatusTerminated}))
	srv.Advance(time.Hour) // the scheduled steps find the run finished and leave it
	st, _ := srv.Run(run.RunID)
	assert.Equal(t, skyvern.RunStatusTerminated, st.Run.Status)
	assert.True(t, st.Run.QueuedAt.IsZero())
}

func TestOutcomeDurationOverridesTheServerDuration(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithRunDuration(time.Minute))
	srv.OnPrompt("quick", skyverntest.Outcome{Duration: 10 * time.Second})
	client := srv.Client()
	ctx := ctxT(t)
	quick, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "quick"})
	require.NoError(t, err)
	slow, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "slow"})
	require.NoError(t, err)
	srv.Advance(10 * time.Second)
	q, _ := srv.Run(quick.RunID)
	s, _ := srv.Run(slow.RunID)
	assert.Equal(t, skyvern.RunStatusCompleted, q.Run.Status)
	assert.Equal(t, skyvern.RunStatusQueued, s.Run.Status)
	srv.Advance(50 * time.Second)
	s, _ = srv.Run(slow.RunID)
	assert.Equal(t, skyvern.RunStatusCompleted, s.Run.Status)
}

func TestARunCompletesOnTheRealClock(t *testing.T) {
	hook := newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithRunDuration(20*time.Millisecond))
	srv.OnPrompt("p", skyverntest.Outcome{Output: "done"})
	run, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
	require.NoError(t, err)
	d := hook.next(t)
	verify(t, d, srv.APIKey)
	sent, err := webhooks.Parse(d.Body, d.Header.Get("X-Skyvern-Signature"), srv.APIKey)
	require.NoError(t, err)
	assert.Equal(t, run.RunID, sent.RunID)
	assert.Equal(t, skyvern.RunStatusCompleted, sent.Status)
	assert.Equal(t, `"done"`, string(sent.Output))
}

func TestTheFinalStatusIsStoredBeforeTheWebhookIsSent(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithRunDuration(10*time.Millisecond))
	client := srv.Client()
	seen := make(chan skyvern.RunStatus, 1)
	receiver := webhooks.Handler(srv.APIKey, func(ctx context.Context, run *skyvern.RunResponse) error {
		got, err := client.GetRun(ctx, run.RunID) // from inside the delivery
		if err != nil {
			return err
		}
		seen <- got.Status
		return nil
	}, webhooks.WithLogger(nil))
	hook := newHook(t, func(_ int, w http.ResponseWriter, r *http.Request) { receiver.ServeHTTP(w, r) })

	_, err := client.RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
	require.NoError(t, err)
	hook.next(t)
	assert.Equal(t, skyvern.RunStatusCompleted, <-seen)
}

func TestCancelRunAnswersNullAndSendsTheWebhook(t *testing.T) {
	hook := newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnWorkflow("wpid_1", skyverntest.Outcome{})
	client := srv.Client()
	ctx := ctxT(t)

	task, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
	require.NoError(t, err)
	srv.Advance(500 * time.Millisecond)
	status, body, _ := do(t, "POST", srv.URL+"/v1/runs/"+task.RunID+"/cancel", srv.APIKey, "")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "null", string(body))
	got, err := client.GetRun(ctx, task.RunID)
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunStatusCanceled, got.Status)

	srv.Advance(0)
	require.Len(t, hook.deliveries(), 1)
	var sent skyvern.RunResponse
	require.NoError(t, json.Unmarshal(hook.deliveries()[0].Body, &sent))
	assert.Equal(t, skyvern.RunStatusCanceled, sent.Status)
	srv.Advance(time.Hour)
	assert.Len(t, hook.deliveries(), 1, "a canceled run does not complete later")

	// Skyvern refuses to change a finished task's status.
	err = client.CancelRun(ctx, task.RunID)
	var apiErr *skyvern.APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Equal(t, "Invalid task status transition to canceled for "+task.RunID+" because task is already canceled", apiErr.Detail)

	// A workflow run is canceled the same way; cancelling it again changes nothing.
	wr, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_1", WebhookURL: hook.URL})
	require.NoError(t, err)
	require.NoError(t, client.CancelRun(ctx, wr.RunID))
	require.NoError(t, client.CancelRun(ctx, wr.RunID))
	srv.Advance(time.Hour)
	got, err = client.GetRun(ctx, wr.RunID)
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunStatusCanceled, got.Status)
	assert.Len(t, hook.deliveries(), 2)
}

func TestAdvanceNeedsTheManualClock(t *testing.T) {
	srv := skyverntest.NewServer(t)
	assert.Panics(t, func() { srv.Advance(time.Second) })
}

func TestRegisteringAnInvalidOutcomePanics(t *testing.T) {
	srv := skyverntest.NewServer(t)
	assert.Panics(t, func() { srv.OnPrompt("p", skyverntest.Outcome{Status: skyvern.RunStatusRunning}) })
	assert.Panics(t, func() { srv.OnWorkflow("w", skyverntest.Outcome{Output: json.RawMessage("{")}) })
}

func TestAnInvalidOutcomeFromOnRunFailsTheRun(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnRun(func(skyverntest.RunRequest) skyverntest.Outcome {
		return skyverntest.Outcome{Status: skyvern.RunStatusPaused}
	})
	run, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	srv.Advance(time.Second)
	st, _ := srv.Run(run.RunID)
	assert.Equal(t, skyvern.RunStatusFailed, st.Run.Status)
	assert.Contains(t, st.Run.FailureReason, "OnRun returned an invalid outcome")
}
