package skyvern_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScriptsAgainstTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t)
	client := srv.Client()

	created, err := client.CreateScript(ctx, skyvern.CreateScriptRequest{Files: []skyvern.ScriptFile{
		skyvern.NewScriptFile("main.py", []byte("print('hi')\n")),
		{Path: "lib/util.py", Content: "X = 1\n", Encoding: skyvern.ScriptFileEncodingUTF8, MimeType: "text/x-python"},
	}})
	require.NoError(t, err)
	assert.Regexp(t, `^s_\d+$`, created.ScriptID)
	assert.Equal(t, 1, created.Version)
	assert.Equal(t, 2, created.FileCount)
	require.Contains(t, created.FileTree, "main.py")
	assert.Equal(t, "file", created.FileTree["main.py"].Type)
	assert.Equal(t, 12, *created.FileTree["main.py"].Size)
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, created.FileTree["main.py"].ContentHash)
	lib := created.FileTree["lib"]
	assert.Equal(t, "directory", lib.Type)
	assert.Equal(t, "text/x-python", lib.Children["util.py"].MimeType)
	assert.False(t, created.CreatedAt.IsZero())

	t.Run("GetScript returns the latest version", func(t *testing.T) {
		s, err := client.GetScript(ctx, created.ScriptID)
		require.NoError(t, err)
		assert.Equal(t, created.ScriptID, s.ScriptID)
		assert.Equal(t, 1, s.Version)
		assert.NotEmpty(t, s.ScriptRevisionID)
		assert.NotEmpty(t, s.OrganizationID)
	})

	t.Run("DeployScript makes the next version, and GetScript shows it", func(t *testing.T) {
		v, err := client.DeployScript(ctx, created.ScriptID, skyvern.DeployScriptRequest{Files: []skyvern.ScriptFile{
			skyvern.NewScriptFile("main.py", []byte("print('bye')\n")),
		}})
		require.NoError(t, err)
		assert.Equal(t, 2, v.Version)
		assert.Equal(t, 1, v.FileCount)
		assert.Empty(t, v.FileTree, "Skyvern answers a deploy with an empty tree")
		s, err := client.GetScript(ctx, created.ScriptID)
		require.NoError(t, err)
		assert.Equal(t, 2, s.Version)
	})

	t.Run("ListScripts pages through every script, newest first", func(t *testing.T) {
		second, err := client.CreateScript(ctx, skyvern.CreateScriptRequest{})
		require.NoError(t, err)
		third, err := client.CreateScript(ctx, skyvern.CreateScriptRequest{})
		require.NoError(t, err)
		var ids []string
		for s, err := range client.ListScripts(ctx, skyvern.ListScriptsParams{PageSize: 2}) {
			require.NoError(t, err)
			ids = append(ids, s.ScriptID)
		}
		assert.Equal(t, []string{third.ScriptID, second.ScriptID, created.ScriptID}, ids)
		page, err := client.ListScriptsPage(ctx, skyvern.ListScriptsParams{Page: 2, PageSize: 2})
		require.NoError(t, err)
		require.Len(t, page, 1)
		assert.Equal(t, 2, page[0].Version)
	})

	t.Run("RunScript is refused, as the server refuses every run", func(t *testing.T) {
		err := client.RunScript(ctx, created.ScriptID)
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		assert.Equal(t, "Not implemented", apiErr.Detail)
	})

	t.Run("errors", func(t *testing.T) {
		_, err := client.GetScript(ctx, "s_404")
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		_, err = client.DeployScript(ctx, "s_404", skyvern.DeployScriptRequest{})
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		assert.ErrorIs(t, client.RunScript(ctx, "s_404"), skyvern.ErrBadRequest, "the server refuses before it looks the script up")
		_, err = client.CreateScript(ctx, skyvern.CreateScriptRequest{RunID: "tsk_404"})
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		var apiErr *skyvern.APIError
		_, err = client.CreateScript(ctx, skyvern.CreateScriptRequest{Files: []skyvern.ScriptFile{{Path: "a.py", Content: "not base64!"}}})
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		assert.Equal(t, "File 'a.py' is not valid base64", apiErr.Detail)
		_, err = client.CreateScript(ctx, skyvern.CreateScriptRequest{Files: []skyvern.ScriptFile{skyvern.NewScriptFile("../up.py", nil)}})
		assert.ErrorIs(t, err, skyvern.ErrBadRequest)
		_, err = client.ListScriptsPage(ctx, skyvern.ListScriptsParams{Page: -1})
		assert.ErrorIs(t, err, skyvern.ErrValidation)
		assert.ErrorIs(t, client.RunScript(ctx, ""), skyvern.ErrEmptyID)
		_, err = client.GetScript(ctx, "")
		assert.ErrorIs(t, err, skyvern.ErrEmptyID)
	})
}

func TestNewScriptFileEncodesBase64(t *testing.T) {
	f := skyvern.NewScriptFile("a/b.py", []byte{0, 1, 2, 'x'})
	assert.Equal(t, "a/b.py", f.Path)
	got, err := base64.StdEncoding.DecodeString(f.Content)
	require.NoError(t, err)
	assert.Equal(t, []byte{0, 1, 2, 'x'}, got)
	assert.Empty(t, f.Encoding, "base64 is the server's default")
}

func TestScriptCallsThatCreateAreNotRetriedBlindly(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, route string
		call        func(c *skyvern.Client) error
	}{
		{"CreateScript", "POST /v1/scripts", func(c *skyvern.Client) error {
			_, err := c.CreateScript(ctx, skyvern.CreateScriptRequest{})
			return err
		}},
		{"DeployScript", "POST /v1/scripts/{id}/deploy", func(c *skyvern.Client) error {
			_, err := c.DeployScript(ctx, "s_1", skyvern.DeployScriptRequest{})
			return err
		}},
		{"RunScript", "POST /v1/scripts/{id}/run", func(c *skyvern.Client) error { return c.RunScript(ctx, "s_1") }},
		{"RunSDKAction", "POST /v1/sdk/run_action", func(c *skyvern.Client) error {
			_, err := c.RunSDKAction(ctx, skyvern.SDKActionRequest{URL: "https://example.com", Action: skyvern.ActAction{Intention: "x"}})
			return err
		}},
		{"CreateCustomLLM", "POST /v1/custom-llms", func(c *skyvern.Client) error {
			_, err := c.CreateCustomLLM(ctx, skyvern.CustomLLMRequest{})
			return err
		}},
	} {
		t.Run(tc.name+" is sent once after a 500, and may have acted", func(t *testing.T) {
			f := setup(t, skyvern.WithMaxRetries(3), skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
			f.reply(tc.route, 500, `{"detail":"boom"}`)
			err := tc.call(f.client)
			assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
			assert.Len(t, f.requests(), 1)
		})
	}
	for _, tc := range []struct {
		name, route string
		call        func(c *skyvern.Client) error
	}{
		{"UpdateCustomLLM", "PUT /v1/custom-llms/{id}", func(c *skyvern.Client) error {
			_, err := c.UpdateCustomLLM(ctx, "oat_1", skyvern.CustomLLMRequest{})
			return err
		}},
		{"DeleteCustomLLM", "DELETE /v1/custom-llms/{id}", func(c *skyvern.Client) error { return c.DeleteCustomLLM(ctx, "oat_1") }},
		{"GetScript", "GET /v1/scripts/{id}", func(c *skyvern.Client) error {
			_, err := c.GetScript(ctx, "s_1")
			return err
		}},
	} {
		t.Run(tc.name+" is retried like a read", func(t *testing.T) {
			f := setup(t, skyvern.WithMaxRetries(2), skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
			f.reply(tc.route, 503, `{"detail":"busy"}`)
			err := tc.call(f.client)
			assert.ErrorIs(t, err, skyvern.ErrServer)
			assert.False(t, errors.Is(err, skyvern.ErrOutcomeUnknown))
			assert.Len(t, f.requests(), 3)
		})
	}
}

// plainClick is a click action as a plain struct, for a baseline encode
// with encoding/json alone.
type plainClick struct {
	Type      string  `json:"type"`
	Timeout   float64 `json:"timeout,omitempty"`
	Selector  string  `json:"selector,omitempty"`
	Intention string  `json:"intention,omitempty"`
}

type plainActionRequest struct {
	URL              string     `json:"url"`
	BrowserSessionID string     `json:"browser_session_id,omitempty"`
	Action           plainClick `json:"action"`
}

// BenchmarkEncodeSDKAction measures the body RunSDKAction sends: the
// union's type and the timeout in milliseconds written by hand around
// encoding/json.
func BenchmarkEncodeSDKAction(b *testing.B) {
	req := skyvern.SDKActionRequest{URL: "https://example.com", BrowserSessionID: "pbs_1",
		Action: skyvern.ClickAction{Selector: "#buy", Intention: "the Buy button", Timeout: 5 * time.Second}}
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(req); err != nil {
				b.Fatal(err)
			}
		}
	})
	plain := plainActionRequest{URL: "https://example.com", BrowserSessionID: "pbs_1",
		Action: plainClick{Type: "ai_click", Timeout: 5000, Selector: "#buy", Intention: "the Buy button"}}
	b.Run("encoding/json baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(plain); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeCustomLLMList measures ListCustomLLMs' decode of 50
// configurations, each with secrets sealed into Secret values.
func BenchmarkDecodeCustomLLMList(b *testing.B) {
	one := `{"id":"oat_1","organization_id":"o_1","config":{"display_name":"Llama","provider":"openai_compatible","model_name":"llama3",` +
		`"api_base":"https://llm.example.com/v1","api_key":"********","api_version":null,"supports_vision":true,"add_assistant_prefix":false,` +
		`"max_completion_tokens":null,"temperature":0.2,"reasoning_effort":null,"extra_parameters":{"extra_headers":{"Authorization":"********"},"top_p":0.9}},` +
		`"created_at":"2025-01-01T00:00:00.000001","modified_at":"2025-01-01T00:00:00.000001","valid":true}`
	body := `{"custom_llms":[` + one
	for range 49 {
		body += "," + one
	}
	data := []byte(body + "]}")
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var out struct {
				CustomLLMs []skyvern.CustomLLM `json:"custom_llms"`
			}
			if err := json.Unmarshal(data, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			out := newPlain[struct {
				CustomLLMs []skyvern.CustomLLM `json:"custom_llms"`
			}]()
			if err := json.Unmarshal(data, out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

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

// ExampleClient_RunSDKAction drives a page of a browser session with AI
// actions: it checks a condition, then extracts data, the second action
// recorded in the workflow run of the first, in a browser session it
// creates and closes.
func ExampleClient_RunSDKAction() {
	srv, err := skyverntest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	// The fake's stand-in for what the page holds.
	srv.OnPrompt("the title and points of the top post", skyverntest.Outcome{
		Output: map[string]any{"title": "Show HN: a Go SDK", "points": 312}})
	client := srv.Client()
	ctx := context.Background()

	sess, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
	if err != nil {
		panic(err)
	}
	defer client.CloseBrowserSession(context.WithoutCancel(ctx), sess.BrowserSessionID)
	sessionID := sess.BrowserSessionID
	page := "https://news.ycombinator.com"

	check, err := client.RunSDKAction(ctx, skyvern.SDKActionRequest{
		URL: page, BrowserSessionID: sessionID,
		Action: skyvern.ValidateAction{Prompt: "the page lists posts"},
	})
	if err != nil {
		panic(err)
	}
	var ok bool
	if err := check.DecodeResult(&ok); err != nil || !ok {
		panic("not the page we expected")
	}

	res, err := client.RunSDKAction(ctx, skyvern.SDKActionRequest{
		URL: page, BrowserSessionID: sessionID, WorkflowRunID: check.WorkflowRunID,
		Action: skyvern.ExtractAction{
			Prompt:        "the title and points of the top post",
			ExtractSchema: map[string]any{"type": "object", "properties": map[string]any{"title": map[string]any{"type": "string"}, "points": map[string]any{"type": "integer"}}},
		},
	})
	if err != nil {
		panic(err)
	}
	var top struct {
		Title  string `json:"title"`
		Points int    `json:"points"`
	}
	if err := res.DecodeResult(&top); err != nil {
		panic(err)
	}
	fmt.Println(top.Title, top.Points, res.WorkflowRunID == check.WorkflowRunID)
	// Output: Show HN: a Go SDK 312 true
}

// Run one AI action in a browser session that UseBrowserSession opens for
// it and closes afterwards.
func ExampleClient_RunSDKAction_browserSession() {
	srv, err := skyverntest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	// What the page holds, to the fake.
	srv.OnPrompt("the title of the top post", skyverntest.Outcome{Output: "Show HN: a Go SDK"})
	client := srv.Client() // with the real API: skyvern.NewClient()
	ctx := context.Background()

	err = client.UseBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{}, func(ctx context.Context, s *skyvern.BrowserSession) error {
		res, err := client.RunSDKAction(ctx, skyvern.SDKActionRequest{
			URL:              "https://news.ycombinator.com",
			BrowserSessionID: s.BrowserSessionID,
			Action:           skyvern.ExtractAction{Prompt: "the title of the top post"},
		})
		if err != nil {
			return err
		}
		var title string
		if err := res.DecodeResult(&title); err != nil {
			return err
		}
		fmt.Println(title)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output: Show HN: a Go SDK
}

func ExampleClient_CreateScript() {
	srv, err := skyverntest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	v1, err := client.CreateScript(ctx, skyvern.CreateScriptRequest{Files: []skyvern.ScriptFile{
		skyvern.NewScriptFile("main.py", []byte("print('hello')\n")),
	}})
	if err != nil {
		panic(err)
	}
	v2, err := client.DeployScript(ctx, v1.ScriptID, skyvern.DeployScriptRequest{Files: []skyvern.ScriptFile{
		skyvern.NewScriptFile("main.py", []byte("print('hello again')\n")),
	}})
	if err != nil {
		panic(err)
	}
	for s, err := range client.ListScripts(ctx, skyvern.ListScriptsParams{}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(s.ScriptID == v1.ScriptID, "version", s.Version, v2.Version)
	}
	// Output: true version 2 2
}

func ExampleClient_CreateCustomLLM() {
	srv, err := skyverntest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	req := skyvern.CustomLLMRequest{Config: skyvern.CustomLLMConfig{
		DisplayName: "Our Llama",
		Provider:    skyvern.CustomLLMProviderOpenAICompatible,
		ModelName:   "llama3.1:70b",
		APIBase:     "https://llm.example.com/v1",
		APIKey:      skyvern.NewSecret("sk-example"), // os.Getenv("LLM_API_KEY"), say
	}}
	fmt.Println(req.Config.APIKey) // secrets never print
	llm, err := client.CreateCustomLLM(ctx, req)
	if err != nil {
		panic(err)
	}
	// Skyvern answers the key masked; sending the config back keeps it.
	fmt.Println(llm.Config.DisplayName, llm.Config.APIKey.Reveal())
	llm.Config.DisplayName = "Our Llama 3.1"
	llm, err = client.UpdateCustomLLM(ctx, llm.ID, skyvern.CustomLLMRequest{Config: llm.Config})
	if err != nil {
		panic(err)
	}
	fmt.Println(llm.Config.DisplayName)
	if err := client.DeleteCustomLLM(ctx, llm.ID); err != nil {
		panic(err)
	}
	// Output:
	// [redacted]
	// Our Llama ********
	// Our Llama 3.1
}
