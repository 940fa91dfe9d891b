package temporal

import (
	"encoding/json"
	"errors"

	"github.com/skyvern-go/skyvern"
)

// StartRequest says which Skyvern run to start: exactly one of its fields
// is set. The request travels to the activity through the workflow's
// history, so anything it holds (extra HTTP headers, for instance) is
// stored there as the Temporal data converter writes it; use a converter
// that encrypts payloads if that matters to you. Leave the request's
// WebhookURL empty: Activities sets it.
type StartRequest struct {
	Task     *skyvern.TaskRunRequest
	Workflow *skyvern.WorkflowRunRequest
	Login    *skyvern.LoginRequest
	Download *skyvern.DownloadFilesRequest
}

// ErrInvalidRequest is returned, without anything being started, for a
// StartRequest that sets no run or more than one, or whose run already has
// a WebhookURL.
var ErrInvalidRequest = errors.New("skyvern temporal: a StartRequest sets exactly one of Task, Workflow, Login and Download, and leaves its WebhookURL empty")

// check reports whether r names exactly one run without a webhook of its own.
func (r StartRequest) check() error {
	n, hook := 0, ""
	if r.Task != nil {
		n, hook = n+1, r.Task.WebhookURL
	}
	if r.Workflow != nil {
		n, hook = n+1, r.Workflow.WebhookURL
	}
	if r.Login != nil {
		n, hook = n+1, r.Login.WebhookURL
	}
	if r.Download != nil {
		n, hook = n+1, r.Download.WebhookURL
	}
	if n != 1 || hook != "" {
		return ErrInvalidRequest
	}
	return nil
}

// wireRequest is a StartRequest as it is stored in the history. The run
// requests keep their headers and query parameters in fields that their
// JSON encoding leaves out; they travel beside them here.
type wireRequest struct {
	Task             *skyvern.TaskRunRequest       `json:"task,omitempty"`
	Workflow         *skyvern.WorkflowRunRequest   `json:"workflow,omitempty"`
	Login            *skyvern.LoginRequest         `json:"login,omitempty"`
	Download         *skyvern.DownloadFilesRequest `json:"download,omitempty"`
	XUserAgent       string                        `json:"x_user_agent,omitempty"`
	Template         bool                          `json:"template,omitempty"`
	MaxStepsOverride *int                          `json:"max_steps_override,omitempty"`
}

// MarshalJSON encodes the request with its headers and query parameters,
// which the run requests' own encodings leave out.
func (r StartRequest) MarshalJSON() ([]byte, error) {
	w := wireRequest{Task: r.Task, Workflow: r.Workflow, Login: r.Login, Download: r.Download}
	switch {
	case r.Task != nil:
		w.XUserAgent = r.Task.XUserAgent
	case r.Workflow != nil:
		w.XUserAgent, w.Template, w.MaxStepsOverride = r.Workflow.XUserAgent, r.Workflow.Template, r.Workflow.MaxStepsOverride
	case r.Login != nil:
		w.XUserAgent = r.Login.XUserAgent
	case r.Download != nil:
		w.XUserAgent = r.Download.XUserAgent
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes what MarshalJSON wrote.
func (r *StartRequest) UnmarshalJSON(data []byte) error {
	var w wireRequest
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*r = StartRequest{Task: w.Task, Workflow: w.Workflow, Login: w.Login, Download: w.Download}
	switch {
	case r.Task != nil:
		r.Task.XUserAgent = w.XUserAgent
	case r.Workflow != nil:
		r.Workflow.XUserAgent, r.Workflow.Template, r.Workflow.MaxStepsOverride = w.XUserAgent, w.Template, w.MaxStepsOverride
	case r.Login != nil:
		r.Login.XUserAgent = w.XUserAgent
	case r.Download != nil:
		r.Download.XUserAgent = w.XUserAgent
	}
	return nil
}
