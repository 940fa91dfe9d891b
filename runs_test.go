package skyvern_test

import "github.com/skyvern-go/skyvern"

// runConformance is the runs, workflows and artifacts area.
var runConformance = conformanceArea{
	name: "runs",
	schemas: []schemaCase{
		{schema: "TaskRunRequest-Input", goType: skyvern.TaskRunRequest{}},
		{schema: "TaskRunRequest-Output", goType: skyvern.TaskRunRequest{}},
		// The SDK posts to /v1/run/workflows, which takes workflow_id; the
		// spec documents the newer /v1/run/agents with agent_id.
		{schema: "WorkflowRunRequest-Input", goType: skyvern.WorkflowRunRequest{}, aliases: map[string]string{"agent_id": "workflow_id"}},
		{schema: "WorkflowRunRequest-Output", goType: skyvern.WorkflowRunRequest{}},
		{schema: "TaskRunResponse", goType: skyvern.RunResponse{}},
		{schema: "WorkflowRunResponse", goType: skyvern.RunResponse{}},
		{schema: "FileInfo", goType: skyvern.FileInfo{}},
		{schema: "ScriptRunResponse", goType: skyvern.ScriptRun{}},
		{schema: "GeoTarget", goType: skyvern.GeoTarget{}},
		{schema: "RetryRunWebhookRequest", goType: skyvern.RetryRunWebhookRequest{}},
		{schema: "RunWebhookReplayResponse", goType: skyvern.RunWebhookReplayResponse{}},
		{schema: "ValidationError", goType: skyvern.ValidationError{}},
		{schema: "TaskRunListItem", goType: skyvern.RunListItem{}},
		{schema: "BulkCancelRunsResponse", goType: skyvern.BulkCancelResult{}},
		{schema: "WorkflowRunTimeline", goType: skyvern.RunTimelineEntry{}},
		{schema: "WorkflowRunBlock", goType: skyvern.WorkflowRunBlock{}},
		{schema: "Thought", goType: skyvern.Thought{}},
		{schema: "Artifact", goType: skyvern.Artifact{}},
		{schema: "WorkflowRun", goType: skyvern.WorkflowRun{}},
		{schema: "Workflow", goType: skyvern.Workflow{}},
		{schema: "WorkflowRequest", goType: skyvern.WorkflowRequest{}},
		{schema: "WorkflowCreateYAMLRequest", goType: skyvern.WorkflowDefinition{}},
		{schema: "WorkflowDefinitionYAML", goType: skyvern.WorkflowBody{}},
	},
	enums: []enumCase{
		{values: specEnum("RunStatus"), goType: goEnum[skyvern.RunStatus]()},
		{values: specEnum("RunType"), goType: goEnum[skyvern.RunType]()},
		{values: specEnum("RunEngine"), goType: goEnum[skyvern.RunEngine]()},
		{values: specEnum("ProxyLocation"), goType: goEnum[skyvern.ProxyLocation]()},
		{values: specEnum("BrowserSeedSource"), goType: goEnum[skyvern.BrowserSeedSource]()},
		{values: specEnum("WorkflowRunStatus"), goType: goEnum[skyvern.RunStatus]()},
		{values: specEnum("ArtifactType"), goType: goEnum[skyvern.ArtifactType]()},
		{values: specEnum("WorkflowStatus"), goType: goEnum[skyvern.WorkflowStatus]()},
		{values: specEnum("WorkflowRunTriggerType"), goType: goEnum[skyvern.TriggerType]()},
		// The task run types, given inline on TaskRunResponse.
		{values: propertyEnum("TaskRunResponse", "run_type"), goType: goEnum[skyvern.RunType]()},
	},
	queries: []queryCase{
		{method: "get", path: "/v1/runs", goType: skyvern.ListRunsParams{}},
		{method: "get", path: "/v1/agents/runs", goType: skyvern.ListRunsOfAllWorkflowsParams{}},
		// title is deprecated in favour of search_key.
		{method: "get", path: "/v1/agents", goType: skyvern.ListWorkflowsParams{}, skip: []string{"title"}},
		{method: "get", path: "/v1/agents/{workflow_permanent_id}", goType: skyvern.GetWorkflowParams{}},
	},
	headers: []headerCase{
		{"/v1/run/tasks", skyvern.TaskRunRequest{}},
		{"/v1/run/agents", skyvern.WorkflowRunRequest{}},
	},
}
