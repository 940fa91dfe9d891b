package skyvern_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

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
