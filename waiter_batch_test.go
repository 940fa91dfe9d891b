package skyvern_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// batch is a Waiter on a fake clock, waiting for runs of a fake Skyvern
// whose webhooks never come.
type batch struct {
	t       *testing.T
	srv     *skyverntest.Server
	w       *skyvern.Waiter
	clk     *skyvern.FakeClock
	results map[string]chan waitResult
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	log     *requestLog
}

// requestLog is a transport that notes the path of each request the
// Waiter makes: cheaper than the server's records with 10,000 runs.
type requestLog struct {
	next  http.RoundTripper
	mu    sync.Mutex
	paths []string
}

func (l *requestLog) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.paths = append(l.paths, r.URL.Path)
	l.mu.Unlock()
	return l.next.RoundTrip(r)
}

// take returns the paths noted since the last take.
func (l *requestLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.paths
	l.paths = nil
	return out
}

type waitResult struct {
	run *skyvern.RunResponse
	err error
}

// fallbackInterval is the steady poll interval of the batch tests.
const fallbackInterval = time.Second

// newBatch starts a Wait for each of ids on a Waiter that polls srv every
// fallbackInterval (after a first poll at half of it), and returns once all
// are pending. The Waiter's clock moves only with Tick.
func newBatch(t *testing.T, srv *skyverntest.Server, ids []string, transport ...http.RoundTripper) *batch {
	t.Helper()
	log := &requestLog{next: http.DefaultTransport}
	if len(transport) > 0 {
		log.next = transport[0]
	}
	c := srv.Client(skyvern.WithMaxRetries(0), skyvern.WithHTTPClient(&http.Client{Transport: log}))
	w := skyvern.NewWaiter(c, skyvern.WithFallbackPolling(fallbackInterval/2, fallbackInterval))
	b := &batch{t: t, srv: srv, w: w, clk: skyvern.UseFakeClock(w, srv.Now()), results: make(map[string]chan waitResult), log: log}
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	for _, id := range ids {
		ch := make(chan waitResult, 1)
		b.results[id] = ch
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			run, err := w.Wait(ctx, id)
			ch <- waitResult{run, err}
		}()
	}
	require.Eventually(t, func() bool { return w.Pending() == len(ids) }, 30*time.Second, time.Millisecond)
	t.Cleanup(b.stop)
	return b
}

// stop ends the waits and checks that the Waiter's goroutines exit.
func (b *batch) stop() {
	b.cancel()
	b.wg.Wait()
	require.Eventually(b.t, func() bool { return waiterGoroutines() == 0 }, 10*time.Second, time.Millisecond,
		"the scheduler and its polls exit once nothing is pending")
}

// sweep moves the clock to the next fallback poll and returns the paths
// of the requests it made.
func (b *batch) sweep() []string {
	b.clk.Tick()
	return b.log.take()
}

// getRuns returns, sorted, the ids of the runs reqs got with Get Run.
func getRuns(reqs []string) []string {
	var ids []string
	for _, r := range reqs {
		if id, ok := strings.CutPrefix(r, "/v1/runs/"); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// listPages counts the list pages among reqs.
func listPages(reqs []string) int {
	return len(slices.DeleteFunc(slices.Clone(reqs), func(r string) bool { return r != "/v1/runs" }))
}

// done returns the result of the wait for id, failing if it has not ended.
func (b *batch) done(id string) waitResult {
	b.t.Helper()
	select {
	case r := <-b.results[id]:
		return r
	case <-time.After(10 * time.Second):
		b.t.Fatalf("the wait for %s has not ended", id)
		return waitResult{}
	}
}

// stillWaiting checks that the waits for ids have not ended.
func (b *batch) stillWaiting(ids ...string) {
	b.t.Helper()
	for _, id := range ids {
		select {
		case r := <-b.results[id]:
			b.t.Fatalf("the wait for %s ended: %+v", id, r)
		default:
		}
	}
}

func TestWaiterPollsInBatches(t *testing.T) {
	for _, n := range []int{1000, 10000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			if n > 1000 && testing.Short() {
				t.Skip("10,000 runs in -short")
			}
			srv, ids := heldRuns(t, n, skyverntest.WithMaxRecords(0))
			baseG := runtime.NumGoroutine() // the test's Wait goroutines come on top
			b := newBatch(t, srv, ids)
			b.sweep() // the first poll
			start := b.clk.Now()
			var reqs []string
			turns := (n + skyvern.ListTrustPolls - 1) / skyvern.ListTrustPolls // Get Runs per sweep at most
			sweeps := max(2, 20000/n)                                          // enough intervals for the figure, few pages under -race
			for range sweeps {
				got := b.sweep()
				assert.LessOrEqual(t, len(getRuns(got)), turns, "the list's word is checked for a few runs a sweep")
				reqs = append(reqs, got...)
				// A sweep's poll goroutines have handed back their results
				// and are on their way out: between sweeps, only the
				// scheduler stays.
				assert.Eventually(t, func() bool { return waiterGoroutines() == 1 }, 10*time.Second, time.Millisecond,
					"one scheduler between sweeps, no poll goroutines")
				// Besides a few of the test's, the client's idle connections: two
				// goroutines each, one per Get Run made at once at most.
				assert.LessOrEqual(t, runtime.NumGoroutine()-baseG-n, 10+2*skyvern.DefaultMaxConcurrentPolls,
					"goroutines do not grow with the runs")
			}
			intervals := float64(b.clk.Now().Sub(start)) / float64(fallbackInterval)
			perRun := float64(len(reqs)) / intervals / float64(n)
			t.Logf("%d pending runs: %d requests (%d pages, %d Get Runs) in %d sweeps, %.2f intervals: %.4f requests per run per interval",
				n, len(reqs), listPages(reqs), len(getRuns(reqs)), sweeps, intervals, perRun)
			assert.LessOrEqual(t, perRun, 1.0/50, "at most one request per 50 pending runs per interval")
			assert.Positive(t, len(getRuns(reqs)), "the list's word that a task run goes on is checked now and then")

			finished := ids[n/2 : n/2+10]
			for _, id := range finished {
				require.NoError(t, srv.Finish(id, skyverntest.Outcome{Status: skyvern.RunStatusFailed}))
			}
			reqs = b.sweep()
			got := getRuns(reqs)
			for _, id := range finished {
				assert.Contains(t, got, id, "a Get Run for each finished run")
			}
			assert.LessOrEqual(t, len(got), len(finished)+turns, "and a few for runs the list shows going")
			for _, id := range finished {
				r := b.done(id)
				require.NoError(t, r.err)
				assert.Equal(t, skyvern.RunStatusFailed, r.run.Status)
				assert.Equal(t, id, r.run.RunID)
			}
			assert.Equal(t, n-10, b.w.Pending())

			// What the pending waits hold, polled and all: the heap they
			// free when they end.
			var with, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&with)
			b.stop()
			runtime.GC()
			runtime.ReadMemStats(&after)
			perWait := (float64(with.HeapAlloc) - float64(after.HeapAlloc)) / float64(n-10)
			t.Logf("heap per pending wait: %.0f B", perWait)
			assert.Less(t, perWait, 1024.0, "a pending wait holds under 1 KiB")
		})
	}
}

// finishAfterPage is a transport that finishes a run just after the first
// list page it serves, between the pages of one sweep.
type finishAfterPage struct {
	next  http.RoundTripper
	srv   *skyverntest.Server
	runID string
	armed atomic.Bool
}

func (f *finishAfterPage) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := f.next.RoundTrip(r)
	if err == nil && r.URL.Path == "/v1/runs" && f.armed.CompareAndSwap(true, false) {
		if err := f.srv.Finish(f.runID, skyverntest.Outcome{}); err != nil {
			panic(err)
		}
	}
	return resp, err
}

func TestWaiterBatchFindsARunThatFinishesBetweenPages(t *testing.T) {
	srv, ids := heldRuns(t, 30) // newest first: page 1 is ids[29..20], page 2 ids[19..10], page 3 ids[9..0]
	hook := &finishAfterPage{srv: srv, runID: ids[25]}
	hook.next = http.DefaultTransport
	b := newBatch(t, srv, ids, hook)
	skyvern.SetListPages(b.w, 10, 100)
	hook.armed.Store(true)

	// ids[25] finishes once page 1 is read: ids[19] moves up to page 1, and
	// page 2 does not show it.
	reqs := b.sweep()
	assert.Equal(t, 3, listPages(reqs), "three pages, the last one short")
	assert.Equal(t, []string{ids[19]}, getRuns(reqs), "the run the list missed costs one Get Run")
	b.stillWaiting(ids[19], ids[25])

	reqs = b.sweep()
	assert.Equal(t, []string{ids[25]}, getRuns(reqs), "the run that finished is no longer listed")
	r := b.done(ids[25])
	require.NoError(t, r.err)
	assert.Equal(t, skyvern.RunStatusCompleted, r.run.Status)
	b.stillWaiting(ids[19])
	assert.Equal(t, 29, b.w.Pending(), "a run missing from a page is never taken as finished")
}

func TestWaiterBatchGetsRunsOlderThanTheListReaches(t *testing.T) {
	srv, ids := heldRuns(t, 25)
	b := newBatch(t, srv, ids)
	skyvern.SetListPages(b.w, 10, 2) // the list reaches the newest 20 runs

	reqs := b.sweep()
	assert.Equal(t, 2, listPages(reqs))
	assert.Equal(t, ids[:5], getRuns(reqs), "the five oldest runs are beyond the list's reach")

	require.NoError(t, srv.Finish(ids[0], skyverntest.Outcome{Status: skyvern.RunStatusTimedOut}))
	reqs = b.sweep()
	assert.Equal(t, ids[:5], getRuns(reqs))
	r := b.done(ids[0])
	require.NoError(t, r.err)
	assert.Equal(t, skyvern.RunStatusTimedOut, r.run.Status)
	b.stillWaiting(ids[1:]...)
}

func TestWaiterBatchResolvesWorkflowRuns(t *testing.T) {
	srv, ids := heldRuns(t, 5)
	srv.OnWorkflow("wpid_hold", skyverntest.Outcome{Hold: true})
	c := srv.Client()
	var wrs []string
	for range 3 {
		run, err := c.RunWorkflow(context.Background(), skyvern.WorkflowRunRequest{WorkflowID: "wpid_hold"})
		require.NoError(t, err)
		wrs = append(wrs, run.RunID)
	}
	srv.Advance(skyverntest.DefaultRunDuration)
	b := newBatch(t, srv, append(ids, wrs...))

	reqs := b.sweep()
	assert.Equal(t, 1, listPages(reqs))
	assert.Empty(t, getRuns(reqs), "Get Runs lists workflow runs too")

	require.NoError(t, srv.Finish(wrs[1], skyverntest.Outcome{Output: map[string]any{"price": 3}}))
	reqs = b.sweep()
	assert.Equal(t, []string{wrs[1]}, getRuns(reqs))
	r := b.done(wrs[1])
	require.NoError(t, r.err)
	assert.Equal(t, skyvern.RunStatusCompleted, r.run.Status)
	assert.Equal(t, skyvern.RunTypeWorkflowRun, r.run.RunType)
	assert.JSONEq(t, `{"price":3}`, string(r.run.Output), "the full result, from Get Run")
}

func TestWaiterBatchBacksOffWhenTheListIsRateLimited(t *testing.T) {
	srv, ids := heldRuns(t, 10)
	b := newBatch(t, srv, ids)
	srv.Fault(skyverntest.RouteListRuns, skyverntest.Fault{StatusCode: 429, RetryAfter: "1"})

	first := b.clk.Tick()
	reqs := b.log.take()
	assert.Equal(t, 1, listPages(reqs))
	assert.Empty(t, getRuns(reqs), "a rate-limited list makes no Get Run in its place")
	b.stillWaiting(ids...)

	second := b.clk.Tick()
	assert.GreaterOrEqual(t, second.Sub(first), fallbackInterval*7/8, "the next poll waits for the doubled interval")
	reqs = b.log.take()
	assert.Equal(t, 1, listPages(reqs))
	assert.Empty(t, getRuns(reqs))
}

func TestWaiterBatchSaysTheListWasRateLimitedWhenAWaitEnds(t *testing.T) {
	srv, ids := heldRuns(t, 3)
	b := newBatch(t, srv, ids)
	srv.Fault(skyverntest.RouteListRuns, skyverntest.Fault{StatusCode: 429, Times: -1})
	b.sweep()
	b.cancel()
	r := b.done(ids[0])
	require.ErrorIs(t, r.err, context.Canceled)
	assert.ErrorIs(t, r.err, skyvern.ErrRateLimited, "the list's error is the last poll's")
}

func TestWaiterBatchFallsBackToGetRunWhenTheListIsRefused(t *testing.T) {
	srv, ids := heldRuns(t, 4)
	b := newBatch(t, srv, ids)
	srv.Fault(skyverntest.RouteListRuns, skyverntest.Fault{StatusCode: 404})

	reqs := b.sweep()
	assert.Equal(t, 1, listPages(reqs))
	assert.Equal(t, slices.Sorted(slices.Values(ids)), getRuns(reqs), "each run gets a Get Run instead")
	reqs = b.sweep()
	assert.Zero(t, listPages(reqs), "the list is not asked again")
	assert.Equal(t, slices.Sorted(slices.Values(ids)), getRuns(reqs))
}

// staleList is a transport that answers the run list as Skyvern's does
// when the copy of each task run's status the list reads (the task_runs
// row, which skyvern/forge/sdk/db/repositories/tasks.py
// sync_task_run_status updates fire-and-forget) was never updated past
// running: a finished task run is listed as running, and matches the
// status filter as such. Workflow runs keep their own status, which
// get_all_runs_v2 in workflow_runs.py reads live.
type staleList struct{ next http.RoundTripper }

func (s staleList) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet || r.URL.Path != "/v1/runs" {
		return s.next.RoundTrip(r)
	}
	// Every run of the test is listed as not finished: ask for all of them.
	r = r.Clone(r.Context())
	q := r.URL.Query()
	q.Del("status")
	r.URL.RawQuery = q.Encode()
	resp, err := s.next.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	defer resp.Body.Close()
	var items []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&items); err != nil {
		return nil, err
	}
	for i, raw := range items {
		var item struct {
			Type   skyvern.RunType   `json:"task_run_type"`
			Status skyvern.RunStatus `json:"status"`
		}
		if err := json.Unmarshal(raw, &item); err != nil {
			return nil, err
		}
		if !item.Type.IsWorkflow() && item.Status.IsTerminal() {
			items[i] = bytes.Replace(raw, []byte(`"status":"`+item.Status+`"`), []byte(`"status":"running"`), 1)
			if bytes.Equal(items[i], raw) {
				return nil, fmt.Errorf("staleList: no status to rewrite in %s", raw)
			}
		}
	}
	body, err := json.Marshal(items)
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

func TestWaiterEndsWaitsTheListShowsRunning(t *testing.T) {
	const n = 200 // more than ListTrustPolls: runs share turns
	srv, ids := heldRuns(t, n, skyverntest.WithMaxRecords(0))
	b := newBatch(t, srv, ids, staleList{http.DefaultTransport})
	turns := (n + skyvern.ListTrustPolls - 1) / skyvern.ListTrustPolls
	for range 3 { // into the steady state
		b.sweep()
	}
	for _, id := range ids {
		require.NoError(t, srv.Finish(id, skyverntest.Outcome{}))
	}
	finished := b.clk.Now()

	// No webhook comes, and the list never shows a run finished: every
	// wait still ends, each with the run's Get Run, within ListTrustPolls
	// polls of the run's end, each at most the longest interval apart.
	gets := 0
	for sweeps := 1; b.w.Pending() > 0; sweeps++ {
		require.LessOrEqual(t, sweeps, skyvern.ListTrustPolls, "every wait ends within ListTrustPolls polls")
		pending := b.w.Pending()
		reqs := b.sweep()
		if pending >= 3 {
			assert.Positive(t, listPages(reqs), "polled with the list")
		}
		got := getRuns(reqs)
		if listPages(reqs) == 2 { // the list reached every run: the Get Runs are the turns alone
			assert.LessOrEqual(t, len(got), turns, "the Get Runs are spread over the polls")
		}
		gets += len(got)
	}
	took := b.clk.Now().Sub(finished)
	t.Logf("%d runs ended in %v (%.0f intervals) of fake time after they finished, with %d Get Runs", n, took, float64(took)/float64(fallbackInterval), gets)
	assert.LessOrEqual(t, took, skyvern.ListTrustPolls*fallbackInterval, "the bound the Waiter's doc states")
	assert.Equal(t, n, gets, "one Get Run for each run")
	for _, id := range ids {
		r := b.done(id)
		require.NoError(t, r.err)
		assert.Equal(t, id, r.run.RunID)
		assert.Equal(t, skyvern.RunStatusCompleted, r.run.Status)
	}
}

func TestWaiterTakesTheListsWordForWorkflowRuns(t *testing.T) {
	// get_all_runs_v2 reads a workflow run's status live from its
	// workflow_runs row: that it goes on needs no Get Run to confirm.
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithMaxRecords(0))
	srv.OnWorkflow("wpid_hold", skyverntest.Outcome{Hold: true})
	c := srv.Client()
	var ids []string
	for range 3 {
		run, err := c.RunWorkflow(context.Background(), skyvern.WorkflowRunRequest{WorkflowID: "wpid_hold"})
		require.NoError(t, err)
		ids = append(ids, run.RunID)
	}
	srv.Advance(skyverntest.DefaultRunDuration)
	b := newBatch(t, srv, ids, staleList{http.DefaultTransport})
	var reqs []string
	for range skyvern.ListTrustPolls + 10 {
		reqs = append(reqs, b.sweep()...)
	}
	assert.Equal(t, skyvern.ListTrustPolls+10, listPages(reqs))
	assert.Empty(t, getRuns(reqs))

	require.NoError(t, srv.Finish(ids[1], skyverntest.Outcome{}))
	assert.Equal(t, []string{ids[1]}, getRuns(b.sweep()), "a finished workflow run leaves the list")
	r := b.done(ids[1])
	require.NoError(t, r.err)
	assert.Equal(t, skyvern.RunStatusCompleted, r.run.Status)
}
