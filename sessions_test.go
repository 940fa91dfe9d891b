package skyvern_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sessionJSON is a browser session as Skyvern sends it, nulls included.
const sessionJSON = `{"browser_session_id":"pbs_1","organization_id":"o_1","status":"running","runnable_type":null,` +
	`"runnable_id":null,"timeout":60,"browser_address":"wss://sessions.skyvern.com/pbs_1/cdp","app_url":"https://app.skyvern.com/browser-session/pbs_1",` +
	`"extensions":null,"browser_type":null,"browser_profile_id":null,"generate_browser_profile":false,"vnc_streaming_supported":true,` +
	`"stream_transport":null,"download_path":null,"downloaded_files":null,"recordings":null,"started_at":"2026-01-31T15:20:42.160725",` +
	`"completed_at":null,"created_at":"2026-01-31T15:20:40.5","modified_at":"2026-01-31T15:20:42.160725","deleted_at":null,"warning":null}`

const profileJSON = `{"browser_profile_id":"bp_1","organization_id":"o_1","name":"billing","description":null,"source_browser_type":"chrome",` +
	`"proxy_location":{"country":"US","subdivision":"CA"},"proxy_session_id":null,"is_managed":false,"workflow_permanent_id":null,` +
	`"browser_profile_key_digest":null,"created_at":"2026-01-31T15:20:42","modified_at":"2026-01-31T15:20:42","deleted_at":null,` +
	`"last_verified_login_at":null,"linked_credential_name":null}`

const workflowRunJSON = `{"run_id":"wr_9","status":"created","run_type":"workflow_run","recording_archived":false}`

// TestSessionAndProfileMethodsOnTheWire checks, for every browser session,
// browser profile, login and download method, the request line, the body
// exactly as sent, and the headers that matter.
func TestSessionAndProfileMethodsOnTheWire(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		route       string
		status      int
		answer      string
		call        func(c *skyvern.Client) error
		method      string
		rawPath     string
		query       string
		body        string // exact bytes; "" means no body at all
		wantHeaders map[string]string
	}{
		{
			name: "CreateBrowserSession sends {} for the zero request", route: "POST /v1/browser_sessions", answer: sessionJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
				return err
			},
			method: "POST", rawPath: "/v1/browser_sessions", body: `{}`,
			wantHeaders: map[string]string{"Content-Type": "application/json"},
		},
		{
			name: "CreateBrowserSession sends every field it is given", route: "POST /v1/browser_sessions", answer: sessionJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{
					URL: "https://example.com", TimeoutMinutes: 120, ProxyLocation: skyvern.GeoTarget{Country: "GB"},
					ProxySessionID: "ps_1", Extensions: []skyvern.BrowserExtension{skyvern.BrowserExtensionAdBlocker},
					BrowserType: skyvern.BrowserTypeChrome, BrowserProfileID: "bp_1", GenerateBrowserProfile: true, NeedsLiveView: true,
					Extra: map[string]json.RawMessage{"brand_new": json.RawMessage(`1`)},
				})
				return err
			},
			method: "POST", rawPath: "/v1/browser_sessions",
			body: `{"url":"https://example.com","timeout":120,"proxy_location":{"country":"GB"},"proxy_session_id":"ps_1",` +
				`"extensions":["ad-blocker"],"browser_type":"chrome","browser_profile_id":"bp_1","generate_browser_profile":true,` +
				`"needs_live_view":true,"brand_new":1}`,
		},
		{
			name: "GetBrowserSession escapes the id", route: "GET /v1/browser_sessions/{id}", answer: sessionJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.GetBrowserSession(ctx, "pbs_1/../x")
				return err
			},
			method: "GET", rawPath: "/v1/browser_sessions/pbs_1%2F..%2Fx",
		},
		{
			name: "ListBrowserSessions sends no query", route: "GET /v1/browser_sessions", answer: `[` + sessionJSON + `]`,
			call: func(c *skyvern.Client) error {
				_, err := skyvern.Collect(c.ListBrowserSessions(ctx))
				return err
			},
			method: "GET", rawPath: "/v1/browser_sessions",
		},
		{
			name: "UpdateBrowserSession always sends the required flag, false included", route: "PATCH /v1/browser_sessions/{id}", answer: sessionJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.UpdateBrowserSession(ctx, "pbs_1", skyvern.UpdateBrowserSessionRequest{})
				return err
			},
			method: "PATCH", rawPath: "/v1/browser_sessions/pbs_1", body: `{"generate_browser_profile":false}`,
		},
		{
			name: "CloseBrowserSession posts no body and accepts the server's message", route: "POST /v1/browser_sessions/{id}/close",
			answer: `{"message":"Browser session closed"}`,
			call:   func(c *skyvern.Client) error { return c.CloseBrowserSession(ctx, "pbs_1") },
			method: "POST", rawPath: "/v1/browser_sessions/pbs_1/close",
		},
		{
			name: "CreateBrowserProfile from a session", route: "POST /v1/browser_profiles", answer: profileJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "billing", BrowserSessionID: "pbs_1"})
				return err
			},
			method: "POST", rawPath: "/v1/browser_profiles", body: `{"name":"billing","browser_session_id":"pbs_1"}`,
		},
		{
			name: "CreateBrowserProfile from a run, with a proxy", route: "POST /v1/browser_profiles", answer: profileJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{
					Name: "n", Description: "d", WorkflowRunID: "wr_1", ProxyLocation: skyvern.ProxyLocationResidentialISP, ProxySessionID: "ps",
				})
				return err
			},
			method: "POST", rawPath: "/v1/browser_profiles",
			body: `{"name":"n","description":"d","workflow_run_id":"wr_1","proxy_location":"RESIDENTIAL_ISP","proxy_session_id":"ps"}`,
		},
		{
			name: "GetBrowserProfile", route: "GET /v1/browser_profiles/{id}", answer: profileJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.GetBrowserProfile(ctx, "bp_1")
				return err
			},
			method: "GET", rawPath: "/v1/browser_profiles/bp_1",
		},
		{
			name: "ListBrowserProfilesPage leaves the server's defaults", route: "GET /v1/browser_profiles", answer: `[]`,
			call: func(c *skyvern.Client) error {
				_, err := c.ListBrowserProfilesPage(ctx, skyvern.ListBrowserProfilesParams{})
				return err
			},
			method: "GET", rawPath: "/v1/browser_profiles",
		},
		{
			name: "ListBrowserProfilesPage sends every filter, an explicit managed=false included", route: "GET /v1/browser_profiles", answer: `[]`,
			call: func(c *skyvern.Client) error {
				_, err := c.ListBrowserProfilesPage(ctx, skyvern.ListBrowserProfilesParams{
					Page: 2, PageSize: 5, IncludeDeleted: true, SearchKey: "bill ing", Managed: skyvern.Ptr(false),
				})
				return err
			},
			method: "GET", rawPath: "/v1/browser_profiles",
			query: "include_deleted=true&managed=false&page=2&page_size=5&search_key=bill+ing",
		},
		{
			name: "UpdateBrowserProfile sends what is set; Ptr(\"\") clears the description", route: "PATCH /v1/browser_profiles/{id}", answer: profileJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.UpdateBrowserProfile(ctx, "bp_1", skyvern.UpdateBrowserProfileRequest{Description: skyvern.Ptr(""), RotateProxySessionID: true})
				return err
			},
			method: "PATCH", rawPath: "/v1/browser_profiles/bp_1", body: `{"description":"","rotate_proxy_session_id":true}`,
		},
		{
			name: "UpdateBrowserProfile unpins the proxy with an explicit null", route: "PATCH /v1/browser_profiles/{id}", answer: profileJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.UpdateBrowserProfile(ctx, "bp_1", skyvern.UpdateBrowserProfileRequest{Name: "new", Extra: map[string]json.RawMessage{"proxy_location": json.RawMessage(`null`)}})
				return err
			},
			method: "PATCH", rawPath: "/v1/browser_profiles/bp_1", body: `{"name":"new","proxy_location":null}`,
		},
		{
			name: "DeleteBrowserProfile accepts 204 with no body", route: "DELETE /v1/browser_profiles/{id}", status: http.StatusNoContent,
			call:   func(c *skyvern.Client) error { return c.DeleteBrowserProfile(ctx, "bp_1") },
			method: "DELETE", rawPath: "/v1/browser_profiles/bp_1",
		},
		{
			name: "GetBrowserProfileUsage", route: "GET /v1/browser_profiles/{id}/usage", answer: `{"workflows":[],"credentials":[],"recent_seeded_run_count":0}`,
			call: func(c *skyvern.Client) error {
				_, err := c.GetBrowserProfileUsage(ctx, "bp_1")
				return err
			},
			method: "GET", rawPath: "/v1/browser_profiles/bp_1/usage",
		},
		{
			name: "RunLogin sends the credential source and the x-user-agent header", route: "POST /v1/run/tasks/login", answer: workflowRunJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.RunLogin(ctx, skyvern.LoginRequest{
					CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_1", URL: "https://example.com/login",
					WebhookURL: "https://example.com/hook", BrowserSessionID: "pbs_1", MaxScreenshotScrollingTimes: skyvern.Ptr(0),
					XUserAgent: "bot/1",
				})
				return err
			},
			method: "POST", rawPath: "/v1/run/tasks/login",
			body: `{"credential_type":"skyvern","url":"https://example.com/login","credential_id":"cred_1",` +
				`"webhook_url":"https://example.com/hook","browser_session_id":"pbs_1","max_screenshot_scrolling_times":0}`,
			wantHeaders: map[string]string{"X-User-Agent": "bot/1", "Content-Type": "application/json"},
		},
		{
			name: "RunLogin with a vault sends the vault's fields", route: "POST /v1/run/tasks/login", answer: workflowRunJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.RunLogin(ctx, skyvern.LoginRequest{
					CredentialSource: skyvern.CredentialSourceAzureVault, AzureVaultName: "v", AzureVaultUsernameKey: "u",
					AzureVaultPasswordKey: "p", AzureVaultTOTPSecretKey: "t", ProxyLocation: skyvern.ProxyLocationNone,
				})
				return err
			},
			method: "POST", rawPath: "/v1/run/tasks/login",
			body: `{"credential_type":"azure_vault","azure_vault_name":"v","azure_vault_username_key":"u","azure_vault_password_key":"p",` +
				`"azure_vault_totp_secret_key":"t","proxy_location":"NONE"}`,
		},
		{
			name: "RunDownloadFiles sends exact numbers", route: "POST /v1/run/tasks/download_files", answer: workflowRunJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{
					NavigationGoal: "download the May invoice", URL: "https://example.com", DownloadSuffix: "may.pdf",
					DownloadTimeout: skyvern.Ptr(90.5), MaxStepsPerRun: skyvern.Ptr(10), WebhookURL: "https://example.com/hook",
				})
				return err
			},
			method: "POST", rawPath: "/v1/run/tasks/download_files",
			body: `{"navigation_goal":"download the May invoice","url":"https://example.com","download_suffix":"may.pdf",` +
				`"download_timeout":90.5,"max_steps_per_run":10,"webhook_url":"https://example.com/hook"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t)
			code := tc.status
			if code == 0 {
				code = http.StatusOK
			}
			f.reply(tc.route, code, tc.answer)
			require.NoError(t, tc.call(f.client))

			got := f.only()
			assert.Equal(t, tc.method, got.Method)
			assert.Equal(t, tc.rawPath, got.RawPath)
			assert.Equal(t, tc.query, got.Query)
			assert.Equal(t, tc.body, string(got.Body))
			if tc.body == "" {
				assert.Empty(t, got.Header.Get("Content-Type"), "no body, so no Content-Type")
			}
			assert.Equal(t, testKey, got.Header.Get("x-api-key"))
			assert.Equal(t, "application/json", got.Header.Get("Accept"))
			for k, v := range tc.wantHeaders {
				assert.Equal(t, v, got.Header.Get(k), "header %s", k)
			}
		})
	}
}

func TestSessionAndProfileEmptyIDsAreRefusedBeforeSending(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	calls := map[string]error{}
	_, calls["GetBrowserSession"] = f.client.GetBrowserSession(ctx, "")
	_, calls["UpdateBrowserSession"] = f.client.UpdateBrowserSession(ctx, "", skyvern.UpdateBrowserSessionRequest{})
	calls["CloseBrowserSession"] = f.client.CloseBrowserSession(ctx, "")
	_, calls["GetBrowserProfile"] = f.client.GetBrowserProfile(ctx, "")
	_, calls["UpdateBrowserProfile"] = f.client.UpdateBrowserProfile(ctx, "", skyvern.UpdateBrowserProfileRequest{})
	calls["DeleteBrowserProfile"] = f.client.DeleteBrowserProfile(ctx, "")
	_, calls["GetBrowserProfileUsage"] = f.client.GetBrowserProfileUsage(ctx, "")
	for name, err := range calls {
		assert.ErrorIs(t, err, skyvern.ErrEmptyID, name)
	}
	assert.Empty(t, f.requests())
}

func TestBrowserSessionDecoding(t *testing.T) {
	t.Run("nulls decode to zero values and the times to instants", func(t *testing.T) {
		f := setup(t)
		f.reply("GET /v1/browser_sessions/{id}", 200, sessionJSON)
		s, err := f.client.GetBrowserSession(context.Background(), "pbs_1")
		require.NoError(t, err)
		assert.Equal(t, "pbs_1", s.BrowserSessionID)
		assert.Equal(t, skyvern.BrowserSessionStatusRunning, s.Status)
		assert.False(t, s.Status.IsTerminal())
		require.NotNil(t, s.TimeoutMinutes)
		assert.Equal(t, 60, *s.TimeoutMinutes)
		assert.True(t, s.VNCStreamingSupported)
		assert.Equal(t, "2026-01-31T15:20:40.500000", s.CreatedAt.String())
		assert.True(t, s.CompletedAt.IsZero())
		assert.Nil(t, s.DownloadedFiles)
		assert.Nil(t, s.Extra, "every member is modelled")
	})
	t.Run("unknown members are kept and re-encoded, unknown enums decode", func(t *testing.T) {
		in := `{"browser_session_id":"pbs_2","organization_id":"o","status":"hibernating","browser_type":"firefox",` +
			`"extensions":["ad-blocker","dark-mode"],"generate_browser_profile":true,"vnc_streaming_supported":false,` +
			`"recordings":[{"url":"https://r.example/1.webm","file_size":9007199254740993}],` +
			`"created_at":"2026-01-31T15:20:42Z","modified_at":"2026-01-31T15:20:42","brand_new":{"n":123456789012345678901234567890}}`
		var s skyvern.BrowserSession
		require.NoError(t, json.Unmarshal([]byte(in), &s))
		assert.Equal(t, skyvern.BrowserSessionStatus("hibernating"), s.Status)
		assert.False(t, s.Status.IsKnown())
		assert.False(t, s.BrowserType.IsKnown())
		assert.True(t, s.Extensions[0].IsKnown())
		assert.False(t, s.Extensions[1].IsKnown())
		require.NotNil(t, s.Recordings[0].FileSize)
		assert.Equal(t, int64(9007199254740993), *s.Recordings[0].FileSize, "beyond float64's exact integers")
		assert.JSONEq(t, `{"n":123456789012345678901234567890}`, string(s.Extra["brand_new"]))
		out, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Contains(t, string(out), `"brand_new":{"n":123456789012345678901234567890}`, "exact numbers survive")
		var back skyvern.BrowserSession
		require.NoError(t, json.Unmarshal(out, &back))
		assert.Equal(t, s, back)
	})
	t.Run("an empty object is no error", func(t *testing.T) {
		var s skyvern.BrowserSession
		require.NoError(t, json.Unmarshal([]byte(`{}`), &s))
		assert.Equal(t, skyvern.BrowserSession{}, s)
	})
	t.Run("a wrong type is an error", func(t *testing.T) {
		var s skyvern.BrowserSession
		assert.Error(t, json.Unmarshal([]byte(`{"timeout":"sixty"}`), &s))
	})
}

func TestBrowserSessionStatuses(t *testing.T) {
	for _, s := range []skyvern.BrowserSessionStatus{skyvern.BrowserSessionStatusCompleted, skyvern.BrowserSessionStatusFailed, skyvern.BrowserSessionStatusTimeout} {
		assert.True(t, s.IsTerminal(), s)
		assert.True(t, s.IsKnown(), s)
	}
	for _, s := range []skyvern.BrowserSessionStatus{skyvern.BrowserSessionStatusCreated, skyvern.BrowserSessionStatusRunning, skyvern.BrowserSessionStatusRetry} {
		assert.False(t, s.IsTerminal(), s)
		assert.True(t, s.IsKnown(), s)
	}
	assert.False(t, skyvern.BrowserSessionStatus("").IsKnown())
}

func TestBrowserProfileDecoding(t *testing.T) {
	t.Run("the proxy decodes to its Go form", func(t *testing.T) {
		var p skyvern.BrowserProfile
		require.NoError(t, json.Unmarshal([]byte(profileJSON), &p))
		assert.Equal(t, skyvern.GeoTarget{Country: "US", Subdivision: "CA"}, p.ProxyLocation)
		assert.Equal(t, skyvern.BrowserTypeChrome, p.SourceBrowserType)
		assert.Empty(t, p.Description)
		assert.Nil(t, p.Extra)
		for in, want := range map[string]skyvern.Proxy{
			`{"proxy_location":"RESIDENTIAL_JP"}`:            skyvern.ProxyLocationResidentialJP,
			`{"proxy_location":{"url":"http://proxy:8080"}}`: skyvern.CustomProxy{"url": "http://proxy:8080"},
			`{"proxy_location":null}`:                        nil,
			`{"proxy_location":"SOMEWHERE_NEW","x":[1,2,3]}`: skyvern.ProxyLocation("SOMEWHERE_NEW"),
		} {
			var p skyvern.BrowserProfile
			require.NoError(t, json.Unmarshal([]byte(in), &p), in)
			assert.Equal(t, want, p.ProxyLocation, in)
		}
	})
	t.Run("unknown members round-trip", func(t *testing.T) {
		in := `{"browser_profile_id":"bp_1","name":"n","is_managed":true,"created_at":"2026-01-31T15:20:42","future":[1,{"a":null}]}`
		var p skyvern.BrowserProfile
		require.NoError(t, json.Unmarshal([]byte(in), &p))
		out, err := json.Marshal(p)
		require.NoError(t, err)
		assert.JSONEq(t, in, string(out))
	})
	t.Run("usage keeps unknown members at every level", func(t *testing.T) {
		in := `{"workflows":[{"workflow_permanent_id":"wpid_1","title":"Pay","via":"workflow","new":1}],` +
			`"credentials":[{"credential_id":"cred_1","name":"acme","new":2}],"recent_seeded_run_count":3,"new":3}`
		var u skyvern.BrowserProfileUsage
		require.NoError(t, json.Unmarshal([]byte(in), &u))
		assert.Equal(t, 3, u.RecentSeededRunCount)
		assert.Equal(t, "wpid_1", u.Workflows[0].WorkflowPermanentID)
		assert.Equal(t, "acme", u.Credentials[0].Name)
		out, err := json.Marshal(u)
		require.NoError(t, err)
		assert.JSONEq(t, in, string(out))
	})
}

func TestRequestTypesDecodeWhatTheyEncode(t *testing.T) {
	// The fake server decodes requests with these types, so each must read
	// back what it writes, Extra included.
	roundTrip := func(t *testing.T, in, out any) {
		t.Helper()
		b, err := json.Marshal(in)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, out))
	}
	t.Run("CreateBrowserSessionRequest", func(t *testing.T) {
		in := skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 30, ProxyLocation: skyvern.ProxyLocationResidentialGB,
			Extensions: []skyvern.BrowserExtension{skyvern.BrowserExtensionCaptchaSolver}, Extra: map[string]json.RawMessage{"x": json.RawMessage(`true`)}}
		var out skyvern.CreateBrowserSessionRequest
		roundTrip(t, in, &out)
		assert.Equal(t, in, out)
	})
	t.Run("CreateBrowserProfileRequest", func(t *testing.T) {
		in := skyvern.CreateBrowserProfileRequest{Name: "n", ProxyLocation: skyvern.GeoTarget{Country: "FR", City: "Paris"}}
		var out skyvern.CreateBrowserProfileRequest
		roundTrip(t, in, &out)
		assert.Equal(t, in, out)
	})
	t.Run("UpdateBrowserProfileRequest", func(t *testing.T) {
		in := skyvern.UpdateBrowserProfileRequest{Description: skyvern.Ptr(""), ProxyLocation: skyvern.CustomProxy{"url": "http://p"}}
		var out skyvern.UpdateBrowserProfileRequest
		roundTrip(t, in, &out)
		assert.Equal(t, in, out)
	})
	t.Run("LoginRequest", func(t *testing.T) {
		in := skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceOnePassword, OnePasswordVaultID: "v", OnePasswordItemID: "i",
			ExtraHTTPHeaders: map[string]string{"A": "1"}, MaxScreenshotScrollingTimes: skyvern.Ptr(2)}
		var out skyvern.LoginRequest
		roundTrip(t, in, &out)
		assert.Equal(t, in, out)
	})
	t.Run("DownloadFilesRequest", func(t *testing.T) {
		in := skyvern.DownloadFilesRequest{NavigationGoal: "g", DownloadTimeout: skyvern.Ptr(0.0), Extra: map[string]json.RawMessage{"x": json.RawMessage(`null`)}}
		var out skyvern.DownloadFilesRequest
		roundTrip(t, in, &out)
		assert.Equal(t, in, out)
	})
	t.Run("UpdateBrowserSessionRequest", func(t *testing.T) {
		in := skyvern.UpdateBrowserSessionRequest{GenerateBrowserProfile: true}
		var out skyvern.UpdateBrowserSessionRequest
		roundTrip(t, in, &out)
		assert.Equal(t, in, out)
	})
}

func TestLoginAndDownloadReturnRuns(t *testing.T) {
	f := setup(t)
	f.reply("POST /v1/run/tasks/login", 200, `{"run_id":"wr_7","status":"queued","run_type":"workflow_run","browser_session_id":"pbs_1",`+
		`"run_request":{"workflow_id":"wpid_login"},"app_url":"https://app.skyvern.com/runs/wr_7","recording_archived":false,"legacy":1}`)
	run, err := f.client.RunLogin(context.Background(), skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceBitwarden, BitwardenItemID: "it"})
	require.NoError(t, err)
	assert.Equal(t, "wr_7", run.RunID)
	assert.Equal(t, skyvern.RunTypeWorkflowRun, run.RunType)
	assert.Equal(t, "pbs_1", run.BrowserSessionID)
	assert.Contains(t, run.Extra, "legacy")

	f.reply("POST /v1/run/tasks/download_files", 200, `{"run_id":"wr_8","status":"completed","run_type":"workflow_run",`+
		`"downloaded_files":[{"url":"https://files.example/may.pdf","filename":"may.pdf","file_size":1234}],"recording_archived":true}`)
	run, err = f.client.RunDownloadFiles(context.Background(), skyvern.DownloadFilesRequest{NavigationGoal: "g"})
	require.NoError(t, err)
	require.Len(t, run.DownloadedFiles, 1)
	assert.Equal(t, "may.pdf", run.DownloadedFiles[0].Filename)
}

func TestSessionAndProfileErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("an unknown session is ErrNotFound with the server's detail", func(t *testing.T) {
		f := setup(t)
		f.reply("GET /v1/browser_sessions/{id}", 404, `{"detail":"Browser session pbs_x not found"}`)
		_, err := f.client.GetBrowserSession(ctx, "pbs_x")
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		assert.Equal(t, "Browser session pbs_x not found", apiErr.Detail)
		assert.Equal(t, "/v1/browser_sessions/pbs_x", apiErr.Path)
		assert.Len(t, f.requests(), 1, "a 404 is not retried")
	})
	t.Run("a bad timeout is ErrValidation with the field", func(t *testing.T) {
		f := setup(t)
		f.reply("POST /v1/browser_sessions", 422, `{"detail":[{"type":"greater_than_equal","loc":["body","timeout"],"msg":"Input should be greater than or equal to 5","input":1,"ctx":{"ge":5}}]}`)
		_, err := f.client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 1})
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.ErrorIs(t, err, skyvern.ErrValidation)
		assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown, "a 422 is a refusal: no session was started")
		require.Len(t, apiErr.ValidationErrors, 1)
		assert.Equal(t, []any{"body", "timeout"}, apiErr.ValidationErrors[0].Loc)
	})
	t.Run("updating an ended session is ErrConflict", func(t *testing.T) {
		f := setup(t)
		f.reply("PATCH /v1/browser_sessions/{id}", 409, `{"detail":"Browser session pbs_1 has already ended and can no longer be updated."}`)
		_, err := f.client.UpdateBrowserSession(ctx, "pbs_1", skyvern.UpdateBrowserSessionRequest{GenerateBrowserProfile: true})
		assert.ErrorIs(t, err, skyvern.ErrConflict)
	})
	t.Run("a taken profile name is ErrConflict", func(t *testing.T) {
		f := setup(t)
		f.reply("POST /v1/browser_profiles", 409, `{"detail":"A browser profile named 'billing' already exists."}`)
		_, err := f.client.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "billing"})
		assert.ErrorIs(t, err, skyvern.ErrConflict)
		assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown)
	})
	t.Run("deleting an unknown profile is ErrNotFound", func(t *testing.T) {
		f := setup(t)
		f.reply("DELETE /v1/browser_profiles/{id}", 404, `{"detail":"Browser profile bp_x not found"}`)
		assert.ErrorIs(t, f.client.DeleteBrowserProfile(ctx, "bp_x"), skyvern.ErrNotFound)
	})
	t.Run("a login without a credential source is ErrValidation", func(t *testing.T) {
		f := setup(t)
		f.reply("POST /v1/run/tasks/login", 422, `{"detail":[{"type":"missing","loc":["body","credential_type"],"msg":"Field required","input":{}}]}`)
		_, err := f.client.RunLogin(ctx, skyvern.LoginRequest{})
		assert.ErrorIs(t, err, skyvern.ErrValidation)
		assert.Contains(t, err.Error(), "body.credential_type: Field required")
	})
	t.Run("a malformed session list is ErrMalformedResponse", func(t *testing.T) {
		f := setup(t)
		f.reply("GET /v1/browser_sessions", 200, `{"not":"a list"}`)
		_, err := skyvern.Collect(f.client.ListBrowserSessions(ctx))
		assert.ErrorIs(t, err, skyvern.ErrMalformedResponse)
	})
}

// TestSessionAndProfileRetryRules checks each call's documented retry rule:
// the billable or non-repeatable creates are never retried blindly, and the
// rest are retried like reads.
func TestSessionAndProfileRetryRules(t *testing.T) {
	ctx := context.Background()
	creates := []struct {
		name   string
		route  string
		answer string
		call   func(c *skyvern.Client) error
	}{
		{"CreateBrowserSession", "POST /v1/browser_sessions", sessionJSON, func(c *skyvern.Client) error {
			_, err := c.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
			return err
		}},
		{"CreateBrowserProfile", "POST /v1/browser_profiles", profileJSON, func(c *skyvern.Client) error {
			_, err := c.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "n"})
			return err
		}},
		{"RunLogin", "POST /v1/run/tasks/login", workflowRunJSON, func(c *skyvern.Client) error {
			_, err := c.RunLogin(ctx, skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_1"})
			return err
		}},
		{"RunDownloadFiles", "POST /v1/run/tasks/download_files", workflowRunJSON, func(c *skyvern.Client) error {
			_, err := c.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{NavigationGoal: "g"})
			return err
		}},
	}
	for _, tc := range creates {
		t.Run(tc.name+" is not retried after a 502 and may have created something", func(t *testing.T) {
			f := setup(t)
			f.handle(tc.route, sequence(status(502, ``), status(200, tc.answer)))
			err := tc.call(f.client)
			assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
			assert.Len(t, f.requests(), 1)
		})
		t.Run(tc.name+" is not retried after a dropped connection", func(t *testing.T) {
			f := setup(t)
			f.handle(tc.route, sequence(hangUp, status(200, tc.answer)))
			err := tc.call(f.client)
			assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
			assert.Len(t, f.requests(), 1)
		})
		t.Run(tc.name+" is retried after a 429 with the identical body", func(t *testing.T) {
			f := setup(t)
			f.handle(tc.route, sequence(status(429, `{}`, "Retry-After", "0"), status(200, tc.answer)))
			require.NoError(t, tc.call(f.client))
			reqs := f.requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, reqs[0].Body, reqs[1].Body)
		})
	}
	reads := []struct {
		name   string
		route  string
		answer string
		call   func(c *skyvern.Client) error
	}{
		{"GetBrowserSession", "GET /v1/browser_sessions/{id}", sessionJSON, func(c *skyvern.Client) error {
			_, err := c.GetBrowserSession(ctx, "pbs_1")
			return err
		}},
		{"ListBrowserSessions", "GET /v1/browser_sessions", `[]`, func(c *skyvern.Client) error {
			_, err := skyvern.Collect(c.ListBrowserSessions(ctx))
			return err
		}},
		{"UpdateBrowserSession", "PATCH /v1/browser_sessions/{id}", sessionJSON, func(c *skyvern.Client) error {
			_, err := c.UpdateBrowserSession(ctx, "pbs_1", skyvern.UpdateBrowserSessionRequest{GenerateBrowserProfile: true})
			return err
		}},
		{"CloseBrowserSession", "POST /v1/browser_sessions/{id}/close", `{"message":"Browser session closed"}`, func(c *skyvern.Client) error {
			return c.CloseBrowserSession(ctx, "pbs_1")
		}},
		{"GetBrowserProfile", "GET /v1/browser_profiles/{id}", profileJSON, func(c *skyvern.Client) error {
			_, err := c.GetBrowserProfile(ctx, "bp_1")
			return err
		}},
		{"ListBrowserProfilesPage", "GET /v1/browser_profiles", `[]`, func(c *skyvern.Client) error {
			_, err := c.ListBrowserProfilesPage(ctx, skyvern.ListBrowserProfilesParams{})
			return err
		}},
		{"UpdateBrowserProfile", "PATCH /v1/browser_profiles/{id}", profileJSON, func(c *skyvern.Client) error {
			_, err := c.UpdateBrowserProfile(ctx, "bp_1", skyvern.UpdateBrowserProfileRequest{Name: "n"})
			return err
		}},
		{"DeleteBrowserProfile", "DELETE /v1/browser_profiles/{id}", ``, func(c *skyvern.Client) error {
			return c.DeleteBrowserProfile(ctx, "bp_1")
		}},
		{"GetBrowserProfileUsage", "GET /v1/browser_profiles/{id}/usage", `{}`, func(c *skyvern.Client) error {
			_, err := c.GetBrowserProfileUsage(ctx, "bp_1")
			return err
		}},
	}
	for _, tc := range reads {
		t.Run(tc.name+" is retried like a read", func(t *testing.T) {
			f := setup(t)
			ok := status(200, tc.answer)
			if tc.answer == "" {
				ok = status(204, "")
			}
			f.handle(tc.route, sequence(status(502, ``), hangUp, ok))
			require.NoError(t, tc.call(f.client))
			reqs := f.requests()
			require.Len(t, reqs, 3)
			assert.Equal(t, reqs[0].Body, reqs[2].Body)
		})
	}
}

func TestListBrowserProfilesPages(t *testing.T) {
	f := setup(t)
	var queries []string
	f.handle("GET /v1/browser_profiles", func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.RawQuery)
		var items []string
		n := 2
		if r.URL.Query().Get("page") == "2" {
			n = 1 // a short page ends the list
		}
		for i := range n {
			items = append(items, `{"browser_profile_id":"bp_`+r.URL.Query().Get("page")+`_`+string(rune('a'+i))+`","name":"x"}`)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("[" + join(items) + "]"))
	})
	var ids []string
	for p, err := range f.client.ListBrowserProfiles(context.Background(), skyvern.ListBrowserProfilesParams{PageSize: 2, SearchKey: "x"}) {
		require.NoError(t, err)
		ids = append(ids, p.BrowserProfileID)
	}
	assert.Equal(t, []string{"bp_1_a", "bp_1_b", "bp_2_a"}, ids)
	assert.Equal(t, []string{"page=1&page_size=2&search_key=x", "page=2&page_size=2&search_key=x"}, queries)

	t.Run("the default page size is 100, and an error ends the sequence", func(t *testing.T) {
		f := setup(t)
		f.reply("GET /v1/browser_profiles", 403, `{"detail":"bad key"}`)
		var errs []error
		for p, err := range f.client.ListBrowserProfiles(context.Background(), skyvern.ListBrowserProfilesParams{}) {
			assert.Nil(t, p)
			errs = append(errs, err)
		}
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], skyvern.ErrUnauthorized)
		assert.Equal(t, "page=1&page_size=100", f.only().Query)
	})
}

func join(items []string) string {
	out := ""
	for i, s := range items {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}

func TestUseBrowserSession(t *testing.T) {
	newFake := func(t *testing.T, closeStatus int) *fixture {
		f := setup(t)
		f.reply("POST /v1/browser_sessions", 200, sessionJSON)
		f.reply("POST /v1/browser_sessions/{id}/close", closeStatus, `{"message":"Browser session closed"}`)
		return f
	}
	closes := func(f *fixture) int {
		n := 0
		for _, r := range f.requests() {
			if r.Method == "POST" && r.Path == "/v1/browser_sessions/pbs_1/close" {
				n++
			}
		}
		return n
	}
	t.Run("the session is closed after fn succeeds", func(t *testing.T) {
		f := newFake(t, 200)
		var seen string
		err := f.client.UseBrowserSession(context.Background(), skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 15},
			func(ctx context.Context, s *skyvern.BrowserSession) error {
				seen = s.BrowserSessionID
				assert.Zero(t, closes(f), "not closed while fn runs")
				return nil
			})
		require.NoError(t, err)
		assert.Equal(t, "pbs_1", seen)
		assert.Equal(t, 1, closes(f))
		assert.Equal(t, `{"timeout":15}`, string(f.requests()[0].Body))
	})
	t.Run("fn's error is returned and the session still closed", func(t *testing.T) {
		f := newFake(t, 200)
		boom := errors.New("boom")
		err := f.client.UseBrowserSession(context.Background(), skyvern.CreateBrowserSessionRequest{},
			func(context.Context, *skyvern.BrowserSession) error { return boom })
		assert.ErrorIs(t, err, boom)
		assert.Equal(t, 1, closes(f))
	})
	t.Run("a panic in fn still closes the session", func(t *testing.T) {
		f := newFake(t, 200)
		assert.PanicsWithValue(t, "kaboom", func() {
			_ = f.client.UseBrowserSession(context.Background(), skyvern.CreateBrowserSessionRequest{},
				func(context.Context, *skyvern.BrowserSession) error { panic("kaboom") })
		})
		assert.Equal(t, 1, closes(f))
	})
	t.Run("the close goes out after the caller's context is cancelled", func(t *testing.T) {
		f := newFake(t, 200)
		ctx, cancel := context.WithCancel(context.Background())
		err := f.client.UseBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{},
			func(ctx context.Context, _ *skyvern.BrowserSession) error {
				cancel()
				return ctx.Err()
			})
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 1, closes(f))
	})
	t.Run("a failed close is reported with the session's id, joined to fn's error", func(t *testing.T) {
		f := newFake(t, 403)
		boom := errors.New("boom")
		err := f.client.UseBrowserSession(context.Background(), skyvern.CreateBrowserSessionRequest{},
			func(context.Context, *skyvern.BrowserSession) error { return boom })
		assert.ErrorIs(t, err, boom)
		assert.ErrorIs(t, err, skyvern.ErrUnauthorized)
		assert.Contains(t, err.Error(), "closing browser session pbs_1")
	})
	t.Run("closing inside fn is harmless", func(t *testing.T) {
		f := newFake(t, 200)
		err := f.client.UseBrowserSession(context.Background(), skyvern.CreateBrowserSessionRequest{},
			func(ctx context.Context, s *skyvern.BrowserSession) error {
				return f.client.CloseBrowserSession(ctx, s.BrowserSessionID)
			})
		require.NoError(t, err)
		assert.Equal(t, 2, closes(f))
	})
	t.Run("when the create fails, fn is not called and nothing is closed", func(t *testing.T) {
		f := setup(t)
		f.reply("POST /v1/browser_sessions", 500, `{"detail":"boom"}`)
		called := false
		err := f.client.UseBrowserSession(context.Background(), skyvern.CreateBrowserSessionRequest{},
			func(context.Context, *skyvern.BrowserSession) error { called = true; return nil })
		assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown, "a 500 may have started a session")
		assert.False(t, called)
		assert.Len(t, f.requests(), 1)
	})
}

func sessionList(n int) []byte {
	items := make([]string, n)
	for i := range items {
		items[i] = sessionJSON
	}
	return []byte("[" + strings.Join(items, ",") + "]")
}

// BenchmarkDecodeSessionList decodes a 100-session List Browser Sessions
// answer with the SDK's types and, as the baseline, with encoding/json
// into newPlain's method-less BrowserSession.
func BenchmarkDecodeSessionList(b *testing.B) {
	body := sessionList(100)
	b.Run("sdk", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out []skyvern.BrowserSession
			if err := json.Unmarshal(body, &out); err != nil || len(out) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			out := newPlain[[]skyvern.BrowserSession]()
			if err := json.Unmarshal(body, out); err != nil || reflect.ValueOf(out).Elem().Len() != 100 {
				b.Fatal(err)
			}
		}
	})
}

// sessionConformance is the browser session, browser profile, login and
// download area. Its types have a field for every property and none the
// schema lacks.
var sessionConformance = conformanceArea{
	name: "sessions",
	schemas: []schemaCase{
		{schema: "CreateBrowserSessionRequest", goType: skyvern.CreateBrowserSessionRequest{}, exact: true},
		{schema: "BrowserSessionResponse", goType: skyvern.BrowserSession{}, exact: true},
		{schema: "UpdateBrowserSessionRequest", goType: skyvern.UpdateBrowserSessionRequest{}, exact: true},
		{schema: "CreateBrowserProfileRequest", goType: skyvern.CreateBrowserProfileRequest{}, exact: true},
		{schema: "BrowserProfile", goType: skyvern.BrowserProfile{}, exact: true},
		{schema: "UpdateBrowserProfileRequest", goType: skyvern.UpdateBrowserProfileRequest{}, exact: true},
		{schema: "BrowserProfileUsage", goType: skyvern.BrowserProfileUsage{}, exact: true},
		{schema: "BrowserProfileUsageWorkflow", goType: skyvern.BrowserProfileUsageWorkflow{}, exact: true},
		{schema: "BrowserProfileUsageCredential", goType: skyvern.BrowserProfileUsageCredential{}, exact: true},
		{schema: "LoginRequest", goType: skyvern.LoginRequest{}, exact: true},
		{schema: "DownloadFilesRequest", goType: skyvern.DownloadFilesRequest{}, exact: true},
	},
	enums: []enumCase{
		{values: specEnum("PersistentBrowserType"), goType: goEnum[skyvern.BrowserType]()},
		{values: specEnum("Extensions"), goType: goEnum[skyvern.BrowserExtension]()},
		{values: specEnum("skyvern__schemas__credential_type__CredentialType"), goType: goEnum[skyvern.CredentialSource]()},
		// status is a plain string in the spec; its examples list the values.
		{values: propertyExamples("BrowserSessionResponse", "status"), goType: goEnum[skyvern.BrowserSessionStatus]()},
	},
	queries: []queryCase{
		{method: "get", path: "/v1/browser_profiles", goType: skyvern.ListBrowserProfilesParams{}},
	},
	headers: []headerCase{
		{"/v1/run/tasks/login", skyvern.LoginRequest{}},
		{"/v1/run/tasks/download_files", skyvern.DownloadFilesRequest{}},
	},
}

func TestConformanceBrowserSessionListIsUnpaged(t *testing.T) {
	op := operation(t, openAPISpec(t), "get", "/v1/browser_sessions")
	require.Empty(t, parameters(op, "query"), "the server pages the session list now: add a page call and an iterator")
}

func TestConformanceLoginProxyIsAProxyLocation(t *testing.T) {
	spec := openAPISpec(t)
	for _, name := range []string{"LoginRequest", "DownloadFilesRequest"} {
		prop := schema(t, spec, name)["properties"].(map[string]any)["proxy_location"].(map[string]any)
		require.Contains(t, prop["anyOf"], map[string]any{"$ref": "#/components/schemas/ProxyLocation"}, name)
		require.Len(t, prop["anyOf"], 2, "%s takes only a named location or null", name)
	}
}

// Log in once and download a file in the same browser session, which
// UseBrowserSession closes afterwards on every path: success, error or
// panic, and even when ctx has been cancelled.
func ExampleClient_UseBrowserSession() {
	srv, err := skyverntest.Start(skyverntest.WithRunDuration(50 * time.Millisecond))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	// With the real API: skyvern.NewClient().
	client := srv.Client()
	ctx := context.Background()
	// The credential the code logs in with: with the real API, one saved
	// beforehand.
	err = srv.AddCredential("cred_123", skyvern.CredentialRequest{
		Name:       "Billing portal",
		Credential: skyvern.PasswordCredential{Username: "ops@example.com", Password: skyvern.NewSecret("s3cret")},
	})
	if err != nil {
		log.Fatal(err)
	}

	err = client.UseBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 30},
		func(ctx context.Context, s *skyvern.BrowserSession) error {
			login, err := client.RunLogin(ctx, skyvern.LoginRequest{
				URL:              "https://billing.example.com/login",
				CredentialSource: skyvern.CredentialSourceSkyvern,
				CredentialID:     "cred_123",
				BrowserSessionID: s.BrowserSessionID,
			})
			if err != nil {
				return err
			}
			if login, err = client.WaitForRun(ctx, login.RunID); err != nil {
				return err
			}
			fmt.Println("login", login.Status)

			dl, err := client.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{
				NavigationGoal:   "Download the invoice for May",
				DownloadSuffix:   "invoice-may.pdf",
				BrowserSessionID: s.BrowserSessionID, // already signed in
			})
			if err != nil {
				return err
			}
			if dl, err = client.WaitForRun(ctx, dl.RunID); err != nil {
				return err
			}
			for _, f := range dl.DownloadedFiles {
				fmt.Println("downloaded", f.Filename)
			}
			return nil
		})
	if err != nil {
		log.Fatal(err)
	}

	// UseBrowserSession closed the session on the way out.
	active, err := skyvern.Collect(client.ListBrowserSessions(ctx))
	if err != nil {
		panic(err)
	}
	fmt.Println("active sessions:", len(active))
	// Output:
	// login completed
	// downloaded invoice-may.pdf
	// active sessions: 0
}

// Without UseBrowserSession, close the session with a deferred call that
// outlives ctx's cancellation. Closing an ended session is harmless.
func ExampleClient_CloseBrowserSession() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	s, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
	if err != nil {
		panic(err) // with ErrOutcomeUnknown, a session may still have started: see ListBrowserSessions
	}
	defer client.CloseBrowserSession(context.WithoutCancel(ctx), s.BrowserSessionID)

	run, err := client.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{
		NavigationGoal:   "Download the latest statement",
		URL:              "https://bank.example.com",
		BrowserSessionID: s.BrowserSessionID,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(run.RunID, "wr_"), run.Status)
	// Output:
	// true created
}

// Save a signed-in browser as a profile: a session started with
// GenerateBrowserProfile keeps its state when it is closed, and a profile
// made from it seeds later sessions and runs.
func ExampleClient_CreateBrowserProfile() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	s, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{GenerateBrowserProfile: true})
	if err != nil {
		panic(err)
	}
	// ... sign in within the session, then close it to save its state.
	if err := client.CloseBrowserSession(ctx, s.BrowserSessionID); err != nil {
		panic(err)
	}
	profile, err := client.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{
		Name:             "billing portal",
		BrowserSessionID: s.BrowserSessionID,
	})
	if err != nil {
		panic(err)
	}
	next, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{BrowserProfileID: profile.BrowserProfileID})
	if err != nil {
		panic(err)
	}
	defer client.CloseBrowserSession(context.WithoutCancel(ctx), next.BrowserSessionID)

	for p, err := range client.ListBrowserProfiles(ctx, skyvern.ListBrowserProfilesParams{SearchKey: "billing"}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(p.Name, p.BrowserProfileID == next.BrowserProfileID)
	}
	// Output:
	// billing portal true
}
