package temporal_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	skytemporal "github.com/skyvern-go/skyvern/contrib/temporal"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
)

// lossyProxy forwards every request to srv, except that once Skyvern has
// answered the first POST to createPath (the run exists), it calls then
// and answers 502 instead of Skyvern's answer: the client cannot tell
// whether the run was started.
func lossyProxy(t *testing.T, srv *skyverntest.Server, createPath string, then func()) *httptest.Server {
	t.Helper()
	target, err := url.Parse(srv.URL)
	require.NoError(t, err)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ErrorLog = log.New(io.Discard, "", 0)
	var once sync.Once
	rp.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Method != http.MethodPost || resp.Request.URL.Path != createPath {
			return nil
		}
		lost := false
		once.Do(func() { lost = true })
		if !lost {
			return nil
		}
		resp.Body.Close()
		then()
		return errors.New("the answer is lost")
	}
	ps := httptest.NewServer(rp)
	t.Cleanup(ps.Close)
	return ps
}

// kind is a kind of run the module starts, with the way another client
// starts one that looks just like it.
type kind struct {
	name       string
	createPath string
	req        skytemporal.StartRequest
	lookAlike  func(ctx context.Context, c *skyvern.Client, hook string) error
}

var kinds = []kind{
	{
		name: "task", createPath: "/v1/run/tasks",
		req: skytemporal.StartRequest{Task: &skyvern.TaskRunRequest{Prompt: "Find the price", URL: "https://shop.example.com", Title: "Price"}},
		lookAlike: func(ctx context.Context, c *skyvern.Client, hook string) error {
			_, err := c.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Find the price", URL: "https://shop.example.com", Title: "Price", WebhookURL: hook})
			return err
		},
	},
	{
		name: "task v2", createPath: "/v1/run/tasks",
		req: skytemporal.StartRequest{Task: &skyvern.TaskRunRequest{Prompt: "Find the price", URL: "https://shop.example.com", Engine: skyvern.RunEngineSkyvernV2}},
		lookAlike: func(ctx context.Context, c *skyvern.Client, hook string) error {
			_, err := c.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Find the price", URL: "https://shop.example.com", Engine: skyvern.RunEngineSkyvernV2, WebhookURL: hook})
			return err
		},
	},
	{
		name: "workflow", createPath: "/v1/run/workflows",
		req: skytemporal.StartRequest{Workflow: &skyvern.WorkflowRunRequest{WorkflowID: "wpid_invoices", Parameters: map[string]any{"month": "May"}}},
		lookAlike: func(ctx context.Context, c *skyvern.Client, hook string) error {
			_, err := c.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_invoices", Parameters: map[string]any{"month": "May"}, WebhookURL: hook})
			return err
		},
	},
	{
		name: "login", createPath: "/v1/run/tasks/login",
		req: skytemporal.StartRequest{Login: &skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_1", URL: "https://shop.example.com/login"}},
		lookAlike: func(ctx context.Context, c *skyvern.Client, hook string) error {
			_, err := c.RunLogin(ctx, skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_1", URL: "https://shop.example.com/login", WebhookURL: hook})
			return err
		},
	},
	{
		name: "download", createPath: "/v1/run/tasks/download_files",
		req: skytemporal.StartRequest{Download: &skyvern.DownloadFilesRequest{NavigationGoal: "get the invoice", URL: "https://shop.example.com"}},
		lookAlike: func(ctx context.Context, c *skyvern.Client, hook string) error {
			_, err := c.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{NavigationGoal: "get the invoice", URL: "https://shop.example.com", WebhookURL: hook})
			return err
		},
	},
}

// otherHooks are the webhook URLs of n look-alike runs of other clients:
// other steps of this module (other workflows) with the receiver at
// module, another receiver (which refuses connections), and none.
func otherHooks(module string, n int) []string {
	hooks := make([]string, n)
	for i := range hooks {
		switch i % 3 {
		case 0:
			hooks[i] = fmt.Sprintf("%s?skyvern_step=stk%032x&temporal_run_id=r&temporal_workflow_id=other-%d", module, i, i)
		case 1:
			hooks[i] = fmt.Sprintf("http://127.0.0.1:1/hook/%d", i)
		}
	}
	return hooks
}

// testHook is the webhook URL of the activity tests' Activities; the
// fake, on its manual clock, sends no webhook in those tests.
const testHook = "https://hooks.example.com/skyvern"

// ours returns the runs srv holds whose webhook names the workflow
// workflowID (the activity environment's by default): those StartRun
// started for it.
func ours(srv *skyverntest.Server, workflowID ...string) []string {
	id := "default-test-workflow-id"
	if len(workflowID) > 0 {
		id = workflowID[0]
	}
	var ids []string
	for _, st := range srv.Runs() {
		if strings.Contains(st.WebhookURL, "temporal_workflow_id="+url.QueryEscape(id)+"&") || strings.HasSuffix(st.WebhookURL, "temporal_workflow_id="+url.QueryEscape(id)) {
			ids = append(ids, st.Run.RunID)
		}
	}
	return ids
}

// A start whose answer is lost finds the run it started, and only that
// one, among runs of other clients just like it (same request, other
// webhooks), started before and after it, for every kind of run; it reads
// no run created before the step.
func TestStartRunFindsItsRunAmongLookAlikes(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			srv := newFake(t)
			direct := srv.Client()
			ctx := context.Background()
			for _, h := range otherHooks(testHook, 3) { // before the step: older, never read
				require.NoError(t, k.lookAlike(ctx, direct, h))
			}
			const after = 7
			proxy := lossyProxy(t, srv, k.createPath, func() {
				for _, h := range otherHooks(testHook, after) {
					require.NoError(t, k.lookAlike(ctx, direct, h))
				}
				// A run of another kind, which the run_type filter leaves out.
				_, err := direct.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Find the price", Engine: skyvern.RunEngineSkyvernV3})
				require.NoError(t, err)
			})
			c := srv.Client(skyvern.WithBaseURL(proxy.URL), skyvern.WithMaxRetries(0))
			env := activityEnv(mustActivities(t, c, testHook))
			getsBefore := calls(srv, skyverntest.RouteGetRun)

			val, err := env.ExecuteActivity(skytemporal.ActivityStartRun, k.req)
			require.NoError(t, err)
			var runID string
			require.NoError(t, val.Get(&runID))

			assert.Equal(t, []string{runID}, ours(srv), "exactly one run of the step, and that is the one returned")
			assert.Len(t, srv.Runs(), 3+1+after+1)
			assert.Equal(t, 1, calls(srv, skyverntest.RouteListRuns))
			assert.Equal(t, after+1, calls(srv, skyverntest.RouteGetRun)-getsBefore, "the newer look-alikes, then the step's run")
		})
	}
}

// When more runs of the kind than MaxCandidates were started since the
// step, and the step's is not among the newest, StartRun gives up,
// retryably, after a bounded number of requests, and starts nothing.
func TestStartRunLooksAtMostAtMaxCandidates(t *testing.T) {
	k := kinds[2] // a workflow run
	srv := newFake(t)
	direct := srv.Client()
	ctx := context.Background()
	proxy := lossyProxy(t, srv, k.createPath, func() {
		for _, h := range otherHooks(testHook, skytemporal.MaxCandidates) {
			require.NoError(t, k.lookAlike(ctx, direct, h))
		}
	})
	c := srv.Client(skyvern.WithBaseURL(proxy.URL), skyvern.WithMaxRetries(0))
	env := activityEnv(mustActivities(t, c, testHook))
	before := len(srv.Requests())

	_, err := env.ExecuteActivity(skytemporal.ActivityStartRun, k.req)

	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.False(t, appErr.NonRetryable(), "the next attempt looks again")
	assert.Len(t, ours(srv), 1, "no second run")
	assert.Equal(t, 1, calls(srv, skyverntest.RouteListRuns))
	assert.Equal(t, skytemporal.MaxCandidates, calls(srv, skyverntest.RouteGetRun))
	// The start, the look-alikes, one list and a Get Run per candidate.
	assert.Equal(t, 1+skytemporal.MaxCandidates+1+skytemporal.MaxCandidates, len(srv.Requests())-before)
}

// Runs created before the step was scheduled (less the allowed clock skew)
// are not read: the look stops at the first of them.
func TestStartRunReadsNoRunOlderThanTheStep(t *testing.T) {
	var (
		mu    sync.Mutex
		paths []string
	)
	old := time.Now().Add(-skytemporal.MaxClockSkew - time.Minute).UTC().Format(time.RFC3339Nano)
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost: // not started: Skyvern is down
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(`{"detail":"Bad Gateway"}`))
		case r.URL.Path == "/v1/runs":
			_, _ = fmt.Fprintf(w, `[{"run_id":"tsk_1","task_run_type":"task_v1","created_at":%q},{"run_id":"tsk_2","task_run_type":"task_v1","created_at":%q}]`, old, old)
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(stub.Close)
	c, err := skyvern.NewClient(skyvern.WithAPIKey("k"), skyvern.WithBaseURL(stub.URL), skyvern.WithMaxRetries(0))
	require.NoError(t, err)
	env := activityEnv(mustActivities(t, c, testHook))

	_, err = env.ExecuteActivity(skytemporal.ActivityStartRun, skytemporal.StartRequest{Task: &skyvern.TaskRunRequest{Prompt: "p"}})

	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.False(t, appErr.NonRetryable())
	assert.Contains(t, err.Error(), "may have been acted on")
	assert.Equal(t, []string{"POST /v1/run/tasks?", "GET /v1/runs?page_size=100&run_type=task_v1"}, paths, "no Get Run")
}

// Through Temporal: the start's answer is lost and so is the first look,
// so the activity's next attempt finds the run, among look-alikes started
// after it, by the time Temporal first scheduled the step.
func TestARetriedStartFindsItsRunAmongLookAlikes(t *testing.T) {
	for _, k := range []kind{kinds[0], kinds[2]} {
		t.Run(k.name, func(t *testing.T) {
			r := newRig(t)
			r.sky.OnWorkflow("wpid_invoices", skyverntest.Outcome{})
			r.sky.Fault(skyverntest.RouteListRuns, skyverntest.Fault{StatusCode: http.StatusInternalServerError})
			direct := r.sky.Client()
			proxy := lossyProxy(t, r.sky, k.createPath, func() {
				for _, h := range otherHooks(r.hook.URL+"/skyvern", 5) {
					require.NoError(t, k.lookAlike(context.Background(), direct, h))
				}
			})
			r.worker(skyvern.WithBaseURL(proxy.URL), skyvern.WithMaxRetries(0))
			we := r.start(k.req, noPoll)
			runID := r.waiting(we)

			r.sky.Advance(skyverntest.DefaultRunDuration)

			run := r.result(we)
			assert.Equal(t, runID, run.RunID)
			assert.Equal(t, []string{runID}, ours(r.sky, we.GetID()), "exactly one run of the step")
			assert.Len(t, r.sky.Runs(), 6)
			assert.Equal(t, 2, calls(r.sky, skyverntest.RouteListRuns), "the lost look, then the next attempt's")
		})
	}
}

// newFake starts a fake Skyvern that knows any workflow and stores the
// credential cred_1, which the login runs name (Skyvern refuses a login
// with an unknown credential).
func newFake(t *testing.T) *skyverntest.Server {
	t.Helper()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	require.NoError(t, srv.AddCredential("cred_1", skyvern.CredentialRequest{Name: "shop",
		Credential: skyvern.PasswordCredential{Username: "u", Password: skyvern.NewSecret("p")}}))
	return srv
}
