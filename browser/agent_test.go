package browser_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/browser"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

// TestAgentRunWithWebhook runs a task on the page, in its browser and
// from its URL, and waits for it through its webhook: a Waiter fed by a
// webhook receiver, whose fallback polling is too slow to end the test.
func TestAgentRunWithWebhook(t *testing.T) {
	e := newEnv(t, []skyverntest.Option{skyverntest.WithRunDuration(100 * time.Millisecond)})
	e.srv.OnPrompt("Buy the mango", skyverntest.Outcome{Output: map[string]any{"order": "A-1"}})

	var delivered atomic.Int32
	waiter := skyvern.NewWaiter(e.client, skyvern.WithFallbackPolling(time.Hour, time.Hour))
	hook := httptest.NewServer(webhooks.Handler(e.srv.APIKey, func(_ context.Context, run *skyvern.RunResponse) error {
		delivered.Add(1)
		waiter.Deliver(run)
		return nil
	}))
	defer hook.Close()

	b, err := browser.Connect(e.ctx, e.client, e.chrome.Address(), browser.WithWaiter(waiter))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	page := b.Page(e.page.Rod())

	run, err := page.RunTask(e.ctx, skyvern.TaskRunRequest{Prompt: "Buy the mango", WebhookURL: hook.URL})
	if err != nil {
		t.Fatalf("RunTask: %v", err)
	}
	if run.Status != skyvern.RunStatusCompleted {
		t.Fatalf("run %s %s, want completed", run.RunID, run.Status)
	}
	var out struct {
		Order string `json:"order"`
	}
	if err := run.DecodeOutput(&out); err != nil || out.Order != "A-1" {
		t.Errorf("output %+v, %v; want order A-1", out, err)
	}
	var sent struct {
		URL            string `json:"url"`
		BrowserAddress string `json:"browser_address"`
	}
	polls := 0
	for _, r := range e.srv.Requests() {
		switch r.Route {
		case skyverntest.RouteRunTask:
			if err := json.Unmarshal(r.Body, &sent); err != nil {
				t.Fatal(err)
			}
		case skyverntest.RouteGetRun:
			polls++
		}
	}
	if sent.URL != e.site.URL+"/form" || sent.BrowserAddress != e.chrome.Address() {
		t.Errorf("the task was sent with url %q and browser_address %q, want the page's", sent.URL, sent.BrowserAddress)
	}
	if polls != 0 {
		t.Errorf("%d Get Run polls: the webhook should have ended the wait", polls)
	}
	if n := delivered.Load(); n != 1 {
		t.Errorf("%d webhooks received, want 1", n)
	}

	// Without a Waiter, the run is polled for.
	wf, err := e.page.RunWorkflow(e.ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_unknown"})
	if err == nil {
		t.Errorf("RunWorkflow of an unknown workflow = %s, want the fake's 404", wf.Status)
	}
	dl, err := e.page.DownloadFiles(e.ctx, skyvern.DownloadFilesRequest{NavigationGoal: "download the invoice"})
	if err != nil || !dl.Status.IsTerminal() {
		t.Fatalf("DownloadFiles = %v, %v", dl, err)
	}
	if err := e.srv.AddCredential("cred_shop", skyvern.CredentialRequest{
		Name:       "shop",
		Credential: skyvern.PasswordCredential{Username: "ada", Password: skyvern.NewSecret("s3cret-pw")},
	}); err != nil {
		t.Fatal(err)
	}
	login, err := e.page.Login(e.ctx, skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_shop"})
	if err != nil || login.Status != skyvern.RunStatusCompleted {
		t.Fatalf("Login = %v, %v; want completed", login, err)
	}
	for _, r := range e.srv.Requests() {
		if r.Route != skyverntest.RouteRunLogin && r.Route != skyverntest.RouteRunDownloadFiles {
			continue
		}
		var body struct {
			URL            string `json:"url"`
			BrowserAddress string `json:"browser_address"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		if body.URL != e.site.URL+"/form" || body.BrowserAddress != e.chrome.Address() {
			t.Errorf("%s sent url %q and browser_address %q, want the page's", r.Route, body.URL, body.BrowserAddress)
		}
	}
}
