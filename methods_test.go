package skyvern_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// TestMethodsOnTheWire checks, for every method, the request line, the body
// exactly as sent, and the headers that matter.
func TestMethodsOnTheWire(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		route       string // pattern the fake serves
		answer      string
		call        func(c *skyvern.Client) error
		method      string
		rawPath     string
		query       string
		body        string // exact bytes; "" means no body at all
		wantHeaders map[string]string
	}{
		{
			name:   "RunTask sends only the fields the caller set",
			route:  "POST /v1/run/tasks",
			answer: runJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Find the top post", URL: "https://news.ycombinator.com", WebhookURL: "https://example.com/hook"})
				return err
			},
			method: "POST", rawPath: "/v1/run/tasks",
			body:        `{"prompt":"Find the top post","url":"https://news.ycombinator.com","webhook_url":"https://example.com/hook"}`,
			wantHeaders: map[string]string{"Content-Type": "application/json"},
		},
		{
			name:   "RunTask sends explicit zeros, proxy objects and the x-user-agent header",
			route:  "POST /v1/run/tasks",
			answer: runJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.RunTask(ctx, skyvern.TaskRunRequest{
					Prompt:               "p",
					Engine:               skyvern.RunEngineSkyvernV2,
					ProxyLocation:        skyvern.GeoTarget{Country: "US", Subdivision: "CA", City: "San Francisco"},
					MaxSteps:             skyvern.Ptr(0),
					MaxScreenshotScrolls: skyvern.Ptr(3),
					DataExtractionSchema: map[string]any{"type": "object"},
					ErrorCodeMapping:     map[string]string{"login_failed": "the login was refused"},
					ExtraHTTPHeaders:     map[string]string{"X-A": "1"},
					StartFreshBrowser:    true,
					XUserAgent:           "my-bot/2",
					Extra:                map[string]json.RawMessage{"brand_new_field": json.RawMessage(`{"x":1}`)},
				})
				return err
			},
			method: "POST", rawPath: "/v1/run/tasks",
			body: `{"prompt":"p","engine":"skyvern-2.0","proxy_location":{"country":"US","subdivision":"CA","city":"San Francisco"},` +
				`"data_extraction_schema":{"type":"object"},"error_code_mapping":{"login_failed":"the login was refused"},"max_steps":0,` +
				`"start_fresh_browser":true,"extra_http_headers":{"X-A":"1"},"max_screenshot_scrolls":3,"brand_new_field":{"x":1}}`,
			wantHeaders: map[string]string{"X-User-Agent": "my-bot/2"},
		},
		{
			name:   "RunTask sends an explicit null through Extra",
			route:  "POST /v1/run/tasks",
			answer: runJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Extra: map[string]json.RawMessage{"proxy_location": json.RawMessage("null")}})
				return err
			},
			method: "POST", rawPath: "/v1/run/tasks",
			body: `{"prompt":"p","proxy_location":null}`,
		},
		{
			name:   "RunWorkflow uses the long-lived workflow_id route",
			route:  "POST /v1/run/workflows",
			answer: `{"run_id":"wr_1","status":"created","run_type":"workflow_run"}`,
			call: func(c *skyvern.Client) error {
				_, err := c.RunWorkflow(ctx, skyvern.WorkflowRunRequest{
					WorkflowID: "wpid_123", Parameters: map[string]any{"zip": "94107", "n": 2},
					WebhookURL: "https://example.com/hook", ProxyLocation: skyvern.ProxyLocationResidentialGB,
					ReuseBrowserSession: skyvern.Ptr(false),
				})
				return err
			},
			method: "POST", rawPath: "/v1/run/workflows",
			body: `{"workflow_id":"wpid_123","parameters":{"n":2,"zip":"94107"},"proxy_location":"RESIDENTIAL_GB",` +
				`"webhook_url":"https://example.com/hook","reuse_browser_session":false}`,
		},
		{
			name:   "RunWorkflow sends template as a query parameter and the override headers",
			route:  "POST /v1/run/workflows",
			answer: `{"run_id":"wr_1","status":"created","run_type":"workflow_run"}`,
			call: func(c *skyvern.Client) error {
				_, err := c.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_1", Template: true, MaxStepsOverride: skyvern.Ptr(25), XUserAgent: "ua"})
				return err
			},
			method: "POST", rawPath: "/v1/run/workflows", query: "template=true",
			body:        `{"workflow_id":"wpid_1"}`,
			wantHeaders: map[string]string{"X-Max-Steps-Override": "25", "X-User-Agent": "ua"},
		},
		{
			name:   "GetRun sends no body",
			route:  "GET /v1/runs/{id}",
			answer: runJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.GetRun(ctx, "tsk_123")
				return err
			},
			method: "GET", rawPath: "/v1/runs/tsk_123",
		},
		{
			name:   "GetRun escapes the run id as one path segment",
			route:  "GET /v1/runs/{id}",
			answer: runJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.GetRun(ctx, "a/b?c#d e")
				return err
			},
			method: "GET", rawPath: "/v1/runs/a%2Fb%3Fc%23d%20e",
		},
		{
			name:   "GetRun escapes a dot-dot id so it cannot climb the path",
			route:  "GET /v1/runs/{id}",
			answer: runJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.GetRun(ctx, "..")
				return err
			},
			method: "GET", rawPath: "/v1/runs/%2E%2E",
		},
		{
			name:   "CancelRun posts no body and accepts the server's null",
			route:  "POST /v1/runs/{id}/cancel",
			answer: `null`,
			call:   func(c *skyvern.Client) error { return c.CancelRun(ctx, "wr_123") },
			method: "POST", rawPath: "/v1/runs/wr_123/cancel",
		},
		{
			name:   "RetryRunWebhook without an override posts no body",
			route:  "POST /v1/runs/{id}/retry_webhook",
			answer: `{"run_id":"tsk_123","run_type":"task_v1","payload":"{}","headers":{}}`,
			call: func(c *skyvern.Client) error {
				_, err := c.RetryRunWebhook(ctx, "tsk_123", skyvern.RetryRunWebhookRequest{})
				return err
			},
			method: "POST", rawPath: "/v1/runs/tsk_123/retry_webhook",
		},
		{
			name:   "RetryRunWebhook with an override posts the URL",
			route:  "POST /v1/runs/{id}/retry_webhook",
			answer: `{"run_id":"tsk_123","run_type":"task_v1","payload":"{}","headers":{}}`,
			call: func(c *skyvern.Client) error {
				_, err := c.RetryRunWebhook(ctx, "tsk_123", skyvern.RetryRunWebhookRequest{WebhookURL: "https://new.example.com/hook"})
				return err
			},
			method: "POST", rawPath: "/v1/runs/tsk_123/retry_webhook",
			body: `{"webhook_url":"https://new.example.com/hook"}`, wantHeaders: map[string]string{"Content-Type": "application/json"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t)
			f.reply(tc.route, http.StatusOK, tc.answer)
			require.NoError(t, tc.call(f.client))

			got := f.only()
			assert.Equal(t, tc.method, got.Method)
			assert.Equal(t, tc.rawPath, got.RawPath)
			assert.Equal(t, tc.query, got.Query)
			assert.Equal(t, tc.body, string(got.Body))
			if tc.body == "" {
				assert.Empty(t, got.Header.Get("Content-Type"), "no body, so no Content-Type")
			}
			assert.Equal(t, testKey, got.Header.Get("x-api-key"))
			for k, v := range tc.wantHeaders {
				assert.Equal(t, v, got.Header.Get(k), "header %s", k)
			}
		})
	}
}

func TestEmptyIDsAreRefusedBeforeSending(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	_, err := f.client.GetRun(ctx, "")
	assert.ErrorIs(t, err, skyvern.ErrEmptyID)
	assert.ErrorIs(t, f.client.CancelRun(ctx, ""), skyvern.ErrEmptyID)
	_, err = f.client.RetryRunWebhook(ctx, "", skyvern.RetryRunWebhookRequest{})
	assert.ErrorIs(t, err, skyvern.ErrEmptyID)
	assert.Empty(t, f.requests())
}

func TestRequestsAreNotModified(t *testing.T) {
	f := setup(t)
	f.reply("POST /v1/run/workflows", 200, `{"run_id":"wr_1","status":"created"}`)
	params := map[string]any{"a": 1}
	req := skyvern.WorkflowRunRequest{WorkflowID: "wpid_1", Parameters: params, MaxStepsOverride: skyvern.Ptr(3)}
	before := req
	_, err := f.client.RunWorkflow(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, before, req)
	assert.Equal(t, map[string]any{"a": 1}, params)
}

func TestRunTaskReturnsTheCreatedRun(t *testing.T) {
	f := setup(t)
	f.reply("POST /v1/run/tasks", 200, runJSON)
	run, err := f.client.RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	assert.Equal(t, "tsk_123", run.RunID)
	assert.Equal(t, skyvern.RunStatusQueued, run.Status)
	assert.Equal(t, skyvern.RunTypeTaskV1, run.RunType)
	assert.Equal(t, "https://app.skyvern.com/tasks/tsk_123", run.AppURL)
	assert.Equal(t, "2026-01-31T15:20:42.160725Z", run.CreatedAt.Format("2006-01-02T15:04:05.999999Z07:00"))
	assert.True(t, run.FinishedAt.IsZero(), "a null finished_at is the zero time")
	assert.Nil(t, run.StepCount)
}

func TestRetryRunWebhookReportsTheReceiversAnswer(t *testing.T) {
	f := setup(t)
	f.reply("POST /v1/runs/{id}/retry_webhook", 200, `{"run_id":"tsk_1","run_type":"task_v1",`+
		`"default_webhook_url":"https://a.example/hook","target_webhook_url":"https://b.example/hook",`+
		`"payload":"{\"run_id\":\"tsk_1\"}","headers":{"x-skyvern-signature":"ab12","x-skyvern-timestamp":"1769872842"},`+
		`"status_code":500,"latency_ms":12,"response_body":"boom","error":null}`)

	rep, err := f.client.RetryRunWebhook(context.Background(), "tsk_1", skyvern.RetryRunWebhookRequest{WebhookURL: "https://b.example/hook"})
	require.NoError(t, err, "a receiver's 500 is still a successful replay call")
	assert.False(t, rep.Delivered())
	assert.Equal(t, 500, rep.StatusCode)
	assert.Equal(t, "boom", rep.ResponseBody)
	assert.Equal(t, `{"run_id":"tsk_1"}`, rep.Payload)
	assert.Equal(t, "ab12", rep.Headers["x-skyvern-signature"])
	assert.Equal(t, "https://b.example/hook", rep.TargetWebhookURL)
	assert.Equal(t, "12ms", rep.Latency().String())
	assert.Equal(t, "replay of tsk_1 to https://b.example/hook: HTTP 500 (12ms)", rep.String())

	t.Run("a 2xx answer is a delivery", func(t *testing.T) {
		ok := skyvern.RunWebhookReplayResponse{StatusCode: 204}
		assert.True(t, ok.Delivered())
		failed := skyvern.RunWebhookReplayResponse{Error: "connection refused"}
		assert.False(t, failed.Delivered())
		assert.Contains(t, failed.String(), "error: connection refused")
	})
}
