package temporal

import (
	"context"
	"errors"
	"net/http"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// target is the workflow execution a webhook request names.
type target struct{ workflowID, runID string }

type targetKey struct{}

// Handler returns an http.Handler that receives the webhooks of runs
// started by Activities.StartRun and delivers each verified one to the
// workflow waiting for it, as the signal SignalName(run_id) carrying the
// run, with c. Serve it at the webhook URL given to NewActivities, on any
// number of replicas: the URL names the workflow, so any replica can
// deliver any run.
//
// The request is verified, deduplicated and answered by webhooks.Handler
// with apiKey and opts (see there for every status it answers), after two
// checks of its own: a POST whose URL lacks the workflow's query
// parameters gets 400, since no retry can mend it. A failed signal gets
// 500, so Skyvern delivers again; a workflow that has already ended (it
// found the run by polling, or was cancelled) gets nothing and the request
// 200. Only the body is signed, not the URL, but Wait takes the run only
// from the signal named after its own run, so a genuine body sent to the
// wrong workflow changes nothing there.
//
// Temporal limits the size of a payload (2 MiB by default), and a signal
// carries the whole run, output included: a run whose output exceeds it
// cannot be signalled, nor returned by the GetRun activity.
func Handler(c client.Client, apiKey string, opts ...webhooks.HandlerOption) http.Handler {
	if c == nil {
		panic("skyvern temporal: Handler called with a nil client")
	}
	deliver := webhooks.Handler(apiKey, func(ctx context.Context, run *skyvern.RunResponse) error {
		t := ctx.Value(targetKey{}).(target)
		err := c.SignalWorkflow(ctx, t.workflowID, t.runID, SignalName(run.RunID), run)
		if _, ended := errors.AsType[*serviceerror.NotFound](err); ended {
			return nil
		}
		return err
	}, opts...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			deliver.ServeHTTP(w, r) // 405
			return
		}
		q := r.URL.Query()
		t := target{workflowID: q.Get(paramWorkflowID), runID: q.Get(paramRunID)}
		if t.workflowID == "" || t.runID == "" {
			http.Error(w, "skyvern temporal: the webhook URL lacks "+paramWorkflowID+" or "+paramRunID, http.StatusBadRequest)
			return
		}
		deliver.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), targetKey{}, t)))
	})
}
