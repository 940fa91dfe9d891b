package webhooks_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

func TestSignMatchesAnIndependentHMAC(t *testing.T) {
	// Computed with: printf '%s' BODY | openssl dgst -sha256 -hmac KEY -hex
	assert.Equal(t, "811f15ada21338a5c8b96c8b75829dab020d77b10a4a858c7f00b7f621830104",
		sign(`{"run_id":"tsk_1","status":"completed"}`, testKey))
	assert.Equal(t, "d85ba6be528bdf8cc265895f99ab876652dc643f8d2b20558897993c5494074a",
		sign(`{"task_id":"tsk_1"}`, testKey))
}

func TestVerifyVerdicts(t *testing.T) {
	const body = `{"run_id":"tsk_1","status":"completed","output":{"q":"<b>&"}}`
	good := sign(body, testKey)

	tests := []struct {
		name      string
		body      string
		signature string
		key       string
		want      error
	}{
		{"a genuine signature verifies", body, good, testKey, nil},
		{"a body changed by one byte is rejected", strings.Replace(body, "tsk_1", "tsk_2", 1), good, testKey, webhooks.ErrInvalidSignature},
		{"a body with one byte more is rejected", body + " ", good, testKey, webhooks.ErrInvalidSignature},
		{"a signature made with another key is rejected", body, sign(body, "sk-other"), testKey, webhooks.ErrInvalidSignature},
		{"an empty key verifies nothing", body, good, "", webhooks.ErrNoKey},
		{"an empty key does not verify a signature made with the empty key", body, sign(body, ""), "", webhooks.ErrNoKey},
		{"a missing signature is reported as missing", body, "", testKey, webhooks.ErrMissingSignature},
		{"an upper-case signature is rejected", body, strings.ToUpper(good), testKey, webhooks.ErrInvalidSignature},
		{"a truncated signature is rejected", body, good[:63], testKey, webhooks.ErrInvalidSignature},
		{"a signature one digit too long is rejected", body, good + "0", testKey, webhooks.ErrInvalidSignature},
		{"a signature prefixed with sha256= is rejected", body, "sha256=" + good, testKey, webhooks.ErrInvalidSignature},
		{"a signature prefixed with v0= is rejected", body, "v0=" + good, testKey, webhooks.ErrInvalidSignature},
		{"a signature with a non-ASCII character of the same length is rejected", body, good[:62] + "é", testKey, webhooks.ErrInvalidSignature},
		{"a signature with a non-ASCII character appended is rejected", body, good + "é", testKey, webhooks.ErrInvalidSignature},
		{"a signature surrounded by spaces is rejected", body, " " + good[1:63] + " ", testKey, webhooks.ErrInvalidSignature},
		{"a body re-serialised with spaces is rejected", `{"run_id": "tsk_1", "status": "completed", "output": {"q": "<b>&"}}`, good, testKey, webhooks.ErrInvalidSignature},
		{"a body re-serialised with Go's HTML escaping is rejected", `{"run_id":"tsk_1","status":"completed","output":{"q":"\u003cb\u003e\u0026"}}`, good, testKey, webhooks.ErrInvalidSignature},
		{"an empty body with the signature of another body is rejected", "", good, testKey, webhooks.ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(err error) {
				t.Helper()
				if tt.want == nil {
					assert.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, tt.want)
				// The message names none of the secrets or the input.
				for _, secret := range []string{good, tt.signature, tt.body, tt.key} {
					if secret != "" {
						assert.NotContains(t, err.Error(), secret)
					}
				}
			}
			check(webhooks.Verify([]byte(tt.body), tt.signature, tt.key))
			check(webhooks.NewVerifier(tt.key).Verify([]byte(tt.body), tt.signature))

			run, err := webhooks.Parse([]byte(tt.body), tt.signature, tt.key)
			check(err)
			if tt.want != nil {
				assert.Nil(t, run)
			}
		})
	}
}

func TestVerifierAcceptsEveryNonEmptyKey(t *testing.T) {
	const body = `{"run_id":"tsk_1","status":"completed"}`
	v := webhooks.NewVerifier("", "sk-old", "sk-new")

	assert.NoError(t, v.Verify([]byte(body), sign(body, "sk-old")), "old key")
	assert.NoError(t, v.Verify([]byte(body), sign(body, "sk-new")), "new key")
	assert.ErrorIs(t, v.Verify([]byte(body), sign(body, "sk-third")), webhooks.ErrInvalidSignature)
	assert.ErrorIs(t, v.Verify([]byte(body), sign(body, "")), webhooks.ErrInvalidSignature, "the ignored empty key")

	// The pooled HMAC state is reset between calls: verifying many times,
	// with failures in between, keeps giving the same answers.
	for range 3 {
		require.ErrorIs(t, v.Verify([]byte(body+"x"), sign(body, "sk-old")), webhooks.ErrInvalidSignature)
		require.NoError(t, v.Verify([]byte(body), sign(body, "sk-new")))
	}
}

func TestVerifierWithoutKeysRejectsEverything(t *testing.T) {
	const body = `{}`
	var zero webhooks.Verifier
	var nilVerifier *webhooks.Verifier
	for name, v := range map[string]*webhooks.Verifier{
		"no keys":         webhooks.NewVerifier(),
		"only empty keys": webhooks.NewVerifier("", ""),
		"the zero value":  &zero,
		"a nil *Verifier": nilVerifier,
	} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, v.Verify([]byte(body), sign(body, "")), webhooks.ErrNoKey)
			_, err := v.Parse([]byte(body), sign(body, ""))
			assert.ErrorIs(t, err, webhooks.ErrNoKey)
		})
	}
}

func TestParseKeepsEachRunTypesLegacyFields(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		check  func(t *testing.T, run *skyvern.RunResponse)
		legacy []string
	}{
		{
			name: "a task v1 run",
			body: taskV1Body,
			check: func(t *testing.T, run *skyvern.RunResponse) {
				assert.Equal(t, "tsk_100", run.RunID)
				assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
				assert.Equal(t, skyvern.RunTypeTaskV1, run.RunType)
				assert.JSONEq(t, `{"price":3,"title":"Blue <kettle> & cup"}`, string(run.Output))
				assert.Equal(t, "2026-01-31T15:20:42.160725", run.CreatedAt.String())
				assert.Equal(t, "2026-01-31T15:20:43.500000", run.StartedAt.String())
				require.NotNil(t, run.StepCount)
				assert.Equal(t, 4, *run.StepCount)
				assert.JSONEq(t, `{"price":3,"title":"Blue <kettle> & cup"}`, string(run.Extra["extracted_information"]))
			},
			legacy: []string{"task_id", "extracted_information", "action_screenshot_urls", "screenshot_url",
				"browser_console_log_url", "downloaded_file_urls", "failure_category", "webhook_failure_reason",
				"max_steps_per_run", "workflow_run_id"},
		},
		{
			name: "a task v2 run",
			body: taskV2Body,
			check: func(t *testing.T, run *skyvern.RunResponse) {
				assert.Equal(t, skyvern.RunStatusFailed, run.Status)
				assert.Equal(t, "line1\nline2", run.FailureReason)
				assert.JSONEq(t, `{"country":"US","subdivision":"CA","city":null}`, string(run.Extra["proxy_location"]))
				assert.Equal(t, `"Done 😀"`, string(run.Extra["summary"]))
				assert.Equal(t, "2026-02-01T08:05:00", run.ModifiedAt.String())
			},
			legacy: []string{"task_id", "organization_id", "workflow_run_id", "workflow_id", "workflow_permanent_id",
				"prompt", "url", "summary", "proxy_location", "webhook_callback_url"},
		},
		{
			name: "a workflow run",
			body: workflowBody,
			check: func(t *testing.T, run *skyvern.RunResponse) {
				assert.True(t, run.RunType.IsWorkflow())
				assert.True(t, run.RecordingArchived)
				assert.Equal(t, skyvern.BrowserSeedSourceFresh, run.BrowserSeedSource)
				require.Len(t, run.DownloadedFiles, 1)
				assert.Equal(t, "x.pdf", run.DownloadedFiles[0].Filename)
				// An integer beyond int64 survives as it was sent.
				assert.Equal(t, `{"block_1":{"n":100000000000000000000}}`, string(run.Output))
				req, err := run.WorkflowRequest()
				require.NoError(t, err)
				require.NotNil(t, req)
			},
			legacy: []string{"workflow_id", "workflow_run_id", "parameters", "outputs", "total_steps",
				"credits_used", "workflow_title", "recording_urls"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name+" decodes as Get Run would decode it", func(t *testing.T) {
			run, err := webhooks.Parse([]byte(tt.body), sign(tt.body, testKey), testKey)
			require.NoError(t, err)

			var viaGetRun skyvern.RunResponse
			require.NoError(t, json.Unmarshal([]byte(tt.body), &viaGetRun))
			assert.Equal(t, &viaGetRun, run)

			tt.check(t, run)
			for _, name := range tt.legacy {
				assert.Contains(t, run.Extra, name, "legacy member %s", name)
			}
		})
	}
}

func TestParseAcceptsUnknownRunTypesAndStatuses(t *testing.T) {
	const body = `{"run_id":"x_1","status":"hibernating","run_type":"task_v9","brand_new":{"a":[1,2]}}`
	run, err := webhooks.Parse([]byte(body), sign(body, testKey), testKey)
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunStatus("hibernating"), run.Status)
	assert.False(t, run.Status.IsKnown())
	assert.Equal(t, skyvern.RunType("task_v9"), run.RunType)
	assert.JSONEq(t, `{"a":[1,2]}`, string(run.Extra["brand_new"]))
}

func TestParseRejectsMalformedPayloadsAfterAValidSignature(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"an empty body", ""},
		{"a cut-off object", `{"run_id":"tsk_secret_1",`},
		{"a list", `[{"run_id":"tsk_1"}]`},
		{"a string", `"tsk_1"`},
		{"null", `null`},
		{"a number where a string belongs", `{"run_id":"tsk_1","status":1e999}`},
		{"a datetime that is not one", `{"run_id":"tsk_1","created_at":"secret yesterday at noon"}`},
		{"trailing garbage", `{"run_id":"tsk_1"} {"run_id":"tsk_2"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is a malformed payload", func(t *testing.T) {
			run, err := webhooks.Parse([]byte(tt.body), sign(tt.body, testKey), testKey)
			require.ErrorIs(t, err, webhooks.ErrMalformedPayload)
			assert.Nil(t, run)
			assert.NotContains(t, err.Error(), "secret")
			assert.NotContains(t, err.Error(), "1e999")
		})
	}
	t.Run("a syntax error names its offset and keeps the cause reachable", func(t *testing.T) {
		body := `{"run_id":"tsk_1",}`
		_, err := webhooks.Parse([]byte(body), sign(body, testKey), testKey)
		var syn *json.SyntaxError
		require.True(t, errors.As(err, &syn))
		assert.Equal(t, "webhooks: malformed payload: JSON syntax error at byte 19", err.Error())
	})
	t.Run("a type error names the field and the JSON kind only", func(t *testing.T) {
		body := `{"run_id":"tsk_1","step_count":"four"}`
		_, err := webhooks.Parse([]byte(body), sign(body, testKey), testKey)
		assert.Equal(t, "webhooks: malformed payload: field step_count cannot hold a JSON string", err.Error())
	})
	t.Run("an unsigned malformed body is reported as unsigned", func(t *testing.T) {
		_, err := webhooks.Parse([]byte(`{`), sign(`{}`, testKey), testKey)
		assert.ErrorIs(t, err, webhooks.ErrInvalidSignature)
		assert.NotErrorIs(t, err, webhooks.ErrMalformedPayload)
	})
}

func TestParseTOTPRequest(t *testing.T) {
	tests := []struct {
		name string
		body string
		want webhooks.TOTPRequest
	}{
		{"a task's request holds its task id", `{"task_id":"tsk_1"}`, webhooks.TOTPRequest{TaskID: "tsk_1"}},
		{"a workflow run's request holds the run and workflow ids", `{"workflow_run_id":"wr_1","workflow_permanent_id":"wpid_1"}`,
			webhooks.TOTPRequest{WorkflowRunID: "wr_1", WorkflowPermanentID: "wpid_1"}},
		{"a task in a workflow run sends all three", `{"task_id":"tsk_1","workflow_run_id":"wr_1","workflow_permanent_id":"wpid_1"}`,
			webhooks.TOTPRequest{TaskID: "tsk_1", WorkflowRunID: "wr_1", WorkflowPermanentID: "wpid_1"}},
		{"unknown members are ignored", `{"task_id":"tsk_1","later":true}`, webhooks.TOTPRequest{TaskID: "tsk_1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := webhooks.ParseTOTPRequest([]byte(tt.body), sign(tt.body, testKey), testKey)
			require.NoError(t, err)
			assert.Equal(t, tt.want, *req)

			req, err = webhooks.NewVerifier("sk-old", testKey).ParseTOTPRequest([]byte(tt.body), sign(tt.body, testKey))
			require.NoError(t, err)
			assert.Equal(t, tt.want, *req)
		})
	}

	t.Run("a forged request is rejected", func(t *testing.T) {
		_, err := webhooks.ParseTOTPRequest([]byte(`{"task_id":"tsk_1"}`), sign(`{"task_id":"tsk_2"}`, testKey), testKey)
		assert.ErrorIs(t, err, webhooks.ErrInvalidSignature)
	})
	t.Run("a list is a malformed request", func(t *testing.T) {
		_, err := webhooks.ParseTOTPRequest([]byte(`[]`), sign(`[]`, testKey), testKey)
		assert.ErrorIs(t, err, webhooks.ErrMalformedPayload)
	})
	t.Run("an id that is not a string is a malformed request", func(t *testing.T) {
		_, err := webhooks.ParseTOTPRequest([]byte(`{"task_id":7}`), sign(`{"task_id":7}`, testKey), testKey)
		assert.ErrorIs(t, err, webhooks.ErrMalformedPayload)
	})
}
