package skyvern_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

func TestFolderLifecycleAgainstTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()

	f, err := client.CreateFolder(ctx, skyvern.CreateFolderRequest{Title: "Finance", Description: "month-end"})
	require.NoError(t, err)
	assert.Regexp(t, `^fld_\d+$`, f.FolderID)
	assert.Equal(t, "Finance", f.Title)
	assert.Equal(t, 0, f.WorkflowCount)

	wf := saveWorkflow(t, client, "Invoices", "")
	moved, err := client.UpdateWorkflowFolder(ctx, wf.WorkflowPermanentID, skyvern.UpdateWorkflowFolderRequest{FolderID: skyvern.Ptr(f.FolderID)})
	require.NoError(t, err)
	assert.Equal(t, f.FolderID, moved.FolderID)
	assert.Equal(t, wf.Version, moved.Version, "moving does not make a new version")

	got, err := client.GetWorkflow(ctx, wf.WorkflowPermanentID, skyvern.GetWorkflowParams{})
	require.NoError(t, err)
	assert.Equal(t, f.FolderID, got.FolderID, "Get Workflow shows the folder")
	gf, err := client.GetFolder(ctx, f.FolderID)
	require.NoError(t, err)
	assert.Equal(t, 1, gf.WorkflowCount, "the folder counts its workflow")
	inFolder, err := client.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{FolderID: f.FolderID})
	require.NoError(t, err)
	require.Len(t, inFolder, 1)

	updated, err := client.UpdateWorkflow(ctx, wf.WorkflowPermanentID, skyvern.WorkflowRequest{YAMLDefinition: "title: Invoices v2\nworkflow_definition: {parameters: [], blocks: []}\n"})
	require.NoError(t, err)
	assert.Equal(t, f.FolderID, updated.FolderID, "a new version stays in the folder")

	renamed, err := client.UpdateFolder(ctx, f.FolderID, skyvern.UpdateFolderRequest{Title: skyvern.Ptr("Accounting")})
	require.NoError(t, err)
	assert.Equal(t, "Accounting", renamed.Title)
	assert.Equal(t, "month-end", renamed.Description, "what the update leaves out stays")
	assert.Equal(t, 1, renamed.WorkflowCount)

	out, err := client.UpdateWorkflowFolder(ctx, wf.WorkflowPermanentID, skyvern.UpdateWorkflowFolderRequest{})
	require.NoError(t, err)
	assert.Empty(t, out.FolderID, "a nil FolderID takes the workflow out")
	gf, err = client.GetFolder(ctx, f.FolderID)
	require.NoError(t, err)
	assert.Equal(t, 0, gf.WorkflowCount)

	_, err = client.UpdateWorkflowFolder(ctx, wf.WorkflowPermanentID, skyvern.UpdateWorkflowFolderRequest{FolderID: skyvern.Ptr(f.FolderID)})
	require.NoError(t, err)
	require.NoError(t, client.DeleteFolder(ctx, f.FolderID, skyvern.DeleteFolderParams{}))
	_, err = client.GetFolder(ctx, f.FolderID)
	require.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Equal(t, "Folder "+f.FolderID+" not found", apiError(t, err).Detail)
	got, err = client.GetWorkflow(ctx, wf.WorkflowPermanentID, skyvern.GetWorkflowParams{})
	require.NoError(t, err, "deleting a folder keeps its workflows")
	assert.Empty(t, got.FolderID, "out of any folder")
}

func TestDeleteFolderWithItsWorkflows(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	f, err := client.CreateFolder(ctx, skyvern.CreateFolderRequest{Title: "Old"})
	require.NoError(t, err)
	inside := saveWorkflow(t, client, "Inside", "")
	outside := saveWorkflow(t, client, "Outside", "")
	_, err = client.UpdateWorkflowFolder(ctx, inside.WorkflowPermanentID, skyvern.UpdateWorkflowFolderRequest{FolderID: skyvern.Ptr(f.FolderID)})
	require.NoError(t, err)

	require.NoError(t, client.DeleteFolder(ctx, f.FolderID, skyvern.DeleteFolderParams{DeleteWorkflows: true}))
	_, err = client.GetWorkflow(ctx, inside.WorkflowPermanentID, skyvern.GetWorkflowParams{})
	assert.ErrorIs(t, err, skyvern.ErrNotFound, "the folder's workflow is deleted with it")
	_, err = client.GetWorkflow(ctx, outside.WorkflowPermanentID, skyvern.GetWorkflowParams{})
	assert.NoError(t, err, "other workflows stay")
	assert.ErrorIs(t, client.DeleteFolder(ctx, f.FolderID, skyvern.DeleteFolderParams{}), skyvern.ErrNotFound, "deleting twice")

	delReq := srv.Requests()
	var query string
	for _, r := range delReq {
		if r.Route == skyverntest.RouteDeleteFolder {
			query = r.RawQuery
			break
		}
	}
	assert.Equal(t, "delete_workflows=true", query)
}

func TestListFoldersAgainstTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	var ids []string
	for _, c := range []skyvern.CreateFolderRequest{{Title: "Alpha"}, {Title: "Beta", Description: "reports"}, {Title: "Gamma"}} {
		f, err := client.CreateFolder(ctx, c)
		require.NoError(t, err)
		ids = append(ids, f.FolderID)
		srv.Advance(time.Millisecond)
	}
	_, err := client.UpdateFolder(ctx, ids[0], skyvern.UpdateFolderRequest{Description: skyvern.Ptr("touched")})
	require.NoError(t, err)

	var all []string
	for f, err := range client.ListFolders(ctx, skyvern.ListFoldersParams{PageSize: 2}) {
		require.NoError(t, err)
		all = append(all, f.FolderID)
	}
	assert.Equal(t, []string{ids[0], ids[2], ids[1]}, all, "most recently modified first")

	found, err := client.ListFoldersPage(ctx, skyvern.ListFoldersParams{Search: "REPORT"})
	require.NoError(t, err)
	require.Len(t, found, 1, "search matches the description, ignoring case")
	assert.Equal(t, ids[1], found[0].FolderID)
}

func TestFolderErrorsAgainstTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	wf := saveWorkflow(t, client, "W", "")

	_, err := client.CreateFolder(ctx, skyvern.CreateFolderRequest{})
	assert.ErrorIs(t, err, skyvern.ErrValidation, "a folder needs a title")
	_, err = client.UpdateFolder(ctx, "fld_404", skyvern.UpdateFolderRequest{Title: skyvern.Ptr("x")})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	_, err = client.UpdateWorkflowFolder(ctx, wf.WorkflowPermanentID, skyvern.UpdateWorkflowFolderRequest{FolderID: skyvern.Ptr("fld_404")})
	require.ErrorIs(t, err, skyvern.ErrBadRequest, "an unknown folder")
	assert.Equal(t, "Folder fld_404 not found", apiError(t, err).Detail)
	_, err = client.UpdateWorkflowFolder(ctx, "wpid_404", skyvern.UpdateWorkflowFolderRequest{})
	require.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Equal(t, "Workflow wpid_404 not found", apiError(t, err).Detail)
	_, err = client.ListFoldersPage(ctx, skyvern.ListFoldersParams{PageSize: 501})
	assert.ErrorIs(t, err, skyvern.ErrValidation)
	_, err = client.GetFolder(ctx, "")
	assert.ErrorIs(t, err, skyvern.ErrEmptyID)

	srv.Fault(skyverntest.RouteCreateFolder, skyverntest.Fault{StatusCode: http.StatusBadGateway})
	_, err = client.CreateFolder(ctx, skyvern.CreateFolderRequest{Title: "x"})
	assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown, "a create is not repeated blindly")
}

func TestUpdateWorkflowFolderOnTheWire(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  skyvern.UpdateWorkflowFolderRequest
		want string
	}{
		{"a folder id", skyvern.UpdateWorkflowFolderRequest{FolderID: skyvern.Ptr("fld_1")}, `{"folder_id":"fld_1"}`},
		{"no folder sends null", skyvern.UpdateWorkflowFolderRequest{}, `{"folder_id":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.req)
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(b))
			var back skyvern.UpdateWorkflowFolderRequest
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, tc.req.FolderID, back.FolderID)
		})
	}
}
