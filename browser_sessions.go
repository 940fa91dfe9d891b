package skyvern

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// BrowserSessionStatus is the state of a persistent browser session. Values
// this SDK does not know yet decode as they are; IsKnown tells them apart.
type BrowserSessionStatus string

// The browser session statuses Skyvern sends. A session is created, then
// running once its browser is up; it ends completed (closed by
// CloseBrowserSession), timeout (its timeout passed) or failed. Retry marks a
// session whose browser Skyvern is starting again.
const (
	BrowserSessionStatusCreated   BrowserSessionStatus = "created"
	BrowserSessionStatusRunning   BrowserSessionStatus = "running"
	BrowserSessionStatusRetry     BrowserSessionStatus = "retry"
	BrowserSessionStatusCompleted BrowserSessionStatus = "completed"
	BrowserSessionStatusFailed    BrowserSessionStatus = "failed"
	BrowserSessionStatusTimeout   BrowserSessionStatus = "timeout"
)

// IsTerminal reports whether a session with this status has ended: it is
// completed, failed or timed out, and can run nothing more.
func (s BrowserSessionStatus) IsTerminal() bool {
	switch s {
	case BrowserSessionStatusCompleted, BrowserSessionStatusFailed, BrowserSessionStatusTimeout:
		return true
	}
	return false
}

// IsKnown reports whether s is one of the statuses defined above.
func (s BrowserSessionStatus) IsKnown() bool {
	switch s {
	case BrowserSessionStatusCreated, BrowserSessionStatusRunning, BrowserSessionStatusRetry:
		return true
	}
	return s.IsTerminal()
}

// BrowserType is the browser a persistent session runs. Values this SDK does
// not know yet are sent and decoded as they are; IsKnown tells them apart.
type BrowserType string

// The browsers Skyvern offers for persistent sessions.
const (
	BrowserTypeMSEdge          BrowserType = "msedge"
	BrowserTypeChrome          BrowserType = "chrome"
	BrowserTypeStealthChromium BrowserType = "stealth-chromium"
)

// IsKnown reports whether t is one of the browser types defined above.
func (t BrowserType) IsKnown() bool {
	switch t {
	case BrowserTypeMSEdge, BrowserTypeChrome, BrowserTypeStealthChromium:
		return true
	}
	return false
}

// BrowserExtension is a browser extension Skyvern can install in a session.
// Values this SDK does not know yet are sent and decoded as they are;
// IsKnown tells them apart.
type BrowserExtension string

// The extensions Skyvern offers.
const (
	BrowserExtensionAdBlocker     BrowserExtension = "ad-blocker"
	BrowserExtensionCaptchaSolver BrowserExtension = "captcha-solver"
)

// IsKnown reports whether e is one of the extensions defined above.
func (e BrowserExtension) IsKnown() bool {
	return e == BrowserExtensionAdBlocker || e == BrowserExtensionCaptchaSolver
}

// CreateBrowserSessionRequest configures a new persistent browser session.
// Every field is optional: the zero value asks for the server's defaults (a
// 60-minute session on the default proxy). Fields left at their zero value
// are not sent. To send an explicit null, or a field this SDK does not have
// yet, put it in Extra.
type CreateBrowserSessionRequest struct {
	// URL is a page the browser opens when the session starts.
	URL string `json:"url,omitempty"`
	// TimeoutMinutes is how long the session lives once started, in
	// minutes: at least 5; 0 leaves the server's default of 60. Skyvern caps
	// larger values at its maximum (240 on Skyvern Cloud) and says so in
	// BrowserSession.Warning.
	TimeoutMinutes int `json:"timeout,omitempty"`
	// ProxyLocation routes the browser's traffic: a ProxyLocation constant, a
	// GeoTarget, or a CustomProxy. Nil leaves the server's default.
	ProxyLocation Proxy `json:"proxy_location,omitempty"`
	// ProxySessionID pins a Skyvern-managed sticky proxy identity
	// (with ProxyLocationResidentialISP).
	ProxySessionID string             `json:"proxy_session_id,omitempty"`
	Extensions     []BrowserExtension `json:"extensions,omitempty"`
	BrowserType    BrowserType        `json:"browser_type,omitempty"`
	// BrowserProfileID loads a saved browser profile ("bp_...") into the
	// session: its cookies, local storage and so on.
	BrowserProfileID string `json:"browser_profile_id,omitempty"`
	// GenerateBrowserProfile saves the session's browser state when it
	// ends, so that CreateBrowserProfile can make a profile from it. It can
	// be changed later with UpdateBrowserSession.
	GenerateBrowserProfile bool `json:"generate_browser_profile,omitempty"`
	// NeedsLiveView says a person will watch the browser live.
	NeedsLiveView bool `json:"needs_live_view,omitempty"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones. A member named like a field is sent only when that field
	// is left unset.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request body, Extra included.
func (r CreateBrowserSessionRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *CreateBrowserSessionRequest) UnmarshalJSON(data []byte) error {
	return jsonobj.Unmarshal(data, r)
}

// BrowserSession is a persistent browser session: a browser that Skyvern
// keeps open across runs until it is closed or its timeout passes. Pass its
// BrowserSessionID in a run request's BrowserSessionID to run there.
//
// Decoding never fails on a missing field or an unknown enum value; members
// this type does not model are kept in Extra and encoded again by
// json.Marshal.
type BrowserSession struct {
	// BrowserSessionID identifies the session, "pbs_...".
	BrowserSessionID string               `json:"browser_session_id,omitempty"`
	OrganizationID   string               `json:"organization_id,omitempty"`
	Status           BrowserSessionStatus `json:"status,omitempty"`
	// RunnableType and RunnableID name the run using the session now, if
	// any: a type such as "task" or "workflow_run", and its id.
	RunnableType string `json:"runnable_type,omitempty"`
	RunnableID   string `json:"runnable_id,omitempty"`
	// TimeoutMinutes is the session's lifetime once started, in minutes.
	TimeoutMinutes *int `json:"timeout,omitempty"`
	// BrowserAddress is the address to connect to the browser over CDP.
	BrowserAddress string `json:"browser_address,omitempty"`
	// AppURL links to the session in Skyvern's web app.
	AppURL           string             `json:"app_url,omitempty"`
	Extensions       []BrowserExtension `json:"extensions,omitzero"`
	BrowserType      BrowserType        `json:"browser_type,omitempty"`
	BrowserProfileID string             `json:"browser_profile_id,omitempty"`
	// GenerateBrowserProfile says whether the session's browser state is
	// saved when it ends. Skyvern always sends it, so it is always encoded.
	GenerateBrowserProfile bool `json:"generate_browser_profile"`
	// VNCStreamingSupported says whether the live view can use VNC.
	// Skyvern always sends it, so it is always encoded.
	VNCStreamingSupported bool `json:"vnc_streaming_supported"`
	// StreamTransport is the live view's transport, "vnc" or "cdp"; only
	// GetBrowserSession reports it.
	StreamTransport string `json:"stream_transport,omitempty"`
	// DownloadPath is where the session's browser saves downloads.
	DownloadPath    string     `json:"download_path,omitempty"`
	DownloadedFiles []FileInfo `json:"downloaded_files,omitzero"`
	// Recordings are the session's video recordings.
	Recordings []FileInfo `json:"recordings,omitzero"`
	StartedAt  Time       `json:"started_at,omitzero"`
	// CompletedAt is set when the session ends.
	CompletedAt Time `json:"completed_at,omitzero"`
	CreatedAt   Time `json:"created_at,omitzero"`
	ModifiedAt  Time `json:"modified_at,omitzero"`
	DeletedAt   Time `json:"deleted_at,omitzero"`
	// Warning says how Skyvern adjusted the request, such as a timeout it
	// capped at its maximum.
	Warning string `json:"warning,omitempty"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a session, keeping unmodelled members in Extra.
func (s *BrowserSession) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, s) }

// MarshalJSON encodes the session, Extra included.
func (s BrowserSession) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(s) }

// UpdateBrowserSessionRequest changes a live browser session.
type UpdateBrowserSessionRequest struct {
	// GenerateBrowserProfile turns saving the session's browser state at
	// its end on or off. The server requires it, so it is always sent.
	GenerateBrowserProfile bool `json:"generate_browser_profile"`

	// Extra holds body members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request body, Extra included.
func (r UpdateBrowserSessionRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *UpdateBrowserSessionRequest) UnmarshalJSON(data []byte) error {
	return jsonobj.Unmarshal(data, r)
}

// CreateBrowserSession starts a persistent browser session and returns it
// (status "created" until its browser is up). The session is billed until it
// is closed or its timeout passes: close it with CloseBrowserSession on
// every path, or let UseBrowserSession do that.
//
// It calls POST /v1/browser_sessions with req as the body ({} for the zero
// request). Errors: an *APIError matching ErrValidation (such as a timeout
// below 5), ErrNotFound (an unknown BrowserProfileID), ErrBadRequest, or
// ErrUnauthorized; a *RequestError for transport failures. It is not retried
// once sent; see ErrOutcomeUnknown. A session may have started, and
// ListBrowserSessions shows the active ones.
func (c *Client) CreateBrowserSession(ctx context.Context, req CreateBrowserSessionRequest, opts ...Option) (*BrowserSession, error) {
	var s BrowserSession
	e := request{Call: endpoint.CreateBrowserSession.With(), body: req, creates: true, created: createdID{"browser_session_id", &s.BrowserSessionID}}
	if err := c.do(ctx, e, &s, opts); err != nil {
		return nil, err
	}
	return &s, nil
}

// GetBrowserSession returns the browser session sessionID ("pbs_..."),
// including the address to connect to its browser over CDP. Ended sessions
// are returned too, with a terminal Status.
//
// It calls GET /v1/browser_sessions/{browser_session_id}. Errors:
// ErrEmptyID; an *APIError matching ErrNotFound for an unknown session, or
// ErrServer for a 503 when Skyvern cannot list the session's downloaded
// files yet; a *RequestError.
func (c *Client) GetBrowserSession(ctx context.Context, sessionID string, opts ...Option) (*BrowserSession, error) {
	var s BrowserSession
	if err := c.do(ctx, request{Call: endpoint.GetBrowserSession.With(sessionID)}, &s, opts); err != nil {
		return nil, err
	}
	return &s, nil
}

// ListBrowserSessions iterates over the organization's active browser
// sessions: those not yet closed, from the last 24 hours. The server does
// not page this list: one request, made when iteration starts, fetches it.
//
// It calls GET /v1/browser_sessions. Errors: an *APIError (ErrUnauthorized)
// or a *RequestError.
func (c *Client) ListBrowserSessions(ctx context.Context, opts ...Option) iter.Seq2[*BrowserSession, error] {
	return whole(ctx, func(ctx context.Context) ([]BrowserSession, error) {
		var out []BrowserSession
		if err := c.do(ctx, request{Call: endpoint.ListBrowserSessions.With()}, &out, opts); err != nil {
			return nil, err
		}
		return out, nil
	})
}

// UpdateBrowserSession changes the live browser session sessionID and
// returns it as updated.
//
// It calls PATCH /v1/browser_sessions/{browser_session_id} with req as the
// body. Errors: ErrEmptyID; an *APIError matching ErrNotFound for an unknown
// session or ErrConflict for one that has already ended; a *RequestError.
func (c *Client) UpdateBrowserSession(ctx context.Context, sessionID string, req UpdateBrowserSessionRequest, opts ...Option) (*BrowserSession, error) {
	var s BrowserSession
	if err := c.do(ctx, request{Call: endpoint.UpdateBrowserSession.With(sessionID), body: req}, &s, opts); err != nil {
		return nil, err
	}
	return &s, nil
}

// CloseBrowserSession closes the browser session sessionID, which stops its
// billing; it cannot be used again. Closing a session that has already
// ended (closed, timed out or failed) succeeds and changes nothing, so a
// deferred close is safe even when the code before it closed the session:
//
//	sess, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
//	if err != nil {
//		return err
//	}
//	defer client.CloseBrowserSession(context.WithoutCancel(ctx), sess.BrowserSessionID)
//
// (context.WithoutCancel lets the close go out even when ctx has been
// cancelled; UseBrowserSession does all of this for you.)
//
// It calls POST /v1/browser_sessions/{browser_session_id}/close with no
// body. Errors: ErrEmptyID; an *APIError matching ErrNotFound for an unknown
// session; a *RequestError.
func (c *Client) CloseBrowserSession(ctx context.Context, sessionID string, opts ...Option) error {
	return c.do(ctx, request{Call: endpoint.CloseBrowserSession.With(sessionID)}, nil, opts)
}

// closeSessionTimeout bounds the close that UseBrowserSession sends after
// its callback, which runs even when the caller's context has ended.
const closeSessionTimeout = 2 * time.Minute

// UseBrowserSession creates a browser session with req, calls fn with it,
// and closes the session when fn returns, fails or panics, so that no path
// leaves a billable session open:
//
//	err := client.UseBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{}, func(ctx context.Context, s *skyvern.BrowserSession) error {
//		_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "...", BrowserSessionID: s.BrowserSessionID})
//		return err
//	})
//
// The close goes out even when ctx has been cancelled or has expired (it
// keeps ctx's values but not its deadline, and is bounded by two minutes).
// fn may close the session itself, for example to make a browser profile
// from it; the second close is harmless.
//
// It returns fn's error, the close's error (wrapped with the session's id),
// or both joined with errors.Join. If creating the session fails, fn is not
// called and that error is returned as CreateBrowserSession returns it
// (ErrOutcomeUnknown included). opts apply to the create and the close.
func (c *Client) UseBrowserSession(ctx context.Context, req CreateBrowserSessionRequest, fn func(ctx context.Context, s *BrowserSession) error, opts ...Option) (err error) {
	s, err := c.CreateBrowserSession(ctx, req, opts...)
	if err != nil {
		return err
	}
	id := s.BrowserSessionID // fn may change s
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), closeSessionTimeout)
		defer cancel()
		if cerr := c.CloseBrowserSession(cctx, id, opts...); cerr != nil {
			err = errors.Join(err, fmt.Errorf("skyvern: closing browser session %s: %w", id, cerr))
		}
	}()
	return fn(ctx, s)
}
