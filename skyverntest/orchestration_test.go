package skyverntest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

// waiterGoroutines counts the goroutines of skyvern.Waiter.
func waiterGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "skyvern.(*Waiter)")
}

// getRuns counts the Get Run calls the server received for run id.
func getRuns(srv *skyverntest.Server, id string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Route == skyverntest.RouteGetRun && r.Path == "/v1/runs/"+id {
			n++
		}
	}
	return n
}

// The orchestration pattern: start many runs, wait for all of them with a
// Waiter fed by a webhook receiver, fall back to polling for a run whose
// webhook is lost, and take a webhook that came before its Wait.
func TestWaiterTakesWebhooksAndPollsForTheLostOne(t *testing.T) {
	const runs = 50
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnRun(func(r skyverntest.RunRequest) skyverntest.Outcome {
		if strings.HasSuffix(r.Task.Prompt, "0") { // one run in ten fails
			return skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "out of stock"}
		}
		return skyverntest.Outcome{Output: map[string]string{"prompt": r.Task.Prompt}}
	})
	client := srv.Client()
	ctx := ctxT(t)

	waiter := skyvern.NewWaiter(client, skyvern.WithFallbackPolling(20*time.Millisecond, 50*time.Millisecond))
	receiver := httptest.NewServer(webhooks.Handler(srv.APIKey, func(_ context.Context, run *skyvern.RunResponse) error {
		waiter.Deliver(run)
		return nil
	}, webhooks.WithLogger(nil)))
	t.Cleanup(receiver.Close)
	lost := newHook(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	})

	ids := make([]string, runs)
	for i := range runs {
		url := receiver.URL
		if i == runs-1 {
			url = lost.URL // every attempt fails: the webhook never arrives
		}
		run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "order " + strconv.Itoa(i), WebhookURL: url})
		require.NoError(t, err)
		ids[i] = run.RunID
	}

	results := make([]*skyvern.RunResponse, runs)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run, err := waiter.Wait(ctx, id)
			if assert.NoError(t, err, id) {
				results[i] = run
			}
		}()
	}
	require.Eventually(t, func() bool { return waiter.Pending() == runs }, 10*time.Second, time.Millisecond)

	srv.Advance(skyverntest.DefaultRunDuration) // every run finishes; the webhooks go out
	srv.Advance(time.Minute)                    // the lost webhook's retries run out
	wg.Wait()

	for i, run := range results {
		require.NotNil(t, run, ids[i])
		assert.Equal(t, ids[i], run.RunID)
		if i%10 == 0 {
			assert.Equal(t, skyvern.RunStatusFailed, run.Status, ids[i])
			assert.Equal(t, "out of stock", run.FailureReason)
		} else {
			assert.Equal(t, skyvern.RunStatusCompleted, run.Status, ids[i])
			assert.JSONEq(t, `{"prompt":"order `+strconv.Itoa(i)+`"}`, string(run.Output))
		}
	}
	assert.Equal(t, 0, waiter.Pending())

	// Every other run's webhook reached the receiver; the lost run's three
	// attempts all failed, so polling found its result.
	lostID := ids[runs-1]
	var attempts []int
	delivered := 0
	for _, d := range srv.Webhooks() {
		switch {
		case d.RunID == lostID:
			attempts = append(attempts, d.StatusCode)
		case d.StatusCode == http.StatusOK:
			delivered++
		}
	}
	assert.Equal(t, runs-1, delivered)
	assert.Equal(t, []int{500, 500, 500}, attempts)
	st, _ := srv.Run(lostID)
	assert.Contains(t, st.WebhookFailureReason, "Webhook failed with status code 500")
	assert.Positive(t, getRuns(srv, lostID))

	// A webhook that arrives before its Wait is kept: Wait answers at once,
	// without polling.
	early, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "early", WebhookURL: receiver.URL})
	require.NoError(t, err)
	srv.Advance(skyverntest.DefaultRunDuration) // delivered (and handed to the Waiter) before Advance returns
	run, err := waiter.Wait(ctx, early.RunID)
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
	assert.Zero(t, getRuns(srv, early.RunID))

	assert.Eventually(t, func() bool { return waiterGoroutines() == 0 }, 10*time.Second, time.Millisecond,
		"the Waiter's scheduler stops when nothing is pending")
}
