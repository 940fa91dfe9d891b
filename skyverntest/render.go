package skyverntest

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// This file renders a run's state as the JSON Skyvern's server writes: the
// Run Response of Get Run, the webhook payloads, and the run as the lists,
// the timeline and the artifacts show it, members in the server's order,
// null members included.

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
		{Key: "workflow_id", Value: r.versionID},
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
		o = append(o, webhooks.Member{Key: "webhook_callback_url", Value: stringValue(r.hookURL)})
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

// title is the run's title as the lists show it: the workflow's title for
// a workflow run, else the title of the request, or "".
func (r *run) title() string {
	if r.typ == skyvern.RunTypeWorkflowRun {
		return r.workflowTitle
	}
	return stringMember(r.body, "title")
}

// matches reports whether search is a substring of the run's id, its
// title or the JSON text of its run_request, ignoring case; "" matches
// every run.
func (r *run) matches(search string) bool {
	text := strings.ToLower(r.id + "\n" + r.title() + "\n" + string(r.request))
	return strings.Contains(text, strings.ToLower(search))
}

// runListItem renders r as Get Runs lists it (TaskRunListItem). s.mu must
// be held.
func (s *Server) runListItem(r *run) webhooks.Object {
	var wpid, trigger any
	switch r.typ {
	case skyvern.RunTypeWorkflowRun:
		wpid, trigger = r.workflowID, "api"
	case skyvern.RunTypeTaskV2:
		wpid = r.workflowID
	}
	sw := s.saved[r.workflowID]
	return webhooks.Object{
		{Key: "task_run_id", Value: r.taskRunID},
		{Key: "run_id", Value: r.id},
		{Key: "task_run_type", Value: string(r.typ)},
		{Key: "status", Value: string(r.status)},
		{Key: "title", Value: stringValue(r.title())},
		{Key: "started_at", Value: timeValue(r.started)},
		{Key: "finished_at", Value: timeValue(r.finished)},
		{Key: "created_at", Value: timeValue(r.created)},
		{Key: "workflow_permanent_id", Value: wpid},
		{Key: "workflow_deleted", Value: sw != nil && !sw.deleted.IsZero()},
		{Key: "script_run", Value: false},
		{Key: "trigger_type", Value: trigger},
	}
}

// workflowRun renders the workflow run r as Get Workflow Runs lists it
// (WorkflowRun). s.mu must be held.
func (s *Server) workflowRun(r *run) webhooks.Object {
	req := func(name string) any { return rawValue(r.body[name]) }
	return webhooks.Object{
		{Key: "workflow_run_id", Value: r.id},
		{Key: "workflow_id", Value: r.versionID},
		{Key: "workflow_permanent_id", Value: r.workflowID},
		{Key: "organization_id", Value: s.orgID},
		{Key: "browser_session_id", Value: req("browser_session_id")},
		{Key: "browser_profile_id", Value: req("browser_profile_id")},
		{Key: "browser_seed_source", Value: nil},
		{Key: "browser_sink_profile_id", Value: nil},
		{Key: "start_fresh_browser", Value: req("start_fresh_browser")},
		{Key: "reuse_browser_session", Value: req("reuse_browser_session")},
		{Key: "debug_session_id", Value: nil},
		{Key: "status", Value: string(r.status)},
		{Key: "extra_http_headers", Value: req("extra_http_headers")},
		{Key: "cdp_connect_headers", Value: req("cdp_connect_headers")},
		{Key: "proxy_location", Value: req("proxy_location")},
		{Key: "webhook_callback_url", Value: stringValue(r.hookURL)},
		{Key: "webhook_failure_reason", Value: stringValue(r.webhookFail)},
		{Key: "totp_verification_url", Value: req("totp_url")},
		{Key: "totp_identifier", Value: req("totp_identifier")},
		{Key: "failure_reason", Value: stringValue(r.failureReason)},
		{Key: "failure_category", Value: nil},
		{Key: "retried_from_workflow_run_id", Value: nil},
		{Key: "fallback_attempt", Value: nil},
		{Key: "parent_workflow_run_id", Value: nil},
		{Key: "workflow_title", Value: stringValue(r.workflowTitle)},
		{Key: "max_screenshot_scrolls", Value: req("max_screenshot_scrolls")},
		{Key: "max_elapsed_time_minutes", Value: req("max_elapsed_time_minutes")},
		{Key: "browser_address", Value: req("browser_address")},
		{Key: "run_with", Value: req("run_with")},
		{Key: "script_run", Value: nil},
		{Key: "job_id", Value: nil},
		{Key: "depends_on_workflow_run_id", Value: nil},
		{Key: "sequential_key", Value: nil},
		{Key: "sequential_credential_id", Value: nil},
		{Key: "ai_fallback", Value: req("ai_fallback")},
		{Key: "code_gen", Value: nil},
		{Key: "trigger_type", Value: "api"},
		{Key: "workflow_schedule_id", Value: nil},
		{Key: "ignore_inherited_workflow_system_prompt", Value: false},
		{Key: "copilot_session_id", Value: nil},
		{Key: "credits_used", Value: 0},
		{Key: "cached_credits_used", Value: 0},
		{Key: "queued_at", Value: timeValue(r.queued)},
		{Key: "started_at", Value: timeValue(r.started)},
		{Key: "finished_at", Value: timeValue(r.finished)},
		{Key: "created_at", Value: timeValue(r.created)},
		{Key: "modified_at", Value: timeValue(r.modified)},
	}
}

// timeline renders the timeline of a workflow or task v2 run
// (WorkflowRunTimeline entries): nothing before the run starts, then one
// entry that follows the run's status, a block for a workflow run and a
// thought for a task v2 run. s.mu must be held.
func (s *Server) timeline(r *run) []webhooks.Object {
	if r.started.IsZero() {
		return []webhooks.Object{}
	}
	entry := webhooks.Object{
		{Key: "type", Value: "block"},
		{Key: "block", Value: s.block(r)},
		{Key: "thought", Value: nil},
		{Key: "children", Value: []any{}},
		{Key: "created_at", Value: timeValue(r.started)},
		{Key: "modified_at", Value: timeValue(r.modified)},
	}
	if r.typ == skyvern.RunTypeTaskV2 {
		set(&entry, "type", "thought")
		set(&entry, "block", nil)
		set(&entry, "thought", s.thought(r))
	}
	return []webhooks.Object{entry}
}

// block renders the one block of a workflow run's timeline
// (WorkflowRunBlock), labelled as the workflow's first block.
func (s *Server) block(r *run) webhooks.Object {
	var duration any
	if !r.finished.IsZero() {
		duration = r.finished.Sub(r.started).Seconds()
	}
	o := webhooks.Object{
		{Key: "workflow_run_block_id", Value: r.stepID},
		{Key: "block_workflow_run_id", Value: nil},
		{Key: "workflow_run_id", Value: r.id},
		{Key: "organization_id", Value: s.orgID},
		{Key: "description", Value: nil},
		{Key: "parent_workflow_run_block_id", Value: nil},
		{Key: "block_type", Value: r.blockType},
		{Key: "label", Value: r.blockLabel},
		{Key: "status", Value: string(r.status)},
		{Key: "output", Value: rawValue(r.output)},
		{Key: "continue_on_failure", Value: false},
		{Key: "failure_reason", Value: stringValue(r.failureReason)},
		{Key: "error_codes", Value: []any{}},
		{Key: "engine", Value: nil},
		{Key: "task_id", Value: nil},
		{Key: "url", Value: nil},
		{Key: "final_url", Value: nil},
		{Key: "navigation_goal", Value: nil},
		{Key: "navigation_payload", Value: nil},
		{Key: "data_extraction_goal", Value: nil},
		{Key: "data_schema", Value: nil},
		{Key: "terminate_criterion", Value: nil},
		{Key: "complete_criterion", Value: nil},
		{Key: "actions", Value: []any{}},
		{Key: "created_at", Value: timeValue(r.started)},
		{Key: "modified_at", Value: timeValue(r.modified)},
		{Key: "include_action_history_in_verification", Value: false},
		{Key: "include_extracted_text", Value: true},
		{Key: "duration", Value: duration},
	}
	for _, key := range []string{"loop_values", "current_value", "current_index", "recipients", "attachments",
		"subject", "body", "prompt", "instructions", "positive_descriptor", "negative_descriptor",
		"executed_branch_id", "executed_branch_expression", "executed_branch_result",
		"executed_branch_next_block", "script_run", "downloaded_file_count"} {
		o = append(o, webhooks.Member{Key: key, Value: nil})
	}
	return o
}

// thought renders the one thought of a task v2 run's timeline (Thought):
// the agent's plan for the prompt.
func (s *Server) thought(r *run) webhooks.Object {
	return webhooks.Object{
		{Key: "thought_id", Value: r.stepID},
		{Key: "task_id", Value: r.id},
		{Key: "organization_id", Value: s.orgID},
		{Key: "workflow_run_id", Value: r.v2WorkflowRunID},
		{Key: "workflow_run_block_id", Value: nil},
		{Key: "workflow_id", Value: r.versionID},
		{Key: "workflow_permanent_id", Value: r.workflowID},
		{Key: "user_input", Value: rawValue(r.body["prompt"])},
		{Key: "observation", Value: nil},
		{Key: "thought", Value: "skyverntest: a made-up plan for the prompt"},
		{Key: "answer", Value: nil},
		{Key: "thought_type", Value: "plan"},
		{Key: "thought_scenario", Value: "generate_plan"},
		{Key: "output", Value: nil},
		{Key: "input_token_count", Value: nil},
		{Key: "output_token_count", Value: nil},
		{Key: "reasoning_token_count", Value: nil},
		{Key: "cached_token_count", Value: nil},
		{Key: "thought_cost", Value: nil},
		{Key: "last_llm_model", Value: nil},
		{Key: "created_at", Value: timeValue(r.started)},
		{Key: "modified_at", Value: timeValue(r.modified)},
	}
}

// artifacts renders the artifacts of r of the given types (all when none
// is given): a recording and a final screenshot once the run has
// finished, with URLs that lead nowhere. s.mu must be held.
func (s *Server) artifacts(r *run, types []string) []webhooks.Object {
	out := []webhooks.Object{}
	if !r.status.IsTerminal() {
		return out
	}
	var taskID, workflowRunID, cruiseID any
	switch r.typ {
	case skyvern.RunTypeWorkflowRun:
		workflowRunID = r.id
	case skyvern.RunTypeTaskV2:
		workflowRunID, cruiseID = r.v2WorkflowRunID, r.id
	default:
		taskID = r.id
	}
	for i, a := range [2]struct{ typ, file string }{
		{string(skyvern.ArtifactTypeRecording), "recording.webm"},
		{string(skyvern.ArtifactTypeScreenshotFinal), "screenshot_final.png"},
	} {
		if len(types) > 0 && !slices.Contains(types, a.typ) {
			continue
		}
		path := s.orgID + "/" + r.id + "/" + a.file
		out = append(out, webhooks.Object{
			{Key: "created_at", Value: timeValue(r.finished)},
			{Key: "modified_at", Value: timeValue(r.finished)},
			{Key: "artifact_id", Value: r.artifactIDs[i]},
			{Key: "artifact_type", Value: a.typ},
			{Key: "uri", Value: "s3://skyvern-artifacts/v1/production/" + path},
			{Key: "bundle_key", Value: nil},
			{Key: "checksum", Value: nil},
			{Key: "file_size", Value: nil},
			{Key: "task_id", Value: taskID},
			{Key: "step_id", Value: nil},
			{Key: "workflow_run_id", Value: workflowRunID},
			{Key: "workflow_run_block_id", Value: nil},
			{Key: "run_id", Value: r.id},
			{Key: "browser_session_id", Value: rawValue(r.body["browser_session_id"])},
			{Key: "observer_cruise_id", Value: cruiseID},
			{Key: "observer_thought_id", Value: nil},
			{Key: "ai_suggestion_id", Value: nil},
			{Key: "signed_url", Value: "https://artifacts.skyverntest.invalid/" + path},
			{Key: "archived", Value: false},
			{Key: "organization_id", Value: s.orgID},
		})
	}
	return out
}
