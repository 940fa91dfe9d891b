package temporal_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	skytemporal "github.com/skyvern-go/skyvern/contrib/temporal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// waitWorkflow waits for one run, as a user's workflow would.
func waitWorkflow(ctx workflow.Context, runID string, opts skytemporal.WaitOptions) (*skyvern.RunResponse, error) {
	return skytemporal.Wait(ctx, runID, opts)
}

// quiet is a Temporal logger that logs nothing.
var quiet = log.NewStructuredLogger(slog.New(slog.DiscardHandler))

// newTestEnv returns a test environment that logs nothing.
func newTestEnv() *testsuite.TestWorkflowEnvironment {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quiet)
	return s.NewTestWorkflowEnvironment()
}

// fakeSkyvern stands in for the activities in the test environment.
type fakeSkyvern struct {
	env      *testsuite.TestWorkflowEnvironment
	polls    []time.Time // when each GetRun started, on the environment's clock
	statuses []skyvern.RunStatus
	pollErr  error
	canceled []string
}

func newWaitEnv(t *testing.T) (*testsuite.TestWorkflowEnvironment, *fakeSkyvern) {
	env := newTestEnv()
	f := &fakeSkyvern{env: env}
	env.RegisterWorkflow(waitWorkflow)
	env.RegisterActivityWithOptions(f.getRun, activity.RegisterOptions{Name: skytemporal.ActivityGetRun})
	env.RegisterActivityWithOptions(f.cancelRun, activity.RegisterOptions{Name: skytemporal.ActivityCancelRun})
	env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		if info.ActivityType.Name == skytemporal.ActivityGetRun {
			f.polls = append(f.polls, env.Now())
		}
	})
	t.Cleanup(func() { env.AssertExpectations(t) })
	return env, f
}

func (f *fakeSkyvern) getRun(_ context.Context, runID string) (*skyvern.RunResponse, error) {
	if f.pollErr != nil {
		return nil, f.pollErr
	}
	status := skyvern.RunStatusRunning
	if n := len(f.polls); n <= len(f.statuses) {
		status = f.statuses[n-1]
	}
	return &skyvern.RunResponse{RunID: runID, Status: status}, nil
}

func (f *fakeSkyvern) cancelRun(_ context.Context, runID string) error {
	f.canceled = append(f.canceled, runID)
	return nil
}

// signalAt sends the run, as Handler would, after d on the test clock.
func signalAt(env *testsuite.TestWorkflowEnvironment, d time.Duration, run skyvern.RunResponse) {
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(skytemporal.SignalName(run.RunID), run) }, d)
}

func result(t *testing.T, env *testsuite.TestWorkflowEnvironment) *skyvern.RunResponse {
	t.Helper()
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var run skyvern.RunResponse
	require.NoError(t, env.GetWorkflowResult(&run))
	return &run
}

func TestWaitTakesTheFirstFinalSignalAndIgnoresTheRest(t *testing.T) {
	env, f := newWaitEnv(t)
	signalAt(env, time.Second, skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusRunning})
	signalAt(env, 2*time.Second, skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusCompleted, Output: []byte(`{"n":1}`)})
	signalAt(env, 3*time.Second, skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusCompleted, Output: []byte(`{"n":2}`)})
	signalAt(env, 4*time.Second, skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusFailed})
	signalAt(env, 5*time.Second, skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusRunning})

	env.ExecuteWorkflow(waitWorkflow, "tsk_1", skytemporal.WaitOptions{FirstPoll: time.Hour})

	run := result(t, env)
	assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
	assert.JSONEq(t, `{"n":1}`, string(run.Output), "the first final signal counts")
	assert.Empty(t, f.polls, "no poll while signals answer")
}

func TestWaitIgnoresAnotherRunsSignalAndAnUnfinishedOne(t *testing.T) {
	env, _ := newWaitEnv(t)
	// A genuine payload of another run, sent to this workflow under this
	// run's signal name, is not taken for this run.
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(skytemporal.SignalName("tsk_1"), skyvern.RunResponse{RunID: "tsk_other", Status: skyvern.RunStatusFailed})
	}, time.Second)
	signalAt(env, 2*time.Second, skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusQueued})
	signalAt(env, 3*time.Second, skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusTimedOut})

	env.ExecuteWorkflow(waitWorkflow, "tsk_1", skytemporal.WaitOptions{FirstPoll: time.Hour})

	run := result(t, env)
	assert.Equal(t, "tsk_1", run.RunID)
	assert.Equal(t, skyvern.RunStatusTimedOut, run.Status, "a timed-out run is a result")
}

func TestWaitReturnsAFailedRunAsAResult(t *testing.T) {
	env, _ := newWaitEnv(t)
	signalAt(env, time.Minute, skyvern.RunResponse{RunID: "wr_1", Status: skyvern.RunStatusFailed, FailureReason: "login refused"})

	env.ExecuteWorkflow(waitWorkflow, "wr_1", skytemporal.WaitOptions{FirstPoll: time.Hour})

	run := result(t, env)
	assert.Equal(t, skyvern.RunStatusFailed, run.Status)
	assert.Equal(t, "login refused", run.FailureReason)
}

func TestWaitPollsWithGrowingIntervalsWhenNoWebhookComes(t *testing.T) {
	env, f := newWaitEnv(t)
	f.statuses = []skyvern.RunStatus{skyvern.RunStatusQueued, skyvern.RunStatusRunning, skyvern.RunStatusRunning, skyvern.RunStatusRunning, skyvern.RunStatusCompleted}
	start := env.Now()

	env.ExecuteWorkflow(waitWorkflow, "tsk_1", skytemporal.WaitOptions{FirstPoll: time.Minute, MaxPollInterval: 3 * time.Minute})

	assert.Equal(t, skyvern.RunStatusCompleted, result(t, env).Status)
	require.Len(t, f.polls, 5)
	var gaps []time.Duration
	prev := start
	for _, p := range f.polls {
		gaps = append(gaps, p.Sub(prev).Round(time.Second))
		prev = p
	}
	assert.Equal(t, []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute, 3 * time.Minute, 3 * time.Minute}, gaps,
		"on the workflow's clock: first after FirstPoll, then doubling up to MaxPollInterval")
}

func TestWaitTakesASignalThatCameWhilePolling(t *testing.T) {
	env, f := newWaitEnv(t)
	f.statuses = []skyvern.RunStatus{skyvern.RunStatusRunning}
	signalAt(env, 90*time.Second, skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusCompleted})

	env.ExecuteWorkflow(waitWorkflow, "tsk_1", skytemporal.WaitOptions{FirstPoll: time.Minute})

	assert.Equal(t, skyvern.RunStatusCompleted, result(t, env).Status)
	assert.Len(t, f.polls, 1, "the webhook after the first poll ends the wait")
}

func TestWaitFailsWhenThePollFailsForGood(t *testing.T) {
	env, f := newWaitEnv(t)
	f.pollErr = temporal.NewNonRetryableApplicationError("skyvern: not found", "SkyvernError", nil)

	env.ExecuteWorkflow(waitWorkflow, "tsk_gone", skytemporal.WaitOptions{FirstPoll: time.Minute})

	require.True(t, env.IsWorkflowCompleted())
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, env.GetWorkflowError(), &appErr)
	assert.Contains(t, appErr.Error(), "not found")
	assert.Len(t, f.polls, 1, "a non-retryable failure is not retried")
}

func TestCancellingTheWorkflowCancelsTheRun(t *testing.T) {
	env, f := newWaitEnv(t)
	env.RegisterDelayedCallback(env.CancelWorkflow, 10*time.Minute)

	env.ExecuteWorkflow(waitWorkflow, "tsk_1", skytemporal.WaitOptions{FirstPoll: time.Hour})

	require.True(t, env.IsWorkflowCompleted())
	assert.True(t, temporal.IsCanceledError(env.GetWorkflowError()), "got %v", env.GetWorkflowError())
	assert.Equal(t, []string{"tsk_1"}, f.canceled)
}

func TestCancellingWhilePollingCancelsTheRun(t *testing.T) {
	env, f := newWaitEnv(t)
	env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		if info.ActivityType.Name == skytemporal.ActivityGetRun {
			f.polls = append(f.polls, env.Now())
			env.CancelWorkflow()
		}
	})

	env.ExecuteWorkflow(waitWorkflow, "tsk_1", skytemporal.WaitOptions{FirstPoll: time.Minute})

	require.True(t, env.IsWorkflowCompleted())
	assert.True(t, temporal.IsCanceledError(env.GetWorkflowError()), "got %v", env.GetWorkflowError())
	assert.Equal(t, []string{"tsk_1"}, f.canceled)
}

func TestCancellingWhileTheRunStartsCancelsTheRun(t *testing.T) {
	env, f := newWaitEnv(t)
	env.RegisterWorkflow(runWorkflowUnit)
	env.RegisterActivityWithOptions(func(context.Context, skytemporal.StartRequest) (string, error) {
		env.CancelWorkflow() // while the run is being started
		return "tsk_1", nil
	}, activity.RegisterOptions{Name: skytemporal.ActivityStartRun})

	env.ExecuteWorkflow(runWorkflowUnit, skytemporal.StartRequest{Task: &skyvern.TaskRunRequest{Prompt: "p"}})

	require.True(t, env.IsWorkflowCompleted())
	assert.True(t, temporal.IsCanceledError(env.GetWorkflowError()), "got %v", env.GetWorkflowError())
	assert.Equal(t, []string{"tsk_1"}, f.canceled, "the run started meanwhile is not lost")
}

func runWorkflowUnit(ctx workflow.Context, req skytemporal.StartRequest) (*skyvern.RunResponse, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	return skytemporal.Run(ctx, req, skytemporal.WaitOptions{})
}

func TestStartRefusesARequestThatNamesNoRunOrTwo(t *testing.T) {
	for name, req := range map[string]skytemporal.StartRequest{
		"no run":               {},
		"two runs":             {Task: &skyvern.TaskRunRequest{Prompt: "p"}, Workflow: &skyvern.WorkflowRunRequest{WorkflowID: "wpid_1"}},
		"a webhook of its own": {Task: &skyvern.TaskRunRequest{Prompt: "p", WebhookURL: "https://example.com/hook"}},
	} {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv()
			started := 0
			env.RegisterActivityWithOptions(func(context.Context, skytemporal.StartRequest) (string, error) {
				started++
				return "tsk_1", nil
			}, activity.RegisterOptions{Name: skytemporal.ActivityStartRun})

			env.ExecuteWorkflow(func(ctx workflow.Context) (string, error) {
				_, err := skytemporal.Start(ctx, req)
				var appErr *temporal.ApplicationError
				if errors.Is(err, skytemporal.ErrInvalidRequest) && errors.As(err, &appErr) && appErr.NonRetryable() {
					return "refused", nil
				}
				return "", err
			})

			require.NoError(t, env.GetWorkflowError())
			var got string
			require.NoError(t, env.GetWorkflowResult(&got))
			assert.Equal(t, "refused", got, "Start returns ErrInvalidRequest as a non-retryable error")
			assert.Zero(t, started, "nothing is scheduled")
		})
	}
}

func TestStartRequestKeepsItsHeadersInTheHistory(t *testing.T) {
	dc := converter.GetDefaultDataConverter()
	for name, req := range map[string]skytemporal.StartRequest{
		"task": {Task: &skyvern.TaskRunRequest{Prompt: "p", XUserAgent: "ua/1", ProxyLocation: skyvern.GeoTarget{Country: "DE"}}},
		"workflow": {Workflow: &skyvern.WorkflowRunRequest{WorkflowID: "wpid_1", Template: true, MaxStepsOverride: skyvern.Ptr(7), XUserAgent: "ua/2",
			Parameters: map[string]any{"n": 1.5}}},
		"login":    {Login: &skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_1", XUserAgent: "ua/3"}},
		"download": {Download: &skyvern.DownloadFilesRequest{NavigationGoal: "get the invoice", XUserAgent: "ua/4"}},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := dc.ToPayload(req)
			require.NoError(t, err)
			var got skytemporal.StartRequest
			require.NoError(t, dc.FromPayload(p, &got))
			assert.Equal(t, req, got)
		})
	}
}
