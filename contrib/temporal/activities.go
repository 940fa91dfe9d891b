package temporal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"

	"github.com/skyvern-go/skyvern"
	"go.temporal.io/sdk/activity"
	sdktemporal "go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
)

// The names the activities are registered under by Activities.Register.
// Workflows in other languages can schedule them by these names.
const (
	ActivityStartRun  = "skyvern.StartRun"
	ActivityGetRun    = "skyvern.GetRun"
	ActivityCancelRun = "skyvern.CancelRun"
)

// The query parameters of the webhook URL a run is started with: the
// workflow execution waiting for it, and the step key that finds the run
// again (see Activities.StartRun).
const (
	paramWorkflowID = "temporal_workflow_id"
	paramRunID      = "temporal_run_id"
	paramStep       = "skyvern_step"
)

// errNoWorkflow is returned by StartRun when it was not scheduled by a
// workflow, so there is nothing to wait for the run and no step to key it by.
var errNoWorkflow = errors.New("skyvern temporal: StartRun must be scheduled by a workflow")

// Activities are the activities that start, read and cancel Skyvern runs
// for the workflow functions of this package. Make one with NewActivities
// and register it on a worker with Register.
type Activities struct {
	client  *skyvern.Client
	webhook *url.URL
}

// NewActivities returns the activities, calling Skyvern with client. Every
// run they start sends its webhook to webhookURL, an absolute http or https
// URL at which Skyvern reaches a Handler (on any replica), with query
// parameters added that name the waiting workflow. Skyvern refuses
// localhost and private addresses; skyverntest does not.
//
// It returns an error when client is nil or webhookURL is not such a URL.
func NewActivities(client *skyvern.Client, webhookURL string) (*Activities, error) {
	if client == nil {
		return nil, errors.New("skyvern temporal: NewActivities: nil client")
	}
	u, err := url.Parse(webhookURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
		return nil, fmt.Errorf("skyvern temporal: NewActivities: webhook URL %q is not an absolute http or https URL without a fragment", webhookURL)
	}
	return &Activities{client: client, webhook: u}, nil
}

// Register registers the activities on r (a worker) under ActivityStartRun,
// ActivityGetRun and ActivityCancelRun.
func (a *Activities) Register(r worker.ActivityRegistry) {
	r.RegisterActivityWithOptions(a.StartRun, activity.RegisterOptions{Name: ActivityStartRun})
	r.RegisterActivityWithOptions(a.GetRun, activity.RegisterOptions{Name: ActivityGetRun})
	r.RegisterActivityWithOptions(a.CancelRun, activity.RegisterOptions{Name: ActivityCancelRun})
}

// StartRun starts the run req names and returns its id, which the workflow
// records. Its webhook URL names the workflow execution that scheduled the
// activity and carries a step key: a hash of the namespace, workflow id,
// workflow run id and activity id, the same on every attempt of this
// activity and different for every other.
//
// StartRun starts at most one Skyvern run per step, however often it is
// attempted. Skyvern takes no idempotency key, so the step key stands in
// for one: on any attempt after the first, and when starting fails with
// skyvern.ErrRunMayExist, StartRun first lists the runs whose text contains
// the key (Get Runs with search_key, which matches a run's request and so
// its webhook_url) and returns the run it finds. When a start that may
// have reached Skyvern finds nothing, StartRun fails, retryably, rather
// than start again at once, so that the next attempt looks again after the
// retry policy's backoff.
//
// Errors that retrying cannot cure (a bad request, a refused API key, an
// unknown workflow) are non-retryable application errors.
func (a *Activities) StartRun(ctx context.Context, req StartRequest) (string, error) {
	if err := req.check(); err != nil {
		return "", nonRetryable(err)
	}
	info := activity.GetInfo(ctx)
	if info.WorkflowExecution.ID == "" {
		return "", nonRetryable(errNoWorkflow)
	}
	step := stepKey(info)
	if info.Attempt > 1 {
		if id, err := a.find(ctx, step); err != nil || id != "" {
			return id, classify(err)
		}
	}
	run, err := a.start(ctx, req, a.hookURL(info.WorkflowExecution.ID, info.WorkflowExecution.RunID, step))
	if err == nil && run.RunID == "" {
		err = fmt.Errorf("skyvern temporal: Skyvern answered without a run id: %w", skyvern.ErrRunMayExist)
	}
	if errors.Is(err, skyvern.ErrRunMayExist) {
		if id, ferr := a.find(ctx, step); ferr == nil && id != "" {
			return id, nil
		}
		return "", err
	}
	if err != nil {
		return "", classify(err)
	}
	return run.RunID, nil
}

// GetRun returns the run runID as Skyvern has it now.
func (a *Activities) GetRun(ctx context.Context, runID string) (*skyvern.RunResponse, error) {
	run, err := a.client.GetRun(ctx, runID)
	return run, classify(err)
}

// CancelRun asks Skyvern to stop the run runID. A run that has already
// finished is left as it is, without an error.
func (a *Activities) CancelRun(ctx context.Context, runID string) error {
	err := a.client.CancelRun(ctx, runID)
	if errors.Is(err, skyvern.ErrBadRequest) { // Skyvern refuses to cancel a finished task run
		return nil
	}
	return classify(err)
}

// start sends req with the webhook URL hook.
func (a *Activities) start(ctx context.Context, req StartRequest, hook string) (*skyvern.RunResponse, error) {
	switch {
	case req.Task != nil:
		r := *req.Task
		r.WebhookURL = hook
		return a.client.RunTask(ctx, r)
	case req.Workflow != nil:
		r := *req.Workflow
		r.WebhookURL = hook
		return a.client.RunWorkflow(ctx, r)
	case req.Login != nil:
		r := *req.Login
		r.WebhookURL = hook
		return a.client.RunLogin(ctx, r)
	default:
		r := *req.Download
		r.WebhookURL = hook
		return a.client.RunDownloadFiles(ctx, r)
	}
}

// find returns the id of the run started for step, or "" if there is none.
// Should there be several, it returns the oldest (runs are listed newest
// first), the one the first attempt started.
func (a *Activities) find(ctx context.Context, step string) (string, error) {
	id := ""
	for run, err := range a.client.ListRuns(ctx, skyvern.ListRunsParams{SearchKey: step}) {
		if err != nil {
			return "", err
		}
		id = run.RunID
	}
	return id, nil
}

// hookURL returns the webhook URL for a run waited for by the workflow
// execution (workflowID, runID), keyed by step.
func (a *Activities) hookURL(workflowID, runID, step string) string {
	u := *a.webhook
	q := u.Query()
	q.Set(paramWorkflowID, workflowID)
	q.Set(paramRunID, runID)
	q.Set(paramStep, step)
	u.RawQuery = q.Encode()
	return u.String()
}

// stepKey returns the key of the activity's step: "stk" and 32 hex digits,
// letters and digits only, so that a substring search finds it however
// the request is encoded.
func stepKey(info activity.Info) string {
	h := sha256.New()
	for _, s := range []string{info.Namespace, info.WorkflowExecution.ID, info.WorkflowExecution.RunID, info.ActivityID} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "stk" + hex.EncodeToString(h.Sum(nil)[:16])
}

// classify marks errors that no retry can cure as non-retryable.
func classify(err error) error {
	switch {
	case err == nil, errors.Is(err, skyvern.ErrRunMayExist):
		return err
	case errors.Is(err, skyvern.ErrBadRequest), errors.Is(err, skyvern.ErrUnauthorized),
		errors.Is(err, skyvern.ErrNotFound), errors.Is(err, skyvern.ErrConflict),
		errors.Is(err, skyvern.ErrValidation), errors.Is(err, skyvern.ErrEmptyID):
		return nonRetryable(err)
	}
	return err
}

// nonRetryable wraps err so that Temporal does not retry the activity.
func nonRetryable(err error) error {
	return sdktemporal.NewNonRetryableApplicationError(err.Error(), "SkyvernError", err)
}
