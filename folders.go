package skyvern

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// Folder groups saved workflows. A workflow is in at most one folder, its
// Workflow.FolderID, set with UpdateWorkflowFolder; ListWorkflowsParams
// has a FolderID filter.
//
// Decoding never fails on a missing field or an unknown value; members
// this type does not model are kept in Extra and encoded again by
// json.Marshal.
type Folder struct {
	// FolderID identifies the folder, "fld_...".
	FolderID       string `json:"folder_id,omitempty"`
	OrganizationID string `json:"organization_id,omitempty"`
	Title          string `json:"title,omitempty"`
	Description    string `json:"description,omitempty"`
	// WorkflowCount is the number of workflows in the folder. Skyvern
	// always sends it, so it is always encoded.
	WorkflowCount int  `json:"workflow_count"`
	CreatedAt     Time `json:"created_at,omitzero"`
	ModifiedAt    Time `json:"modified_at,omitzero"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a folder, keeping unmodelled members in Extra.
func (f *Folder) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, f) }

// MarshalJSON encodes the folder, Extra included.
func (f Folder) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(f) }

// CreateFolderRequest describes a new folder. Title is required, 1 to 255
// characters. To send a member this SDK does not have yet, put it in
// Extra.
type CreateFolderRequest struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones. A member named like a field is sent only when that
	// field is left unset.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request body, Extra included.
func (r CreateFolderRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, keeping unmodelled members in
// Extra.
func (r *CreateFolderRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// UpdateFolderRequest changes a folder's title or description: what it
// leaves nil stays as it is. Skyvern cannot clear a description; Ptr("")
// sets it to the empty string.
type UpdateFolderRequest struct {
	Title       *string `json:"title,omitempty"`
	Description *string `json:"description,omitempty"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones. A member named like a field is sent only when that
	// field is left unset.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request body, Extra included.
func (r UpdateFolderRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, keeping unmodelled members in
// Extra.
func (r *UpdateFolderRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// UpdateWorkflowFolderRequest says which folder a workflow goes to:
// FolderID, or, when FolderID is nil (sent as null), none.
type UpdateWorkflowFolderRequest struct {
	FolderID *string `json:"folder_id"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request body, Extra included.
func (r UpdateWorkflowFolderRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, keeping unmodelled members in
// Extra.
func (r *UpdateWorkflowFolderRequest) UnmarshalJSON(data []byte) error {
	return jsonobj.Unmarshal(data, r)
}

// ListFoldersParams filters ListFolders and ListFoldersPage. The zero
// value lists every folder, most recently changed first.
type ListFoldersParams struct {
	// Page is the page ListFoldersPage returns, or the one ListFolders
	// starts from; 1 when 0.
	Page int `url:"page,omitempty"`
	// PageSize is the number of folders per page, at most 500; when 0,
	// ListFoldersPage leaves the server's default (100) and ListFolders
	// asks for 100.
	PageSize int `url:"page_size,omitempty"`
	// Search keeps folders whose title or description contains it,
	// ignoring case.
	Search string `url:"search,omitempty"`
}

// DeleteFolderParams says what DeleteFolder does with the folder's
// workflows. The zero value keeps them, out of any folder.
type DeleteFolderParams struct {
	// DeleteWorkflows deletes the folder's workflows with it.
	DeleteWorkflows bool `url:"delete_workflows,omitempty"`
}

// CreateFolder creates a folder and returns it.
//
// It calls POST /v1/folders. Errors: an *APIError matching ErrValidation for
// a missing or too long title; a *RequestError. It is not retried once sent;
// see ErrOutcomeUnknown. The folder may exist, and ListFolders with Search
// finds it.
func (c *Client) CreateFolder(ctx context.Context, req CreateFolderRequest, opts ...Option) (*Folder, error) {
	var f Folder
	e := request{Call: endpoint.CreateFolder.With(), body: req, creates: true, created: createdID{"folder_id", &f.FolderID}}
	if err := c.do(ctx, e, &f, opts); err != nil {
		return nil, err
	}
	return &f, nil
}

// GetFolder returns the folder folderID ("fld_...") with its workflow
// count.
//
// It calls GET /v1/folders/{folder_id}. Errors: ErrEmptyID; an *APIError
// matching ErrNotFound for an unknown or deleted folder; a *RequestError.
func (c *Client) GetFolder(ctx context.Context, folderID string, opts ...Option) (*Folder, error) {
	var f Folder
	if err := c.do(ctx, request{Call: endpoint.GetFolder.With(folderID)}, &f, opts); err != nil {
		return nil, err
	}
	return &f, nil
}

// ListFoldersPage returns one page of folders, most recently changed
// first.
//
// It calls GET /v1/folders with p as query parameters. Errors: an *APIError
// (ErrValidation for a bad page or page size) or a *RequestError.
func (c *Client) ListFoldersPage(ctx context.Context, p ListFoldersParams, opts ...Option) ([]Folder, error) {
	var out []Folder
	if err := c.do(ctx, request{Call: endpoint.ListFolders.With(), query: p}, &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// ListFolders returns an iterator over all folders matching p, most
// recently changed first, fetching page after page as the loop consumes
// them; see ListBrowserProfiles.
func (c *Client) ListFolders(ctx context.Context, p ListFoldersParams, opts ...Option) iter.Seq2[*Folder, error] {
	return pages(ctx, p.Page, p.PageSize, 0, func(ctx context.Context, page, size int) ([]Folder, error) {
		q := p
		q.Page, q.PageSize = page, size
		return c.ListFoldersPage(ctx, q, opts...)
	})
}

// UpdateFolder changes the folder folderID and returns it as updated.
//
// It calls PUT /v1/folders/{folder_id}. Errors: ErrEmptyID; an *APIError
// matching ErrNotFound for an unknown or deleted folder, ErrValidation for a
// bad title; a *RequestError.
func (c *Client) UpdateFolder(ctx context.Context, folderID string, req UpdateFolderRequest, opts ...Option) (*Folder, error) {
	var f Folder
	if err := c.do(ctx, request{Call: endpoint.UpdateFolder.With(folderID), body: req}, &f, opts); err != nil {
		return nil, err
	}
	return &f, nil
}

// DeleteFolder deletes the folder folderID; its workflows are taken out of
// it, or deleted with it when p.DeleteWorkflows is set.
//
// It calls DELETE /v1/folders/{folder_id}. Errors: ErrEmptyID; an *APIError
// matching ErrNotFound for an unknown or already deleted folder; a
// *RequestError.
func (c *Client) DeleteFolder(ctx context.Context, folderID string, p DeleteFolderParams, opts ...Option) error {
	return c.do(ctx, request{Call: endpoint.DeleteFolder.With(folderID), query: p}, nil, opts)
}

// UpdateWorkflowFolder moves the saved workflow workflowPermanentID ("wpid_...")
// into the folder *req.FolderID, or out of its folder when req.FolderID is
// nil, and returns the workflow's latest version, whose FolderID says where
// it is now.
//
// It calls PUT /v1/workflows/{workflow_permanent_id}/folder (the spec's
// /v1/agents/...; see RunWorkflow). Errors: ErrEmptyID; an *APIError
// matching ErrNotFound for an unknown workflow, ErrBadRequest for an unknown
// folder; a *RequestError.
func (c *Client) UpdateWorkflowFolder(ctx context.Context, workflowPermanentID string, req UpdateWorkflowFolderRequest, opts ...Option) (*Workflow, error) {
	var wf Workflow
	if err := c.do(ctx, request{Call: endpoint.UpdateWorkflowFolder.With(workflowPermanentID), body: req}, &wf, opts); err != nil {
		return nil, versionIDHint(err, workflowPermanentID)
	}
	return &wf, nil
}
