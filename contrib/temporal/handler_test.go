package temporal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/skyvern-go/skyvern"
	skytemporal "github.com/skyvern-go/skyvern/contrib/temporal"
	"github.com/skyvern-go/skyvern/webhooks"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

const hookKey = "sk_test_key"

// signals is a Temporal client that records the signals sent with it and
// answers them with err. Only SignalWorkflow is implemented.
type signals struct {
	client.Client
	err  error
	sent []sentSignal
}

type sentSignal struct {
	workflowID, runID, name string
	run                     *skyvern.RunResponse
}

func (s *signals) SignalWorkflow(_ context.Context, workflowID, runID, name string, arg any) error {
	s.sent = append(s.sent, sentSignal{workflowID, runID, name, arg.(*skyvern.RunResponse)})
	return s.err
}

// deliver posts run to h as Skyvern would, at the query q.
func deliver(t *testing.T, h http.Handler, method, query string, run skyvern.RunResponse) *httptest.ResponseRecorder {
	t.Helper()
	body, err := json.Marshal(run)
	require.NoError(t, err)
	req := httptest.NewRequest(method, "/skyvern"+query, bytes.NewReader(body))
	req.Header.Set("x-skyvern-signature", webhooks.Sign(body, hookKey))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

const target = "?temporal_workflow_id=order-42&temporal_run_id=r-1&skyvern_step=stk0"

func TestHandlerSignalsTheWorkflowTheURLNames(t *testing.T) {
	c := &signals{}
	h := skytemporal.Handler(c, hookKey, webhooks.WithLogger(slog.New(slog.DiscardHandler)))

	rec := deliver(t, h, http.MethodPost, target, skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusCompleted})

	assert.Equal(t, http.StatusOK, rec.Code)
	require.Len(t, c.sent, 1)
	s := c.sent[0]
	assert.Equal(t, "order-42", s.workflowID)
	assert.Equal(t, "r-1", s.runID)
	assert.Equal(t, skytemporal.SignalName("tsk_1"), s.name)
	assert.Equal(t, skyvern.RunStatusCompleted, s.run.Status)
}

func TestHandlerRefusesWhatItCannotDeliver(t *testing.T) {
	c := &signals{}
	h := skytemporal.Handler(c, hookKey, webhooks.WithLogger(slog.New(slog.DiscardHandler)))
	run := skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusCompleted}

	assert.Equal(t, http.StatusBadRequest, deliver(t, h, http.MethodPost, "?temporal_workflow_id=order-42", run).Code, "no run id")
	assert.Equal(t, http.StatusBadRequest, deliver(t, h, http.MethodPost, "", run).Code, "no workflow")
	assert.Equal(t, http.StatusMethodNotAllowed, deliver(t, h, http.MethodGet, target, run).Code)

	body, _ := json.Marshal(run)
	req := httptest.NewRequest(http.MethodPost, "/skyvern"+target, bytes.NewReader(body))
	req.Header.Set("x-skyvern-signature", webhooks.Sign(body, "another key"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusUnauthorized, rec.Code, "a forged webhook")
	assert.Empty(t, c.sent)
}

func TestHandlerAcceptsARunWhoseWorkflowHasEnded(t *testing.T) {
	c := &signals{err: serviceerror.NewNotFound("workflow execution already completed")}
	rec := deliver(t, skytemporal.Handler(c, hookKey, webhooks.WithLogger(slog.New(slog.DiscardHandler))), http.MethodPost, target, skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusCompleted})
	assert.Equal(t, http.StatusOK, rec.Code, "nobody waits for it: Skyvern need not send it again")
}

func TestHandlerAsksForTheWebhookAgainWhenTheSignalFails(t *testing.T) {
	c := &signals{err: errors.New("temporal unavailable")}
	h := skytemporal.Handler(c, hookKey, webhooks.WithLogger(slog.New(slog.DiscardHandler)))
	run := skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusCompleted}

	assert.Equal(t, http.StatusInternalServerError, deliver(t, h, http.MethodPost, target, run).Code)
	c.err = nil
	assert.Equal(t, http.StatusOK, deliver(t, h, http.MethodPost, target, run).Code, "Skyvern's next attempt gets through")
	assert.Len(t, c.sent, 2)
}
