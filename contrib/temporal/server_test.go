package temporal_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	skytemporal "github.com/skyvern-go/skyvern/contrib/temporal"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"
)

// One Temporal server serves every test of the package; each test has its
// own task queue, workflow ids, workers and Skyvern.
var (
	temporalOnce   sync.Once
	temporalServer *temporaltest.TestServer
)

func TestMain(m *testing.M) {
	code := m.Run()
	if temporalServer != nil {
		temporalServer.Stop()
	}
	os.Exit(code)
}

func temporalClient(t *testing.T) client.Client {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a Temporal server")
	}
	return sharedTemporal()
}

func sharedTemporal() client.Client {
	temporalOnce.Do(func() {
		temporalServer = temporaltest.NewServer(temporaltest.WithBaseClientOptions(client.Options{Logger: quiet}))
	})
	return temporalServer.GetDefaultClient()
}

// waitLimit bounds every wait on the Temporal server: generous, since the
// machine may be loaded, and never a condition of success.
const waitLimit = 2 * time.Minute

// runWorkflow is the workflow the tests run: one Skyvern run, with
// activity retries quick enough for a test.
func runWorkflow(ctx workflow.Context, req skytemporal.StartRequest, opts skytemporal.WaitOptions) (*skyvern.RunResponse, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 50 * time.Millisecond, MaximumInterval: 200 * time.Millisecond, MaximumAttempts: 5},
	})
	return skytemporal.Run(ctx, req, opts)
}

// rig is a Skyvern (the fake, on a manual clock), a Temporal server, a
// webhook receiver on its own http.Server, and workers made on demand.
type rig struct {
	t     *testing.T
	sky   *skyverntest.Server
	tc    client.Client
	queue string
	hook  *httptest.Server
	lose  atomic.Bool // the receiver answers 200 and delivers nothing
}

func newRig(t *testing.T, hookOpts ...webhooks.HandlerOption) *rig {
	r := &rig{
		t:     t,
		sky:   skyverntest.NewServer(t, skyverntest.WithManualClock()),
		tc:    temporalClient(t),
		queue: "q-" + strings.ReplaceAll(t.Name(), "/", "-"),
	}
	h := skytemporal.Handler(r.tc, r.sky.APIKey, append([]webhooks.HandlerOption{webhooks.WithLogger(slog.New(slog.DiscardHandler))}, hookOpts...)...)
	r.hook = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.lose.Load() {
			w.WriteHeader(http.StatusOK)
			return
		}
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(r.hook.Close)
	return r
}

// worker starts a worker of the rig's queue, stopped when the test ends
// if not before.
func (r *rig) worker(skyOpts ...skyvern.Option) worker.Worker {
	acts, err := skytemporal.NewActivities(r.sky.Client(skyOpts...), r.hook.URL+"/skyvern")
	require.NoError(r.t, err)
	w := worker.New(r.tc, r.queue, worker.Options{})
	acts.Register(w)
	w.RegisterWorkflow(runWorkflow)
	require.NoError(r.t, w.Start())
	var once sync.Once
	r.t.Cleanup(func() { once.Do(w.Stop) })
	return stopOnce{w, &once}
}

type stopOnce struct {
	worker.Worker
	once *sync.Once
}

func (s stopOnce) Stop() { s.once.Do(s.Worker.Stop) }

func (r *rig) start(req skytemporal.StartRequest, opts skytemporal.WaitOptions) client.WorkflowRun {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	we, err := r.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        fmt.Sprintf("%s-%d", r.queue, time.Now().UnixNano()),
		TaskQueue: r.queue,
	}, runWorkflow, req, opts)
	require.NoError(r.t, err)
	return we
}

// waiting waits until the workflow's history records the id of the run
// it started and the timer of its wait, so that no workflow task is in
// flight, and returns the id.
func (r *rig) waiting(we client.WorkflowRun) string {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	runID := ""
	it := r.tc.GetWorkflowHistory(ctx, we.GetID(), we.GetRunID(), true, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(r.t, err)
		if attrs := ev.GetActivityTaskCompletedEventAttributes(); attrs != nil && runID == "" {
			require.NoError(r.t, converter.GetDefaultDataConverter().FromPayloads(attrs.GetResult(), &runID))
		}
		if ev.GetEventType() == enumspb.EVENT_TYPE_TIMER_STARTED && runID != "" {
			return runID
		}
	}
	r.t.Fatal("the history ended before the workflow waited for its run")
	return ""
}

// signalsIn counts the signals in the workflow's history.
func (r *rig) signalsIn(we client.WorkflowRun) int {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	n := 0
	it := r.tc.GetWorkflowHistory(ctx, we.GetID(), we.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(r.t, err)
		if ev.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED {
			n++
		}
	}
	return n
}

func (r *rig) result(we client.WorkflowRun) *skyvern.RunResponse {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	var run skyvern.RunResponse
	require.NoError(r.t, we.Get(ctx, &run))
	return &run
}

var task = skytemporal.StartRequest{Task: &skyvern.TaskRunRequest{Prompt: "Find the price"}}

// noPoll keeps the fallback poll out of a test about webhooks.
var noPoll = skytemporal.WaitOptions{FirstPoll: time.Hour}

func TestRunEndsWithItsWebhook(t *testing.T) {
	r := newRig(t)
	r.sky.OnPrompt("Find the price", skyverntest.Outcome{Output: map[string]any{"price": "9.99"}})
	r.worker()
	we := r.start(task, noPoll)
	runID := r.waiting(we)

	r.sky.Advance(skyverntest.DefaultRunDuration) // the run completes and its webhook is delivered

	run := r.result(we)
	assert.Equal(t, runID, run.RunID)
	assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
	assert.JSONEq(t, `{"price":"9.99"}`, string(run.Output))
	assert.Zero(t, calls(r.sky, skyverntest.RouteGetRun), "the webhook answered: no poll")
	assert.Equal(t, []string{runID}, runsOf(t, r.sky))
}

func TestRunIsFoundByPollingWhenItsWebhookIsLost(t *testing.T) {
	for name, lose := range map[string]func(*rig){
		"the webhook is lost":  func(r *rig) { r.lose.Store(true) },
		"the receiver is down": func(r *rig) { r.hook.Close() },
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t)
			r.worker()
			we := r.start(task, skytemporal.WaitOptions{FirstPoll: 50 * time.Millisecond, MaxPollInterval: 200 * time.Millisecond})
			runID := r.waiting(we)
			lose(r)

			r.sky.Advance(skyverntest.DefaultRunDuration)
			require.NotEmpty(t, r.sky.Webhooks(), "Skyvern sent the webhook")

			run := r.result(we)
			assert.Equal(t, runID, run.RunID)
			assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
			assert.Positive(t, calls(r.sky, skyverntest.RouteGetRun))
			assert.Zero(t, r.signalsIn(we))
		})
	}
}

func TestDuplicateWebhooksChangeNothing(t *testing.T) {
	// Without the receiver's deduplication every copy becomes a signal.
	r := newRig(t, webhooks.WithDeduplicator(nil))
	r.sky.OnPrompt("Find the price", skyverntest.Outcome{Output: "first", WebhookCopies: 3})
	w := r.worker()
	we := r.start(task, noPoll)
	runID := r.waiting(we)
	w.Stop() // so that all copies are in the history before the workflow reads one

	r.sky.Advance(skyverntest.DefaultRunDuration)
	require.Len(t, r.sky.Webhooks(), 3)
	assert.Equal(t, 3, r.signalsIn(we))
	r.worker()

	run := r.result(we)
	assert.Equal(t, runID, run.RunID)
	assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
	assert.Equal(t, []string{runID}, runsOf(t, r.sky))
}

func TestAFailedRunIsAResult(t *testing.T) {
	r := newRig(t)
	r.sky.OnPrompt("Find the price", skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "the site is down"})
	r.worker()
	we := r.start(task, noPoll)
	r.waiting(we)

	r.sky.Advance(skyverntest.DefaultRunDuration)

	run := r.result(we)
	assert.Equal(t, skyvern.RunStatusFailed, run.Status)
	assert.Equal(t, "the site is down", run.FailureReason)
}

func TestAWorkflowRunWaitsLikeATask(t *testing.T) {
	r := newRig(t)
	r.sky.OnWorkflow("wpid_invoices", skyverntest.Outcome{Output: map[string]any{"invoices": 3}})
	r.worker()
	we := r.start(skytemporal.StartRequest{Workflow: &skyvern.WorkflowRunRequest{WorkflowID: "wpid_invoices"}}, noPoll)
	runID := r.waiting(we)
	assert.True(t, strings.HasPrefix(runID, "wr_"), runID)

	r.sky.Advance(skyverntest.DefaultRunDuration)

	run := r.result(we)
	assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
	assert.Equal(t, skyvern.RunTypeWorkflowRun, run.RunType)
}

func TestARestartedWorkerPicksUpTheRun(t *testing.T) {
	r := newRig(t)
	first := r.worker()
	we := r.start(task, noPoll)
	runID := r.waiting(we)
	first.Stop()

	// The webhook comes while no worker runs: Temporal keeps the signal.
	r.sky.Advance(skyverntest.DefaultRunDuration)
	require.Len(t, r.sky.Webhooks(), 1)
	assert.Equal(t, http.StatusOK, r.sky.Webhooks()[0].StatusCode)
	r.worker() // a new worker replays the history from the start

	run := r.result(we)
	assert.Equal(t, runID, run.RunID)
	assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
	assert.Equal(t, 1, calls(r.sky, skyverntest.RouteRunTask), "the replay does not start the run again")
	assert.Equal(t, []string{runID}, runsOf(t, r.sky))
}

func TestARetriedStartDoesNotStartASecondRun(t *testing.T) {
	for name, c := range map[string]struct {
		faults []struct {
			route string
			fault skyverntest.Fault
		}
		posts int // POSTs Skyvern gets; one run exists whatever happens
	}{
		// The run is started, its answer lost: the same attempt finds it.
		"the answer is lost": {faults: faults(skyverntest.RouteRunTask, skyverntest.Fault{Truncate: true}), posts: 1},
		// The run is started, its answer lost, and so is the search: the
		// next attempt finds it before starting anything.
		"the answer and the search are lost": {faults: append(faults(skyverntest.RouteRunTask, skyverntest.Fault{Truncate: true}),
			faults(skyverntest.RouteListRuns, skyverntest.Fault{StatusCode: http.StatusInternalServerError})...), posts: 1},
		// A 502 before Skyvern acted: the search finds nothing, the next
		// attempt looks again and starts the run.
		"the request did not get through": {faults: faults(skyverntest.RouteRunTask, skyverntest.Fault{StatusCode: http.StatusBadGateway}), posts: 2},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t)
			for _, f := range c.faults {
				r.sky.Fault(f.route, f.fault)
			}
			r.worker(skyvern.WithMaxRetries(0)) // let the activity, not the client, retry
			we := r.start(task, noPoll)
			runID := r.waiting(we)

			r.sky.Advance(skyverntest.DefaultRunDuration)

			run := r.result(we)
			assert.Equal(t, runID, run.RunID)
			assert.Equal(t, []string{runID}, runsOf(t, r.sky), "exactly one run")
			assert.Equal(t, c.posts, calls(r.sky, skyverntest.RouteRunTask))
		})
	}
}

func faults(route string, f skyverntest.Fault) []struct {
	route string
	fault skyverntest.Fault
} {
	return []struct {
		route string
		fault skyverntest.Fault
	}{{route, f}}
}

func TestCancellingTheWorkflowCancelsTheSkyvernRun(t *testing.T) {
	r := newRig(t)
	r.sky.OnPrompt("Find the price", skyverntest.Outcome{Hold: true})
	r.worker()
	we := r.start(task, noPoll)
	runID := r.waiting(we)

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	require.NoError(t, r.tc.CancelWorkflow(ctx, we.GetID(), we.GetRunID()))
	err := we.Get(ctx, nil)
	var canceled *temporal.CanceledError
	require.True(t, errors.As(err, &canceled), "got %v", err)

	state, ok := r.sky.Run(runID)
	require.True(t, ok)
	assert.Equal(t, skyvern.RunStatusCanceled, state.Run.Status, "the Skyvern run is cancelled before the workflow ends")
}
