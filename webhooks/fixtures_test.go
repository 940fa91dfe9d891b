package webhooks_test

import (
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/skyvern-go/skyvern/webhooks"
)

// testKey is the API key the fixtures are signed with.
const testKey = "sk-test-key-0123456789"

// Bodies as Skyvern's server writes them (compact, members in the server's
// order, legacy members beside the run fields), written by hand.
const (
	taskV1Body = `{"task_id":"tsk_100","status":"completed","extracted_information":{"price":3,"title":"Blue <kettle> & cup"},` +
		`"failure_reason":null,"action_screenshot_urls":["https://s.example/a.png"],"screenshot_url":"https://s.example/b.png",` +
		`"browser_console_log_url":null,"downloaded_file_urls":[],"failure_category":null,"webhook_failure_reason":null,` +
		`"max_steps_per_run":10,"workflow_run_id":null,"run_id":"tsk_100","output":{"price":3,"title":"Blue <kettle> & cup"},` +
		`"downloaded_files":[],"recording_url":"https://s.example/r.webm","recording_archived":false,"screenshot_urls":["https://s.example/b.png"],` +
		`"created_at":"2026-01-31T15:20:42.160725","modified_at":"2026-01-31T15:21:02","queued_at":null,"started_at":"2026-01-31T15:20:43.5Z",` +
		`"finished_at":"2026-01-31T15:21:02","app_url":"https://app.skyvern.com/tasks/tsk_100","browser_session_id":null,"browser_profile_id":null,` +
		`"max_screenshot_scrolls":null,"script_run":null,"errors":[],"step_count":4,"run_type":"task_v1"}`

	taskV2Body = `{"task_id":"tsk_v2_200","organization_id":"o_1","workflow_run_id":"wr_201","workflow_id":"w_202","workflow_permanent_id":"wpid_203",` +
		`"prompt":"Find the price – in €","url":"https://shop.example/","summary":"Done 😀","proxy_location":{"country":"US","subdivision":"CA","city":null},` +
		`"webhook_callback_url":"https://hooks.example/skyvern","run_id":"tsk_v2_200","status":"failed","output":null,"downloaded_files":[],` +
		`"recording_url":null,"recording_archived":false,"screenshot_urls":[],"failure_reason":"line1\nline2","created_at":"2026-02-01T08:00:00",` +
		`"modified_at":"2026-02-01T08:05:00+00:00","run_type":"task_v2"}`

	workflowBody = `{"workflow_id":"wpid_300","workflow_run_id":"wr_301","status":"completed","parameters":{"city":"Paris"},` +
		`"outputs":{"block_1":{"n":100000000000000000000}},"total_steps":7,"credits_used":1.5,"workflow_title":"Prices","recording_urls":[],` +
		`"run_id":"wr_301","output":{"block_1":{"n":100000000000000000000}},"downloaded_files":[{"url":"https://f.example/x.pdf",` +
		`"checksum":"abc","filename":"x.pdf","file_size":1234,"modified_at":"2026-03-01T10:00:00","artifact_id":"a_1"}],` +
		`"recording_archived":true,"created_at":"2026-03-01T09:59:00","modified_at":"2026-03-01T10:00:01","run_type":"workflow_run",` +
		`"run_with":"agent","ai_fallback":true,"browser_seed_source":"fresh","run_request":{"workflow_id":"wpid_300","parameters":{"city":"Paris"}}}`
)

// post builds a webhook request as Skyvern sends it: signed with key when
// key is not empty.
func post(body, key string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/skyvern", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if key != "" {
		r.Header.Set("x-skyvern-signature", sign(body, key))
	}
	return r
}

func sign(body, key string) string { return webhooks.Sign([]byte(body), key) }
