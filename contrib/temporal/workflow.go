package temporal

import (
	"time"

	"github.com/skyvern-go/skyvern"
	sdktemporal "go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Defaults of WaitOptions.
const (
	// DefaultFirstPoll is how long Wait waits for the run's webhook before
	// it asks Skyvern for the run the first time.
	DefaultFirstPoll = time.Minute
	// DefaultMaxPollInterval bounds the interval between two polls, which
	// doubles after each poll that finds the run unfinished.
	DefaultMaxPollInterval = 10 * time.Minute
)

// WaitOptions tunes the fallback polling of Wait. The zero value uses the
// defaults.
type WaitOptions struct {
	// FirstPoll is how long Wait waits for the webhook before the first
	// poll; DefaultFirstPoll when 0.
	FirstPoll time.Duration
	// MaxPollInterval bounds the interval between polls, which doubles from
	// FirstPoll; DefaultMaxPollInterval when 0.
	MaxPollInterval time.Duration
}

// SignalName is the name of the signal that delivers the run runID to the
// workflow waiting for it. Handler sends it; Wait receives it. One name per
// run lets a workflow wait for several runs at once.
func SignalName(runID string) string { return "skyvern.run:" + runID }

// The activity options used when the workflow context sets none (no
// StartToCloseTimeout and no ScheduleToCloseTimeout). Set your own with
// workflow.WithActivityOptions; the activities mark the errors that
// retrying cannot cure as non-retryable whatever the policy.
var (
	startOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 3 * time.Minute, // the client's 60 s per attempt, its retries, and a look for the run
		RetryPolicy: &sdktemporal.RetryPolicy{
			InitialInterval:    5 * time.Second, // time for a run that may exist to show in the list
			BackoffCoefficient: 2,
			MaximumInterval:    2 * time.Minute,
			MaximumAttempts:    10,
		},
	}
	pollOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 3 * time.Minute,
		RetryPolicy: &sdktemporal.RetryPolicy{ // no attempt limit: a poll is the last resort
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    5 * time.Minute,
		},
	}
	cancelOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 3 * time.Minute,
		RetryPolicy: &sdktemporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
			MaximumAttempts:    10,
		},
	}
)

// withActivityOptions returns ctx with o unless ctx already has activity
// options of its own.
func withActivityOptions(ctx workflow.Context, o workflow.ActivityOptions) workflow.Context {
	cur := workflow.GetActivityOptions(ctx)
	if cur.StartToCloseTimeout != 0 || cur.ScheduleToCloseTimeout != 0 {
		return ctx
	}
	return workflow.WithActivityOptions(ctx, o)
}

// Run starts the run req names and waits for it: Start, then Wait. See
// those for what each step guarantees.
func Run(ctx workflow.Context, req StartRequest, opts WaitOptions) (*skyvern.RunResponse, error) {
	runID, err := Start(ctx, req)
	if err != nil {
		return nil, err
	}
	return Wait(ctx, runID, opts)
}

// Start starts the run req names with the StartRun activity and returns its
// id, which is then recorded in the workflow's history: a replay returns
// the same id without starting anything, and the activity's retries start
// no second run (see Activities.StartRun).
//
// Start finishes even when ctx is cancelled while the activity runs, so
// that the id of a run that was started is never lost; a Wait with the
// cancelled context then cancels the run. It returns ErrInvalidRequest, as a
// non-retryable application error and without scheduling anything, for a
// request that does not name exactly one run or that sets a WebhookURL,
// and the activity's error when it failed for good.
func Start(ctx workflow.Context, req StartRequest) (string, error) {
	if err := req.check(); err != nil {
		return "", nonRetryable(err)
	}
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	var runID string
	err := workflow.ExecuteActivity(withActivityOptions(dctx, startOptions), ActivityStartRun, req).Get(dctx, &runID)
	return runID, err
}

// Wait waits for the run runID to finish and returns it as its webhook or
// Skyvern's Get Run reported it. A failed, terminated, timed-out or
// canceled run is a result, not an error: check its Status.
//
// The run comes to Wait as the signal SignalName(runID), which Handler
// sends for each verified webhook. Only the first signal with a final
// status counts: copies, and signals with a status that is not final, change
// nothing. Signals sent before Wait began (say, while no worker ran) are
// kept by Temporal and count as well. When no final status has come
// FirstPoll after Wait began, a durable timer starts the GetRun activity,
// again after twice the interval, up to MaxPollInterval, until the run has
// finished, so a lost webhook or a dead receiver delays the result but
// never loses it. A poll that fails is retried with backoff by the
// activity's retry policy.
//
// When ctx is cancelled (the workflow is cancelled) before the run
// finished, Wait cancels the Skyvern run with the CancelRun activity, in a
// disconnected context, and returns ctx's error.
func Wait(ctx workflow.Context, runID string, opts WaitOptions) (*skyvern.RunResponse, error) {
	interval := opts.FirstPoll
	if interval <= 0 {
		interval = DefaultFirstPoll
	}
	maxInterval := opts.MaxPollInterval
	if maxInterval <= 0 {
		maxInterval = DefaultMaxPollInterval
	}
	signals := workflow.GetSignalChannel(ctx, SignalName(runID))
	pctx := withActivityOptions(ctx, pollOptions)

	var (
		result   *skyvern.RunResponse
		failure  error
		poll     workflow.Future // the GetRun in flight, or nil while the timer runs
		stopPoll = func() {}
	)
	tctx, stopTimer := workflow.WithCancel(ctx)
	timer := workflow.NewTimer(tctx, interval)
	for result == nil && failure == nil && ctx.Err() == nil {
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(signals, func(c workflow.ReceiveChannel, _ bool) {
			var run skyvern.RunResponse
			c.Receive(ctx, &run)
			if run.RunID == runID && run.Status.IsTerminal() {
				result = &run
			}
		})
		if poll == nil {
			sel.AddFuture(timer, func(f workflow.Future) {
				if f.Get(ctx, nil) == nil {
					var actx workflow.Context
					actx, stopPoll = workflow.WithCancel(pctx)
					poll = workflow.ExecuteActivity(actx, ActivityGetRun, runID)
				}
			})
		} else {
			sel.AddFuture(poll, func(f workflow.Future) {
				poll = nil
				var run skyvern.RunResponse
				if err := f.Get(ctx, &run); err != nil {
					failure = err
					return
				}
				if run.Status.IsTerminal() {
					result = &run
					return
				}
				interval = min(2*interval, maxInterval)
				tctx, stopTimer = workflow.WithCancel(ctx)
				timer = workflow.NewTimer(tctx, interval)
			})
		}
		sel.Select(ctx)
	}
	stopTimer()
	stopPoll()
	switch {
	case result != nil:
		return result, nil
	case ctx.Err() != nil:
		dctx, _ := workflow.NewDisconnectedContext(ctx)
		if err := workflow.ExecuteActivity(withActivityOptions(dctx, cancelOptions), ActivityCancelRun, runID).Get(dctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("skyvern temporal: cancelling the run failed", "run_id", runID, "error", err)
		}
		return nil, ctx.Err()
	}
	return nil, failure
}
