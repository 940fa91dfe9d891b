package skyvern

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"iter"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// ScriptFileEncoding says how ScriptFile.Content is written. Values this
// SDK does not know yet are sent and decoded as they are; IsKnown tells
// them apart.
type ScriptFileEncoding string

// The encodings Skyvern reads script files in.
const (
	// ScriptFileEncodingBase64, the server's default: Content is the
	// file's bytes in standard base64.
	ScriptFileEncodingBase64 ScriptFileEncoding = "base64"
	// ScriptFileEncodingUTF8: Content is the file's text as it is.
	ScriptFileEncodingUTF8 ScriptFileEncoding = "utf-8"
)

// IsKnown reports whether e is one of the encodings defined above.
func (e ScriptFileEncoding) IsKnown() bool {
	return e == ScriptFileEncodingBase64 || e == ScriptFileEncodingUTF8
}

// ScriptFile is one file of a script to create or deploy. Path and
// Content are required; NewScriptFile fills them from the file's bytes.
type ScriptFile struct {
	// Path is the file's path from the script's root, such as
	// "src/main.py".
	Path string `json:"path"`
	// Content is the file's content, in base64 unless Encoding says
	// otherwise.
	Content string `json:"content"`
	// Encoding says how Content is written; empty leaves the server's
	// default, ScriptFileEncodingBase64.
	Encoding ScriptFileEncoding `json:"encoding,omitempty"`
	// MimeType is the file's MIME type, such as "text/x-python"; empty lets
	// Skyvern guess it.
	MimeType string `json:"mime_type,omitempty"`

	// Extra holds members this type does not model, sent after the
	// modelled ones.
	Extra map[string]json.RawMessage `json:"-"`
}

// NewScriptFile returns the file path holding content, base64-encoded as
// Skyvern reads it by default.
func NewScriptFile(path string, content []byte) ScriptFile {
	return ScriptFile{Path: path, Content: base64.StdEncoding.EncodeToString(content)}
}

// UnmarshalJSON decodes a file, keeping unmodelled members in Extra.
func (f *ScriptFile) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, f) }

// MarshalJSON encodes the file, Extra included.
func (f ScriptFile) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(f) }

// CreateScriptRequest creates a script. Every field is optional: the zero
// request creates an empty script, version 1.
type CreateScriptRequest struct {
	// WorkflowID is the workflow the script belongs to.
	WorkflowID string `json:"workflow_id,omitempty"`
	// RunID is the run the script was generated from; Skyvern answers 404
	// for a run it does not know.
	RunID string       `json:"run_id,omitempty"`
	Files []ScriptFile `json:"files,omitempty"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones; a member named like a field is sent only when that
	// field is unset.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *CreateScriptRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the request body, Extra included.
func (r CreateScriptRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// DeployScriptRequest deploys new files to a script. Files is required:
// the files it names replace those of the same path, and the others of the
// latest version are kept.
type DeployScriptRequest struct {
	Files []ScriptFile `json:"files"`

	// Extra holds body members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *DeployScriptRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the request body, Extra included. Nil Files are
// sent as an empty list, which Skyvern requires to be present.
func (r DeployScriptRequest) MarshalJSON() ([]byte, error) {
	if r.Files == nil {
		r.Files = []ScriptFile{}
	}
	return jsonobj.Marshal(r)
}

// ScriptVersion is the version of a script that CreateScript or
// DeployScript has just made.
type ScriptVersion struct {
	// ScriptID identifies the script across its versions: "s_...".
	ScriptID string `json:"script_id,omitempty"`
	// Version counts from 1 and grows by one with each deploy.
	Version int `json:"version"`
	// RunID is the run the script was generated from, if any.
	RunID string `json:"run_id,omitempty"`
	// FileCount is the number of files the request sent.
	FileCount int `json:"file_count"`
	// FileTree holds the files the request sent, by name at the top level
	// and by directory below. Skyvern leaves it empty for a deploy.
	FileTree  map[string]ScriptFileNode `json:"file_tree"`
	CreatedAt Time                      `json:"created_at,omitzero"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a script version, keeping unmodelled members in
// Extra.
func (v *ScriptVersion) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, v) }

// MarshalJSON encodes the script version, Extra included.
func (v ScriptVersion) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(v) }

// ScriptFileNode is a file or a directory of a script's file tree.
type ScriptFileNode struct {
	// Type is "file" or "directory".
	Type string `json:"type,omitempty"`
	// Size is a file's size in bytes.
	Size     *int   `json:"size,omitempty"`
	MimeType string `json:"mime_type,omitempty"`
	// ContentHash is a file's SHA-256, as "sha256:" and 64 hex digits.
	ContentHash string `json:"content_hash,omitempty"`
	CreatedAt   Time   `json:"created_at,omitzero"`
	// Children are a directory's entries, by name. Decoded from {}, it is
	// an empty map, which encodes as {} again; nil encodes as no member.
	Children map[string]ScriptFileNode `json:"children,omitzero"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a node, keeping unmodelled members in Extra.
func (n *ScriptFileNode) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, n) }

// MarshalJSON encodes the node, Extra included.
func (n ScriptFileNode) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(n) }

// Script is one version of a script, as GetScript and ListScripts return
// it.
type Script struct {
	// ScriptRevisionID identifies this version of the script.
	ScriptRevisionID string `json:"script_revision_id,omitempty"`
	// ScriptID identifies the script across its versions: "s_...".
	ScriptID       string `json:"script_id,omitempty"`
	OrganizationID string `json:"organization_id,omitempty"`
	// RunID is the run the script was generated from, if any.
	RunID      string `json:"run_id,omitempty"`
	Version    int    `json:"version"`
	CreatedAt  Time   `json:"created_at,omitzero"`
	ModifiedAt Time   `json:"modified_at,omitzero"`
	// DeletedAt is set once the script is deleted.
	DeletedAt Time `json:"deleted_at,omitzero"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a script, keeping unmodelled members in Extra.
func (s *Script) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, s) }

// MarshalJSON encodes the script, Extra included.
func (s Script) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(s) }

// ListScriptsParams pages ListScripts and ListScriptsPage.
type ListScriptsParams struct {
	// Page is the page ListScriptsPage returns, or the one ListScripts
	// starts from; 1 when 0.
	Page int `url:"page,omitempty"`
	// PageSize is the number of scripts per page; when 0, ListScriptsPage
	// leaves the server's default (10) and ListScripts asks for 100.
	PageSize int `url:"page_size,omitempty"`
}

// CreateScript creates a script, version 1, from req's files, and returns
// that version with its file tree.
//
// It calls POST /v1/scripts. Errors: an *APIError (ErrNotFound for an
// unknown RunID, ErrValidation for a file without a path or content,
// ErrBadRequest for a path Skyvern refuses, such as one with "..", a
// duplicate path, or content that is not valid base64; ErrUnauthorized) or a
// *RequestError. It is not retried once sent; see ErrOutcomeUnknown. Look
// for the script with ListScripts before creating it again.
func (c *Client) CreateScript(ctx context.Context, req CreateScriptRequest, opts ...Option) (*ScriptVersion, error) {
	var out ScriptVersion
	e := request{Call: endpoint.CreateScript.With(), body: req, creates: true, created: createdID{"script_id", &out.ScriptID}}
	if err := c.do(ctx, e, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetScript returns the latest version of the script scriptID ("s_...").
//
// It calls GET /v1/scripts/{script_id}. Errors: ErrEmptyID; an *APIError
// (ErrNotFound for an unknown script, ErrUnauthorized) or a *RequestError.
func (c *Client) GetScript(ctx context.Context, scriptID string, opts ...Option) (*Script, error) {
	var out Script
	if err := c.do(ctx, request{Call: endpoint.GetScript.With(scriptID)}, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListScriptsPage returns one page of the organization's scripts, the
// latest version of each, newest first.
//
// It calls GET /v1/scripts with p as query parameters. Errors: an *APIError
// (ErrValidation for a page below 1, ErrUnauthorized) or a *RequestError.
func (c *Client) ListScriptsPage(ctx context.Context, p ListScriptsParams, opts ...Option) ([]Script, error) {
	var out []Script
	if err := c.do(ctx, request{Call: endpoint.ListScripts.With(), query: p}, &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// ListScripts returns an iterator over all scripts, newest first,
// fetching page after page as the loop consumes them; an error ends the
// sequence as its last element (see ListRuns).
func (c *Client) ListScripts(ctx context.Context, p ListScriptsParams, opts ...Option) iter.Seq2[*Script, error] {
	return pages(ctx, p.Page, p.PageSize, 0, func(ctx context.Context, page, size int) ([]Script, error) {
		q := p
		q.Page, q.PageSize = page, size
		return c.ListScriptsPage(ctx, q, opts...)
	})
}

// DeployScript makes a new version of the script scriptID from the latest
// one, with req's files in place of those of the same path, and returns
// it.
//
// It calls POST /v1/scripts/{script_id}/deploy. Errors: ErrEmptyID; an
// *APIError (ErrNotFound for an unknown script, ErrValidation or
// ErrBadRequest for a bad file, as for CreateScript; ErrUnauthorized) or a
// *RequestError. It is not retried once sent; see ErrOutcomeUnknown.
// GetScript shows whether the version count moved.
func (c *Client) DeployScript(ctx context.Context, scriptID string, req DeployScriptRequest, opts ...Option) (*ScriptVersion, error) {
	var out ScriptVersion
	e := request{Call: endpoint.DeployScript.With(scriptID), body: req, creates: true, created: createdID{"script_id", &out.ScriptID}}
	if err := c.do(ctx, e, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}

// RunScript asks Skyvern to run the latest version of the script scriptID
// in the background. Skyvern's answer carries no run id (the spec gives it
// no shape, and the server sends null), so there is nothing for
// WaitForRun to follow: the run shows up in ListRuns, with ScriptRun set.
// Skyvern Cloud currently refuses every call with 400 "Not implemented",
// which RunScript returns as an *APIError matching ErrBadRequest.
//
// It calls POST /v1/scripts/{script_id}/run with no body. Errors:
// ErrEmptyID; an *APIError (ErrBadRequest, ErrNotFound for an unknown
// script, ErrUnauthorized) or a *RequestError. It is not retried once sent;
// see ErrOutcomeUnknown.
func (c *Client) RunScript(ctx context.Context, scriptID string, opts ...Option) error {
	return c.do(ctx, request{Call: endpoint.RunScript.With(scriptID), creates: true}, nil, opts)
}
