package skyvern_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// actionMembers are members every SDK action has on the wire without a
// field of that name: type comes from the Go type, timeout is Timeout, a
// time.Duration.
var actionMembers = []string{"type", "timeout"}

// scriptConformance is the scripts, custom LLM and SDK action area.
var scriptConformance = conformanceArea{
	name: "scripts",
	schemas: []schemaCase{
		{schema: "CreateScriptRequest", goType: skyvern.CreateScriptRequest{}},
		{schema: "DeployScriptRequest", goType: skyvern.DeployScriptRequest{}},
		{schema: "ScriptFileCreate", goType: skyvern.ScriptFile{}},
		{schema: "CreateScriptResponse", goType: skyvern.ScriptVersion{}},
		{schema: "FileNode", goType: skyvern.ScriptFileNode{}},
		{schema: "Script", goType: skyvern.Script{}},
		// The create and update bodies are the same: CustomLLMRequest.
		{schema: "CustomLLMCreateRequest", goType: skyvern.CustomLLMRequest{}},
		{schema: "CustomLLMUpdateRequest", goType: skyvern.CustomLLMRequest{}},
		{schema: "CustomLLMConfig", goType: skyvern.CustomLLMConfig{}},
		{schema: "CustomLLM", goType: skyvern.CustomLLM{}},
		// The list and single answers of custom LLMs wrap the model:
		// ListCustomLLMs unwraps custom_llms, Create and UpdateCustomLLM
		// unwrap custom_llm, and DeleteCustomLLM reports failure as an
		// error rather than success.
		{schema: "CustomLLMListResponse", extra: []string{"custom_llms"}, exact: true},
		{schema: "CustomLLMResponse", extra: []string{"custom_llm"}, exact: true},
		{schema: "ClearOrganizationAuthTokenResponse", extra: []string{"success"}, exact: true},
		{schema: "RunSdkActionRequest", goType: skyvern.SDKActionRequest{}},
		{schema: "RunSdkActionResponse", goType: skyvern.SDKActionResult{}},
		{schema: "ClickAction", goType: skyvern.ClickAction{}, extra: actionMembers},
		{schema: "InputTextAction", goType: skyvern.InputTextAction{}, extra: actionMembers},
		{schema: "SelectOptionAction", goType: skyvern.SelectOptionAction{}, extra: actionMembers},
		{schema: "UploadFileAction", goType: skyvern.UploadFileAction{}, extra: actionMembers},
		{schema: "ActAction", goType: skyvern.ActAction{}, extra: actionMembers},
		{schema: "ExtractAction", goType: skyvern.ExtractAction{}, extra: actionMembers},
		{schema: "LocateElementAction", goType: skyvern.LocateElementAction{}, extra: actionMembers},
		{schema: "ValidateAction", goType: skyvern.ValidateAction{}, extra: actionMembers},
		{schema: "PromptAction", goType: skyvern.PromptAction{}, extra: actionMembers},
	},
	enums: []enumCase{
		{values: specEnum("FileEncoding"), goType: goEnum[skyvern.ScriptFileEncoding]()},
		{values: specEnum("CustomLLMProvider"), goType: goEnum[skyvern.CustomLLMProvider]()},
		{values: unionTags("RunSdkActionRequest", "action"), goType: goEnum[skyvern.SDKActionType]()},
	},
	queries: []queryCase{
		{method: "get", path: "/v1/scripts", goType: skyvern.ListScriptsParams{}},
	},
}

// TestConformanceSDKActionUnion checks that every action of the spec's
// union has a Go type, named as the schema its tag maps to.
func TestConformanceSDKActionUnion(t *testing.T) {
	union := schema(t, openAPISpec(t), "RunSdkActionRequest")["properties"].(map[string]any)["action"].(map[string]any)
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
}
