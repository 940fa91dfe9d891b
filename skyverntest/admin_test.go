package skyverntest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

// These tests drive the server only over HTTP, as a test in another
// language does through the skyvern-fake command.

// adminCall sends a request with the given x-api-key ("" for none) and
// returns the status and body of the answer.
func adminCall(t *testing.T, method, url, key, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if key != "" {
		req.Header.Set("X-Api-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode != http.StatusNoContent {
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), "%s %s", method, url)
	}
	return resp.StatusCode, b
}

// adminDetail returns the detail of an error answer.
func adminDetail(t *testing.T, b []byte) string {
	t.Helper()
	var e struct{ Detail string }
	require.NoError(t, json.Unmarshal(b, &e), "%s", b)
	return e.Detail
}

// hookRecorder records the webhook bodies it gets.
type hookRecorder struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (rc *hookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.bodies = append(rc.bodies, b)
	rc.mu.Unlock()
}

func (rc *hookRecorder) got() [][]byte {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([][]byte(nil), rc.bodies...)
}

type adminWebhook struct {
	RunID      string      `json:"run_id"`
	URL        string      `json:"url"`
	Header     http.Header `json:"header"`
	Body       string      `json:"body"`
	Attempt    int         `json:"attempt"`
	Replay     bool        `json:"replay"`
	StatusCode int         `json:"status_code"`
	Error      string      `json:"error"`
}

type adminRun struct {
	Run struct {
		RunID         string `json:"run_id"`
		Status        string `json:"status"`
		FailureReason string `json:"failure_reason"`
		Output        json.RawMessage
	} `json:"run"`
	WebhookURL string `json:"webhook_url"`
	Held       bool   `json:"held"`
}

func adminStartRun(t *testing.T, srv *skyverntest.Server, body string) string {
	t.Helper()
	status, b := adminCall(t, "POST", srv.URL+"/v1/run/tasks", srv.APIKey, body)
	require.Equal(t, http.StatusOK, status, "%s", b)
	var run struct {
		RunID string `json:"run_id"`
	}
	require.NoError(t, json.Unmarshal(b, &run))
	return run.RunID
}

func TestAdminAdvancesARunToItsWebhook(t *testing.T) {
	rc := &hookRecorder{}
	hook := httptest.NewServer(rc)
	defer hook.Close()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAdminAPI())
	admin := srv.URL + skyverntest.AdminPrefix

	id := adminStartRun(t, srv, `{"prompt":"Find the price","webhook_url":"`+hook.URL+`"}`)

	status, b := adminCall(t, "GET", admin+"clock", srv.APIKey, "")
	require.Equal(t, http.StatusOK, status, "%s", b)
	var clock struct{ Now time.Time }
	require.NoError(t, json.Unmarshal(b, &clock))
	assert.True(t, clock.Now.Equal(srv.Now()))

	status, b = adminCall(t, "POST", admin+"clock/advance", srv.APIKey, `{"duration":"1s"}`)
	require.Equal(t, http.StatusOK, status, "%s", b)
	require.NoError(t, json.Unmarshal(b, &clock))
	assert.True(t, clock.Now.Equal(srv.Now()))
	require.Len(t, rc.got(), 1, "the webhook was delivered before advance answered")

	status, b = adminCall(t, "GET", admin+"runs/"+id, srv.APIKey, "")
	require.Equal(t, http.StatusOK, status, "%s", b)
	var run adminRun
	require.NoError(t, json.Unmarshal(b, &run))
	assert.Equal(t, id, run.Run.RunID)
	assert.Equal(t, "completed", run.Run.Status)
	assert.Equal(t, hook.URL, run.WebhookURL)

	status, b = adminCall(t, "GET", admin+"webhooks?run_id="+id, srv.APIKey, "")
	require.Equal(t, http.StatusOK, status, "%s", b)
	var hooks []adminWebhook
	require.NoError(t, json.Unmarshal(b, &hooks))
	require.Len(t, hooks, 1)
	d := hooks[0]
	assert.Equal(t, id, d.RunID)
	assert.Equal(t, hook.URL, d.URL)
	assert.Equal(t, 1, d.Attempt)
	assert.Equal(t, http.StatusOK, d.StatusCode)
	assert.Equal(t, string(rc.got()[0]), d.Body, "the body is the signed bytes")
	assert.NoError(t, webhooks.Verify([]byte(d.Body), d.Header.Get("X-Skyvern-Signature"), srv.APIKey))

	status, b = adminCall(t, "GET", admin+"webhooks?run_id=tsk_other", srv.APIKey, "")
	require.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `[]`, string(b))
}

func TestAdminFinishesAHeldRun(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAdminAPI(),
		skyverntest.WithDefaultOutcome(skyverntest.Outcome{Hold: true}))
	admin := srv.URL + skyverntest.AdminPrefix
	id := adminStartRun(t, srv, `{"prompt":"p"}`)
	status, _ := adminCall(t, "POST", admin+"clock/advance", srv.APIKey, `{"duration":"1h"}`)
	require.Equal(t, http.StatusOK, status)

	status, b := adminCall(t, "GET", admin+"runs", srv.APIKey, "")
	require.Equal(t, http.StatusOK, status)
	var runs []adminRun
	require.NoError(t, json.Unmarshal(b, &runs))
	require.Len(t, runs, 1)
	assert.True(t, runs[0].Held)
	assert.Equal(t, "running", runs[0].Run.Status)

	for body, want := range map[string]string{
		`{"status":"running"}`:      "not a final status",
		`{"status":"failed","x":1}`: `unknown field "x"`,
		`{"webhook_delay":5}`:       "a duration is a string",
		`{"output":`:                "invalid body",
	} {
		status, b = adminCall(t, "POST", admin+"runs/"+id+"/finish", srv.APIKey, body)
		assert.Equal(t, http.StatusUnprocessableEntity, status, body)
		assert.Contains(t, adminDetail(t, b), want, body)
	}

	status, b = adminCall(t, "POST", admin+"runs/"+id+"/finish", srv.APIKey,
		`{"status":"failed","failure_reason":"no price","output":{"tries":3}}`)
	require.Equal(t, http.StatusOK, status, "%s", b)
	var run adminRun
	require.NoError(t, json.Unmarshal(b, &run))
	assert.Equal(t, "failed", run.Run.Status)
	assert.Equal(t, "no price", run.Run.FailureReason)
	assert.False(t, run.Held)

	status, b = adminCall(t, "POST", admin+"runs/"+id+"/finish", srv.APIKey, "")
	assert.Equal(t, http.StatusConflict, status)
	assert.Contains(t, string(b), "already finished")
	status, _ = adminCall(t, "POST", admin+"runs/tsk_unknown/finish", srv.APIKey, "")
	assert.Equal(t, http.StatusNotFound, status)
	status, _ = adminCall(t, "GET", admin+"runs/tsk_unknown", srv.APIKey, "")
	assert.Equal(t, http.StatusNotFound, status)

	// Get Run shows what Finish stored.
	status, b = adminCall(t, "GET", srv.URL+"/v1/runs/"+id, srv.APIKey, "")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(b), `"output":{"tries":3}`)
}

func TestAdminSetsFaults(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithAdminAPI())
	admin := srv.URL + skyverntest.AdminPrefix

	status, b := adminCall(t, "POST", admin+"faults", srv.APIKey,
		`{"route":"`+skyverntest.RouteGetRun+`","status_code":503,"retry_after":"0","times":2}`)
	require.Equal(t, http.StatusNoContent, status, "%s", b)
	for range 2 {
		status, _ = adminCall(t, "GET", srv.URL+"/v1/runs/tsk_1", srv.APIKey, "")
		assert.Equal(t, http.StatusServiceUnavailable, status)
	}
	status, _ = adminCall(t, "GET", srv.URL+"/v1/runs/tsk_1", srv.APIKey, "")
	assert.Equal(t, http.StatusNotFound, status, "the fault is used up")

	for body, want := range map[string]string{
		`{"route":"GET /v1/nowhere","status_code":503}`:        "unknown route",
		`{"route":"GET /v1/runs/{run_id}","status_code":42}`:   "invalid status",
		`{"route":"GET /v1/runs/{run_id}","delay":"forever"}`:  "invalid duration",
		`{"route":"GET /v1/runs/{run_id}","status":503}`:       `unknown field "status"`,
		`{"route":"GET /v1/runs/{run_id}","status_code":503}x`: "more than one JSON value",
	} {
		status, b = adminCall(t, "POST", admin+"faults", srv.APIKey, body)
		assert.Equal(t, http.StatusUnprocessableEntity, status, body)
		assert.Contains(t, adminDetail(t, b), want, body)
	}
}

func TestAdminListsRequestsWithoutTheKey(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithAdminAPI())
	admin := srv.URL + skyverntest.AdminPrefix
	adminStartRun(t, srv, `{"prompt":"p"}`)
	adminCall(t, "GET", srv.URL+"/v1/runs?page=2", srv.APIKey, "")

	status, b := adminCall(t, "GET", admin+"requests", srv.APIKey, "")
	require.Equal(t, http.StatusOK, status)
	assert.NotContains(t, string(b), srv.APIKey)
	var reqs []struct {
		Method, Path, Route, Body string
		RawQuery                  string `json:"raw_query"`
		Header                    http.Header
	}
	require.NoError(t, json.Unmarshal(b, &reqs))
	require.Len(t, reqs, 2, "admin calls are not recorded")
	assert.Equal(t, "POST", reqs[0].Method)
	assert.Equal(t, skyverntest.RouteRunTask, reqs[0].Route)
	assert.Equal(t, `{"prompt":"p"}`, reqs[0].Body)
	assert.Equal(t, "[redacted]", reqs[0].Header.Get("X-Api-Key"))
	assert.Equal(t, "/v1/runs", reqs[1].Path)
	assert.Equal(t, "page=2", reqs[1].RawQuery)
}

func TestAdminNeedsTheKeyAndTheOption(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithAdminAPI())
	admin := srv.URL + skyverntest.AdminPrefix
	for _, key := range []string{"", "wrong"} {
		status, b := adminCall(t, "GET", admin+"clock", key, "")
		assert.Equal(t, http.StatusForbidden, status)
		assert.JSONEq(t, `{"detail":"Invalid credentials"}`, string(b))
	}
	status, b := adminCall(t, "GET", admin+"nowhere", srv.APIKey, "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, string(b), "no admin endpoint GET /_skyverntest/nowhere")

	status, b = adminCall(t, "POST", admin+"clock/advance", srv.APIKey, "")
	assert.Equal(t, http.StatusConflict, status, "the real clock cannot be advanced")
	assert.Contains(t, string(b), "clock is real")

	plain := skyverntest.NewServer(t)
	status, _ = adminCall(t, "GET", plain.URL+skyverntest.AdminPrefix+"clock", plain.APIKey, "")
	assert.Equal(t, http.StatusNotFound, status, "no admin API without WithAdminAPI")
}

// A test in another language drives the fake over HTTP alone: here a run
// is started through the API and finished by moving the manual clock
// through the admin API.
func ExampleWithAdminAPI() {
	srv, err := skyverntest.Start(skyverntest.WithManualClock(), skyverntest.WithAdminAPI())
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	call := func(method, path, body string) []byte {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("X-Api-Key", srv.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	var run struct {
		RunID  string `json:"run_id"`
		Status string `json:"status"`
	}
	json.Unmarshal(call("POST", "/v1/run/tasks", `{"prompt":"Find the price"}`), &run)
	fmt.Println(run.Status)
	call("POST", "/_skyverntest/clock/advance", `{"duration":"1s"}`)
	json.Unmarshal(call("GET", "/v1/runs/"+run.RunID, ""), &run)
	fmt.Println(run.Status)
	// Output:
	// created
	// completed
}

func TestAdminClearsFaultsAndRecordsStatuses(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithAdminAPI())
	admin := srv.URL + skyverntest.AdminPrefix
	for _, route := range []string{skyverntest.RouteGetRun, skyverntest.RouteListRuns} {
		status, b := adminCall(t, "POST", admin+"faults", srv.APIKey, `{"route":"`+route+`","status_code":503,"times":-1}`)
		require.Equal(t, http.StatusNoContent, status, "%s", b)
	}
	status, _ := adminCall(t, "GET", srv.URL+"/v1/runs/tsk_1", srv.APIKey, "")
	assert.Equal(t, http.StatusServiceUnavailable, status)

	status, _ = adminCall(t, "DELETE", admin+"faults?route="+url.QueryEscape(skyverntest.RouteGetRun), srv.APIKey, "")
	require.Equal(t, http.StatusNoContent, status)
	status, _ = adminCall(t, "GET", srv.URL+"/v1/runs/tsk_1", srv.APIKey, "")
	assert.Equal(t, http.StatusNotFound, status, "the route's fault is cleared")
	status, _ = adminCall(t, "GET", srv.URL+"/v1/runs", srv.APIKey, "")
	assert.Equal(t, http.StatusServiceUnavailable, status, "another route's is not")

	status, _ = adminCall(t, "DELETE", admin+"faults", srv.APIKey, "")
	require.Equal(t, http.StatusNoContent, status)
	status, _ = adminCall(t, "GET", srv.URL+"/v1/runs", srv.APIKey, "")
	assert.Equal(t, http.StatusOK, status, "every fault is cleared")

	status, b := adminCall(t, "DELETE", admin+"faults?route=GET+/v1/nowhere", srv.APIKey, "")
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, adminDetail(t, b), "unknown route")

	status, b = adminCall(t, "GET", admin+"requests", srv.APIKey, "")
	require.Equal(t, http.StatusOK, status)
	var reqs []struct {
		Route      string
		StatusCode int `json:"status_code"`
		Faulted    bool
	}
	require.NoError(t, json.Unmarshal(b, &reqs))
	require.Len(t, reqs, 4)
	assert.Equal(t, 503, reqs[0].StatusCode)
	assert.True(t, reqs[0].Faulted)
	assert.Equal(t, 404, reqs[1].StatusCode)
	assert.False(t, reqs[1].Faulted)
	assert.Equal(t, 200, reqs[3].StatusCode)
	assert.False(t, reqs[3].Faulted)
}
