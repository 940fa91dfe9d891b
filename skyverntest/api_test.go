package skyverntest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

func TestServerListensOnLoopbackWithItsKey(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithAPIKey("sk-test"))
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, srv.URL)
	assert.Equal(t, "sk-test", srv.APIKey)
	assert.Equal(t, srv.URL, srv.Client().BaseURL())

	other := skyverntest.NewServer(t)
	assert.Regexp(t, `^skyverntest_[0-9a-f]{32}$`, other.APIKey)
	assert.NotEqual(t, srv.APIKey, other.APIKey)
}

func TestStartRejectsInvalidOptions(t *testing.T) {
	for name, opt := range map[string]skyverntest.Option{
		"empty key":          skyverntest.WithAPIKey(""),
		"negative duration":  skyverntest.WithRunDuration(-time.Second),
		"bad port":           skyverntest.WithPort(70000),
		"zero timeout":       skyverntest.WithWebhookTimeout(0),
		"non-final outcome":  skyverntest.WithDefaultOutcome(skyverntest.Outcome{Status: skyvern.RunStatusRunning}),
		"unencodable output": skyverntest.WithDefaultOutcome(skyverntest.Outcome{Output: make(chan int)}),
	} {
		t.Run(name, func(t *testing.T) {
			srv, err := skyverntest.Start(opt)
			assert.Nil(t, srv)
			assert.ErrorContains(t, err, "skyverntest:")
		})
	}
}

func TestWrongOrMissingKeyGets403InvalidCredentials(t *testing.T) {
	srv := skyverntest.NewServer(t)
	for _, key := range []string{"", "wrong"} {
		status, body, _ := do(t, "GET", srv.URL+"/v1/runs/tsk_1", key, "")
		assert.Equal(t, http.StatusForbidden, status)
		assert.JSONEq(t, `{"detail":"Invalid credentials"}`, string(body))
	}

	bad, err := skyvern.NewClient(skyvern.WithAPIKey("wrong"), skyvern.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = bad.RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	assert.ErrorIs(t, err, skyvern.ErrUnauthorized)
	assert.Empty(t, srv.Runs(), "a refused request creates no run")
}

func TestUnknownRunGets404(t *testing.T) {
	srv := skyverntest.NewServer(t)
	client := srv.Client()
	ctx := ctxT(t)

	_, err := client.GetRun(ctx, "tsk_404")
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, "Task run not found tsk_404", apiErr.Detail)

	assert.ErrorIs(t, client.CancelRun(ctx, "wr_404"), skyvern.ErrNotFound)
	_, err = client.RetryRunWebhook(ctx, "tsk_404", skyvern.RetryRunWebhookRequest{})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)

	status, body, _ := do(t, "GET", srv.URL+"/v1/nothing", srv.APIKey, "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.JSONEq(t, `{"detail":"Not Found"}`, string(body))
}

func TestInvalidBodiesGetFastAPIValidationErrors(t *testing.T) {
	srv := skyverntest.NewServer(t)
	tests := []struct {
		name, path, body, want string
	}{
		{
			"a task without a prompt", "/v1/run/tasks", `{"url":"https://example.com"}`,
			`{"detail":[{"type":"missing","loc":["body","prompt"],"msg":"Field required","input":{"url":"https://example.com"}}]}`,
		},
		{
			"a prompt that is not a string", "/v1/run/tasks", `{"prompt":5,"max_steps":"x"}`,
			`{"detail":[{"type":"string_type","loc":["body","prompt"],"msg":"Input should be a valid string","input":5},` +
				`{"type":"int_type","loc":["body","max_steps"],"msg":"Input should be a valid integer","input":"x"}]}`,
		},
		{
			"an unknown engine", "/v1/run/tasks", `{"prompt":"p","engine":"skyvern-9"}`,
			`{"detail":[{"type":"enum","loc":["body","engine"],"msg":"Input should be 'skyvern-1.0', 'skyvern-2.0', 'skyvern-3.0', 'openai-cua', 'anthropic-cua', 'ui-tars' or 'yutori-navigator'","input":"skyvern-9","ctx":{"expected":"'skyvern-1.0', 'skyvern-2.0', 'skyvern-3.0', 'openai-cua', 'anthropic-cua', 'ui-tars' or 'yutori-navigator'"}}]}`,
		},
		{
			"a body that is not JSON", "/v1/run/tasks", `{"prompt":`,
			`{"detail":[{"type":"json_invalid","loc":["body",10],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting value"}}]}`,
		},
		{
			"a body that is a list", "/v1/run/tasks", `[1]`,
			`{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[1]}]}`,
		},
		{
			"a workflow run without workflow_id", "/v1/run/workflows", `{}`,
			`{"detail":[{"type":"missing","loc":["body","workflow_id"],"msg":"Field required","input":{}}]}`,
		},
		{
			"an agent run without agent_id", "/v1/run/agents", `{"parameters":[]}`,
			`{"detail":[{"type":"missing","loc":["body","agent_id"],"msg":"Field required","input":{"parameters":[]}},` +
				`{"type":"dict_type","loc":["body","parameters"],"msg":"Input should be a valid dictionary","input":[]}]}`,
		},
		{
			"a replay with a webhook_url that is not a string", "/v1/runs/tsk_1/retry_webhook", `{"webhook_url":1}`,
			`{"detail":[{"type":"string_type","loc":["body","webhook_url"],"msg":"Input should be a valid string","input":1}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := do(t, "POST", srv.URL+tt.path, srv.APIKey, tt.body)
			assert.Equal(t, http.StatusUnprocessableEntity, status)
			assert.JSONEq(t, tt.want, string(body))
		})
	}

	_, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{URL: "https://example.com"})
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, skyvern.ErrValidation)
	require.Len(t, apiErr.ValidationErrors, 1)
	assert.Equal(t, "body.prompt: Field required", apiErr.ValidationErrors[0].String())
	assert.Empty(t, srv.Runs())
}

func TestRunTaskAnswersWithTheCreatedRun(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	ctx := ctxT(t)
	run, err := srv.Client().RunTask(ctx, skyvern.TaskRunRequest{
		Prompt:     "Find the price",
		URL:        "https://example.com",
		MaxSteps:   skyvern.Ptr(7),
		WebhookURL: "http://127.0.0.1:1/hook",
	})
	require.NoError(t, err)
	assert.Regexp(t, `^tsk_\d{15,}$`, run.RunID)
	assert.Equal(t, skyvern.RunStatusCreated, run.Status)
	assert.Equal(t, skyvern.RunTypeTaskV1, run.RunType)
	assert.True(t, run.CreatedAt.Equal(srv.Now()))
	assert.Equal(t, "https://app.skyvern.com/tasks/"+run.RunID, run.AppURL)

	req, err := run.TaskRequest()
	require.NoError(t, err)
	assert.Equal(t, "Find the price", req.Prompt)
	assert.Equal(t, skyvern.RunEngineSkyvernV1, req.Engine, "run_request shows the server's defaults")
	assert.Equal(t, skyvern.ProxyLocationResidential, req.ProxyLocation)
	assert.Equal(t, 7, *req.MaxSteps)

	// On the wire: every member, in the server's order, null ones included,
	// datetimes without a timezone.
	status, body, header := do(t, "GET", srv.URL+"/v1/runs/"+run.RunID, srv.APIKey, "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "application/json", header.Get("Content-Type"))
	assert.Equal(t, []string{"run_id", "status", "output", "downloaded_files", "recording_url",
		"recording_archived", "screenshot_urls", "failure_reason", "created_at", "modified_at",
		"queued_at", "started_at", "finished_at", "app_url", "browser_session_id",
		"browser_profile_id", "max_screenshot_scrolls", "script_run", "errors", "step_count",
		"run_type", "run_request"}, keys(t, body))
	m := members(t, body)
	assert.Regexp(t, `^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?"$`, string(m["created_at"]))
	assert.Equal(t, "null", string(m["queued_at"]))
	assert.Equal(t, []string{"prompt", "url", "engine", "title", "proxy_location",
		"data_extraction_schema", "error_code_mapping", "max_steps", "webhook_url",
		"totp_identifier", "totp_url", "browser_session_id", "browser_profile_id",
		"start_fresh_browser", "model", "extra_http_headers", "cdp_connect_headers",
		"publish_workflow", "include_action_history_in_verification",
		"max_screenshot_scrolls", "browser_address", "run_with"}, keys(t, m["run_request"]))
}

func TestRunIDsFollowTheEngine(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	ctx := ctxT(t)
	for engine, want := range map[skyvern.RunEngine]struct {
		prefix string
		typ    skyvern.RunType
	}{
		skyvern.RunEngineSkyvernV1:    {`^tsk_\d+$`, skyvern.RunTypeTaskV1},
		skyvern.RunEngineSkyvernV2:    {`^tsk_v2_\d+$`, skyvern.RunTypeTaskV2},
		skyvern.RunEngineSkyvernV3:    {`^tsk_\d+$`, skyvern.RunTypeTaskV3},
		skyvern.RunEngineOpenAICUA:    {`^tsk_\d+$`, skyvern.RunTypeOpenAICUA},
		skyvern.RunEngineAnthropicCUA: {`^tsk_\d+$`, skyvern.RunTypeAnthropicCUA},
	} {
		run, err := srv.Client().RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Engine: engine})
		require.NoError(t, err)
		assert.Regexp(t, regexp.MustCompile(want.prefix), run.RunID, engine)
		assert.Equal(t, want.typ, run.RunType, engine)
	}
}

func TestRunWorkflowNeedsAKnownWorkflow(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)

	_, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_unknown"})
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, "Workflow not found. workflow_permanent_id=wpid_unknown", apiErr.Detail)

	srv.OnWorkflow("wpid_known", skyverntest.Outcome{})
	run, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{
		WorkflowID: "wpid_known",
		Parameters: map[string]any{"zip": "10001"},
	})
	require.NoError(t, err)
	assert.Regexp(t, `^wr_\d+$`, run.RunID)
	assert.Equal(t, skyvern.RunTypeWorkflowRun, run.RunType)
	assert.Equal(t, "agent", run.RunWith)
	req, err := run.WorkflowRequest()
	require.NoError(t, err)
	assert.Equal(t, "wpid_known", req.WorkflowID)
	assert.Equal(t, map[string]any{"zip": "10001"}, req.Parameters)

	// The newer route takes agent_id, and its run_request names it workflow_id.
	status, body, _ := do(t, "POST", srv.URL+"/v1/run/agents", srv.APIKey, `{"agent_id":"wpid_known"}`)
	require.Equal(t, http.StatusOK, status, string(body))
	var viaAgents skyvern.RunResponse
	require.NoError(t, json.Unmarshal(body, &viaAgents))
	req, err = viaAgents.WorkflowRequest()
	require.NoError(t, err)
	assert.Equal(t, "wpid_known", req.WorkflowID)
	assert.Equal(t, "workflow_id", keys(t, viaAgents.RunRequest)[0])
}

func TestWithAnyWorkflowAcceptsEveryWorkflow(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	run, err := srv.Client().RunWorkflow(ctxT(t), skyvern.WorkflowRunRequest{WorkflowID: "wpid_anything"})
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunStatusCreated, run.Status)
}

func TestRequestsAreRecorded(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client(skyvern.WithUserAgent("orders/1.0"))
	ctx := ctxT(t)
	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	_, err = client.GetRun(ctx, run.RunID)
	require.NoError(t, err)

	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "POST", reqs[0].Method)
	assert.Equal(t, "/v1/run/tasks", reqs[0].Path)
	assert.Equal(t, skyverntest.RouteRunTask, reqs[0].Route)
	assert.JSONEq(t, `{"prompt":"p"}`, string(reqs[0].Body))
	assert.Equal(t, srv.APIKey, reqs[0].Header.Get("X-Api-Key"))
	assert.Contains(t, reqs[0].Header.Get("User-Agent"), "orders/1.0")
	assert.Equal(t, skyverntest.RouteGetRun, reqs[1].Route)
	assert.Equal(t, "/v1/runs/"+run.RunID, reqs[1].Path)

	// Copies: changing them changes nothing in the server.
	reqs[0].Body[0] = 'X'
	reqs[0].Header.Set("X-Api-Key", "changed")
	again := srv.Requests()
	assert.Equal(t, byte('{'), again[0].Body[0])
	assert.Equal(t, srv.APIKey, again[0].Header.Get("X-Api-Key"))
}

func TestWithMaxRecordsKeepsTheMostRecent(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithMaxRecords(3))
	for i := range 10 {
		do(t, "GET", srv.URL+"/v1/runs/tsk_"+string(rune('0'+i)), srv.APIKey, "")
	}
	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "/v1/runs/tsk_9", reqs[2].Path)
	assert.Equal(t, "/v1/runs/tsk_7", reqs[0].Path)
}

func TestErrorsAreRecognisedByTheClient(t *testing.T) {
	// The fake's error bodies decode as the SDK expects them from Skyvern.
	srv := skyverntest.NewServer(t)
	_, err := srv.Client().GetRun(ctxT(t), "tsk_x")
	assert.True(t, errors.Is(err, skyvern.ErrNotFound))
}
