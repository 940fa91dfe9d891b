// Package skyverntest is a fake Skyvern API server for tests: it starts
// runs, moves them through their statuses, sends their signed webhooks and
// fails on demand, all on 127.0.0.1, without a Skyvern account, a browser
// or the internet.
//
// # Starting a server
//
// In a test, NewServer starts a server that the test's cleanup closes, and
// Server.Client returns a *skyvern.Client pointed at it:
//
//	srv := skyverntest.NewServer(t)
//	client := srv.Client()
//	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Find the price", WebhookURL: hook.URL})
//
// Outside a test, Start and Close do the same; the skyvern-fake command
// (github.com/skyvern-go/skyvern/cmd/skyvern-fake) serves a Server to
// programs in any language.
//
// # What it serves
//
// Runs: Run Task (POST /v1/run/tasks), Run Workflow (POST /v1/run/workflows
// and POST /v1/run/agents), Get Run (GET /v1/runs/{run_id}), Cancel Run
// (POST /v1/runs/{run_id}/cancel), Cancel Runs (POST /v1/runs/cancel), Retry
// Run Webhook (POST /v1/runs/{run_id}/retry_webhook), Get Runs (GET
// /v1/runs), Get Workflow Runs (GET /v1/workflows/runs), and a run's
// timeline and artifacts (GET /v1/runs/{run_id}/timeline and
// /v1/runs/{run_id}/artifacts).
//
// Workflows: Create Workflow (POST /v1/workflows), Get Workflow (GET
// /v1/workflows/{id}), Update Workflow (POST /v1/workflows/{id}), Delete
// Workflow (POST /v1/workflows/{id}/delete), Get Workflows (GET
// /v1/workflows) and Get Workflow Versions (GET
// /v1/workflows/{id}/versions). Every /v1/workflows route answers under
// Skyvern's newer name, /v1/agents, too.
//
// Browser sessions and profiles: create, get, list, update and close a
// session (/v1/browser_sessions...), create, get, list, update and delete
// a profile and read its usage (/v1/browser_profiles...), and the login
// and download runs (POST /v1/run/tasks/login and
// /v1/run/tasks/download_files). A run that names a session runs in it; an
// unknown or ended session is refused with the server's 404.
//
// Credentials and 2FA codes: Create, Get, Update and Delete Credential
// (POST /v1/credentials, GET /v1/credentials/{credential_id}, POST
// /v1/credentials/{credential_id}/update and /delete), Get Credentials (GET
// /v1/credentials), Send TOTP Code (POST /v1/credentials/totp) and Get
// Version (GET /v1/version). A credential is answered without its secrets,
// as Skyvern answers it; the codes handed over are kept for the test to
// read (Server.TOTPCodes); the secrets in these requests are recorded as
// "[redacted]" and never logged.
//
// Tags: a workflow run's and a workflow's tags (apply, get, delete one,
// history, under /v1/runs/{workflow_run_id}/tags and
// /v1/workflows/{workflow_permanent_id}/tags with its /v1/agents twin),
// the registry of tag keys (/v1/tag-keys) and values (/v1/tag-values), the
// batch look-ups (/v1/run-tags and /v1/workflow-tags, GET and POST) and
// /v1/run-tag-suggestions. Get Runs and Get Workflows filter by tag, so a
// run tagged through the API is found by its tag.
//
// Scripts, custom LLMs and browser actions: create, get, list, deploy and
// run a script (/v1/scripts...); list, create, update and delete a custom
// LLM (/v1/custom-llms...), kept with its secrets and answered with them
// masked; and Run SDK Action (POST /v1/sdk/run_action), which, having no
// browser, answers each action with a plausible result, or with the
// outcome of Server.OnPrompt or Server.OnAction, and records it in a
// workflow run that a later action can continue.
//
// Schedules, folders and workflow runs: create, get, list, update,
// enable, disable and delete a workflow's schedules
// (/v1/workflows/{workflow_permanent_id}/schedules...) and list those of
// every workflow (GET /v1/schedules); create, get, list, update and delete
// a folder (/v1/folders...) and move a workflow into one (PUT
// /v1/workflows/{workflow_permanent_id}/folder); list a workflow's runs
// (GET /v1/workflows/{workflow_id}/runs), retry a finished
// workflow run (POST /v1/workflows/runs/{workflow_run_id}/retry) and reset
// a workflow's browser profile, each with its /v1/agents twin. Schedules
// fire on the server's clock (with WithManualClock, inside Advance): each
// firing starts an ordinary workflow run with the schedule's parameters,
// listed with trigger_type "scheduled" and its workflow_schedule_id, whose
// webhook goes to the workflow's webhook_callback_url and whose outcome
// OnWorkflow or OnRun chooses; a paused or deleted schedule, or one of a
// deleted workflow, starts nothing. A retried run starts from the first
// one's request, webhook included. The fake keeps no browser state, so a
// reset has nothing to clear.
//
// Files and artifact content: Upload File (POST /v1/upload_file) reads a
// multipart upload as it arrives, up to WithMaxUploadSize (10 MiB by
// default, 413 beyond), and keeps its size, SHA-256 and, up to
// WithKeptUploadBytes in all, its bytes for Server.UploadedFile; Delete
// File (DELETE /v1/files/{file_id}) forgets it. Get Artifact Content (GET
// /v1/artifacts/{artifact_id}/content) serves the bytes of a finished
// run's recording and screenshot, made up by default, or those given to
// Server.SetArtifactContent, with Range requests answered 206, or 416
// beyond the end, as Skyvern answers them.
//
// Routes lists every route served, as the Route constants spell them.
//
// All of them have the shapes, status codes and error bodies of Skyvern's
// server: 403 {"detail":"Invalid credentials"} for a wrong or missing
// x-api-key, 404 for an unknown run or workflow, 422 with FastAPI's
// validation list for an invalid body or query parameter (a page beyond
// 100, a search_key shorter than 3 characters), 400 for a replay of a run
// that has not finished, and 400 for a page of Get Runs past the first
// 1000 matches of a search. Run search (search_key) matches what Skyvern's
// matches: a run's title and URL, its ids, and a workflow run's parameters
// and extra HTTP headers; never its prompt or webhook URL. Run ids look like Skyvern's ("tsk_...",
// "tsk_v2_..." for the skyvern-2.0 engine, "wr_..." for workflow runs),
// lists are newest first, and datetimes are written as Skyvern writes them,
// in UTC without a timezone.
//
// # Runs and their outcomes
//
// A run is created, queued after a tenth of the run duration (one second by
// default, see WithRunDuration), running after two tenths, and finished at
// the end with the Outcome the test chose: by prompt (Server.OnPrompt), by
// workflow (Server.OnWorkflow, which also registers the workflow id, for
// workflows not created through the API), by a function (Server.OnRun), or
// the default (WithDefaultOutcome). An outcome can complete the run with an
// output, fail, terminate or time it out, or hold it running until
// Server.Finish. As on Skyvern's server, the final status is stored, and
// shown by Get Run, before the webhook is sent.
//
// With WithManualClock the server's time stands still until Server.Advance
// moves it; everything the server does by itself then happens inside
// Advance, on the test's goroutine, so a test needs no sleeps:
//
//	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
//	run, _ := srv.Client().RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", WebhookURL: hook.URL})
//	srv.Advance(skyverntest.DefaultRunDuration) // the run completes; its webhook has been delivered
//
// # Workflows
//
// A workflow created through the API is kept with all its versions: Update
// Workflow saves a new version (a new workflow_id, the same "wpid_..."
// permanent id), Delete Workflow marks them all deleted. Run Workflow
// accepts a workflow so created, and answers 404 once it is deleted; a run
// without a webhook_url sends its webhook to the workflow's
// webhook_callback_url. Create Workflow honours the Idempotency-Key header:
// a repeat of a request answers what the first one answered and saves
// nothing, while the same key with a different request gets 422. The fake
// does not parse YAML definitions: it reads their top-level one-line
// settings (title, webhook_callback_url, ...) and keeps no blocks.
//
// What the fake cannot know is made up from a run's state, the same for
// the same state: its timeline is one block (workflow run) or one thought
// (task v2 run) that follows the run's status, and a finished run has a
// recording and a final screenshot whose URLs lead nowhere. The fake has no
// templates or error codes, so filters on them match nothing.
//
// # Webhooks
//
// When a run with a webhook_url (or of a workflow with a
// webhook_callback_url) finishes, the server POSTs Skyvern's
// payload for that run type, legacy members included, encoded byte for
// byte as Skyvern's server encodes it (webhooks.Marshal), signed with the
// API key (x-skyvern-signature, x-skyvern-timestamp). It makes up to three
// attempts, retrying network errors, timeouts, 403, 408, 425, 429 and 5xx
// after 1 s×2ⁿ plus jitter or the receiver's Retry-After (see
// WithWebhookBackoff), and does not follow redirects. The outcome is kept
// as the run's webhook_failure_reason. Retry Run Webhook delivers once more,
// to the run's URL or another, and answers with Skyvern's replay report.
// Unlike Skyvern, the fake delivers to loopback and private addresses.
//
// # Failures and records
//
// Server.Fault makes chosen calls of a route fail: a status code and body,
// a 429 with Retry-After, a delay, a dropped connection, a truncated or
// malformed answer; each route, /v1/agents twins included, is a Route
// constant. Outcome.WebhookCopies and Outcome.WebhookDelay make
// duplicate and out-of-order webhook deliveries. Server.Requests and
// Server.Webhooks return every request received and every webhook sent,
// with the receiver's answer, up to WithMaxRecords of each. WithMaxRuns
// bounds the runs kept (10,000 by default): beyond it the oldest finished
// runs are forgotten, so a server left running under load does not grow
// without bound.
//
// # The admin API
//
// A server started WithAdminAPI (as the skyvern-fake command does by
// default) also serves, on its own port under AdminPrefix
// ("/_skyverntest/") and with the same x-api-key, an HTTP form of the
// methods above, so that a test in another language drives the fake as a
// Go test does: the clock (GET clock, POST clock/advance), the runs (GET
// runs and runs/{run_id}, POST runs/{run_id}/finish), faults (POST faults),
// and the records (GET requests, GET webhooks?run_id=...). WithAdminAPI
// documents each endpoint.
package skyverntest
