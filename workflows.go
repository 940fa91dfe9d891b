package skyvern

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"strconv"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// WorkflowRunRequest starts a run of a saved workflow (an "agent" in
// Skyvern's newer naming). Only WorkflowID is required by the server. Fields
// left at their zero value are not sent; the pointer fields distinguish "not
// set" from an explicit false or 0 (use Ptr). To send an explicit null, or a
// field this SDK does not have yet, put it in Extra.
type WorkflowRunRequest struct {
	// WorkflowID is the workflow's permanent id, "wpid_...": take it from
	// Workflow.WorkflowPermanentID, not from Workflow.WorkflowID, which
	// names one version ("w_...") and gets 404 here.
	WorkflowID string `json:"workflow_id,omitempty"`
	// Parameters are the workflow's input parameters, by key.
	Parameters map[string]any `json:"parameters,omitempty"`
	Title      string         `json:"title,omitempty"`
	// ProxyLocation routes the browser's traffic: a ProxyLocation constant, a
	// GeoTarget, or a CustomProxy. Nil leaves the server's default.
	ProxyLocation Proxy `json:"proxy_location,omitempty"`
	// WebhookURL receives a signed POST when this run finishes (see package
	// webhooks). It overrides, for this run, the workflow's own default
	// callback, which is webhook_callback_url in the workflow definition.
	WebhookURL       string `json:"webhook_url,omitempty"`
	TOTPURL          string `json:"totp_url,omitempty"`
	TOTPIdentifier   string `json:"totp_identifier,omitempty"`
	BrowserSessionID string `json:"browser_session_id,omitempty"`
	// ReuseBrowserSession overrides the workflow's setting; nil inherits it.
	ReuseBrowserSession   *bool             `json:"reuse_browser_session,omitempty"`
	BrowserProfileID      string            `json:"browser_profile_id,omitempty"`
	StartFreshBrowser     bool              `json:"start_fresh_browser,omitempty"`
	MaxScreenshotScrolls  *int              `json:"max_screenshot_scrolls,omitempty"`
	MaxElapsedTimeMinutes *int              `json:"max_elapsed_time_minutes,omitempty"`
	ExtraHTTPHeaders      map[string]string `json:"extra_http_headers,omitempty"`
	CDPConnectHeaders     map[string]string `json:"cdp_connect_headers,omitempty"`
	BrowserAddress        string            `json:"browser_address,omitempty"`
	// AIFallback: whether to fall back to the AI agent if a generated
	// script fails; nil leaves the workflow's setting.
	AIFallback *bool `json:"ai_fallback,omitempty"`
	// RunWith is "agent" or "code"; empty leaves the workflow's setting.
	RunWith string `json:"run_with,omitempty"`
	// RunMetadata is string metadata attached to the run, for filtering.
	RunMetadata map[string]string `json:"run_metadata,omitempty"`

	// Template runs a workflow template rather than one of yours; it is sent
	// as the "template" query parameter.
	Template bool `json:"-"`
	// MaxStepsOverride is sent as the x-max-steps-override header.
	MaxStepsOverride *int `json:"-"`
	// XUserAgent is sent as the x-user-agent header.
	XUserAgent string `json:"-"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones. A member named like a field is sent only when that field
	// is left unset, so Extra{"proxy_location": json.RawMessage("null")}
	// sends an explicit null.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request body, Extra included.
func (r WorkflowRunRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, as found in RunResponse.RunRequest.
// It accepts the workflow's id as workflow_id or as agent_id (Skyvern's
// newer name), which is then not kept in Extra.
func (r *WorkflowRunRequest) UnmarshalJSON(data []byte) error {
	if err := jsonobj.Unmarshal(data, r); err != nil {
		return err
	}
	// agent_id is another name of workflow_id, used when that is absent.
	if raw, ok := jsonobj.Take(&r.Extra, "agent_id"); ok && r.WorkflowID == "" {
		return json.Unmarshal(raw, &r.WorkflowID)
	}
	return nil
}

// RunWorkflow starts a run of a saved workflow and returns it as created.
// The run takes minutes: pass a WebhookURL to be called when it finishes,
// or poll with GetRun.
//
// It calls POST /v1/run/workflows with workflow_id. Skyvern renamed these to
// /v1/run/agents and agent_id in June 2026 and keeps the old names as
// aliases, so the old names work on both current servers and self-hosted
// servers from before the rename. What req sets is sent as it is; the server
// validates it (422, an *APIError matching ErrValidation) and answers 404
// (ErrNotFound) for an unknown workflow, and for a version id ("w_...")
// given as req.WorkflowID, which the error then points out. It is not
// retried once sent; see ErrOutcomeUnknown.
func (c *Client) RunWorkflow(ctx context.Context, req WorkflowRunRequest, opts ...Option) (*RunResponse, error) {
	var h http.Header
	if req.MaxStepsOverride != nil {
		h = http.Header{"X-Max-Steps-Override": {strconv.Itoa(*req.MaxStepsOverride)}}
	}
	if req.XUserAgent != "" {
		if h == nil {
			h = make(http.Header, 1)
		}
		h["X-User-Agent"] = []string{req.XUserAgent}
	}
	var q any
	if req.Template {
		q = struct {
			Template bool `url:"template"`
		}{true}
	}
	var run RunResponse
	e := request{Call: endpoint.RunWorkflow.With(), query: q, body: req, header: h, creates: true, created: createdID{"run_id", &run.RunID}}
	if err := c.do(ctx, e, &run, opts); err != nil {
		return nil, versionIDHint(err, req.WorkflowID)
	}
	return &run, nil
}

// WorkflowRun is a workflow run as ListRunsOfAllWorkflows returns it: the run's
// record with its settings, status and timing. GetRun returns the same run
// as a RunResponse, with its output.
type WorkflowRun struct {
	WorkflowRunID string `json:"workflow_run_id,omitempty"`
	// WorkflowID names the workflow version that ran; WorkflowPermanentID
	// ("wpid_...") names the workflow.
	WorkflowID          string            `json:"workflow_id,omitempty"`
	WorkflowPermanentID string            `json:"workflow_permanent_id,omitempty"`
	WorkflowTitle       string            `json:"workflow_title,omitempty"`
	OrganizationID      string            `json:"organization_id,omitempty"`
	Status              RunStatus         `json:"status,omitempty"`
	FailureReason       string            `json:"failure_reason,omitempty"`
	FailureCategory     []JSONObject      `json:"failure_category,omitzero"`
	BrowserSessionID    string            `json:"browser_session_id,omitempty"`
	BrowserProfileID    string            `json:"browser_profile_id,omitempty"`
	BrowserSeedSource   BrowserSeedSource `json:"browser_seed_source,omitempty"`
	BrowserSinkProfile  string            `json:"browser_sink_profile_id,omitempty"`
	StartFreshBrowser   *bool             `json:"start_fresh_browser,omitempty"`
	ReuseBrowserSession *bool             `json:"reuse_browser_session,omitempty"`
	DebugSessionID      string            `json:"debug_session_id,omitempty"`
	ExtraHTTPHeaders    map[string]string `json:"extra_http_headers,omitzero"`
	CDPConnectHeaders   map[string]string `json:"cdp_connect_headers,omitzero"`
	// ProxyLocation is a ProxyLocation, a GeoTarget or a CustomProxy.
	ProxyLocation Proxy `json:"proxy_location,omitempty"`
	// WebhookURL (webhook_callback_url) is where this run's callback went:
	// the run's own webhook_url, else the workflow's default.
	WebhookURL string `json:"webhook_callback_url,omitempty"`
	// WebhookFailureReason says why the callback failed; empty when it was
	// delivered.
	WebhookFailureReason     string      `json:"webhook_failure_reason,omitempty"`
	TOTPVerificationURL      string      `json:"totp_verification_url,omitempty"`
	TOTPIdentifier           string      `json:"totp_identifier,omitempty"`
	RetriedFromWorkflowRunID string      `json:"retried_from_workflow_run_id,omitempty"`
	FallbackAttempt          *int        `json:"fallback_attempt,omitempty"`
	ParentWorkflowRunID      string      `json:"parent_workflow_run_id,omitempty"`
	MaxScreenshotScrolls     *int        `json:"max_screenshot_scrolls,omitempty"`
	MaxElapsedTimeMinutes    *int        `json:"max_elapsed_time_minutes,omitempty"`
	BrowserAddress           string      `json:"browser_address,omitempty"`
	RunWith                  string      `json:"run_with,omitempty"`
	ScriptRun                *ScriptRun  `json:"script_run,omitempty"`
	JobID                    string      `json:"job_id,omitempty"`
	DependsOnWorkflowRunID   string      `json:"depends_on_workflow_run_id,omitempty"`
	SequentialKey            string      `json:"sequential_key,omitempty"`
	SequentialCredentialID   string      `json:"sequential_credential_id,omitempty"`
	AIFallback               *bool       `json:"ai_fallback,omitempty"`
	CodeGen                  *bool       `json:"code_gen,omitempty"`
	TriggerType              TriggerType `json:"trigger_type,omitempty"`
	WorkflowScheduleID       string      `json:"workflow_schedule_id,omitempty"`
	// IgnoreInheritedSystemPrompt is ignore_inherited_workflow_system_prompt.
	IgnoreInheritedSystemPrompt bool   `json:"ignore_inherited_workflow_system_prompt"`
	CopilotSessionID            string `json:"copilot_session_id,omitempty"`
	CreditsUsed                 int    `json:"credits_used"`
	CachedCreditsUsed           int    `json:"cached_credits_used"`
	QueuedAt                    Time   `json:"queued_at,omitzero"`
	StartedAt                   Time   `json:"started_at,omitzero"`
	FinishedAt                  Time   `json:"finished_at,omitzero"`
	CreatedAt                   Time   `json:"created_at,omitzero"`
	ModifiedAt                  Time   `json:"modified_at,omitzero"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a workflow run, keeping unmodelled members in Extra.
func (r *WorkflowRun) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the workflow run, Extra included.
func (r WorkflowRun) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// ListRunsOfAllWorkflowsParams filters ListRunsOfAllWorkflows and
// ListRunsOfAllWorkflowsPage.
type ListRunsOfAllWorkflowsParams struct {
	// Page is the page ListRunsOfAllWorkflowsPage returns, or the one
	// ListRunsOfAllWorkflows starts from; 1 when 0.
	Page int `url:"page,omitempty"`
	// PageSize is the number of runs per page; when 0,
	// ListRunsOfAllWorkflowsPage leaves the server's default (10) and
	// ListRunsOfAllWorkflows asks for 100.
	PageSize int         `url:"page_size,omitempty"`
	Status   []RunStatus `url:"status,omitempty"`
	// SearchKey matches a substring of the run id, parameters or title.
	SearchKey string `url:"search_key,omitempty"`
	// ErrorCode keeps runs whose tasks reported this error code.
	ErrorCode string `url:"error_code,omitempty"`
}

// ListRunsOfAllWorkflowsPage returns one page of workflow runs, across all
// workflows, newest first.
//
// It calls GET /v1/workflows/runs (the spec's /v1/agents/runs; see
// RunWorkflow for why the SDK uses the older name). Errors: an *APIError or
// a *RequestError.
func (c *Client) ListRunsOfAllWorkflowsPage(ctx context.Context, p ListRunsOfAllWorkflowsParams, opts ...Option) ([]WorkflowRun, error) {
	var out []WorkflowRun
	if err := c.do(ctx, request{Call: endpoint.ListRunsOfAllWorkflows.With(), query: p}, &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// ListRunsOfAllWorkflows returns an iterator over the runs of every
// workflow of the organization that match p, newest first, fetching page
// after page as the loop consumes them; see ListRuns. ListRunsOfWorkflow
// lists the runs of one workflow.
func (c *Client) ListRunsOfAllWorkflows(ctx context.Context, p ListRunsOfAllWorkflowsParams, opts ...Option) iter.Seq2[*WorkflowRun, error] {
	return pages(ctx, p.Page, p.PageSize, 0, func(ctx context.Context, page, size int) ([]WorkflowRun, error) {
		q := p
		q.Page, q.PageSize = page, size
		return c.ListRunsOfAllWorkflowsPage(ctx, q, opts...)
	})
}
