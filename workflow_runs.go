package skyvern

import (
	"context"
	"iter"
	"time"

	"github.com/skyvern-go/skyvern/internal/endpoint"
)

// ListRunsOfWorkflowParams filters ListRunsOfWorkflow and
// ListRunsOfWorkflowPage: the filters of ListRunsOfAllWorkflowsParams, and those
// only the runs of one workflow take.
type ListRunsOfWorkflowParams struct {
	ListRunsOfAllWorkflowsParams
	// CreatedAtStart keeps the runs created at or after it; zero keeps all.
	CreatedAtStart time.Time `url:"created_at_start,omitempty"`
	// CreatedAtEnd keeps the runs created before it; zero keeps all.
	CreatedAtEnd time.Time `url:"created_at_end,omitempty"`
	// Tags keeps runs with these tags: a label ("production"), a group
	// ("env:*") or a group and label ("env:prod"); at most 20.
	Tags []string `url:"tags,omitempty"`
	// IncludeChildRuns lists the runs started from inside another workflow
	// run too.
	IncludeChildRuns bool `url:"include_child_runs,omitempty"`
}

// ListRunsOfWorkflowPage returns one page of the runs of the saved
// workflow workflowPermanentID ("wpid_..."), newest first.
//
// It calls GET /v1/workflows/{workflow_id}/runs (the spec's /v1/agents/...;
// see RunWorkflow). Errors: ErrEmptyID; an *APIError (ErrValidation for a
// bad page, page size or time) or a *RequestError.
func (c *Client) ListRunsOfWorkflowPage(ctx context.Context, workflowPermanentID string, p ListRunsOfWorkflowParams, opts ...Option) ([]WorkflowRun, error) {
	var out []WorkflowRun
	if err := c.do(ctx, request{Call: endpoint.ListRunsOfWorkflow.With(workflowPermanentID), query: p}, &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// ListRunsOfWorkflow returns an iterator over the runs of the saved
// workflow workflowPermanentID matching p, newest first, fetching page after page
// as the loop consumes them; see ListRuns. ListRunsOfAllWorkflows lists the runs
// of every workflow.
func (c *Client) ListRunsOfWorkflow(ctx context.Context, workflowPermanentID string, p ListRunsOfWorkflowParams, opts ...Option) iter.Seq2[*WorkflowRun, error] {
	return pages(ctx, p.Page, p.PageSize, 0, func(ctx context.Context, page, size int) ([]WorkflowRun, error) {
		q := p
		q.Page, q.PageSize = page, size
		return c.ListRunsOfWorkflowPage(ctx, workflowPermanentID, q, opts...)
	})
}

// RetryWorkflowRun starts a new run of the finished workflow run runID
// ("wr_..."), with the same workflow, parameters, settings and webhook, and
// returns the new run (ListRunsOfAllWorkflows shows its RetriedFromWorkflowRunID).
// To cap its steps, pass WithHeader("x-max-steps-override", "10").
//
// It calls POST /v1/workflows/runs/{workflow_run_id}/retry (the spec's
// /v1/agents/...; see RunWorkflow). Errors: ErrEmptyID; an *APIError
// matching ErrBadRequest for a run not finished yet, ErrNotFound for an
// unknown run or workflow; a *RequestError. It is not retried once sent; see
// ErrOutcomeUnknown.
func (c *Client) RetryWorkflowRun(ctx context.Context, runID string, opts ...Option) (*RunResponse, error) {
	var run RunResponse
	e := request{Call: endpoint.RetryWorkflowRun.With(runID), creates: true, created: createdID{"run_id", &run.RunID}}
	if err := c.do(ctx, e, &run, opts); err != nil {
		return nil, err
	}
	return &run, nil
}

// ResetWorkflowBrowserProfile clears the browser state that the saved
// workflow workflowPermanentID keeps between its runs (with persist_browser_session,
// "Save & Reuse Session"), so that its next run starts from a fresh
// browser. Use it when the saved state is broken.
//
// It calls POST
// /v1/workflows/{workflow_permanent_id}/browser_session/reset_profile, which
// answers 204. Errors: ErrEmptyID; an *APIError matching ErrNotFound for an
// unknown workflow, ErrServer when Skyvern could not delete the state (try
// again); a *RequestError.
func (c *Client) ResetWorkflowBrowserProfile(ctx context.Context, workflowPermanentID string, opts ...Option) error {
	return versionIDHint(c.do(ctx, request{Call: endpoint.ResetWorkflowBrowserProfile.With(workflowPermanentID)}, nil, opts), workflowPermanentID)
}
