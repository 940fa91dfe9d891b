package skyvern

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// BrowserProfile is a saved browser state (cookies, local storage, ...) that
// a run or a browser session can start from, by its BrowserProfileID.
//
// Decoding never fails on a missing field or an unknown value; members this
// type does not model are kept in Extra and encoded again by json.Marshal.
type BrowserProfile struct {
	// BrowserProfileID identifies the profile, "bp_...".
	BrowserProfileID string `json:"browser_profile_id,omitempty"`
	OrganizationID   string `json:"organization_id,omitempty"`
	Name             string `json:"name,omitempty"`
	Description      string `json:"description,omitempty"`
	// SourceBrowserType is the browser of the session the profile was made
	// from, if any.
	SourceBrowserType BrowserType `json:"source_browser_type,omitempty"`
	// ProxyLocation is the proxy pinned to the profile: a ProxyLocation, a
	// GeoTarget or a CustomProxy, or nil.
	ProxyLocation  Proxy  `json:"proxy_location,omitempty"`
	ProxySessionID string `json:"proxy_session_id,omitempty"`
	// IsManaged marks a profile Skyvern manages itself (such as a
	// workflow's saved session) rather than one a user created. Skyvern
	// always sends it, so it is always encoded.
	IsManaged bool `json:"is_managed"`
	// WorkflowPermanentID is the workflow a managed profile belongs to.
	WorkflowPermanentID     string `json:"workflow_permanent_id,omitempty"`
	BrowserProfileKeyDigest string `json:"browser_profile_key_digest,omitempty"`
	CreatedAt               Time   `json:"created_at,omitzero"`
	ModifiedAt              Time   `json:"modified_at,omitzero"`
	// DeletedAt is set for a deleted profile (see IncludeDeleted in
	// ListBrowserProfilesParams).
	DeletedAt Time `json:"deleted_at,omitzero"`
	// LastVerifiedLoginAt is when a run last confirmed that the profile's
	// saved login still works.
	LastVerifiedLoginAt Time `json:"last_verified_login_at,omitzero"`
	// LinkedCredentialName names the credential whose logins the profile
	// keeps, if any.
	LinkedCredentialName string `json:"linked_credential_name,omitempty"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a profile, keeping unmodelled members in Extra.
func (p *BrowserProfile) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, p) }

// MarshalJSON encodes the profile, Extra included.
func (p BrowserProfile) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(p) }

// CreateBrowserProfileRequest describes a new browser profile. Name is
// required and must be unique among the organization's profiles. Set
// BrowserSessionID to capture a closed browser session's state, or
// WorkflowRunID to capture the saved session of a workflow run; set neither
// for a blank profile. Fields left at their zero value are not sent; to
// send an explicit null, or a field this SDK does not have yet, put it in
// Extra.
type CreateBrowserProfileRequest struct {
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	// BrowserSessionID is a session ("pbs_...") created with
	// GenerateBrowserProfile (or from a profile) and already closed.
	BrowserSessionID string `json:"browser_session_id,omitempty"`
	// WorkflowRunID is a run ("wr_...") of a workflow that keeps its
	// browser session.
	WorkflowRunID string `json:"workflow_run_id,omitempty"`
	// ProxyLocation pins a proxy to the profile: a ProxyLocation constant,
	// a GeoTarget, or a CustomProxy.
	ProxyLocation  Proxy  `json:"proxy_location,omitempty"`
	ProxySessionID string `json:"proxy_session_id,omitempty"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones. A member named like a field is sent only when that field
	// is left unset.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request body, Extra included.
func (r CreateBrowserProfileRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *CreateBrowserProfileRequest) UnmarshalJSON(data []byte) error {
	return jsonobj.Unmarshal(data, r)
}

// UpdateBrowserProfileRequest changes a browser profile. Only what it sets
// is sent, and only that changes; Description is a pointer so that
// Ptr("") can clear it.
type UpdateBrowserProfileRequest struct {
	// Name is the new name, unique among the organization's profiles.
	Name        string  `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	// ProxyLocation pins a different proxy: a ProxyLocation constant, a
	// GeoTarget, or a CustomProxy. To unpin it, send an explicit null
	// through Extra.
	ProxyLocation  Proxy  `json:"proxy_location,omitempty"`
	ProxySessionID string `json:"proxy_session_id,omitempty"`
	// RotateProxySessionID asks Skyvern for a fresh sticky proxy identity.
	RotateProxySessionID bool `json:"rotate_proxy_session_id,omitempty"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones. A member named like a field is sent only when that field
	// is left unset, so Extra{"proxy_location": json.RawMessage("null")}
	// sends an explicit null.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request body, Extra included.
func (r UpdateBrowserProfileRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *UpdateBrowserProfileRequest) UnmarshalJSON(data []byte) error {
	return jsonobj.Unmarshal(data, r)
}

// BrowserProfileUsage lists what depends on a browser profile, as a check
// before deleting it.
type BrowserProfileUsage struct {
	// Workflows start their runs from the profile.
	Workflows []BrowserProfileUsageWorkflow `json:"workflows,omitzero"`
	// Credentials keep their logins in the profile.
	Credentials []BrowserProfileUsageCredential `json:"credentials,omitzero"`
	// RecentSeededRunCount is how many recent runs started from the profile.
	RecentSeededRunCount int `json:"recent_seeded_run_count"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the usage, keeping unmodelled members in Extra.
func (u *BrowserProfileUsage) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, u) }

// MarshalJSON encodes the usage, Extra included.
func (u BrowserProfileUsage) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(u) }

// BrowserProfileUsageWorkflow is a workflow that uses a browser profile.
type BrowserProfileUsageWorkflow struct {
	WorkflowPermanentID string `json:"workflow_permanent_id,omitempty"`
	Title               string `json:"title,omitempty"`
	// Via says how the workflow uses the profile.
	Via string `json:"via,omitempty"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the entry, keeping unmodelled members in Extra.
func (w *BrowserProfileUsageWorkflow) UnmarshalJSON(data []byte) error {
	return jsonobj.Unmarshal(data, w)
}

// MarshalJSON encodes the entry, Extra included.
func (w BrowserProfileUsageWorkflow) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(w) }

// BrowserProfileUsageCredential is a stored credential linked to a browser
// profile.
type BrowserProfileUsageCredential struct {
	CredentialID string `json:"credential_id,omitempty"`
	Name         string `json:"name,omitempty"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the entry, keeping unmodelled members in Extra.
func (c *BrowserProfileUsageCredential) UnmarshalJSON(data []byte) error {
	return jsonobj.Unmarshal(data, c)
}

// MarshalJSON encodes the entry, Extra included.
func (c BrowserProfileUsageCredential) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(c) }

// ListBrowserProfilesParams filters ListBrowserProfiles and
// ListBrowserProfilesPage. The zero value lists every profile that is not
// deleted, newest first.
type ListBrowserProfilesParams struct {
	// Page is the page ListBrowserProfilesPage returns, or the one
	// ListBrowserProfiles starts from; 1 when 0.
	Page int `url:"page,omitempty"`
	// PageSize is the number of profiles per page; when 0,
	// ListBrowserProfilesPage leaves the server's default (10) and
	// ListBrowserProfiles asks for 100.
	PageSize int `url:"page_size,omitempty"`
	// IncludeDeleted lists deleted profiles too.
	IncludeDeleted bool `url:"include_deleted,omitempty"`
	// SearchKey keeps profiles whose name or description contains it,
	// ignoring case.
	SearchKey string `url:"search_key,omitempty"`
	// Managed keeps only profiles Skyvern manages (Ptr(true)) or only those
	// users created (Ptr(false)); nil keeps both.
	Managed *bool `url:"managed,omitempty"`
}

// CreateBrowserProfile creates a browser profile: blank, or captured from a
// closed browser session or a workflow run (see
// CreateBrowserProfileRequest), and returns it.
//
// It calls POST /v1/browser_profiles with req as the body. Errors: an
// *APIError matching ErrConflict when the name is taken, ErrBadRequest when
// the session or run has no saved browser state (a session must be created
// with GenerateBrowserProfile and closed first), ErrNotFound for an unknown
// session or run, ErrValidation for a missing name; a *RequestError. It is
// not retried once sent; see ErrOutcomeUnknown. The profile may exist, and
// ListBrowserProfiles with SearchKey finds it.
func (c *Client) CreateBrowserProfile(ctx context.Context, req CreateBrowserProfileRequest, opts ...Option) (*BrowserProfile, error) {
	var p BrowserProfile
	e := request{Call: endpoint.CreateBrowserProfile.With(), body: req, creates: true, created: createdID{"browser_profile_id", &p.BrowserProfileID}}
	if err := c.do(ctx, e, &p, opts); err != nil {
		return nil, err
	}
	return &p, nil
}

// GetBrowserProfile returns the browser profile profileID ("bp_...").
//
// It calls GET /v1/browser_profiles/{profile_id}. Errors: ErrEmptyID; an
// *APIError matching ErrNotFound for an unknown or deleted profile; a
// *RequestError.
func (c *Client) GetBrowserProfile(ctx context.Context, profileID string, opts ...Option) (*BrowserProfile, error) {
	var p BrowserProfile
	if err := c.do(ctx, request{Call: endpoint.GetBrowserProfile.With(profileID)}, &p, opts); err != nil {
		return nil, err
	}
	return &p, nil
}

// ListBrowserProfilesPage returns one page of browser profiles, newest
// first.
//
// It calls GET /v1/browser_profiles with p as query parameters. Errors: an
// *APIError (ErrValidation for a bad page or page size, ErrUnauthorized) or
// a *RequestError.
func (c *Client) ListBrowserProfilesPage(ctx context.Context, p ListBrowserProfilesParams, opts ...Option) ([]BrowserProfile, error) {
	var out []BrowserProfile
	if err := c.do(ctx, request{Call: endpoint.ListBrowserProfiles.With(), query: p}, &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// ListBrowserProfiles returns an iterator over all browser profiles matching
// p, newest first. It fetches page after page only as the loop consumes them
// and stops when the loop stops; an error ends the sequence as its last
// element:
//
//	for profile, err := range client.ListBrowserProfiles(ctx, skyvern.ListBrowserProfilesParams{SearchKey: "billing"}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(profile.BrowserProfileID, profile.Name)
//	}
func (c *Client) ListBrowserProfiles(ctx context.Context, p ListBrowserProfilesParams, opts ...Option) iter.Seq2[*BrowserProfile, error] {
	return pages(ctx, p.Page, p.PageSize, 0, func(ctx context.Context, page, size int) ([]BrowserProfile, error) {
		q := p
		q.Page, q.PageSize = page, size
		return c.ListBrowserProfilesPage(ctx, q, opts...)
	})
}

// UpdateBrowserProfile changes the browser profile profileID and returns it
// as updated.
//
// It calls PATCH /v1/browser_profiles/{profile_id} with req as the body.
// Errors: ErrEmptyID; an *APIError matching ErrNotFound for an unknown
// profile, ErrConflict when the new name is taken; a *RequestError.
func (c *Client) UpdateBrowserProfile(ctx context.Context, profileID string, req UpdateBrowserProfileRequest, opts ...Option) (*BrowserProfile, error) {
	var p BrowserProfile
	if err := c.do(ctx, request{Call: endpoint.UpdateBrowserProfile.With(profileID), body: req}, &p, opts); err != nil {
		return nil, err
	}
	return &p, nil
}

// DeleteBrowserProfile deletes the browser profile profileID. Skyvern keeps
// deleted profiles (ListBrowserProfilesParams.IncludeDeleted lists them) and
// unlinks them from the credentials that used them.
//
// It calls DELETE /v1/browser_profiles/{profile_id}, which answers 204.
// Errors: ErrEmptyID; an *APIError matching ErrNotFound for an unknown or
// already deleted profile; a *RequestError.
func (c *Client) DeleteBrowserProfile(ctx context.Context, profileID string, opts ...Option) error {
	return c.do(ctx, request{Call: endpoint.DeleteBrowserProfile.With(profileID)}, nil, opts)
}

// GetBrowserProfileUsage reports what depends on the browser profile
// profileID: workflows, credentials and recent runs.
//
// It calls GET /v1/browser_profiles/{profile_id}/usage. Errors: ErrEmptyID;
// an *APIError matching ErrNotFound; a *RequestError.
func (c *Client) GetBrowserProfileUsage(ctx context.Context, profileID string, opts ...Option) (*BrowserProfileUsage, error) {
	var u BrowserProfileUsage
	if err := c.do(ctx, request{Call: endpoint.GetBrowserProfileUsage.With(profileID)}, &u, opts); err != nil {
		return nil, err
	}
	return &u, nil
}
