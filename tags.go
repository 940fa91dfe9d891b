package skyvern

import (
	"context"
	"encoding/json"
	"iter"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// Tags label workflows and workflow runs. A tag is a label (its Value),
// optionally in a group (its Key): "env:prod" is the label "prod" in the
// group "env", and a workflow or run carries at most one label per group.
// A tag without a key is a standalone label, such as "urgent". The
// organization keeps a registry of the groups in use (tag keys, each with a
// description) and of the grouped labels (tag values, each with a palette
// color); applying a grouped tag registers both. ListRuns and
// ListRunsOfAllWorkflows find runs by their tags (ListRunsParams.Tags), and
// ListWorkflows finds workflows by theirs.
//
// The workflow tag routes are called through their long-lived
// /v1/workflows/{id}/tags names; the spec documents them as
// /v1/agents/{id}/tags, and Skyvern serves both.

// TagSource says how a tag event was written.
type TagSource string

// The tag sources Skyvern records. Tags written through the API are manual.
const (
	TagSourceManual    TagSource = "manual"
	TagSourceBulkApply TagSource = "bulk_apply"
	TagSourceBackfill  TagSource = "backfill"
	TagSourceInherited TagSource = "inherited"
	TagSourceImport    TagSource = "import"
	TagSourceSystem    TagSource = "system"
)

// IsKnown reports whether s is one of the sources defined above.
func (s TagSource) IsKnown() bool {
	switch s {
	case TagSourceManual, TagSourceBulkApply, TagSourceBackfill, TagSourceInherited, TagSourceImport, TagSourceSystem:
		return true
	}
	return false
}

// TagEventType is the kind of change a tag history entry records.
type TagEventType string

// The tag event types: a tag set (added or given a new label), or removed.
const (
	TagEventSet    TagEventType = "set"
	TagEventDelete TagEventType = "delete"
)

// IsKnown reports whether t is one of the event types defined above.
func (t TagEventType) IsKnown() bool { return t == TagEventSet || t == TagEventDelete }

// TagColor is a color of Skyvern's tag palette. The server accepts only
// these names (in any case) and answers them in lower case.
type TagColor string

// The palette.
const (
	TagColorGray   TagColor = "gray"
	TagColorRed    TagColor = "red"
	TagColorOrange TagColor = "orange"
	TagColorAmber  TagColor = "amber"
	TagColorYellow TagColor = "yellow"
	TagColorGreen  TagColor = "green"
	TagColorTeal   TagColor = "teal"
	TagColorBlue   TagColor = "blue"
	TagColorCyan   TagColor = "cyan"
	TagColorIndigo TagColor = "indigo"
	TagColorPurple TagColor = "purple"
	TagColorPink   TagColor = "pink"
)

// IsKnown reports whether c is one of the palette's colors above.
func (c TagColor) IsKnown() bool {
	switch c {
	case TagColorGray, TagColorRed, TagColorOrange, TagColorAmber, TagColorYellow, TagColorGreen,
		TagColorTeal, TagColorBlue, TagColorCyan, TagColorIndigo, TagColorPurple, TagColorPink:
		return true
	}
	return false
}

// TagLabel is one tag without its history: a label, in the group Key, or
// standalone when Key is empty. It is what TagChanges.Tags sets and what
// the batch look-ups return. Skyvern trims both; a key matches
// ^[A-Za-z0-9][A-Za-z0-9_.-]*$ (at most 64 characters, not starting with
// the reserved "skyvern."), and a value has at most 256 characters and no
// comma. A standalone label may not contain ':', and a grouped one may not
// be exactly "*" (the filter's wildcard).
type TagLabel struct {
	// Key is the group, such as "env"; empty (null on the wire) for a
	// standalone label.
	Key string `json:"key,omitempty"`
	// Value is the label, such as "prod". It is required.
	Value string `json:"value"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a tag, keeping unmodelled members in Extra.
func (t *TagLabel) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, t) }

// MarshalJSON encodes the tag, Extra included.
func (t TagLabel) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(t) }

// String writes the tag as a ListRunsParams.Tags term takes it: "key:value",
// or the value alone for a standalone label.
func (t TagLabel) String() string {
	if t.Key == "" {
		return t.Value
	}
	return t.Key + ":" + t.Value
}

// TagDeleteTarget names one tag for TagChanges.TagsToDelete to remove:
// a grouped tag by its Key alone, or a standalone label by its Value alone.
// Setting both, or neither, is refused with ErrValidation.
type TagDeleteTarget struct {
	Key   string `json:"key,omitempty"`
	Value string `json:"value,omitempty"`

	// Extra holds members this type does not model, sent after the
	// modelled ones.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a delete target, keeping unmodelled members in Extra.
func (t *TagDeleteTarget) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, t) }

// MarshalJSON encodes the delete target, Extra included.
func (t TagDeleteTarget) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(t) }

// TagChanges is the body of ApplyRunTags and ApplyWorkflowTags: tags to
// set and tags to remove, applied together in one transaction. Setting a
// grouped tag replaces the label its group had; when the same tag is both
// set and removed, the set wins. Either list may be empty (both empty
// changes nothing). Each list takes at most 20 entries, and a run or
// workflow carries at most 20 tags.
type TagChanges struct {
	// Tags are the tags to set.
	Tags []TagLabel `json:"tags,omitempty"`
	// TagsToDelete are the tags to remove; removing a tag that is not
	// there is not an error.
	TagsToDelete []TagDeleteTarget `json:"tags_to_delete,omitempty"`
	// Colors gives the palette color of the label being set, by group
	// key. A group left out keeps its label's color, or gets a random one
	// for a new label.
	Colors map[string]TagColor `json:"colors,omitempty"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *TagChanges) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the request body, Extra included.
func (r TagChanges) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// Tag is one current tag of a run or a workflow, with who set it and when.
type Tag struct {
	// Key is the group; empty for a standalone label.
	Key   string `json:"key,omitempty"`
	Value string `json:"value"`
	// Source says how the tag was written (TagSourceManual through the API).
	Source TagSource `json:"source"`
	SetAt  Time      `json:"set_at"`
	// SetBy identifies the writer: the organization id for an API key.
	SetBy string `json:"set_by"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a tag, keeping unmodelled members in Extra.
func (t *Tag) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, t) }

// MarshalJSON encodes the tag, Extra included.
func (t Tag) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(t) }

// Label returns the tag without its history.
func (t Tag) Label() TagLabel { return TagLabel{Key: t.Key, Value: t.Value} }

// RunTags is the current tags of a workflow run, standalone labels first,
// then by key and value.
type RunTags struct {
	WorkflowRunID string `json:"workflow_run_id"`
	Tags          []Tag  `json:"tags"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the tags, keeping unmodelled members in Extra.
func (r *RunTags) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the tags, Extra included.
func (r RunTags) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// WorkflowTags is the current tags of a workflow, standalone labels first,
// then by key and value.
type WorkflowTags struct {
	WorkflowPermanentID string `json:"workflow_permanent_id"`
	Tags                []Tag  `json:"tags"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the tags, keeping unmodelled members in Extra.
func (w *WorkflowTags) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, w) }

// MarshalJSON encodes the tags, Extra included.
func (w WorkflowTags) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(w) }

// TagHistoryEntry is one change in a tag's history. A set entry carries the
// label set; a delete entry carries the key of the grouped tag removed
// (Value empty), or the Value of the standalone label removed (Key empty).
type TagHistoryEntry struct {
	// TagEventID identifies the change: "tge_..." on a workflow, "rtge_..."
	// on a run.
	TagEventID string       `json:"tag_event_id"`
	Key        string       `json:"key,omitempty"`
	Value      string       `json:"value,omitempty"`
	EventType  TagEventType `json:"event_type"`
	Source     TagSource    `json:"source"`
	SetAt      Time         `json:"set_at"`
	SetBy      string       `json:"set_by"`
	// SupersededAt is when a later change replaced this one; zero while
	// it is current.
	SupersededAt Time `json:"superseded_at,omitzero"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the entry, keeping unmodelled members in Extra.
func (e *TagHistoryEntry) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, e) }

// MarshalJSON encodes the entry, Extra included.
func (e TagHistoryEntry) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(e) }

// RunTagHistory is the tag history of a workflow run, newest first.
type RunTagHistory struct {
	WorkflowRunID string            `json:"workflow_run_id"`
	Events        []TagHistoryEntry `json:"events"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the history, keeping unmodelled members in Extra.
func (h *RunTagHistory) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, h) }

// MarshalJSON encodes the history, Extra included.
func (h RunTagHistory) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(h) }

// WorkflowTagHistory is the tag history of a workflow, newest first.
type WorkflowTagHistory struct {
	WorkflowPermanentID string            `json:"workflow_permanent_id"`
	Events              []TagHistoryEntry `json:"events"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the history, keeping unmodelled members in Extra.
func (h *WorkflowTagHistory) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, h) }

// MarshalJSON encodes the history, Extra included.
func (h WorkflowTagHistory) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(h) }

// TagHistoryParams narrows GetRunTagHistory and GetWorkflowTagHistory. The
// zero value asks for the server's default: the latest 100 changes.
type TagHistoryParams struct {
	// Limit is the most changes returned, 1 to 500; 0 leaves the server's
	// default of 100.
	Limit int `url:"limit,omitempty"`
	// Since keeps the changes made at or after this instant; zero keeps
	// all. It is sent to the microsecond.
	Since time.Time `url:"since,omitempty" layout:"2006-01-02T15:04:05.999999Z07:00"`
	// Key keeps the changes of one group.
	Key string `url:"key,omitempty"`
}

// TagKey is a tag group registered in the organization.
type TagKey struct {
	Key         string `json:"key"`
	Description string `json:"description,omitempty"`
	// WorkflowCount is the number of workflows carrying a label of this
	// group.
	WorkflowCount int `json:"workflow_count"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the key, keeping unmodelled members in Extra.
func (k *TagKey) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, k) }

// MarshalJSON encodes the key, Extra included.
func (k TagKey) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(k) }

// UpdateTagKeyRequest is the body of UpdateTagKey.
type UpdateTagKeyRequest struct {
	// Description replaces the key's description (at most 500
	// characters); empty clears it.
	Description string `json:"description,omitempty"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *UpdateTagKeyRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the request body, Extra included.
func (r UpdateTagKeyRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// TagKeyDeleteResult says what DeleteTagKey removed.
type TagKeyDeleteResult struct {
	Key string `json:"key"`
	// RemovedFromWorkflowCount and RemovedFromRunCount are the workflows
	// and runs that carried the group; RemovedCount is their sum.
	RemovedFromWorkflowCount int `json:"removed_from_workflow_count"`
	RemovedFromRunCount      int `json:"removed_from_run_count"`
	RemovedCount             int `json:"removed_count"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the result, keeping unmodelled members in Extra.
func (r *TagKeyDeleteResult) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the result, Extra included.
func (r TagKeyDeleteResult) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// TagValue is a grouped label registered in the organization, with its
// palette color.
type TagValue struct {
	Key   string   `json:"key"`
	Value string   `json:"value"`
	Color TagColor `json:"color"`
	// WorkflowCount is the number of workflows (not deleted) carrying the
	// label.
	WorkflowCount int `json:"workflow_count"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the value, keeping unmodelled members in Extra.
func (v *TagValue) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, v) }

// MarshalJSON encodes the value, Extra included.
func (v TagValue) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(v) }

// ListTagValuesParams narrows ListTagValues.
type ListTagValuesParams struct {
	// Key keeps the labels of one group; empty lists every group's.
	Key string `url:"key,omitempty"`
}

// CreateTagValueRequest is the body of CreateTagValue: a grouped label to
// register before anything carries it.
type CreateTagValueRequest struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	// Color is the label's palette color; empty lets Skyvern pick one at
	// random.
	Color TagColor `json:"color,omitempty"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *CreateTagValueRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the request body, Extra included.
func (r CreateTagValueRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UpdateTagValueRequest is the body of UpdateTagValue: the label of the
// group to recolor, and its new color. The label travels in the body so
// that labels holding '/' can be named.
type UpdateTagValueRequest struct {
	Value string   `json:"value"`
	Color TagColor `json:"color"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *UpdateTagValueRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the request body, Extra included.
func (r UpdateTagValueRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// RenameTagValueRequest is the body of RenameTagValue: the label to rename
// and its new name, which must differ and must not exist in the group yet.
type RenameTagValueRequest struct {
	Value    string `json:"value"`
	NewValue string `json:"new_value"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *RenameTagValueRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the request body, Extra included.
func (r RenameTagValueRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// TagValueRenameResult is the renamed label, with the color it kept.
type TagValueRenameResult struct {
	Key   string   `json:"key"`
	Value string   `json:"value"`
	Color TagColor `json:"color"`
	// RenamedWorkflowCount is the number of workflows re-tagged; runs
	// carrying the label are re-tagged too, uncounted.
	RenamedWorkflowCount int `json:"renamed_workflow_count"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the result, keeping unmodelled members in Extra.
func (r *TagValueRenameResult) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the result, Extra included.
func (r TagValueRenameResult) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// TagValueDeleteResult says what DeleteTagValue removed.
type TagValueDeleteResult struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	// RemovedFromWorkflowCount and RemovedFromRunCount are the workflows
	// and runs that carried the label; RemovedCount is their sum.
	RemovedFromWorkflowCount int `json:"removed_from_workflow_count"`
	RemovedFromRunCount      int `json:"removed_from_run_count"`
	RemovedCount             int `json:"removed_count"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the result, keeping unmodelled members in Extra.
func (r *TagValueDeleteResult) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the result, Extra included.
func (r TagValueDeleteResult) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// WorkflowTagsBatch is the answer of BatchGetWorkflowTags.
type WorkflowTagsBatch struct {
	// WorkflowTags has an entry for every id asked for: the workflow's
	// tags, or an empty list for a workflow without tags, unknown or
	// deleted.
	WorkflowTags map[string][]TagLabel `json:"workflow_tags"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the answer, keeping unmodelled members in Extra.
func (b *WorkflowTagsBatch) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, b) }

// MarshalJSON encodes the answer, Extra included.
func (b WorkflowTagsBatch) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(b) }

// RunTagsBatch is the answer of BatchGetRunTags.
type RunTagsBatch struct {
	// RunTags has an entry for every id asked for: the run's tags, or an
	// empty list for a run without tags or unknown.
	RunTags map[string][]TagLabel `json:"run_tags"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the answer, keeping unmodelled members in Extra.
func (b *RunTagsBatch) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, b) }

// MarshalJSON encodes the answer, Extra included.
func (b RunTagsBatch) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(b) }

// RunTagSuggestions lists the tags runs of the organization carry now,
// for a picker: the groups, a few labels of each, and the standalone
// labels. Unlike the registry (ListTagKeys, ListTagValues) it includes the
// reserved "skyvern." groups Skyvern sets itself.
type RunTagSuggestions struct {
	// Keys are the groups, in order.
	Keys []string `json:"keys"`
	// ValuesByKey gives up to three labels of each group, in order.
	ValuesByKey map[string][]string `json:"values_by_key"`
	// Labels are the standalone labels, in order.
	Labels []string `json:"labels"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the suggestions, keeping unmodelled members in Extra.
func (s *RunTagSuggestions) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, s) }

// MarshalJSON encodes the suggestions, Extra included.
func (s RunTagSuggestions) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(s) }

// tagCall sends one tag call, decoding the answer into a new T.
func tagCall[T any](ctx context.Context, c *Client, to endpoint.Call, query, body any, opts []Option) (*T, error) {
	var out T
	if err := c.do(ctx, request{Call: to, query: query, body: body}, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}

// ApplyRunTags sets and removes tags of the workflow run runID ("wr_...")
// in one transaction, and returns the run's tags after the change.
//
// It calls POST /v1/runs/{workflow_run_id}/tags with changes as the body.
// Errors: ErrEmptyID; an *APIError matching ErrNotFound for an unknown run
// (task runs carry no tags), ErrValidation for a malformed tag, a reserved
// key or more than 20 tags, ErrConflict when a concurrent change won; a
// *RequestError.
func (c *Client) ApplyRunTags(ctx context.Context, runID string, changes TagChanges, opts ...Option) (*RunTags, error) {
	return tagCall[RunTags](ctx, c, endpoint.ApplyRunTags.With(runID), nil, changes, opts)
}

// GetRunTags returns the current tags of the workflow run runID.
//
// It calls GET /v1/runs/{workflow_run_id}/tags. Errors: ErrEmptyID; an
// *APIError matching ErrNotFound for an unknown run; a *RequestError.
func (c *Client) GetRunTags(ctx context.Context, runID string, opts ...Option) (*RunTags, error) {
	return tagCall[RunTags](ctx, c, endpoint.GetRunTags.With(runID), nil, nil, opts)
}

// DeleteRunTag removes the grouped tag key (such as "env") from the
// workflow run runID, and returns the run's tags after the change. A key the
// run does not carry is not an error. To remove a standalone label, use
// ApplyRunTags with a TagDeleteTarget naming its Value.
//
// It calls DELETE /v1/runs/{workflow_run_id}/tags/{key}. Errors: ErrEmptyID
// for an empty runID or key; an *APIError matching ErrNotFound for an
// unknown run, ErrBadRequest for a malformed or reserved key; a
// *RequestError.
func (c *Client) DeleteRunTag(ctx context.Context, runID, key string, opts ...Option) (*RunTags, error) {
	return tagCall[RunTags](ctx, c, endpoint.DeleteRunTag.With(runID, key), nil, nil, opts)
}

// GetRunTagHistory returns the tag changes of the workflow run runID,
// newest first, removals and replaced labels included.
//
// It calls GET /v1/runs/{workflow_run_id}/tags/history with p as query
// parameters. Errors: ErrEmptyID; an *APIError matching ErrNotFound for an
// unknown run, ErrValidation for a Limit outside 1..500; a *RequestError.
func (c *Client) GetRunTagHistory(ctx context.Context, runID string, p TagHistoryParams, opts ...Option) (*RunTagHistory, error) {
	return tagCall[RunTagHistory](ctx, c, endpoint.GetRunTagHistory.With(runID), p, nil, opts)
}

// ApplyWorkflowTags sets and removes tags of the workflow
// workflowPermanentID ("wpid_...") in one transaction, and returns the
// workflow's tags after the change.
//
// It calls POST /v1/workflows/{workflow_permanent_id}/tags (documented as
// /v1/agents/...) with changes as the body. Errors: ErrEmptyID; an *APIError
// matching ErrNotFound for an unknown or deleted workflow, ErrValidation for
// a malformed tag, a reserved key or more than 20 tags, ErrConflict when a
// concurrent change won; a *RequestError.
func (c *Client) ApplyWorkflowTags(ctx context.Context, workflowPermanentID string, changes TagChanges, opts ...Option) (*WorkflowTags, error) {
	out, err := tagCall[WorkflowTags](ctx, c, endpoint.ApplyWorkflowTags.With(workflowPermanentID), nil, changes, opts)
	return out, versionIDHint(err, workflowPermanentID)
}

// GetWorkflowTags returns the current tags of the workflow
// workflowPermanentID.
//
// It calls GET /v1/workflows/{workflow_permanent_id}/tags. Errors:
// ErrEmptyID; an *APIError matching ErrNotFound for an unknown or deleted
// workflow; a *RequestError.
func (c *Client) GetWorkflowTags(ctx context.Context, workflowPermanentID string, opts ...Option) (*WorkflowTags, error) {
	out, err := tagCall[WorkflowTags](ctx, c, endpoint.GetWorkflowTags.With(workflowPermanentID), nil, nil, opts)
	return out, versionIDHint(err, workflowPermanentID)
}

// DeleteWorkflowTag removes the grouped tag key from the workflow
// workflowPermanentID, and returns the workflow's tags after the change. A
// key the workflow does not carry is not an error. To remove a standalone
// label, use ApplyWorkflowTags with a TagDeleteTarget naming its Value.
//
// It calls DELETE /v1/workflows/{workflow_permanent_id}/tags/{key}. Errors:
// ErrEmptyID for an empty id or key; an *APIError matching ErrNotFound for
// an unknown or deleted workflow, ErrBadRequest for a malformed or reserved
// key; a *RequestError.
func (c *Client) DeleteWorkflowTag(ctx context.Context, workflowPermanentID, key string, opts ...Option) (*WorkflowTags, error) {
	out, err := tagCall[WorkflowTags](ctx, c, endpoint.DeleteWorkflowTag.With(workflowPermanentID, key), nil, nil, opts)
	return out, versionIDHint(err, workflowPermanentID)
}

// GetWorkflowTagHistory returns the tag changes of the workflow
// workflowPermanentID, newest first, removals and replaced labels included.
//
// It calls GET /v1/workflows/{workflow_permanent_id}/tags/history with p as
// query parameters. Errors: ErrEmptyID; an *APIError matching ErrNotFound
// for an unknown or deleted workflow, ErrValidation for a Limit outside
// 1..500; a *RequestError.
func (c *Client) GetWorkflowTagHistory(ctx context.Context, workflowPermanentID string, p TagHistoryParams, opts ...Option) (*WorkflowTagHistory, error) {
	out, err := tagCall[WorkflowTagHistory](ctx, c, endpoint.GetWorkflowTagHistory.With(workflowPermanentID), p, nil, opts)
	return out, versionIDHint(err, workflowPermanentID)
}

// ListTagKeys iterates over the tag groups registered in the organization,
// by key. The server does not page this list: one request, made when
// iteration starts, fetches it.
//
// It calls GET /v1/tag-keys. Errors: an *APIError or a *RequestError.
func (c *Client) ListTagKeys(ctx context.Context, opts ...Option) iter.Seq2[*TagKey, error] {
	return whole(ctx, func(ctx context.Context) ([]TagKey, error) {
		var out []TagKey
		if err := c.do(ctx, request{Call: endpoint.ListTagKeys.With()}, &out, opts); err != nil {
			return nil, err
		}
		return out, nil
	})
}

// UpdateTagKey changes the description of the tag group key and returns
// the group.
//
// It calls PATCH /v1/tag-keys/{key} with req as the body. Errors:
// ErrEmptyID; an *APIError matching ErrNotFound for a key not registered,
// ErrBadRequest for a malformed or reserved key, ErrValidation for a
// description over 500 characters; a *RequestError.
func (c *Client) UpdateTagKey(ctx context.Context, key string, req UpdateTagKeyRequest, opts ...Option) (*TagKey, error) {
	return tagCall[TagKey](ctx, c, endpoint.UpdateTagKey.With(key), nil, req, opts)
}

// DeleteTagKey removes the tag group key from the registry, with its
// labels, and removes it from every workflow and run that carries it.
//
// It calls DELETE /v1/tag-keys/{key}. Errors: ErrEmptyID; an *APIError
// matching ErrNotFound for a key not registered, ErrBadRequest for a
// malformed or reserved key; a *RequestError.
func (c *Client) DeleteTagKey(ctx context.Context, key string, opts ...Option) (*TagKeyDeleteResult, error) {
	return tagCall[TagKeyDeleteResult](ctx, c, endpoint.DeleteTagKey.With(key), nil, nil, opts)
}

// ListTagValues iterates over the grouped labels registered in the
// organization, with their colors, by key and value. The server does not
// page this list: one request, made when iteration starts, fetches it.
//
// It calls GET /v1/tag-values with p as query parameters. Errors: an
// *APIError or a *RequestError.
func (c *Client) ListTagValues(ctx context.Context, p ListTagValuesParams, opts ...Option) iter.Seq2[*TagValue, error] {
	return whole(ctx, func(ctx context.Context) ([]TagValue, error) {
		var out []TagValue
		if err := c.do(ctx, request{Call: endpoint.ListTagValues.With(), query: p}, &out, opts); err != nil {
			return nil, err
		}
		return out, nil
	})
}

// CreateTagValue registers a grouped label, and its group if new, before
// anything carries it.
//
// It calls POST /v1/tag-values with req as the body. Errors: an *APIError
// matching ErrConflict when the label is registered already, ErrValidation
// for a malformed or reserved key, a malformed value or a color outside the
// palette; a *RequestError. A repeat cannot register the label twice, so
// it is retried; a retry after a lost answer can return ErrConflict for
// the label the first attempt registered.
func (c *Client) CreateTagValue(ctx context.Context, req CreateTagValueRequest, opts ...Option) (*TagValue, error) {
	var out TagValue
	e := request{Call: endpoint.CreateTagValue.With(), body: req, created: createdID{"value", &out.Value}}
	if err := c.do(ctx, e, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateTagValue recolors a label of the tag group key and returns it.
//
// It calls PATCH /v1/tag-values/{key} with req as the body. Errors:
// ErrEmptyID; an *APIError matching ErrNotFound for a label not registered,
// ErrBadRequest for a malformed or reserved key, ErrValidation for a color
// outside the palette; a *RequestError.
func (c *Client) UpdateTagValue(ctx context.Context, key string, req UpdateTagValueRequest, opts ...Option) (*TagValue, error) {
	return tagCall[TagValue](ctx, c, endpoint.UpdateTagValue.With(key), nil, req, opts)
}

// RenameTagValue renames a label of the tag group key, on every workflow
// and run that carries it; the label keeps its color. History keeps the
// old name.
//
// It calls PATCH /v1/tag-values/{key}/rename with req as the body. Errors:
// ErrEmptyID; an *APIError matching ErrNotFound for a label neither
// registered nor in use, ErrConflict when the new name exists already,
// ErrBadRequest for a malformed or reserved key, ErrValidation for a new
// name equal to the old or malformed; a *RequestError.
func (c *Client) RenameTagValue(ctx context.Context, key string, req RenameTagValueRequest, opts ...Option) (*TagValueRenameResult, error) {
	return tagCall[TagValueRenameResult](ctx, c, endpoint.RenameTagValue.With(key), nil, req, opts)
}

// DeleteTagValue removes the label value of the tag group key from the
// registry and from every workflow and run that carries it. The value
// travels in the body, so a label holding '/' can be named.
//
// It calls DELETE /v1/tag-values/{key} with {"value": value}. Errors:
// ErrEmptyID; an *APIError matching ErrNotFound for a label neither
// registered nor in use, ErrBadRequest for a malformed or reserved key; a
// *RequestError.
func (c *Client) DeleteTagValue(ctx context.Context, key, value string, opts ...Option) (*TagValueDeleteResult, error) {
	body := struct {
		Value string `json:"value"`
	}{value}
	return tagCall[TagValueDeleteResult](ctx, c, endpoint.DeleteTagValue.With(key), nil, body, opts)
}

// batchGetLimit is the longest comma-joined id list sent in a query: a
// longer one goes in a POST body, which Skyvern offers for lists that would
// make the URL too long.
const batchGetLimit = 2000

// The queries and bodies of the batch look-ups.
type (
	workflowTagsQuery struct {
		IDs string `url:"workflow_permanent_ids,omitempty"`
	}
	workflowTagsBody struct {
		IDs []string `json:"workflow_permanent_ids"`
	}
	runTagsQuery struct {
		IDs string `url:"workflow_run_ids,omitempty"`
	}
	runTagsBody struct {
		IDs []string `json:"workflow_run_ids"`
	}
)

// batchGet sends get, a GET with the ids comma-separated in its query, or,
// when that list is long, the same look-up as post with long as its
// body. Both forms answer the same.
func batchGet[T any](ctx context.Context, c *Client, get, post *endpoint.Endpoint, query any, joined string, long any, opts []Option) (*T, error) {
	e := request{Call: get.With(), query: query}
	if len(joined) > batchGetLimit {
		e = request{Call: post.With(), body: long}
	}
	var out T
	if err := c.do(ctx, e, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}

// BatchGetWorkflowTags returns the current tags of several workflows at
// once, by workflow permanent id: an entry for every id, empty for a
// workflow without tags, unknown or deleted. Skyvern takes at most 200 ids
// a call.
//
// It calls GET /v1/workflow-tags?workflow_permanent_ids=a,b,... or, when
// the ids would make the URL longer than about 2,000 characters, POST
// /v1/workflow-tags with {"workflow_permanent_ids": [...]}, the form
// Skyvern offers for long lists; both answer the same. Errors: an
// *APIError matching ErrBadRequest for more than 200 ids; a *RequestError.
func (c *Client) BatchGetWorkflowTags(ctx context.Context, workflowPermanentIDs []string, opts ...Option) (*WorkflowTagsBatch, error) {
	joined := strings.Join(workflowPermanentIDs, ",")
	return batchGet[WorkflowTagsBatch](ctx, c, endpoint.BatchGetWorkflowTags, endpoint.BatchGetWorkflowTagsPost,
		workflowTagsQuery{joined}, joined, workflowTagsBody{workflowPermanentIDs}, opts)
}

// BatchGetRunTags returns the current tags of several workflow runs at
// once, by run id: an entry for every id, empty for a run without tags or
// unknown. Skyvern takes at most 200 ids a call.
//
// It calls GET /v1/run-tags?workflow_run_ids=a,b,... or, when the ids would
// make the URL longer than about 2,000 characters, POST /v1/run-tags with
// {"workflow_run_ids": [...]}; both answer the same. Errors: an *APIError
// matching ErrBadRequest for more than 200 ids; a *RequestError.
func (c *Client) BatchGetRunTags(ctx context.Context, runIDs []string, opts ...Option) (*RunTagsBatch, error) {
	joined := strings.Join(runIDs, ",")
	return batchGet[RunTagsBatch](ctx, c, endpoint.BatchGetRunTags, endpoint.BatchGetRunTagsPost,
		runTagsQuery{joined}, joined, runTagsBody{runIDs}, opts)
}

// GetRunTagSuggestions returns the tags the organization's runs carry
// now, for a tag picker.
//
// It calls GET /v1/run-tag-suggestions. Errors: an *APIError or a
// *RequestError.
func (c *Client) GetRunTagSuggestions(ctx context.Context, opts ...Option) (*RunTagSuggestions, error) {
	var out RunTagSuggestions
	if err := c.do(ctx, request{Call: endpoint.GetRunTagSuggestions.With()}, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}
