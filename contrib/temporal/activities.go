package temporal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

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
// workflow execution waiting for it, and the step key by which StartRun
// recognises the run again (see Activities.StartRun).
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
// attempted. Skyvern takes no idempotency key and its run search does not
// look at webhook URLs, so StartRun looks for the run its step may have
// started among the runs that could be it: on any attempt after the first,
// and when starting fails with skyvern.ErrOutcomeUnknown, it lists the newest
// runs of the kind it starts (Get Runs filtered by run_type, the task's
// engine or workflow_run, and for a workflow run by the workflow's id),
// and reads each one created since the step was first scheduled (Get Run)
// until one's run_request.webhook_url carries the step key. It returns the
// run it finds. "Since" allows for Skyvern's clock being up to MaxClockSkew
// behind Temporal's; runs created earlier are not looked at.
//
// The look is bounded: one list of at most MaxCandidates runs, and a Get
// Run for each of them, so at most 1+MaxCandidates requests (each retried
// by the client as a read). When MaxCandidates runs of that kind were
// created since the step was scheduled and none is the step's, StartRun
// fails retryably with ErrTooManyCandidates rather than start a second run.
// When a start that may have reached Skyvern finds nothing, StartRun
// fails, retryably, rather than start again at once, so that the next
// attempt looks again after the retry policy's backoff.
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
	since := info.ScheduledTime // of the first attempt: Temporal keeps it across retries
	if info.Attempt > 1 {
		if id, err := a.find(ctx, req, step, since); err != nil || id != "" {
			return id, classify(err)
		}
	}
	run, err := a.start(ctx, req, a.hookURL(info.WorkflowExecution.ID, info.WorkflowExecution.RunID, step))
	if err == nil && run.RunID == "" {
		err = fmt.Errorf("skyvern temporal: Skyvern answered without a run id: %w", skyvern.ErrOutcomeUnknown)
	}
	if errors.Is(err, skyvern.ErrOutcomeUnknown) {
		if id, ferr := a.find(ctx, req, step, since); ferr == nil && id != "" {
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

// Bounds of the look for a run a step may have started; see
// Activities.StartRun.
const (
	// MaxClockSkew is how far behind Temporal's clock Skyvern's may be:
	// StartRun looks at the runs Skyvern created no earlier than this
	// before Temporal first scheduled the step. A Skyvern clock further
	// behind could hide the step's run, and StartRun would start a second.
	MaxClockSkew = 5 * time.Minute
	// MaxCandidates is how many runs one look lists and reads at most.
	MaxCandidates = 100
)

// ErrTooManyCandidates is the retryable error of StartRun when more than
// MaxCandidates runs that could be the step's were created since the step
// was scheduled (a busy organisation) and none of the newest
// MaxCandidates is: the step's run may be among the older ones, so
// StartRun does not start one.
var ErrTooManyCandidates = fmt.Errorf("skyvern temporal: more than %d runs of this kind were started since the step was scheduled and the newest are not the step's; not starting a run that may exist", MaxCandidates)

// find returns the id of the run started for step, or "" if there is none:
// of the runs of req's kind, newest first, created since the step was first
// scheduled at since (less MaxClockSkew), the one whose webhook URL carries
// step. It reads at most MaxCandidates runs and fails with
// ErrTooManyCandidates when they are all recent enough and none matches.
func (a *Activities) find(ctx context.Context, req StartRequest, step string, since time.Time) (string, error) {
	p := skyvern.ListRunsParams{PageSize: MaxCandidates}
	if t, known := runTypeOf(req); known {
		p.RunType = []skyvern.RunType{t}
	}
	if req.Workflow != nil && req.Workflow.WorkflowID != "" {
		p.WorkflowIDs = []string{req.Workflow.WorkflowID}
	}
	page, err := a.client.ListRunsPage(ctx, p)
	if err != nil {
		return "", err
	}
	cutoff := since.Add(-MaxClockSkew)
	for _, item := range page {
		if !since.IsZero() && !item.CreatedAt.IsZero() && item.CreatedAt.Before(cutoff) {
			return "", nil // this run and every later one predate the step
		}
		run, err := a.client.GetRun(ctx, item.RunID)
		if errors.Is(err, skyvern.ErrNotFound) {
			continue // gone since it was listed
		}
		if err != nil {
			return "", err
		}
		var rr struct {
			WebhookURL string `json:"webhook_url"`
		}
		if json.Unmarshal(run.RunRequest, &rr) == nil && strings.Contains(rr.WebhookURL, step) {
			return run.RunID, nil
		}
	}
	if len(page) < MaxCandidates {
		return "", nil
	}
	return "", ErrTooManyCandidates
}

// runTypeOf returns the run type Skyvern lists the run req starts under,
// and false for a task engine this package does not know (which could be
// listed under any type).
func runTypeOf(req StartRequest) (skyvern.RunType, bool) {
	if req.Task == nil {
		return skyvern.RunTypeWorkflowRun, true // login and download runs are workflow runs
	}
	switch req.Task.Engine {
	case "", skyvern.RunEngineSkyvernV1:
		return skyvern.RunTypeTaskV1, true
	case skyvern.RunEngineSkyvernV2:
		return skyvern.RunTypeTaskV2, true
	case skyvern.RunEngineSkyvernV3:
		return skyvern.RunTypeTaskV3, true
	case skyvern.RunEngineOpenAICUA:
		return skyvern.RunTypeOpenAICUA, true
	case skyvern.RunEngineAnthropicCUA:
		return skyvern.RunTypeAnthropicCUA, true
	case skyvern.RunEngineUITARS:
		return skyvern.RunTypeUITARS, true
	case skyvern.RunEngineYutoriNavigator:
		return skyvern.RunTypeYutoriNavigator, true
	}
	return "", false
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
// letters and digits only, so that no encoding of the URL changes it.
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
	case err == nil, errors.Is(err, skyvern.ErrOutcomeUnknown):
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
