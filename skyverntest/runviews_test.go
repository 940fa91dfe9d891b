package skyverntest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// apiError returns err as an *APIError, failing the test if it is not one.
func apiError(t *testing.T, err error) *skyvern.APIError {
	t.Helper()
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	return apiErr
}

// runIDs returns the run ids of a page of ListRuns.
func runIDs(items []skyvern.RunListItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.RunID
	}
	return out
}

func TestListRunsPagesThroughEveryRunNewestFirst(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	client := srv.Client()
	ctx := ctxT(t)
	var newestFirst []string
	for range 25 {
		run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
		require.NoError(t, err)
		newestFirst = append([]string{run.RunID}, newestFirst...)
	}

	var got []string
	for item, err := range client.ListRuns(ctx, skyvern.ListRunsParams{PageSize: 10}) {
		require.NoError(t, err)
		got = append(got, item.RunID)
	}
	assert.Equal(t, newestFirst, got)
	var queries []string
	for _, r := range srv.Requests() {
		if r.Route == skyverntest.RouteListRuns {
			queries = append(queries, r.RawQuery)
		}
	}
	assert.Equal(t, []string{"page=1&page_size=10", "page=2&page_size=10", "page=3&page_size=10"}, queries)

	first, err := client.ListRunsPage(ctx, skyvern.ListRunsParams{})
	require.NoError(t, err)
	assert.Equal(t, newestFirst[:10], runIDs(first), "the server's default page size is 10")
	last, err := client.ListRunsPage(ctx, skyvern.ListRunsParams{Page: 3, PageSize: 10})
	require.NoError(t, err)
	assert.Equal(t, newestFirst[20:], runIDs(last))
	beyond, err := client.ListRunsPage(ctx, skyvern.ListRunsParams{Page: 4, PageSize: 10})
	require.NoError(t, err)
	assert.NotNil(t, beyond)
	assert.Empty(t, beyond)
}

func TestListRunsFilters(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	srv.OnPrompt("fail", skyverntest.Outcome{Status: skyvern.RunStatusFailed})
	client := srv.Client()
	ctx := ctxT(t)
	start := func(req any) string {
		t.Helper()
		var run *skyvern.RunResponse
		var err error
		switch req := req.(type) {
		case skyvern.TaskRunRequest:
			run, err = client.RunTask(ctx, req)
		case skyvern.WorkflowRunRequest:
			run, err = client.RunWorkflow(ctx, req)
		}
		require.NoError(t, err)
		return run.RunID
	}
	plain := start(skyvern.TaskRunRequest{Prompt: "p", Title: "Plain"})
	failed := start(skyvern.TaskRunRequest{Prompt: "fail"})
	v2 := start(skyvern.TaskRunRequest{Prompt: "Find the papaya price", URL: "https://MANGO.example.com", Engine: skyvern.RunEngineSkyvernV2,
		WebhookURL: "https://hooks.example.com/kiwi"})
	wrA := start(skyvern.WorkflowRunRequest{WorkflowID: "wpid_a", Title: "Invoices"})
	wrB := start(skyvern.WorkflowRunRequest{WorkflowID: "wpid_b", Parameters: map[string]any{"zip": "10001"}})
	srv.Advance(skyverntest.DefaultRunDuration)
	held := start(skyvern.TaskRunRequest{Prompt: "p"}) // still created

	list := func(p skyvern.ListRunsParams) []string {
		t.Helper()
		items, err := client.ListRunsPage(ctx, p)
		require.NoError(t, err)
		return runIDs(items)
	}
	tests := []struct {
		name string
		p    skyvern.ListRunsParams
		want []string
	}{
		{"no filter", skyvern.ListRunsParams{}, []string{held, wrB, wrA, v2, failed, plain}},
		{"one status", skyvern.ListRunsParams{Status: []skyvern.RunStatus{skyvern.RunStatusFailed}}, []string{failed}},
		{"two statuses", skyvern.ListRunsParams{Status: []skyvern.RunStatus{skyvern.RunStatusFailed, skyvern.RunStatusCreated}}, []string{held, failed}},
		{"a run type", skyvern.ListRunsParams{RunType: []skyvern.RunType{skyvern.RunTypeWorkflowRun}}, []string{wrB, wrA}},
		{"two run types", skyvern.ListRunsParams{RunType: []skyvern.RunType{skyvern.RunTypeTaskV2, skyvern.RunTypeWorkflowRun}}, []string{wrB, wrA, v2}},
		{"a workflow", skyvern.ListRunsParams{WorkflowIDs: []string{"wpid_a"}}, []string{wrA}},
		{"two workflows", skyvern.ListRunsParams{WorkflowIDs: []string{"wpid_a", "wpid_b"}}, []string{wrB, wrA}},
		{"a search in the URL, ignoring case", skyvern.ListRunsParams{SearchKey: "mango"}, []string{v2}},
		{"a search in the title", skyvern.ListRunsParams{SearchKey: "plain"}, []string{plain}},
		{"a search in the parameter values", skyvern.ListRunsParams{SearchKey: "10001"}, []string{wrB}},
		{"a search in the parameter keys", skyvern.ListRunsParams{SearchKey: "ZIP"}, []string{wrB}},
		{"a search for the workflow", skyvern.ListRunsParams{SearchKey: "wpid_b"}, []string{wrB}},
		{"a search for the id", skyvern.ListRunsParams{SearchKey: failed}, []string{failed}},
		{"a search never looks at the prompt", skyvern.ListRunsParams{SearchKey: "papaya"}, []string{}},
		{"a search never looks at the webhook URL", skyvern.ListRunsParams{SearchKey: "kiwi"}, []string{}},
		{"a search never looks at the rest of the request", skyvern.ListRunsParams{SearchKey: "residential"}, []string{}},
		{"tags, which no run has", skyvern.ListRunsParams{Tags: []string{"env:prod"}}, []string{}},
		{"filters together", skyvern.ListRunsParams{Status: []skyvern.RunStatus{skyvern.RunStatusCompleted}, RunType: []skyvern.RunType{skyvern.RunTypeTaskV1}}, []string{plain}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, list(tt.p))
		})
	}

	items, err := client.ListRunsPage(ctx, skyvern.ListRunsParams{WorkflowIDs: []string{"wpid_a"}})
	require.NoError(t, err)
	require.Len(t, items, 1)
	item := items[0]
	assert.Regexp(t, `^tr_\d+$`, item.TaskRunID)
	assert.Equal(t, skyvern.RunTypeWorkflowRun, item.RunType)
	assert.Equal(t, skyvern.RunStatusCompleted, item.Status)
	assert.Empty(t, item.Title, "the request's title is dropped; the fake knows no title of a registered workflow")
	assert.Equal(t, "wpid_a", item.WorkflowPermanentID)
	assert.Equal(t, skyvern.TriggerTypeAPI, item.TriggerType)
	assert.False(t, item.WorkflowDeleted)
	assert.False(t, item.ScriptRun)
	got, err := client.GetRun(ctx, wrA)
	require.NoError(t, err)
	assert.True(t, item.CreatedAt.Equal(got.CreatedAt.Time))
	assert.True(t, item.StartedAt.Equal(got.StartedAt.Time))
	assert.True(t, item.FinishedAt.Equal(got.FinishedAt.Time))
	assert.Empty(t, item.Extra)

	status, body, _ := do(t, "GET", srv.URL+"/v1/runs?run_type=task_v1&page_size=1", srv.APIKey, "")
	require.Equal(t, http.StatusOK, status)
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(body, &raw))
	require.Len(t, raw, 1)
	assert.Equal(t, []string{"task_run_id", "run_id", "task_run_type", "status", "title", "started_at",
		"finished_at", "created_at", "workflow_permanent_id", "workflow_deleted", "script_run",
		"trigger_type"}, keys(t, raw[0]))
	m := members(t, raw[0])
	assert.Equal(t, "null", string(m["started_at"]), "the newest task run has not started")
	assert.Equal(t, "null", string(m["workflow_permanent_id"]))
}

func TestListRunsRefusesOutOfRangeParameters(t *testing.T) {
	srv := skyverntest.NewServer(t)
	client := srv.Client()
	ctx := ctxT(t)
	for name, tt := range map[string]struct {
		p    skyvern.ListRunsParams
		want string
	}{
		"page above 100":      {skyvern.ListRunsParams{Page: 101}, "query.page: Input should be less than or equal to 100"},
		"page size above 100": {skyvern.ListRunsParams{PageSize: 101}, "query.page_size: Input should be less than or equal to 100"},
		"a short search key":  {skyvern.ListRunsParams{SearchKey: "ab"}, "query.search_key: String should have at least 3 characters"},
		"51 workflows": {skyvern.ListRunsParams{WorkflowIDs: make([]string, 51)},
			"query.workflow_permanent_id: List should have at most 50 items after validation, not 51"},
		"21 tags": {skyvern.ListRunsParams{Tags: make([]string, 21)}, "query.tags: List should have at most 20 items after validation, not 21"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := client.ListRunsPage(ctx, tt.p)
			assert.ErrorIs(t, err, skyvern.ErrValidation)
			apiErr := apiError(t, err)
			require.Len(t, apiErr.ValidationErrors, 1)
			assert.Equal(t, tt.want, apiErr.ValidationErrors[0].String())
		})
	}

	status, body, _ := do(t, "GET", srv.URL+"/v1/runs?page=0&page_size=x", srv.APIKey, "")
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.JSONEq(t, `{"detail":[`+
		`{"type":"greater_than_equal","loc":["query","page"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}},`+
		`{"type":"int_parsing","loc":["query","page_size"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"}]}`,
		string(body))
}

// With a search_key or a workflow_permanent_id, Get Runs serves the first
// 1000 matches only: the page that reaches them is cut there, and a page
// past them is a 400 with the server's detail, whether or not there are
// matches.
func TestListRunsSearchesStopAt1000Matches(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	for range 1005 {
		_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", URL: "https://shop.example.com"})
		require.NoError(t, err)
	}
	search := skyvern.ListRunsParams{SearchKey: "shop.example", Page: 34, PageSize: 30}
	last, err := client.ListRunsPage(ctx, search)
	require.NoError(t, err)
	assert.Len(t, last, 10, "matches 991 to 1000 of 1005")
	plain, err := client.ListRunsPage(ctx, skyvern.ListRunsParams{Page: 34, PageSize: 30})
	require.NoError(t, err)
	assert.Len(t, plain, 15, "no limit without a search")

	for _, p := range []skyvern.ListRunsParams{
		{SearchKey: "shop.example", Page: 11, PageSize: 100},
		{SearchKey: "no such run", Page: 35, PageSize: 30},
		{WorkflowIDs: []string{"wpid_x"}, Page: 100, PageSize: 11},
	} {
		_, err := client.ListRunsPage(ctx, p)
		assert.ErrorIs(t, err, skyvern.ErrBadRequest, "%+v", p)
		assert.Equal(t, "Search pagination is limited to the first 1000 matches. Use a narrower search.", apiError(t, err).Detail, "%+v", p)
	}
	_, err = client.ListRunsPage(ctx, skyvern.ListRunsParams{Page: 11, PageSize: 100})
	assert.NoError(t, err, "no limit without a search")
}

func TestListWorkflowRuns(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{
		Title:             "Invoices",
		DefaultWebhookURL: "http://127.0.0.1:1/hook",
		Body: skyvern.WorkflowBody{Parameters: []map[string]any{{"parameter_type": "workflow", "key": "month",
			"workflow_parameter_type": "integer", "description": "The billing period"}}},
	}})
	require.NoError(t, err)
	srv.OnWorkflow("wpid_registered", skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "no invoices"})
	sess, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
	require.NoError(t, err)

	var newestFirst []string
	for i := range 5 {
		req := skyvern.WorkflowRunRequest{WorkflowID: wf.WorkflowPermanentID, Parameters: map[string]any{"month": i}}
		if i%2 == 1 {
			req = skyvern.WorkflowRunRequest{WorkflowID: "wpid_registered", Title: "Registered", BrowserSessionID: sess.BrowserSessionID}
		}
		run, err := client.RunWorkflow(ctx, req)
		require.NoError(t, err)
		newestFirst = append([]string{run.RunID}, newestFirst...)
		_, err = client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "not a workflow run"})
		require.NoError(t, err)
	}
	srv.Advance(skyverntest.DefaultRunDuration)

	var got []*skyvern.WorkflowRun
	for run, err := range client.ListRunsOfAllWorkflows(ctx, skyvern.ListRunsOfAllWorkflowsParams{PageSize: 2}) {
		require.NoError(t, err)
		got = append(got, run)
	}
	require.Len(t, got, 5)
	for i, run := range got {
		assert.Equal(t, newestFirst[i], run.WorkflowRunID)
	}

	saved, registered := got[0], got[1]
	assert.Equal(t, wf.WorkflowID, saved.WorkflowID, "the version that ran")
	assert.Equal(t, wf.WorkflowPermanentID, saved.WorkflowPermanentID)
	assert.Equal(t, wf.OrganizationID, saved.OrganizationID)
	assert.Equal(t, "Invoices", saved.WorkflowTitle)
	assert.Equal(t, skyvern.RunStatusCompleted, saved.Status)
	assert.Equal(t, "http://127.0.0.1:1/hook", saved.WebhookURL, "the workflow's default callback")
	assert.Equal(t, skyvern.TriggerTypeAPI, saved.TriggerType)
	assert.False(t, saved.FinishedAt.IsZero())
	assert.Regexp(t, `^w_\d+$`, registered.WorkflowID)
	assert.Equal(t, "wpid_registered", registered.WorkflowPermanentID)
	assert.Empty(t, registered.WorkflowTitle, "the request's title is dropped")
	assert.Equal(t, skyvern.RunStatusFailed, registered.Status)
	assert.Equal(t, "no invoices", registered.FailureReason)
	assert.Equal(t, sess.BrowserSessionID, registered.BrowserSessionID)
	assert.Empty(t, registered.WebhookURL)
	assert.Empty(t, saved.Extra)

	failed, err := client.ListRunsOfAllWorkflowsPage(ctx, skyvern.ListRunsOfAllWorkflowsParams{Status: []skyvern.RunStatus{skyvern.RunStatusFailed}})
	require.NoError(t, err)
	assert.Len(t, failed, 2)
	for _, key := range []string{"MONTH", "billing period", "invoices", wf.WorkflowPermanentID} { // parameter key, its description, the title, the workflow
		found, err := client.ListRunsOfAllWorkflowsPage(ctx, skyvern.ListRunsOfAllWorkflowsParams{SearchKey: key})
		require.NoError(t, err)
		assert.Equal(t, []string{newestFirst[0], newestFirst[2], newestFirst[4]}, workflowRunIDs(found), key)
	}
	hooked, err := client.ListRunsOfAllWorkflowsPage(ctx, skyvern.ListRunsOfAllWorkflowsParams{SearchKey: "127.0.0.1"})
	require.NoError(t, err)
	assert.Empty(t, hooked, "the webhook URL is not searched")
	coded, err := client.ListRunsOfAllWorkflowsPage(ctx, skyvern.ListRunsOfAllWorkflowsParams{ErrorCode: "LOGIN_FAILED"})
	require.NoError(t, err)
	assert.Empty(t, coded)
	_, err = client.ListRunsOfAllWorkflowsPage(ctx, skyvern.ListRunsOfAllWorkflowsParams{SearchKey: strings.Repeat("x", 501)})
	assert.ErrorIs(t, err, skyvern.ErrValidation)

	// Every member of the spec's WorkflowRun, under both names.
	_, viaWorkflows, _ := do(t, "GET", srv.URL+"/v1/workflows/runs?page_size=1", srv.APIKey, "")
	status, viaAgents, _ := do(t, "GET", srv.URL+"/v1/agents/runs?page_size=1", srv.APIKey, "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, string(viaWorkflows), string(viaAgents))
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(viaAgents, &raw))
	require.Len(t, raw, 1)
	assert.ElementsMatch(t, []string{"workflow_run_id", "workflow_id", "workflow_permanent_id", "organization_id",
		"browser_session_id", "browser_profile_id", "browser_seed_source", "browser_sink_profile_id",
		"start_fresh_browser", "reuse_browser_session", "debug_session_id", "status", "extra_http_headers",
		"cdp_connect_headers", "proxy_location", "webhook_callback_url", "webhook_failure_reason",
		"totp_verification_url", "totp_identifier", "failure_reason", "failure_category",
		"retried_from_workflow_run_id", "fallback_attempt", "parent_workflow_run_id", "workflow_title",
		"max_screenshot_scrolls", "max_elapsed_time_minutes", "browser_address", "run_with", "script_run",
		"job_id", "depends_on_workflow_run_id", "sequential_key", "sequential_credential_id", "ai_fallback",
		"code_gen", "trigger_type", "workflow_schedule_id", "ignore_inherited_workflow_system_prompt",
		"copilot_session_id", "credits_used", "cached_credits_used", "queued_at", "started_at",
		"finished_at", "created_at", "modified_at"}, keys(t, raw[0]))
	var recorded []string
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/runs") {
			recorded = append(recorded, r.Route)
		}
	}
	assert.Contains(t, recorded, skyverntest.RouteListWorkflowRuns)
	assert.Contains(t, recorded, skyverntest.RouteListAgentRuns)
}

func TestBulkCancelRunsCancelsWhatHasNotFinished(t *testing.T) {
	hook := newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnPrompt("held", skyverntest.Outcome{Hold: true})
	client := srv.Client()
	ctx := ctxT(t)
	start := func(prompt string) string {
		t.Helper()
		run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: prompt, WebhookURL: hook.URL})
		require.NoError(t, err)
		return run.RunID
	}
	done := start("p")
	srv.Advance(skyverntest.DefaultRunDuration)
	held := start("held")
	srv.Advance(300 * time.Millisecond)
	fresh := start("p")
	require.Len(t, hook.deliveries(), 1, "the finished run's webhook")

	res, err := client.BulkCancelRuns(ctx, []string{held, "tsk_404", done, fresh})
	require.NoError(t, err)
	assert.Equal(t, []string{held, fresh}, res.Canceled)
	assert.Equal(t, []string{"tsk_404", done}, res.Failed)
	for _, id := range []string{held, fresh} {
		st, ok := srv.Run(id)
		require.True(t, ok)
		assert.Equal(t, skyvern.RunStatusCanceled, st.Run.Status, id)
		assert.False(t, st.Held)
	}

	srv.Advance(time.Hour) // the webhooks go out; the cancelled runs stay cancelled
	statuses := map[string]string{}
	for _, d := range hook.deliveries() {
		verify(t, d, srv.APIKey)
		var run skyvern.RunResponse
		require.NoError(t, json.Unmarshal(d.Body, &run))
		statuses[run.RunID] = string(run.Status)
	}
	assert.Equal(t, map[string]string{done: "completed", held: "canceled", fresh: "canceled"}, statuses)
	assert.Len(t, hook.deliveries(), 3)

	again, err := client.BulkCancelRuns(ctx, []string{held})
	require.NoError(t, err)
	assert.Equal(t, []string{}, again.Canceled)
	assert.Equal(t, []string{held}, again.Failed)
	_, body, _ := do(t, "POST", srv.URL+"/v1/runs/cancel", srv.APIKey, `{"run_ids":[]}`)
	assert.JSONEq(t, `{"cancelled":[],"failed":[]}`, string(body))
	status, body, _ := do(t, "POST", srv.URL+"/v1/runs/cancel", srv.APIKey, `{"run_ids":"tsk_1"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.JSONEq(t, `{"detail":[{"type":"list_type","loc":["body","run_ids"],"msg":"Input should be a valid list","input":"tsk_1"}]}`, string(body))
}

func TestRunTimelineFollowsTheRun(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	srv.OnWorkflow("wpid_x", skyverntest.Outcome{Output: map[string]any{"total": 3}})
	client := srv.Client()
	ctx := ctxT(t)
	wr, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_x"})
	require.NoError(t, err)
	v2, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Find the price", Engine: skyvern.RunEngineSkyvernV2})
	require.NoError(t, err)
	v1, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)

	timeline, err := skyvern.Collect(client.ListRunTimeline(ctx, wr.RunID))
	require.NoError(t, err)
	assert.Empty(t, timeline, "nothing before the run starts")

	srv.Advance(200 * time.Millisecond)
	timeline, err = skyvern.Collect(client.ListRunTimeline(ctx, wr.RunID))
	require.NoError(t, err)
	require.Len(t, timeline, 1)
	assert.Equal(t, "block", timeline[0].Type)
	require.NotNil(t, timeline[0].Block)
	assert.Nil(t, timeline[0].Thought)
	assert.Equal(t, "running", timeline[0].Block.Status)

	srv.Advance(800 * time.Millisecond)
	timeline, err = skyvern.Collect(client.ListRunTimeline(ctx, wr.RunID))
	require.NoError(t, err)
	require.Len(t, timeline, 1)
	block := timeline[0].Block
	assert.Regexp(t, `^wrb_\d+$`, block.WorkflowRunBlockID)
	assert.Equal(t, wr.RunID, block.WorkflowRunID)
	assert.Equal(t, "task", block.BlockType)
	assert.Equal(t, "block_1", block.Label)
	assert.Equal(t, "completed", block.Status)
	assert.JSONEq(t, `{"total":3}`, string(block.Output))
	require.NotNil(t, block.Duration)
	assert.InDelta(t, 0.8, *block.Duration, 1e-9)
	assert.Empty(t, timeline[0].Children)
	assert.Empty(t, block.Extra)

	timeline, err = skyvern.Collect(client.ListRunTimeline(ctx, v2.RunID))
	require.NoError(t, err)
	require.Len(t, timeline, 1)
	assert.Equal(t, "thought", timeline[0].Type)
	require.NotNil(t, timeline[0].Thought)
	thought := timeline[0].Thought
	assert.Regexp(t, `^ot_\d+$`, thought.ThoughtID)
	assert.Equal(t, v2.RunID, thought.TaskID)
	assert.Equal(t, "Find the price", thought.UserInput)
	assert.Equal(t, "plan", thought.ThoughtType)
	assert.Regexp(t, `^wr_\d+$`, thought.WorkflowRunID)
	assert.Regexp(t, `^wpid_\d+$`, thought.WorkflowPermanentID)

	// The same state gives the same timeline, byte for byte.
	_, first, _ := do(t, "GET", srv.URL+"/v1/runs/"+wr.RunID+"/timeline", srv.APIKey, "")
	_, second, _ := do(t, "GET", srv.URL+"/v1/runs/"+wr.RunID+"/timeline", srv.APIKey, "")
	assert.Equal(t, string(first), string(second))
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(first, &raw))
	assert.Equal(t, []string{"type", "block", "thought", "children", "created_at", "modified_at"}, keys(t, raw[0]))

	_, err = skyvern.Collect(client.ListRunTimeline(ctx, v1.RunID))
	assert.ErrorIs(t, err, skyvern.ErrBadRequest)
	assert.Equal(t, "Timeline not available for run type task_v1", apiError(t, err).Detail, "the server's wording")
	_, err = skyvern.Collect(client.ListRunTimeline(ctx, "wr_404"))
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
}

func TestRunArtifactsOfAFinishedRun(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	client := srv.Client()
	ctx := ctxT(t)
	task, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	wr, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_x"})
	require.NoError(t, err)

	arts, err := skyvern.Collect(client.ListRunArtifacts(ctx, task.RunID, nil))
	require.NoError(t, err)
	assert.Empty(t, arts, "none before the run finishes")

	srv.Advance(skyverntest.DefaultRunDuration)
	got, err := client.GetRun(ctx, task.RunID)
	require.NoError(t, err)
	arts, err = skyvern.Collect(client.ListRunArtifacts(ctx, task.RunID, nil))
	require.NoError(t, err)
	require.Len(t, arts, 2)
	assert.Equal(t, skyvern.ArtifactTypeRecording, arts[0].ArtifactType)
	assert.Equal(t, skyvern.ArtifactTypeScreenshotFinal, arts[1].ArtifactType)
	assert.NotEqual(t, arts[0].ArtifactID, arts[1].ArtifactID)
	for _, a := range arts {
		assert.Regexp(t, `^a_\d+$`, a.ArtifactID)
		assert.Equal(t, task.RunID, a.RunID)
		assert.Equal(t, task.RunID, a.TaskID)
		assert.Empty(t, a.WorkflowRunID)
		assert.Contains(t, a.URI, task.RunID)
		assert.True(t, strings.HasPrefix(a.SignedURL, "https://"), a.SignedURL)
		assert.NotEmpty(t, a.OrganizationID)
		created, err := skyvern.ParseTime(a.CreatedAt)
		require.NoError(t, err)
		assert.True(t, created.Equal(got.FinishedAt.Time))
		assert.Empty(t, a.Extra)
	}

	for name, tt := range map[string]struct {
		types []skyvern.ArtifactType
		want  []skyvern.ArtifactType
	}{
		"one type":          {[]skyvern.ArtifactType{skyvern.ArtifactTypeScreenshotFinal}, []skyvern.ArtifactType{skyvern.ArtifactTypeScreenshotFinal}},
		"two types":         {[]skyvern.ArtifactType{skyvern.ArtifactTypeScreenshotFinal, skyvern.ArtifactTypeRecording}, []skyvern.ArtifactType{skyvern.ArtifactTypeRecording, skyvern.ArtifactTypeScreenshotFinal}},
		"a type it has not": {[]skyvern.ArtifactType{skyvern.ArtifactTypeHTML}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			arts, err := skyvern.Collect(client.ListRunArtifacts(ctx, task.RunID, tt.types))
			require.NoError(t, err)
			var types []skyvern.ArtifactType
			for _, a := range arts {
				types = append(types, a.ArtifactType)
			}
			assert.Equal(t, tt.want, types)
		})
	}

	arts, err = skyvern.Collect(client.ListRunArtifacts(ctx, wr.RunID, []skyvern.ArtifactType{skyvern.ArtifactTypeRecording}))
	require.NoError(t, err)
	require.Len(t, arts, 1)
	assert.Equal(t, wr.RunID, arts[0].WorkflowRunID)
	assert.Empty(t, arts[0].TaskID)

	// Skyvern lists no artifacts, rather than 404, for a run it does not know.
	arts, err = skyvern.Collect(client.ListRunArtifacts(ctx, "tsk_404", nil))
	require.NoError(t, err)
	assert.Empty(t, arts)

	_, body, _ := do(t, "GET", srv.URL+"/v1/runs/"+task.RunID+"/artifacts?artifact_type=recording", srv.APIKey, "")
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(body, &raw))
	require.Len(t, raw, 1)
	assert.ElementsMatch(t, []string{"created_at", "modified_at", "artifact_id", "artifact_type", "uri", "bundle_key",
		"checksum", "file_size", "task_id", "step_id", "workflow_run_id", "workflow_run_block_id", "run_id",
		"browser_session_id", "observer_cruise_id", "observer_thought_id", "ai_suggestion_id", "signed_url",
		"archived", "organization_id"}, keys(t, raw[0]))
}

func workflowRunIDs(runs []skyvern.WorkflowRun) []string {
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.WorkflowRunID
	}
	return ids
}
