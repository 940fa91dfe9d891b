package skyverntest_test

import (
	"context"
	"net/http"
	"runtime"
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

func TestManyClientsRunConcurrently(t *testing.T) {
	const clients, runsEach = 8, 25
	srv := skyverntest.NewServer(t, skyverntest.WithRunDuration(5*time.Millisecond),
		skyverntest.WithWebhookBackoff(time.Millisecond), skyverntest.WithAnyWorkflow())
	srv.OnRun(func(r skyverntest.RunRequest) skyverntest.Outcome {
		return skyverntest.Outcome{Output: map[string]string{"run": r.RunID}}
	})

	var mu sync.Mutex
	got := map[string]int{}
	all := make(chan struct{})
	receiver := webhooks.Handler(srv.APIKey, func(_ context.Context, run *skyvern.RunResponse) error {
		var out map[string]string
		if err := run.DecodeOutput(&out); err != nil || out["run"] != run.RunID {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		got[run.RunID]++
		if len(got) == clients*runsEach {
			close(all)
		}
		return nil
	}, webhooks.WithLogger(nil))
	// The first attempt of every 10th webhook fails with 503 and is
	// retried. Which attempts fail is decided per webhook (all attempts of
	// one carry the same signature), not by a count over all of them: with
	// that, under load the three attempts of one webhook could all land on
	// a failing count, and Skyvern (and the fake) rightly gives up after
	// three.
	var failMu sync.Mutex
	seen := map[string]bool{}
	hook := newHook(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		sig := r.Header.Get("X-Skyvern-Signature")
		failMu.Lock()
		first := !seen[sig]
		seen[sig] = true
		fail := first && len(seen)%10 == 0
		failMu.Unlock()
		if fail {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		receiver.ServeHTTP(w, r)
	})

	ctx := ctxT(t)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := srv.Client()
			for range runsEach {
				var run *skyvern.RunResponse
				var err error
				if c%2 == 0 {
					run, err = client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
				} else {
					run, err = client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_x", WebhookURL: hook.URL})
				}
				if !assert.NoError(t, err) {
					return
				}
				_, err = client.GetRun(ctx, run.RunID)
				assert.NoError(t, err)
				_ = srv.Requests()
				_ = srv.Webhooks()
				_, _ = srv.Run(run.RunID)
			}
		}()
	}
	wg.Wait()
	waitFor(t, all, "every webhook")
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, got, clients*runsEach)
	for id, n := range got {
		assert.Equal(t, 1, n, id)
	}
	assert.Len(t, srv.Runs(), clients*runsEach)
}

func TestManualClockWithConcurrentClients(t *testing.T) {
	hook := newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	ctx := ctxT(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := srv.Client()
			for range 20 {
				_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
				assert.NoError(t, err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 50 {
			srv.Advance(100 * time.Millisecond)
		}
	}()
	wg.Wait()
	srv.Advance(time.Second)
	assert.Len(t, hook.deliveries(), 80)
	for _, st := range srv.Runs() {
		assert.Equal(t, skyvern.RunStatusCompleted, st.Run.Status)
	}
}

// ourGoroutines lists the goroutines running code of the package.
func ourGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "github.com/skyvern-go/skyvern/skyverntest.") {
			out = append(out, g)
		}
	}
	return out
}

// noGoroutinesLeft waits for the package's goroutines to end, and fails
// the test, listing them, if some are still there at the test's deadline.
// Close waits for its timers' work, but a timer's goroutine still shows
// its function for a moment after that work is done (it is returning), so
// a single look right after Close can see it; it must then be gone soon.
func noGoroutinesLeft(t *testing.T) {
	t.Helper()
	deadline := testDeadline(t)
	for {
		left := ourGoroutines()
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left after Close:\n%s", strings.Join(left, "\n\n"))
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

func TestCloseStopsTimersAndDeliveriesInFlight(t *testing.T) {
	arrived := make(chan struct{}, 10)
	hook := newHook(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done() // hold the delivery until the sender gives up
	})
	srv, err := skyverntest.Start(skyverntest.WithRunDuration(time.Millisecond))
	require.NoError(t, err)
	srv.OnPrompt("held", skyverntest.Outcome{Hold: true})
	srv.OnPrompt("slow", skyverntest.Outcome{Duration: time.Hour})
	client := srv.Client()
	ctx := ctxT(t)
	for _, p := range []string{"p", "held", "slow"} {
		_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: p, WebhookURL: hook.URL})
		require.NoError(t, err)
	}
	waitFor(t, arrived, "the webhook")

	require.NotEmpty(t, ourGoroutines(), "a delivery is in flight")

	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	waitFor(t, done, "Close, stuck behind a delivery?")
	noGoroutinesLeft(t)
	srv.Close() // twice is harmless

	_, err = srv.Client(skyvern.WithMaxRetries(0)).GetRun(ctx, "tsk_1")
	assert.Error(t, err, "the server no longer answers")
}

func TestCloseWithTheManualClockDropsPendingWork(t *testing.T) {
	hook := newHook(t, nil)
	srv, err := skyverntest.Start(skyverntest.WithManualClock())
	require.NoError(t, err)
	_, err = srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
	require.NoError(t, err)
	srv.Close()
	srv.Advance(time.Hour)
	assert.Empty(t, hook.deliveries())
	noGoroutinesLeft(t)
}
