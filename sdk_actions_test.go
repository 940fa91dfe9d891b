package skyvern_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

func TestSDKActionsOnTheWire(t *testing.T) {
	for _, tc := range []struct {
		name   string
		action skyvern.SDKAction
		want   string
	}{
		{"a click, its timeout in milliseconds", skyvern.ClickAction{Selector: "#go", Intention: "the Go button", Timeout: 2500 * time.Millisecond},
			`{"type":"ai_click","timeout":2500,"selector":"#go","intention":"the Go button"}`},
		{"an act with nothing else", skyvern.ActAction{}, `{"type":"ai_act"}`},
		{"typing with context data", skyvern.InputTextAction{Value: "Ada", Data: map[string]any{"who": "me"}},
			`{"type":"ai_input_text","value":"Ada","data":{"who":"me"}}`},
		{"an extraction with a schema", skyvern.ExtractAction{Prompt: "the title", ExtractSchema: map[string]any{"type": "string"}},
			`{"type":"extract","prompt":"the title","extract_schema":{"type":"string"}}`},
		{"a validation sends its prompt even when empty", skyvern.ValidateAction{}, `{"type":"validate","prompt":""}`},
		{"Extra cannot override the type", skyvern.LocateElementAction{Prompt: "p", Extra: map[string]json.RawMessage{"type": json.RawMessage(`"x"`), "new": json.RawMessage(`1`)}},
			`{"type":"locate_element","prompt":"p","new":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t)
			f.reply("POST /v1/sdk/run_action", 200, `{"workflow_run_id":"wr_1","result":null}`)
			_, err := f.client.RunSDKAction(context.Background(), skyvern.SDKActionRequest{URL: "https://example.com", BrowserSessionID: "pbs_1", Action: tc.action})
			require.NoError(t, err)
			assert.Equal(t, `{"url":"https://example.com","browser_session_id":"pbs_1","action":`+tc.want+`}`, string(f.only().Body))

			var back skyvern.SDKActionRequest
			require.NoError(t, json.Unmarshal(f.only().Body, &back))
			assert.Equal(t, tc.action.SDKActionType(), back.Action.SDKActionType())
		})
	}
	t.Run("a request decodes its action by type, an unknown one into Extra", func(t *testing.T) {
		var req skyvern.SDKActionRequest
		require.NoError(t, json.Unmarshal([]byte(`{"url":"u","action":{"type":"ai_click","timeout":1500.5,"selector":"#a"}}`), &req))
		assert.Equal(t, skyvern.ClickAction{Selector: "#a", Timeout: 1500500 * time.Microsecond}, req.Action)
		require.NoError(t, json.Unmarshal([]byte(`{"url":"u","action":{"type":"ai_dance"}}`), &req))
		assert.Nil(t, req.Action)
		assert.JSONEq(t, `{"type":"ai_dance"}`, string(req.Extra["action"]))
	})
	t.Run("a nil action is refused before anything is sent", func(t *testing.T) {
		f := setup(t)
		_, err := f.client.RunSDKAction(context.Background(), skyvern.SDKActionRequest{URL: "u"})
		var reqErr *skyvern.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown)
		assert.Empty(t, f.requests())
	})
}

func TestSDKActionsAgainstTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t)
	client := srv.Client()
	sess, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
	require.NoError(t, err)
	run := func(a skyvern.SDKAction, wr string) (*skyvern.SDKActionResult, error) {
		return client.RunSDKAction(ctx, skyvern.SDKActionRequest{URL: "https://example.com", BrowserSessionID: sess.BrowserSessionID, WorkflowRunID: wr, Action: a})
	}

	t.Run("a session that is not live is refused", func(t *testing.T) {
		_, err := client.RunSDKAction(ctx, skyvern.SDKActionRequest{BrowserSessionID: "pbs_404", Action: skyvern.ValidateAction{Prompt: "p"}})
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
	})

	t.Run("each action answers plausibly by default", func(t *testing.T) {
		res, err := run(skyvern.ValidateAction{Prompt: "the page shows a price"}, "")
		require.NoError(t, err)
		assert.Regexp(t, `^wr_\d+$`, res.WorkflowRunID)
		var ok bool
		require.NoError(t, res.DecodeResult(&ok))
		assert.True(t, ok)

		res, err = run(skyvern.InputTextAction{Selector: "#q", Value: "shoes"}, res.WorkflowRunID)
		require.NoError(t, err, "an action continues the workflow run of an earlier one")
		var typed string
		require.NoError(t, res.DecodeResult(&typed))
		assert.Equal(t, "shoes", typed)

		res, err = run(skyvern.ActAction{Intention: "close the banner"}, "")
		require.NoError(t, err)
		assert.ErrorIs(t, res.DecodeResult(new(any)), skyvern.ErrNoOutput)
	})

	t.Run("an OnPrompt rule scripts an extraction", func(t *testing.T) {
		srv.OnPrompt("the top post", skyverntest.Outcome{Output: map[string]any{"title": "Go 1.26 is out"}})
		res, err := run(skyvern.ExtractAction{Prompt: "the top post"}, "")
		require.NoError(t, err)
		var out struct{ Title string }
		require.NoError(t, res.DecodeResult(&out))
		assert.Equal(t, "Go 1.26 is out", out.Title)

		srv.OnPrompt("the missing post", skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "no such post"})
		_, err = run(skyvern.ExtractAction{Prompt: "the missing post"}, "")
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 422, apiErr.StatusCode)
		assert.Equal(t, "no such post", apiErr.Detail)
	})

	t.Run("OnAction chooses the result of the others", func(t *testing.T) {
		srv.OnAction(func(req skyvern.SDKActionRequest) skyverntest.ActionOutcome {
			if _, ok := req.Action.(skyvern.LocateElementAction); ok {
				return skyverntest.ActionOutcome{Result: "//button[1]"}
			}
			return skyverntest.ActionOutcome{FailureReason: "not on this page"}
		})
		t.Cleanup(func() { srv.OnAction(nil) })
		res, err := run(skyvern.LocateElementAction{Prompt: "the buy button"}, "")
		require.NoError(t, err)
		var xpath string
		require.NoError(t, res.DecodeResult(&xpath))
		assert.Equal(t, "//button[1]", xpath)
		_, err = run(skyvern.ClickAction{Intention: "the sell button"}, "")
		assert.ErrorIs(t, err, skyvern.ErrValidation)
	})

	t.Run("errors", func(t *testing.T) {
		_, err := run(skyvern.ActAction{}, "wr_404")
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		_, err = client.RunSDKAction(ctx, skyvern.SDKActionRequest{URL: "u", Action: skyvern.ClickAction{},
			Extra: map[string]json.RawMessage{"action": json.RawMessage(`{"type":"ai_dance"}`)}})
		require.NoError(t, err, "Extra does not override the action")
		_, err = client.RunSDKAction(ctx, skyvern.SDKActionRequest{URL: "u", Extra: map[string]json.RawMessage{}, Action: skyvern.ActAction{
			Extra: map[string]json.RawMessage{"type": json.RawMessage(`"x"`)}}})
		require.NoError(t, err, "Extra does not override the type")
	})
}
