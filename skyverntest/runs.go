package skyverntest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern"
)

// This file serves runs: starting them (Run Task, Run Workflow), reading,
// cancelling and replaying them, and their lists, timelines and artifacts;
// and it holds what a test sets and reads of runs (Outcome, OnPrompt,
// OnWorkflow, OnRun, Finish, Run, Runs) and their lifecycle. The state is
// kept in store_runs.go; a run's views and webhook payloads are rendered
// in render.go, its webhook sent by webhook.go, and search_key matched as
// search.go says.

// The routes of runs, as keys for Server.Fault and values of
// RecordedRequest.Route. They are the patterns of Go's http.ServeMux. Each
// route (of every area) also answers with a trailing slash
// ("GET /v1/runs/{run_id}/"), as Skyvern's aliases do; such a request is
// recorded and faulted under the same route.
const (
	RouteRunTask         = "POST /v1/run/tasks"
	RouteRunWorkflow     = "POST /v1/run/workflows"
	RouteRunAgent        = "POST /v1/run/agents"
	RouteGetRun          = "GET /v1/runs/{run_id}"
	RouteCancelRun       = "POST /v1/runs/{run_id}/cancel"
	RouteRetryRunWebhook = "POST /v1/runs/{run_id}/retry_webhook"

	RouteListRuns        = "GET /v1/runs"
	RouteBulkCancelRuns  = "POST /v1/runs/cancel"
	RouteGetRunTimeline  = "GET /v1/runs/{run_id}/timeline"
	RouteGetRunArtifacts = "GET /v1/runs/{run_id}/artifacts"
)

// runRoutes are the routes of runs: starting, reading, cancelling and
// replaying them, and their lists, timelines and artifacts.
var runRoutes = []route{
	{name: RouteRunTask, body: body[skyvern.TaskRunRequest]("prompt"), handle: (*Server).handleRunTask},
	{name: RouteRunWorkflow, body: body[skyvern.WorkflowRunRequest]("workflow_id|agent_id"), handle: (*Server).handleRunWorkflow},
	{name: RouteRunAgent, body: body[skyvern.WorkflowRunRequest]("agent_id|workflow_id"), handle: (*Server).handleRunWorkflow},
	{name: RouteGetRun, handle: (*Server).handleGetRun},
	{name: RouteCancelRun, handle: (*Server).handleCancelRun},
	{name: RouteRetryRunWebhook, body: optionalBody[skyvern.RetryRunWebhookRequest](), handle: (*Server).handleRetryRunWebhook},
	{name: RouteListRuns, query: query[skyvern.ListRunsParams](map[string]limit{
		"page": between(1, 100), "page_size": between(1, 100), "search_key": length(3, 0),
		"workflow_permanent_id": length(0, 50), "tags": length(0, 20)}), handle: (*Server).handleListRuns}, // agent_protocol.py get_runs_v2
	{name: RouteBulkCancelRuns, body: body[bulkCancelRequest](), handle: (*Server).handleBulkCancelRuns},
	{name: RouteGetRunTimeline, handle: (*Server).handleGetRunTimeline},
	{name: RouteGetRunArtifacts, query: query[artifactsQuery](nil), handle: (*Server).handleGetRunArtifacts},
}

// Request and query types the SDK does not export (yet): the fake's schema
// for these routes.
type (
	// bulkCancelRequest is the body of Cancel Runs.
	bulkCancelRequest struct {
		RunIDs []string `json:"run_ids"`
	}
	// artifactsQuery is the query of Get Run Artifacts.
	artifactsQuery struct {
		Types []skyvern.ArtifactType `url:"artifact_type"`
	}
)

// Outcome says how a run ends. The zero Outcome completes the run, after
// the server's run duration, with a null output.
type Outcome struct {
	// Status is the final status: skyvern.RunStatusCompleted (the default
	// when empty), RunStatusFailed, RunStatusTerminated, RunStatusTimedOut or
	// RunStatusCanceled. Other statuses are refused.
	Status skyvern.RunStatus
	// Output is the run's output, sent as the JSON encoding/json makes of it
	// (a json.RawMessage is sent as it is): an object, a list, a string or
	// nil for null.
	Output any
	// FailureReason is the run's failure_reason. When it is empty, a failed
	// or terminated run gets a reason naming the fake.
	FailureReason string
	// Hold keeps the run running, whatever its duration, until
	// Server.Finish ends it (with the Outcome given there).
	Hold bool
	// Duration overrides the server's run duration (WithRunDuration) for
	// this run; 0 keeps it.
	Duration time.Duration

	// WebhookCopies sends the webhook this many times, byte for byte the
	// same with the same headers, as a receiver sees when a delivery is
	// retried after an answer was lost. 0 and 1 send it once.
	WebhookCopies int
	// WebhookDelay holds the webhook back for this long on the server's
	// clock after the run has finished (and its status is visible to Get
	// Run), so that it can arrive after the webhook of a run that finished
	// later: out of order.
	WebhookDelay time.Duration
}

func (o Outcome) check() error {
	if o.Status != "" && !o.Status.IsTerminal() {
		return fmt.Errorf("outcome status %q is not a final status", o.Status)
	}
	if o.Duration < 0 || o.WebhookDelay < 0 || o.WebhookCopies < 0 {
		return errors.New("outcome Duration, WebhookDelay and WebhookCopies must not be negative")
	}
	if _, err := encodeOutput(o.Output); err != nil {
		return err
	}
	return nil
}

func encodeOutput(v any) (json.RawMessage, error) {
	if raw, ok := v.(json.RawMessage); ok {
		if len(raw) == 0 {
			return nil, nil
		}
		if !json.Valid(raw) {
			return nil, errors.New("outcome Output is a json.RawMessage that is not valid JSON")
		}
		return raw, nil
	}
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("outcome Output cannot be encoded: %w", err)
	}
	return b, nil
}

// RunRequest is a run as it was started, given to the function registered
// with Server.OnRun.
type RunRequest struct {
	// RunID is the id the new run has.
	RunID string
	// RunType is the kind of run: skyvern.RunTypeWorkflowRun for a workflow
	// run, otherwise the task's run type (from its engine).
	RunType skyvern.RunType
	// Task is the request of a task run, nil for a workflow run.
	Task *skyvern.TaskRunRequest
	// Workflow is the request of a workflow run, nil for a task run. For a
	// login or download run it is the run_request Skyvern makes of the
	// request below.
	Workflow *skyvern.WorkflowRunRequest
	// Login is the request of a login run (Run Login), else nil.
	Login *skyvern.LoginRequest
	// DownloadFiles is the request of a download run (Run Download
	// Files), else nil.
	DownloadFiles *skyvern.DownloadFilesRequest
	// ScheduleID is the workflow schedule ("wfs_...") that started the
	// run when it fell due, or "" for a run started by a request.
	ScheduleID string
}

// RunState is what the server knows about a run.
type RunState struct {
	// Run is the run as Get Run returns it now.
	Run *skyvern.RunResponse
	// WebhookURL is where the run's webhook goes: the run's webhook_url,
	// else its workflow's webhook_callback_url, or "".
	WebhookURL string
	// WebhookFailureReason is Skyvern's record of the last webhook
	// delivery, as its payloads carry it in webhook_failure_reason: empty
	// when the delivery succeeded or was never made.
	WebhookFailureReason string
	// Held reports a run waiting for Server.Finish.
	Held bool
}

// ErrUnknownRun is returned by Server.Finish for a run id the server never
// issued.
var ErrUnknownRun = errors.New("skyverntest: unknown run")

// ErrRunFinished is returned by Server.Finish for a run that has already
// reached a final status.
var ErrRunFinished = errors.New("skyverntest: the run has already finished")

// OnPrompt sets how task runs whose prompt is exactly prompt end. It panics
// if o is invalid (a status that is not final, a negative duration, an
// output encoding/json cannot encode).
func (s *Server) OnPrompt(prompt string, o Outcome) {
	mustCheck("OnPrompt", o)
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	s.prompts[prompt] = o
}

// OnWorkflow registers the workflow id (its "wpid_..." permanent id), so
// that Run Workflow accepts it, and sets how its runs end. A workflow
// created through the API needs no registering, but can be given an
// outcome this way too. It panics if o is invalid, as OnPrompt does.
func (s *Server) OnWorkflow(workflowID string, o Outcome) {
	mustCheck("OnWorkflow", o)
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	s.workflows[workflowID] = o
}

// OnRun registers fn to choose the outcome of every new run that no
// OnPrompt or OnWorkflow rule matches; nil removes it. fn runs while the
// request that starts the run is answered, possibly for several requests
// at once. An invalid outcome from fn fails the run with a failure_reason
// that says why.
func (s *Server) OnRun(fn func(RunRequest) Outcome) {
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	s.onRun = fn
}

func mustCheck(method string, o Outcome) {
	if err := o.check(); err != nil {
		panic("skyverntest: " + method + ": " + err.Error())
	}
}

// outcomeFor chooses the outcome of a new run.
func (s *Server) outcomeFor(req RunRequest) Outcome {
	s.rulesMu.RLock()
	var (
		o     Outcome
		found bool
		fn    = s.onRun
	)
	switch {
	case req.Task != nil:
		o, found = s.prompts[req.Task.Prompt]
	case req.Workflow != nil:
		o, found = s.workflows[req.Workflow.WorkflowID]
	}
	s.rulesMu.RUnlock()
	switch {
	case found:
		return o
	case fn != nil:
		o = fn(req)
		if err := o.check(); err != nil {
			return Outcome{Status: skyvern.RunStatusFailed, FailureReason: "skyverntest: OnRun returned an invalid outcome: " + err.Error()}
		}
		return o
	}
	return s.cfg.outcome
}

// Finish ends a run that has not finished yet, held or not, with o (whose
// Hold and Duration are ignored): the final status is stored at once, and
// the webhook follows as for any run (with WithManualClock, on the next
// Advance). It returns ErrUnknownRun, ErrRunFinished, or an error for an
// invalid outcome.
func (s *Server) Finish(runID string, o Outcome) error {
	if err := o.check(); err != nil {
		return fmt.Errorf("skyverntest: Finish: %w", err)
	}
	r := s.st.run(runID)
	if r == nil {
		return fmt.Errorf("%w: %q", ErrUnknownRun, runID)
	}
	if !s.finish(r, o) {
		return fmt.Errorf("%w: %q", ErrRunFinished, runID)
	}
	return nil
}

// Run returns what the server knows about the run runID, and false if it
// never issued that id or has forgotten it (see WithMaxRuns).
func (s *Server) Run(runID string) (RunState, bool) {
	r := s.st.run(runID)
	if r == nil {
		return RunState{}, false
	}
	body := s.st.rendered(r)
	s.st.mu.RLock()
	st := RunState{WebhookURL: r.hookURL, WebhookFailureReason: r.webhookFail, Held: r.held}
	s.st.mu.RUnlock()
	st.Run = new(skyvern.RunResponse)
	if err := json.Unmarshal(body, st.Run); err != nil {
		panic("skyverntest: cannot decode its own run: " + err.Error())
	}
	return st, true
}

// Runs returns what the server knows about every run it keeps, oldest
// first.
func (s *Server) Runs() []RunState {
	ids := s.st.runIDs()
	out := make([]RunState, 0, len(ids))
	for _, id := range ids {
		if st, ok := s.Run(id); ok {
			out = append(out, st)
		}
	}
	return out
}

// addRun gives a new run its ids, stores it and starts its lifecycle.
func (s *Server) addRun(r *run) {
	r.taskRunID = s.newID("tr_")
	stepPrefix := "wrb_"
	if r.typ == skyvern.RunTypeTaskV2 {
		stepPrefix = "ot_"
	}
	r.stepID = s.newID(stepPrefix)
	r.artifactIDs = [2]string{s.newID("a_"), s.newID("a_")}
	now := s.now()
	r.status = skyvern.RunStatusCreated
	r.created, r.modified = now, now
	s.st.addRun(r)
	s.log("run created", "run_id", r.id, "run_type", string(r.typ))

	d := s.cfg.runDuration
	if r.outcome.Duration > 0 {
		d = r.outcome.Duration
	}
	step := d / 10
	s.clock.after(step, func() {
		s.st.advance(r, skyvern.RunStatusQueued, s.now())
		s.clock.after(step, func() {
			s.st.advance(r, skyvern.RunStatusRunning, s.now())
			if r.outcome.Hold {
				return
			}
			s.clock.after(d-2*step, func() { s.finish(r, r.outcome) })
		})
	})
}

// now returns the server's clock time as Skyvern's database keeps it: UTC,
// to the microsecond.
func (s *Server) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// finish stores the final status of r and then sends its webhook. It
// reports false when r had already finished.
func (s *Server) finish(r *run, o Outcome) bool {
	status := o.Status
	if status == "" {
		status = skyvern.RunStatusCompleted
	}
	output, err := encodeOutput(o.Output)
	reason := o.FailureReason
	if err != nil { // only from OnRun, checked already; kept for safety
		status, output, reason = skyvern.RunStatusFailed, nil, "skyverntest: "+err.Error()
	}
	if reason == "" {
		switch status {
		case skyvern.RunStatusFailed:
			reason = "skyverntest: the run failed as the test asked"
		case skyvern.RunStatusTerminated:
			reason = "skyverntest: the run was terminated as the test asked"
		}
	}
	if !s.st.finish(r, status, output, reason, s.now()) {
		return false
	}
	s.log("run finished", "run_id", r.id, "status", string(status))
	s.releaseSession(r, status)
	s.scheduleWebhook(r, o)
	return true
}

// handleRunTask serves Run Task: POST /v1/run/tasks, as Skyvern's
// routes/agent_protocol.py run_task does: the webhook URL is checked
// (validate_webhook_url), publish_workflow routes the task to skyvern-2.0,
// and the engines other than skyvern-2.0 refuse browser_profile_id and
// start_fresh_browser with 400. The run_request shown has no title, as
// Skyvern builds it without one; the run's title in the lists is the
// request's title, or for skyvern-2.0 the title of the workflow Skyvern
// makes for the run, "New Workflow" (task_v2_service.initialize_task_v2),
// which Skyvern's model later rewrites and the fake keeps.
func (s *Server) handleRunTask(c *call) {
	req := bodyOf[skyvern.TaskRunRequest](c)
	hook, msg := s.checkWebhookURL(req.WebhookURL)
	if msg != "" {
		c.fail(http.StatusBadRequest, msg)
		return
	}
	engine := req.Engine
	if req.PublishWorkflow { // TaskRunRequest._route_publish_workflow_to_v2
		engine = skyvern.RunEngineSkyvernV2
	}
	typ := runTypeOf(engine)
	if typ != skyvern.RunTypeTaskV2 {
		if raw, ok := c.members["browser_profile_id"]; ok && string(raw) != "null" {
			c.fail(http.StatusBadRequest, "browser_profile_id is not supported for the skyvern_v1 or CUA task engines; use engine=skyvern_v2.")
			return
		}
		if req.StartFreshBrowser {
			c.fail(http.StatusBadRequest, "start_fresh_browser is not supported for the skyvern_v1 or CUA task engines; use engine=skyvern_v2.")
			return
		}
	}
	ru := &run{typ: typ, task: req, hookURL: hook}
	shown := *req // run_request: every field, the server's defaults for those not sent
	shown.Engine, shown.WebhookURL, shown.Title = engine, hook, ""
	if shown.Engine == "" {
		shown.Engine = skyvern.RunEngineSkyvernV1
	}
	if !c.has("proxy_location") {
		shown.ProxyLocation = skyvern.ProxyLocationResidential
	}
	ru.request = mustMarshal(render(&shown))
	if typ == skyvern.RunTypeTaskV2 {
		ru.id = s.newID("tsk_v2_")
		ru.v2WorkflowRunID = s.newID("wr_")
		ru.versionID = s.newID("w_")
		ru.workflowID = s.newID("wpid_")
		ru.workflowTitle = newWorkflowTitle
	} else {
		ru.id = s.newID("tsk_")
	}
	if !s.claimSession(c, ru) {
		return
	}
	ru.outcome = s.outcomeFor(RunRequest{RunID: ru.id, RunType: typ, Task: req})
	s.addRun(ru)
	c.replyRaw(s.st.rendered(ru))
}

// newWorkflowTitle is the title Skyvern gives the workflow it makes for a
// task v2 run (task_v2_service.DEFAULT_WORKFLOW_TITLE).
const newWorkflowTitle = "New Workflow"

// handleRunWorkflow serves Run Workflow: POST /v1/run/workflows, which
// takes the workflow's id as workflow_id, and its newer name POST
// /v1/run/agents, which takes it as agent_id. Each accepts the other name
// too. It knows the workflows created through the API (and answers 404 for
// them once deleted), those registered with OnWorkflow, and with
// WithAnyWorkflow any other. A run without a webhook_url of a workflow
// with a webhook_callback_url sends its webhook there. As in Skyvern's
// routes/agent_protocol.py run_workflow, the webhook URL is checked
// (validate_webhook_url) and the request's title is replaced by the
// workflow's.
func (s *Server) handleRunWorkflow(c *call) {
	req := bodyOf[skyvern.WorkflowRunRequest](c)
	hook, msg := s.checkWebhookURL(req.WebhookURL)
	if msg != "" {
		c.fail(http.StatusBadRequest, msg)
		return
	}
	req.WebhookURL = hook
	s.rulesMu.RLock()
	_, known := s.workflows[req.WorkflowID]
	s.rulesMu.RUnlock()
	_, deleted, wf := s.st.workflowState(req.WorkflowID)
	if deleted || wf == nil && !known && !s.cfg.anyWorkflow {
		c.fail(http.StatusNotFound, workflowNotFound(req.WorkflowID, 0))
		return
	}

	ru := s.newWorkflowRun(req, wf, c.has("proxy_location"))
	if !s.claimSession(c, ru) {
		return
	}
	ru.outcome = s.outcomeFor(RunRequest{RunID: ru.id, RunType: ru.typ, Workflow: req})
	s.addRun(ru)
	c.replyRaw(s.st.rendered(ru))
}

// newWorkflowRun makes a run of req, not stored yet: of the saved workflow
// wf, or of a registered one when wf is nil. proxySent reports whether the
// request set proxy_location (else the run shows the server's default).
// The run's title, and its run_request's, is the workflow's, whatever
// req.Title says, as Skyvern's run_workflow and
// workflow_service.setup_workflow_run make it; a registered workflow has
// none the fake knows.
func (s *Server) newWorkflowRun(req *skyvern.WorkflowRunRequest, wf *skyvern.Workflow, proxySent bool) *run {
	ru := &run{
		id:         s.newID("wr_"),
		typ:        skyvern.RunTypeWorkflowRun,
		workflow:   req,
		hookURL:    req.WebhookURL,
		workflowID: req.WorkflowID,
	}
	if wf != nil {
		// A saved workflow lends the run its version, title, callback and
		// first block.
		ru.versionID = wf.WorkflowID
		ru.workflowTitle = wf.Title
		ru.paramDefs = declaredParameters(wf.Definition)
		if ru.hookURL == "" {
			ru.hookURL = wf.DefaultWebhookURL
		}
		ru.blockLabel, ru.blockType = firstBlock(wf.Definition)
	} else {
		ru.versionID = s.newID("w_")
		ru.blockLabel, ru.blockType = firstBlock(nil)
	}
	shown := *req
	shown.Title = ru.workflowTitle
	if !proxySent {
		shown.ProxyLocation = skyvern.ProxyLocationResidential
	}
	ru.request = mustMarshal(render(&shown))
	return ru
}

// lookup finds the run of the call's path, or answers 404 with the
// message notFound gives.
func (s *Server) lookup(c *call, notFound func(id string) string) *run {
	id := c.param("run_id")
	ru := s.st.run(id)
	if ru == nil {
		c.fail(http.StatusNotFound, notFound(id))
	}
	return ru
}

func runNotFound(id string) string { return "Run not found " + id }

// handleGetRun serves Get Run: GET /v1/runs/{run_id}, as Skyvern's
// run_service.get_run_response: the id of the workflow run behind a task
// v2 run finds the task v2 run, and an unknown id gets 404 "Task run not
// found".
func (s *Server) handleGetRun(c *call) {
	id := c.param("run_id")
	ru := s.st.run(id)
	if ru == nil && strings.HasPrefix(id, "wr_") {
		ru = s.st.taskV2ByWorkflowRun(id)
	}
	if ru == nil {
		c.fail(http.StatusNotFound, "Task run not found "+id)
		return
	}
	c.replyRaw(s.st.rendered(ru))
}

// cancelRun cancels ru as Skyvern's run_service.cancel_run does, and returns
// the refusal's detail, or "": a run not finished yet is canceled and its
// webhook sent; a finished task run is refused, as Skyvern refuses the
// status change; a finished task v2 or workflow run is left as it is.
func (s *Server) cancelRun(ru *run) string {
	if status := s.st.status(ru); status.IsTerminal() {
		if ru.typ != skyvern.RunTypeWorkflowRun && ru.typ != skyvern.RunTypeTaskV2 {
			if status == skyvern.RunStatusCanceled {
				return "Invalid task status transition to canceled for " + ru.id + " because task is already canceled"
			}
			return "Invalid task status transition from " + string(status) + " to canceled for " + ru.id
		}
		return ""
	}
	s.finish(ru, Outcome{Status: skyvern.RunStatusCanceled})
	return ""
}

// handleCancelRun serves Cancel Run: POST /v1/runs/{run_id}/cancel. It
// answers JSON null, as Skyvern does, or 404 "Run not found", or 400 for a
// run Skyvern cannot cancel (see cancelRun).
func (s *Server) handleCancelRun(c *call) {
	ru := s.lookup(c, runNotFound)
	if ru == nil {
		return
	}
	if msg := s.cancelRun(ru); msg != "" {
		c.fail(http.StatusBadRequest, msg)
		return
	}
	c.replyRaw([]byte("null"))
}

// handleBulkCancelRuns serves Cancel Runs: POST /v1/runs/cancel with
// {"run_ids": [...]}, as Skyvern's run_service.bulk_cancel_runs: each
// distinct id is cancelled as Cancel Run cancels it, and listed as
// cancelled when Cancel Run would have answered 200 (a finished workflow
// or task v2 run too), else as failed.
func (s *Server) handleBulkCancelRuns(c *call) {
	res := skyvern.BulkCancelResult{Canceled: []string{}, Failed: []string{}}
	seen := map[string]bool{}
	for _, id := range bodyOf[bulkCancelRequest](c).RunIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if ru := s.st.run(id); ru != nil && s.cancelRun(ru) == "" {
			res.Canceled = append(res.Canceled, id)
		} else {
			res.Failed = append(res.Failed, id)
		}
	}
	c.reply(res)
}

// handleRetryRunWebhook serves Retry Run Webhook: POST
// /v1/runs/{run_id}/retry_webhook, with an optional body
// {"webhook_url": ...}, as Skyvern's webhook_service.replay_run_webhook:
// an unknown run gets 404, a run type Skyvern does not replay
// (yutori_navigator) and a run not finished yet 400, then a run with no
// URL to send to, or a target refused by _validate_target_url, 400. It
// delivers the webhook once, while the request waits, and answers with
// the replay report.
func (s *Server) handleRetryRunWebhook(c *call) {
	ru := s.lookup(c, func(id string) string { return "Run " + id + " not found" })
	if ru == nil {
		return
	}
	if ru.typ == skyvern.RunTypeYutoriNavigator {
		c.fail(http.StatusBadRequest, "Run type "+string(ru.typ)+" is not supported for webhook replay.")
		return
	}
	if status := s.st.status(ru); !status.IsTerminal() {
		c.fail(http.StatusBadRequest, "Run "+ru.id+" has not reached a terminal state (status="+string(status)+").")
		return
	}
	target := ru.hookURL
	if req := bodyOf[skyvern.RetryRunWebhookRequest](c); req != nil && req.WebhookURL != "" {
		target = req.WebhookURL
	}
	if target == "" {
		c.fail(http.StatusBadRequest, "No webhook URL configured for the run.")
		return
	}
	target, msg := s.checkReplayURL(target)
	if msg != "" {
		c.fail(http.StatusBadRequest, msg)
		return
	}
	c.reply(s.replay(ru, target))
}

// handleListRuns serves Get Runs: GET /v1/runs, task and workflow runs
// alike, newest first (agent_protocol.py get_runs_v2, workflow_runs.py
// get_all_runs_v2). Each list filter (status, run_type,
// workflow_permanent_id) keeps the runs matching any of its values;
// search_key matches as search.go says; tags keeps the runs whose tags pass
// the filter (ApplyRunTags). With a search_key or a workflow_permanent_id,
// only the first 1000 matches are served: a page that starts at or past
// them is a 400, and the page that reaches them is cut there.
func (s *Server) handleListRuns(c *call) {
	q := queryOf[skyvern.ListRunsParams](c)
	pg, size := orDefault(q.Page, 1), orDefault(q.PageSize, 10)
	skip := pageSkip(pg, size)
	if q.SearchKey != "" || len(q.WorkflowIDs) > 0 {
		if skip >= searchMatchLimit {
			c.fail(http.StatusBadRequest, searchLimitDetail)
			return
		}
		size = min(size, searchMatchLimit-skip)
	}
	tagged, ok := s.tagFilter(c, q.Tags)
	if !ok {
		return
	}
	c.reply(pageOfRuns(s.st, skip, size, func(ru *run) bool {
		return (tagged == nil || tagged[ru.id]) &&
			(len(q.Status) == 0 || slices.Contains(q.Status, ru.status)) &&
			(len(q.RunType) == 0 || slices.Contains(q.RunType, ru.typ)) &&
			(len(q.WorkflowIDs) == 0 || ru.listedWorkflowID() != "" && slices.Contains(q.WorkflowIDs, ru.listedWorkflowID())) &&
			ru.matchesRunSearch(q.SearchKey)
	}, s.listItem))
}

// handleGetRunTimeline serves Get Run Timeline: GET
// /v1/runs/{run_id}/timeline, for workflow runs and task v2 runs; other
// task runs get 400, as on Skyvern. The timeline is made up from the run's
// state: empty until the run starts, then one block (workflow run) or one
// thought (task v2) that follows the run's status.
func (s *Server) handleGetRunTimeline(c *call) {
	ru := s.lookup(c, runNotFound)
	if ru == nil {
		return
	}
	if ru.typ != skyvern.RunTypeWorkflowRun && ru.typ != skyvern.RunTypeTaskV2 {
		c.fail(http.StatusBadRequest, "Timeline not available for run type "+string(ru.typ))
		return
	}
	s.st.mu.RLock()
	out := s.timeline(ru)
	s.st.mu.RUnlock()
	c.reply(out)
}

// handleGetRunArtifacts serves Get Run Artifacts: GET
// /v1/runs/{run_id}/artifacts, with repeated artifact_type filters. A
// finished run has a made-up recording and final screenshot; a run not
// finished yet, or unknown, has none, as on Skyvern, which answers an
// empty list for an id it does not know.
func (s *Server) handleGetRunArtifacts(c *call) {
	out := []skyvern.Artifact{}
	if ru := s.st.run(c.param("run_id")); ru != nil {
		s.st.mu.RLock()
		out = s.artifacts(ru, queryOf[artifactsQuery](c).Types)
		s.st.mu.RUnlock()
	}
	c.reply(out)
}

// runTypeOf maps a task's engine to the run type Skyvern gives it.
func runTypeOf(engine skyvern.RunEngine) skyvern.RunType {
	switch engine {
	case skyvern.RunEngineSkyvernV2:
		return skyvern.RunTypeTaskV2
	case skyvern.RunEngineSkyvernV3:
		return skyvern.RunTypeTaskV3
	case skyvern.RunEngineOpenAICUA:
		return skyvern.RunTypeOpenAICUA
	case skyvern.RunEngineAnthropicCUA:
		return skyvern.RunTypeAnthropicCUA
	case skyvern.RunEngineUITARS:
		return skyvern.RunTypeUITARS
	case skyvern.RunEngineYutoriNavigator:
		return skyvern.RunTypeYutoriNavigator
	}
	return skyvern.RunTypeTaskV1
}
