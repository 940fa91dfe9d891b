package skyvern

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// RunStatus is the status of a task or workflow run. Values this SDK does not
// know yet decode as they are; IsKnown tells them apart.
type RunStatus string

// The run statuses Skyvern sends.
const (
	RunStatusCreated    RunStatus = "created"
	RunStatusQueued     RunStatus = "queued"
	RunStatusRunning    RunStatus = "running"
	RunStatusPaused     RunStatus = "paused"
	RunStatusTimedOut   RunStatus = "timed_out"
	RunStatusFailed     RunStatus = "failed"
	RunStatusTerminated RunStatus = "terminated"
	RunStatusCompleted  RunStatus = "completed"
	RunStatusCanceled   RunStatus = "canceled"
)

// IsTerminal reports whether a run with this status has finished and will
// not change again: timed_out, failed, terminated, completed or canceled.
// Skyvern sends its webhook when a run reaches one of these.
func (s RunStatus) IsTerminal() bool {
	switch s {
	case RunStatusTimedOut, RunStatusFailed, RunStatusTerminated, RunStatusCompleted, RunStatusCanceled:
		return true
	}
	return false
}

// IsKnown reports whether s is one of the statuses defined above.
func (s RunStatus) IsKnown() bool {
	switch s {
	case RunStatusCreated, RunStatusQueued, RunStatusRunning, RunStatusPaused:
		return true
	}
	return s.IsTerminal()
}

// RunType says what kind of run a RunResponse describes. Values this SDK does
// not know yet decode as they are; IsKnown tells them apart.
type RunType string

// The run types Skyvern sends.
const (
	RunTypeTaskV1          RunType = "task_v1"
	RunTypeTaskV2          RunType = "task_v2"
	RunTypeTaskV3          RunType = "task_v3"
	RunTypeWorkflowRun     RunType = "workflow_run"
	RunTypeOpenAICUA       RunType = "openai_cua"
	RunTypeAnthropicCUA    RunType = "anthropic_cua"
	RunTypeUITARS          RunType = "ui_tars"
	RunTypeYutoriNavigator RunType = "yutori_navigator"
)

// IsKnown reports whether t is one of the run types defined above.
func (t RunType) IsKnown() bool {
	switch t {
	case RunTypeTaskV1, RunTypeTaskV2, RunTypeTaskV3, RunTypeWorkflowRun,
		RunTypeOpenAICUA, RunTypeAnthropicCUA, RunTypeUITARS, RunTypeYutoriNavigator:
		return true
	}
	return false
}

// IsWorkflow reports whether t is a workflow (agent) run.
func (t RunType) IsWorkflow() bool { return t == RunTypeWorkflowRun }

// BrowserSeedSource says where a workflow run's browser state came from.
type BrowserSeedSource string

// The browser seed sources Skyvern sends.
const (
	BrowserSeedSourceOverride      BrowserSeedSource = "override"
	BrowserSeedSourcePicked        BrowserSeedSource = "picked"
	BrowserSeedSourceOwnMemory     BrowserSeedSource = "own_memory"
	BrowserSeedSourceCredential    BrowserSeedSource = "credential"
	BrowserSeedSourceFresh         BrowserSeedSource = "fresh"
	BrowserSeedSourceDegradedFresh BrowserSeedSource = "degraded_fresh"
)

// RunResponse is a task run or a workflow run, as Get Run, Run Task and Run
// Workflow return it and as Skyvern's webhook delivers it. RunType tells the
// two apart; the fields after RunType are set for workflow runs only.
//
// Decoding never fails on a missing field or an unknown enum value. Members
// this type does not model, such as the legacy fields of webhook payloads
// (task_id, workflow_run_id, ...) or fields Skyvern adds later, are kept in
// Extra, and json.Marshal writes them back, so a RunResponse re-encodes to
// the members and values it was decoded from, nested ones included, with
// three differences of form: datetimes are written in Skyvern's usual form
// (see Time), recording_archived is always written, and a member whose name
// differs from a field's only in case (which encoding/json decodes into the
// field) is written under the field's name.
//
// JSON null and absent members decode to the zero value, except in the
// json.RawMessage fields (Output, RunRequest), which hold a null as the
// bytes "null". Zero-valued strings, times and nil pointers, slices and
// maps are left out when encoding, so a member sent as null comes back as
// null or not at all, never as "" or 0; an empty string comes back absent.
type RunResponse struct {
	// RunID identifies the run: "tsk_..." for tasks, "tsk_v2_..." for task v2
	// runs, "wr_..." for workflow runs.
	RunID  string    `json:"run_id,omitempty"`
	Status RunStatus `json:"status,omitempty"`
	// Output is the run's result as raw JSON: an object, a list, a string or
	// null, shaped by the task or workflow. Decode it with DecodeOutput.
	Output          json.RawMessage `json:"output,omitempty"`
	DownloadedFiles []FileInfo      `json:"downloaded_files,omitzero"`
	RecordingURL    string          `json:"recording_url,omitempty"`
	// RecordingArchived is always sent by Skyvern, so it is always encoded.
	RecordingArchived bool `json:"recording_archived"`
	// ScreenshotURLs are the last screenshots, the latest first.
	ScreenshotURLs []string `json:"screenshot_urls,omitzero"`
	FailureReason  string   `json:"failure_reason,omitempty"`
	CreatedAt      Time     `json:"created_at,omitzero"`
	ModifiedAt     Time     `json:"modified_at,omitzero"`
	QueuedAt       Time     `json:"queued_at,omitzero"`
	StartedAt      Time     `json:"started_at,omitzero"`
	FinishedAt     Time     `json:"finished_at,omitzero"`
	// AppURL links to the run in Skyvern's web app.
	AppURL               string       `json:"app_url,omitempty"`
	BrowserSessionID     string       `json:"browser_session_id,omitempty"`
	BrowserProfileID     string       `json:"browser_profile_id,omitempty"`
	MaxScreenshotScrolls *int         `json:"max_screenshot_scrolls,omitempty"`
	ScriptRun            *ScriptRun   `json:"script_run,omitempty"`
	Errors               []JSONObject `json:"errors,omitzero"`
	StepCount            *int         `json:"step_count,omitempty"`
	RunType              RunType      `json:"run_type,omitempty"`

	// RunWith is "agent" or "code" (workflow runs).
	RunWith           string            `json:"run_with,omitempty"`
	AIFallback        *bool             `json:"ai_fallback,omitempty"`
	ScriptID          string            `json:"script_id,omitempty"`
	BrowserSeedSource BrowserSeedSource `json:"browser_seed_source,omitempty"`
	// RunRequest is the request that started the run, as raw JSON (Get Run
	// sends it; webhook payloads may not). Decode it with TaskRequest or
	// WorkflowRequest.
	RunRequest json.RawMessage `json:"run_request,omitempty"`

	// Extra holds the members this type does not model, by name, as raw
	// JSON: legacy webhook fields and fields newer than this SDK.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a run, keeping unmodelled members in Extra.
func (r *RunResponse) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the run under Skyvern's field names, Extra included.
func (r RunResponse) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// ErrNoOutput is returned by RunResponse.DecodeOutput when the run has no
// output (it is absent or null), as for a run that failed or is not
// finished, and by SDKActionResult.DecodeResult when the action has no
// result.
var ErrNoOutput = errors.New("skyvern: the run has no output")

// DecodeOutput decodes the run's output into v, which should be a pointer to
// your own struct, slice, string, or any. Numbers decoded into an interface
// become json.Number, so integers beyond 64 bits survive. It returns
// ErrNoOutput when there is no output.
func (r *RunResponse) DecodeOutput(v any) error {
	if isNull(r.Output) {
		return ErrNoOutput
	}
	if err := decodeNumbers(r.Output, v); err != nil {
		return fmt.Errorf("skyvern: decoding output of run %s: %w", r.RunID, err)
	}
	return nil
}

// decodeNumbers decodes raw into v, numbers in an interface as json.Number.
func decodeNumbers(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

// TaskRequest decodes RunRequest as the request of a task run. It returns
// nil and no error when RunRequest is absent.
func (r *RunResponse) TaskRequest() (*TaskRunRequest, error) {
	if isNull(r.RunRequest) {
		return nil, nil
	}
	var req TaskRunRequest
	if err := json.Unmarshal(r.RunRequest, &req); err != nil {
		return nil, fmt.Errorf("skyvern: decoding run_request of run %s: %w", r.RunID, err)
	}
	return &req, nil
}

// WorkflowRequest decodes RunRequest as the request of a workflow run. It
// returns nil and no error when RunRequest is absent.
func (r *RunResponse) WorkflowRequest() (*WorkflowRunRequest, error) {
	if isNull(r.RunRequest) {
		return nil, nil
	}
	var req WorkflowRunRequest
	if err := json.Unmarshal(r.RunRequest, &req); err != nil {
		return nil, fmt.Errorf("skyvern: decoding run_request of run %s: %w", r.RunID, err)
	}
	return &req, nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// JSONObject is a JSON object of a shape Skyvern does not fix, such as one
// of a run's errors. Its numbers decode as json.Number, so that integers
// beyond 64 bits keep every digit and re-encode as they came.
type JSONObject map[string]any

// UnmarshalJSON decodes the object with its numbers as json.Number.
func (o *JSONObject) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return err
	}
	*o = m
	return nil
}

// FileInfo is a file a run downloaded.
type FileInfo struct {
	URL        string `json:"url,omitempty"`
	Checksum   string `json:"checksum,omitempty"`
	Filename   string `json:"filename,omitempty"`
	FileSize   *int64 `json:"file_size,omitempty"`
	ModifiedAt Time   `json:"modified_at,omitzero"`
	ArtifactID string `json:"artifact_id,omitempty"`
	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a file, keeping unmodelled members in Extra.
func (f *FileInfo) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, f) }

// MarshalJSON encodes the file, Extra included.
func (f FileInfo) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(f) }

// ScriptRun describes the generated script a run executed, if any.
type ScriptRun struct {
	AIFallbackTriggered bool   `json:"ai_fallback_triggered"`
	ScriptID            string `json:"script_id,omitempty"`
	ScriptRevisionID    string `json:"script_revision_id,omitempty"`
	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a script run, keeping unmodelled members in Extra.
func (s *ScriptRun) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, s) }

// MarshalJSON encodes the script run, Extra included.
func (s ScriptRun) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(s) }

// GetRun returns the task or workflow run runID ("tsk_...", "tsk_v2_...",
// "wr_...") with its current status and, once finished, its output.
//
// It calls GET /v1/runs/{run_id}. Errors: ErrEmptyID; an *APIError matching
// ErrNotFound for an unknown run, ErrUnauthorized for a bad key; a
// *RequestError for transport failures or a malformed response.
func (c *Client) GetRun(ctx context.Context, runID string, opts ...Option) (*RunResponse, error) {
	var run RunResponse
	if err := c.do(ctx, request{Call: endpoint.GetRun.With(runID)}, &run, opts); err != nil {
		return nil, err
	}
	return &run, nil
}

// CancelRun asks Skyvern to stop the task or workflow run runID. Skyvern
// refuses to cancel a task run that has already finished (400, an
// *APIError matching ErrBadRequest); a finished workflow run is left as it
// is.
//
// It calls POST /v1/runs/{run_id}/cancel with no body. Errors: ErrEmptyID;
// an *APIError (ErrNotFound, ErrUnauthorized, ...); a *RequestError for
// transport failures.
func (c *Client) CancelRun(ctx context.Context, runID string, opts ...Option) error {
	return c.do(ctx, request{Call: endpoint.CancelRun.With(runID)}, nil, opts)
}
