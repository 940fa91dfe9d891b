package skyvern_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// operationMethods maps each operation of Skyvern's spec that the SDK
// implements to the Client methods that call it. The SDK calls the
// long-lived /v1/run/workflows and /v1/workflows... routes where the spec
// documents their newer twins /v1/run/agents and /v1/agents...; Skyvern
// serves both, and the spec's name is listed here.
var operationMethods = map[string][]string{
	"POST /v1/run/tasks":                              {"RunTask"},
	"POST /v1/run/agents":                             {"RunWorkflow"},
	"GET /v1/runs/{run_id}":                           {"GetRun", "WaitForRun"},
	"POST /v1/runs/{run_id}/cancel":                   {"CancelRun"},
	"POST /v1/runs/cancel":                            {"BulkCancelRuns"},
	"GET /v1/runs":                                    {"ListRuns", "ListRunsPage"},
	"GET /v1/runs/{run_id}/artifacts":                 {"ListRunArtifacts"},
	"POST /v1/runs/{run_id}/retry_webhook":            {"RetryRunWebhook"},
	"GET /v1/runs/{run_id}/timeline":                  {"ListRunTimeline"},
	"POST /v1/agents":                                 {"CreateWorkflow"},
	"GET /v1/agents":                                  {"ListWorkflows", "ListWorkflowsPage"},
	"POST /v1/agents/{workflow_id}":                   {"UpdateWorkflow"},
	"POST /v1/agents/{workflow_id}/delete":            {"DeleteWorkflow"},
	"GET /v1/agents/runs":                             {"ListRunsOfAllWorkflows", "ListRunsOfAllWorkflowsPage"},
	"GET /v1/agents/{workflow_permanent_id}":          {"GetWorkflow"},
	"GET /v1/agents/{workflow_permanent_id}/versions": {"ListWorkflowVersions"},
	"GET /v1/version":                                 {"GetServerVersion"},
	"POST /v1/credentials":                            {"CreateCredential"},
	"GET /v1/credentials":                             {"ListCredentials", "ListCredentialsPage"},
	"GET /v1/credentials/{credential_id}":             {"GetCredential"},
	"POST /v1/credentials/{credential_id}/update":     {"UpdateCredential"},
	"POST /v1/credentials/{credential_id}/delete":     {"DeleteCredential"},
	"POST /v1/credentials/totp":                       {"SendTOTPCode"},

	// Browser sessions and profiles, login and download runs.
	"POST /v1/browser_sessions":                            {"CreateBrowserSession", "UseBrowserSession"},
	"GET /v1/browser_sessions":                             {"ListBrowserSessions"},
	"GET /v1/browser_sessions/{browser_session_id}":        {"GetBrowserSession"},
	"PATCH /v1/browser_sessions/{browser_session_id}":      {"UpdateBrowserSession"},
	"POST /v1/browser_sessions/{browser_session_id}/close": {"CloseBrowserSession", "UseBrowserSession"},
	"POST /v1/browser_profiles":                            {"CreateBrowserProfile"},
	"GET /v1/browser_profiles":                             {"ListBrowserProfiles", "ListBrowserProfilesPage"},
	"GET /v1/browser_profiles/{profile_id}":                {"GetBrowserProfile"},
	"PATCH /v1/browser_profiles/{profile_id}":              {"UpdateBrowserProfile"},
	"DELETE /v1/browser_profiles/{profile_id}":             {"DeleteBrowserProfile"},
	"GET /v1/browser_profiles/{profile_id}/usage":          {"GetBrowserProfileUsage"},
	"POST /v1/run/tasks/login":                             {"RunLogin"},
	"POST /v1/run/tasks/download_files":                    {"RunDownloadFiles"},
	"GET /v1/scripts":                                      {"ListScripts", "ListScriptsPage"},
	"POST /v1/scripts":                                     {"CreateScript"},
	"GET /v1/scripts/{script_id}":                          {"GetScript"},
	"POST /v1/scripts/{script_id}/deploy":                  {"DeployScript"},
	"POST /v1/scripts/{script_id}/run":                     {"RunScript"},
	"GET /v1/custom-llms":                                  {"ListCustomLLMs"},
	"POST /v1/custom-llms":                                 {"CreateCustomLLM"},
	"PUT /v1/custom-llms/{custom_llm_id}":                  {"UpdateCustomLLM"},
	"DELETE /v1/custom-llms/{custom_llm_id}":               {"DeleteCustomLLM"},
	"POST /v1/sdk/run_action":                              {"RunSDKAction"},
	// Tags (tags.go).
	"POST /v1/runs/{workflow_run_id}/tags":                 {"ApplyRunTags"},
	"GET /v1/runs/{workflow_run_id}/tags":                  {"GetRunTags"},
	"DELETE /v1/runs/{workflow_run_id}/tags/{key}":         {"DeleteRunTag"},
	"GET /v1/runs/{workflow_run_id}/tags/history":          {"GetRunTagHistory"},
	"POST /v1/agents/{workflow_permanent_id}/tags":         {"ApplyWorkflowTags"},
	"GET /v1/agents/{workflow_permanent_id}/tags":          {"GetWorkflowTags"},
	"DELETE /v1/agents/{workflow_permanent_id}/tags/{key}": {"DeleteWorkflowTag"},
	"GET /v1/agents/{workflow_permanent_id}/tags/history":  {"GetWorkflowTagHistory"},
	"GET /v1/tag-keys":                  {"ListTagKeys"},
	"PATCH /v1/tag-keys/{key}":          {"UpdateTagKey"},
	"DELETE /v1/tag-keys/{key}":         {"DeleteTagKey"},
	"GET /v1/tag-values":                {"ListTagValues"},
	"POST /v1/tag-values":               {"CreateTagValue"},
	"PATCH /v1/tag-values/{key}":        {"UpdateTagValue"},
	"PATCH /v1/tag-values/{key}/rename": {"RenameTagValue"},
	"DELETE /v1/tag-values/{key}":       {"DeleteTagValue"},
	// One method per look-up: GET for short id lists, POST for long ones.
	"GET /v1/workflow-tags":                   {"BatchGetWorkflowTags"},
	"POST /v1/workflow-tags":                  {"BatchGetWorkflowTags"},
	"GET /v1/run-tags":                        {"BatchGetRunTags"},
	"POST /v1/run-tags":                       {"BatchGetRunTags"},
	"GET /v1/run-tag-suggestions":             {"GetRunTagSuggestions"},
	"POST /v1/upload_file":                    {"UploadFile"},
	"DELETE /v1/files/{file_id}":              {"DeleteFile"},
	"GET /v1/artifacts/{artifact_id}/content": {"GetArtifactContent"},

	// schedules, folders and workflow runs (issue 11)
	"POST /v1/folders":                                                                 {"CreateFolder"},
	"GET /v1/folders":                                                                  {"ListFolders", "ListFoldersPage"},
	"GET /v1/folders/{folder_id}":                                                      {"GetFolder"},
	"PUT /v1/folders/{folder_id}":                                                      {"UpdateFolder"},
	"DELETE /v1/folders/{folder_id}":                                                   {"DeleteFolder"},
	"PUT /v1/agents/{workflow_permanent_id}/folder":                                    {"UpdateWorkflowFolder"},
	"GET /v1/schedules":                                                                {"ListSchedules", "ListSchedulesPage"},
	"POST /v1/agents/{workflow_permanent_id}/schedules":                                {"CreateSchedule"},
	"GET /v1/agents/{workflow_permanent_id}/schedules":                                 {"ListWorkflowSchedules"},
	"GET /v1/agents/{workflow_permanent_id}/schedules/{workflow_schedule_id}":          {"GetSchedule"},
	"PUT /v1/agents/{workflow_permanent_id}/schedules/{workflow_schedule_id}":          {"UpdateSchedule"},
	"DELETE /v1/agents/{workflow_permanent_id}/schedules/{workflow_schedule_id}":       {"DeleteSchedule"},
	"POST /v1/agents/{workflow_permanent_id}/schedules/{workflow_schedule_id}/enable":  {"EnableSchedule"},
	"POST /v1/agents/{workflow_permanent_id}/schedules/{workflow_schedule_id}/disable": {"DisableSchedule"},
	"POST /v1/agents/runs/{workflow_run_id}/retry":                                     {"RetryWorkflowRun"},
	"GET /v1/agents/{workflow_id}/runs":                                                {"ListRunsOfWorkflow", "ListRunsOfWorkflowPage"},
	"POST /v1/agents/{workflow_permanent_id}/browser_session/reset_profile":            {"ResetWorkflowBrowserProfile"},
}

func TestEveryOperationHasAMethod(t *testing.T) {
	spec := openAPISpec(t)
	var ops []string
	for path, item := range spec["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			switch method {
			case "get", "post", "put", "patch", "delete":
				ops = append(ops, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(ops)
	require.Len(t, ops, 87, "the spec's operations")

	client := reflect.TypeFor[*skyvern.Client]()
	inSpec := map[string]bool{}
	for _, op := range ops {
		inSpec[op] = true
		methods, implemented := operationMethods[op]
		if !implemented {
			t.Errorf("%s has no method: add one, and list it in operationMethods", op)
		}
		for _, name := range methods {
			_, ok := client.MethodByName(name)
			assert.True(t, ok, "%s: Client has no method %s", op, name)
		}
	}
	for op := range operationMethods {
		assert.True(t, inSpec[op], "operationMethods names %s, which the spec does not have", op)
	}
}
