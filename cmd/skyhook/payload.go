package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/skyvern-go/skyvern/internal/wire"
	"github.com/skyvern-go/skyvern/webhooks"
)

// object is a JSON object's members in their order, each kept as raw JSON.
type object = wire.Object

var null = json.RawMessage("null")

// parseObject reads a JSON object keeping its members' order and bytes.
func parseObject(data []byte) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var o object
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		o = append(o, wire.Member{Key: tok.(string), Value: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return o, nil
}

// get returns member key of o, or null.
func get(o object, key string) json.RawMessage {
	for _, m := range o {
		if m.Key == key {
			if r, ok := m.Value.(json.RawMessage); ok {
				return r
			}
			b, _ := json.Marshal(m.Value)
			return b
		}
	}
	return null
}

// set replaces member key where it is, or appends it: how the server lays
// its Run Response over a payload's legacy members (a Python dict update).
func set(o *object, key string, v any) {
	for i := range *o {
		if (*o)[i].Key == key {
			(*o)[i].Value = v
			return
		}
	}
	*o = append(*o, wire.Member{Key: key, Value: v})
}

// legacy lists, per kind of run, the legacy members the server writes
// before the Run Response, in its order, each with the Run Response (or
// run request) member it is filled from; "" is null. The orders follow
// skyverntest/render.go (taskLegacy, taskV2Legacy, workflowLegacy), which
// names the server functions they come from. Members the Run Response does
// not carry (an organization id, a workflow title, costs) are null: Get
// Run does not tell them, so a listen or replay delivery has them null.
var (
	taskLegacy = [][2]string{
		{"task_id", "run_id"}, {"status", "status"}, {"created_at", "created_at"}, {"modified_at", "modified_at"},
		{"extracted_information", "output"}, {"action_screenshot_urls", ""}, {"screenshot_url", ""},
		{"recording_url", ""}, {"browser_console_log_url", ""}, {"downloaded_files", ""},
		{"downloaded_file_urls", ""}, {"failure_reason", "failure_reason"}, {"failure_category", ""},
		{"webhook_failure_reason", "webhook_failure_reason"}, {"errors", "errors"},
		{"max_steps_per_run", "request.max_steps"}, {"workflow_run_id", ""}, {"queued_at", "queued_at"},
		{"started_at", "started_at"}, {"finished_at", "finished_at"}, {"max_screenshot_scrolls", "max_screenshot_scrolls"},
	}
	taskV2Legacy = [][2]string{
		{"task_id", "run_id"}, {"status", "status"}, {"organization_id", ""}, {"workflow_run_id", ""},
		{"workflow_id", ""}, {"workflow_permanent_id", ""}, {"prompt", "request.prompt"}, {"url", "request.url"},
		{"summary", ""}, {"output", "output"}, {"totp_verification_url", "request.totp_url"},
		{"totp_identifier", "request.totp_identifier"}, {"proxy_location", "request.proxy_location"},
		{"webhook_callback_url", "request.webhook_url"}, {"extracted_information_schema", "request.data_extraction_schema"},
		{"error_code_mapping", "request.error_code_mapping"}, {"created_at", "created_at"}, {"modified_at", "modified_at"},
		{"queued_at", "queued_at"}, {"started_at", "started_at"}, {"finished_at", "finished_at"},
	}
	workflowLegacy = [][2]string{
		{"workflow_id", "request.workflow_id"}, {"workflow_run_id", "run_id"}, {"status", "status"},
		{"failure_reason", "failure_reason"}, {"failure_category", ""}, {"proxy_location", "request.proxy_location"},
		{"webhook_callback_url", "request.webhook_url"}, {"webhook_failure_reason", "webhook_failure_reason"},
		{"totp_verification_url", "request.totp_url"}, {"totp_identifier", "request.totp_identifier"},
		{"extra_http_headers", "request.extra_http_headers"}, {"queued_at", "queued_at"}, {"started_at", "started_at"},
		{"finished_at", "finished_at"}, {"created_at", "created_at"}, {"modified_at", "modified_at"},
		{"parameters", "request.parameters"}, {"screenshot_urls", ""}, {"recording_url", ""}, {"recording_urls", ""},
		{"recording_archived", "recording_archived"}, {"downloaded_files", ""}, {"downloaded_file_urls", ""},
		{"outputs", "output"}, {"total_steps", ""}, {"total_cost", ""}, {"credits_used", ""},
		{"cached_credits_used", ""}, {"task_v2", ""}, {"workflow_title", ""}, {"browser_session_id", "browser_session_id"},
		{"browser_profile_id", "browser_profile_id"}, {"browser_seed_source", ""},
		{"max_screenshot_scrolls", "max_screenshot_scrolls"}, {"browser_address", "request.browser_address"},
		{"run_with", "run_with"}, {"script_run", ""}, {"script_id", ""}, {"errors", "errors"},
		{"agent_id", "request.workflow_id"}, {"agent_run_id", "run_id"},
	}
)

// webhookBody writes the webhook the server sends for the run whose Get
// Run body is runJSON: the legacy members of its run type, then the Run
// Response without run_request, in the server's bytes (webhooks.Marshal).
func webhookBody(runJSON []byte) ([]byte, error) {
	resp, err := parseObject(runJSON)
	if err != nil {
		return nil, fmt.Errorf("the run is not a JSON object: %w", err)
	}
	var request object
	if r := get(resp, "run_request"); !bytes.Equal(r, null) {
		request, _ = parseObject(r) // a request that is not an object fills nothing
	}
	var runType string
	_ = json.Unmarshal(get(resp, "run_type"), &runType)
	table := taskLegacy
	switch runType {
	case "workflow_run":
		table = workflowLegacy
	case "task_v2":
		table = taskV2Legacy
	}
	payload := make(object, 0, len(table)+len(resp))
	for _, m := range table {
		v := null
		switch from := m[1]; {
		case from == "":
		case len(from) > 8 && from[:8] == "request.":
			v = get(request, from[8:])
		default:
			v = get(resp, from)
		}
		payload = append(payload, wire.Member{Key: m[0], Value: v})
	}
	for _, m := range resp {
		if m.Key != "run_request" {
			set(&payload, m.Key, m.Value)
		}
	}
	return webhooks.Marshal(payload)
}
