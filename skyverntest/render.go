package skyverntest

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
)

// This file renders a run's state: the Run Response of Get Run and the
// other views of a run (lists, timeline, artifacts) as SDK values, which
// render() writes with every member; and the webhook payloads, whose legacy
// members the SDK does not model and whose bytes are signed, in the
// server's member order.

// set updates the member key of o, or appends it: a Python dict's update,
// which is how the server lays its Run Response over a payload's legacy
// members (a member already there keeps its place).
func set(o *wire.Object, key string, v any) {
	for i := range *o {
		if (*o)[i].Key == key {
			(*o)[i].Value = v
			return
		}
	}
	*o = append(*o, wire.Member{Key: key, Value: v})
}

func update(o *wire.Object, with wire.Object) {
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

func sdkTime(t time.Time) skyvern.Time { return skyvern.Time{Time: t} }

// appURL is the run's page in Skyvern's app: a task v2 run's is that of
// the workflow run behind it (task_v2_service.build_task_v2_run_response).
func (r *run) appURL() string {
	switch r.typ {
	case skyvern.RunTypeTaskV1:
		return "https://app.skyvern.com/tasks/" + r.id
	case skyvern.RunTypeTaskV2:
		return "https://app.skyvern.com/runs/" + r.v2WorkflowRunID
	}
	return "https://app.skyvern.com/runs/" + r.id
}

// workflowOnly are the Run Response members of workflow runs only: the
// server's task Run Response does not have them.
var workflowOnly = []string{"run_with", "ai_fallback", "script_id", "browser_seed_source"}

// response is the run's Run Response: Get Run's body and the common part
// of every webhook payload.
func (r *run) response() skyvern.RunResponse {
	resp := skyvern.RunResponse{
		RunID:         r.id,
		Status:        r.status,
		Output:        r.output,
		FailureReason: r.failureReason,
		CreatedAt:     sdkTime(r.created),
		ModifiedAt:    sdkTime(r.modified),
		QueuedAt:      sdkTime(r.queued),
		StartedAt:     sdkTime(r.started),
		FinishedAt:    sdkTime(r.finished),
		AppURL:        r.appURL(),
		Errors:        []skyvern.JSONObject{},
		RunType:       r.typ,
		RunRequest:    r.request,
	}
	if r.status == skyvern.RunStatusCompleted {
		resp.DownloadedFiles = r.downloads
	}
	if t := r.task; t != nil {
		resp.BrowserSessionID, resp.BrowserProfileID, resp.MaxScreenshotScrolls = t.BrowserSessionID, t.BrowserProfileID, t.MaxScreenshotScrolls
	}
	if w := r.workflow; w != nil {
		resp.BrowserSessionID, resp.BrowserProfileID, resp.MaxScreenshotScrolls = w.BrowserSessionID, w.BrowserProfileID, w.MaxScreenshotScrolls
		resp.RunWith, resp.AIFallback = w.RunWith, w.AIFallback
		if resp.RunWith == "" {
			resp.RunWith = "agent"
		}
	}
	return resp
}

// responseObject renders the Run Response with the members of the run's
// kind; drop leaves out more.
func (r *run) responseObject(drop ...string) wire.Object {
	if r.typ != skyvern.RunTypeWorkflowRun {
		drop = append(drop, workflowOnly...)
	}
	resp := r.response()
	return render(&resp, drop...)
}

// render renders Get Run's body for the run's current state. The store's
// lock is held.
func (r *run) render() []byte { return mustMarshal(r.responseObject()) }

// webhookPayload is the body of r's webhook: the legacy members of its run
// type, then the Run Response. A replay (Retry Run Webhook) is shaped as
// Skyvern shapes one, which for task v2 and workflow runs differs from the
// first delivery. The store's lock is held.
func (s *Server) webhookPayload(r *run, replay bool) wire.Object {
	var o wire.Object
	switch r.typ {
	case skyvern.RunTypeWorkflowRun:
		o = r.workflowLegacy(replay)
		if replay {
			update(&o, r.responseObject("run_request"))
		} else {
			update(&o, r.responseObject())
		}
	case skyvern.RunTypeTaskV2:
		if replay {
			return r.responseObject("run_request")
		}
		o = s.taskV2Legacy(r)
		update(&o, r.responseObject("run_request"))
	default:
		o = r.taskLegacy()
		update(&o, r.responseObject("run_request"))
	}
	return o
}

// nullable returns nil for a nil pointer, map or interface, so that the
// legacy members below write null rather than a typed nil's encoding.
func nullable[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// taskLegacy is the task v1 response that task webhooks (v1, v3, CUA,
// UI-TARS, navigator) start with.
func (r *run) taskLegacy() wire.Object {
	t := r.task
	return wire.Object{
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
		{Key: "max_steps_per_run", Value: nullable(t.MaxSteps)},
		{Key: "workflow_run_id", Value: nil},
		{Key: "queued_at", Value: timeValue(r.queued)},
		{Key: "started_at", Value: timeValue(r.started)},
		{Key: "finished_at", Value: timeValue(r.finished)},
		{Key: "max_screenshot_scrolls", Value: nullable(t.MaxScreenshotScrolls)},
	}
}

// taskV2Legacy is the task v2 record that task v2 webhooks start with.
func (s *Server) taskV2Legacy(r *run) wire.Object {
	t := r.task
	return wire.Object{
		{Key: "task_id", Value: r.id},
		{Key: "status", Value: string(r.status)},
		{Key: "organization_id", Value: s.orgID},
		{Key: "workflow_run_id", Value: r.v2WorkflowRunID},
		{Key: "workflow_id", Value: r.versionID},
		{Key: "workflow_permanent_id", Value: r.workflowID},
		{Key: "prompt", Value: t.Prompt},
		{Key: "url", Value: stringValue(t.URL)},
		{Key: "summary", Value: nil},
		{Key: "output", Value: rawValue(r.output)},
		{Key: "totp_verification_url", Value: stringValue(t.TOTPURL)},
		{Key: "totp_identifier", Value: stringValue(t.TOTPIdentifier)},
		{Key: "proxy_location", Value: t.ProxyLocation},
		{Key: "webhook_callback_url", Value: stringValue(t.WebhookURL)},
		{Key: "extracted_information_schema", Value: t.DataExtractionSchema},
		{Key: "error_code_mapping", Value: nilMap(t.ErrorCodeMapping)},
		{Key: "created_at", Value: timeValue(r.created)},
		{Key: "modified_at", Value: timeValue(r.modified)},
		{Key: "queued_at", Value: timeValue(r.queued)},
		{Key: "started_at", Value: timeValue(r.started)},
		{Key: "finished_at", Value: timeValue(r.finished)},
	}
}

func nilMap[V any](m map[string]V) any {
	if m == nil {
		return nil
	}
	return m
}

// workflowLegacy is the workflow run status response that workflow
// webhooks start with; a replay leaves out the callback, TOTP and header
// members.
func (r *run) workflowLegacy(replay bool) wire.Object {
	w := r.workflow
	var params any = w.Parameters
	if w.Parameters == nil {
		params = map[string]any{}
	}
	o := wire.Object{
		{Key: "workflow_id", Value: r.workflowID},
		{Key: "workflow_run_id", Value: r.id},
		{Key: "status", Value: string(r.status)},
		{Key: "failure_reason", Value: stringValue(r.failureReason)},
		{Key: "failure_category", Value: nil},
		{Key: "proxy_location", Value: w.ProxyLocation},
	}
	if !replay {
		o = append(o, wire.Member{Key: "webhook_callback_url", Value: stringValue(r.hookURL)})
	}
	o = append(o, wire.Member{Key: "webhook_failure_reason", Value: stringValue(r.webhookFail)})
	if !replay {
		o = append(o,
			wire.Member{Key: "totp_verification_url", Value: stringValue(w.TOTPURL)},
			wire.Member{Key: "totp_identifier", Value: stringValue(w.TOTPIdentifier)},
			wire.Member{Key: "extra_http_headers", Value: nilMap(w.ExtraHTTPHeaders)},
		)
	}
	return append(o, wire.Object{
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
		{Key: "browser_session_id", Value: stringValue(w.BrowserSessionID)},
		{Key: "browser_profile_id", Value: stringValue(w.BrowserProfileID)},
		{Key: "browser_seed_source", Value: nil},
		{Key: "max_screenshot_scrolls", Value: nullable(w.MaxScreenshotScrolls)},
		{Key: "browser_address", Value: stringValue(w.BrowserAddress)},
		{Key: "run_with", Value: "agent"},
		{Key: "script_run", Value: nil},
		{Key: "script_id", Value: nil},
		{Key: "errors", Value: []any{}},
		{Key: "agent_id", Value: r.workflowID},
		{Key: "agent_run_id", Value: r.id},
	}...)
}

// title is the run's title as the lists show it, as Skyvern's
// create_task_run stores it: the workflow's title for a workflow run and a
// task v2 run (whose workflow Skyvern makes), else the title of the
// request, or "".
func (r *run) title() string {
	if r.typ == skyvern.RunTypeWorkflowRun || r.typ == skyvern.RunTypeTaskV2 {
		return r.workflowTitle
	}
	return r.task.Title
}

// listItem is r as Get Runs lists it. The store's lock is held.
func (s *Server) listItem(r *run) skyvern.RunListItem {
	item := skyvern.RunListItem{
		TaskRunID:       r.taskRunID,
		RunID:           r.id,
		RunType:         r.typ,
		Status:          r.status,
		Title:           r.title(),
		StartedAt:       sdkTime(r.started),
		FinishedAt:      sdkTime(r.finished),
		CreatedAt:       sdkTime(r.created),
		WorkflowDeleted: s.st.workflowDeleted(r.listedWorkflowID()),
	}
	if r.typ == skyvern.RunTypeWorkflowRun {
		item.WorkflowPermanentID, item.TriggerType = r.workflowID, r.triggerType()
	}
	return item
}

// workflowRun is the workflow run r as Get Workflow Runs lists it. The
// store's lock is held.
func (s *Server) workflowRun(r *run) skyvern.WorkflowRun {
	w := r.workflow
	wr := skyvern.WorkflowRun{
		WorkflowRunID:         r.id,
		WorkflowID:            r.versionID,
		WorkflowPermanentID:   r.workflowID,
		OrganizationID:        s.orgID,
		BrowserSessionID:      w.BrowserSessionID,
		BrowserProfileID:      w.BrowserProfileID,
		StartFreshBrowser:     &w.StartFreshBrowser,
		ReuseBrowserSession:   w.ReuseBrowserSession,
		Status:                r.status,
		ExtraHTTPHeaders:      w.ExtraHTTPHeaders,
		CDPConnectHeaders:     w.CDPConnectHeaders,
		ProxyLocation:         w.ProxyLocation,
		WebhookURL:            r.hookURL,
		WebhookFailureReason:  r.webhookFail,
		TOTPVerificationURL:   w.TOTPURL,
		TOTPIdentifier:        w.TOTPIdentifier,
		FailureReason:         r.failureReason,
		WorkflowTitle:         r.workflowTitle,
		MaxScreenshotScrolls:  w.MaxScreenshotScrolls,
		MaxElapsedTimeMinutes: w.MaxElapsedTimeMinutes,
		BrowserAddress:        w.BrowserAddress,
		RunWith:               w.RunWith,
		AIFallback:            w.AIFallback,
		TriggerType:           r.triggerType(),
		QueuedAt:              sdkTime(r.queued),
		StartedAt:             sdkTime(r.started),
		FinishedAt:            sdkTime(r.finished),
		CreatedAt:             sdkTime(r.created),
		ModifiedAt:            sdkTime(r.modified),
	}
	wr.WorkflowScheduleID, wr.RetriedFromWorkflowRunID = r.scheduleID, r.retriedFrom
	return wr
}

// triggerType is what started the workflow run r.
func (r *run) triggerType() skyvern.TriggerType {
	if r.trigger == "" {
		return skyvern.TriggerTypeAPI
	}
	return r.trigger
}

// timeline is the timeline of a workflow or task v2 run: nothing before
// the run starts, then one entry that follows the run's status, a block
// for a workflow run and a thought for a task v2 run. The store's lock is
// held.
func (s *Server) timeline(r *run) []skyvern.RunTimelineEntry {
	if r.started.IsZero() {
		return []skyvern.RunTimelineEntry{}
	}
	entry := skyvern.RunTimelineEntry{
		Type:       "block",
		Children:   []skyvern.RunTimelineEntry{},
		CreatedAt:  sdkTime(r.started),
		ModifiedAt: sdkTime(r.modified),
	}
	if r.typ == skyvern.RunTypeTaskV2 {
		entry.Type, entry.Thought = "thought", s.thought(r)
	} else {
		entry.Block = s.block(r)
	}
	return []skyvern.RunTimelineEntry{entry}
}

// block is the one block of a workflow run's timeline, labelled as the
// workflow's first block.
func (s *Server) block(r *run) *skyvern.WorkflowRunBlock {
	b := &skyvern.WorkflowRunBlock{
		WorkflowRunBlockID:                 r.stepID,
		WorkflowRunID:                      r.id,
		OrganizationID:                     s.orgID,
		BlockType:                          r.blockType,
		Label:                              r.blockLabel,
		Status:                             string(r.status),
		Output:                             r.output,
		FailureReason:                      r.failureReason,
		ErrorCodes:                         []string{},
		Actions:                            []json.RawMessage{},
		CreatedAt:                          sdkTime(r.started),
		ModifiedAt:                         sdkTime(r.modified),
		IncludeActionHistoryInVerification: skyvern.Ptr(false),
		IncludeExtractedText:               skyvern.Ptr(true),
	}
	if !r.finished.IsZero() {
		b.Duration = skyvern.Ptr(r.finished.Sub(r.started).Seconds())
	}
	return b
}

// thought is the one thought of a task v2 run's timeline: the agent's
// plan for the prompt.
func (s *Server) thought(r *run) *skyvern.Thought {
	return &skyvern.Thought{
		ThoughtID:           r.stepID,
		TaskID:              r.id,
		OrganizationID:      s.orgID,
		WorkflowRunID:       r.v2WorkflowRunID,
		WorkflowID:          r.versionID,
		WorkflowPermanentID: r.workflowID,
		UserInput:           r.task.Prompt,
		Thought:             "skyverntest: a made-up plan for the prompt",
		ThoughtType:         "plan",
		ThoughtScenario:     "generate_plan",
		CreatedAt:           sdkTime(r.started),
		ModifiedAt:          sdkTime(r.modified),
	}
}

// artifacts are the artifacts of r of the given types (all when none is
// given): a recording and a final screenshot once the run has finished,
// with URLs that lead nowhere. The store's lock is held.
func (s *Server) artifacts(r *run, types []skyvern.ArtifactType) []skyvern.Artifact {
	out := []skyvern.Artifact{}
	if !r.status.IsTerminal() {
		return out
	}
	a := skyvern.Artifact{RunID: r.id, OrganizationID: s.orgID, CreatedAt: sdkTime(r.finished).String(), ModifiedAt: sdkTime(r.finished).String()}
	switch r.typ {
	case skyvern.RunTypeWorkflowRun:
		a.WorkflowRunID, a.BrowserSessionID = r.id, r.workflow.BrowserSessionID
	case skyvern.RunTypeTaskV2:
		a.WorkflowRunID, a.ObserverCruiseID, a.BrowserSessionID = r.v2WorkflowRunID, r.id, r.task.BrowserSessionID
	default:
		a.TaskID, a.BrowserSessionID = r.id, r.task.BrowserSessionID
	}
	for i, kind := range [2]struct {
		typ  skyvern.ArtifactType
		file string
	}{
		{skyvern.ArtifactTypeRecording, "recording.webm"},
		{skyvern.ArtifactTypeScreenshotFinal, "screenshot_final.png"},
	} {
		if len(types) > 0 && !slices.Contains(types, kind.typ) {
			continue
		}
		path := s.orgID + "/" + r.id + "/" + kind.file
		a.ArtifactID, a.ArtifactType = r.artifactIDs[i], kind.typ
		a.URI = "s3://skyvern-artifacts/v1/production/" + path
		a.SignedURL = "https://artifacts.skyverntest.invalid/" + path
		out = append(out, a)
	}
	return out
}
