package skyvern_test

import (
	"reflect"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

func TestConformanceScriptSchemas(t *testing.T) {
	spec := openAPISpec(t)
	// Members every action has on the wire without a field of that name:
	// type comes from the Go type, timeout is Timeout, a time.Duration.
	action := map[string]bool{"type": true, "timeout": true}
	for _, c := range []struct {
		schema  string
		goType  any
		derived map[string]bool
	}{
		{"CreateScriptRequest", skyvern.CreateScriptRequest{}, nil},
		{"DeployScriptRequest", skyvern.DeployScriptRequest{}, nil},
		{"ScriptFileCreate", skyvern.ScriptFile{}, nil},
		{"CreateScriptResponse", skyvern.ScriptVersion{}, nil},
		{"FileNode", skyvern.ScriptFileNode{}, nil},
		{"Script", skyvern.Script{}, nil},
		// The create and update bodies are the same: CustomLLMRequest.
		{"CustomLLMCreateRequest", skyvern.CustomLLMRequest{}, nil},
		{"CustomLLMUpdateRequest", skyvern.CustomLLMRequest{}, nil},
		{"CustomLLMConfig", skyvern.CustomLLMConfig{}, nil},
		{"CustomLLM", skyvern.CustomLLM{}, nil},
		{"RunSdkActionRequest", skyvern.SDKActionRequest{}, nil},
		{"RunSdkActionResponse", skyvern.SDKActionResult{}, nil},
		{"ClickAction", skyvern.ClickAction{}, action},
		{"InputTextAction", skyvern.InputTextAction{}, action},
		{"SelectOptionAction", skyvern.SelectOptionAction{}, action},
		{"UploadFileAction", skyvern.UploadFileAction{}, action},
		{"ActAction", skyvern.ActAction{}, action},
		{"ExtractAction", skyvern.ExtractAction{}, action},
		{"LocateElementAction", skyvern.LocateElementAction{}, action},
		{"ValidateAction", skyvern.ValidateAction{}, action},
		{"PromptAction", skyvern.PromptAction{}, action},
	} {
		t.Run(c.schema, func(t *testing.T) {
			props, _ := schema(t, spec, c.schema)["properties"].(map[string]any)
			require.NotEmpty(t, props)
			names := jsonNames(reflect.TypeOf(c.goType))
			var missing []string
			for p := range props {
				if !names[p] && !c.derived[p] {
					missing = append(missing, p)
				}
			}
			sort.Strings(missing)
			require.Empty(t, missing, "%T has no field for these properties of %s", c.goType, c.schema)
		})
	}
	t.Run("the list and single answers of custom LLMs wrap the model", func(t *testing.T) {
		props := schema(t, spec, "CustomLLMListResponse")["properties"].(map[string]any)
		require.Equal(t, []string{"custom_llms"}, keys(props), "ListCustomLLMs unwraps custom_llms")
		props = schema(t, spec, "CustomLLMResponse")["properties"].(map[string]any)
		require.Equal(t, []string{"custom_llm"}, keys(props), "Create and UpdateCustomLLM unwrap custom_llm")
		props = schema(t, spec, "ClearOrganizationAuthTokenResponse")["properties"].(map[string]any)
		require.Equal(t, []string{"success"}, keys(props), "DeleteCustomLLM reports failure as an error")
	})
	t.Run("every action of the union has a Go type", func(t *testing.T) {
		union := schema(t, spec, "RunSdkActionRequest")["properties"].(map[string]any)["action"].(map[string]any)
		mapping := union["discriminator"].(map[string]any)["mapping"].(map[string]any)
		types := map[skyvern.SDKActionType]skyvern.SDKAction{}
		for _, a := range []skyvern.SDKAction{skyvern.ClickAction{}, skyvern.InputTextAction{}, skyvern.SelectOptionAction{},
			skyvern.UploadFileAction{}, skyvern.ActAction{}, skyvern.ExtractAction{}, skyvern.LocateElementAction{},
			skyvern.ValidateAction{}, skyvern.PromptAction{}} {
			types[a.SDKActionType()] = a
		}
		for tag, ref := range mapping {
			a, ok := types[skyvern.SDKActionType(tag)]
			require.True(t, ok, "no action type for %q", tag)
			require.Equal(t, "#/components/schemas/"+reflect.TypeOf(a).Name(), ref)
		}
		require.Len(t, types, len(mapping))
	})
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestConformanceScriptEnums(t *testing.T) {
	spec := openAPISpec(t)
	consts := constants(t)
	for _, e := range []struct{ schema, goType string }{
		{"FileEncoding", "ScriptFileEncoding"},
		{"CustomLLMProvider", "CustomLLMProvider"},
	} {
		t.Run(e.schema, func(t *testing.T) {
			values, _ := schema(t, spec, e.schema)["enum"].([]any)
			require.NotEmpty(t, values)
			for _, v := range values {
				require.True(t, consts[e.goType][v.(string)], "no %s constant for %q", e.goType, v)
			}
		})
	}
	t.Run("IsKnown agrees with the constants", func(t *testing.T) {
		for v := range consts["ScriptFileEncoding"] {
			require.True(t, skyvern.ScriptFileEncoding(v).IsKnown(), v)
		}
		for v := range consts["CustomLLMProvider"] {
			require.True(t, skyvern.CustomLLMProvider(v).IsKnown(), v)
		}
		for v := range consts["SDKActionType"] {
			require.True(t, skyvern.SDKActionType(v).IsKnown(), v)
		}
		require.False(t, skyvern.SDKActionType("ai_dance").IsKnown())
	})
}

func TestConformanceScriptQueryParameters(t *testing.T) {
	spec := openAPISpec(t)
	op := spec["paths"].(map[string]any)["/v1/scripts"].(map[string]any)["get"].(map[string]any)
	names := urlNames(reflect.TypeFor[skyvern.ListScriptsParams]())
	for _, p := range op["parameters"].([]any) {
		p := p.(map[string]any)
		if p["in"] == "query" {
			require.True(t, names[p["name"].(string)], "ListScriptsParams has no field for query parameter %s", p["name"])
		}
	}
}
