package skyverntest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
	"github.com/skyvern-go/skyvern/webhooks"
)

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
	// workflowRunsByIDQuery is the query of Get Workflow Runs By ID.
	workflowRunsByIDQuery struct {
		skyvern.ListRunsOfAllWorkflowsParams
		CreatedAtStart   string   `url:"created_at_start"`
		CreatedAtEnd     string   `url:"created_at_end"`
		Tags             []string `url:"tags"`
		IncludeChildRuns bool     `url:"include_child_runs"`
	}
	// listWorkflowsQuery is the query of Get Workflows, with the older
	// name of search_key.
	listWorkflowsQuery struct {
		skyvern.ListWorkflowsParams
		Title string `url:"title"`
	}
)

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

func orDefault(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

// handleListWorkflowRuns serves Get Workflow Runs: GET /v1/workflows/runs
// and GET /v1/agents/runs, newest first, and Get Workflow Runs By ID: GET
// /v1/workflows/{workflow_id}/runs and GET /v1/agents/{workflow_id}/runs,
// the runs of one workflow (workflow_runs.py get_workflow_runs and
// get_workflow_runs_for_workflow_permanent_id). search_key matches as
// search.go says, tags as for Get Runs; the fake's runs report no error
// codes or child runs, so an error_code filter matches none.
func (s *Server) handleListWorkflowRuns(c *call) {
	var q workflowRunsByIDQuery
	switch c.q.(type) {
	case *workflowRunsByIDQuery:
		q = *queryOf[workflowRunsByIDQuery](c)
	default:
		q.ListRunsOfAllWorkflowsParams = *queryOf[skyvern.ListRunsOfAllWorkflowsParams](c)
	}
	var start, end skyvern.Time
	for _, t := range []struct {
		name, v string
		dst     *skyvern.Time
	}{{"created_at_start", q.CreatedAtStart, &start}, {"created_at_end", q.CreatedAtEnd, &end}} {
		if t.v != "" && json.Unmarshal([]byte(`"`+t.v+`"`), t.dst) != nil {
			c.fail(http.StatusUnprocessableEntity, []validationError{invalid("datetime_from_date_parsing",
				[]any{"query", t.name}, "Input should be a valid datetime or date, invalid character in year", t.v, nil)})
			return
		}
	}
	tagged, ok := s.tagFilter(c, q.Tags)
	if !ok {
		return
	}
	wpid := c.param("workflow_id")
	size := orDefault(q.PageSize, 10)
	c.reply(pageOfRuns(s.st, pageSkip(orDefault(q.Page, 1), size), size, func(ru *run) bool {
		return ru.typ == skyvern.RunTypeWorkflowRun && q.ErrorCode == "" && (tagged == nil || tagged[ru.id]) &&
			(wpid == "" || ru.workflowID == wpid) &&
			(start.IsZero() || !ru.created.Before(start.Time)) &&
			(end.IsZero() || ru.created.Before(end.Time)) &&
			(len(q.Status) == 0 || slices.Contains(q.Status, ru.status)) &&
			ru.matchesWorkflowRunSearch(q.SearchKey)
	}, s.workflowRun))
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

// writeJSON writes v with the server's JSON encoding.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeBody(w, status, mustMarshal(v))
}

// mustMarshal encodes v with the server's JSON encoding.
func mustMarshal(v any) []byte {
	b, err := webhooks.Marshal(v)
	if err != nil {
		panic("skyverntest: cannot encode a response: " + err.Error())
	}
	return b
}

func writeBody(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	w.Write(b)
}

// writeDetail writes FastAPI's error body, {"detail": detail}.
func writeDetail(w http.ResponseWriter, status int, detail any) {
	writeJSON(w, status, wire.Object{{Key: "detail", Value: detail}})
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
