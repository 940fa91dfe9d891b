package skyverntest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/skyvern-go/skyvern"
)

// This file serves the workflows created through the API (Create, Get,
// Update, Delete and List Workflows, and their versions), kept in the
// store as skyvern.Workflow values and completed as Skyvern completes a
// definition it saves (workflow_convert.go); and the operations on a
// workflow's runs beyond starting them: listing them, retrying a finished
// run, and resetting the browser profile a workflow keeps between its
// runs. The workflows are kept in store_workflows.go.

// The routes of saved workflows and the lists of their runs. Each has a
// twin under Skyvern's newer name, /v1/agents, which serves the same and
// takes faults of its own.
const (
	RouteListWorkflowRuns     = "GET /v1/workflows/runs"
	RouteListAgentRuns        = "GET /v1/agents/runs"
	RouteCreateWorkflow       = "POST /v1/workflows"
	RouteCreateAgent          = "POST /v1/agents"
	RouteListWorkflows        = "GET /v1/workflows"
	RouteListAgents           = "GET /v1/agents"
	RouteGetWorkflow          = "GET /v1/workflows/{workflow_permanent_id}"
	RouteGetAgent             = "GET /v1/agents/{workflow_permanent_id}"
	RouteUpdateWorkflow       = "POST /v1/workflows/{workflow_id}"
	RouteUpdateAgent          = "POST /v1/agents/{workflow_id}"
	RouteDeleteWorkflow       = "POST /v1/workflows/{workflow_id}/delete"
	RouteDeleteAgent          = "POST /v1/agents/{workflow_id}/delete"
	RouteListWorkflowVersions = "GET /v1/workflows/{workflow_permanent_id}/versions"
	RouteListAgentVersions    = "GET /v1/agents/{workflow_permanent_id}/versions"
	RouteListWorkflowRunsByID = "GET /v1/workflows/{workflow_id}/runs"
	RouteListAgentRunsByID    = "GET /v1/agents/{workflow_id}/runs"
)

// The routes of workflow runs. The SDK calls the /v1/workflows routes;
// their /v1/agents twins are the spec's names.
const (
	RouteRetryWorkflowRun            = "POST /v1/workflows/runs/{workflow_run_id}/retry"
	RouteRetryAgentRun               = "POST /v1/agents/runs/{workflow_run_id}/retry"
	RouteResetWorkflowBrowserProfile = "POST /v1/workflows/{workflow_permanent_id}/browser_session/reset_profile"
	RouteResetAgentBrowserProfile    = "POST /v1/agents/{workflow_permanent_id}/browser_session/reset_profile"
)

// workflowRoutes are the routes of saved workflows and their runs.
var workflowRoutes = []route{
	{name: RouteListWorkflowRuns, query: query[skyvern.ListRunsOfAllWorkflowsParams](workflowRunLimits), handle: (*Server).handleListWorkflowRuns},
	{name: RouteListAgentRuns, query: query[skyvern.ListRunsOfAllWorkflowsParams](workflowRunLimits), handle: (*Server).handleListWorkflowRuns},
	{name: RouteListWorkflowRunsByID, query: query[workflowRunsByIDQuery](workflowRunLimits), handle: (*Server).handleListWorkflowRuns},
	{name: RouteListAgentRunsByID, query: query[workflowRunsByIDQuery](workflowRunLimits), handle: (*Server).handleListWorkflowRuns},
	{name: RouteCreateWorkflow, body: body[skyvern.WorkflowRequest](), handle: (*Server).handleCreateWorkflow},
	{name: RouteCreateAgent, body: body[skyvern.WorkflowRequest](), handle: (*Server).handleCreateWorkflow},
	{name: RouteListWorkflows, query: query[listWorkflowsQuery](map[string]limit{
		"page": between(1, 0), "page_size": between(1, 0)}), handle: (*Server).handleListWorkflows},
	{name: RouteListAgents, query: query[listWorkflowsQuery](map[string]limit{
		"page": between(1, 0), "page_size": between(1, 0)}), handle: (*Server).handleListWorkflows},
	{name: RouteGetWorkflow, query: query[skyvern.GetWorkflowParams](nil), handle: (*Server).handleGetWorkflow},
	{name: RouteGetAgent, query: query[skyvern.GetWorkflowParams](nil), handle: (*Server).handleGetWorkflow},
	{name: RouteUpdateWorkflow, body: body[skyvern.WorkflowRequest](), handle: (*Server).handleUpdateWorkflow},
	{name: RouteUpdateAgent, body: body[skyvern.WorkflowRequest](), handle: (*Server).handleUpdateWorkflow},
	{name: RouteDeleteWorkflow, handle: (*Server).handleDeleteWorkflow},
	{name: RouteDeleteAgent, handle: (*Server).handleDeleteWorkflow},
	{name: RouteListWorkflowVersions, query: query[skyvern.GetWorkflowParams](nil), handle: (*Server).handleListWorkflowVersions},
	{name: RouteListAgentVersions, query: query[skyvern.GetWorkflowParams](nil), handle: (*Server).handleListWorkflowVersions},
}

var workflowRunLimits = map[string]limit{
	"page": between(1, 0), "page_size": between(1, 0), "search_key": length(0, 500), "error_code": length(0, 500)}

// workflowRunRoutes are the routes of workflow runs kept in this file.
var workflowRunRoutes = []route{
	{name: RouteRetryWorkflowRun, handle: (*Server).handleRetryWorkflowRun},
	{name: RouteRetryAgentRun, handle: (*Server).handleRetryWorkflowRun},
	{name: RouteResetWorkflowBrowserProfile, handle: (*Server).handleResetWorkflowBrowserProfile},
	{name: RouteResetAgentBrowserProfile, handle: (*Server).handleResetWorkflowBrowserProfile},
}

// Query types the SDK does not export (yet): the fake's schema for these
// routes.
type (
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

func workflowNotFound(id string, version int) string {
	if version != 0 {
		return "Workflow not found. workflow_permanent_id=" + id + ", version=" + strconv.Itoa(version)
	}
	return "Workflow not found. workflow_permanent_id=" + id
}

// readDefinition reads the definition of a Create or Update Workflow call,
// checked against skyvern.WorkflowDefinition, as JSON members; or answers
// the server's error and returns nil. A YAML definition is read with a YAML
// parser, and refused as Skyvern refuses it: one line naming what is
// wrong. keep is the webhook_callback_url of the version an update
// replaces, which is not checked again.
func readDefinition(c *call, keep string) map[string]json.RawMessage {
	req := bodyOf[skyvern.WorkflowRequest](c)
	var raw []byte
	switch {
	case req.YAMLDefinition != "":
		var doc any
		if err := yaml.Unmarshal([]byte(req.YAMLDefinition), &doc); err != nil {
			c.fail(http.StatusUnprocessableEntity, "Invalid YAML: "+err.Error())
			return nil
		}
		b, err := json.Marshal(doc)
		if err != nil {
			c.fail(http.StatusUnprocessableEntity, "Invalid YAML: "+err.Error())
			return nil
		}
		m, errs := members(b, false)
		if errs == nil {
			errs = checkDefinition(nil, m, b)
		}
		if errs != nil {
			c.fail(http.StatusUnprocessableEntity, formatErrors(errs))
			return nil
		}
		raw = b
	case req.JSONDefinition != nil:
		raw = c.members["json_definition"]
		m, errs := members(raw, false)
		if errs == nil {
			errs = checkDefinition([]any{"body", "json_definition"}, m, raw)
		}
		if errs != nil {
			c.fail(http.StatusUnprocessableEntity, errs)
			return nil
		}
	default:
		c.fail(http.StatusUnprocessableEntity, "Invalid workflow definition. Workflow should be provided in either yaml or json format.")
		return nil
	}
	def, _ := members(raw, false) // checked above
	var hook string
	_ = json.Unmarshal(def["webhook_callback_url"], &hook)
	// workflow/service.py create_workflow_from_request checks the
	// callback with validate_webhook_url unless an update keeps the
	// latest version's.
	if hook != "" && hook != keep {
		stored, msg := c.srv.checkWebhookURL(hook)
		if msg != "" {
			c.fail(http.StatusBadRequest, msg)
			return nil
		}
		def["webhook_callback_url"], _ = json.Marshal(stored)
	}
	return def
}

// validIdempotencyKey reports a key of 1 to 255 visible ASCII bytes.
func validIdempotencyKey(key string) bool {
	if len(key) == 0 || len(key) > 255 {
		return false
	}
	for i := range len(key) {
		if key[i] <= ' ' || key[i] >= 0x7f {
			return false
		}
	}
	return true
}

// handleCreateWorkflow serves Create Workflow: POST /v1/workflows and POST
// /v1/agents, with an optional folder_id query parameter, as Skyvern's
// routes/agent_protocol.py create_workflow: with an Idempotency-Key header
// (validate_idempotency_key), a repeat answers the first version of the
// workflow the key created, whatever the request and even once deleted,
// and creates nothing.
func (s *Server) handleCreateWorkflow(c *call) {
	keys, hasKey := c.r.Header["Idempotency-Key"]
	if hasKey && !validIdempotencyKey(keys[0]) {
		c.fail(http.StatusUnprocessableEntity, "Idempotency-Key must contain 1 to 255 visible ASCII bytes.")
		return
	}
	key := ""
	if hasKey {
		key = keys[0]
	}
	def := readDefinition(c, "")
	if def == nil {
		return
	}
	if wf := s.st.keyedWorkflow(key); key != "" && wf != nil {
		c.reply(wf)
		return
	}
	if folder := c.r.URL.Query().Get("folder_id"); folder != "" {
		def["folder_id"], _ = json.Marshal(folder)
	}
	sw := &savedWorkflow{id: s.newID("wpid_")}
	first, refused := s.newVersion(def, sw.id, 1, s.now())
	if refused != nil {
		c.fail(refused.status, refused.detail)
		return
	}
	sw.versions = []*workflowVersion{{wf: first}}
	wf := s.st.createWorkflow(sw, key)
	c.reply(&wf)
}

// handleUpdateWorkflow serves Update Workflow: POST /v1/workflows/{id} and
// POST /v1/agents/{id}. It saves the definition as a new version, with a
// new workflow_id, and answers with it; a deleted or unknown workflow gets
// 404.
func (s *Server) handleUpdateWorkflow(c *call) {
	id := c.param("workflow_id")
	keep := ""
	if versions := s.st.workflowVersions(id); len(versions) > 0 {
		keep = versions[0].DefaultWebhookURL
	}
	def := readDefinition(c, keep)
	if def == nil {
		return
	}
	_, hasFolder := def["folder_id"]
	next, refused := s.newVersion(def, id, 0, s.now())
	if refused != nil {
		c.fail(refused.status, refused.detail)
		return
	}
	wf := s.st.updateWorkflow(id, func(prev, wf *skyvern.Workflow) {
		wf.Version = prev.Version + 1
		if !hasFolder { // the folder is the workflow's, not the version's
			wf.FolderID = prev.FolderID
		}
	}, next)
	if wf == nil {
		c.fail(http.StatusNotFound, workflowNotFound(id, 0))
		return
	}
	c.reply(wf)
}

// handleGetWorkflow serves Get Workflow: GET /v1/workflows/{id} and GET
// /v1/agents/{id}, the latest version unless the version query parameter
// names another. A deleted or unknown workflow or version gets 404, and so
// does template=true: the fake has no templates.
func (s *Server) handleGetWorkflow(c *call) {
	q := queryOf[skyvern.GetWorkflowParams](c)
	id := c.param("workflow_permanent_id")
	if !q.Template {
		versions := s.st.workflowVersions(id)
		switch {
		case q.Version == 0 && len(versions) > 0:
			c.reply(versions[0])
			return
		case q.Version > 0 && q.Version <= len(versions):
			c.reply(versions[len(versions)-q.Version])
			return
		}
	}
	c.fail(http.StatusNotFound, workflowNotFound(id, q.Version))
}

// handleDeleteWorkflow serves Delete Workflow: POST
// /v1/workflows/{id}/delete and POST /v1/agents/{id}/delete. Like
// Skyvern's, it marks every version deleted and answers JSON null, even
// for a workflow that is unknown or already deleted.
func (s *Server) handleDeleteWorkflow(c *call) {
	s.st.deleteWorkflow(c.param("workflow_id"), s.now())
	c.replyRaw([]byte("null"))
}

// handleListWorkflowVersions serves Get Workflow Versions: GET
// /v1/workflows/{id}/versions and GET /v1/agents/{id}/versions, newest
// first. Like Skyvern's, it answers an empty list for a workflow that is
// unknown or deleted.
func (s *Server) handleListWorkflowVersions(c *call) {
	if queryOf[skyvern.GetWorkflowParams](c).Template {
		c.reply([]skyvern.Workflow{})
		return
	}
	c.reply(s.st.workflowVersions(c.param("workflow_permanent_id")))
}

// handleListWorkflows serves Get Workflows: GET /v1/workflows and GET
// /v1/agents, the latest version of each workflow not deleted, most
// recently saved first. search_key (or the older title) matches a
// substring of the title, ignoring case; tags keeps the workflows whose
// tags pass the filter, as for Get Runs. The fake has no templates, so
// only_templates and template match nothing.
func (s *Server) handleListWorkflows(c *call) {
	q := queryOf[listWorkflowsQuery](c)
	if q.OnlySavedTasks && q.OnlyWorkflows {
		c.fail(http.StatusBadRequest, "only_saved_tasks and only_workflows cannot be used together")
		return
	}
	search := q.SearchKey
	if search == "" {
		search = q.Title
	}
	search = strings.ToLower(search)
	terms, detail := parseTagFilter(q.Tags)
	if detail != "" {
		c.fail(http.StatusBadRequest, detail)
		return
	}
	tagged := s.tags.matching(workflowTags, terms)
	none := q.OnlyTemplates || q.Template
	found := s.st.workflows(func(wf *skyvern.Workflow) bool {
		return !none && (tagged == nil || tagged[wf.WorkflowPermanentID]) &&
			!(q.OnlySavedTasks && !wf.IsSavedTask) && !(q.OnlyWorkflows && wf.IsSavedTask) &&
			strings.Contains(strings.ToLower(wf.Title), search) &&
			(q.FolderID == "" || wf.FolderID == q.FolderID) &&
			(len(q.Status) == 0 || slices.Contains(q.Status, wf.Status))
	})
	out := page(found, orDefault(q.Page, 1), orDefault(q.PageSize, 10))
	if out == nil {
		out = []skyvern.Workflow{}
	}
	c.reply(out)
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

// handleRetryWorkflowRun serves Retry Workflow Run: POST
// /v1/workflows/runs/{id}/retry and its /v1/agents twin. It starts a new
// run of the same workflow with the finished run's request, webhook
// included, as Skyvern does; its outcome is chosen as for any new run. A
// run not finished yet gets 400; an unknown run, or one that is not a
// workflow run, 404, and so does a run whose saved workflow was deleted.
func (s *Server) handleRetryWorkflowRun(c *call) {
	id := c.param("workflow_run_id")
	orig := s.st.run(id)
	if orig == nil || orig.typ != skyvern.RunTypeWorkflowRun {
		c.fail(http.StatusNotFound, "Workflow run not found "+id)
		return
	}
	if !s.st.status(orig).IsTerminal() {
		c.fail(http.StatusBadRequest, "Only terminal workflow runs can be retried")
		return
	}
	saved, deleted, wf := s.st.workflowState(orig.workflowID)
	if deleted || saved && wf == nil {
		c.fail(http.StatusNotFound, "Workflow not found for run "+id)
		return
	}
	req := *orig.workflow // the run's request: the store never changes it
	req.WebhookURL = orig.hookURL
	ru := s.newWorkflowRun(&req, wf, orig.workflow.ProxyLocation != nil)
	ru.retriedFrom = orig.id // started through the API, whatever started the original
	if !s.claimSession(c, ru) {
		return
	}
	ru.outcome = s.outcomeFor(RunRequest{RunID: ru.id, RunType: ru.typ, Workflow: &req})
	s.addRun(ru)
	c.replyRaw(s.st.rendered(ru))
}

// handleResetWorkflowBrowserProfile serves Reset Workflow Browser Profile:
// POST /v1/workflows/{id}/browser_session/reset_profile and its /v1/agents
// twin, which answers 204, or 404 for an unknown or deleted workflow. The
// fake keeps no browser state between runs, so there is nothing to clear.
func (s *Server) handleResetWorkflowBrowserProfile(c *call) {
	id := c.param("workflow_permanent_id")
	if _, _, wf := s.st.workflowState(id); wf == nil {
		c.fail(http.StatusNotFound, workflowNotFound(id, 0))
		return
	}
	c.w.WriteHeader(http.StatusNoContent)
}
