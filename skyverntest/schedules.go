package skyverntest

import (
	"net/http"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
)

// This file serves the schedules of saved workflows and fires them: when a
// schedule falls due on the server's clock (with WithManualClock, during
// Advance), the fake starts a run of its workflow with the schedule's
// parameters, as Skyvern does: an ordinary workflow run, listed with
// trigger_type "scheduled" and its workflow_schedule_id, whose webhook goes
// to the workflow's webhook_callback_url and whose outcome OnWorkflow or
// OnRun chooses. Like Skyvern's, a schedule first falls due after it was
// last changed, and a paused or deleted schedule, or one whose workflow was
// deleted, starts nothing. Skyvern checks a schedule's parameters against
// its workflow's; the fake takes them as they are.

// The routes of workflow schedules. The SDK calls the /v1/workflows
// routes; their /v1/agents twins are the spec's names.
const (
	RouteCreateSchedule        = "POST /v1/workflows/{workflow_permanent_id}/schedules"
	RouteCreateAgentSchedule   = "POST /v1/agents/{workflow_permanent_id}/schedules"
	RouteListWorkflowSchedules = "GET /v1/workflows/{workflow_permanent_id}/schedules"
	RouteListAgentSchedules    = "GET /v1/agents/{workflow_permanent_id}/schedules"
	RouteGetSchedule           = "GET /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}"
	RouteGetAgentSchedule      = "GET /v1/agents/{workflow_permanent_id}/schedules/{workflow_schedule_id}"
	RouteUpdateSchedule        = "PUT /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}"
	RouteUpdateAgentSchedule   = "PUT /v1/agents/{workflow_permanent_id}/schedules/{workflow_schedule_id}"
	RouteDeleteSchedule        = "DELETE /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}"
	RouteDeleteAgentSchedule   = "DELETE /v1/agents/{workflow_permanent_id}/schedules/{workflow_schedule_id}"
	RouteEnableSchedule        = "POST /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}/enable"
	RouteEnableAgentSchedule   = "POST /v1/agents/{workflow_permanent_id}/schedules/{workflow_schedule_id}/enable"
	RouteDisableSchedule       = "POST /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}/disable"
	RouteDisableAgentSchedule  = "POST /v1/agents/{workflow_permanent_id}/schedules/{workflow_schedule_id}/disable"
	// RouteListSchedules lists the organization's schedules across
	// workflows.
	RouteListSchedules = "GET /v1/schedules"
)

// scheduleRoutes are the routes of workflow schedules.
var scheduleRoutes = []route{
	{name: RouteCreateSchedule, body: body[skyvern.ScheduleRequest](), handle: (*Server).handleCreateSchedule},
	{name: RouteCreateAgentSchedule, body: body[skyvern.ScheduleRequest](), handle: (*Server).handleCreateSchedule},
	{name: RouteListWorkflowSchedules, handle: (*Server).handleListWorkflowSchedules},
	{name: RouteListAgentSchedules, handle: (*Server).handleListWorkflowSchedules},
	{name: RouteGetSchedule, handle: (*Server).handleGetSchedule},
	{name: RouteGetAgentSchedule, handle: (*Server).handleGetSchedule},
	{name: RouteUpdateSchedule, body: body[skyvern.ScheduleRequest](), handle: (*Server).handleUpdateSchedule},
	{name: RouteUpdateAgentSchedule, body: body[skyvern.ScheduleRequest](), handle: (*Server).handleUpdateSchedule},
	{name: RouteDeleteSchedule, handle: (*Server).handleDeleteSchedule},
	{name: RouteDeleteAgentSchedule, handle: (*Server).handleDeleteSchedule},
	{name: RouteEnableSchedule, handle: (*Server).handleEnableSchedule},
	{name: RouteEnableAgentSchedule, handle: (*Server).handleEnableSchedule},
	{name: RouteDisableSchedule, handle: (*Server).handleDisableSchedule},
	{name: RouteDisableAgentSchedule, handle: (*Server).handleDisableSchedule},
	{name: RouteListSchedules, query: query[skyvern.ListSchedulesParams](map[string]limit{
		"page": between(1, 0), "page_size": between(1, 100)}), handle: (*Server).handleListSchedules},
}

// scheduleNextRuns is how many firings a schedule's answer lists.
const scheduleNextRuns = 5

// scheduleWorkflow returns the live workflow of the call's path, or answers
// the schedule routes' 404 and returns nil.
//
// Server: skyvern/forge/sdk/routes/workflow_schedules.py
// _ensure_workflow_exists.
func (s *Server) scheduleWorkflow(c *call) *skyvern.Workflow {
	id := c.param("workflow_permanent_id")
	_, _, wf := s.st.workflowState(id)
	if wf == nil {
		c.fail(http.StatusNotFound, "Workflow "+id+" not found")
	}
	return wf
}

// scheduleNotFound answers the 404 of a schedule that is unknown, deleted
// or of another workflow.
//
// Server: skyvern/forge/sdk/routes/workflow_schedules.py _get_schedule_or_404.
func scheduleNotFound(c *call) {
	c.fail(http.StatusNotFound, "Schedule "+c.param("workflow_schedule_id")+" not found")
}

// readSchedule checks a create or update request as Skyvern does (400 for
// an expression or a time zone it refuses), or answers and returns nil.
//
// Server: skyvern/forge/sdk/routes/workflow_schedules.py _validate_request,
// over skyvern/forge/sdk/workflow/schedules.py validate_cron_expression and
// validate_timezone_name.
func (s *Server) readSchedule(c *call) (*skyvern.ScheduleRequest, *cronSpec, *time.Location) {
	req := bodyOf[skyvern.ScheduleRequest](c)
	spec, msg := checkCron(req.CronExpression, s.clock.Now())
	var loc *time.Location
	if msg == "" {
		loc, msg = loadTimezone(req.Timezone)
	}
	if msg != "" {
		c.fail(http.StatusBadRequest, msg)
		return nil, nil, nil
	}
	return req, spec, loc
}

// storedParameters drops the parameters set to null, as Skyvern does, and
// keeps none when none are left.
//
// Server: skyvern/forge/sdk/routes/workflow_schedules.py
// _strip_none_parameters.
func storedParameters(p map[string]any) skyvern.JSONObject {
	out := skyvern.JSONObject{}
	for k, v := range p {
		if v != nil {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// replySchedule answers a schedule with its next firings.
func (s *Server) replySchedule(c *call, ss scheduleState) {
	next := ss.nextRuns(s.clock.Now(), scheduleNextRuns)
	resp := skyvern.ScheduleResponse{Schedule: ss.view, NextRuns: make([]skyvern.Time, len(next))}
	for i, t := range next {
		resp.NextRuns[i] = sdkTime(t)
	}
	c.reply(resp)
}

// handleCreateSchedule serves Create Schedule: POST
// /v1/workflows/{id}/schedules and its /v1/agents twin. The expression and
// time zone are checked (400) before the workflow (404).
//
// Server: skyvern/forge/sdk/routes/workflow_schedules.py
// create_workflow_schedule.
func (s *Server) handleCreateSchedule(c *call) {
	req, spec, loc := s.readSchedule(c)
	if req == nil || s.scheduleWorkflow(c) == nil {
		return
	}
	now := s.now()
	id := s.newID("wfs_")
	enabled := req.Enabled == nil || *req.Enabled
	ss := s.schedules.add(skyvern.Schedule{
		WorkflowScheduleID:  id,
		OrganizationID:      s.orgID,
		WorkflowPermanentID: c.param("workflow_permanent_id"),
		CronExpression:      req.CronExpression,
		Timezone:            req.Timezone,
		Enabled:             enabled,
		Parameters:          storedParameters(req.Parameters),
		TemporalScheduleID:  "local-wf-sched-" + id, // agent_functions.py build_workflow_schedule_id
		Name:                req.Name,
		Description:         req.Description,
		CreatedAt:           sdkTime(now),
		ModifiedAt:          sdkTime(now),
	}, spec, loc)
	s.armSchedule(ss, s.clock.Now())
	s.replySchedule(c, ss)
}

// handleListWorkflowSchedules serves List Schedules of a workflow: GET
// /v1/workflows/{id}/schedules and its /v1/agents twin, oldest first.
//
// Server: skyvern/forge/sdk/routes/workflow_schedules.py
// list_workflow_schedules (repositories/schedules.py get_workflow_schedules
// gives no order; the fake's is creation order).
func (s *Server) handleListWorkflowSchedules(c *call) {
	if s.scheduleWorkflow(c) == nil {
		return
	}
	wpid := c.param("workflow_permanent_id")
	out := struct {
		Schedules []skyvern.Schedule `json:"schedules"`
	}{Schedules: []skyvern.Schedule{}}
	for _, ss := range s.schedules.list(func(v *skyvern.Schedule) bool { return v.WorkflowPermanentID == wpid }) {
		out.Schedules = append(out.Schedules, ss.view)
	}
	c.reply(out)
}

// handleGetSchedule serves Get Schedule: GET
// /v1/workflows/{id}/schedules/{schedule_id} and its /v1/agents twin.
//
// Server: skyvern/forge/sdk/routes/workflow_schedules.py
// get_workflow_schedule.
func (s *Server) handleGetSchedule(c *call) {
	if s.scheduleWorkflow(c) == nil {
		return
	}
	ss, ok := s.schedules.get(c.param("workflow_permanent_id"), c.param("workflow_schedule_id"))
	if !ok {
		scheduleNotFound(c)
		return
	}
	s.replySchedule(c, ss)
}

// handleUpdateSchedule serves Update Schedule: PUT
// /v1/workflows/{id}/schedules/{schedule_id} and its /v1/agents twin. It
// replaces every setting but enabled, which changes only when the request
// sets it to true or false. The workflow (404) and the schedule (404) are
// checked before the expression (400).
//
// Server: skyvern/forge/sdk/routes/workflow_schedules.py
// update_workflow_schedule.
func (s *Server) handleUpdateSchedule(c *call) {
	if s.scheduleWorkflow(c) == nil {
		return
	}
	wpid, id := c.param("workflow_permanent_id"), c.param("workflow_schedule_id")
	if _, ok := s.schedules.get(wpid, id); !ok {
		scheduleNotFound(c)
		return
	}
	req, spec, loc := s.readSchedule(c)
	if req == nil {
		return
	}
	ss, ok := s.schedules.change(wpid, id, s.now(), func(e *scheduleEntry) {
		e.spec, e.loc = spec, loc
		v := &e.view
		v.CronExpression, v.Timezone = req.CronExpression, req.Timezone
		v.Parameters = storedParameters(req.Parameters)
		v.Name, v.Description = req.Name, req.Description
		if req.Enabled != nil {
			v.Enabled = *req.Enabled
		}
	})
	if !ok {
		scheduleNotFound(c)
		return
	}
	s.armSchedule(ss, s.clock.Now())
	s.replySchedule(c, ss)
}

func (s *Server) handleEnableSchedule(c *call)  { s.setScheduleEnabled(c, true) }
func (s *Server) handleDisableSchedule(c *call) { s.setScheduleEnabled(c, false) }

// setScheduleEnabled serves Enable and Disable Schedule.
//
// Server: skyvern/forge/sdk/routes/workflow_schedules.py
// enable_workflow_schedule, disable_workflow_schedule, _set_schedule_enabled.
func (s *Server) setScheduleEnabled(c *call, enabled bool) {
	if s.scheduleWorkflow(c) == nil {
		return
	}
	ss, ok := s.schedules.change(c.param("workflow_permanent_id"), c.param("workflow_schedule_id"), s.now(),
		func(e *scheduleEntry) { e.view.Enabled = enabled })
	if !ok {
		scheduleNotFound(c)
		return
	}
	s.armSchedule(ss, s.clock.Now())
	s.replySchedule(c, ss)
}

// handleDeleteSchedule serves Delete Schedule: DELETE
// /v1/workflows/{id}/schedules/{schedule_id} and its /v1/agents twin,
// which answers {"ok": true}; the schedule is soft-deleted.
//
// Server: skyvern/forge/sdk/routes/workflow_schedules.py
// delete_workflow_schedule_route.
func (s *Server) handleDeleteSchedule(c *call) {
	if s.scheduleWorkflow(c) == nil {
		return
	}
	now := s.now()
	_, ok := s.schedules.change(c.param("workflow_permanent_id"), c.param("workflow_schedule_id"), now,
		func(e *scheduleEntry) { e.view.DeletedAt = sdkTime(now) })
	if !ok {
		scheduleNotFound(c)
		return
	}
	c.replyRaw(mustMarshal(wire.Object{{Key: "ok", Value: true}}))
}

// handleListSchedules serves List Schedules across workflows: GET
// /v1/schedules, newest first. search matches a substring of the
// schedule's name or its workflow's title, ignoring case; a schedule
// whose workflow is deleted is listed under "Untitled Workflow".
//
// Server: skyvern/forge/sdk/routes/workflow_schedules.py
// list_organization_schedules; repositories/schedules.py
// list_organization_schedules.
func (s *Server) handleListSchedules(c *call) {
	q := queryOf[skyvern.ListSchedulesParams](c)
	pg, size := orDefault(q.Page, 1), orDefault(q.PageSize, 10)
	search := strings.ToLower(q.Search)
	now := s.clock.Now()
	var items []skyvern.ScheduleListItem
	all := s.schedules.list(func(*skyvern.Schedule) bool { return true })
	for i := len(all) - 1; i >= 0; i-- {
		ss := all[i]
		v := ss.view
		title := ""
		if _, _, wf := s.st.workflowState(v.WorkflowPermanentID); wf != nil {
			title = wf.Title
		}
		if q.Status != "" && v.Enabled != (q.Status == skyvern.ScheduleStatusActive) ||
			search != "" && !strings.Contains(strings.ToLower(title), search) && !strings.Contains(strings.ToLower(v.Name), search) {
			continue
		}
		if title == "" {
			title = "Untitled Workflow" // no live version to take a title from
		}
		item := skyvern.ScheduleListItem{
			WorkflowScheduleID:  v.WorkflowScheduleID,
			OrganizationID:      v.OrganizationID,
			WorkflowPermanentID: v.WorkflowPermanentID,
			WorkflowTitle:       title,
			CronExpression:      v.CronExpression,
			Timezone:            v.Timezone,
			Enabled:             v.Enabled,
			Parameters:          v.Parameters,
			Name:                v.Name,
			Description:         v.Description,
			CreatedAt:           v.CreatedAt,
			ModifiedAt:          v.ModifiedAt,
		}
		if next := ss.nextRuns(now, 1); len(next) == 1 {
			item.NextRun = sdkTime(next[0])
		}
		items = append(items, item)
	}
	out := page(items, pg, size)
	if out == nil {
		out = []skyvern.ScheduleListItem{}
	}
	c.reply(struct {
		Schedules  []skyvern.ScheduleListItem `json:"schedules"`
		TotalCount int                        `json:"total_count"`
		Page       int                        `json:"page"`
		PageSize   int                        `json:"page_size"`
	}{out, len(items), pg, size})
}

// armSchedule puts the schedule's next firing after from on the clock,
// if it is enabled. The firing does nothing if the schedule has changed
// meanwhile (it was armed again then).
func (s *Server) armSchedule(ss scheduleState, from time.Time) {
	if !ss.view.Enabled {
		return
	}
	at, ok := ss.spec.next(from, ss.loc)
	if !ok {
		return
	}
	id, gen := ss.view.WorkflowScheduleID, ss.gen
	s.clock.after(max(at.Sub(s.clock.Now()), 0), func() { s.fireSchedule(id, gen, at) })
}

// fireSchedule starts the run of schedule id due at at, if the schedule
// is still as it was armed, and arms its next firing.
func (s *Server) fireSchedule(id string, gen uint64, at time.Time) {
	ss, ok := s.schedules.current(id, gen)
	if !ok {
		return
	}
	s.armSchedule(ss, at)
	wpid := ss.view.WorkflowPermanentID
	_, deleted, wf := s.st.workflowState(wpid)
	if deleted || wf == nil {
		s.log("schedule skipped: its workflow is gone", "workflow_schedule_id", id, "workflow_permanent_id", wpid)
		return
	}
	req := &skyvern.WorkflowRunRequest{WorkflowID: wpid, Parameters: ss.view.Parameters}
	ru := s.newWorkflowRun(req, wf, false)
	ru.trigger, ru.scheduleID = skyvern.TriggerTypeScheduled, id
	ru.outcome = s.outcomeFor(RunRequest{RunID: ru.id, RunType: ru.typ, Workflow: req, ScheduleID: id})
	s.addRun(ru)
	s.log("schedule fired", "workflow_schedule_id", id, "run_id", ru.id)
}
