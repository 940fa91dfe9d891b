package skyvern_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func terminal(id string, s skyvern.RunStatus) *skyvern.RunResponse {
	return &skyvern.RunResponse{RunID: id, Status: s, RunType: skyvern.RunTypeTaskV1}
}

// noFallback keeps the fallback poll far away, so only Deliver can end a wait.
var noFallback = skyvern.WithFallbackPolling(time.Hour, time.Hour)

func TestWaiterTakesTheWebhook(t *testing.T) {
	f := setup(t)
	w := skyvern.NewWaiter(f.client, noFallback)

	done := make(chan *skyvern.RunResponse)
	go func() {
		run, err := w.Wait(context.Background(), "tsk_1")
		assert.NoError(t, err)
		done <- run
	}()
	require.Eventually(t, func() bool { return w.Pending() == 1 }, 5*time.Second, time.Millisecond)
	w.Deliver(terminal("tsk_1", skyvern.RunStatusFailed))
	run := <-done
	assert.Equal(t, skyvern.RunStatusFailed, run.Status, "a failed run is a result")
	assert.Equal(t, 0, w.Pending())
	assert.Empty(t, f.requests(), "no polling was needed")
}

func TestWaiterKeepsAWebhookThatCameFirst(t *testing.T) {
	f := setup(t)
	w := skyvern.NewWaiter(f.client, noFallback)
	w.Deliver(terminal("tsk_1", skyvern.RunStatusCompleted))
	w.Deliver(terminal("tsk_1", skyvern.RunStatusCompleted)) // Skyvern's retry: a duplicate

	run, err := w.Wait(context.Background(), "tsk_1")
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
	run, err = w.Wait(context.Background(), "tsk_1")
	require.NoError(t, err, "a second wait for the same run gets the same result")
	assert.Equal(t, "tsk_1", run.RunID)
	assert.Empty(t, f.requests())
}

func TestWaiterIgnoresWhatCannotEndAWait(t *testing.T) {
	f := setup(t)
	w := skyvern.NewWaiter(f.client, noFallback)
	w.Deliver(nil)
	w.Deliver(terminal("", skyvern.RunStatusCompleted))
	w.Deliver(terminal("tsk_1", skyvern.RunStatusRunning))

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := w.Wait(ctx, "tsk_1")
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a running run does not end the wait")
	assert.Equal(t, 0, w.Pending(), "an abandoned wait is forgotten")
	_, err = w.Wait(context.Background(), "")
	assert.ErrorIs(t, err, skyvern.ErrEmptyID)
}

func TestWaiterDuplicatesWakeOnce(t *testing.T) {
	f := setup(t)
	w := skyvern.NewWaiter(f.client, noFallback)
	const waiters = 5
	results := make(chan *skyvern.RunResponse, waiters*2)
	var wg sync.WaitGroup
	for range waiters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run, err := w.Wait(context.Background(), "wr_1")
			assert.NoError(t, err)
			results <- run
		}()
	}
	require.Eventually(t, func() bool { return w.Pending() == 1 }, 5*time.Second, time.Millisecond)
	var deliveries sync.WaitGroup
	for range 10 { // concurrent duplicate deliveries
		deliveries.Add(1)
		go func() { defer deliveries.Done(); w.Deliver(terminal("wr_1", skyvern.RunStatusCompleted)) }()
	}
	deliveries.Wait()
	wg.Wait()
	close(results)
	n := 0
	for run := range results {
		assert.Equal(t, "wr_1", run.RunID)
		n++
	}
	assert.Equal(t, waiters, n, "every Wait returned exactly once")
}

func TestWaiterFallsBackToPolling(t *testing.T) {
	f := setup(t)
	polls := runStates(f, "running", "running", "completed")
	w := skyvern.NewWaiter(f.client, skyvern.WithFallbackPolling(time.Millisecond, 4*time.Millisecond))

	run, err := w.Wait(context.Background(), "tsk_lost_webhook")
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
	assert.Equal(t, int32(3), polls.Load())
	assert.Equal(t, 0, w.Pending())

	t.Run("and a 404 ends the wait", func(t *testing.T) {
		f := setup(t)
		f.reply("GET /v1/runs/{id}", 404, `{"detail":"Run not found"}`)
		w := skyvern.NewWaiter(f.client, skyvern.WithFallbackPolling(time.Millisecond, time.Millisecond))
		_, err := w.Wait(context.Background(), "tsk_nope")
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
	})
}

func TestWaiterStopsItsGoroutineWhenIdle(t *testing.T) {
	f := setup(t)
	runStates(f, "running")
	w := skyvern.NewWaiter(f.client, skyvern.WithFallbackPolling(time.Millisecond, 2*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := w.Wait(ctx, fmt.Sprint("tsk_", i))
			assert.ErrorIs(t, err, context.Canceled)
		}()
	}
	require.Eventually(t, func() bool { return len(f.requests()) > 50 }, 5*time.Second, time.Millisecond, "fallback polls run")
	assert.Positive(t, waiterGoroutines())
	cancel()
	wg.Wait()
	assert.Equal(t, 0, w.Pending())
	require.Eventually(t, func() bool { return waiterGoroutines() == 0 }, 5*time.Second, time.Millisecond,
		"the scheduler and its polls exit once nothing is pending")
}

// waiterGoroutines counts the goroutines running the Waiter's code.
func waiterGoroutines() int {
	buf := make([]byte, 1<<20)
	for n := runtime.Stack(buf, true); ; n = runtime.Stack(buf, true) {
		if n < len(buf) { // the dump fits: none is missing
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return strings.Count(string(buf), "skyvern.(*Waiter).scheduler") + strings.Count(string(buf), "skyvern.(*Waiter).poll(")
}

// BenchmarkWaiter measures what pending waits cost: heap bytes per pending
// wait and goroutines the Waiter adds, with 10,000 waits outstanding, and
// the time to deliver a webhook to a pending wait.
func BenchmarkWaiter(b *testing.B) {
	c, err := skyvern.NewClient(skyvern.WithAPIKey("k"), skyvern.WithBaseURL("http://127.0.0.1:9"))
	require.NoError(b, err)
	const n = 10000
	b.Run("pending-10000", func(b *testing.B) {
		for b.Loop() {
			w := skyvern.NewWaiter(c, noFallback)
			ctx, cancel := context.WithCancel(context.Background())
			// The waiting goroutines are the caller's; count them apart.
			var started, finished sync.WaitGroup
			started.Add(n)
			finished.Add(n)
			baseG := runtime.NumGoroutine()
			for i := range n {
				go func() {
					defer finished.Done()
					started.Done()
					w.Wait(ctx, fmt.Sprint("tsk_", i))
				}()
			}
			started.Wait()
			for w.Pending() < n {
				runtime.Gosched()
			}
			runtime.GC()
			var withWaits runtime.MemStats
			runtime.ReadMemStats(&withWaits)
			waiterGoroutines := runtime.NumGoroutine() - baseG - n
			cancel()
			finished.Wait()
			runtime.GC()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(int64(withWaits.HeapAlloc)-int64(after.HeapAlloc))/n, "heap-B/wait")
			b.ReportMetric(float64(waiterGoroutines), "waiter-goroutines")
		}
	})
	b.Run("deliver", func(b *testing.B) {
		w := skyvern.NewWaiter(c, noFallback, skyvern.WithRecentResults(1000, time.Minute))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			id := fmt.Sprint("tsk_", i)
			i++
			done := make(chan struct{})
			go func() { w.Wait(context.Background(), id); close(done) }()
			for w.Pending() == 0 {
				runtime.Gosched()
			}
			w.Deliver(terminal(id, skyvern.RunStatusCompleted))
			<-done
		}
	})
}

func TestWaiterWithAnInvalidOptionFailsEveryWait(t *testing.T) {
	f := setup(t)
	w := skyvern.NewWaiter(f.client, skyvern.WithFallbackPolling(0, time.Second))
	_, err := w.Wait(context.Background(), "tsk_1")
	assert.ErrorContains(t, err, "WithFallbackPolling")
	w = skyvern.NewWaiter(f.client, skyvern.WithMaxConcurrentPolls(0))
	_, err = w.Wait(context.Background(), "tsk_1")
	assert.ErrorContains(t, err, "WithMaxConcurrentPolls")
	assert.Empty(t, f.requests())
}

func TestWaiterPollsWithItsOptions(t *testing.T) {
	f := setup(t)
	runStates(f, "completed")
	w := skyvern.NewWaiter(f.client, skyvern.WithFallbackPolling(time.Millisecond, time.Millisecond),
		skyvern.WithPollOptions(skyvern.WithHeader("X-Poller", "waiter")))
	_, err := w.Wait(context.Background(), "tsk_1")
	require.NoError(t, err)
	assert.Equal(t, "waiter", f.only().Header.Get("X-Poller"))
}

func TestWaiterBoundsItsRecentResults(t *testing.T) {
	f := setup(t)
	w := skyvern.NewWaiter(f.client, noFallback, skyvern.WithRecentResults(3, time.Hour))
	for i := range 5 {
		w.Deliver(terminal(fmt.Sprint("tsk_", i), skyvern.RunStatusCompleted))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := w.Wait(ctx, "tsk_0")
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the oldest result was dropped")
	run, err := w.Wait(context.Background(), "tsk_4")
	require.NoError(t, err)
	assert.Equal(t, "tsk_4", run.RunID)

	t.Run("by size too", func(t *testing.T) {
		w := skyvern.NewWaiter(f.client, noFallback)
		big := json.RawMessage(`"` + strings.Repeat("x", 30<<20) + `"`)
		for i := range 3 { // about 90 MiB of outputs
			run := terminal(fmt.Sprint("tsk_big_", i), skyvern.RunStatusCompleted)
			run.Output = big
			w.Deliver(run)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		_, err := w.Wait(ctx, "tsk_big_0")
		assert.ErrorIs(t, err, context.DeadlineExceeded, "the oldest result was dropped to stay within the memory bound")
		_, err = w.Wait(context.Background(), "tsk_big_2")
		assert.NoError(t, err)
	})
}

func TestWaiterOptionsAreNotCallOptions(t *testing.T) {
	// GetRun(ctx, id, skyvern.WithFallbackPolling(...)) must not compile:
	// a Waiter's options are of a type a call does not take.
	callOption := reflect.TypeFor[skyvern.Option]()
	for name, fn := range map[string]any{
		"WithFallbackPolling":    skyvern.WithFallbackPolling,
		"WithMaxConcurrentPolls": skyvern.WithMaxConcurrentPolls,
		"WithRecentResults":      skyvern.WithRecentResults,
		"WithPollOptions":        skyvern.WithPollOptions,
	} {
		out := reflect.TypeOf(fn).Out(0)
		assert.False(t, out.AssignableTo(callOption), "%s returns %v, which a call would accept", name, out)
	}
}

func TestWaiterTimeoutSaysWhatThePollsSaw(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var polls atomic.Int32
	f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
		// The second poll is scheduled only after the first one's answer
		// was recorded: end the wait then.
		if polls.Add(1) == 2 {
			cancel()
		}
		status(200, strings.Replace(runJSON, `"queued"`, `"running"`, 1))(w, r)
	})
	w := skyvern.NewWaiter(f.client, skyvern.WithFallbackPolling(time.Millisecond, time.Millisecond))
	_, err := w.Wait(ctx, "tsk_123")
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), `last status "running"`)
	assert.Regexp(t, `after \d+ polls`, err.Error())

	t.Run("and the last poll's error when it failed", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxRetries(0))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var polls atomic.Int32
		f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
			if polls.Add(1) == 2 {
				cancel()
			}
			status(503, `{"detail":"busy"}`)(w, r)
		})
		w := skyvern.NewWaiter(f.client, skyvern.WithFallbackPolling(time.Millisecond, time.Millisecond))
		_, err := w.Wait(ctx, "tsk_123")
		require.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, skyvern.ErrServer, "the last poll's error is kept")
		assert.Contains(t, err.Error(), "last poll: ")
	})
}

// BenchmarkWaiterFallbackPolling measures what a Waiter's fallback polling
// asks of Skyvern when many runs are pending and their webhooks never
// come: requests per pending run per poll interval, on the real clock,
// against skyverntest with runs held running. Each iteration is one poll
// interval (WithFallbackPolling(interval, interval): one poll every 0.5 to
// 1 interval, as in issue 12). The baseline beside it does what a caller
// without the SDK does: one plain net/http GET /v1/runs/{id} per run per
// interval.
func BenchmarkWaiterFallbackPolling(b *testing.B) {
	const interval = time.Second
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("waiter-%d", n), func(b *testing.B) {
			srv, ids := heldRuns(b, n)
			w := skyvern.NewWaiter(srv.Client(), skyvern.WithFallbackPolling(interval, interval))
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for _, id := range ids {
				wg.Add(1)
				go func() { defer wg.Done(); w.Wait(ctx, id) }()
			}
			for w.Pending() < n {
				time.Sleep(time.Millisecond)
			}
			time.Sleep(interval) // past the first polls, into the steady state
			start := len(srv.Requests())
			b.ResetTimer()
			for b.Loop() {
				time.Sleep(interval)
			}
			b.StopTimer()
			reqs := len(srv.Requests()) - start
			b.ReportMetric(float64(reqs)/float64(b.N)/float64(n), "req/run/interval")
			cancel()
			wg.Wait()
		})
		b.Run(fmt.Sprintf("plain-get-%d", n), func(b *testing.B) {
			srv, ids := heldRuns(b, n)
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
			start := len(srv.Requests())
			b.ResetTimer()
			for b.Loop() {
				sem := make(chan struct{}, 8)
				for _, id := range ids {
					sem <- struct{}{}
					go func() {
						defer func() { <-sem }()
						req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/runs/"+id, nil)
						req.Header.Set("x-api-key", srv.APIKey)
						resp, err := hc.Do(req)
						if err == nil {
							var run skyvern.RunResponse
							json.NewDecoder(resp.Body).Decode(&run)
							resp.Body.Close()
						}
					}()
				}
				for range cap(sem) {
					sem <- struct{}{}
				}
			}
			b.StopTimer()
			reqs := len(srv.Requests()) - start
			b.ReportMetric(float64(reqs)/float64(b.N)/float64(n), "req/run/interval")
		})
	}
}

// heldRuns starts a fake Skyvern on the manual clock with n task runs that
// stay running until the test ends, and returns it with their ids, oldest
// first.
func heldRuns(tb testing.TB, n int, opts ...skyverntest.Option) (*skyverntest.Server, []string) {
	tb.Helper()
	opts = append([]skyverntest.Option{skyverntest.WithManualClock(),
		skyverntest.WithDefaultOutcome(skyverntest.Outcome{Hold: true})}, opts...)
	srv := skyverntest.NewServer(tb, opts...)
	c := srv.Client()
	ids := make([]string, n)
	for i := range ids {
		run, err := c.RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "hold"})
		require.NoError(tb, err)
		ids[i] = run.RunID
	}
	srv.Advance(skyverntest.DefaultRunDuration) // every run is running now
	return srv, ids
}
