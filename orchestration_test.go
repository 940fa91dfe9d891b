package skyvern_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// pagedRuns serves n runs from GET /v1/runs, honouring page and page_size.
func pagedRuns(f *fixture, n int) {
	f.handle("GET /v1/runs", func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		size, _ := strconv.Atoi(r.URL.Query().Get("page_size"))
		if page == 0 {
			page = 1
		}
		if size == 0 {
			size = 10
		}
		items := []map[string]any{}
		for i := (page - 1) * size; i < min(page*size, n); i++ {
			items = append(items, map[string]any{"task_run_id": fmt.Sprint("tr_", i), "run_id": fmt.Sprint("tsk_", i),
				"task_run_type": "task_v1", "status": "completed", "created_at": "2026-01-31T15:20:42"})
		}
		json.NewEncoder(w).Encode(items)
	})
}

func TestListRunsQuery(t *testing.T) {
	f := setup(t)
	pagedRuns(f, 0)
	_, err := f.client.ListRunsPage(context.Background(), skyvern.ListRunsParams{
		Page: 2, PageSize: 50,
		Status:      []skyvern.RunStatus{skyvern.RunStatusFailed, skyvern.RunStatusTimedOut},
		RunType:     []skyvern.RunType{skyvern.RunTypeWorkflowRun},
		SearchKey:   "invoice",
		WorkflowIDs: []string{"wpid_1", "wpid_2"},
		Tags:        []string{"env:prod"},
	})
	require.NoError(t, err)
	q, err := url.ParseQuery(f.only().Query)
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"page": {"2"}, "page_size": {"50"}, "status": {"failed", "timed_out"}, "run_type": {"workflow_run"},
		"search_key": {"invoice"}, "workflow_permanent_id": {"wpid_1", "wpid_2"}, "tags": {"env:prod"},
	}, q, "lists are repeated keys")

	t.Run("the zero value sends no query at all", func(t *testing.T) {
		f := setup(t)
		pagedRuns(f, 3)
		runs, err := f.client.ListRunsPage(context.Background(), skyvern.ListRunsParams{})
		require.NoError(t, err)
		assert.Len(t, runs, 3)
		assert.Empty(t, f.only().Query)
		assert.Equal(t, skyvern.RunTypeTaskV1, runs[0].RunType)
	})
}

func TestListRunsIterates(t *testing.T) {
	t.Run("over every page, lazily", func(t *testing.T) {
		f := setup(t)
		pagedRuns(f, 250)
		var ids []string
		for run, err := range f.client.ListRuns(context.Background(), skyvern.ListRunsParams{}) {
			require.NoError(t, err)
			ids = append(ids, run.RunID)
		}
		assert.Len(t, ids, 250)
		assert.Equal(t, "tsk_249", ids[249])
		assert.Len(t, f.requests(), 3, "pages of 100: 100, 100, 50")
	})
	t.Run("stopping early fetches no more pages", func(t *testing.T) {
		f := setup(t)
		pagedRuns(f, 250)
		n := 0
		for _, err := range f.client.ListRuns(context.Background(), skyvern.ListRunsParams{PageSize: 20}) {
			require.NoError(t, err)
			if n++; n == 25 {
				break
			}
		}
		assert.Len(t, f.requests(), 2)
	})
	t.Run("an exact multiple of the page size ends with an empty page", func(t *testing.T) {
		f := setup(t)
		pagedRuns(f, 40)
		n := 0
		for _, err := range f.client.ListRuns(context.Background(), skyvern.ListRunsParams{PageSize: 20}) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 40, n)
		assert.Len(t, f.requests(), 3)
	})
	t.Run("an error ends the sequence", func(t *testing.T) {
		f := setup(t)
		var calls atomic.Int32
		f.handle("GET /v1/runs", func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 2 {
				status(403, `{"detail":"Invalid credentials"}`)(w, r)
				return
			}
			items := make([]map[string]any, 10)
			for i := range items {
				items[i] = map[string]any{"run_id": fmt.Sprint("tsk_", i)}
			}
			json.NewEncoder(w).Encode(items)
		})
		var got int
		var gotErr error
		for run, err := range f.client.ListRuns(context.Background(), skyvern.ListRunsParams{PageSize: 10}) {
			if err != nil {
				assert.Nil(t, run)
				gotErr = err
				continue
			}
			got++
		}
		assert.Equal(t, 10, got)
		assert.ErrorIs(t, gotErr, skyvern.ErrUnauthorized)
	})
}

func TestBulkCancelRuns(t *testing.T) {
	f := setup(t)
	f.handle("POST /v1/runs/cancel", sequence(status(503, ``), status(200, `{"cancelled":["wr_1"],"failed":["tsk_9"]}`)))
	res, err := f.client.BulkCancelRuns(context.Background(), []string{"wr_1", "tsk_9"})
	require.NoError(t, err)
	assert.Equal(t, []string{"wr_1"}, res.Canceled)
	assert.Equal(t, []string{"tsk_9"}, res.Failed)
	reqs := f.requests()
	require.Len(t, reqs, 2, "cancelling is safe to retry")
	assert.JSONEq(t, `{"run_ids":["wr_1","tsk_9"]}`, string(reqs[1].Body))
}

func TestGetRunTimelineAndArtifacts(t *testing.T) {
	f := setup(t)
	f.reply("GET /v1/runs/{id}/timeline", 200, `[{"type":"block","block":{"workflow_run_block_id":"wrb_1","workflow_run_id":"wr_1",`+
		`"organization_id":"o_1","block_type":"task","label":"login","status":"completed","output":{"ok":true},"created_at":"2026-01-31T15:20:42",`+
		`"modified_at":"2026-01-31T15:20:50","new_block_field":1},"thought":null,"children":[{"type":"thought","thought":{"thought_id":"th_1",`+
		`"task_id":"tsk_1","organization_id":"o_1","thought":"click the button","thought_type":"plan","created_at":"2026-01-31T15:20:43",`+
		`"modified_at":"2026-01-31T15:20:43"},"children":[],"created_at":"2026-01-31T15:20:43","modified_at":"2026-01-31T15:20:43"}],`+
		`"created_at":"2026-01-31T15:20:42","modified_at":"2026-01-31T15:20:50"}]`)
	f.reply("GET /v1/runs/{id}/artifacts", 200, `[{"artifact_id":"a_1","artifact_type":"screenshot_final","uri":"s3://b/a.png",`+
		`"organization_id":"o_1","created_at":"2026-01-31T15:20:42.5","modified_at":"2026-01-31T15:20:42.5","archived":false,"signed_url":"https://x/a.png"}]`)

	tl, err := skyvern.Collect(f.client.ListRunTimeline(context.Background(), "wr_1"))
	require.NoError(t, err)
	require.Len(t, tl, 1)
	assert.Equal(t, "block", tl[0].Type)
	assert.Equal(t, "login", tl[0].Block.Label)
	assert.JSONEq(t, `{"ok":true}`, string(tl[0].Block.Output))
	assert.JSONEq(t, `1`, string(tl[0].Block.Extra["new_block_field"]))
	require.Len(t, tl[0].Children, 1)
	assert.Equal(t, "click the button", tl[0].Children[0].Thought.Thought)

	arts, err := skyvern.Collect(f.client.ListRunArtifacts(context.Background(), "wr_1", []skyvern.ArtifactType{skyvern.ArtifactTypeScreenshotFinal, skyvern.ArtifactTypeRecording}))
	require.NoError(t, err)
	require.Len(t, arts, 1)
	assert.Equal(t, skyvern.ArtifactTypeScreenshotFinal, arts[0].ArtifactType)
	assert.Equal(t, "https://x/a.png", arts[0].SignedURL)

	reqs := f.requests()
	assert.Equal(t, "/v1/runs/wr_1/timeline", reqs[0].Path)
	assert.Equal(t, "artifact_type=screenshot_final&artifact_type=recording", reqs[1].Query)
}

const workflowJSON = `{"workflow_id":"w_1","organization_id":"o_1","title":"Invoices","workflow_permanent_id":"wpid_1","version":2,` +
	`"is_saved_task":false,"workflow_definition":{"parameters":[],"blocks":[{"block_type":"task","label":"b1"}]},` +
	`"proxy_location":{"country":"US","subdivision":"NY"},"webhook_callback_url":"https://example.com/default-hook",` +
	`"persist_browser_session":false,"status":"published","run_with":"agent","ai_fallback":true,` +
	`"created_at":"2026-01-31T15:20:42","modified_at":"2026-01-31T15:20:42","deleted_at":null,"agent_id":"wpid_1"}`

func TestWorkflowsOnTheWire(t *testing.T) {
	ctx := context.Background()
	def := &skyvern.WorkflowDefinition{
		Title:             "Invoices",
		DefaultWebhookURL: "https://example.com/default-hook",
		Body: skyvern.WorkflowBody{
			Parameters: []map[string]any{{"parameter_type": "workflow", "key": "month", "workflow_parameter_type": "string"}},
			Blocks:     []map[string]any{{"block_type": "task", "label": "b1", "url": "https://example.com"}},
		},
	}
	wantDef := `{"json_definition":{"title":"Invoices","webhook_callback_url":"https://example.com/default-hook","workflow_definition":` +
		`{"parameters":[{"key":"month","parameter_type":"workflow","workflow_parameter_type":"string"}],` +
		`"blocks":[{"block_type":"task","label":"b1","url":"https://example.com"}]}}}`

	tests := []struct {
		name, route, answer string
		call                func(c *skyvern.Client) error
		method, path, query string
		body                string
		header              map[string]string
	}{
		{"CreateWorkflow posts the JSON definition", "POST /v1/workflows", workflowJSON,
			func(c *skyvern.Client) error {
				_, err := c.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: def})
				return err
			},
			"POST", "/v1/workflows", "", wantDef, nil},
		{"CreateWorkflow posts YAML as it is, with an idempotency key", "POST /v1/workflows", workflowJSON,
			func(c *skyvern.Client) error {
				_, err := c.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: Invoices\n", IdempotencyKey: "create-invoices-1"})
				return err
			},
			"POST", "/v1/workflows", "", `{"yaml_definition":"title: Invoices\n"}`, map[string]string{"Idempotency-Key": "create-invoices-1"}},
		{"UpdateWorkflow posts to the workflow", "POST /v1/workflows/{id}", workflowJSON,
			func(c *skyvern.Client) error {
				_, err := c.UpdateWorkflow(ctx, "wpid_1", skyvern.WorkflowRequest{JSONDefinition: def})
				return err
			},
			"POST", "/v1/workflows/wpid_1", "", wantDef, nil},
		{"GetWorkflow can ask for a version", "GET /v1/workflows/{id}", workflowJSON,
			func(c *skyvern.Client) error {
				_, err := c.GetWorkflow(ctx, "wpid_1", skyvern.GetWorkflowParams{Version: 1})
				return err
			},
			"GET", "/v1/workflows/wpid_1", "version=1", "", nil},
		{"DeleteWorkflow posts to delete", "POST /v1/workflows/{id}/delete", `null`,
			func(c *skyvern.Client) error { return c.DeleteWorkflow(ctx, "wpid_1") },
			"POST", "/v1/workflows/wpid_1/delete", "", "", nil},
		{"ListWorkflowVersions", "GET /v1/workflows/{id}/versions", `[` + workflowJSON + `]`,
			func(c *skyvern.Client) error {
				_, err := skyvern.Collect(c.ListWorkflowVersions(ctx, "wpid_1"))
				return err
			},
			"GET", "/v1/workflows/wpid_1/versions", "", "", nil},
		{"ListWorkflowsPage", "GET /v1/workflows", `[` + workflowJSON + `]`,
			func(c *skyvern.Client) error {
				_, err := c.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{OnlyWorkflows: true, Status: []skyvern.WorkflowStatus{skyvern.WorkflowStatusPublished}})
				return err
			},
			"GET", "/v1/workflows", "only_workflows=true&status=published", "", nil},
		{"ListRunsOfAllWorkflowsPage", "GET /v1/workflows/runs", `[]`,
			func(c *skyvern.Client) error {
				_, err := c.ListRunsOfAllWorkflowsPage(ctx, skyvern.ListRunsOfAllWorkflowsParams{Status: []skyvern.RunStatus{skyvern.RunStatusFailed}, ErrorCode: "login_failed"})
				return err
			},
			"GET", "/v1/workflows/runs", "error_code=login_failed&status=failed", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t)
			f.reply(tc.route, 200, tc.answer)
			require.NoError(t, tc.call(f.client))
			got := f.only()
			assert.Equal(t, tc.method, got.Method)
			assert.Equal(t, tc.path, got.Path)
			assert.Equal(t, tc.query, got.Query)
			assert.Equal(t, tc.body, string(got.Body))
			for k, v := range tc.header {
				assert.Equal(t, v, got.Header.Get(k))
			}
		})
	}
}

func TestWorkflowDecodes(t *testing.T) {
	var wf skyvern.Workflow
	require.NoError(t, json.Unmarshal([]byte(workflowJSON), &wf))
	assert.Equal(t, "wpid_1", wf.WorkflowPermanentID)
	assert.Equal(t, "https://example.com/default-hook", wf.DefaultWebhookURL)
	assert.Equal(t, skyvern.GeoTarget{Country: "US", Subdivision: "NY"}, wf.ProxyLocation)
	assert.True(t, wf.AIFallback)
	assert.True(t, wf.DeletedAt.IsZero())
	assert.JSONEq(t, `{"parameters":[],"blocks":[{"block_type":"task","label":"b1"}]}`, string(wf.Definition))
}

func TestCreateWorkflowRetries(t *testing.T) {
	t.Run("without a key, a lost answer is not retried", func(t *testing.T) {
		f := setup(t)
		f.handle("POST /v1/workflows", hangUp)
		_, err := f.client.CreateWorkflow(context.Background(), skyvern.CreateWorkflowRequest{YAMLDefinition: "x"})
		assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("with a key, it is retried like a read", func(t *testing.T) {
		f := setup(t)
		f.handle("POST /v1/workflows", sequence(hangUp, status(502, ``), status(200, workflowJSON)))
		_, err := f.client.CreateWorkflow(context.Background(), skyvern.CreateWorkflowRequest{YAMLDefinition: "x", IdempotencyKey: "k-1"})
		require.NoError(t, err)
		reqs := f.requests()
		require.Len(t, reqs, 3)
		for _, r := range reqs {
			assert.Equal(t, "k-1", r.Header.Get("Idempotency-Key"))
		}
	})
	t.Run("a bad key is refused before anything is sent", func(t *testing.T) {
		f := setup(t)
		for _, key := range []string{"has space", "tab\t", "é", strings.Repeat("k", 256)} {
			_, err := f.client.CreateWorkflow(context.Background(), skyvern.CreateWorkflowRequest{YAMLDefinition: "x", IdempotencyKey: key})
			assert.ErrorContains(t, err, "IdempotencyKey", "%q", key)
		}
		assert.Empty(t, f.requests())
	})
}

// runStates serves GET /v1/runs/{id} from a list of statuses, one per poll,
// repeating the last.
func runStates(f *fixture, statuses ...string) *atomic.Int32 {
	var polls atomic.Int32
	f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
		n := int(polls.Add(1))
		s := statuses[min(n, len(statuses))-1]
		fmt.Fprintf(w, `{"run_id":%q,"status":%q,"run_type":"task_v1"}`, r.PathValue("id"), s)
	})
	return &polls
}

func TestWaitForRun(t *testing.T) {
	fast := skyvern.WithPollInterval(time.Millisecond, 4*time.Millisecond)
	t.Run("polls until a terminal status", func(t *testing.T) {
		f := setup(t)
		polls := runStates(f, "created", "queued", "running", "running", "completed")
		run, err := f.client.WaitForRun(context.Background(), "tsk_1", fast)
		require.NoError(t, err)
		assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
		assert.Equal(t, int32(5), polls.Load())
	})
	t.Run("a failed run is a result, not an error", func(t *testing.T) {
		f := setup(t)
		runStates(f, "running", "failed")
		run, err := f.client.WaitForRun(context.Background(), "tsk_1", fast)
		require.NoError(t, err)
		assert.Equal(t, skyvern.RunStatusFailed, run.Status)
	})
	t.Run("a 404 ends the wait at once", func(t *testing.T) {
		f := setup(t)
		f.reply("GET /v1/runs/{id}", 404, `{"detail":"Run not found"}`)
		_, err := f.client.WaitForRun(context.Background(), "tsk_nope", fast)
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("a passing outage does not end the wait", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxRetries(0))
		f.handle("GET /v1/runs/{id}", sequence(status(200, `{"run_id":"tsk_1","status":"running"}`), status(503, ``), hangUp,
			status(200, `{"run_id":"tsk_1","status":"completed"}`)))
		run, err := f.client.WaitForRun(context.Background(), "tsk_1", fast)
		require.NoError(t, err)
		assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
	})
	t.Run("a server that is down ends the wait after 20 failed polls in a row", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxRetries(0))
		f.reply("GET /v1/runs/{id}", 503, `{"detail":"down"}`)
		_, err := f.client.WaitForRun(context.Background(), "tsk_1", fast)
		require.ErrorIs(t, err, skyvern.ErrServer)
		assert.Contains(t, err.Error(), "gave up after 20 polls in a row failed")
		assert.Len(t, f.requests(), 20)
	})
	t.Run("an answer between failures starts the count again", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxRetries(0))
		var steps []http.HandlerFunc
		for range 19 {
			steps = append(steps, status(503, ``))
		}
		steps = append(steps, status(200, `{"run_id":"tsk_1","status":"running"}`))
		for range 19 {
			steps = append(steps, status(503, ``))
		}
		steps = append(steps, status(200, `{"run_id":"tsk_1","status":"completed"}`))
		f.handle("GET /v1/runs/{id}", sequence(steps...))
		run, err := f.client.WaitForRun(context.Background(), "tsk_1", fast)
		require.NoError(t, err)
		assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
	})
	t.Run("a nil client's Waiter says so at once", func(t *testing.T) {
		_, err := skyvern.NewWaiter(nil).Wait(context.Background(), "tsk_1")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "nil *Client")
	})
	t.Run("the context ends the wait and says where it was", func(t *testing.T) {
		f := setup(t)
		ctx, cancel := context.WithCancel(context.Background())
		var polls atomic.Int32
		f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
			if polls.Add(1) == 3 {
				cancel()
			}
			fmt.Fprint(w, `{"run_id":"tsk_1","status":"running"}`)
		})
		_, err := f.client.WaitForRun(ctx, "tsk_1", fast)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Contains(t, err.Error(), `last status "running"`)
	})
	t.Run("an invalid option is refused before polling", func(t *testing.T) {
		f := setup(t)
		_, err := f.client.WaitForRun(context.Background(), "tsk_1", skyvern.WithPollInterval(time.Second, time.Millisecond))
		require.Error(t, err)
		assert.Empty(t, f.requests())
	})
	t.Run("an Option applies to each poll", func(t *testing.T) {
		f := setup(t)
		runStates(f, "running", "completed")
		_, err := f.client.WaitForRun(context.Background(), "tsk_1", fast, skyvern.WithHeader("X-Trace", "t1"))
		require.NoError(t, err)
		reqs := f.requests()
		require.Len(t, reqs, 2)
		for _, r := range reqs {
			assert.Equal(t, "t1", r.Header.Get("X-Trace"))
		}
	})
}

// The Go names follow the SDK's spelling (RunStatusCanceled,
// RunResponse.RunType); the JSON names stay Skyvern's.
func TestRenamedFieldsKeepSkyvernsJSONNames(t *testing.T) {
	var res skyvern.BulkCancelResult
	require.NoError(t, json.Unmarshal([]byte(`{"cancelled":["wr_1"],"failed":[]}`), &res))
	assert.Equal(t, []string{"wr_1"}, res.Canceled)
	assert.Empty(t, res.Extra, "cancelled fills Canceled, not Extra")
	b, err := json.Marshal(res)
	require.NoError(t, err)
	assert.JSONEq(t, `{"cancelled":["wr_1"],"failed":[]}`, string(b))

	var item skyvern.RunListItem
	require.NoError(t, json.Unmarshal([]byte(`{"run_id":"tsk_v2_1","task_run_type":"task_v2"}`), &item))
	assert.Equal(t, skyvern.RunTypeTaskV2, item.RunType)
	assert.Empty(t, item.Extra, "task_run_type fills RunType, not Extra")
	b, err = json.Marshal(item)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"task_run_type":"task_v2"`)
}

// Workflow.WorkflowID is a version id ("w_..."); the workflow calls take
// the permanent id ("wpid_..."). Sending the first where the second
// belongs gets Skyvern's 404, and the error says which id to use.
func TestAVersionIDWhereAPermanentIDBelongsGetsAHint(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := context.Background()
	wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: Invoices\nworkflow_definition: {parameters: [], blocks: []}\n"})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(wf.WorkflowID, "w_"), wf.WorkflowID)
	require.True(t, strings.HasPrefix(wf.WorkflowPermanentID, "wpid_"), wf.WorkflowPermanentID)
	assert.Equal(t, wf.WorkflowPermanentID, wf.AgentID, "agent_id is the permanent id under its newer name")

	calls := map[string]func(id string) error{
		"RunWorkflow": func(id string) error {
			_, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: id})
			return err
		},
		"GetWorkflow": func(id string) error {
			_, err := client.GetWorkflow(ctx, id, skyvern.GetWorkflowParams{})
			return err
		},
		"UpdateWorkflow": func(id string) error {
			_, err := client.UpdateWorkflow(ctx, id, skyvern.WorkflowRequest{YAMLDefinition: "title: Invoices v2\nworkflow_definition: {parameters: [], blocks: []}\n"})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name+" with the version id", func(t *testing.T) {
			err := call(wf.WorkflowID)
			var apiErr *skyvern.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.ErrorIs(t, err, skyvern.ErrNotFound)
			assert.Equal(t, "Workflow not found. workflow_permanent_id="+wf.WorkflowID, apiErr.Detail, "Detail stays Skyvern's")
			assert.Contains(t, err.Error(), apiErr.Detail)
			assert.Contains(t, err.Error(), `"`+wf.WorkflowID+`" is a workflow version id (Workflow.WorkflowID)`)
			assert.Contains(t, err.Error(), `Workflow.WorkflowPermanentID`)
		})
		t.Run(name+" with an unknown permanent id has no hint", func(t *testing.T) {
			err := call("wpid_unknown")
			require.ErrorIs(t, err, skyvern.ErrNotFound)
			assert.NotContains(t, err.Error(), "version id")
		})
		t.Run(name+" with the permanent id works", func(t *testing.T) {
			assert.NoError(t, call(wf.WorkflowPermanentID))
		})
	}
}
