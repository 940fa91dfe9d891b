package skyvern_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

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
