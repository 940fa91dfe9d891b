package skyverntest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// definition is a workflow definition with one task block.
// emptyBody ends a YAML definition with a workflow_definition of no
// parameters and no blocks.
const emptyBody = "workflow_definition: {parameters: [], blocks: []}\n"

func definition(title string) *skyvern.WorkflowDefinition {
	return &skyvern.WorkflowDefinition{
		Title: title,
		Body: skyvern.WorkflowBody{
			Parameters: []map[string]any{{"key": "month", "parameter_type": "workflow", "workflow_parameter_type": "string"}},
			Blocks:     []map[string]any{{"block_type": "navigation", "label": "login", "url": "https://example.com"}},
		},
	}
}

// countRequests counts the requests the server received on route.
func countRequests(srv *skyverntest.Server, route string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}

func TestCreateWorkflowFromJSON(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	def := definition("Invoices")
	def.DefaultWebhookURL = "https://example.com/hook"
	def.FolderID = "fld_1"

	wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: def})
	require.NoError(t, err)
	assert.Regexp(t, `^wpid_\d+$`, wf.WorkflowPermanentID)
	assert.Regexp(t, `^w_\d+$`, wf.WorkflowID)
	assert.Equal(t, wf.WorkflowPermanentID, wf.AgentID)
	assert.Equal(t, 1, wf.Version)
	assert.Equal(t, "Invoices", wf.Title)
	assert.Equal(t, "https://example.com/hook", wf.DefaultWebhookURL)
	assert.Equal(t, "fld_1", wf.FolderID)
	assert.NotEmpty(t, wf.OrganizationID)
	assert.Equal(t, skyvern.WorkflowStatusPublished, wf.Status, "the server's default")
	assert.Equal(t, "agent", wf.RunWith)
	assert.True(t, wf.AIFallback)
	assert.False(t, wf.IsSavedTask)
	assert.True(t, wf.CreatedAt.Equal(srv.Now()))
	assert.True(t, wf.DeletedAt.IsZero())
	// Skyvern completes the definition it saves: each parameter gets its
	// id, the version's workflow_id and times; each block its output
	// parameter.
	var saved struct {
		Parameters []map[string]any `json:"parameters"`
		Blocks     []map[string]any `json:"blocks"`
	}
	require.NoError(t, json.Unmarshal(wf.Definition, &saved))
	require.Len(t, saved.Parameters, 2, "the blocks' output parameters first, then the definition's")
	assert.Equal(t, "login_output", saved.Parameters[0]["key"])
	p := saved.Parameters[1]
	assert.Equal(t, "month", p["key"])
	assert.Equal(t, "string", p["workflow_parameter_type"])
	assert.Regexp(t, `^wp_\d+$`, p["workflow_parameter_id"])
	assert.Equal(t, wf.WorkflowID, p["workflow_id"])
	assert.Equal(t, wf.CreatedAt.String(), p["created_at"])
	assert.Equal(t, wf.CreatedAt.String(), p["modified_at"])
	require.Len(t, saved.Blocks, 1)
	assert.Equal(t, "https://example.com", saved.Blocks[0]["url"])
	op, _ := saved.Blocks[0]["output_parameter"].(map[string]any)
	require.NotNil(t, op, "the block's output_parameter")
	assert.Equal(t, "login_output", op["key"])
	assert.Equal(t, "output", op["parameter_type"])
	assert.Regexp(t, `^op_\d+$`, op["output_parameter_id"])
	assert.Equal(t, wf.WorkflowID, op["workflow_id"])
	assert.Equal(t, saved.Parameters[0], op, "the same output parameter in both places")
	assert.Equal(t, []any{}, saved.Blocks[0]["parameters"], "a navigation block names no parameters")
	assert.Empty(t, wf.Extra)

	status, body, _ := do(t, "GET", srv.URL+"/v1/workflows/"+wf.WorkflowPermanentID, srv.APIKey, "")
	require.Equal(t, http.StatusOK, status)
	assert.ElementsMatch(t, []string{"workflow_id", "organization_id", "title", "workflow_permanent_id", "version",
		"is_saved_task", "is_template", "description", "workflow_definition", "proxy_location",
		"webhook_callback_url", "totp_verification_url", "totp_identifier", "persist_browser_session",
		"reuse_browser_session", "mask_secrets", "pin_saved_session_ip", "browser_profile_id",
		"browser_profile_key", "model", "status", "max_screenshot_scrolls", "max_elapsed_time_minutes",
		"extra_http_headers", "cdp_connect_headers", "run_with", "ai_fallback", "cache_key",
		"adaptive_caching", "enable_self_healing", "code_version", "generate_script_on_terminal",
		"run_sequentially", "sequential_key", "folder_id", "import_error", "created_by", "edited_by",
		"copilot_authored", "created_at", "modified_at", "deleted_at", "agent_id"}, keys(t, body))
}

func TestCreateWorkflowFromYAML(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	yaml := "# an exported workflow\n" +
		"title: \"Invoices: monthly\" # quoted\n" +
		"webhook_callback_url: https://example.com/hook # where runs report\n" +
		"is_saved_task: true\n" +
		"max_screenshot_scrolls: 3\n" +
		"description: 'It''s monthly' # quoted\n" +
		"workflow_definition:\n" +
		"  parameters: []\n" +
		"  blocks:\n" +
		"    - block_type: task\n" +
		"      label: fetch\n" +
		"      title: not the workflow's title\n"
	wf, err := srv.Client().CreateWorkflow(ctxT(t), skyvern.CreateWorkflowRequest{YAMLDefinition: yaml})
	require.NoError(t, err)
	assert.Equal(t, "Invoices: monthly", wf.Title)
	assert.Equal(t, "https://example.com/hook", wf.DefaultWebhookURL)
	assert.True(t, wf.IsSavedTask)
	require.NotNil(t, wf.MaxScreenshotScrolls)
	assert.Equal(t, 3, *wf.MaxScreenshotScrolls)
	assert.Equal(t, "It's monthly", wf.Description)
	var saved struct {
		Parameters []map[string]any `json:"parameters"`
		Blocks     []map[string]any `json:"blocks"`
	}
	require.NoError(t, json.Unmarshal(wf.Definition, &saved))
	require.Len(t, saved.Parameters, 1, "the block's output parameter")
	assert.Equal(t, "fetch_output", saved.Parameters[0]["key"])
	require.Len(t, saved.Blocks, 1, "the YAML's blocks are kept")
	assert.Equal(t, "task", saved.Blocks[0]["block_type"])
	assert.Equal(t, "not the workflow's title", saved.Blocks[0]["title"])
	op, _ := saved.Blocks[0]["output_parameter"].(map[string]any)
	require.NotNil(t, op)
	assert.Equal(t, "fetch_output", op["key"])
	assert.Equal(t, 1, wf.Version)
}

func TestCreateWorkflowRefusesInvalidDefinitions(t *testing.T) {
	srv := skyverntest.NewServer(t)
	client := srv.Client()
	ctx := ctxT(t)
	for name, tt := range map[string]struct {
		req  skyvern.CreateWorkflowRequest
		want string
	}{
		"neither definition": {skyvern.CreateWorkflowRequest{},
			"Invalid workflow definition. Workflow should be provided in either yaml or json format."},
		// As on Skyvern, the YAML definition wins over the JSON one.
		"both definitions": {skyvern.CreateWorkflowRequest{JSONDefinition: definition("a"), YAMLDefinition: "title: a\n"},
			"workflow_definition: Field required"},
		"JSON without a title": {skyvern.CreateWorkflowRequest{JSONDefinition: map[string]any{"workflow_definition": map[string]any{"parameters": []any{}, "blocks": []any{}}}},
			"body.json_definition.title: Field required"},
		"JSON without blocks": {skyvern.CreateWorkflowRequest{JSONDefinition: map[string]any{"title": "a", "workflow_definition": map[string]any{"parameters": []any{}}}},
			"body.json_definition.workflow_definition.blocks: Field required"},
		// Skyvern validates a YAML definition itself and answers one line.
		"YAML without a title": {skyvern.CreateWorkflowRequest{YAMLDefinition: "description: x\n"},
			"title: Field required; workflow_definition: Field required"},
		"a title that is no text": {skyvern.CreateWorkflowRequest{YAMLDefinition: "title: 12\nworkflow_definition: {parameters: [], blocks: []}\n"},
			"title: Input should be a valid string"},
		"YAML without workflow_definition": {skyvern.CreateWorkflowRequest{YAMLDefinition: "title: x\n"},
			"workflow_definition: Field required"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := client.CreateWorkflow(ctx, tt.req)
			assert.ErrorIs(t, err, skyvern.ErrValidation)
			assert.Equal(t, tt.want, apiError(t, err).Detail)
		})
	}
	def := definition("a")
	def.DefaultWebhookURL = "ftp://example.com"
	_, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: def})
	assert.ErrorIs(t, err, skyvern.ErrBadRequest)

	all, err := client.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{})
	require.NoError(t, err)
	assert.Empty(t, all)
}

func TestCreateWorkflowWithAnIdempotencyKeyIsRetriedAndCreatesOne(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client(skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
	ctx := ctxT(t)

	// The connection drops before the request is served: the client retries.
	srv.Fault(skyverntest.RouteCreateWorkflow, skyverntest.Fault{DropConnection: true})
	first, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: definition("First"), IdempotencyKey: "create-first"})
	require.NoError(t, err)
	assert.Equal(t, 2, countRequests(srv, skyverntest.RouteCreateWorkflow))

	// The request is served and its answer lost: the retry with the same key
	// gets the workflow the first attempt created, not a second one.
	srv.Fault(skyverntest.RouteCreateWorkflow, skyverntest.Fault{Truncate: true})
	second, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: definition("Second"), IdempotencyKey: "create-second"})
	require.NoError(t, err)
	assert.Equal(t, 4, countRequests(srv, skyverntest.RouteCreateWorkflow))

	all, err := client.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{})
	require.NoError(t, err)
	require.Len(t, all, 2, "one workflow per key")
	assert.Equal(t, second.WorkflowPermanentID, all[0].WorkflowPermanentID)
	assert.Equal(t, first.WorkflowPermanentID, all[1].WorkflowPermanentID)

	// On the wire: a repeat answers the same bytes; the same key with another
	// body, or a malformed key, is refused.
	body := `{"json_definition":{"title":"Raw","workflow_definition":{"parameters":[],"blocks":[]}}}`
	post := func(key, body string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest("POST", srv.URL+"/v1/agents", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("x-api-key", srv.APIKey)
		req.Header.Set("Idempotency-Key", key)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var b json.RawMessage
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&b))
		return resp.StatusCode, b
	}
	status, once := post("raw-1", body)
	require.Equal(t, http.StatusOK, status)
	srv.Advance(time.Minute)
	status, twice := post("raw-1", body)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, string(once), string(twice))
	status, other := post("raw-1", strings.Replace(body, "Raw", "Other", 1))
	assert.Equal(t, http.StatusOK, status, "the key's workflow, whatever the request, as Skyvern answers")
	assert.Equal(t, string(once), string(other))
	status, bad := post("two words", body)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.JSONEq(t, `{"detail":"Idempotency-Key must contain 1 to 255 visible ASCII bytes."}`, string(bad))

	all, err = client.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{})
	require.NoError(t, err)
	assert.Len(t, all, 3)
}

func TestUpdateWorkflowSavesANewVersion(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	v1, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: definition("Invoices")})
	require.NoError(t, err)
	srv.Advance(time.Minute)
	v2, err := client.UpdateWorkflow(ctx, v1.WorkflowPermanentID, skyvern.WorkflowRequest{YAMLDefinition: "title: Invoices v2\n" + emptyBody})
	require.NoError(t, err)
	assert.Equal(t, 2, v2.Version)
	assert.Equal(t, v1.WorkflowPermanentID, v2.WorkflowPermanentID)
	assert.NotEqual(t, v1.WorkflowID, v2.WorkflowID)
	assert.Equal(t, "Invoices v2", v2.Title)
	assert.True(t, v2.CreatedAt.After(v1.CreatedAt.Time))

	latest, err := client.GetWorkflow(ctx, v1.WorkflowPermanentID, skyvern.GetWorkflowParams{})
	require.NoError(t, err)
	assert.Equal(t, v2.WorkflowID, latest.WorkflowID)
	first, err := client.GetWorkflow(ctx, v1.WorkflowPermanentID, skyvern.GetWorkflowParams{Version: 1})
	require.NoError(t, err)
	assert.Equal(t, v1.WorkflowID, first.WorkflowID)
	assert.Equal(t, "Invoices", first.Title)
	assert.JSONEq(t, string(v1.Definition), string(first.Definition))

	_, err = client.GetWorkflow(ctx, v1.WorkflowPermanentID, skyvern.GetWorkflowParams{Version: 3})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Equal(t, "Workflow not found. workflow_permanent_id="+v1.WorkflowPermanentID+", version=3", apiError(t, err).Detail)
	_, err = client.GetWorkflow(ctx, v1.WorkflowPermanentID, skyvern.GetWorkflowParams{Template: true})
	assert.ErrorIs(t, err, skyvern.ErrNotFound, "the fake has no templates")
	_, err = client.GetWorkflow(ctx, "wpid_404", skyvern.GetWorkflowParams{})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	status, body, _ := do(t, "GET", srv.URL+"/v1/workflows/"+v1.WorkflowPermanentID+"?version=x", srv.APIKey, "")
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, string(body), `"int_parsing"`)

	versions, err := skyvern.Collect(client.ListWorkflowVersions(ctx, v1.WorkflowPermanentID))
	require.NoError(t, err)
	require.Len(t, versions, 2)
	assert.Equal(t, []int{2, 1}, []int{versions[0].Version, versions[1].Version}, "newest first")
	assert.Equal(t, v1.WorkflowID, versions[1].WorkflowID)

	_, err = client.UpdateWorkflow(ctx, "wpid_404", skyvern.WorkflowRequest{YAMLDefinition: "title: x\n" + emptyBody})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Equal(t, "Workflow not found. workflow_permanent_id=wpid_404", apiError(t, err).Detail)
	versions, err = skyvern.Collect(client.ListWorkflowVersions(ctx, "wpid_404"))
	require.NoError(t, err)
	assert.Empty(t, versions, "Skyvern lists no versions of an unknown workflow")
}

func TestDeleteWorkflow(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	client := srv.Client()
	ctx := ctxT(t)
	wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: definition("Invoices")})
	require.NoError(t, err)
	run, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: wf.WorkflowPermanentID})
	require.NoError(t, err)
	srv.Advance(skyverntest.DefaultRunDuration)

	require.NoError(t, client.DeleteWorkflow(ctx, wf.WorkflowPermanentID))
	_, err = client.GetWorkflow(ctx, wf.WorkflowPermanentID, skyvern.GetWorkflowParams{})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	_, err = client.GetWorkflow(ctx, wf.WorkflowPermanentID, skyvern.GetWorkflowParams{Version: 1})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	versions, err := skyvern.Collect(client.ListWorkflowVersions(ctx, wf.WorkflowPermanentID))
	require.NoError(t, err)
	assert.Empty(t, versions)
	all, err := client.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{})
	require.NoError(t, err)
	assert.Empty(t, all)
	_, err = client.UpdateWorkflow(ctx, wf.WorkflowPermanentID, skyvern.WorkflowRequest{YAMLDefinition: "title: x\n" + emptyBody})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)

	// Its runs stay, marked; a new run is refused even WithAnyWorkflow.
	items, err := client.ListRunsPage(ctx, skyvern.ListRunsParams{})
	require.NoError(t, err)
	require.Len(t, items, 1)
	assert.Equal(t, run.RunID, items[0].RunID)
	assert.True(t, items[0].WorkflowDeleted)
	_, err = client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: wf.WorkflowPermanentID})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Equal(t, "Workflow not found. workflow_permanent_id="+wf.WorkflowPermanentID, apiError(t, err).Detail)

	// As on Skyvern, deleting again, or deleting what never was, answers null.
	require.NoError(t, client.DeleteWorkflow(ctx, wf.WorkflowPermanentID))
	status, body, _ := do(t, "POST", srv.URL+"/v1/workflows/wpid_404/delete", srv.APIKey, "")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "null", string(body))
}

func TestListWorkflows(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	create := func(def *skyvern.WorkflowDefinition) string {
		t.Helper()
		wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: def})
		require.NoError(t, err)
		return wf.WorkflowPermanentID
	}
	var newestFirst []string
	for i := range 12 {
		def := definition("Invoice run " + string(rune('a'+i)))
		newestFirst = append([]string{create(def)}, newestFirst...)
	}
	savedTask := definition("Saved task")
	savedTask.IsSavedTask = true
	task := create(savedTask)
	inFolder := definition("Filed")
	inFolder.FolderID = "fld_1"
	filed := create(inFolder)
	draftDef := definition("Draft")
	draftDef.Status = skyvern.WorkflowStatusDraft
	draft := create(draftDef)
	newestFirst = append([]string{draft, filed, task}, newestFirst...)

	var got []string
	for wf, err := range client.ListWorkflows(ctx, skyvern.ListWorkflowsParams{PageSize: 4}) {
		require.NoError(t, err)
		got = append(got, wf.WorkflowPermanentID)
	}
	assert.Equal(t, newestFirst, got)
	page, err := client.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{})
	require.NoError(t, err)
	assert.Len(t, page, 10, "the server's default page size")

	list := func(p skyvern.ListWorkflowsParams) []string {
		t.Helper()
		wfs, err := client.ListWorkflowsPage(ctx, p)
		require.NoError(t, err)
		ids := []string{}
		for _, wf := range wfs {
			ids = append(ids, wf.WorkflowPermanentID)
		}
		return ids
	}
	assert.Equal(t, newestFirst[3:6], list(skyvern.ListWorkflowsParams{SearchKey: "INVOICE RUN", PageSize: 3}))
	assert.Equal(t, []string{newestFirst[14]}, list(skyvern.ListWorkflowsParams{SearchKey: "run a"}))
	assert.Equal(t, []string{task}, list(skyvern.ListWorkflowsParams{OnlySavedTasks: true}))
	assert.NotContains(t, list(skyvern.ListWorkflowsParams{OnlyWorkflows: true, PageSize: 100}), task)
	assert.Len(t, list(skyvern.ListWorkflowsParams{OnlyWorkflows: true, PageSize: 100}), 14)
	assert.Equal(t, []string{filed}, list(skyvern.ListWorkflowsParams{FolderID: "fld_1"}))
	assert.Equal(t, []string{draft}, list(skyvern.ListWorkflowsParams{Status: []skyvern.WorkflowStatus{skyvern.WorkflowStatusDraft}}))
	assert.Len(t, list(skyvern.ListWorkflowsParams{Status: []skyvern.WorkflowStatus{skyvern.WorkflowStatusDraft, skyvern.WorkflowStatusPublished}, PageSize: 100}), 15)
	assert.Empty(t, list(skyvern.ListWorkflowsParams{Tags: []string{"env:prod"}}))
	assert.Empty(t, list(skyvern.ListWorkflowsParams{OnlyTemplates: true}))
	assert.Empty(t, list(skyvern.ListWorkflowsParams{Template: true}))

	// Saving a new version moves a workflow to the front.
	oldest := newestFirst[len(newestFirst)-1]
	_, err = client.UpdateWorkflow(ctx, oldest, skyvern.WorkflowRequest{JSONDefinition: definition("Renamed")})
	require.NoError(t, err)
	assert.Equal(t, []string{oldest}, list(skyvern.ListWorkflowsParams{PageSize: 1}))

	_, err = client.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{OnlySavedTasks: true, OnlyWorkflows: true})
	assert.ErrorIs(t, err, skyvern.ErrBadRequest)
}

func TestWorkflowRoutesAnswerUnderAgentsToo(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	call := func(method, path, body string) (int, map[string]json.RawMessage, []byte) {
		t.Helper()
		status, b, _ := do(t, method, srv.URL+path, srv.APIKey, body)
		var m map[string]json.RawMessage
		_ = json.Unmarshal(b, &m)
		return status, m, b
	}
	status, created, _ := call("POST", "/v1/agents", `{"json_definition":{"title":"Agent","workflow_definition":{"parameters":[],"blocks":[]}}}`)
	require.Equal(t, http.StatusOK, status)
	var wpid string
	require.NoError(t, json.Unmarshal(created["workflow_permanent_id"], &wpid))

	status, got, _ := call("GET", "/v1/agents/"+wpid, "")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, string(created["workflow_id"]), string(got["workflow_id"]))
	status, updated, _ := call("POST", "/v1/agents/"+wpid, `{"yaml_definition":"title: Agent 2\nworkflow_definition: {parameters: [], blocks: []}\n"}`)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "2", string(updated["version"]))
	status, _, versions := call("GET", "/v1/agents/"+wpid+"/versions", "")
	assert.Equal(t, http.StatusOK, status)
	var list []json.RawMessage
	require.NoError(t, json.Unmarshal(versions, &list))
	assert.Len(t, list, 2)
	status, _, all := call("GET", "/v1/agents?search_key=agent", "")
	assert.Equal(t, http.StatusOK, status)
	require.NoError(t, json.Unmarshal(all, &list))
	assert.Len(t, list, 1)
	status, _, deleted := call("POST", "/v1/agents/"+wpid+"/delete", "")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "null", string(deleted))
	status, _, _ = call("GET", "/v1/agents/"+wpid, "")
	assert.Equal(t, http.StatusNotFound, status)

	var routes []string
	for _, r := range srv.Requests() {
		routes = append(routes, r.Route)
	}
	assert.Equal(t, []string{skyverntest.RouteCreateAgent, skyverntest.RouteGetAgent, skyverntest.RouteUpdateAgent,
		skyverntest.RouteListAgentVersions, skyverntest.RouteListAgents, skyverntest.RouteDeleteAgent,
		skyverntest.RouteGetAgent}, routes)
}

func TestRunsOfASavedWorkflowUseItsWebhookUnlessTheyHaveTheirOwn(t *testing.T) {
	byDefault, own := newHook(t, nil), newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	def := definition("Invoices")
	def.DefaultWebhookURL = byDefault.URL
	wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: def})
	require.NoError(t, err)

	plain, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: wf.WorkflowPermanentID})
	require.NoError(t, err)
	overridden, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: wf.WorkflowPermanentID, WebhookURL: own.URL})
	require.NoError(t, err)
	st, _ := srv.Run(plain.RunID)
	assert.Equal(t, byDefault.URL, st.WebhookURL)
	srv.Advance(skyverntest.DefaultRunDuration)

	require.Len(t, byDefault.deliveries(), 1)
	d := byDefault.deliveries()[0]
	verify(t, d, srv.APIKey)
	m := members(t, d.Body)
	assert.Equal(t, `"`+plain.RunID+`"`, string(m["run_id"]))
	assert.Equal(t, `"`+byDefault.URL+`"`, string(m["webhook_callback_url"]))
	assert.Equal(t, `"Invoices"`, string(m["workflow_title"]))
	require.Len(t, own.deliveries(), 1)
	assert.Equal(t, `"`+overridden.RunID+`"`, string(members(t, own.deliveries()[0].Body)["run_id"]))

	// Its timeline's block is the workflow's first block.
	timeline, err := skyvern.Collect(client.ListRunTimeline(ctx, plain.RunID))
	require.NoError(t, err)
	require.Len(t, timeline, 1)
	assert.Equal(t, "login", timeline[0].Block.Label)
	assert.Equal(t, "navigation", timeline[0].Block.BlockType)
}

func TestConcurrentCreatesWithOneKeyMakeOneWorkflow(t *testing.T) {
	srv := skyverntest.NewServer(t)
	ctx := ctxT(t)
	ids := make([]string, 20)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := srv.Client()
			wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: definition("Once"), IdempotencyKey: "once"})
			if assert.NoError(t, err) {
				ids[i] = wf.WorkflowID
			}
			_, err = client.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	for _, id := range ids {
		assert.Equal(t, ids[0], id)
	}
	all, err := srv.Client().ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{})
	require.NoError(t, err)
	assert.Len(t, all, 1)
}
