package skyvern_test

import (
	"context"
	"fmt"
	"log"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

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
