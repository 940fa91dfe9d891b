package skyvern

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// RunTimelineEntry is one step of a run's timeline: a workflow block that
// ran or a thought of the agent, with the entries nested inside it.
type RunTimelineEntry struct {
	// Type is "block" or "thought"; Block or Thought is set accordingly.
	Type     string             `json:"type,omitempty"`
	Block    *WorkflowRunBlock  `json:"block,omitempty"`
	Thought  *Thought           `json:"thought,omitempty"`
	Children []RunTimelineEntry `json:"children,omitzero"`
	// CreatedAt and ModifiedAt are when the entry was recorded and last changed.
	CreatedAt  Time `json:"created_at,omitzero"`
	ModifiedAt Time `json:"modified_at,omitzero"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes an entry, keeping unmodelled members in Extra.
func (e *RunTimelineEntry) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, e) }

// MarshalJSON encodes the entry, Extra included.
func (e RunTimelineEntry) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(e) }

// WorkflowRunBlock is one block of a workflow run as it executed: its type
// and label, what it was asked to do, its status and its output. Which
// fields are set depends on BlockType.
type WorkflowRunBlock struct {
	WorkflowRunBlockID       string `json:"workflow_run_block_id,omitempty"`
	BlockWorkflowRunID       string `json:"block_workflow_run_id,omitempty"`
	WorkflowRunID            string `json:"workflow_run_id,omitempty"`
	OrganizationID           string `json:"organization_id,omitempty"`
	Description              string `json:"description,omitempty"`
	ParentWorkflowRunBlockID string `json:"parent_workflow_run_block_id,omitempty"`
	// BlockType is the kind of block, such as "task", "for_loop" or "code".
	BlockType string `json:"block_type,omitempty"`
	Label     string `json:"label,omitempty"`
	Status    string `json:"status,omitempty"`
	// Output is the block's output as raw JSON.
	Output             json.RawMessage `json:"output,omitempty"`
	ContinueOnFailure  bool            `json:"continue_on_failure"`
	FailureReason      string          `json:"failure_reason,omitempty"`
	ErrorCodes         []string        `json:"error_codes,omitzero"`
	Engine             RunEngine       `json:"engine,omitempty"`
	TaskID             string          `json:"task_id,omitempty"`
	URL                string          `json:"url,omitempty"`
	FinalURL           string          `json:"final_url,omitempty"`
	NavigationGoal     string          `json:"navigation_goal,omitempty"`
	NavigationPayload  json.RawMessage `json:"navigation_payload,omitempty"`
	DataExtractionGoal string          `json:"data_extraction_goal,omitempty"`
	DataSchema         json.RawMessage `json:"data_schema,omitempty"`
	TerminateCriterion string          `json:"terminate_criterion,omitempty"`
	CompleteCriterion  string          `json:"complete_criterion,omitempty"`
	// Actions are the browser actions the block took, as raw JSON objects.
	Actions                            []json.RawMessage `json:"actions,omitzero"`
	CreatedAt                          Time              `json:"created_at,omitzero"`
	ModifiedAt                         Time              `json:"modified_at,omitzero"`
	IncludeActionHistoryInVerification *bool             `json:"include_action_history_in_verification,omitempty"`
	IncludeExtractedText               *bool             `json:"include_extracted_text,omitempty"`
	// Duration is how long the block ran, in seconds.
	Duration                 *float64   `json:"duration,omitempty"`
	LoopValues               []any      `json:"loop_values,omitzero"`
	CurrentValue             string     `json:"current_value,omitempty"`
	CurrentIndex             *int       `json:"current_index,omitempty"`
	Recipients               []string   `json:"recipients,omitzero"`
	Attachments              []string   `json:"attachments,omitzero"`
	Subject                  string     `json:"subject,omitempty"`
	Body                     string     `json:"body,omitempty"`
	Prompt                   string     `json:"prompt,omitempty"`
	Instructions             string     `json:"instructions,omitempty"`
	PositiveDescriptor       string     `json:"positive_descriptor,omitempty"`
	NegativeDescriptor       string     `json:"negative_descriptor,omitempty"`
	ExecutedBranchID         string     `json:"executed_branch_id,omitempty"`
	ExecutedBranchExpression string     `json:"executed_branch_expression,omitempty"`
	ExecutedBranchResult     *bool      `json:"executed_branch_result,omitempty"`
	ExecutedBranchNextBlock  string     `json:"executed_branch_next_block,omitempty"`
	ScriptRun                *ScriptRun `json:"script_run,omitempty"`
	DownloadedFileCount      *int       `json:"downloaded_file_count,omitempty"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a block, keeping unmodelled members in Extra.
func (b *WorkflowRunBlock) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, b) }

// MarshalJSON encodes the block, Extra included.
func (b WorkflowRunBlock) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(b) }

// Thought is one reasoning step of Skyvern's agent (task v2 runs): what it
// observed, thought and answered, with its token use.
type Thought struct {
	ThoughtID           string `json:"thought_id,omitempty"`
	TaskID              string `json:"task_id,omitempty"`
	OrganizationID      string `json:"organization_id,omitempty"`
	WorkflowRunID       string `json:"workflow_run_id,omitempty"`
	WorkflowRunBlockID  string `json:"workflow_run_block_id,omitempty"`
	WorkflowID          string `json:"workflow_id,omitempty"`
	WorkflowPermanentID string `json:"workflow_permanent_id,omitempty"`
	UserInput           string `json:"user_input,omitempty"`
	Observation         string `json:"observation,omitempty"`
	Thought             string `json:"thought,omitempty"`
	Answer              string `json:"answer,omitempty"`
	// ThoughtType is the kind of step, such as "plan" or "metadata".
	ThoughtType     string          `json:"thought_type,omitempty"`
	ThoughtScenario string          `json:"thought_scenario,omitempty"`
	Output          json.RawMessage `json:"output,omitempty"`
	// Token counts and cost of the model call behind this step.
	InputTokenCount     *int     `json:"input_token_count,omitempty"`
	OutputTokenCount    *int     `json:"output_token_count,omitempty"`
	ReasoningTokenCount *int     `json:"reasoning_token_count,omitempty"`
	CachedTokenCount    *int     `json:"cached_token_count,omitempty"`
	ThoughtCost         *float64 `json:"thought_cost,omitempty"`
	LastLLMModel        string   `json:"last_llm_model,omitempty"`
	CreatedAt           Time     `json:"created_at,omitzero"`
	ModifiedAt          Time     `json:"modified_at,omitzero"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a thought, keeping unmodelled members in Extra.
func (t *Thought) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, t) }

// MarshalJSON encodes the thought, Extra included.
func (t Thought) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(t) }

// ListRunTimeline iterates over the timeline of a workflow run or task v2
// run: its blocks and the agent's thoughts, nested as they ran. The server
// does not page this list: one request, made when iteration starts,
// fetches it.
//
// It calls GET /v1/runs/{run_id}/timeline. Errors: ErrEmptyID; an *APIError
// matching ErrNotFound for an unknown run or ErrBadRequest for a run type
// without a timeline (task v1); a *RequestError.
func (c *Client) ListRunTimeline(ctx context.Context, runID string, opts ...Option) iter.Seq2[*RunTimelineEntry, error] {
	return whole(ctx, func(ctx context.Context) ([]RunTimelineEntry, error) {
		var out []RunTimelineEntry
		if err := c.do(ctx, request{Call: endpoint.ListRunTimeline.With(runID)}, &out, opts); err != nil {
			return nil, err
		}
		return out, nil
	})
}
