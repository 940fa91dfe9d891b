package webhooks_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

// A receiver whose store was down failed all three of Skyvern's attempts
// for a run. Once the store is back, the runs that finished during the
// outage are found with ListRuns and sent again with RetryRunWebhook.
func Example_replayRunsWhoseDeliveriesFailed() {
	var storeUp atomic.Bool
	hook := httptest.NewServer(webhooks.Handler(apiKey, func(ctx context.Context, run *skyvern.RunResponse) error {
		if !storeUp.Load() {
			return errors.New("store unavailable") // logged with run_id and status
		}
		fmt.Println("stored", run.RunType, run.Status)
		return nil
	}, webhooks.WithLogger(nil)))
	defer hook.Close()

	// A fake Skyvern stands in for the real one here.
	fake, err := skyverntest.Start(skyverntest.WithAPIKey(apiKey), skyverntest.WithManualClock())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer fake.Close()
	client := fake.Client()
	ctx := context.Background()

	outageStart := time.Now() // in practice, from the receiver's logs
	_, err = client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Find the price", WebhookURL: hook.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	fake.Advance(time.Minute) // the run completes; its three deliveries fail

	storeUp.Store(true)
	// Webhooks are sent only at a terminal status. Runs come newest
	// first, by creation: stop at those created before the outage, less
	// the longest a run takes.
	terminal := []skyvern.RunStatus{skyvern.RunStatusCompleted, skyvern.RunStatusFailed,
		skyvern.RunStatusTerminated, skyvern.RunStatusTimedOut, skyvern.RunStatusCanceled}
	for item, err := range client.ListRuns(ctx, skyvern.ListRunsParams{Status: terminal}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if item.CreatedAt.Before(outageStart.Add(-24 * time.Hour)) {
			break
		}
		if item.FinishedAt.Before(outageStart) {
			continue
		}
		rep, err := client.RetryRunWebhook(ctx, item.RunID, skyvern.RetryRunWebhookRequest{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("replayed, delivered:", rep.Delivered())
	}
	// Output:
	// stored task_v1 completed
	// replayed, delivered: true
}
