package skyvern_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		sentinel   error
		wantDetail string
		wantMsg    string
	}{
		{"a 400 with a string detail", 400, `{"detail":"Run is not in a terminal state"}`, skyvern.ErrBadRequest,
			"Run is not in a terminal state", "skyvern: GET /v1/runs/tsk_1: 400 Bad Request: Run is not in a terminal state"},
		{"a 401", 401, `{"detail":"Not authenticated"}`, skyvern.ErrUnauthorized, "Not authenticated", "401 Unauthorized"},
		{"Skyvern's 403 for a bad key", 403, `{"detail":"Invalid credentials"}`, skyvern.ErrUnauthorized, "Invalid credentials", "403 Forbidden: Invalid credentials"},
		{"a 404", 404, `{"detail":"Run not found"}`, skyvern.ErrNotFound, "Run not found", "404 Not Found: Run not found"},
		{"a 409", 409, `{"detail":"Conflict"}`, skyvern.ErrConflict, "Conflict", "409 Conflict"},
		{"FastAPI's validation list", 422, `{"detail":[{"type":"missing","loc":["body","prompt"],"msg":"Field required","input":{}},` +
			`{"type":"int_parsing","loc":["body","max_steps",0],"msg":"Input should be a valid integer","input":"x"}]}`,
			skyvern.ErrValidation, "body.prompt: Field required; body.max_steps.0: Input should be a valid integer",
			"422 Unprocessable Entity: body.prompt: Field required; body.max_steps.0: Input should be a valid integer"},
		{"a detail that is an object", 400, `{"detail":{"code":"blocked_url","reason":"private address"}}`, skyvern.ErrBadRequest,
			`{"code":"blocked_url","reason":"private address"}`, `400 Bad Request: {"code":"blocked_url","reason":"private address"}`},
		{"JSON without a detail member", 400, `{"key": "value"}`, skyvern.ErrBadRequest, `{"key":"value"}`, `400 Bad Request: {"key":"value"}`},
		{"a 5xx with an HTML body", 502, `<html><body>Bad gateway</body></html>`, skyvern.ErrServer, "", "502 Bad Gateway: response body is not JSON"},
		{"a 5xx with no body", 500, ``, skyvern.ErrServer, "", "500 Internal Server Error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t, skyvern.WithMaxRetries(0))
			f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			run, err := f.client.GetRun(context.Background(), "tsk_1")
			require.Error(t, err)
			assert.Nil(t, run)

			var apiErr *skyvern.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, "GET", apiErr.Method)
			assert.Equal(t, prefix+"/v1/runs/tsk_1", prefix+apiErr.Path)
			assert.Equal(t, tc.wantDetail, apiErr.Detail)
			assert.Equal(t, tc.body, string(apiErr.Body))
			assert.Equal(t, 1, apiErr.Attempts)
			assert.Contains(t, err.Error(), tc.wantMsg)
			assert.ErrorIs(t, err, tc.sentinel)
			for _, other := range []error{skyvern.ErrBadRequest, skyvern.ErrUnauthorized, skyvern.ErrNotFound,
				skyvern.ErrConflict, skyvern.ErrValidation, skyvern.ErrRateLimited, skyvern.ErrServer, skyvern.ErrOutcomeUnknown} {
				if other != tc.sentinel {
					assert.NotErrorIs(t, err, other)
				}
			}
			assert.NotContains(t, err.Error(), testKey)
		})
	}
}

func TestValidationErrorsAreParsed(t *testing.T) {
	f := setup(t)
	f.reply("POST /v1/run/tasks", 422, `{"detail":[{"type":"missing","loc":["body","prompt"],"msg":"Field required","input":{"url":"x"}}]}`)
	_, err := f.client.RunTask(context.Background(), skyvern.TaskRunRequest{URL: "x"})
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Len(t, apiErr.ValidationErrors, 1)
	v := apiErr.ValidationErrors[0]
	assert.Equal(t, []any{"body", "prompt"}, v.Loc)
	assert.Equal(t, "missing", v.Type)
	assert.JSONEq(t, `{"url":"x"}`, string(v.Input))
	assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown, "a 422 is a refusal: no run was created")
	assert.Len(t, f.requests(), 1, "a 422 is not retried")
}

func TestLargeValidationErrorsAreParsed(t *testing.T) {
	f := setup(t)
	// FastAPI echoes the input, which can be a large definition.
	input := `{"blocks":"` + strings.Repeat("b", 200<<10) + `"}`
	f.reply("POST /v1/run/tasks", 422, `{"detail":[{"type":"missing","loc":["body","prompt"],"msg":"Field required","input":`+input+`}]}`)
	_, err := f.client.RunTask(context.Background(), skyvern.TaskRunRequest{})
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Len(t, apiErr.ValidationErrors, 1)
	assert.Equal(t, "body.prompt: Field required", apiErr.Detail)
	assert.Len(t, apiErr.Body, 4<<10, "the kept copy stays bounded")
}

func TestErrorBodiesThatCannotBeParsedSayWhy(t *testing.T) {
	t.Run("too long", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxRetries(0))
		f.reply("GET /v1/runs/{id}", 500, `{"detail":"`+strings.Repeat("x", 2<<20)+`"}`)
		_, err := f.client.GetRun(context.Background(), "tsk_1")
		assert.ErrorContains(t, err, "500 Internal Server Error: response body too long to parse")
	})
	t.Run("cut off", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxRetries(0))
		f.handle("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(502)
			io.WriteString(w, `{"detail":"bad gat`)
		})
		_, err := f.client.GetRun(context.Background(), "tsk_1")
		assert.ErrorContains(t, err, "502 Bad Gateway: response body cut off")
	})
}

func TestErrorBodiesAreBounded(t *testing.T) {
	f := setup(t, skyvern.WithMaxRetries(0))
	huge := `{"detail":"` + strings.Repeat("x", 1<<20) + `"}`
	f.reply("GET /v1/runs/{id}", 500, huge)
	_, err := f.client.GetRun(context.Background(), "tsk_1")
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.LessOrEqual(t, len(apiErr.Body), 4<<10)
	assert.Equal(t, huge[:4<<10], string(apiErr.Body))
	assert.Empty(t, apiErr.Detail, "a cut-off body has no parsable detail")
}

func TestMalformedSuccessResponses(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"an HTML page", status(200, `<html>oops</html>`, "Content-Type", "text/html"), "not valid JSON (text/html"},
		{"an empty body", status(200, ``), "empty body"},
		{"a JSON null", status(200, `null`), "JSON null"},
		{"a list where an object belongs", status(200, `[1,2]`), "cannot unmarshal array"},
		{"a field of the wrong type", status(200, `{"run_id":123}`), "cannot unmarshal number"},
		{"a body cut off mid-way", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(runJSON)))
			io.WriteString(w, runJSON[:40])
		}, "cut off"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t, skyvern.WithMaxRetries(0))
			f.handle("GET /v1/runs/{id}", tc.handler)
			run, err := f.client.GetRun(context.Background(), "tsk_1")
			require.Error(t, err)
			assert.Nil(t, run)
			var reqErr *skyvern.RequestError
			require.ErrorAs(t, err, &reqErr)
			assert.Equal(t, "GET", reqErr.Method)
			assert.Contains(t, err.Error(), tc.want)
			assert.ErrorIs(t, err, skyvern.ErrMalformedResponse)
		})
	}

	t.Run("a run-creating call with an unreadable answer may have created the run", func(t *testing.T) {
		f := setup(t)
		f.reply("POST /v1/run/tasks", 200, `{"run_id": "tsk_1", "sta`)
		_, err := f.client.RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "p"})
		assert.ErrorIs(t, err, skyvern.ErrMalformedResponse)
		assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
		assert.Len(t, f.requests(), 1)
	})
}

func TestErrorsFormatWithoutSecrets(t *testing.T) {
	apiErr := &skyvern.APIError{StatusCode: 404, Method: "GET", Path: "/v1/runs/x", Detail: "Run not found", Attempts: 3}
	assert.Equal(t, "skyvern: GET /v1/runs/x: 404 Not Found: Run not found (after 3 attempts)", apiErr.Error())
	reqErr := &skyvern.RequestError{Method: "GET", Path: "/v1/runs/x", Attempts: 1, Err: context.DeadlineExceeded}
	assert.Equal(t, "skyvern: GET /v1/runs/x: context deadline exceeded", reqErr.Error())
	assert.ErrorIs(t, reqErr, context.DeadlineExceeded)
	assert.True(t, errors.Is(fmt.Errorf("wrapped: %w", apiErr), skyvern.ErrNotFound))
}
