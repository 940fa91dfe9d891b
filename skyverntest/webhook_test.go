package skyverntest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

// runResponseKeys are the Run Response members every payload ends with.
var runResponseKeys = []string{"run_id", "output", "recording_archived", "screenshot_urls",
	"app_url", "browser_session_id", "browser_profile_id", "script_run", "step_count", "run_type"}

func TestTaskWebhookIsSignedAndShapedAsSkyvernSendsIt(t *testing.T) {
	hook := newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnPrompt("p", skyverntest.Outcome{Output: map[string]any{
		"price": 3.0, "note": "<b>&</b> café 💶", "big": 1e20,
	}})
	run, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL, MaxSteps: skyvern.Ptr(5)})
	require.NoError(t, err)
	srv.Advance(time.Second)

	got := hook.deliveries()
	require.Len(t, got, 1)
	d := got[0]
	verify(t, d, srv.APIKey)
	assert.Regexp(t, `^[0-9a-f]{64}$`, d.Header.Get("X-Skyvern-Signature"))
	assert.Equal(t, strconv.FormatInt(srv.Now().Unix(), 10), d.Header.Get("X-Skyvern-Timestamp"))
	assert.Equal(t, "application/json", d.Header.Get("Content-Type"))

	// Skyvern's bytes: compact, raw UTF-8 and <>&, whole floats as integers.
	assert.Contains(t, string(d.Body), `"extracted_information":{"big":100000000000000000000,"note":"<b>&</b> café 💶","price":3}`)
	assert.Equal(t, []string{"task_id", "status", "created_at", "modified_at", "extracted_information",
		"action_screenshot_urls", "screenshot_url", "recording_url", "browser_console_log_url",
		"downloaded_files", "downloaded_file_urls", "failure_reason", "failure_category",
		"webhook_failure_reason", "errors", "max_steps_per_run", "workflow_run_id", "queued_at",
		"started_at", "finished_at", "max_screenshot_scrolls"}, keys(t, d.Body)[:21])
	assert.Equal(t, runResponseKeys, keys(t, d.Body)[21:])
	m := members(t, d.Body)
	assert.Equal(t, `"`+run.RunID+`"`, string(m["task_id"]))
	assert.Equal(t, "5", string(m["max_steps_per_run"]))
	assert.Equal(t, "null", string(m["webhook_failure_reason"]))
	assert.NotContains(t, m, "run_request", "task webhooks leave run_request out")

	parsed, err := webhooks.Parse(d.Body, d.Header.Get("X-Skyvern-Signature"), srv.APIKey)
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunStatusCompleted, parsed.Status)
	assert.Contains(t, parsed.Extra, "task_id")

	// The record holds the same bytes and the receiver's answer.
	rec := srv.Webhooks()
	require.Len(t, rec, 1)
	assert.Equal(t, d.Body, rec[0].Body)
	assert.Equal(t, run.RunID, rec[0].RunID)
	assert.Equal(t, hook.URL, rec[0].URL)
	assert.Equal(t, 1, rec[0].Attempt)
	assert.Equal(t, http.StatusOK, rec[0].StatusCode)
	assert.Equal(t, "ok", string(rec[0].ResponseBody))
	assert.Equal(t, d.Header.Get("X-Skyvern-Signature"), rec[0].Header.Get("X-Skyvern-Signature"))
	st, _ := srv.Run(run.RunID)
	assert.Empty(t, st.WebhookFailureReason)
}

func TestTaskV2WebhookHasItsOwnLegacyMembers(t *testing.T) {
	hook := newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	run, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{
		Prompt: "p", Engine: skyvern.RunEngineSkyvernV2, WebhookURL: hook.URL,
	})
	require.NoError(t, err)
	srv.Advance(time.Second)
	require.Len(t, hook.deliveries(), 1)
	d := hook.deliveries()[0]
	verify(t, d, srv.APIKey)
	k := keys(t, d.Body)
	assert.Equal(t, []string{"task_id", "status", "organization_id", "workflow_run_id", "workflow_id",
		"workflow_permanent_id", "prompt", "url", "summary", "output", "totp_verification_url",
		"totp_identifier", "proxy_location", "webhook_callback_url", "extracted_information_schema",
		"error_code_mapping", "created_at", "modified_at", "queued_at", "started_at", "finished_at",
		"run_id", "downloaded_files", "recording_url", "recording_archived", "screenshot_urls",
		"failure_reason", "app_url", "browser_session_id", "browser_profile_id",
		"max_screenshot_scrolls", "script_run", "errors", "step_count", "run_type"}, k)
	m := members(t, d.Body)
	assert.Equal(t, `"`+run.RunID+`"`, string(m["task_id"]))
	assert.Regexp(t, `^"wr_\d+"$`, string(m["workflow_run_id"]))
	assert.Regexp(t, `^"wpid_\d+"$`, string(m["workflow_permanent_id"]))
	assert.Regexp(t, `^"o_\d+"$`, string(m["organization_id"]))
	assert.Equal(t, `"`+hook.URL+`"`, string(m["webhook_callback_url"]))
	assert.Equal(t, `"task_v2"`, string(m["run_type"]))
}

func TestWorkflowWebhookCarriesRunRequest(t *testing.T) {
	hook := newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnWorkflow("wpid_orders", skyverntest.Outcome{Output: map[string]any{"block_1_output": []int{1, 2}}})
	run, err := srv.Client().RunWorkflow(ctxT(t), skyvern.WorkflowRunRequest{
		WorkflowID: "wpid_orders", Title: "Orders", Parameters: map[string]any{"day": "monday"}, WebhookURL: hook.URL,
	})
	require.NoError(t, err)
	srv.Advance(time.Second)
	require.Len(t, hook.deliveries(), 1)
	d := hook.deliveries()[0]
	verify(t, d, srv.APIKey)
	k := keys(t, d.Body)
	assert.Equal(t, []string{"workflow_id", "workflow_run_id", "status", "failure_reason", "failure_category",
		"proxy_location", "webhook_callback_url", "webhook_failure_reason", "totp_verification_url",
		"totp_identifier", "extra_http_headers", "queued_at", "started_at", "finished_at", "created_at",
		"modified_at", "parameters", "screenshot_urls", "recording_url", "recording_urls",
		"recording_archived", "downloaded_files", "downloaded_file_urls", "outputs", "total_steps",
		"total_cost", "credits_used", "cached_credits_used", "task_v2", "workflow_title",
		"browser_session_id", "browser_profile_id", "browser_seed_source", "max_screenshot_scrolls",
		"browser_address", "run_with", "script_run", "script_id", "errors", "agent_id", "agent_run_id",
		"run_id", "output", "app_url", "step_count", "run_type", "ai_fallback", "run_request"}, k)
	m := members(t, d.Body)
	assert.Equal(t, `"wpid_orders"`, string(m["workflow_id"]))
	assert.Equal(t, `"`+run.RunID+`"`, string(m["agent_run_id"]))
	assert.Equal(t, `{"day":"monday"}`, string(m["parameters"]))
	assert.Equal(t, `null`, string(m["workflow_title"]), "the request's title is dropped; a registered workflow has none")
	assert.Equal(t, string(m["outputs"]), string(m["output"]))

	parsed, err := webhooks.Parse(d.Body, d.Header.Get("X-Skyvern-Signature"), srv.APIKey)
	require.NoError(t, err)
	req, err := parsed.WorkflowRequest()
	require.NoError(t, err)
	assert.Equal(t, "wpid_orders", req.WorkflowID)
}

func TestFailedDeliveriesAreRetriedAsSkyvernDoes(t *testing.T) {
	tests := []struct {
		name     string
		answers  []int
		attempts int
		reason   string
	}{
		{"503 twice, then 200", []int{503, 503}, 3, ""},
		{"429 then 200", []int{429}, 2, ""},
		{"403 then 200", []int{403}, 2, ""},
		{"408, 425 then 200", []int{408, 425}, 3, ""},
		{"500 three times", []int{500, 500, 500}, 3, "Webhook failed with status code 500, error message: answer Internal Server Error"},
		{"400 is not retried", []int{400}, 1, "Webhook failed with status code 400, error message: answer Bad Request"},
		{"401 is not retried", []int{401}, 1, "Webhook failed with status code 401, error message: answer Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hook := newHook(t, statusAnswers(tt.answers...))
			srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
			run, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
			require.NoError(t, err)
			srv.Advance(time.Minute)

			got := hook.deliveries()
			require.Len(t, got, tt.attempts)
			for _, d := range got {
				assert.Equal(t, got[0].Body, d.Body, "every attempt sends the same bytes")
				assert.Equal(t, got[0].Header.Get("X-Skyvern-Timestamp"), d.Header.Get("X-Skyvern-Timestamp"),
					"and the same headers")
			}
			rec := srv.Webhooks()
			require.Len(t, rec, tt.attempts)
			for i, r := range rec {
				assert.Equal(t, i+1, r.Attempt)
			}
			st, _ := srv.Run(run.RunID)
			assert.Equal(t, tt.reason, st.WebhookFailureReason)
		})
	}
}

func TestRetriesWaitTheBackoffOnTheServerClock(t *testing.T) {
	var srv *skyverntest.Server
	var at []time.Time // when each attempt arrived, on the server's clock
	hook := newHook(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		at = append(at, srv.Now()) // deliveries run inside Advance, one at a time
		if n < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	srv = skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithWebhookBackoff(10*time.Second))
	_, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
	require.NoError(t, err)
	srv.Advance(time.Second)
	assert.Len(t, at, 1)
	srv.Advance(10*time.Second - time.Nanosecond) // the first wait is 10s plus jitter below 10s
	assert.Len(t, at, 1)
	srv.Advance(time.Minute)
	require.Len(t, at, 3)
	first, second := at[1].Sub(at[0]), at[2].Sub(at[1])
	assert.True(t, first >= 10*time.Second && first < 20*time.Second, first)
	assert.True(t, second >= 20*time.Second && second < 30*time.Second, second) // then 20s plus jitter
}

func TestRetryAfterIsHonouredUpTo30Seconds(t *testing.T) {
	for _, tt := range []struct {
		retryAfter string
		wait       time.Duration
	}{
		{"7", 7 * time.Second},
		{"3600", 30 * time.Second},
	} {
		t.Run(tt.retryAfter, func(t *testing.T) {
			hook := newHook(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 1 {
					w.Header().Set("Retry-After", tt.retryAfter)
					w.WriteHeader(http.StatusTooManyRequests)
				}
			})
			srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
			_, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
			require.NoError(t, err)
			srv.Advance(time.Second)
			srv.Advance(tt.wait - time.Nanosecond)
			assert.Len(t, hook.deliveries(), 1)
			srv.Advance(time.Nanosecond)
			assert.Len(t, hook.deliveries(), 2)
		})
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	target := newHook(t, nil)
	hook := newHook(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL, http.StatusTemporaryRedirect)
	})
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	run, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
	require.NoError(t, err)
	srv.Advance(time.Minute)
	assert.Len(t, hook.deliveries(), 1)
	assert.Empty(t, target.deliveries())
	st, _ := srv.Run(run.RunID)
	assert.True(t, strings.HasPrefix(st.WebhookFailureReason, "Webhook failed with status code 307"))
}

func TestTimeoutsAndNetworkErrorsAreRetried(t *testing.T) {
	release := make(chan struct{})
	hook := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			select { // outlive the attempt's timeout
			case <-r.Context().Done():
			case <-release:
			}
		}
	})
	defer close(release)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithWebhookTimeout(50*time.Millisecond))
	run, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
	require.NoError(t, err)
	srv.Advance(time.Minute)
	rec := srv.Webhooks()
	require.Len(t, rec, 2)
	assert.Zero(t, rec[0].StatusCode)
	assert.Contains(t, rec[0].Err, "deadline exceeded")
	assert.Equal(t, http.StatusOK, rec[1].StatusCode)
	st, _ := srv.Run(run.RunID)
	assert.Empty(t, st.WebhookFailureReason)

	// A receiver that is not there: three attempts, then the reason.
	gone := newHook(t, nil)
	gone.Close()
	run, err = srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p", WebhookURL: gone.URL})
	require.NoError(t, err)
	srv.Advance(time.Minute)
	st, _ = srv.Run(run.RunID)
	assert.True(t, strings.HasPrefix(st.WebhookFailureReason,
		"Webhook delivery failed before receiving a response: ConnectError: "), st.WebhookFailureReason)
	assert.Len(t, srv.Webhooks(), 5)
}

func TestWebhookCopiesAreDuplicateDeliveries(t *testing.T) {
	hook := newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnPrompt("twice", skyverntest.Outcome{WebhookCopies: 2})
	_, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "twice", WebhookURL: hook.URL})
	require.NoError(t, err)
	srv.Advance(time.Second)
	got := hook.deliveries()
	require.Len(t, got, 2)
	assert.Equal(t, got[0].Body, got[1].Body)
	assert.Equal(t, got[0].Header, got[1].Header)

	// The webhooks package's Handler runs its function once for both.
	calls := 0
	h := webhooks.Handler(srv.APIKey, func(context.Context, *skyvern.RunResponse) error { calls++; return nil },
		webhooks.WithLogger(nil))
	handled := newHook(t, func(_ int, w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) })
	_, err = srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "twice", WebhookURL: handled.URL})
	require.NoError(t, err)
	srv.Advance(time.Second)
	assert.Len(t, handled.deliveries(), 2)
	assert.Equal(t, 1, calls)
}

func TestWebhookDelayDeliversOutOfOrder(t *testing.T) {
	hook := newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnPrompt("first", skyverntest.Outcome{WebhookDelay: 5 * time.Second})
	srv.OnPrompt("second", skyverntest.Outcome{Duration: 2 * time.Second})
	client := srv.Client()
	first, err := client.RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "first", WebhookURL: hook.URL})
	require.NoError(t, err)
	second, err := client.RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "second", WebhookURL: hook.URL})
	require.NoError(t, err)

	srv.Advance(time.Second)
	st, _ := srv.Run(first.RunID)
	assert.Equal(t, skyvern.RunStatusCompleted, st.Run.Status, "finished, but its webhook is held back")
	assert.Empty(t, hook.deliveries())
	srv.Advance(time.Minute)
	got := hook.deliveries()
	require.Len(t, got, 2)
	assert.Equal(t, `"`+second.RunID+`"`, string(members(t, got[0].Body)["run_id"]))
	assert.Equal(t, `"`+first.RunID+`"`, string(members(t, got[1].Body)["run_id"]))
}

func TestRunsWithoutAWebhookURLSendNothing(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	_, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	srv.Advance(time.Minute)
	assert.Empty(t, srv.Webhooks())
}

func TestRetryRunWebhookReplaysAndReports(t *testing.T) {
	hook := newHook(t, statusAnswers(500, 500, 500))
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnPrompt("p", skyverntest.Outcome{Output: "x"})
	client := srv.Client()
	ctx := ctxT(t)
	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
	require.NoError(t, err)

	_, err = client.RetryRunWebhook(ctx, run.RunID, skyvern.RetryRunWebhookRequest{})
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Equal(t, "Run "+run.RunID+" has not reached a terminal state (status=created).", apiErr.Detail)

	srv.Advance(time.Minute) // three failed attempts
	require.Len(t, hook.deliveries(), 3)

	rep, err := client.RetryRunWebhook(ctx, run.RunID, skyvern.RetryRunWebhookRequest{})
	require.NoError(t, err)
	require.Len(t, hook.deliveries(), 4)
	d := hook.deliveries()[3]
	verify(t, d, srv.APIKey)
	assert.True(t, rep.Delivered())
	assert.Equal(t, run.RunID, rep.RunID)
	assert.Equal(t, skyvern.RunTypeTaskV1, rep.RunType)
	assert.Equal(t, hook.URL, rep.DefaultWebhookURL)
	assert.Equal(t, hook.URL, rep.TargetWebhookURL)
	assert.Equal(t, string(d.Body), rep.Payload, "the report's payload is the signed body")
	assert.Equal(t, d.Header.Get("X-Skyvern-Signature"), rep.Headers["x-skyvern-signature"])
	assert.Equal(t, d.Header.Get("X-Skyvern-Timestamp"), rep.Headers["x-skyvern-timestamp"])
	assert.Equal(t, "application/json", rep.Headers["Content-Type"])
	assert.Equal(t, http.StatusOK, rep.StatusCode)
	assert.Equal(t, "ok", rep.ResponseBody)
	require.NotNil(t, rep.LatencyMS)
	assert.Empty(t, rep.Error)
	assert.Equal(t, `"Webhook failed with status code 500, error message: answer Internal Server Error"`,
		string(members(t, d.Body)["webhook_failure_reason"]), "a replay carries the earlier failure")

	recs := srv.Webhooks()
	assert.True(t, recs[len(recs)-1].Replay)

	// To another URL, which answers with an error and a long body.
	other := newHook(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, strings.Repeat("é", 3000))
	})
	rep, err = client.RetryRunWebhook(ctx, run.RunID, skyvern.RetryRunWebhookRequest{WebhookURL: other.URL})
	require.NoError(t, err, "a receiver's error is still a successful replay")
	assert.False(t, rep.Delivered())
	assert.Equal(t, other.URL, rep.TargetWebhookURL)
	assert.Equal(t, hook.URL, rep.DefaultWebhookURL)
	assert.Equal(t, http.StatusBadGateway, rep.StatusCode)
	assert.Equal(t, strings.Repeat("é", 2048)+"\n... (truncated)", rep.ResponseBody)
	assert.Len(t, other.deliveries(), 1, "a replay is a single attempt")

	// To a receiver that is not there.
	gone := newHook(t, nil)
	gone.Close()
	rep, err = client.RetryRunWebhook(ctx, run.RunID, skyvern.RetryRunWebhookRequest{WebhookURL: gone.URL})
	require.NoError(t, err)
	assert.Zero(t, rep.StatusCode)
	assert.True(t, strings.HasPrefix(rep.Error, "Could not reach URL: "), rep.Error)
}

func TestRetryRunWebhookRefusals(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	srv.Advance(time.Second)

	_, err = client.RetryRunWebhook(ctx, run.RunID, skyvern.RetryRunWebhookRequest{})
	assert.ErrorIs(t, err, skyvern.ErrBadRequest, "no URL to send to")
	_, err = client.RetryRunWebhook(ctx, run.RunID, skyvern.RetryRunWebhookRequest{WebhookURL: "ftp://example.com"})
	assert.ErrorIs(t, err, skyvern.ErrBadRequest)

	status, body, _ := do(t, "POST", srv.URL+"/v1/runs/"+run.RunID+"/retry_webhook", srv.APIKey, "null")
	assert.Equal(t, http.StatusBadRequest, status, string(body))
}

func TestReplayShapesFollowTheRunType(t *testing.T) {
	hook := newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnWorkflow("wpid_1", skyverntest.Outcome{})
	client := srv.Client()
	ctx := ctxT(t)
	v2, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Engine: skyvern.RunEngineSkyvernV2, WebhookURL: hook.URL})
	require.NoError(t, err)
	wr, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_1", WebhookURL: hook.URL})
	require.NoError(t, err)
	srv.Advance(time.Second)

	rep, err := client.RetryRunWebhook(ctx, v2.RunID, skyvern.RetryRunWebhookRequest{})
	require.NoError(t, err)
	k := keys(t, []byte(rep.Payload))
	assert.Equal(t, "run_id", k[0], "a task v2 replay sends only the Run Response")
	assert.NotContains(t, k, "task_id")

	rep, err = client.RetryRunWebhook(ctx, wr.RunID, skyvern.RetryRunWebhookRequest{})
	require.NoError(t, err)
	k = keys(t, []byte(rep.Payload))
	assert.Equal(t, "workflow_id", k[0])
	for _, dropped := range []string{"webhook_callback_url", "totp_verification_url", "totp_identifier", "extra_http_headers", "run_request"} {
		assert.NotContains(t, k, dropped)
	}
	var parsed skyvern.RunResponse
	require.NoError(t, json.Unmarshal([]byte(rep.Payload), &parsed))
	assert.Equal(t, skyvern.RunStatusCompleted, parsed.Status)
}

func TestWebhookDeliveryPrintsReadablyWithoutSecrets(t *testing.T) {
	hook := newHook(t, nil)
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnPrompt("p", skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "out of stock"})
	run, err := srv.Client().RunTask(ctxT(t), skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
	require.NoError(t, err)
	srv.Advance(time.Second)

	list := srv.Webhooks()
	require.Len(t, list, 1)
	d := list[0]
	want := "webhook of run " + run.RunID + " (failed) to " + hook.URL + ", attempt 1: 200"
	assert.Equal(t, want, d.String())
	assert.Equal(t, want, fmt.Sprintf("%v", d), "fmt's verbs use String")
	assert.Equal(t, want, fmt.Sprintf("%+v", d))
	assert.NotContains(t, fmt.Sprint(d), d.Header.Get("X-Skyvern-Signature"))
	assert.NotContains(t, fmt.Sprint(d), "out of stock", "no body")

	d = skyverntest.WebhookDelivery{RunID: "wr_1", URL: "http://user:hunter2@127.0.0.1:9/hook", Attempt: 3, Replay: true,
		Err: "connection refused", Header: http.Header{"X-Skyvern-Signature": {"abc123"}}}
	assert.Equal(t, "webhook replay of run wr_1 to http://user:xxxxx@127.0.0.1:9/hook, attempt 3: no answer: connection refused", d.String())
}
