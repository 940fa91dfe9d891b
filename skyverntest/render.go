package skyverntest

import (
	"encoding/json"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// This file renders a run's state as the JSON Skyvern's server writes: the
// Run Response of Get Run and the webhook payloads, members in the
// server's order, null members included.

// set updates the member key of o, or appends it: a Python dict's update,
// which is how the server lays its Run Response over a payload's legacy
// members (a member already there keeps its place).
func set(o *webhooks.Object, key string, v any) {
	for i := range *o {
		if (*o)[i].Key == key {
			(*o)[i].Value = v
			return
		}
	}
	*o = append(*o, webhooks.Member{Key: key, Value: v})
}

func update(o *webhooks.Object, with webhooks.Object) {
	for _, m := range with {
		set(o, m.Key, m.Value)
	}
}

// timeValue renders a datetime as the server does, without a timezone, or
// null for the zero time.
func timeValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return skyvern.Time{Time: t}.String()
}

func stringValue(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// rawValue returns a request member as it was sent, or null.
func rawValue(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	return raw
}

func (r *run) appURL() string {
	if r.typ == skyvern.RunTypeTaskV1 {
		return "https://app.skyvern.com/tasks/" + r.id
	}
	return "https://app.skyvern.com/runs/" + r.id
}

// runResponse is the Run Response: Get Run's body and the common part of
// every webhook payload.
func (r *run) runResponse(withRequest bool) webhooks.Object {
	o := webhooks.Object{
		{Key: "run_id", Value: r.id},
		{Key: "status", Value: string(r.status)},
		{Key: "output", Value: rawValue(r.output)},
		{Key: "downloaded_files", Value: nil},
		{Key: "recording_url", Value: nil},
		{Key: "recording_archived", Value: false},
		{Key: "screenshot_urls", Value: nil},
		{Key: "failure_reason", Value: stringValue(r.failureReason)},
		{Key: "created_at", Value: timeValue(r.created)},
		{Key: "modified_at", Value: timeValue(r.modified)},
		{Key: "queued_at", Value: timeValue(r.queued)},
		{Key: "started_at", Value: timeValue(r.started)},
		{Key: "finished_at", Value: timeValue(r.finished)},
		{Key: "app_url", Value: r.appURL()},
		{Key: "browser_session_id", Value: rawValue(r.body["browser_session_id"])},
		{Key: "browser_profile_id", Value: rawValue(r.body["browser_profile_id"])},
		{Key: "max_screenshot_scrolls", Value: rawValue(r.body["max_screenshot_scrolls"])},
		{Key: "script_run", Value: nil},
		{Key: "errors", Value: []any{}},
		{Key: "step_count", Value: nil},
		{Key: "run_type", Value: string(r.typ)},
	}
	if r.typ == skyvern.RunTypeWorkflowRun {
		runWith := rawValue(r.body["run_with"])
		if runWith == nil {
			runWith = "agent"
		}
		o = append(o,
			webhooks.Member{Key: "run_with", Value: runWith},
			webhooks.Member{Key: "ai_fallback", Value: rawValue(r.body["ai_fallback"])},
			webhooks.Member{Key: "script_id", Value: nil},
			webhooks.Member{Key: "browser_seed_source", Value: nil},
		)
	}
	if withRequest {
		o = append(o, webhooks.Member{Key: "run_request", Value: r.request})
	}
	return o
}

// render refreshes Get Run's body for r. s.mu must be held.
func (s *Server) render(r *run) {
	b, err := webhooks.Marshal(r.runResponse(true))
	if err != nil {
		panic("skyverntest: cannot encode a run: " + err.Error())
	}
	r.rendered = b
}

// webhookPayload is the body of r's webhook: the legacy members of its run
// type, then the Run Response. A replay (Retry Run Webhook) is shaped as
// Skyvern shapes one, which for task v2 and workflow runs differs from the
// first delivery. s.mu must be held.
func (s *Server) webhookPayload(r *run, replay bool) webhooks.Object {
	var o webhooks.Object
	switch r.typ {
	case skyvern.RunTypeWorkflowRun:
		o = r.workflowLegacy(replay)
		update(&o, r.runResponse(!replay))
	case skyvern.RunTypeTaskV2:
		if replay {
			return r.runResponse(false)
		}
		o = s.taskV2Legacy(r)
		update(&o, r.runResponse(false))
	default:
		o = r.taskLegacy()
		update(&o, r.runResponse(false))
	}
	return o
}

// taskLegacy is the task v1 response that task webhooks (v1, v3, CUA,
// UI-TARS, navigator) start with.
func (r *run) taskLegacy() webhooks.Object {
	return webhooks.Object{
		{Key: "task_id", Value: r.id},
		{Key: "status", Value: string(r.status)},
		{Key: "created_at", Value: timeValue(r.created)},
		{Key: "modified_at", Value: timeValue(r.modified)},
		{Key: "extracted_information", Value: rawValue(r.output)},
		{Key: "action_screenshot_urls", Value: nil},
		{Key: "screenshot_url", Value: nil},
		{Key: "recording_url", Value: nil},
		{Key: "browser_console_log_url", Value: nil},
		{Key: "downloaded_files", Value: nil},
		{Key: "downloaded_file_urls", Value: nil},
		{Key: "failure_reason", Value: stringValue(r.failureReason)},
		{Key: "failure_category", Value: nil},
		{Key: "webhook_failure_reason", Value: stringValue(r.webhookFail)},
		{Key: "errors", Value: []any{}},
		{Key: "max_steps_per_run", Value: rawValue(r.body["max_steps"])},
		{Key: "workflow_run_id", Value: nil},
		{Key: "queued_at", Value: timeValue(r.queued)},
		{Key: "started_at", Value: timeValue(r.started)},
		{Key: "finished_at", Value: timeValue(r.finished)},
		{Key: "max_screenshot_scrolls", Value: rawValue(r.body["max_screenshot_scrolls"])},
	}
}

// taskV2Legacy is the task v2 record that task v2 webhooks start with.
func (s *Server) taskV2Legacy(r *run) webhooks.Object {
	return webhooks.Object{
		{Key: "task_id", Value: r.id},
		{Key: "status", Value: string(r.status)},
		{Key: "organization_id", Value: s.orgID},
		{Key: "workflow_run_id", Value: r.v2WorkflowRunID},
		{Key: "workflow_id", Value: r.v2WorkflowID},
		{Key: "workflow_permanent_id", Value: r.workflowID},
		{Key: "prompt", Value: rawValue(r.body["prompt"])},
		{Key: "url", Value: rawValue(r.body["url"])},
		{Key: "summary", Value: nil},
		{Key: "output", Value: rawValue(r.output)},
		{Key: "totp_verification_url", Value: rawValue(r.body["totp_url"])},
		{Key: "totp_identifier", Value: rawValue(r.body["totp_identifier"])},
		{Key: "proxy_location", Value: rawValue(r.body["proxy_location"])},
		{Key: "webhook_callback_url", Value: rawValue(r.body["webhook_url"])},
		{Key: "extracted_information_schema", Value: rawValue(r.body["data_extraction_schema"])},
		{Key: "error_code_mapping", Value: rawValue(r.body["error_code_mapping"])},
		{Key: "created_at", Value: timeValue(r.created)},
		{Key: "modified_at", Value: timeValue(r.modified)},
		{Key: "queued_at", Value: timeValue(r.queued)},
		{Key: "started_at", Value: timeValue(r.started)},
		{Key: "finished_at", Value: timeValue(r.finished)},
	}
}

// workflowLegacy is the workflow run status response that workflow
// webhooks start with; a replay leaves out the callback, TOTP and header
// members.
func (r *run) workflowLegacy(replay bool) webhooks.Object {
	params := rawValue(r.body["parameters"])
	if params == nil {
		params = map[string]any{}
	}
	o := webhooks.Object{
		{Key: "workflow_id", Value: r.workflowID},
		{Key: "workflow_run_id", Value: r.id},
		{Key: "status", Value: string(r.status)},
		{Key: "failure_reason", Value: stringValue(r.failureReason)},
		{Key: "failure_category", Value: nil},
		{Key: "proxy_location", Value: rawValue(r.body["proxy_location"])},
	}
	if !replay {
		o = append(o, webhooks.Member{Key: "webhook_callback_url", Value: rawValue(r.body["webhook_url"])})
	}
	o = append(o, webhooks.Member{Key: "webhook_failure_reason", Value: stringValue(r.webhookFail)})
	if !replay {
		o = append(o,
			webhooks.Member{Key: "totp_verification_url", Value: rawValue(r.body["totp_url"])},
			webhooks.Member{Key: "totp_identifier", Value: rawValue(r.body["totp_identifier"])},
			webhooks.Member{Key: "extra_http_headers", Value: rawValue(r.body["extra_http_headers"])},
		)
	}
	return append(o, webhooks.Object{
		{Key: "queued_at", Value: timeValue(r.queued)},
		{Key: "started_at", Value: timeValue(r.started)},
		{Key: "finished_at", Value: timeValue(r.finished)},
		{Key: "created_at", Value: timeValue(r.created)},
		{Key: "modified_at", Value: timeValue(r.modified)},
		{Key: "parameters", Value: params},
		{Key: "screenshot_urls", Value: nil},
		{Key: "recording_url", Value: nil},
		{Key: "recording_urls", Value: nil},
		{Key: "recording_archived", Value: false},
		{Key: "downloaded_files", Value: nil},
		{Key: "downloaded_file_urls", Value: nil},
		{Key: "outputs", Value: rawValue(r.output)},
		{Key: "total_steps", Value: nil},
		{Key: "total_cost", Value: nil},
		{Key: "credits_used", Value: 0},
		{Key: "cached_credits_used", Value: 0},
		{Key: "task_v2", Value: nil},
		{Key: "workflow_title", Value: stringValue(r.workflowTitle)},
		{Key: "browser_session_id", Value: rawValue(r.body["browser_session_id"])},
		{Key: "browser_profile_id", Value: rawValue(r.body["browser_profile_id"])},
		{Key: "browser_seed_source", Value: nil},
		{Key: "max_screenshot_scrolls", Value: rawValue(r.body["max_screenshot_scrolls"])},
		{Key: "browser_address", Value: rawValue(r.body["browser_address"])},
		{Key: "run_with", Value: "agent"},
		{Key: "script_run", Value: nil},
		{Key: "script_id", Value: nil},
		{Key: "errors", Value: []any{}},
		{Key: "agent_id", Value: r.workflowID},
		{Key: "agent_run_id", Value: r.id},
	}...)
}
