package skyvern_test

import (
	"reflect"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// sessionSchemas maps the browser session, browser profile, login and
// download schemas to their Go types.
var sessionSchemas = []struct {
	schema string
	goType any
}{
	{"CreateBrowserSessionRequest", skyvern.CreateBrowserSessionRequest{}},
	{"BrowserSessionResponse", skyvern.BrowserSession{}},
	{"UpdateBrowserSessionRequest", skyvern.UpdateBrowserSessionRequest{}},
	{"CreateBrowserProfileRequest", skyvern.CreateBrowserProfileRequest{}},
	{"BrowserProfile", skyvern.BrowserProfile{}},
	{"UpdateBrowserProfileRequest", skyvern.UpdateBrowserProfileRequest{}},
	{"BrowserProfileUsage", skyvern.BrowserProfileUsage{}},
	{"BrowserProfileUsageWorkflow", skyvern.BrowserProfileUsageWorkflow{}},
	{"BrowserProfileUsageCredential", skyvern.BrowserProfileUsageCredential{}},
	{"LoginRequest", skyvern.LoginRequest{}},
	{"DownloadFilesRequest", skyvern.DownloadFilesRequest{}},
}

func TestConformanceSessionSchemas(t *testing.T) {
	spec := openAPISpec(t)
	for _, c := range sessionSchemas {
		t.Run(c.schema, func(t *testing.T) {
			props, _ := schema(t, spec, c.schema)["properties"].(map[string]any)
			require.NotEmpty(t, props)
			names := jsonNames(reflect.TypeOf(c.goType))
			var missing []string
			for p := range props {
				if !names[p] {
					missing = append(missing, p)
				}
			}
			sort.Strings(missing)
			require.Empty(t, missing, "%T has no field for these properties of %s", c.goType, c.schema)
			for name := range names {
				require.Contains(t, props, name, "%T has a field %s that %s does not define", c.goType, name, c.schema)
			}
		})
	}
}

func TestConformanceSessionEnums(t *testing.T) {
	spec := openAPISpec(t)
	consts := constants(t)
	enums := []struct {
		schema, goType string
		isKnown        func(string) bool
	}{
		{"PersistentBrowserType", "BrowserType", func(v string) bool { return skyvern.BrowserType(v).IsKnown() }},
		{"Extensions", "BrowserExtension", func(v string) bool { return skyvern.BrowserExtension(v).IsKnown() }},
		{"skyvern__schemas__credential_type__CredentialType", "CredentialSource", func(v string) bool { return skyvern.CredentialSource(v).IsKnown() }},
	}
	for _, e := range enums {
		t.Run(e.schema, func(t *testing.T) {
			values, _ := schema(t, spec, e.schema)["enum"].([]any)
			require.NotEmpty(t, values)
			for _, v := range values {
				require.True(t, consts[e.goType][v.(string)], "no %s constant for %q", e.goType, v)
			}
			for v := range consts[e.goType] {
				require.True(t, e.isKnown(v), "IsKnown disagrees with the constant %q", v)
			}
		})
	}
	t.Run("the session statuses the spec gives as examples", func(t *testing.T) {
		// status is a plain string in the spec; its examples list the values.
		prop := schema(t, spec, "BrowserSessionResponse")["properties"].(map[string]any)["status"].(map[string]any)
		examples, _ := prop["examples"].([]any)
		require.NotEmpty(t, examples)
		for _, v := range examples {
			require.True(t, consts["BrowserSessionStatus"][v.(string)], "no BrowserSessionStatus constant for %q", v)
		}
		for v := range consts["BrowserSessionStatus"] {
			require.True(t, skyvern.BrowserSessionStatus(v).IsKnown(), v)
		}
	})
	t.Run("the login proxy is a ProxyLocation", func(t *testing.T) {
		for _, name := range []string{"LoginRequest", "DownloadFilesRequest"} {
			prop := schema(t, spec, name)["properties"].(map[string]any)["proxy_location"].(map[string]any)
			require.Contains(t, prop["anyOf"], map[string]any{"$ref": "#/components/schemas/ProxyLocation"}, name)
			require.Len(t, prop["anyOf"], 2, "%s takes only a named location or null", name)
		}
	})
}

func TestConformanceSessionParameters(t *testing.T) {
	spec := openAPISpec(t)
	paths := spec["paths"].(map[string]any)
	t.Run("list browser profiles query parameters", func(t *testing.T) {
		op := paths["/v1/browser_profiles"].(map[string]any)["get"].(map[string]any)
		names := urlNames(reflect.TypeOf(skyvern.ListBrowserProfilesParams{}))
		for _, p := range op["parameters"].([]any) {
			p := p.(map[string]any)
			if p["in"] == "query" {
				require.True(t, names[p["name"].(string)], "ListBrowserProfilesParams has no field for query parameter %s", p["name"])
			}
		}
	})
	t.Run("list browser sessions takes no query parameters", func(t *testing.T) {
		op := paths["/v1/browser_sessions"].(map[string]any)["get"].(map[string]any)
		for _, p := range op["parameters"].([]any) {
			require.NotEqual(t, "query", p.(map[string]any)["in"], "the server pages the session list now: add a page call and an iterator")
		}
	})
	t.Run("login and download headers", func(t *testing.T) {
		for path, goType := range map[string]any{"/v1/run/tasks/login": skyvern.LoginRequest{}, "/v1/run/tasks/download_files": skyvern.DownloadFilesRequest{}} {
			op := paths[path].(map[string]any)["post"].(map[string]any)
			for _, p := range op["parameters"].([]any) {
				p := p.(map[string]any)
				name := p["name"].(string)
				if p["in"] != "header" || name == "x-api-key" {
					continue
				}
				field, ok := headerFields[name]
				require.True(t, ok, "header %s of POST %s is not modelled", name, path)
				_, ok = reflect.TypeOf(goType).FieldByName(field)
				require.True(t, ok, "%T has no field %s for header %s", goType, field, name)
			}
		}
	})
}
