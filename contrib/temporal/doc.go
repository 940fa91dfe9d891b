// Package temporal makes "start a Skyvern run and wait for it" a step of
// a Temporal workflow that survives worker restarts, deploys and lost
// webhooks.
//
// Import it as skytemporal, beside go.temporal.io/sdk/temporal:
//
//	import skytemporal "github.com/skyvern-go/skyvern/contrib/temporal"
//
// A worker registers the activities, which start, read and cancel runs:
//
//	acts, err := skytemporal.NewActivities(skyvernClient, "https://hooks.example.com/skyvern")
//	w := worker.New(temporalClient, "skyvern", worker.Options{})
//	acts.Register(w)
//
// Any number of replicas serve Handler at that URL; it turns each verified
// webhook into a signal to the workflow that started the run:
//
//	http.Handle("/skyvern", skytemporal.Handler(temporalClient, apiKey))
//
// and a workflow starts a run and waits for it:
//
//	run, err := skytemporal.Run(ctx, skytemporal.StartRequest{Task: &skyvern.TaskRunRequest{Prompt: "..."}}, skytemporal.WaitOptions{})
//
// # What survives what
//
// Start records the run's id in the workflow's history as the result of
// the StartRun activity. A replayed workflow reads the id from there; a
// retried activity finds the run it started, if any, by a key in the
// run's webhook URL, which Get Run shows, before it starts one (see
// Activities.StartRun), so neither starts a second run. Wait takes the first signal with a final status
// and ignores copies and stragglers; when no webhook has come after a
// while, a durable timer polls Skyvern with the GetRun activity, at
// growing intervals, so a webhook that was lost or a receiver that was
// down delays the result and loses nothing. Signals sent while no worker
// runs wait in Temporal. Cancelling the workflow cancels the Skyvern run.
//
// # Limits
//
// A run's request, id and result are stored in the workflow's history as
// the Temporal data converter writes them: use a converter that encrypts
// payloads if requests carry anything sensitive (extra HTTP headers, for
// instance). Temporal limits a payload's size (2 MiB by default); a run
// whose output is larger cannot be signalled nor returned by GetRun.
// Finding a run after an ambiguous start reads the runs of the same kind
// created since the step began, at most MaxCandidates of them, and assumes
// Skyvern's clock is at most MaxClockSkew behind Temporal's; in an
// organisation that starts more runs of that kind in that time, the step
// fails (retryably) rather than risk a second run. See Activities.StartRun.
package temporal
