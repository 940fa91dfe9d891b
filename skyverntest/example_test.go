package skyverntest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

// A run's whole life against the fake: start it, let it complete, receive
// its signed webhook, and replay the webhook.
func ExampleStart() {
	srv, err := skyverntest.Start(skyverntest.WithManualClock())
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	srv.OnPrompt("Find the price of a mango", skyverntest.Outcome{
		Output: map[string]any{"price": 1.25},
	})

	// Your webhook receiver, verifying signatures with the server's key. It
	// recognises the replay as a delivery it has processed already.
	receiver := httptest.NewServer(webhooks.Handler(srv.APIKey,
		func(_ context.Context, run *skyvern.RunResponse) error {
			fmt.Printf("webhook: %s, output %s\n", run.Status, run.Output)
			return nil
		}))
	defer receiver.Close()

	ctx := context.Background()
	client := srv.Client()
	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{
		Prompt:     "Find the price of a mango",
		WebhookURL: receiver.URL,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("started:", run.Status)

	srv.Advance(skyverntest.DefaultRunDuration) // the run completes and its webhook is delivered

	got, err := client.GetRun(ctx, run.RunID)
	if err != nil {
		panic(err)
	}
	fmt.Println("get run:", got.Status)

	rep, err := client.RetryRunWebhook(ctx, run.RunID, skyvern.RetryRunWebhookRequest{})
	if err != nil {
		panic(err)
	}
	fmt.Println("replay delivered:", rep.Delivered())
	// Output:
	// started: created
	// webhook: completed, output {"price":1.25}
	// get run: completed
	// replay delivered: true
}

// In a test, NewServer closes the server when the test ends.
func ExampleNewServer() {
	testCheckout := func(t *testing.T) {
		srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
		srv.OnPrompt("Buy the mango", skyverntest.Outcome{
			Status:        skyvern.RunStatusFailed,
			FailureReason: "out of stock",
		})

		// Point the code under test at srv.URL with srv.APIKey, or use:
		client := srv.Client()
		run, err := client.RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "Buy the mango"})
		if err != nil {
			t.Fatal(err)
		}
		srv.Advance(time.Second)
		st, _ := srv.Run(run.RunID)
		if st.Run.Status != skyvern.RunStatusFailed {
			t.Errorf("status %s, want failed", st.Run.Status)
		}
	}
	_ = testCheckout
}

// Faults make chosen calls fail: here the first Get Run is refused with a
// 503 that the client retries, and the second is answered.
func ExampleServer_Fault() {
	srv, err := skyverntest.Start(skyverntest.WithManualClock())
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ctx := context.Background()
	client := srv.Client()
	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	if err != nil {
		panic(err)
	}

	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 503, RetryAfter: "0"})
	if _, err := client.GetRun(ctx, run.RunID); err != nil {
		panic(err)
	}

	srv.Fault(skyverntest.RouteRunTask, skyverntest.Fault{StatusCode: 500})
	_, err = client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	fmt.Println("run may exist:", errors.Is(err, skyvern.ErrOutcomeUnknown))

	for _, r := range srv.Requests() {
		fmt.Println(r.Route)
	}
	// Output:
	// run may exist: true
	// POST /v1/run/tasks
	// GET /v1/runs/{run_id}
	// GET /v1/runs/{run_id}
	// POST /v1/run/tasks
}

// A held run stays running until the test finishes it.
func ExampleServer_Finish() {
	srv, err := skyverntest.Start(skyverntest.WithManualClock())
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	srv.OnPrompt("wait for me", skyverntest.Outcome{Hold: true})
	run, err := srv.Client().RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "wait for me"})
	if err != nil {
		panic(err)
	}

	srv.Advance(time.Hour)
	st, _ := srv.Run(run.RunID)
	fmt.Println(st.Run.Status, st.Held)

	if err := srv.Finish(run.RunID, skyverntest.Outcome{Status: skyvern.RunStatusTimedOut}); err != nil {
		panic(err)
	}
	st, _ = srv.Run(run.RunID)
	fmt.Println(st.Run.Status, st.Held)
	// Output:
	// running true
	// timed_out false
}
