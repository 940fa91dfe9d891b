package skyvern_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

// The examples run against skyverntest's fake server. With the real API,
// create the client with NewClient instead.

func ExampleNewClient() {
	// With no options, the key comes from SKYVERN_API_KEY and the base URL
	// from SKYVERN_BASE_URL, else Skyvern Cloud.
	client, err := skyvern.NewClient(
		skyvern.WithAPIKey("sk-your-key"),
		skyvern.WithBaseURL(skyvern.LocalBaseURL),
		skyvern.WithTimeout(30*time.Second),
		skyvern.WithUserAgent("orders-service/1.4"),
	)
	if err != nil {
		panic(err)
	}
	fmt.Println(client)
	// Output: skyvern.Client{http://localhost:8000}
}

func ExampleNewClient_environment() {
	// Usually set outside the program.
	restore := setenv(map[string]string{"SKYVERN_API_KEY": "sk-your-key", "SKYVERN_BASE_URL": ""})
	defer restore()

	client, err := skyvern.NewClient() // SKYVERN_API_KEY; SKYVERN_BASE_URL, else Skyvern Cloud
	if err != nil {
		panic(err)
	}
	fmt.Println(client.BaseURL())
	// Output: https://api.skyvern.com
}

// setenv sets environment variables and returns a function that restores them.
func setenv(vars map[string]string) (restore func()) {
	old := map[string]*string{}
	for k, v := range vars {
		if prev, ok := os.LookupEnv(k); ok {
			old[k] = &prev
		} else {
			old[k] = nil
		}
		os.Setenv(k, v)
	}
	return func() {
		for k, v := range old {
			if v == nil {
				os.Unsetenv(k)
			} else {
				os.Setenv(k, *v)
			}
		}
	}
}

func ExampleClient_RunTask() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()

	run, err := client.RunTask(context.Background(), skyvern.TaskRunRequest{
		Prompt:     "Find the top post on Hacker News and return its title",
		URL:        "https://news.ycombinator.com",
		WebhookURL: "https://example.com/skyvern-hook", // called when the run finishes
		MaxSteps:   skyvern.Ptr(10),
	})
	switch {
	case errors.Is(err, skyvern.ErrOutcomeUnknown):
		// The request may have started a run: look for it before retrying.
	case err != nil:
		panic(err)
	}
	fmt.Println(run.Status, run.RunType)
	// Output: created task_v1
}

func ExampleClient_RunWorkflow() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	srv.OnWorkflow("wpid_invoices", skyverntest.Outcome{})
	client := srv.Client()

	run, err := client.RunWorkflow(context.Background(), skyvern.WorkflowRunRequest{
		WorkflowID: "wpid_invoices",
		Parameters: map[string]any{"month": "2026-01"},
		// Overrides, for this run only, the workflow's own callback.
		WebhookURL: "https://example.com/skyvern-hook",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(run.RunType)

	_, err = client.RunWorkflow(context.Background(), skyvern.WorkflowRunRequest{WorkflowID: "wpid_unknown"})
	fmt.Println(errors.Is(err, skyvern.ErrNotFound))
	// Output:
	// workflow_run
	// true
}

func ExampleClient_GetRun() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	srv.OnPrompt("Read the price", skyverntest.Outcome{Output: map[string]any{"price": 1.25, "currency": "EUR"}})
	client := srv.Client()
	ctx := context.Background()
	started, _ := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Read the price"})
	srv.Advance(time.Minute)

	run, err := client.GetRun(ctx, started.RunID)
	if err != nil {
		panic(err)
	}
	var out struct {
		Price    float64 `json:"price"`
		Currency string  `json:"currency"`
	}
	if err := run.DecodeOutput(&out); err != nil {
		panic(err)
	}
	fmt.Println(run.Status, out.Price, out.Currency)

	_, err = client.GetRun(ctx, "tsk_404")
	fmt.Println(errors.Is(err, skyvern.ErrNotFound))
	// Output:
	// completed 1.25 EUR
	// true
}

func ExampleClient_CancelRun() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	run, _ := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "A long job"})

	if err := client.CancelRun(ctx, run.RunID); err != nil {
		panic(err)
	}
	run, _ = client.GetRun(ctx, run.RunID)
	fmt.Println(run.Status)
	// Output: canceled
}

func ExampleClient_RetryRunWebhook() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	receiver := httptest.NewServer(webhooks.Handler(srv.APIKey,
		func(context.Context, *skyvern.RunResponse) error { return nil }))
	defer receiver.Close()
	client := srv.Client()
	ctx := context.Background()
	run, _ := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: "http://127.0.0.1:1/unreachable"})
	srv.Advance(time.Hour) // the run finishes; its webhook cannot be delivered

	// Send it again, to a receiver that works this time.
	rep, err := client.RetryRunWebhook(ctx, run.RunID, skyvern.RetryRunWebhookRequest{WebhookURL: receiver.URL})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Delivered(), rep.StatusCode)
	// Output: true 200
}

func ExampleClient_WaitForRun() {
	srv, _ := skyverntest.Start(skyverntest.WithRunDuration(50 * time.Millisecond))
	defer srv.Close()
	srv.OnPrompt("Log in", skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "wrong password"})
	client := srv.Client()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, _ := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Log in"})

	run, err := client.WaitForRun(ctx, run.RunID, skyvern.WithPollInterval(10*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		panic(err) // the wait itself failed: ctx ended, or Skyvern refused
	}
	fmt.Println(run.Status, run.FailureReason) // a failed run is a result
	// Output: failed wrong password
}

func ExampleClient_ListRuns() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	for range 3 {
		client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	}

	n := 0
	for run, err := range client.ListRuns(ctx, skyvern.ListRunsParams{Status: []skyvern.RunStatus{skyvern.RunStatusCreated}}) {
		if err != nil {
			panic(err)
		}
		_ = run.RunID
		n++
	}
	fmt.Println(n, "runs")
	// Output: 3 runs
}

func ExampleRunResponse_DecodeOutput() {
	var run skyvern.RunResponse
	_ = json.Unmarshal([]byte(`{"run_id":"tsk_1","status":"completed","output":{"rows":[{"sku":"A-1","qty":12345678901234567890}]}}`), &run)

	var out struct {
		Rows []struct {
			SKU string      `json:"sku"`
			Qty json.Number `json:"qty"` // beyond int64: keep the digits
		} `json:"rows"`
	}
	if err := run.DecodeOutput(&out); err != nil {
		panic(err)
	}
	fmt.Println(out.Rows[0].SKU, out.Rows[0].Qty)
	// Output: A-1 12345678901234567890
}

func ExampleRunResponse_extra() {
	// Webhook payloads carry legacy members beside the Run Response fields.
	var run skyvern.RunResponse
	_ = json.Unmarshal([]byte(`{"run_id":"tsk_1","status":"completed","task_id":"tsk_1","extracted_information":{"a":1}}`), &run)
	keys := make([]string, 0, len(run.Extra))
	for k := range run.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println(keys, string(run.Extra["extracted_information"]))
	// Output: [extracted_information task_id] {"a":1}
}

func ExampleAPIError() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	_, err := srv.Client().RunTask(context.Background(), skyvern.TaskRunRequest{URL: "https://example.com"}) // no prompt

	var apiErr *skyvern.APIError
	if errors.As(err, &apiErr) && errors.Is(err, skyvern.ErrValidation) {
		for _, v := range apiErr.ValidationErrors {
			fmt.Println(v)
		}
	}
	// Output: body.prompt: Field required
}

// The orchestration pattern: start many runs, wait for all of them (by
// webhook, with polling as the fallback), and handle the failures.
func ExampleWaiter() {
	// A fake Skyvern for the example; in production, skyvern.NewClient().
	srv, _ := skyverntest.Start(skyverntest.WithRunDuration(50 * time.Millisecond))
	defer srv.Close()
	srv.OnPrompt("Get the price of SKU-3", skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "product page not found"})
	srv.OnRun(func(r skyverntest.RunRequest) skyverntest.Outcome {
		return skyverntest.Outcome{Output: map[string]any{"price": 9.5}}
	})
	client := srv.Client()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// One Waiter for the whole service; the webhook receiver's queue feeds it.
	waiter := skyvern.NewWaiter(client)
	queue := make(chan *skyvern.RunResponse, 100)
	go func() {
		for run := range queue {
			waiter.Deliver(run)
		}
	}()

	defer close(queue) // after receiver.Close, below: nothing sends any more

	// The webhook receiver, on a loopback port for the example.
	receiver := httptest.NewServer(webhooks.Handler(srv.APIKey, func(ctx context.Context, run *skyvern.RunResponse) error {
		select {
		case queue <- run:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}))
	defer receiver.Close()

	for _, r := range priceAll(ctx, client, waiter, receiver.URL, []string{"SKU-1", "SKU-2", "SKU-3"}) {
		fmt.Println(r)
	}
	// Output:
	// SKU-1: price 9.5 (<nil>)
	// SKU-2: price 9.5 (<nil>)
	// SKU-3: failed: product page not found
}

// priceAll starts one run per SKU, each sending its webhook to webhookURL,
// and waits for all of them.
func priceAll(ctx context.Context, client *skyvern.Client, waiter *skyvern.Waiter, webhookURL string, skus []string) []string {
	results := make([]string, len(skus))
	var wg sync.WaitGroup
	for i, sku := range skus {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run, err := client.RunTask(ctx, skyvern.TaskRunRequest{
				Prompt:     "Get the price of " + sku,
				WebhookURL: webhookURL,
			})
			if err != nil {
				// With ErrOutcomeUnknown, look the run up before starting it again.
				results[i] = fmt.Sprintf("%s: not started: %v", sku, err)
				return
			}
			run, err = waiter.Wait(ctx, run.RunID)
			switch {
			case err != nil:
				results[i] = fmt.Sprintf("%s: wait failed: %v", sku, err)
			case run.Status != skyvern.RunStatusCompleted:
				results[i] = fmt.Sprintf("%s: %s: %s", sku, run.Status, run.FailureReason)
			default:
				var out struct{ Price float64 }
				err := run.DecodeOutput(&out)
				results[i] = fmt.Sprintf("%s: price %v (%v)", sku, out.Price, err)
			}
		}()
	}
	wg.Wait()
	return results
}

func ExampleClient_BulkCancelRuns() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	a, _ := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "a"})
	b, _ := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "b"})

	res, err := client.BulkCancelRuns(ctx, []string{a.RunID, b.RunID, "tsk_unknown"})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(res.Canceled), "canceled; failed:", res.Failed)
	// Output: 2 canceled; failed: [tsk_unknown]
}

func ExampleClient_ListRunTimeline() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	srv.OnWorkflow("wpid_invoices", skyverntest.Outcome{})
	client := srv.Client()
	ctx := context.Background()
	run, _ := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_invoices"})
	srv.Advance(time.Minute)

	timeline, err := skyvern.Collect(client.ListRunTimeline(ctx, run.RunID))
	if err != nil {
		panic(err)
	}
	for _, entry := range timeline {
		if entry.Block != nil {
			fmt.Println(entry.Type, entry.Block.BlockType, entry.Block.Status)
		}
	}
	// Output: block task completed
}

func ExampleClient_ListRunArtifacts() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	run, _ := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	srv.Advance(time.Minute)

	arts, err := skyvern.Collect(client.ListRunArtifacts(ctx, run.RunID, []skyvern.ArtifactType{skyvern.ArtifactTypeRecording}))
	if err != nil {
		panic(err)
	}
	for _, a := range arts {
		fmt.Println(a.ArtifactType, a.SignedURL != "")
	}
	// Output: recording true
}

func ExampleClient_CreateWorkflow() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{
		Title: "Monthly invoices",
		// Called when any run of the workflow finishes, unless the run sets
		// its own WorkflowRunRequest.WebhookURL.
		DefaultWebhookURL: "https://example.com/invoices-hook",
		Body: skyvern.WorkflowBody{
			Parameters: []map[string]any{{"parameter_type": "workflow", "key": "month", "workflow_parameter_type": "string"}},
			Blocks: []map[string]any{{
				"block_type": "task", "label": "download", "url": "https://billing.example.com",
				"navigation_goal": "Download the invoice for {{ month }}",
			}},
		},
	}, IdempotencyKey: "create-monthly-invoices-v1"}) // safe to retry
	if err != nil {
		panic(err)
	}
	fmt.Println(wf.Title, wf.Version, wf.DefaultWebhookURL)

	run, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{
		WorkflowID: wf.WorkflowPermanentID,
		Parameters: map[string]any{"month": "2026-01"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(run.Status)
	// Output:
	// Monthly invoices 1 https://example.com/invoices-hook
	// created
}

func ExampleClient_UpdateWorkflow() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	wf, _ := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: Invoices\nworkflow_definition: {parameters: [], blocks: []}\n"})

	// A YAML definition as Skyvern's editor exports it.
	updated, err := client.UpdateWorkflow(ctx, wf.WorkflowPermanentID, skyvern.WorkflowRequest{
		YAMLDefinition: "title: Invoices (v2)\nworkflow_definition:\n  parameters: []\n  blocks: []\n",
	})
	if err != nil {
		panic(err)
	}
	versions, _ := skyvern.Collect(client.ListWorkflowVersions(ctx, wf.WorkflowPermanentID))
	latest, _ := client.GetWorkflow(ctx, wf.WorkflowPermanentID, skyvern.GetWorkflowParams{})
	first, _ := client.GetWorkflow(ctx, wf.WorkflowPermanentID, skyvern.GetWorkflowParams{Version: 1})
	fmt.Println(updated.Version, len(versions), latest.Title, "/", first.Title)
	// Output: 2 2 Invoices (v2) / Invoices
}

func ExampleClient_ListWorkflows() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	for _, title := range []string{"Invoices", "Refunds", "Invoice disputes"} {
		client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: " + title + "\nworkflow_definition: {parameters: [], blocks: []}\n"})
	}

	for wf, err := range client.ListWorkflows(ctx, skyvern.ListWorkflowsParams{SearchKey: "invoice"}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(wf.Title)
	}
	// Output:
	// Invoice disputes
	// Invoices
}

func ExampleClient_DeleteWorkflow() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	wf, _ := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: Old\nworkflow_definition: {parameters: [], blocks: []}\n"})

	if err := client.DeleteWorkflow(ctx, wf.WorkflowPermanentID); err != nil {
		panic(err)
	}
	_, err := client.GetWorkflow(ctx, wf.WorkflowPermanentID, skyvern.GetWorkflowParams{})
	fmt.Println(errors.Is(err, skyvern.ErrNotFound))
	// Output: true
}

func ExampleClient_ListRunsOfAllWorkflows() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	srv.OnWorkflow("wpid_invoices", skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "login failed"})
	client := srv.Client()
	ctx := context.Background()
	client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_invoices"})
	srv.Advance(time.Minute)

	for run, err := range client.ListRunsOfAllWorkflows(ctx, skyvern.ListRunsOfAllWorkflowsParams{Status: []skyvern.RunStatus{skyvern.RunStatusFailed}}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(run.WorkflowPermanentID, run.Status, run.FailureReason)
	}
	// Output: wpid_invoices failed login failed
}
