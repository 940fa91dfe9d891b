package endpoint

// The table: one row per operation, by API area. Each row gives the
// pattern the SDK calls and the Client methods that call it, the one
// that sends the request first. A row declared with agents is documented
// by the spec under its /v1/agents twin.

// Runs.
var (
	RunTask          = op("POST /v1/run/tasks", "RunTask")
	RunWorkflow      = agents("POST /v1/run/workflows", "RunWorkflow")
	RunLogin         = op("POST /v1/run/tasks/login", "RunLogin")
	RunDownloadFiles = op("POST /v1/run/tasks/download_files", "RunDownloadFiles")
	GetRun           = op("GET /v1/runs/{run_id}", "GetRun", "WaitForRun")
	CancelRun        = op("POST /v1/runs/{run_id}/cancel", "CancelRun")
	BulkCancelRuns   = op("POST /v1/runs/cancel", "BulkCancelRuns")
	ListRuns         = op("GET /v1/runs", "ListRunsPage", "ListRuns")
	ListRunArtifacts = op("GET /v1/runs/{run_id}/artifacts", "ListRunArtifacts")
	RetryRunWebhook  = op("POST /v1/runs/{run_id}/retry_webhook", "RetryRunWebhook")
	ListRunTimeline  = op("GET /v1/runs/{run_id}/timeline", "ListRunTimeline")
)

// Workflows and their runs.
var (
	CreateWorkflow              = agents("POST /v1/workflows", "CreateWorkflow")
	ListWorkflows               = agents("GET /v1/workflows", "ListWorkflowsPage", "ListWorkflows")
	UpdateWorkflow              = agents("POST /v1/workflows/{workflow_id}", "UpdateWorkflow")
	DeleteWorkflow              = agents("POST /v1/workflows/{workflow_id}/delete", "DeleteWorkflow")
	GetWorkflow                 = agents("GET /v1/workflows/{workflow_permanent_id}", "GetWorkflow")
	ListWorkflowVersions        = agents("GET /v1/workflows/{workflow_permanent_id}/versions", "ListWorkflowVersions")
	ListRunsOfAllWorkflows      = agents("GET /v1/workflows/runs", "ListRunsOfAllWorkflowsPage", "ListRunsOfAllWorkflows")
	ListRunsOfWorkflow          = agents("GET /v1/workflows/{workflow_id}/runs", "ListRunsOfWorkflowPage", "ListRunsOfWorkflow")
	RetryWorkflowRun            = agents("POST /v1/workflows/runs/{workflow_run_id}/retry", "RetryWorkflowRun")
	ResetWorkflowBrowserProfile = agents("POST /v1/workflows/{workflow_permanent_id}/browser_session/reset_profile", "ResetWorkflowBrowserProfile")
	UpdateWorkflowFolder        = agents("PUT /v1/workflows/{workflow_permanent_id}/folder", "UpdateWorkflowFolder")
	GetServerVersion            = op("GET /v1/version", "GetServerVersion")
)

// Schedules.
var (
	CreateSchedule        = agents("POST /v1/workflows/{workflow_permanent_id}/schedules", "CreateSchedule")
	ListWorkflowSchedules = agents("GET /v1/workflows/{workflow_permanent_id}/schedules", "ListWorkflowSchedules")
	GetSchedule           = agents("GET /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}", "GetSchedule")
	UpdateSchedule        = agents("PUT /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}", "UpdateSchedule")
	DeleteSchedule        = agents("DELETE /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}", "DeleteSchedule")
	EnableSchedule        = agents("POST /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}/enable", "EnableSchedule")
	DisableSchedule       = agents("POST /v1/workflows/{workflow_permanent_id}/schedules/{workflow_schedule_id}/disable", "DisableSchedule")
	ListSchedules         = op("GET /v1/schedules", "ListSchedulesPage", "ListSchedules")
)

// Folders.
var (
	CreateFolder = op("POST /v1/folders", "CreateFolder")
	ListFolders  = op("GET /v1/folders", "ListFoldersPage", "ListFolders")
	GetFolder    = op("GET /v1/folders/{folder_id}", "GetFolder")
	UpdateFolder = op("PUT /v1/folders/{folder_id}", "UpdateFolder")
	DeleteFolder = op("DELETE /v1/folders/{folder_id}", "DeleteFolder")
)

// Credentials.
var (
	CreateCredential = op("POST /v1/credentials", "CreateCredential")
	ListCredentials  = op("GET /v1/credentials", "ListCredentialsPage", "ListCredentials")
	GetCredential    = op("GET /v1/credentials/{credential_id}", "GetCredential")
	UpdateCredential = op("POST /v1/credentials/{credential_id}/update", "UpdateCredential")
	DeleteCredential = op("POST /v1/credentials/{credential_id}/delete", "DeleteCredential")
	SendTOTPCode     = op("POST /v1/credentials/totp", "SendTOTPCode")
)

// Browser sessions and profiles.
var (
	CreateBrowserSession   = op("POST /v1/browser_sessions", "CreateBrowserSession", "UseBrowserSession")
	ListBrowserSessions    = op("GET /v1/browser_sessions", "ListBrowserSessions")
	GetBrowserSession      = op("GET /v1/browser_sessions/{browser_session_id}", "GetBrowserSession")
	UpdateBrowserSession   = op("PATCH /v1/browser_sessions/{browser_session_id}", "UpdateBrowserSession")
	CloseBrowserSession    = op("POST /v1/browser_sessions/{browser_session_id}/close", "CloseBrowserSession", "UseBrowserSession")
	CreateBrowserProfile   = op("POST /v1/browser_profiles", "CreateBrowserProfile")
	ListBrowserProfiles    = op("GET /v1/browser_profiles", "ListBrowserProfilesPage", "ListBrowserProfiles")
	GetBrowserProfile      = op("GET /v1/browser_profiles/{profile_id}", "GetBrowserProfile")
	UpdateBrowserProfile   = op("PATCH /v1/browser_profiles/{profile_id}", "UpdateBrowserProfile")
	DeleteBrowserProfile   = op("DELETE /v1/browser_profiles/{profile_id}", "DeleteBrowserProfile")
	GetBrowserProfileUsage = op("GET /v1/browser_profiles/{profile_id}/usage", "GetBrowserProfileUsage")
)

// Scripts, custom LLMs and SDK actions.
var (
	CreateScript    = op("POST /v1/scripts", "CreateScript")
	ListScripts     = op("GET /v1/scripts", "ListScriptsPage", "ListScripts")
	GetScript       = op("GET /v1/scripts/{script_id}", "GetScript")
	DeployScript    = op("POST /v1/scripts/{script_id}/deploy", "DeployScript")
	RunScript       = op("POST /v1/scripts/{script_id}/run", "RunScript")
	ListCustomLLMs  = op("GET /v1/custom-llms", "ListCustomLLMs")
	CreateCustomLLM = op("POST /v1/custom-llms", "CreateCustomLLM")
	UpdateCustomLLM = op("PUT /v1/custom-llms/{custom_llm_id}", "UpdateCustomLLM")
	DeleteCustomLLM = op("DELETE /v1/custom-llms/{custom_llm_id}", "DeleteCustomLLM")
	RunSDKAction    = op("POST /v1/sdk/run_action", "RunSDKAction")
)

// Tags.
var (
	ApplyRunTags             = op("POST /v1/runs/{workflow_run_id}/tags", "ApplyRunTags")
	GetRunTags               = op("GET /v1/runs/{workflow_run_id}/tags", "GetRunTags")
	DeleteRunTag             = op("DELETE /v1/runs/{workflow_run_id}/tags/{key}", "DeleteRunTag")
	GetRunTagHistory         = op("GET /v1/runs/{workflow_run_id}/tags/history", "GetRunTagHistory")
	ApplyWorkflowTags        = agents("POST /v1/workflows/{workflow_permanent_id}/tags", "ApplyWorkflowTags")
	GetWorkflowTags          = agents("GET /v1/workflows/{workflow_permanent_id}/tags", "GetWorkflowTags")
	DeleteWorkflowTag        = agents("DELETE /v1/workflows/{workflow_permanent_id}/tags/{key}", "DeleteWorkflowTag")
	GetWorkflowTagHistory    = agents("GET /v1/workflows/{workflow_permanent_id}/tags/history", "GetWorkflowTagHistory")
	ListTagKeys              = op("GET /v1/tag-keys", "ListTagKeys")
	UpdateTagKey             = op("PATCH /v1/tag-keys/{key}", "UpdateTagKey")
	DeleteTagKey             = op("DELETE /v1/tag-keys/{key}", "DeleteTagKey")
	ListTagValues            = op("GET /v1/tag-values", "ListTagValues")
	CreateTagValue           = op("POST /v1/tag-values", "CreateTagValue")
	UpdateTagValue           = op("PATCH /v1/tag-values/{key}", "UpdateTagValue")
	RenameTagValue           = op("PATCH /v1/tag-values/{key}/rename", "RenameTagValue")
	DeleteTagValue           = op("DELETE /v1/tag-values/{key}", "DeleteTagValue")
	BatchGetWorkflowTags     = op("GET /v1/workflow-tags", "BatchGetWorkflowTags")
	BatchGetWorkflowTagsPost = op("POST /v1/workflow-tags", "BatchGetWorkflowTags")
	BatchGetRunTags          = op("GET /v1/run-tags", "BatchGetRunTags")
	BatchGetRunTagsPost      = op("POST /v1/run-tags", "BatchGetRunTags")
	GetRunTagSuggestions     = op("GET /v1/run-tag-suggestions", "GetRunTagSuggestions")
)

// Files and artifacts.
var (
	UploadFile         = op("POST /v1/upload_file", "UploadFile")
	DeleteFile         = op("DELETE /v1/files/{file_id}", "DeleteFile")
	GetArtifactContent = op("GET /v1/artifacts/{artifact_id}/content", "GetArtifactContent")
)
