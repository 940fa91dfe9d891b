package skyvern

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// Schedule runs a saved workflow on a cron schedule: each time its
// CronExpression falls due in its Timezone, Skyvern starts a run of the
// workflow with the schedule's Parameters. A scheduled run is an ordinary
// workflow run: its webhook goes to the workflow's webhook_callback_url,
// and ListRunsOfAllWorkflows shows it with TriggerType TriggerTypeScheduled and
// its WorkflowScheduleID.
//
// Decoding never fails on a missing field or an unknown value; members
// this type does not model are kept in Extra and encoded again by
// json.Marshal.
type Schedule struct {
	// WorkflowScheduleID identifies the schedule, "wfs_...".
	WorkflowScheduleID  string `json:"workflow_schedule_id,omitempty"`
	OrganizationID      string `json:"organization_id,omitempty"`
	WorkflowPermanentID string `json:"workflow_permanent_id,omitempty"`
	// CronExpression has the five fields of standard cron: minute, hour,
	// day of month, month, day of week.
	CronExpression string `json:"cron_expression,omitempty"`
	// Timezone is the IANA name ("Europe/Paris") in which CronExpression
	// is read.
	Timezone string `json:"timezone,omitempty"`
	// Enabled is false for a paused schedule. Skyvern always sends it, so
	// it is always encoded.
	Enabled bool `json:"enabled"`
	// Parameters are the workflow parameters each scheduled run gets.
	Parameters JSONObject `json:"parameters,omitzero"`
	// TemporalScheduleID names the schedule in Skyvern's execution backend.
	TemporalScheduleID string `json:"temporal_schedule_id,omitempty"`
	Name               string `json:"name,omitempty"`
	Description        string `json:"description,omitempty"`
	CreatedAt          Time   `json:"created_at,omitzero"`
	ModifiedAt         Time   `json:"modified_at,omitzero"`
	DeletedAt          Time   `json:"deleted_at,omitzero"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a schedule, keeping unmodelled members in Extra.
func (s *Schedule) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, s) }

// MarshalJSON encodes the schedule, Extra included.
func (s Schedule) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(s) }

// ScheduleResponse is a schedule with its next firings, as CreateSchedule,
// GetSchedule, UpdateSchedule, EnableSchedule and DisableSchedule return
// it.
type ScheduleResponse struct {
	Schedule Schedule `json:"schedule"`
	// NextRuns are the next times the schedule falls due (five, from the
	// server's clock), in UTC, whether or not it is enabled.
	NextRuns []Time `json:"next_runs,omitzero"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the answer, keeping unmodelled members in Extra.
func (r *ScheduleResponse) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the answer, Extra included.
func (r ScheduleResponse) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// ScheduleRequest sets a schedule's settings, for CreateSchedule and
// UpdateSchedule. CronExpression and Timezone are required: Skyvern
// answers 400 (ErrBadRequest) for an expression it cannot read or that
// fires more often than every five minutes, and for an unknown time zone.
// An update replaces every setting, so a Name, Description or Parameters
// left empty there clears it; Enabled is the exception (see below). To
// send an explicit null, or a member this SDK does not have yet, put it in
// Extra.
type ScheduleRequest struct {
	// CronExpression has five fields ("0 9 * * 1-5" is 9:00 on weekdays).
	CronExpression string `json:"cron_expression"`
	// Timezone is an IANA time zone name, such as "UTC" or
	// "America/New_York".
	Timezone string `json:"timezone"`
	// Enabled: nil creates an enabled schedule and leaves an updated
	// schedule's state as it is; Ptr(false) creates or leaves it paused.
	Enabled *bool `json:"enabled,omitempty"`
	// Parameters are the workflow parameters each scheduled run gets; the
	// server checks them against the workflow's parameters and drops the
	// null ones.
	Parameters  map[string]any `json:"parameters,omitempty"`
	Name        string         `json:"name,omitempty"`
	Description string         `json:"description,omitempty"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones. A member named like a field is sent only when that
	// field is left unset.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request body, Extra included.
func (r ScheduleRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, keeping unmodelled members in
// Extra.
func (r *ScheduleRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// ScheduleStatus filters ListSchedules by state.
type ScheduleStatus string

// The states ListSchedulesParams.Status takes.
const (
	ScheduleStatusActive ScheduleStatus = "active" // enabled schedules
	ScheduleStatusPaused ScheduleStatus = "paused" // disabled schedules
)

// IsKnown reports whether s is one of the ScheduleStatus constants.
func (s ScheduleStatus) IsKnown() bool {
	return s == ScheduleStatusActive || s == ScheduleStatusPaused
}

// ScheduleListItem is a schedule as ListSchedules lists it across
// workflows: without TemporalScheduleID, with its workflow's title and its
// next firing.
type ScheduleListItem struct {
	WorkflowScheduleID  string     `json:"workflow_schedule_id,omitempty"`
	OrganizationID      string     `json:"organization_id,omitempty"`
	WorkflowPermanentID string     `json:"workflow_permanent_id,omitempty"`
	WorkflowTitle       string     `json:"workflow_title,omitempty"`
	CronExpression      string     `json:"cron_expression,omitempty"`
	Timezone            string     `json:"timezone,omitempty"`
	Enabled             bool       `json:"enabled"`
	Parameters          JSONObject `json:"parameters,omitzero"`
	Name                string     `json:"name,omitempty"`
	Description         string     `json:"description,omitempty"`
	// NextRun is when the schedule next falls due; zero when unknown.
	NextRun    Time `json:"next_run,omitzero"`
	CreatedAt  Time `json:"created_at,omitzero"`
	ModifiedAt Time `json:"modified_at,omitzero"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the item, keeping unmodelled members in Extra.
func (s *ScheduleListItem) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, s) }

// MarshalJSON encodes the item, Extra included.
func (s ScheduleListItem) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(s) }

// schedulePage is the List Schedules answer: one page, with the number of
// schedules on all pages. ListSchedulesPage returns its Schedules.
type schedulePage struct {
	Schedules  []ScheduleListItem `json:"schedules"`
	TotalCount int                `json:"total_count"`
	Page       int                `json:"page"`
	PageSize   int                `json:"page_size"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the page, keeping unmodelled members in Extra.
func (p *schedulePage) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, p) }

// MarshalJSON encodes the page, Extra included.
func (p schedulePage) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(p) }

// ListSchedulesParams filters ListSchedules and ListSchedulesPage. The
// zero value lists every schedule of the organization.
type ListSchedulesParams struct {
	// Page is the page ListSchedulesPage returns, or the one ListSchedules
	// starts from; 1 when 0.
	Page int `url:"page,omitempty"`
	// PageSize is the number of schedules per page, at most 100; when 0,
	// ListSchedulesPage leaves the server's default (10) and ListSchedules
	// asks for 100.
	PageSize int `url:"page_size,omitempty"`
	// Status keeps only active or only paused schedules; empty keeps both.
	Status ScheduleStatus `url:"status,omitempty"`
	// Search keeps schedules whose name or workflow title contains it,
	// ignoring case.
	Search string `url:"search,omitempty"`
}

// scheduleCall sends one call about a single schedule and decodes its
// ScheduleResponse.
func (c *Client) scheduleCall(ctx context.Context, e request, workflowPermanentID string, opts []Option) (*ScheduleResponse, error) {
	var out ScheduleResponse
	if e.creates {
		e.created = createdID{"schedule.workflow_schedule_id", &out.Schedule.WorkflowScheduleID}
	}
	if err := c.do(ctx, e, &out, opts); err != nil {
		return nil, versionIDHint(err, workflowPermanentID)
	}
	return &out, nil
}

// CreateSchedule adds a schedule to the saved workflow workflowPermanentID (its
// permanent id, "wpid_...") and returns it with its next firings.
//
// It calls POST /v1/workflows/{workflow_permanent_id}/schedules (the spec's
// /v1/agents/...; see RunWorkflow). Errors: ErrEmptyID; an *APIError
// matching ErrBadRequest for an expression or time zone Skyvern refuses (see
// ScheduleRequest), ErrNotFound for an unknown workflow, ErrConflict when
// the plan's number of schedules is reached, ErrValidation for bad
// parameters; a *RequestError. It is not retried once sent; see
// ErrOutcomeUnknown. Look for the schedule with ListWorkflowSchedules before
// creating it again.
func (c *Client) CreateSchedule(ctx context.Context, workflowPermanentID string, req ScheduleRequest, opts ...Option) (*ScheduleResponse, error) {
	return c.scheduleCall(ctx, request{Call: endpoint.CreateSchedule.With(workflowPermanentID), body: req, creates: true}, workflowPermanentID, opts)
}

// GetSchedule returns the schedule scheduleID of the workflow workflowPermanentID,
// with its next firings.
//
// It calls GET
// /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}.
// Errors: ErrEmptyID; an *APIError matching ErrNotFound for an unknown
// workflow, or a schedule that is unknown, deleted or another workflow's; a
// *RequestError.
func (c *Client) GetSchedule(ctx context.Context, workflowPermanentID, scheduleID string, opts ...Option) (*ScheduleResponse, error) {
	return c.scheduleCall(ctx, request{Call: endpoint.GetSchedule.With(workflowPermanentID, scheduleID)}, workflowPermanentID, opts)
}

// ListWorkflowSchedules iterates over every schedule of the workflow
// workflowPermanentID. The server does not page this list: one request,
// made when iteration starts, fetches it.
//
// It calls GET /v1/workflows/{workflow_permanent_id}/schedules. Errors:
// ErrEmptyID; an *APIError matching ErrNotFound for an unknown workflow; a
// *RequestError.
func (c *Client) ListWorkflowSchedules(ctx context.Context, workflowPermanentID string, opts ...Option) iter.Seq2[*Schedule, error] {
	return whole(ctx, func(ctx context.Context) ([]Schedule, error) {
		var out struct {
			Schedules []Schedule `json:"schedules"`
		}
		if err := c.do(ctx, request{Call: endpoint.ListWorkflowSchedules.With(workflowPermanentID)}, &out, opts); err != nil {
			return nil, versionIDHint(err, workflowPermanentID)
		}
		return out.Schedules, nil
	})
}

// UpdateSchedule replaces the settings of the schedule scheduleID of the
// workflow workflowPermanentID with req (see ScheduleRequest: Enabled nil keeps the
// schedule's state) and returns it with its next firings.
//
// It calls PUT
// /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}.
// Errors: ErrEmptyID; an *APIError matching ErrNotFound (as for
// GetSchedule), ErrBadRequest (as for CreateSchedule); a *RequestError.
func (c *Client) UpdateSchedule(ctx context.Context, workflowPermanentID, scheduleID string, req ScheduleRequest, opts ...Option) (*ScheduleResponse, error) {
	return c.scheduleCall(ctx, request{Call: endpoint.UpdateSchedule.With(workflowPermanentID, scheduleID), body: req}, workflowPermanentID, opts)
}

// EnableSchedule resumes the schedule scheduleID of the workflow
// workflowPermanentID: its next firing starts a run again. Enabling an enabled
// schedule changes nothing.
//
// It calls POST
// /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}/enable.
// Errors: as for GetSchedule.
func (c *Client) EnableSchedule(ctx context.Context, workflowPermanentID, scheduleID string, opts ...Option) (*ScheduleResponse, error) {
	return c.scheduleCall(ctx, request{Call: endpoint.EnableSchedule.With(workflowPermanentID, scheduleID)}, workflowPermanentID, opts)
}

// DisableSchedule pauses the schedule scheduleID of the workflow
// workflowPermanentID: it starts no runs until EnableSchedule. Disabling a disabled
// schedule changes nothing.
//
// It calls POST
// /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}/disable.
// Errors: as for GetSchedule.
func (c *Client) DisableSchedule(ctx context.Context, workflowPermanentID, scheduleID string, opts ...Option) (*ScheduleResponse, error) {
	return c.scheduleCall(ctx, request{Call: endpoint.DisableSchedule.With(workflowPermanentID, scheduleID)}, workflowPermanentID, opts)
}

// DeleteSchedule deletes the schedule scheduleID of the workflow
// workflowPermanentID; runs it already started go on.
//
// It calls DELETE
// /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id},
// which answers {"ok": true}. Errors: ErrEmptyID; an *APIError matching
// ErrNotFound as for GetSchedule; a *RequestError.
func (c *Client) DeleteSchedule(ctx context.Context, workflowPermanentID, scheduleID string, opts ...Option) error {
	return versionIDHint(c.do(ctx, request{Call: endpoint.DeleteSchedule.With(workflowPermanentID, scheduleID)}, nil, opts), workflowPermanentID)
}

// ListSchedulesPage returns one page of the organization's schedules,
// across workflows.
//
// It calls GET /v1/schedules with p as query parameters. Errors: an
// *APIError (ErrValidation for a bad page, page size or status) or a
// *RequestError.
func (c *Client) ListSchedulesPage(ctx context.Context, p ListSchedulesParams, opts ...Option) ([]ScheduleListItem, error) {
	var out schedulePage
	if err := c.do(ctx, request{Call: endpoint.ListSchedules.With(), query: p}, &out, opts); err != nil {
		return nil, err
	}
	return out.Schedules, nil
}

// ListSchedules returns an iterator over the organization's schedules
// matching p, across workflows. It fetches page after page only as the
// loop consumes them and stops when the loop stops; an error ends the
// sequence as its last element:
//
//	for s, err := range client.ListSchedules(ctx, skyvern.ListSchedulesParams{Status: skyvern.ScheduleStatusActive}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(s.WorkflowTitle, s.CronExpression, s.NextRun)
//	}
func (c *Client) ListSchedules(ctx context.Context, p ListSchedulesParams, opts ...Option) iter.Seq2[*ScheduleListItem, error] {
	return pages(ctx, p.Page, p.PageSize, 0, func(ctx context.Context, page, size int) ([]ScheduleListItem, error) {
		q := p
		q.Page, q.PageSize = page, size
		return c.ListSchedulesPage(ctx, q, opts...)
	})
}
