package skyvern

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// WorkflowRunRequest starts a run of a saved workflow (an "agent" in
// Skyvern's newer naming). Only WorkflowID is required by the server. Fields
// left at their zero value are not sent; the pointer fields distinguish "not
// set" from an explicit false or 0 (use Ptr). To send an explicit null, or a
// field this SDK does not have yet, put it in Extra.
type WorkflowRunRequest struct {
	// WorkflowID is the workflow's permanent id, "wpid_...".
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

type plainWorkflowRunRequest WorkflowRunRequest

// MarshalJSON encodes the request body, Extra included.
func (r WorkflowRunRequest) MarshalJSON() ([]byte, error) {
	return jsonobj.Encode(plainWorkflowRunRequest(r), r.Extra)
}

// UnmarshalJSON decodes a request body, as found in RunResponse.RunRequest.
// It accepts the workflow's id as workflow_id or as agent_id.
func (r *WorkflowRunRequest) UnmarshalJSON(data []byte) error {
	var aux struct {
		*plainWorkflowRunRequest
		ProxyLocation json.RawMessage `json:"proxy_location,omitempty"`
		AgentID       string          `json:"agent_id,omitempty"`
	}
	aux.plainWorkflowRunRequest = (*plainWorkflowRunRequest)(r)
	extra, err := jsonobj.Decode(data, &aux)
	if err != nil {
		return err
	}
	if r.WorkflowID == "" {
		r.WorkflowID = aux.AgentID
	}
	r.Extra = extra
	r.ProxyLocation, err = decodeProxy(aux.ProxyLocation)
	return err
}

// RunWorkflow starts a run of a saved workflow and returns it as created.
// The run takes minutes: pass a WebhookURL to be called when it finishes,
// or poll with GetRun.
//
// It calls POST /v1/run/workflows with workflow_id. Skyvern renamed these to
// /v1/run/agents and agent_id in June 2026 and keeps the old names as
// aliases, so the old names work on both current servers and self-hosted
// servers from before the rename. What req sets is sent as it is; the server
// validates it (422, an *APIError matching ErrValidation) and answers 404 for
// an unknown workflow. Like RunTask, it is retried only when the request
// provably never reached the server or the server refused it with 429 or
// 503 and Retry-After; other failures match ErrRunMayExist.
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
	e := endpoint{method: http.MethodPost, path: "/v1/run/workflows", query: q, body: req, header: h, creates: true}
	if err := c.do(ctx, e, &run, opts); err != nil {
		return nil, err
	}
	return &run, nil
}
