package skyvern

import (
	"context"
	"encoding/json"
	"errors"
	"iter"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// TriggerType says what started a workflow run.
type TriggerType string

// The trigger types Skyvern sends.
const (
	TriggerTypeManual    TriggerType = "manual"
	TriggerTypeMCP       TriggerType = "mcp"
	TriggerTypeAPI       TriggerType = "api"
	TriggerTypeScheduled TriggerType = "scheduled"
	TriggerTypeWebhook   TriggerType = "webhook"
)

// ListRunsParams filters ListRuns and ListRunsPage. The zero value lists
// every run, newest first. Each list filter matches any of its values.
type ListRunsParams struct {
	// Page is the page ListRunsPage returns, or the one ListRuns starts
	// from; 1 when 0. Skyvern serves at most 100 pages, and with SearchKey
	// or WorkflowIDs only the first 1000 matches: a page that starts past
	// them is refused (see ErrSearchLimit).
	Page int `url:"page,omitempty"`
	// PageSize is the number of runs per page, at most 100; when 0,
	// ListRunsPage leaves the server's default (10) and ListRuns asks for 100.
	PageSize int         `url:"page_size,omitempty"`
	Status   []RunStatus `url:"status,omitempty"`
	RunType  []RunType   `url:"run_type,omitempty"`
	// SearchKey keeps the runs where it is a substring, ignoring case, of
	// one of: the run's title and URL as the list shows them (joined by a
	// space; a workflow run has its workflow's title and no URL), its run
	// id, its workflow's permanent id, and, for a workflow run, the keys,
	// descriptions and values of its workflow parameters and its extra
	// HTTP headers. Nothing else of the request is searched: not the
	// prompt, not the webhook URL. At least 3 characters.
	SearchKey string `url:"search_key,omitempty"`
	// WorkflowIDs keeps runs of these workflows ("wpid_..."), at most 50.
	WorkflowIDs []string `url:"workflow_permanent_id,omitempty"`
	// Tags keeps runs with these tags, at most 20.
	Tags []string `url:"tags,omitempty"`
}

// RunListItem is one run in a ListRuns page: a summary, not the full run
// (use GetRun for that).
type RunListItem struct {
	// TaskRunID is the internal id of the run record.
	TaskRunID string `json:"task_run_id,omitempty"`
	// RunID is the run's id, as GetRun takes it.
	RunID string `json:"run_id,omitempty"`
	// RunType is the run's type, such as "task_v2" or "workflow_run", as
	// in RunResponse.RunType; Skyvern names it task_run_type here.
	RunType             RunType     `json:"task_run_type,omitempty"`
	Status              RunStatus   `json:"status,omitempty"`
	Title               string      `json:"title,omitempty"`
	StartedAt           Time        `json:"started_at,omitzero"`
	FinishedAt          Time        `json:"finished_at,omitzero"`
	CreatedAt           Time        `json:"created_at,omitzero"`
	WorkflowPermanentID string      `json:"workflow_permanent_id,omitempty"`
	WorkflowDeleted     bool        `json:"workflow_deleted"`
	ScriptRun           bool        `json:"script_run"`
	TriggerType         TriggerType `json:"trigger_type,omitempty"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a run summary, keeping unmodelled members in Extra.
func (r *RunListItem) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the run summary, Extra included.
func (r RunListItem) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// ListRunsPage returns one page of runs, task and workflow runs alike,
// newest first.
//
// It calls GET /v1/runs with p as query parameters, list filters as repeated
// keys (status=a&status=b). Errors: an *APIError (ErrValidation for a bad
// filter, ErrUnauthorized) or a *RequestError.
func (c *Client) ListRunsPage(ctx context.Context, p ListRunsParams, opts ...Option) ([]RunListItem, error) {
	var out []RunListItem
	if err := c.do(ctx, request{Call: endpoint.ListRuns.With(), query: p}, &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// ErrSearchLimit ends a ListRuns iteration that searches (SearchKey or
// WorkflowIDs set) once it has yielded the 1000th match: Skyvern serves no
// page of a search past its first 1000 matches, so there may be more that
// no request can list. Narrow the search (more filters, a longer
// SearchKey) to see them.
var ErrSearchLimit = errors.New("skyvern: Skyvern lists only the first 1000 matches of a search (SearchKey or WorkflowIDs); there may be more: narrow the search")

// searchMatchLimit is how many matches Skyvern serves of a search.
const searchMatchLimit = 1000

// ListRuns returns an iterator over all runs matching p, newest first. It
// fetches page after page only as the loop consumes them and stops when the
// loop stops; an error ends the sequence as its last element:
//
//	for run, err := range client.ListRuns(ctx, skyvern.ListRunsParams{Status: []skyvern.RunStatus{skyvern.RunStatusFailed}}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(run.RunID)
//	}
//
// Skyvern serves at most 100 pages, so with the default page size of 100
// a listing without a search ends after 10,000 runs. A search (SearchKey
// or WorkflowIDs set) reaches the first 1000 matches only, counted from
// the first run of page 1: once the iterator has yielded the last of them
// it yields ErrSearchLimit instead of asking for a page Skyvern would
// refuse, and so it does at once, sending nothing, when p.Page starts past
// them. A search with exactly 1000 matches ends with ErrSearchLimit too,
// as nothing tells it from a larger one.
func (c *Client) ListRuns(ctx context.Context, p ListRunsParams, opts ...Option) iter.Seq2[*RunListItem, error] {
	fetch := func(ctx context.Context, page, size int) ([]RunListItem, error) {
		q := p
		q.Page, q.PageSize = page, size
		return c.ListRunsPage(ctx, q, opts...)
	}
	if p.SearchKey == "" && len(p.WorkflowIDs) == 0 {
		return pages(ctx, p.Page, p.PageSize, 100, fetch)
	}
	first, size := max(p.Page, 1), p.PageSize
	if size < 1 {
		size = defaultPageSize
	}
	return func(yield func(*RunListItem, error) bool) {
		before := (first - 1) * size // matches on the pages before first
		if before >= searchMatchLimit {
			yield(nil, ErrSearchLimit)
			return
		}
		// The last page that starts within the limit (Skyvern cuts it at the
		// limit), and never past page 100.
		last := min(first+(searchMatchLimit-before+size-1)/size-1, 100)
		n := 0
		for item, err := range pages(ctx, first, size, last, fetch) {
			if !yield(item, err) || err != nil {
				return
			}
			n++
		}
		if before+n >= searchMatchLimit {
			yield(nil, ErrSearchLimit)
		}
	}
}

// BulkCancelResult reports which runs BulkCancelRuns canceled.
type BulkCancelResult struct {
	// Canceled lists the runs that were canceled (their status is now
	// RunStatusCanceled); Skyvern names it cancelled.
	Canceled []string `json:"cancelled"`
	// Failed lists the runs that could not be canceled, such as unknown
	// ids or runs that had already finished.
	Failed []string `json:"failed"`
	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the result, keeping unmodelled members in Extra.
func (r *BulkCancelResult) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the result, Extra included.
func (r BulkCancelResult) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// BulkCancelRuns asks Skyvern to cancel several runs at once and reports
// which it canceled and which it could not.
//
// It calls POST /v1/runs/cancel with {"run_ids": [...]}. Errors: an
// *APIError or a *RequestError.
func (c *Client) BulkCancelRuns(ctx context.Context, runIDs []string, opts ...Option) (*BulkCancelResult, error) {
	body := struct {
		RunIDs []string `json:"run_ids"`
	}{runIDs}
	if body.RunIDs == nil {
		body.RunIDs = []string{}
	}
	var out BulkCancelResult
	if err := c.do(ctx, request{Call: endpoint.BulkCancelRuns.With(), body: body}, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}
