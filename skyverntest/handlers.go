package skyverntest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// handleRunTask serves Run Task: POST /v1/run/tasks.
func (s *Server) handleRunTask(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	body, _ := io.ReadAll(r.Body)
	m, errs := members(body, false)
	if errs == nil {
		errs = validate(m, taskFields, body)
	}
	if errs != nil {
		writeDetail(w, http.StatusUnprocessableEntity, errs)
		return
	}
	var req skyvern.TaskRunRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeDetail(w, http.StatusUnprocessableEntity, []validationError{
			invalid("value_error", []any{"body"}, err.Error(), json.RawMessage(body), nil)})
		return
	}
	if msg := checkWebhookURL(req.WebhookURL); msg != "" {
		writeDetail(w, http.StatusBadRequest, msg)
		return
	}

	typ := runTypeOf(stringMember(m, "engine"))
	ru := &run{typ: typ, body: m, request: renderRequest(m, taskFields), hookURL: req.WebhookURL}
	if typ == skyvern.RunTypeTaskV2 {
		ru.id = s.newID("tsk_v2_")
		ru.v2WorkflowRunID = s.newID("wr_")
		ru.versionID = s.newID("w_")
		ru.workflowID = s.newID("wpid_")
	} else {
		ru.id = s.newID("tsk_")
	}
	ru.outcome = s.outcomeFor(RunRequest{RunID: ru.id, RunType: typ, Task: &req})
	s.addRun(ru)
	s.writeRun(w, ru)
}

// handleRunWorkflow serves Run Workflow: POST /v1/run/workflows, which
// takes the workflow's id as workflow_id, and its newer name POST
// /v1/run/agents, which takes it as agent_id. Each accepts the other name
// too. It knows the workflows created through the API (and answers 404 for
// them once deleted), those registered with OnWorkflow, and with
// WithAnyWorkflow any other. A run without a webhook_url of a workflow
// with a webhook_callback_url sends its webhook there.
func (s *Server) handleRunWorkflow(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	body, _ := io.ReadAll(r.Body)
	m, errs := members(body, false)
	if errs == nil {
		idName, other := "workflow_id", "agent_id"
		if r.Pattern == RouteRunAgent {
			idName, other = other, idName
		}
		if _, ok := m[idName]; !ok {
			if raw, ok := m[other]; ok {
				m[idName] = raw
			}
		}
		fields := append([]field{{name: idName, kind: kindString, required: true}}, workflowFields[1:]...)
		errs = validate(m, fields, body)
		m["workflow_id"] = m[idName]
		delete(m, "agent_id")
	}
	if errs != nil {
		writeDetail(w, http.StatusUnprocessableEntity, errs)
		return
	}
	var req skyvern.WorkflowRunRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeDetail(w, http.StatusUnprocessableEntity, []validationError{
			invalid("value_error", []any{"body"}, err.Error(), json.RawMessage(body), nil)})
		return
	}
	if msg := checkWebhookURL(req.WebhookURL); msg != "" {
		writeDetail(w, http.StatusBadRequest, msg)
		return
	}
	s.mu.RLock()
	_, known := s.workflows[req.WorkflowID]
	sw := s.saved[req.WorkflowID]
	var v *workflowVersion
	if sw != nil && sw.deleted.IsZero() {
		v = sw.latest()
	}
	s.mu.RUnlock()
	deleted := sw != nil && v == nil
	if deleted || v == nil && !known && !s.cfg.anyWorkflow {
		writeDetail(w, http.StatusNotFound, workflowNotFound(req.WorkflowID, 0))
		return
	}

	ru := &run{
		id:            s.newID("wr_"),
		typ:           skyvern.RunTypeWorkflowRun,
		body:          m,
		request:       renderRequest(m, workflowFields),
		hookURL:       req.WebhookURL,
		workflowID:    req.WorkflowID,
		workflowTitle: req.Title,
	}
	if v != nil {
		// A saved workflow lends the run its version, title, callback and
		// first block.
		ru.versionID = v.id
		if ru.workflowTitle == "" {
			ru.workflowTitle = stringMember(v.def, "title")
		}
		if ru.hookURL == "" {
			ru.hookURL = stringMember(v.def, "webhook_callback_url")
		}
		ru.blockLabel, ru.blockType = firstBlock(v.def)
	} else {
		ru.versionID = s.newID("w_")
		ru.blockLabel, ru.blockType = firstBlock(nil)
	}
	ru.outcome = s.outcomeFor(RunRequest{RunID: ru.id, RunType: ru.typ, Workflow: &req})
	s.addRun(ru)
	s.writeRun(w, ru)
}

// writeRun answers with the run's current Run Response.
func (s *Server) writeRun(w http.ResponseWriter, ru *run) {
	s.mu.RLock()
	b := ru.rendered
	s.mu.RUnlock()
	writeBody(w, http.StatusOK, b)
}

// lookup finds the run of the request's path, or answers 404 with the
// given message prefix.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request, notFound func(id string) string) *run {
	id := r.PathValue("run_id")
	s.mu.RLock()
	ru := s.runs[id]
	s.mu.RUnlock()
	if ru == nil {
		writeDetail(w, http.StatusNotFound, notFound(id))
	}
	return ru
}

func runNotFound(id string) string { return "Run not found " + id }

// handleGetRun serves Get Run: GET /v1/runs/{run_id}.
func (s *Server) handleGetRun(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	if ru := s.lookup(w, r, runNotFound); ru != nil {
		s.writeRun(w, ru)
	}
}

// handleCancelRun serves Cancel Run: POST /v1/runs/{run_id}/cancel. It
// answers JSON null, as Skyvern does. A run not finished yet is canceled
// and its webhook sent. Cancelling a finished task run is refused with 400,
// as Skyvern refuses the status change; for a finished task v2 or workflow
// run it changes nothing.
func (s *Server) handleCancelRun(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	ru := s.lookup(w, r, runNotFound)
	if ru == nil {
		return
	}
	s.mu.RLock()
	status := ru.status
	s.mu.RUnlock()
	if status.IsTerminal() {
		if ru.typ != skyvern.RunTypeWorkflowRun && ru.typ != skyvern.RunTypeTaskV2 {
			msg := "Invalid task status transition from " + string(status) + " to canceled for " + ru.id
			if status == skyvern.RunStatusCanceled {
				msg = "Invalid task status transition to canceled for " + ru.id + " because task is already canceled"
			}
			writeDetail(w, http.StatusBadRequest, msg)
			return
		}
	} else {
		s.finish(ru, Outcome{Status: skyvern.RunStatusCanceled})
	}
	writeBody(w, http.StatusOK, []byte("null"))
}

// handleBulkCancelRuns serves Cancel Runs: POST /v1/runs/cancel with
// {"run_ids": [...]}. Each run not finished yet is canceled as Cancel Run
// cancels it, webhook included; an unknown or finished run is listed as
// failed.
func (s *Server) handleBulkCancelRuns(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	body, _ := io.ReadAll(r.Body)
	m, errs := members(body, false)
	if errs == nil {
		errs = validate(m, bulkCancelFields, body)
	}
	if errs != nil {
		writeDetail(w, http.StatusUnprocessableEntity, errs)
		return
	}
	var ids []string
	_ = json.Unmarshal(m["run_ids"], &ids) // validated: a list of strings
	cancelled, failed := []string{}, []string{}
	for _, id := range ids {
		s.mu.RLock()
		ru := s.runs[id]
		s.mu.RUnlock()
		if ru != nil && s.finish(ru, Outcome{Status: skyvern.RunStatusCanceled}) {
			cancelled = append(cancelled, id)
		} else {
			failed = append(failed, id)
		}
	}
	writeJSON(w, http.StatusOK, webhooks.Object{{Key: "cancelled", Value: cancelled}, {Key: "failed", Value: failed}})
}

// handleRetryRunWebhook serves Retry Run Webhook: POST
// /v1/runs/{run_id}/retry_webhook, with an optional body
// {"webhook_url": ...}. It delivers the webhook once, while the request
// waits, and answers with Skyvern's replay report.
func (s *Server) handleRetryRunWebhook(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	body, _ := io.ReadAll(r.Body)
	m, errs := members(body, true)
	if errs == nil {
		errs = validate(m, retryWebhookFields, body)
	}
	if errs != nil {
		writeDetail(w, http.StatusUnprocessableEntity, errs)
		return
	}
	ru := s.lookup(w, r, func(id string) string { return "Run " + id + " not found" })
	if ru == nil {
		return
	}
	s.mu.RLock()
	status := ru.status
	s.mu.RUnlock()
	if !status.IsTerminal() {
		writeDetail(w, http.StatusBadRequest,
			"Run "+ru.id+" has not reached a terminal state (status="+string(status)+").")
		return
	}
	target := stringMember(m, "webhook_url")
	if target == "" {
		target = ru.hookURL
	}
	if target == "" {
		writeDetail(w, http.StatusBadRequest, "No webhook URL to send to: run "+ru.id+
			" has no webhook_url; pass one in the request body.")
		return
	}
	if msg := checkWebhookURL(target); msg != "" {
		writeDetail(w, http.StatusBadRequest, msg)
		return
	}
	writeJSON(w, http.StatusOK, s.replay(ru, target))
}

// checkWebhookURL returns why a webhook URL cannot be used, or "" (also
// for ""). Unlike Skyvern, which refuses them, the fake accepts loopback
// and private addresses: that is where a test's receiver is.
func checkWebhookURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "Invalid URL: " + raw
	}
	return ""
}

// handleListRuns serves Get Runs: GET /v1/runs, task and workflow runs
// alike, newest first. Each list filter (status, run_type,
// workflow_permanent_id) keeps the runs matching any of its values;
// search_key matches a substring, ignoring case, of the run's id, its title
// or the JSON text of its run_request. Runs in the fake have no tags, so a
// tags filter matches none.
func (s *Server) handleListRuns(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	q := queryReader{q: r.URL.Query()}
	pg := q.int("page", 1, 1, 100)
	size := q.int("page_size", 10, 1, 100)
	search := q.string("search_key", 3, 0)
	statuses, types, workflows := q.q["status"], q.q["run_type"], q.q["workflow_permanent_id"]
	tagged := len(q.q["tags"]) > 0
	if q.errs != nil {
		writeDetail(w, http.StatusUnprocessableEntity, q.errs)
		return
	}
	s.writeRunPage(w, pg, size, s.runListItem, func(ru *run) bool {
		return !tagged &&
			(len(statuses) == 0 || slices.Contains(statuses, string(ru.status))) &&
			(len(types) == 0 || slices.Contains(types, string(ru.typ))) &&
			(len(workflows) == 0 || ru.workflowID != "" && slices.Contains(workflows, ru.workflowID)) &&
			ru.matches(search)
	})
}

// writeRunPage answers with page pg (of size runs) of the runs that keep
// selects, newest first, each rendered by render.
func (s *Server) writeRunPage(w http.ResponseWriter, pg, size int, render func(*run) webhooks.Object, keep func(*run) bool) {
	var found []*run
	s.mu.RLock()
	for _, ru := range slices.Backward(s.order) {
		if keep(ru) {
			found = append(found, ru)
		}
	}
	out := []webhooks.Object{}
	for _, ru := range page(found, pg, size) {
		out = append(out, render(ru))
	}
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, out)
}

// handleListWorkflowRuns serves Get Workflow Runs: GET /v1/workflows/runs
// and GET /v1/agents/runs, newest first. search_key matches as for Get
// Runs; the fake's runs report no error codes, so an error_code filter
// matches none.
func (s *Server) handleListWorkflowRuns(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	q := queryReader{q: r.URL.Query()}
	pg := q.int("page", 1, 1, 0)
	size := q.int("page_size", 10, 1, 0)
	search := q.string("search_key", 0, 500)
	errorCode := q.string("error_code", 0, 500)
	statuses := q.q["status"]
	if q.errs != nil {
		writeDetail(w, http.StatusUnprocessableEntity, q.errs)
		return
	}
	s.writeRunPage(w, pg, size, s.workflowRun, func(ru *run) bool {
		return ru.typ == skyvern.RunTypeWorkflowRun && errorCode == "" &&
			(len(statuses) == 0 || slices.Contains(statuses, string(ru.status))) &&
			ru.matches(search)
	})
}

// handleGetRunTimeline serves Get Run Timeline: GET
// /v1/runs/{run_id}/timeline, for workflow runs and task v2 runs; other
// task runs get 400, as on Skyvern. The timeline is made up from the run's
// state: empty until the run starts, then one block (workflow run) or one
// thought (task v2) that follows the run's status.
func (s *Server) handleGetRunTimeline(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	ru := s.lookup(w, r, runNotFound)
	if ru == nil {
		return
	}
	if ru.typ != skyvern.RunTypeWorkflowRun && ru.typ != skyvern.RunTypeTaskV2 {
		writeDetail(w, http.StatusBadRequest, "Timeline not available for this run type")
		return
	}
	s.mu.RLock()
	out := s.timeline(ru)
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, out)
}

// handleGetRunArtifacts serves Get Run Artifacts: GET
// /v1/runs/{run_id}/artifacts, with repeated artifact_type filters. A
// finished run has a made-up recording and final screenshot; a run not
// finished yet has none.
func (s *Server) handleGetRunArtifacts(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	ru := s.lookup(w, r, runNotFound)
	if ru == nil {
		return
	}
	s.mu.RLock()
	out := s.artifacts(ru, r.URL.Query()["artifact_type"])
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, out)
}
