package skyvern_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

func TestDatetimeForms(t *testing.T) {
	want := time.Date(2026, 1, 31, 15, 20, 42, 160725000, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{`"2026-01-31T15:20:42.160725"`, want},
		{`"2026-01-31T15:20:42"`, want.Truncate(time.Second)},
		{`"2026-01-31 15:20:42.160725"`, want},
		{`"2026-01-31T15:20:42.160725Z"`, want},
		{`"2026-01-31T15:20:42.160725+00:00"`, want},
		{`"2026-01-31T17:20:42.160725+02:00"`, want},
		{`"2026-01-31T10:20:42-05:00"`, want.Truncate(time.Second)},
		{`"2026-01-31T15:20:42.1607251234"`, want.Add(123)}, // beyond nanoseconds is dropped
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var got skyvern.Time
			require.NoError(t, json.Unmarshal([]byte(tc.in), &got))
			assert.True(t, tc.want.Equal(got.Time), "got %v", got.Time)
			assert.Equal(t, time.UTC, got.Location(), "decoded to an instant in UTC")
		})
	}
	t.Run("null is the zero time", func(t *testing.T) {
		got := skyvern.Time{Time: time.Now()}
		require.NoError(t, json.Unmarshal([]byte(`null`), &got))
		assert.True(t, got.IsZero())
	})
	t.Run("garbage is an error that quotes it", func(t *testing.T) {
		var got skyvern.Time
		err := json.Unmarshal([]byte(`"last tuesday"`), &got)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `"last tuesday"`)
		assert.Error(t, json.Unmarshal([]byte(`12345`), &got))
	})
	t.Run("encodes as the server does", func(t *testing.T) {
		b, err := json.Marshal(skyvern.Time{Time: want.In(time.FixedZone("X", 3600))})
		require.NoError(t, err)
		assert.Equal(t, `"2026-01-31T15:20:42.160725"`, string(b))
		b, err = json.Marshal(skyvern.Time{Time: want.Truncate(time.Second)})
		require.NoError(t, err)
		assert.Equal(t, `"2026-01-31T15:20:42"`, string(b), "no fraction when it is zero")
		b, err = json.Marshal(skyvern.Time{})
		require.NoError(t, err)
		assert.Equal(t, `null`, string(b))
	})
}

func TestEnumsAcceptUnknownValues(t *testing.T) {
	var run skyvern.RunResponse
	require.NoError(t, json.Unmarshal([]byte(`{"run_id":"x_1","status":"hibernating","run_type":"task_v9"}`), &run))
	assert.Equal(t, skyvern.RunStatus("hibernating"), run.Status)
	assert.False(t, run.Status.IsKnown())
	assert.False(t, run.Status.IsTerminal())
	assert.Equal(t, skyvern.RunType("task_v9"), run.RunType)
	assert.False(t, run.RunType.IsKnown())

	b, err := json.Marshal(run)
	require.NoError(t, err)
	assert.JSONEq(t, `{"run_id":"x_1","status":"hibernating","run_type":"task_v9","recording_archived":false}`, string(b))

	terminal := map[skyvern.RunStatus]bool{
		skyvern.RunStatusCreated: false, skyvern.RunStatusQueued: false, skyvern.RunStatusRunning: false,
		skyvern.RunStatusPaused: false, skyvern.RunStatusTimedOut: true, skyvern.RunStatusFailed: true,
		skyvern.RunStatusTerminated: true, skyvern.RunStatusCompleted: true, skyvern.RunStatusCanceled: true,
	}
	for s, want := range terminal {
		assert.Equal(t, want, s.IsTerminal(), string(s))
		assert.True(t, s.IsKnown(), string(s))
	}
	assert.True(t, skyvern.ProxyLocationResidentialGB.IsKnown())
	assert.False(t, skyvern.ProxyLocation("RESIDENTIAL_MARS").IsKnown())
	assert.True(t, skyvern.RunEngineYutoriNavigator.IsKnown())
	assert.False(t, skyvern.RunEngine("skyvern-9.0").IsKnown())
}

// A task v1 webhook payload as the server shapes it: Run Response fields,
// legacy fields, nulls, and a field newer than this SDK.
const taskV1Payload = `{"task_id":"tsk_1","status":"completed","extracted_information":{"title":"x"},` +
	`"failure_reason":null,"failure_category":null,"webhook_failure_reason":null,"max_steps_per_run":10,` +
	`"screenshot_url":"https://s/1.png","action_screenshot_urls":["https://s/a.png"],"downloaded_file_urls":[],` +
	`"browser_console_log_url":null,"workflow_run_id":null,` +
	`"run_id":"tsk_1","output":{"title":"x","big":123456789012345678901234567890,"ratio":0.1,"nested":{"k":[1,2.5,null]}},` +
	`"downloaded_files":[{"url":"https://f/1.pdf","checksum":"abc","filename":"1.pdf","file_size":0,"modified_at":"2026-01-31T15:20:42","artifact_id":null,"page_count":3}],` +
	`"recording_url":null,"recording_archived":false,"screenshot_urls":["https://s/1.png"],` +
	`"created_at":"2026-01-31T15:20:42.160725","modified_at":"2026-01-31T15:21:00.500000","queued_at":null,` +
	`"started_at":"2026-01-31T15:20:43","finished_at":"2026-01-31T15:21:00.500000Z","app_url":"https://app.skyvern.com/tasks/tsk_1",` +
	`"browser_session_id":null,"browser_profile_id":null,"max_screenshot_scrolls":0,"script_run":{"ai_fallback_triggered":false,"script_id":null,"new_flag":true},` +
	`"errors":[{"error_code":"x","reasoning":"y","n":123456789012345678901234567890}],"step_count":4,"run_type":"task_v1","brand_new_field":{"a":[1,{"b":null}]}}`

func TestRunResponseRoundTrip(t *testing.T) {
	var run skyvern.RunResponse
	require.NoError(t, json.Unmarshal([]byte(taskV1Payload), &run))

	t.Run("modelled fields decode", func(t *testing.T) {
		assert.Equal(t, "tsk_1", run.RunID)
		assert.Equal(t, skyvern.RunStatusCompleted, run.Status)
		require.Len(t, run.DownloadedFiles, 1)
		assert.Equal(t, int64(0), *run.DownloadedFiles[0].FileSize, "an explicit 0 is kept")
		assert.Equal(t, 0, *run.MaxScreenshotScrolls)
		assert.Equal(t, 4, *run.StepCount)
		assert.Equal(t, "x", run.Errors[0]["error_code"])
		assert.Equal(t, 17*time.Second+500*time.Millisecond, run.FinishedAt.Sub(run.StartedAt.Time))
	})
	t.Run("legacy and new fields stay reachable", func(t *testing.T) {
		assert.JSONEq(t, `"tsk_1"`, string(run.Extra["task_id"]))
		assert.JSONEq(t, `{"title":"x"}`, string(run.Extra["extracted_information"]))
		assert.JSONEq(t, `null`, string(run.Extra["webhook_failure_reason"]))
		assert.JSONEq(t, `{"a":[1,{"b":null}]}`, string(run.Extra["brand_new_field"]))
		assert.JSONEq(t, `3`, string(run.DownloadedFiles[0].Extra["page_count"]), "nested unknown fields too")
		assert.JSONEq(t, `true`, string(run.ScriptRun.Extra["new_flag"]))
		assert.NotContains(t, run.Extra, "run_id", "modelled fields are not duplicated in Extra")
	})
	t.Run("json.Marshal gives back what was received", func(t *testing.T) {
		out, err := json.Marshal(run)
		require.NoError(t, err)
		var in, got map[string]any
		require.NoError(t, json.Unmarshal([]byte(taskV1Payload), &in))
		require.NoError(t, json.Unmarshal(out, &got))
		assertSameExceptNulls(t, "", in, got)
		assert.Contains(t, string(out), `"big":123456789012345678901234567890`, "huge integers keep every digit")
		assert.Contains(t, string(out), `"n":123456789012345678901234567890`, "in errors too")
	})
}

// assertSameExceptNulls checks that got has every member of want with the
// same value, except that a null in want may come back as null or absent
// (never as "" or 0), and that got has nothing want lacks. Datetimes compare
// as instants, since any form Skyvern sends comes back in its usual form.
func assertSameExceptNulls(t *testing.T, path string, want, got map[string]any) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if w == nil {
			assert.True(t, !ok || g == nil, "%s%s was null and came back as %#v", path, k, g)
			continue
		}
		if assert.True(t, ok, "%s%s is missing", path, k) {
			assertSameValue(t, path+k, w, g)
		}
	}
	for k := range got {
		_, ok := want[k]
		assert.True(t, ok, "%s%s was added", path, k)
	}
}

func assertSameValue(t *testing.T, path string, w, g any) {
	t.Helper()
	switch w := w.(type) {
	case map[string]any:
		if gm, ok := g.(map[string]any); assert.True(t, ok, "%s changed type", path) {
			assertSameExceptNulls(t, path+".", w, gm)
		}
	case []any:
		gl, ok := g.([]any)
		if assert.True(t, ok, "%s changed type", path) && assert.Len(t, gl, len(w), path) {
			for i := range w {
				assertSameValue(t, fmt.Sprintf("%s[%d]", path, i), w[i], gl[i])
			}
		}
	case string:
		if wt, err := skyvern.ParseTime(w); err == nil {
			gs, _ := g.(string)
			gt, err := skyvern.ParseTime(gs)
			if assert.NoError(t, err, path) {
				assert.True(t, wt.Equal(gt.Time), "%s: %s became %s", path, w, gs)
			}
			return
		}
		assert.Equal(t, w, g, path)
	default:
		assert.Equal(t, w, g, path)
	}
}

func TestMissingFieldsAreNotErrors(t *testing.T) {
	// The official SDK's own fixtures leave out run_type and more.
	var run skyvern.RunResponse
	require.NoError(t, json.Unmarshal([]byte(`{"run_id":"tsk_1"}`), &run))
	assert.Equal(t, "tsk_1", run.RunID)
	assert.Empty(t, run.RunType)
	require.NoError(t, json.Unmarshal([]byte(`{}`), &run))
}

func TestDecodeOutput(t *testing.T) {
	run := skyvern.RunResponse{RunID: "tsk_1", Output: json.RawMessage(`{"title":"Show HN","points":123456789012345678901234567890,"tags":["a"]}`)}

	t.Run("into the caller's struct", func(t *testing.T) {
		var out struct {
			Title  string      `json:"title"`
			Points json.Number `json:"points"`
			Tags   []string    `json:"tags"`
		}
		require.NoError(t, run.DecodeOutput(&out))
		assert.Equal(t, "Show HN", out.Title)
		n, ok := new(big.Int).SetString(out.Points.String(), 10)
		require.True(t, ok)
		assert.Equal(t, "123456789012345678901234567890", n.String())
	})
	t.Run("into a map keeps huge integers exact", func(t *testing.T) {
		var out map[string]any
		require.NoError(t, run.DecodeOutput(&out))
		assert.Equal(t, json.Number("123456789012345678901234567890"), out["points"])
	})
	t.Run("a string output", func(t *testing.T) {
		r := skyvern.RunResponse{Output: json.RawMessage(`"done"`)}
		var s string
		require.NoError(t, r.DecodeOutput(&s))
		assert.Equal(t, "done", s)
	})
	t.Run("no output", func(t *testing.T) {
		var v any
		assert.ErrorIs(t, (&skyvern.RunResponse{}).DecodeOutput(&v), skyvern.ErrNoOutput)
		assert.ErrorIs(t, (&skyvern.RunResponse{Output: json.RawMessage("null")}).DecodeOutput(&v), skyvern.ErrNoOutput)
	})
	t.Run("a mismatched shape names the run", func(t *testing.T) {
		var n int
		err := run.DecodeOutput(&n)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "tsk_1")
	})
}

func TestGetRunDecodesHugeOutputs(t *testing.T) {
	f := setup(t)
	big := strings.Repeat(`"a long string of output ",`, 200000) // about 5 MB
	body := `{"run_id":"tsk_1","status":"completed","output":[` + big + `1]}`
	f.reply("GET /v1/runs/{id}", 200, body)
	run, err := f.client.GetRun(context.Background(), "tsk_1")
	require.NoError(t, err)
	var out []any
	require.NoError(t, run.DecodeOutput(&out))
	assert.Len(t, out, 200001)
}

func TestRunRequestAccessors(t *testing.T) {
	t.Run("a task's request", func(t *testing.T) {
		var run skyvern.RunResponse
		require.NoError(t, json.Unmarshal([]byte(`{"run_id":"tsk_1","run_type":"task_v1","run_request":`+
			`{"prompt":"p","url":"https://x","engine":"skyvern-1.0","proxy_location":"RESIDENTIAL","max_steps":null,"new":1}}`), &run))
		req, err := run.TaskRequest()
		require.NoError(t, err)
		assert.Equal(t, "p", req.Prompt)
		assert.Equal(t, skyvern.RunEngineSkyvernV1, req.Engine)
		assert.Equal(t, skyvern.ProxyLocationResidential, req.ProxyLocation)
		assert.Nil(t, req.MaxSteps)
		assert.JSONEq(t, `1`, string(req.Extra["new"]))
	})
	t.Run("a workflow's request, by either id name", func(t *testing.T) {
		for _, body := range []string{
			`{"workflow_id":"wpid_1","parameters":{"a":1},"proxy_location":{"country":"US","city":"Austin"}}`,
			`{"agent_id":"wpid_1","parameters":{"a":1},"proxy_location":{"country":"US","city":"Austin"}}`,
		} {
			run := skyvern.RunResponse{RunRequest: json.RawMessage(body)}
			req, err := run.WorkflowRequest()
			require.NoError(t, err)
			assert.Equal(t, "wpid_1", req.WorkflowID)
			assert.Equal(t, skyvern.GeoTarget{Country: "US", City: "Austin"}, req.ProxyLocation)
			assert.Empty(t, req.Extra, "agent_id is understood, not extra")
		}
	})
	t.Run("a custom proxy object", func(t *testing.T) {
		run := skyvern.RunResponse{RunRequest: json.RawMessage(`{"prompt":"p","proxy_location":{"url":"http://proxy:8080"}}`)}
		req, err := run.TaskRequest()
		require.NoError(t, err)
		assert.Equal(t, skyvern.CustomProxy{"url": "http://proxy:8080"}, req.ProxyLocation)
	})
	t.Run("absent", func(t *testing.T) {
		req, err := (&skyvern.RunResponse{}).TaskRequest()
		assert.NoError(t, err)
		assert.Nil(t, req)
	})
}

func TestTimeEncodesToWhatItDecodes(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{`"9999-12-31T23:30:00-05:00"`, `"9999-12-31T23:30:00-05:00"`},
		{`"9999-12-31T23:59:59.999999999-23:59"`, `"9999-12-31T23:59:59.999999-23:59"`},
		{`"0000-01-01T00:00:00+23:59"`, `"0000-01-01T00:00:00+23:59"`},
		{`"0000-01-01T00:30:00+01:00"`, `"0000-01-01T00:30:00+01:00"`},
		{`"2026-01-31T15:20:42.1607251234"`, `"2026-01-31T15:20:42.160725"`},
		{`"2026-01-31T15:20:42.0000009"`, `"2026-01-31T15:20:42"`},
	} {
		var tm skyvern.Time
		require.NoError(t, json.Unmarshal([]byte(tc.in), &tm), tc.in)
		b, err := json.Marshal(tm)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.out, string(b))
		checkTimeRoundTrip(t, tc.in)
	}
	_, err := json.Marshal(skyvern.Time{Time: time.Date(10001, 1, 1, 0, 0, 0, 0, time.UTC)})
	assert.ErrorContains(t, err, "years 0001 to 9999", "an instant no input decodes to is refused, not written unreadable")
}

func TestRunResponseWithAnOutOfRangeTimeDecodesAgain(t *testing.T) {
	var run skyvern.RunResponse
	require.NoError(t, json.Unmarshal([]byte(`{"run_id":"tsk_1","created_at":"9999-12-31T23:30:00-05:00"}`), &run))
	b, err := json.Marshal(run)
	require.NoError(t, err)
	var again skyvern.RunResponse
	require.NoError(t, json.Unmarshal(b, &again), string(b))
	assert.True(t, run.CreatedAt.Equal(again.CreatedAt.Time))
}

// checkTimeRoundTrip checks that a datetime Time decodes encodes to a form
// it decodes again, to the same instant to the microsecond.
func checkTimeRoundTrip(t *testing.T, in string) {
	t.Helper()
	var tm skyvern.Time
	if json.Unmarshal([]byte(in), &tm) != nil {
		return
	}
	b, err := json.Marshal(tm)
	require.NoError(t, err, "%s decodes, so it must encode", in)
	var again skyvern.Time
	require.NoError(t, json.Unmarshal(b, &again), "%s encoded as %s, which must decode", in, b)
	want := tm.Add(-time.Duration(tm.Nanosecond() % 1000))
	assert.True(t, want.Equal(again.Time), "%s: %v became %v", in, want, again.Time)
}

// FuzzTimeRoundTrip checks that every datetime Time decodes re-decodes
// after encoding.
func FuzzTimeRoundTrip(f *testing.F) {
	for _, s := range []string{"2026-01-31T15:20:42.160725", "9999-12-31T23:30:00-05:00", "0000-01-01T00:00:00+23:59",
		"2026-01-31 15:20:42", "2026-01-31T15:20:42Z", "9999-12-31T23:59:59.999999999-23:59", "0001-01-01T00:00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, _ := json.Marshal(s)
		checkTimeRoundTrip(t, string(b))
	})
}
