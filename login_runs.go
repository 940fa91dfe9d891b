package skyvern

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// CredentialSource says where a login run gets its credential: Skyvern's
// own credential store or an external password vault. Values this SDK does
// not know yet are sent and decoded as they are; IsKnown tells them apart.
type CredentialSource string

// The credential sources Skyvern supports, each with the LoginRequest
// fields it reads.
const (
	// CredentialSourceSkyvern uses a credential stored in Skyvern:
	// CredentialID.
	CredentialSourceSkyvern CredentialSource = "skyvern"
	// CredentialSourceBitwarden uses a Bitwarden item: BitwardenItemID,
	// or BitwardenCollectionID to search a collection by URL.
	CredentialSourceBitwarden CredentialSource = "bitwarden"
	// CredentialSourceOnePassword uses a 1Password item:
	// OnePasswordVaultID and OnePasswordItemID.
	CredentialSourceOnePassword CredentialSource = "1password"
	// CredentialSourceAzureVault uses secrets in an Azure Key Vault:
	// AzureVaultName and the Azure...Key fields.
	CredentialSourceAzureVault CredentialSource = "azure_vault"
)

// IsKnown reports whether s is one of the sources defined above.
func (s CredentialSource) IsKnown() bool {
	switch s {
	case CredentialSourceSkyvern, CredentialSourceBitwarden, CredentialSourceOnePassword, CredentialSourceAzureVault:
		return true
	}
	return false
}

// LoginRequest starts a login run: Skyvern signs in to a website with a
// credential it fetches itself, from its own store or a vault, so that the
// secret never passes through your code. Only CredentialSource is required by
// the server, with the fields that source reads (see CredentialSource).
// Fields left at their zero value are not sent; the pointer fields
// distinguish "not set" from an explicit 0 (use Ptr). To send an explicit
// null, or a field this SDK does not have yet, put it in Extra.
//
// To keep the signed-in browser for later runs, run the login in a browser
// session (BrowserSessionID) or save its state in a browser profile.
type LoginRequest struct {
	// CredentialSource says where the credential comes from (credential_type
	// on the wire; CredentialType is what a stored credential holds).
	CredentialSource CredentialSource `json:"credential_type,omitempty"`
	// URL is the website's login page.
	URL string `json:"url,omitempty"`
	// Prompt replaces Skyvern's default login instructions.
	Prompt string `json:"prompt,omitempty"`
	// CredentialID is a credential stored in Skyvern, "cred_...".
	CredentialID          string `json:"credential_id,omitempty"`
	BitwardenCollectionID string `json:"bitwarden_collection_id,omitempty"`
	BitwardenItemID       string `json:"bitwarden_item_id,omitempty"`
	OnePasswordVaultID    string `json:"onepassword_vault_id,omitempty"`
	OnePasswordItemID     string `json:"onepassword_item_id,omitempty"`
	AzureVaultName        string `json:"azure_vault_name,omitempty"`
	// AzureVaultUsernameKey, AzureVaultPasswordKey and
	// AzureVaultTOTPSecretKey name the vault's secrets (not their values).
	AzureVaultUsernameKey   string `json:"azure_vault_username_key,omitempty"`
	AzureVaultPasswordKey   string `json:"azure_vault_password_key,omitempty"`
	AzureVaultTOTPSecretKey string `json:"azure_vault_totp_secret_key,omitempty"`

	// WebhookURL receives a signed POST when the run finishes (see package
	// webhooks). Skyvern refuses localhost and private addresses.
	WebhookURL string `json:"webhook_url,omitempty"`
	// ProxyLocation routes the browser's traffic through a named pool;
	// empty leaves the server's default.
	ProxyLocation ProxyLocation `json:"proxy_location,omitempty"`
	// TOTPIdentifier and TOTPURL tell Skyvern where to get 2FA codes.
	TOTPIdentifier string `json:"totp_identifier,omitempty"`
	TOTPURL        string `json:"totp_url,omitempty"`
	// BrowserSessionID runs the login in a persistent browser session,
	// "pbs_...".
	BrowserSessionID  string `json:"browser_session_id,omitempty"`
	BrowserProfileID  string `json:"browser_profile_id,omitempty"`
	StartFreshBrowser bool   `json:"start_fresh_browser,omitempty"`
	// BrowserAddress is the CDP address of your own browser to run in.
	BrowserAddress    string            `json:"browser_address,omitempty"`
	ExtraHTTPHeaders  map[string]string `json:"extra_http_headers,omitempty"`
	CDPConnectHeaders map[string]string `json:"cdp_connect_headers,omitempty"`
	// MaxScreenshotScrollingTimes bounds the scrolls per screenshot.
	MaxScreenshotScrollingTimes *int `json:"max_screenshot_scrolling_times,omitempty"`

	// XUserAgent is sent as the x-user-agent header, not in the body.
	XUserAgent string `json:"-"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones. A member named like a field is sent only when that field
	// is left unset.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request body, Extra included.
func (r LoginRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *LoginRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// DownloadFilesRequest starts a download run: Skyvern navigates a website
// and clicks through to download files, which the finished run lists in
// RunResponse.DownloadedFiles. Only NavigationGoal is required by the
// server. Fields left at their zero value are not sent; the pointer fields
// distinguish "not set" from an explicit 0 (use Ptr). To send an explicit
// null, or a field this SDK does not have yet, put it in Extra.
type DownloadFilesRequest struct {
	// NavigationGoal tells the agent how to reach and download the files.
	NavigationGoal string `json:"navigation_goal,omitempty"`
	// URL is the page to start from.
	URL string `json:"url,omitempty"`
	// DownloadSuffix is a suffix, or a whole file name, for the downloaded
	// file.
	DownloadSuffix string `json:"download_suffix,omitempty"`
	// DownloadTimeout bounds the download, in seconds.
	DownloadTimeout *float64 `json:"download_timeout,omitempty"`
	// MaxStepsPerRun bounds the agent's steps.
	MaxStepsPerRun *int `json:"max_steps_per_run,omitempty"`

	// WebhookURL receives a signed POST when the run finishes (see package
	// webhooks). Skyvern refuses localhost and private addresses.
	WebhookURL string `json:"webhook_url,omitempty"`
	// ProxyLocation routes the browser's traffic through a named pool;
	// empty leaves the server's default.
	ProxyLocation ProxyLocation `json:"proxy_location,omitempty"`
	// TOTPIdentifier and TOTPURL tell Skyvern where to get 2FA codes.
	TOTPIdentifier string `json:"totp_identifier,omitempty"`
	TOTPURL        string `json:"totp_url,omitempty"`
	// BrowserSessionID runs the download in a persistent browser session,
	// "pbs_...", such as one a login run signed in.
	BrowserSessionID  string `json:"browser_session_id,omitempty"`
	BrowserProfileID  string `json:"browser_profile_id,omitempty"`
	StartFreshBrowser bool   `json:"start_fresh_browser,omitempty"`
	// BrowserAddress is the CDP address of your own browser to run in.
	BrowserAddress    string            `json:"browser_address,omitempty"`
	ExtraHTTPHeaders  map[string]string `json:"extra_http_headers,omitempty"`
	CDPConnectHeaders map[string]string `json:"cdp_connect_headers,omitempty"`
	// MaxScreenshotScrollingTimes bounds the scrolls per screenshot.
	MaxScreenshotScrollingTimes *int `json:"max_screenshot_scrolling_times,omitempty"`

	// XUserAgent is sent as the x-user-agent header, not in the body.
	XUserAgent string `json:"-"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones. A member named like a field is sent only when that field
	// is left unset.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request body, Extra included.
func (r DownloadFilesRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *DownloadFilesRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// RunLogin starts a login run and returns it as created. Skyvern runs the
// login as a workflow run ("wr_..."), so the result works like any other
// run: wait for it with WaitForRun or a Waiter, or pass a WebhookURL.
//
// It calls POST /v1/run/tasks/login. What req sets is sent as it is; the
// server validates it (422, an *APIError matching ErrValidation, for a
// missing CredentialSource). It is not retried once sent; see
// ErrOutcomeUnknown.
func (c *Client) RunLogin(ctx context.Context, req LoginRequest, opts ...Option) (*RunResponse, error) {
	return c.runShortcut(ctx, endpoint.RunLogin, req, req.XUserAgent, opts)
}

// RunDownloadFiles starts a download run and returns it as created. Skyvern
// runs it as a workflow run ("wr_..."), so the result works like any other
// run: wait for it with WaitForRun or a Waiter, or pass a WebhookURL; the
// finished run lists the files in DownloadedFiles.
//
// It calls POST /v1/run/tasks/download_files. What req sets is sent as it
// is; the server validates it (422, an *APIError matching ErrValidation, for
// a missing NavigationGoal). It is not retried once sent; see
// ErrOutcomeUnknown.
func (c *Client) RunDownloadFiles(ctx context.Context, req DownloadFilesRequest, opts ...Option) (*RunResponse, error) {
	return c.runShortcut(ctx, endpoint.RunDownloadFiles, req, req.XUserAgent, opts)
}

// runShortcut posts a run-creating request that takes the x-user-agent
// header and answers with a workflow run.
func (c *Client) runShortcut(ctx context.Context, op *endpoint.Endpoint, body any, userAgent string, opts []Option) (*RunResponse, error) {
	var h http.Header
	if userAgent != "" {
		h = http.Header{"X-User-Agent": {userAgent}}
	}
	var run RunResponse
	e := request{Call: op.With(), body: body, header: h, creates: true, created: createdID{"run_id", &run.RunID}}
	if err := c.do(ctx, e, &run, opts); err != nil {
		return nil, err
	}
	return &run, nil
}
