// Package temporal makes "start a Skyvern run and wait for it" a step of
// a Temporal workflow that survives worker restarts, deploys and lost
// webhooks.
//
// A worker registers the activities, which start, read and cancel runs:
//
//	acts, err := temporal.NewActivities(skyvernClient, "https://hooks.example.com/skyvern")
//	w := worker.New(temporalClient, "skyvern", worker.Options{})
//	acts.Register(w)
//
// Any number of replicas serve Handler at that URL; it turns each verified
// webhook into a signal to the workflow that started the run:
//
//	http.Handle("/skyvern", temporal.Handler(temporalClient, apiKey))
//
// and a workflow starts a run and waits for it:
//
//	run, err := temporal.Run(ctx, temporal.StartRequest{Task: &skyvern.TaskRunRequest{Prompt: "..."}}, temporal.WaitOptions{})
//
// # What survives what
//
// Start records the run's id in the workflow's history as the result of
// the StartRun activity. A replayed workflow reads the id from there; a
// retried activity finds the run it started, if any, by a key in the
// webhook URL before it starts one (see Activities.StartRun), so neither
// starts a second run. Wait takes the first signal with a final status
// and ignores copies and stragglers; when no webhook has come after a
// while, a durable timer polls Skyvern with the GetRun activity, at
// growing intervals, so a webhook that was lost or a receiver that was
// down delays the result and loses nothing. Signals sent while no worker
// runs wait in Temporal. Cancelling the workflow cancels the Skyvern run.
//
// The package name is temporal, as its directory's; import it under
// another name beside go.temporal.io/sdk/temporal.
package temporal
