package skyvern_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// recorder is an Observer that writes down every event it receives.
type recorder struct {
	mu     sync.Mutex
	events []string
	calls  []skyvern.CallInfo
	ends   []skyvern.CallResult
	tries  []skyvern.AttemptInfo
	seen   []bool // each attempt's request carried the attempt's context
}

type ctxKey struct{}

func (r *recorder) StartCall(ctx context.Context, info skyvern.CallInfo) (context.Context, skyvern.CallObserver) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, info)
	r.events = append(r.events, "start "+info.Operation)
	return context.WithValue(ctx, ctxKey{}, "call"), r
}

func (r *recorder) StartAttempt(ctx context.Context, n int) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "attempt")
	r.seen = append(r.seen, ctx.Value(ctxKey{}) == "call")
	return ctx
}

func (r *recorder) EndAttempt(a skyvern.AttemptInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "attempt end")
	r.tries = append(r.tries, a)
}

func (r *recorder) EndCall(res skyvern.CallResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "end")
	r.ends = append(r.ends, res)
}

func TestObserverSeesCallAttemptsAndOutcome(t *testing.T) {
	srv := skyverntest.NewServer(t)
	rec := &recorder{}
	c := srv.Client(skyvern.WithObserver(rec), skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
	ctx := context.Background()
	run, err := c.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "find the price"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 503, RetryAfter: "0"})
	if _, err := c.GetRun(ctx, run.RunID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRun(ctx, "tsk_missing"); !errors.Is(err, skyvern.ErrNotFound) {
		t.Fatalf("GetRun(missing) = %v, want ErrNotFound", err)
	}

	if len(rec.calls) != 3 || rec.calls[0].Operation != "RunTask" || rec.calls[1].Operation != "GetRun" {
		t.Fatalf("calls = %+v", rec.calls)
	}
	if got := rec.calls[1]; got.Method != "GET" || got.RunID != run.RunID || got.URL != srv.URL+"/v1/runs/"+run.RunID {
		t.Errorf("GetRun info = %+v", got)
	}
	if r := rec.ends[0]; r.RunID != run.RunID || r.Err != nil || r.Attempts != 1 || r.StatusCode != 200 {
		t.Errorf("RunTask result = %+v, want its run id, 1 attempt, 200", r)
	}
	if r := rec.ends[1]; r.Attempts != 2 || r.Err != nil || r.StatusCode != 200 {
		t.Errorf("GetRun result = %+v, want 2 attempts", r)
	}
	if r := rec.ends[2]; r.Attempts != 1 || !errors.Is(r.Err, skyvern.ErrNotFound) || r.StatusCode != 404 {
		t.Errorf("missing GetRun result = %+v", r)
	}
	retried := rec.tries[1]
	if retried.StatusCode != 503 || !retried.Retry || retried.RetryReason != "status 503" {
		t.Errorf("faulted attempt = %+v", retried)
	}
	if rec.tries[2].Retry || rec.tries[2].StatusCode != 200 {
		t.Errorf("second attempt = %+v", rec.tries[2])
	}
	for i, ok := range rec.seen {
		if !ok {
			t.Errorf("attempt %d did not get the context StartCall returned", i)
		}
	}
	want := []string{"start RunTask", "attempt", "attempt end", "end",
		"start GetRun", "attempt", "attempt end", "attempt", "attempt end", "end",
		"start GetRun", "attempt", "attempt end", "end"}
	if len(rec.events) != len(want) {
		t.Fatalf("events = %q, want %q", rec.events, want)
	}
	for i := range want {
		if rec.events[i] != want[i] {
			t.Fatalf("events = %q, want %q", rec.events, want)
		}
	}
}

// TestObserverPerCallAndPages checks the operation of a page of a list and
// that a per-call WithObserver applies to that call only.
func TestObserverPerCallAndPages(t *testing.T) {
	srv := skyverntest.NewServer(t)
	c := srv.Client()
	rec := &recorder{}
	if _, err := c.ListRunsPage(context.Background(), skyvern.ListRunsParams{}, skyvern.WithObserver(rec)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListRunsPage(context.Background(), skyvern.ListRunsParams{}); err != nil {
		t.Fatal(err)
	}
	if len(rec.calls) != 1 || rec.calls[0].Operation != "ListRunsPage" {
		t.Fatalf("calls = %+v", rec.calls)
	}
}

// TestObserverOperationsAreTheTables checks that CallInfo names each call
// by the Client method that sends it, from the endpoint table, whatever
// method the caller used, and that RunID is set only for a path naming a
// run.
func TestObserverOperationsAreTheTables(t *testing.T) {
	srv := skyverntest.NewServer(t)
	rec := &recorder{}
	c := srv.Client(skyvern.WithObserver(rec))
	ctx := context.Background()
	for _, err := range c.ListRuns(ctx, skyvern.ListRunsParams{}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	err := c.UseBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{}, func(context.Context, *skyvern.BrowserSession) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.BulkCancelRuns(ctx, []string{"tsk_1"}); err != nil {
		t.Fatal(err)
	}
	c.GetRunTags(ctx, "wr_7") // unknown: 404, still observed
	var got []string
	for _, info := range rec.calls {
		got = append(got, info.Operation+" "+info.RunID)
	}
	want := []string{"ListRunsPage ", "CreateBrowserSession ", "CloseBrowserSession ", "BulkCancelRuns ", "GetRunTags wr_7"}
	if !slices.Equal(got, want) {
		t.Errorf("operations and run ids = %q, want %q", got, want)
	}
}

// attemptMarker is an Observer whose StartAttempt puts the attempt's
// number in the context it returns.
type attemptMarker struct{}

type attemptKey struct{}

func (attemptMarker) StartCall(ctx context.Context, _ skyvern.CallInfo) (context.Context, skyvern.CallObserver) {
	return ctx, attemptMarker{}
}
func (attemptMarker) StartAttempt(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, attemptKey{}, n)
}
func (attemptMarker) EndAttempt(skyvern.AttemptInfo) {}
func (attemptMarker) EndCall(skyvern.CallResult)     {}

// markSpy answers from memory, writing down the attempt number each
// request's context carries (0 for none).
type markSpy struct{ seen []int }

func (s *markSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	n, _ := r.Context().Value(attemptKey{}).(int)
	s.seen = append(s.seen, n)
	return memTransport{}.RoundTrip(r)
}

// TestObserverAttemptContextReachesTransport checks that each attempt's
// request carries the context StartAttempt returned, with the per-attempt
// timeout (whose request copy carries it), without one, and for a
// streamed download (whose timeout ends with the headers), and that the
// call's context still reaches the transport without an observer.
func TestObserverAttemptContextReachesTransport(t *testing.T) {
	for _, tc := range []struct {
		name     string
		opts     []skyvern.Option
		download bool
		want     int
	}{
		{"timeout", nil, false, 1},
		{"no timeout", []skyvern.Option{skyvern.WithTimeout(0)}, false, 1},
		{"download", nil, true, 1},
		{"download without timeout", []skyvern.Option{skyvern.WithTimeout(0)}, true, 1},
		{"unobserved", []skyvern.Option{skyvern.WithObserver(nil)}, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spy := &markSpy{}
			opts := append([]skyvern.Option{skyvern.WithAPIKey(testKey), skyvern.WithBaseURL("http://127.0.0.1:1"),
				skyvern.WithHTTPClient(&http.Client{Transport: spy}), skyvern.WithObserver(attemptMarker{})}, tc.opts...)
			c, err := skyvern.NewClient(opts...)
			if err != nil {
				t.Fatal(err)
			}
			if tc.download {
				a, err := c.GetArtifactContent(context.Background(), "a_1", skyvern.GetArtifactContentParams{})
				if err != nil {
					t.Fatal(err)
				}
				a.Close()
			} else if _, err := c.GetRun(context.Background(), "tsk_v2_490001234567890123"); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(spy.seen, []int{tc.want}) {
				t.Fatalf("attempt numbers seen by the transport = %v, want [%d]", spy.seen, tc.want)
			}
		})
	}
}
