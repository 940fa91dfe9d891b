package skyverntest

import (
	"net/http"

	"github.com/skyvern-go/skyvern"
)

// This file serves the operations on a workflow's runs beyond starting and
// listing them: retrying a finished run, and resetting the browser profile
// a workflow keeps between its runs.

// The routes of workflow runs. The SDK calls the /v1/workflows routes;
// their /v1/agents twins are the spec's names.
const (
	RouteRetryWorkflowRun            = "POST /v1/workflows/runs/{workflow_run_id}/retry"
	RouteRetryAgentRun               = "POST /v1/agents/runs/{workflow_run_id}/retry"
	RouteResetWorkflowBrowserProfile = "POST /v1/workflows/{workflow_permanent_id}/browser_session/reset_profile"
	RouteResetAgentBrowserProfile    = "POST /v1/agents/{workflow_permanent_id}/browser_session/reset_profile"
)

// workflowRunRoutes are the routes of workflow runs kept in this file.
var workflowRunRoutes = []route{
	{name: RouteRetryWorkflowRun, handle: (*Server).handleRetryWorkflowRun},
	{name: RouteRetryAgentRun, handle: (*Server).handleRetryWorkflowRun},
	{name: RouteResetWorkflowBrowserProfile, handle: (*Server).handleResetWorkflowBrowserProfile},
	{name: RouteResetAgentBrowserProfile, handle: (*Server).handleResetWorkflowBrowserProfile},
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
