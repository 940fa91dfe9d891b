package skyverntest_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// Webhook URLs are refused as Skyvern's url_validators refuse them, on
// every route that takes one, loopback excepted by default.
func TestWebhookURLsAreCheckedOnEveryRoute(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	client := srv.Client()
	ctx := ctxT(t)
	require.NoError(t, srv.AddCredential("cred_1", skyvern.CredentialRequest{Name: "portal",
		Credential: skyvern.PasswordCredential{Username: "u", Password: skyvern.NewSecret("p")}}))
	const lb = "Webhook URL must use a stable custom hostname instead of an AWS load balancer DNS name."
	routes := map[string]func(hook string) error{
		"run task": func(hook string) error {
			_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook})
			return err
		},
		"run task v2": func(hook string) error {
			_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Engine: skyvern.RunEngineSkyvernV2, WebhookURL: hook})
			return err
		},
		"run workflow": func(hook string) error {
			_, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_x", WebhookURL: hook})
			return err
		},
		"login": func(hook string) error {
			_, err := client.RunLogin(ctx, skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_1", WebhookURL: hook})
			return err
		},
		"download": func(hook string) error {
			_, err := client.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{NavigationGoal: "g", WebhookURL: hook})
			return err
		},
		"workflow callback": func(hook string) error {
			_, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{
				Title: "w", DefaultWebhookURL: hook}})
			return err
		},
	}
	refused := map[string]string{
		"http://10.1.2.3/hook":                             "The host in your url is blocked: 10.1.2.3",
		"http://192.168.0.7:8080/hook":                     "The host in your url is blocked: 192.168.0.7",
		"http://169.254.169.254/latest":                    "The host in your url is blocked: 169.254.169.254",
		"http://[fd00::1]/hook":                            "The host in your url is blocked: [fd00::1]",
		"http://100.64.0.1/hook":                           "The host in your url is blocked: 100.64.0.1",
		"http://metadata.google.internal/":                 "The host in your url is blocked: metadata.google.internal",
		"http://api.prod.svc/hook":                         "The host in your url is blocked: api.prod.svc",
		"https://my-lb-123.us-east-1.elb.amazonaws.com/h":  lb,
		"https://internal-x.elb.eu-west-2.amazonaws.com/h": lb,
		"ftp://example.com/hook":                           "Invalid URL: ftp://example.com/hook. Skyvern supports HTTP and HTTPS urls with max 2083 character length.",
	}
	accepted := []string{"http://127.0.0.1:1/hook", "http://localhost:1/hook", "http://[::1]:1/hook",
		"https://hooks.example.com/skyvern", "hooks.example.com/no-scheme", "https://s3.us-east-1.amazonaws.com/b"}
	for name, call := range routes {
		t.Run(name, func(t *testing.T) {
			for hook, detail := range refused {
				assert.Equal(t, detail, refusedWith(t, call(hook), http.StatusBadRequest), hook)
			}
			for _, hook := range accepted {
				assert.NoError(t, call(hook), hook)
			}
		})
	}
	assert.Len(t, srv.Runs(), 5*len(accepted), "a refused request starts nothing")
}

// WithLoopbackWebhooks(false) refuses loopback receivers as Skyvern does;
// WithAllowedWebhookHosts lets chosen private hosts through, as Skyvern's
// ALLOWED_HOSTS does.
func TestWebhookHostOptions(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithLoopbackWebhooks(false),
		skyverntest.WithAllowedWebhookHosts("10.0.0.5", "Receiver.Internal"))
	client := srv.Client()
	ctx := ctxT(t)
	for hook, host := range map[string]string{"http://127.0.0.1:9/h": "127.0.0.1", "http://localhost:9/h": "localhost", "http://[::1]:9/h": "[::1]"} {
		_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook})
		assert.Equal(t, "The host in your url is blocked: "+host, refusedWith(t, err, http.StatusBadRequest))
	}
	for _, hook := range []string{"http://10.0.0.5/h", "http://receiver.internal/h"} {
		_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook})
		assert.NoError(t, err, hook)
	}
	_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: "http://10.0.0.6/h"})
	refusedWith(t, err, http.StatusBadRequest)
}

// A replay's target is checked as Skyvern's _validate_target_url checks
// it, with its own message; a replay makes one attempt, bounded by the
// replay timeout, which is 60 s by default as on Skyvern.
func TestRetryRunWebhookTargetAndTimeout(t *testing.T) {
	assert.Equal(t, 60*time.Second, skyverntest.DefaultReplayTimeout)
	release := make(chan struct{})
	slow := newHook(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithReplayTimeout(20*time.Millisecond))
	client := srv.Client()
	ctx := ctxT(t)
	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	srv.Advance(time.Second)

	_, err = client.RetryRunWebhook(ctx, run.RunID, skyvern.RetryRunWebhookRequest{WebhookURL: "http://10.9.9.9/h"})
	assert.Equal(t, "The host in your url is blocked: 10.9.9.9 It is either blocked by SSRF protection or could not be "+
		"resolved. Add the host to ALLOWED_HOSTS to test internal endpoints or use an external receiver such as "+
		"webhook.site or requestbin.com.", refusedWith(t, err, http.StatusBadRequest))
	// No load balancer check on a replay.
	_, err = client.RetryRunWebhook(ctx, run.RunID, skyvern.RetryRunWebhookRequest{WebhookURL: "ftp://x/h"})
	assert.Contains(t, refusedWith(t, err, http.StatusBadRequest), "Invalid URL: ftp://x/h.")

	rep, err := client.RetryRunWebhook(ctx, run.RunID, skyvern.RetryRunWebhookRequest{WebhookURL: "  " + slow.URL + "  "})
	require.NoError(t, err)
	assert.Equal(t, slow.URL, rep.TargetWebhookURL, "the target is trimmed")
	assert.Zero(t, rep.StatusCode)
	assert.Equal(t, "Request timed out after 20ms.", rep.Error)
	assert.Len(t, slow.deliveries(), 1, "one attempt, not retried")
	st, _ := srv.Run(run.RunID)
	assert.Empty(t, st.WebhookFailureReason, "a replay stores nothing on the run")
}

// A run's title is set as Skyvern sets it: a task's from its request
// (the run_request shows none), a task v2 run's is its workflow's
// placeholder, a workflow run's is its workflow's whatever the request
// says.
func TestRunTitles(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{Title: "Invoices"}})
	require.NoError(t, err)

	titled, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Title: "Mine"})
	require.NoError(t, err)
	untitled, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	v2, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Title: "Mine", Engine: skyvern.RunEngineSkyvernV2})
	require.NoError(t, err)
	wr, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: wf.WorkflowPermanentID, Title: "Ignored"})
	require.NoError(t, err)

	for _, run := range []*skyvern.RunResponse{titled, v2} {
		assert.Equal(t, "null", string(members(t, run.RunRequest)["title"]), "a task's run_request has no title")
	}
	assert.Equal(t, `"Invoices"`, string(members(t, wr.RunRequest)["title"]))
	got, err := client.GetRun(ctx, wr.RunID)
	require.NoError(t, err)
	assert.Equal(t, `"Invoices"`, string(members(t, got.RunRequest)["title"]))

	items, err := client.ListRunsPage(ctx, skyvern.ListRunsParams{})
	require.NoError(t, err)
	titles := map[string]string{}
	for _, it := range items {
		titles[it.RunID] = it.Title
	}
	assert.Equal(t, map[string]string{titled.RunID: "Mine", untitled.RunID: "", v2.RunID: "New Workflow", wr.RunID: "Invoices"}, titles)
}

// The engines other than skyvern-2.0 refuse browser_profile_id and
// start_fresh_browser, as Skyvern's run_task does; publish_workflow makes
// a skyvern-2.0 run.
func TestTaskEnginesWithoutBrowserMemory(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	for _, engine := range []skyvern.RunEngine{"", skyvern.RunEngineSkyvernV1, skyvern.RunEngineSkyvernV3,
		skyvern.RunEngineOpenAICUA, skyvern.RunEngineAnthropicCUA, skyvern.RunEngineUITARS, skyvern.RunEngineYutoriNavigator} {
		_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Engine: engine, BrowserProfileID: "bp_1"})
		assert.Equal(t, "browser_profile_id is not supported for the skyvern_v1 or CUA task engines; use engine=skyvern_v2.",
			refusedWith(t, err, http.StatusBadRequest), engine)
		_, err = client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Engine: engine, StartFreshBrowser: true})
		assert.Equal(t, "start_fresh_browser is not supported for the skyvern_v1 or CUA task engines; use engine=skyvern_v2.",
			refusedWith(t, err, http.StatusBadRequest), engine)
	}
	assert.Empty(t, srv.Runs())
	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Engine: skyvern.RunEngineSkyvernV2, StartFreshBrowser: true})
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunTypeTaskV2, run.RunType)
	run, err = client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Engine: skyvern.RunEngineSkyvernV1, PublishWorkflow: true,
		BrowserProfileID: "bp_1"})
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunTypeTaskV2, run.RunType, "publish_workflow routes the task to skyvern-2.0")
	assert.Equal(t, `"skyvern-2.0"`, string(members(t, run.RunRequest)["engine"]))
}

// A saved definition is converted as Skyvern's converter converts it:
// output parameters listed first, a context parameter's source resolved,
// parameter_keys and loop_over_parameter_key resolved into parameters and
// loop_over; and refused with its 422s.
func TestSavedWorkflowDefinitionIsConverted(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	body := skyvern.WorkflowBody{
		Parameters: []map[string]any{
			{"key": "ctx", "parameter_type": "context", "source_parameter_key": "urls"},
			{"key": "urls", "parameter_type": "workflow", "workflow_parameter_type": "json"},
		},
		Blocks: []map[string]any{
			{"block_type": "for_loop", "label": "each", "loop_over_parameter_key": "urls", "loop_blocks": []any{
				map[string]any{"block_type": "task", "label": "visit", "parameter_keys": []any{"urls", "ctx"}},
			}},
		},
	}
	wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{Title: "t", Body: body}})
	require.NoError(t, err)
	var saved struct {
		Parameters []map[string]any `json:"parameters"`
		Blocks     []map[string]any `json:"blocks"`
	}
	require.NoError(t, json.Unmarshal(wf.Definition, &saved))
	var order []string
	for _, p := range saved.Parameters {
		order = append(order, p["key"].(string))
	}
	assert.Equal(t, []string{"each_output", "visit_output", "urls", "ctx"}, order)
	urls, ctxParam := saved.Parameters[2], saved.Parameters[3]
	assert.Equal(t, urls, ctxParam["source"], "the context parameter's source is the parameter itself")
	assert.NotContains(t, ctxParam, "source_parameter_key")
	assert.Contains(t, ctxParam, "value")
	loop := saved.Blocks[0]
	assert.Equal(t, urls, loop["loop_over"])
	assert.NotContains(t, loop, "loop_over_parameter_key")
	visit := loop["loop_blocks"].([]any)[0].(map[string]any)
	assert.Equal(t, []any{urls, ctxParam}, visit["parameters"])
	assert.NotContains(t, visit, "parameter_keys")
	assert.Equal(t, saved.Parameters[1], visit["output_parameter"])

	refused := map[string]struct {
		body   skyvern.WorkflowBody
		detail string
	}{
		"an undefined context source": {skyvern.WorkflowBody{Parameters: []map[string]any{
			{"key": "c", "parameter_type": "context", "source_parameter_key": "nope"}}},
			"Source parameter key nope for context parameter c does not exist."},
		"an output parameter": {skyvern.WorkflowBody{Parameters: []map[string]any{{"key": "o", "parameter_type": "output"}}},
			"Cannot manually create output parameters"},
		"duplicate labels": {skyvern.WorkflowBody{Blocks: []map[string]any{{"block_type": "wait", "label": "a"}, {"block_type": "wait", "label": "a"}}},
			"WorkflowDefinition has blocks with duplicate labels. Each block needs to have a unique label. Duplicate label(s): a"},
		"an undefined parameter key": {skyvern.WorkflowBody{Blocks: []map[string]any{{"block_type": "task", "label": "b", "parameter_keys": []any{"x", "y"}}}},
			"Workflow definition has blocks that reference undefined parameters:\n  - Block 'b' references undefined parameter(s): 'x', 'y'\n\n" +
				"Make sure to define all parameters in the workflow parameters list before using them in blocks."},
		"a for loop over nothing": {skyvern.WorkflowBody{Blocks: []map[string]any{{"block_type": "for_loop", "label": "l", "loop_blocks": []any{}}}},
			"For loop block 'l' requires either loop_over_parameter_key or loop_variable_reference"},
	}
	for name, tc := range refused {
		_, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{Title: "t", Body: tc.body}})
		assert.Equal(t, tc.detail, refusedWith(t, err, http.StatusUnprocessableEntity), name)
	}

	_, err = client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{
		Title: "t", ProxyLocation: skyvern.ProxyLocation("MOON")}})
	refusedWith(t, err, http.StatusUnprocessableEntity)
	_, err = client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: t\nproxy_location: MOON\n" + emptyBody})
	refusedWith(t, err, http.StatusUnprocessableEntity)
	_, err = client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{
		Title: "t", ProxyLocation: skyvern.ProxyLocationResidentialISP}})
	assert.NoError(t, err)
}

// Get Run finds a task v2 run by the workflow run behind it, whose page is
// the run's app_url; Cancel Runs cancels each distinct id as Cancel Run
// would, so a finished workflow run counts as cancelled and a finished
// task run as failed.
func TestGetRunAndCancelRunsFollowRunService(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	client := srv.Client()
	ctx := ctxT(t)
	v2, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Engine: skyvern.RunEngineSkyvernV2})
	require.NoError(t, err)
	require.Regexp(t, `/runs/wr_\d+$`, v2.AppURL, "a task v2 run's page is its workflow run's")
	wrID := v2.AppURL[len("https://app.skyvern.com/runs/"):]
	got, err := client.GetRun(ctx, wrID)
	require.NoError(t, err)
	assert.Equal(t, v2.RunID, got.RunID)

	task, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	wr, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_1"})
	require.NoError(t, err)
	srv.Advance(time.Second)
	pending, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	res, err := client.BulkCancelRuns(ctx, []string{pending.RunID, wr.RunID, task.RunID, "tsk_404", pending.RunID})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{pending.RunID, wr.RunID}, res.Canceled)
	assert.ElementsMatch(t, []string{task.RunID, "tsk_404"}, res.Failed)
	st, _ := srv.Run(wr.RunID)
	assert.Equal(t, skyvern.RunStatusCompleted, st.Run.Status, "a finished workflow run keeps its status")
	st, _ = srv.Run(pending.RunID)
	assert.Equal(t, skyvern.RunStatusCanceled, st.Run.Status)
}
