package skyvern_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/endpoint"
)

// The official TypeScript SDK's wire tests (skyvern-ts/client/tests/wire in
// Skyvern's repository) mock every endpoint with an answer built from the
// published spec. TestOfficialWireAnswersDecode feeds each 2xx answer to
// the method of this SDK that calls the endpoint, and checks that the call
// succeeds and that json.Marshal of what it returns keeps every member of
// the answer. The answers are read from a Skyvern checkout at test time
// (testdata/tswire/extract.mjs, run with node), never copied here.

// wireCase is how one endpoint's answer reaches the SDK.
type wireCase struct {
	// call calls the endpoint and returns what the method returns, or nil
	// for a method that returns only an error.
	call func(ctx context.Context, c *skyvern.Client) (any, error)
	// member names the member of the answer the method returns; "" when
	// it returns the whole answer.
	member string
	// redacted lists members that hold secrets, which json.Marshal
	// writes as "[redacted]" by design.
	redacted []string
}

func ret[T any](v T, err error) (any, error) { return v, err }

// wireCases maps each endpoint, as a route pattern, to its SDK method.
var wireCases = map[string]wireCase{
	"POST /v1/agents/{wpid}/browser_session/reset_profile": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return nil, c.ResetWorkflowBrowserProfile(ctx, "wpid_123")
	}},
	"GET /v1/artifacts/{id}/content": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		a, err := c.GetArtifactContent(ctx, "artifact_id", skyvern.GetArtifactContentParams{})
		if err != nil {
			return nil, err
		}
		defer a.Close()
		b, err := io.ReadAll(a)
		return json.RawMessage(b), err
	}},
	"POST /v1/run/tasks": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"}))
	}},
	"POST /v1/run/agents": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_123"}))
	}},
	"GET /v1/runs/{id}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetRun(ctx, "tsk_123"))
	}},
	"POST /v1/runs/{id}/cancel": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return nil, c.CancelRun(ctx, "run_id")
	}},
	"POST /v1/runs/cancel": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.BulkCancelRuns(ctx, []string{"run_id"}))
	}},
	"GET /v1/agents": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{}))
	}},
	"POST /v1/agents": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: t\n"}))
	}},
	"POST /v1/agents/{wpid}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.UpdateWorkflow(ctx, "wpid_123", skyvern.WorkflowRequest{YAMLDefinition: "title: t\n"}))
	}},
	"POST /v1/agents/{wpid}/delete": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return nil, c.DeleteWorkflow(ctx, "wpid_123")
	}},
	"GET /v1/folders": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.ListFoldersPage(ctx, skyvern.ListFoldersParams{}))
	}},
	"POST /v1/folders": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.CreateFolder(ctx, skyvern.CreateFolderRequest{Title: "t"}))
	}},
	"GET /v1/folders/{id}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetFolder(ctx, "fld_123"))
	}},
	"PUT /v1/folders/{id}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.UpdateFolder(ctx, "fld_123", skyvern.UpdateFolderRequest{Title: skyvern.Ptr("t")}))
	}},
	"DELETE /v1/folders/{id}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return nil, c.DeleteFolder(ctx, "fld_123", skyvern.DeleteFolderParams{})
	}},
	"GET /v1/runs/{id}/tags": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetRunTags(ctx, "wr_123"))
	}},
	"POST /v1/runs/{id}/tags": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.ApplyRunTags(ctx, "wr_123", skyvern.TagChanges{Tags: []skyvern.TagLabel{{Key: "env", Value: "prod"}}}))
	}},
	"DELETE /v1/runs/{id}/tags/{key}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.DeleteRunTag(ctx, "wr_123", "env"))
	}},
	"GET /v1/runs/{id}/tags/history": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetRunTagHistory(ctx, "wr_123", skyvern.TagHistoryParams{}))
	}},
	"GET /v1/tag-keys": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(skyvern.Collect(c.ListTagKeys(ctx)))
	}},
	"DELETE /v1/tag-keys/{key}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.DeleteTagKey(ctx, "env"))
	}},
	"PATCH /v1/tag-keys/{key}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.UpdateTagKey(ctx, "key", skyvern.UpdateTagKeyRequest{Description: "d"}))
	}},
	"GET /v1/tag-values": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(skyvern.Collect(c.ListTagValues(ctx, skyvern.ListTagValuesParams{})))
	}},
	"DELETE /v1/tag-values/{key}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.DeleteTagValue(ctx, "env", "prod"))
	}},
	"PATCH /v1/tag-values/{key}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.UpdateTagValue(ctx, "env", skyvern.UpdateTagValueRequest{Value: "prod", Color: skyvern.TagColorPurple}))
	}},
	"PATCH /v1/tag-values/{key}/rename": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.RenameTagValue(ctx, "env", skyvern.RenameTagValueRequest{Value: "prod", NewValue: "dev"}))
	}},
	"GET /v1/workflow-tags": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.BatchGetWorkflowTags(ctx, []string{"wpid_123"}))
	}},
	"POST /v1/workflow-tags": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.BatchGetWorkflowTags(ctx, longIDList("wpid_")))
	}},
	"GET /v1/run-tags": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.BatchGetRunTags(ctx, []string{"wr_123"}))
	}},
	"POST /v1/run-tags": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.BatchGetRunTags(ctx, longIDList("wr_")))
	}},
	"GET /v1/runs/{id}/artifacts": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(skyvern.Collect(c.ListRunArtifacts(ctx, "run_id", nil)))
	}},
	"POST /v1/runs/{id}/retry_webhook": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.RetryRunWebhook(ctx, "tsk_123", skyvern.RetryRunWebhookRequest{}))
	}},
	"GET /v1/runs/{id}/timeline": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(skyvern.Collect(c.ListRunTimeline(ctx, "wr_123")))
	}},
	"GET /v1/version": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetServerVersion(ctx))
	}},
	"GET /v1/runs": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.ListRunsPage(ctx, skyvern.ListRunsParams{}))
	}},
	"GET /v1/browser_profiles": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.ListBrowserProfilesPage(ctx, skyvern.ListBrowserProfilesParams{}))
	}},
	"POST /v1/browser_profiles": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "n", BrowserSessionID: "pbs_1"}))
	}},
	"GET /v1/browser_profiles/{id}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetBrowserProfile(ctx, "bp_123456"))
	}},
	"DELETE /v1/browser_profiles/{id}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return nil, c.DeleteBrowserProfile(ctx, "bp_123456")
	}},
	"PATCH /v1/browser_profiles/{id}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.UpdateBrowserProfile(ctx, "bp_123456", skyvern.UpdateBrowserProfileRequest{Name: "n"}))
	}},
	"GET /v1/browser_sessions": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(skyvern.Collect(c.ListBrowserSessions(ctx)))
	}},
	"POST /v1/browser_sessions": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{}))
	}},
	"POST /v1/browser_sessions/{id}/close": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return nil, c.CloseBrowserSession(ctx, "pbs_123456")
	}},
	"GET /v1/browser_sessions/{id}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetBrowserSession(ctx, "pbs_123456"))
	}},
	"PATCH /v1/browser_sessions/{id}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.UpdateBrowserSession(ctx, "pbs_123456", skyvern.UpdateBrowserSessionRequest{}))
	}},
	"POST /v1/credentials/totp": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "a", Content: "1"}))
	}},
	"GET /v1/credentials": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.ListCredentialsPage(ctx, skyvern.ListCredentialsParams{}))
	}},
	"POST /v1/credentials": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.CreateCredential(ctx, wireCredential()))
	}},
	"POST /v1/credentials/{id}/update": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.UpdateCredential(ctx, "cred_1234567890", wireCredential()))
	}},
	"POST /v1/credentials/{id}/delete": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return nil, c.DeleteCredential(ctx, "cred_1234567890")
	}},
	"GET /v1/credentials/{id}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetCredential(ctx, "cred_1234567890"))
	}},
	"GET /v1/custom-llms": {member: "custom_llms", redacted: []string{"api_key"}, call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(skyvern.Collect(c.ListCustomLLMs(ctx)))
	}},
	"POST /v1/custom-llms": {member: "custom_llm", redacted: []string{"api_key"}, call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.CreateCustomLLM(ctx, skyvern.CustomLLMRequest{Config: wireLLMConfig()}))
	}},
	"PUT /v1/custom-llms/{id}": {member: "custom_llm", redacted: []string{"api_key"}, call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.UpdateCustomLLM(ctx, "custom_llm_id", skyvern.CustomLLMRequest{Config: wireLLMConfig()}))
	}},
	"DELETE /v1/custom-llms/{id}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return nil, c.DeleteCustomLLM(ctx, "custom_llm_id")
	}},
	"POST /v1/run/tasks/login": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.RunLogin(ctx, skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_1"}))
	}},
	"POST /v1/run/tasks/download_files": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{NavigationGoal: "g"}))
	}},
	"GET /v1/scripts": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.ListScriptsPage(ctx, skyvern.ListScriptsParams{}))
	}},
	"POST /v1/scripts": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.CreateScript(ctx, skyvern.CreateScriptRequest{}))
	}},
	"GET /v1/scripts/{id}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetScript(ctx, "s_abc123"))
	}},
	"POST /v1/scripts/{id}/deploy": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.DeployScript(ctx, "s_abc123", skyvern.DeployScriptRequest{}))
	}},
	"POST /v1/scripts/{id}/run": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return nil, c.RunScript(ctx, "s_abc123")
	}},
	"POST /v1/sdk/run_action": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.RunSDKAction(ctx, skyvern.SDKActionRequest{URL: "https://example.com", BrowserSessionID: "pbs_1",
			Action: skyvern.ClickAction{Selector: "#buy"}}))
	}},
	"PUT /v1/agents/{wpid}/folder": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.UpdateWorkflowFolder(ctx, "wpid_123", skyvern.UpdateWorkflowFolderRequest{FolderID: skyvern.Ptr("fld_1")}))
	}},
	"GET /v1/agents/{wpid}/tags": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetWorkflowTags(ctx, "wpid_123"))
	}},
	"POST /v1/agents/{wpid}/tags": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.ApplyWorkflowTags(ctx, "wpid_123", skyvern.TagChanges{Tags: []skyvern.TagLabel{{Key: "env", Value: "prod"}}}))
	}},
	"DELETE /v1/agents/{wpid}/tags/{key}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.DeleteWorkflowTag(ctx, "wpid_123", "env"))
	}},
	"GET /v1/agents/{wpid}/tags/history": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetWorkflowTagHistory(ctx, "wpid_123", skyvern.TagHistoryParams{}))
	}},
	"POST /v1/agents/runs/{id}/retry": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.RetryWorkflowRun(ctx, "wr_123"))
	}},
	"GET /v1/agents/runs": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.ListRunsOfAllWorkflowsPage(ctx, skyvern.ListRunsOfAllWorkflowsParams{}))
	}},
	"GET /v1/agents/{wpid}/runs": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.ListRunsOfWorkflowPage(ctx, "workflow_id", skyvern.ListRunsOfWorkflowParams{}))
	}},
	"GET /v1/agents/{wpid}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetWorkflow(ctx, "workflow_permanent_id", skyvern.GetWorkflowParams{}))
	}},
	"GET /v1/agents/{wpid}/versions": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(skyvern.Collect(c.ListWorkflowVersions(ctx, "workflow_permanent_id")))
	}},
	"GET /v1/schedules": {member: "schedules", call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.ListSchedulesPage(ctx, skyvern.ListSchedulesParams{}))
	}},
	"GET /v1/agents/{wpid}/schedules": {member: "schedules", call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(skyvern.Collect(c.ListWorkflowSchedules(ctx, "workflow_permanent_id")))
	}},
	"POST /v1/agents/{wpid}/schedules": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.CreateSchedule(ctx, "workflow_permanent_id", wireSchedule()))
	}},
	"GET /v1/agents/{wpid}/schedules/{sid}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.GetSchedule(ctx, "workflow_permanent_id", "workflow_schedule_id"))
	}},
	"PUT /v1/agents/{wpid}/schedules/{sid}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.UpdateSchedule(ctx, "workflow_permanent_id", "workflow_schedule_id", wireSchedule()))
	}},
	"DELETE /v1/agents/{wpid}/schedules/{sid}": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return nil, c.DeleteSchedule(ctx, "workflow_permanent_id", "workflow_schedule_id")
	}},
	"POST /v1/agents/{wpid}/schedules/{sid}/enable": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.EnableSchedule(ctx, "workflow_permanent_id", "workflow_schedule_id"))
	}},
	"POST /v1/agents/{wpid}/schedules/{sid}/disable": {call: func(ctx context.Context, c *skyvern.Client) (any, error) {
		return ret(c.DisableSchedule(ctx, "workflow_permanent_id", "workflow_schedule_id"))
	}},
}

// longIDList returns ids enough for a batch look-up to go as a POST.
func longIDList(prefix string) []string {
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s%020d", prefix, i)
	}
	return ids
}

func wireCredential() skyvern.CredentialRequest {
	return skyvern.CredentialRequest{Name: "n", Credential: skyvern.PasswordCredential{Username: "u", Password: skyvern.NewSecret("p")}}
}

func wireLLMConfig() skyvern.CustomLLMConfig {
	return skyvern.CustomLLMConfig{DisplayName: "d", Provider: skyvern.CustomLLMProviderOllama, ModelName: "m"}
}

func wireSchedule() skyvern.ScheduleRequest {
	return skyvern.ScheduleRequest{CronExpression: "0 9 * * *", Timezone: "UTC"}
}

// wireAnswer is one mocked answer, as extract.mjs prints it.
type wireAnswer struct {
	File   string          `json:"file"`
	Test   string          `json:"test"`
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

// skyvernCheckout returns the root of a checkout of Skyvern's repository:
// $SKYVERN_SRC, else ../skyvern-src or ../../skyvern-src when they hold the
// TypeScript SDK's wire tests. It skips the test when none is there.
func skyvernCheckout(t *testing.T) string {
	t.Helper()
	const wire = "skyvern-ts/client/tests/wire"
	if dir := os.Getenv("SKYVERN_SRC"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, wire)); err != nil {
			t.Fatalf("SKYVERN_SRC=%s has no %s: %v", dir, wire, err)
		}
		return dir
	}
	for _, dir := range []string{"../skyvern-src", "../../skyvern-src"} {
		if _, err := os.Stat(filepath.Join(dir, wire)); err == nil {
			return dir
		}
	}
	t.Skip("no Skyvern checkout: set SKYVERN_SRC to the root of a clone of github.com/Skyvern-AI/skyvern to check the official TypeScript SDK's wire answers")
	return ""
}

func TestOfficialWireAnswersDecode(t *testing.T) {
	src := skyvernCheckout(t)
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; it reads the TypeScript SDK's wire tests")
	}
	var stderr bytes.Buffer
	cmd := exec.Command(node, "testdata/tswire/extract.mjs", filepath.Join(src, "skyvern-ts/client/tests/wire"))
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "extract.mjs: %s", stderr.String())
	var answers []wireAnswer
	require.NoError(t, json.Unmarshal(out, &answers))
	require.NotEmpty(t, answers, "no 2xx answer found in the wire tests")

	checked, compared := runWireAnswers(t, answers)
	t.Logf("%d 2xx answers checked (%d with a body); %d of them decoded to a value and compared after json.Marshal", checked, countBodies(answers), compared)
}

// TestOwnWireAnswersDecode runs the same check on answers of our own
// (testdata/tswire/answers.json), so that it runs without a checkout too:
// custom LLMs whose created_at and modified_at are any string, as the spec
// allows, and script file trees with an empty directory ({}) and a null
// children member.
func TestOwnWireAnswersDecode(t *testing.T) {
	data, err := os.ReadFile("testdata/tswire/answers.json")
	require.NoError(t, err)
	var answers []wireAnswer
	require.NoError(t, json.Unmarshal(data, &answers))
	_, compared := runWireAnswers(t, answers)
	assert.Equal(t, len(answers), compared, "every answer decodes to a value")
}

func countBodies(answers []wireAnswer) (n int) {
	for _, a := range answers {
		if len(a.Body) > 0 {
			n++
		}
	}
	return n
}

// runWireAnswers checks each answer as a subtest and returns how many it
// checked and how many of them it compared after a re-encode.
func runWireAnswers(t *testing.T, answers []wireAnswer) (checked, compared int) {
	// A ServeMux picks the route pattern of each mocked path, the most
	// specific first, as a server would.
	routes := http.NewServeMux()
	for pattern := range wireCases {
		routes.HandleFunc(pattern, func(http.ResponseWriter, *http.Request) {})
	}
	for _, a := range answers {
		name := a.Test
		if a.File != "" {
			name = a.File + "/" + a.Test
		}
		t.Run(name, func(t *testing.T) {
			_, pattern := routes.Handler(httptest.NewRequest(a.Method, a.Path, nil))
			wc, ok := wireCases[pattern]
			if !ok || !strings.HasPrefix(pattern, a.Method+" ") {
				t.Fatalf("no SDK method is mapped to %s %s: add it to wireCases", a.Method, a.Path)
			}
			checked++
			if checkWireAnswer(t, a, wc) {
				compared++
			}
		})
	}
	return checked, compared
}

// checkWireAnswer serves a's answer to wc's call and compares what the
// call returns with the answer. It reports whether there was a value to
// compare.
func checkWireAnswer(t *testing.T, a wireAnswer, wc wireCase) bool {
	f := setup(t, skyvern.WithMaxRetries(0))
	f.handle("/", func(w http.ResponseWriter, r *http.Request) {
		if len(a.Body) > 0 {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(a.Status)
		w.Write(a.Body)
	})
	got, err := wc.call(context.Background(), f.client)
	require.NoError(t, err, "the answer: %s", a.Body)
	req := f.only()
	assert.Equal(t, a.Method+" "+workflowsAlias(a.Path), req.Method+" "+req.RawPath, "the call is the mocked endpoint's")
	if got == nil || len(a.Body) == 0 {
		return false // the method returns no value: decoding without error is all
	}
	var want any = jsonValue(t, a.Body)
	if wc.member != "" {
		want = want.(map[string]any)[wc.member]
	}
	enc, err := json.Marshal(got)
	require.NoError(t, err)
	assertKeepsMembers(t, "", want, jsonValue(t, enc), wc.redacted)
	return true
}

// workflowsAlias returns path with the /v1/agents prefixes the TypeScript
// SDK calls replaced by /v1/workflows, the names of the same routes this
// SDK calls (Skyvern serves both: skyvern/forge/sdk/routes/agent_protocol.py
// and workflow_schedules.py register each route under both prefixes).
func workflowsAlias(path string) string {
	for _, p := range [][2]string{{"/v1/run/agents", "/v1/run/workflows"}, {"/v1/agents", "/v1/workflows"}} {
		if rest, ok := strings.CutPrefix(path, p[0]); ok && (rest == "" || rest[0] == '/') {
			return p[1] + rest
		}
	}
	return path
}

func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	require.NoError(t, d.Decode(&v), "%s", b)
	return v
}

// assertKeepsMembers checks that got has every member of want, at any
// depth, with an equal value: numbers compare by value, datetimes as
// instants (Time writes them in Skyvern's own form), and a null may come
// back absent. A member named in redacted may come back as "[redacted]".
// Members got adds are not checked.
func assertKeepsMembers(t *testing.T, path string, want, got any, redacted []string) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !assert.True(t, ok, "%s: an object became %#v", path, got) {
			return
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			switch {
			case w[k] == nil:
				assert.True(t, !ok || gv == nil, "%s.%s: null came back as %#v", path, k, gv)
			case !ok:
				assert.Fail(t, "member lost", "%s.%s (%v) is missing", path, k, w[k])
			case gv == "[redacted]" && contains(redacted, k):
			default:
				assertKeepsMembers(t, path+"."+k, w[k], gv, redacted)
			}
		}
	case []any:
		g, ok := got.([]any)
		if assert.True(t, ok, "%s: a list became %#v", path, got) && assert.Len(t, g, len(w), path) {
			for i := range w {
				assertKeepsMembers(t, fmt.Sprintf("%s[%d]", path, i), w[i], g[i], redacted)
			}
		}
	case json.Number:
		g, ok := got.(json.Number)
		if assert.True(t, ok, "%s: %s became %#v", path, w, got) {
			wf, _ := w.Float64()
			gf, _ := g.Float64()
			assert.Equal(t, wf, gf, "%s: %s became %s", path, w, g)
		}
	case string:
		if g, ok := got.(string); ok && g != w {
			wt, werr := skyvern.ParseTime(w)
			gt, gerr := skyvern.ParseTime(g)
			if werr == nil && gerr == nil && wt.Equal(gt.Time) {
				return
			}
		}
		assert.Equal(t, w, got, path)
	default:
		assert.Equal(t, w, got, path)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestWireCasesAreTableOperations checks that every pattern of wireCases,
// as the TypeScript SDK's tests name it (its own wildcard names), is an
// operation of the endpoint table, by the spec's path.
func TestWireCasesAreTableOperations(t *testing.T) {
	wildcard := regexp.MustCompile(`\{[^}]*\}`)
	ops := map[string]bool{}
	for _, e := range endpoint.All() {
		ops[wildcard.ReplaceAllString(e.SpecPattern(), "{}")] = true
	}
	for pattern := range wireCases {
		if !ops[wildcard.ReplaceAllString(pattern, "{}")] {
			t.Errorf("wireCases maps %q, which is no operation of the endpoint table", pattern)
		}
	}
}
