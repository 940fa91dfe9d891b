package skyvern_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// scheduleConformance is the schedule and folder area. Its types and
// params match the spec both ways.
var scheduleConformance = conformanceArea{
	name: "schedules",
	schemas: []schemaCase{
		{schema: "WorkflowSchedule", goType: skyvern.Schedule{}, exact: true},
		{schema: "WorkflowScheduleResponse", goType: skyvern.ScheduleResponse{}, exact: true},
		{schema: "WorkflowScheduleUpsertRequest", goType: skyvern.ScheduleRequest{}, exact: true},
		{schema: "OrganizationScheduleItem", goType: skyvern.ScheduleListItem{}, exact: true},
		{schema: "OrganizationScheduleListResponse", goType: skyvern.SchedulePage{}, exact: true},
		{schema: "Folder", goType: skyvern.Folder{}, exact: true},
		{schema: "FolderCreate", goType: skyvern.CreateFolderRequest{}, exact: true},
		{schema: "FolderUpdate", goType: skyvern.UpdateFolderRequest{}, exact: true},
		{schema: "UpdateWorkflowFolderRequest", goType: skyvern.UpdateWorkflowFolderRequest{}, exact: true},
		// DeleteScheduleResponse is only ok, which DeleteSchedule does not
		// return.
		{schema: "DeleteScheduleResponse", extra: []string{"ok"}, exact: true},
	},
	enums: []enumCase{
		{values: queryEnum("get", "/v1/schedules", "status"), goType: goEnum[skyvern.ScheduleStatus](), exact: true},
	},
	queries: []queryCase{
		{method: "get", path: "/v1/schedules", goType: skyvern.ListSchedulesParams{}, exact: true},
		{method: "get", path: "/v1/folders", goType: skyvern.ListFoldersParams{}, exact: true},
		{method: "delete", path: "/v1/folders/{folder_id}", goType: skyvern.DeleteFolderParams{}, exact: true},
		{method: "get", path: "/v1/agents/{workflow_id}/runs", goType: skyvern.ListRunsOfWorkflowParams{}, exact: true},
	},
}

// TestConformanceRetryHeaders checks that retry takes the run-creating
// headers, which RetryWorkflowRun takes as WithHeader options.
func TestConformanceRetryHeaders(t *testing.T) {
	op := operation(t, openAPISpec(t), "post", "/v1/agents/runs/{workflow_run_id}/retry")
	require.Equal(t, []string{"x-max-steps-override", "x-user-agent"}, parameters(op, "header"))
}
