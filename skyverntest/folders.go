package skyverntest

import (
	"net/http"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
)

// This file serves folders and the moving of workflows into them. A
// workflow's folder shows in Get Workflow and List Workflows (folder_id,
// and the folder_id filter), and a folder's workflow_count counts the
// workflows in it.

// The routes of folders. The SDK calls RouteUpdateWorkflowFolder; its
// /v1/agents twin is the spec's name.
const (
	RouteCreateFolder         = "POST /v1/folders"
	RouteListFolders          = "GET /v1/folders"
	RouteGetFolder            = "GET /v1/folders/{folder_id}"
	RouteUpdateFolder         = "PUT /v1/folders/{folder_id}"
	RouteDeleteFolder         = "DELETE /v1/folders/{folder_id}"
	RouteUpdateWorkflowFolder = "PUT /v1/workflows/{workflow_permanent_id}/folder"
	RouteUpdateAgentFolder    = "PUT /v1/agents/{workflow_permanent_id}/folder"
)

// folderRoutes are the routes of folders.
var folderRoutes = []route{
	{name: RouteCreateFolder, body: body[skyvern.CreateFolderRequest](), handle: (*Server).handleCreateFolder},
	{name: RouteListFolders, query: query[skyvern.ListFoldersParams](map[string]limit{
		"page": between(1, 0), "page_size": between(1, 500)}), handle: (*Server).handleListFolders},
	{name: RouteGetFolder, handle: (*Server).handleGetFolder},
	{name: RouteUpdateFolder, body: body[skyvern.UpdateFolderRequest](), handle: (*Server).handleUpdateFolder},
	{name: RouteDeleteFolder, query: query[skyvern.DeleteFolderParams](nil), handle: (*Server).handleDeleteFolder},
	{name: RouteUpdateWorkflowFolder, body: body[skyvern.UpdateWorkflowFolderRequest](), handle: (*Server).handleUpdateWorkflowFolder},
	{name: RouteUpdateAgentFolder, body: body[skyvern.UpdateWorkflowFolderRequest](), handle: (*Server).handleUpdateWorkflowFolder},
}

func folderNotFound(c *call) {
	c.fail(http.StatusNotFound, "Folder "+c.param("folder_id")+" not found")
}

// checkTitle answers FastAPI's 422 for a title outside 1 to 255
// characters, and reports whether it did.
func checkTitle(c *call, title string) bool {
	n := len([]rune(title))
	switch {
	case n < 1:
		c.fail(http.StatusUnprocessableEntity, []validationError{invalid("string_too_short", []any{"body", "title"},
			"String should have at least 1 character", title, wire.Object{{Key: "min_length", Value: 1}})})
	case n > 255:
		c.fail(http.StatusUnprocessableEntity, []validationError{invalid("string_too_long", []any{"body", "title"},
			"String should have at most 255 characters", title, wire.Object{{Key: "max_length", Value: 255}})})
	default:
		return false
	}
	return true
}

// handleCreateFolder serves Create Folder: POST /v1/folders.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py create_folder.
func (s *Server) handleCreateFolder(c *call) {
	req := bodyOf[skyvern.CreateFolderRequest](c)
	if checkTitle(c, req.Title) {
		return
	}
	now := sdkTime(s.now())
	c.reply(s.folders.add(skyvern.Folder{
		FolderID:       s.newID("fld_"),
		OrganizationID: s.orgID,
		Title:          req.Title,
		Description:    req.Description,
		CreatedAt:      now,
		ModifiedAt:     now,
	}))
}

// handleGetFolder serves Get Folder: GET /v1/folders/{folder_id}.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py get_folder.
func (s *Server) handleGetFolder(c *call) {
	f, ok := s.folders.get(c.param("folder_id"), s.st)
	if !ok {
		folderNotFound(c)
		return
	}
	c.reply(f)
}

// handleListFolders serves Get Folders: GET /v1/folders, most recently
// modified first, search matching a substring of the title or the
// description, ignoring case.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py get_folders.
func (s *Server) handleListFolders(c *call) {
	q := queryOf[skyvern.ListFoldersParams](c)
	out := page(s.folders.list(q.Search, s.st), orDefault(q.Page, 1), orDefault(q.PageSize, 100))
	if out == nil {
		out = []skyvern.Folder{}
	}
	c.reply(out)
}

// handleUpdateFolder serves Update Folder: PUT /v1/folders/{folder_id}. A
// member left out or null leaves its value.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py update_folder.
func (s *Server) handleUpdateFolder(c *call) {
	req := bodyOf[skyvern.UpdateFolderRequest](c)
	if req.Title != nil && checkTitle(c, *req.Title) {
		return
	}
	f, ok := s.folders.update(c.param("folder_id"), req.Title, req.Description, s.now(), s.st)
	if !ok {
		folderNotFound(c)
		return
	}
	c.reply(f)
}

// handleDeleteFolder serves Delete Folder: DELETE /v1/folders/{folder_id},
// with delete_workflows to delete its workflows too.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py delete_folder.
func (s *Server) handleDeleteFolder(c *call) {
	id := c.param("folder_id")
	del := queryOf[skyvern.DeleteFolderParams](c).DeleteWorkflows
	if !s.folders.remove(id, del, s.now(), s.st) {
		folderNotFound(c)
		return
	}
	c.replyRaw(mustMarshal(wire.Object{{Key: "status", Value: "deleted"}, {Key: "folder_id", Value: id}, {Key: "workflows_deleted", Value: del}}))
}

// handleUpdateWorkflowFolder serves Update Workflow Folder: PUT
// /v1/workflows/{id}/folder and its /v1/agents twin, which answers the
// workflow's latest version. A null folder_id takes the workflow out of
// its folder.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py
// update_workflow_folder; skyvern/forge/sdk/db/repositories/folders.py
// update_workflow_folder (the 400 for a folder not found).
func (s *Server) handleUpdateWorkflowFolder(c *call) {
	id := c.param("workflow_permanent_id")
	folderID := ""
	if f := bodyOf[skyvern.UpdateWorkflowFolderRequest](c).FolderID; f != nil {
		folderID = *f
	}
	wf, found, folderOK := s.folders.moveWorkflow(id, folderID, s.now(), s.st)
	switch {
	case !found:
		c.fail(http.StatusNotFound, "Workflow "+id+" not found")
	case !folderOK:
		c.fail(http.StatusBadRequest, "Folder "+folderID+" not found")
	default:
		c.reply(wf)
	}
}
