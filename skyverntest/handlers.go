package skyverntest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	"github.com/skyvern-go/skyvern"
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
	ru := &run{typ: typ, body: m, request: renderRequest(m, taskFields)}
	if typ == skyvern.RunTypeTaskV2 {
		ru.id = s.newID("tsk_v2_")
		ru.v2WorkflowRunID = s.newID("wr_")
		ru.v2WorkflowID = s.newID("w_")
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
// too.
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
	s.mu.RUnlock()
	if !known && !s.cfg.anyWorkflow {
		writeDetail(w, http.StatusNotFound, "Workflow not found. workflow_permanent_id="+req.WorkflowID)
		return
	}

	ru := &run{
		id:            s.newID("wr_"),
		typ:           skyvern.RunTypeWorkflowRun,
		body:          m,
		request:       renderRequest(m, workflowFields),
		workflowID:    req.WorkflowID,
		workflowTitle: req.Title,
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
		target = ru.webhookURL()
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
