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
// unknown or ended session is refused with the server's 404. With
// WithBrowsers, each session gets a real browser, whose CDP address it
// reports as browser_address (the browser module's browsertest package
// starts a local headless Chromium per session).
//
// Credentials and 2FA codes: Create, Get, Update and Delete Credential
// (POST /v1/credentials, GET /v1/credentials/{credential_id}, POST
// /v1/credentials/{credential_id}/update and /delete), Get Credentials (GET
// /v1/credentials), Send TOTP Code (POST /v1/credentials/totp) and Get
// Version (GET /v1/version). A credential is answered without its secrets,
// as Skyvern answers it; the codes handed over are kept for the test to
// read (Server.TOTPCodes); the secrets in these requests are recorded as
// "[redacted]" and never logged. A login run's credential_id must name a
// stored credential, as on Skyvern: Server.AddCredential stores one under an
// id the test chooses.
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
// outcome of Server.OnPrompt or Server.OnAction (OnActionContext), and
// records it in a workflow run that a later action can continue. With
// WithBrowsers, the OnAction function can do the action on the session's
// real browser, as the browsertest package does from a test's script.
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
// webhook_callback_url, and every run takes the workflow's title. Create
// Workflow honours the Idempotency-Key header: a repeat with the key
// answers the first version of the workflow the key created, whatever the
// request, and saves nothing. A definition, JSON or YAML, is saved as
// Skyvern's converter saves it: each block gets its "<label>_output"
// output parameter, listed first among the parameters; a context
// parameter's source_parameter_key becomes its source, a block's
// parameter_keys its parameters and a for loop's loop_over_parameter_key
// its loop_over, each the parameter itself; a send_email block gets its
// SMTP parameters; and the converter's refusals (undefined or duplicate
// keys, duplicate labels, a wait of no time, ...) are answered.
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
// in one attempt of at most 60 s (WithReplayTimeout), to the run's URL or
// another, and answers with Skyvern's replay report.
//
// Webhook URLs are refused with Skyvern's 400 where Skyvern refuses them:
// a scheme other than http and https, a private, link-local or internal
// host, an AWS load balancer name. A loopback host (127.0.0.1, ::1,
// localhost), which Skyvern refuses too, is accepted, as that is where a
// test's receiver listens: WithLoopbackWebhooks(false) refuses it as
// Skyvern does, and WithAllowedWebhookHosts accepts chosen hosts, as
// Skyvern's ALLOWED_HOSTS setting does.
//
// # Failures and records
//
// Server.Fault makes chosen calls of a route fail: a status code and body,
// a 429 with Retry-After, a delay, a dropped connection, a truncated or
// malformed answer; each route, /v1/agents twins included, is a Route
// constant, served with its trailing-slash alias by an http.ServeMux whose
// patterns are those constants. Server.ClearFaults removes the faults of
// chosen routes, or of all, before they are used up. Outcome.WebhookCopies
// and Outcome.WebhookDelay make duplicate and out-of-order webhook
// deliveries. Server.Requests and Server.Webhooks return every request
// received, with the status answered and whether a fault answered it, and
// every webhook sent, with the receiver's answer (a WebhookDelivery prints
// as one line, without its signature), up to WithMaxRecords of each. WithMaxRuns
// bounds the runs kept (10,000 by default): beyond it the oldest finished
// runs are forgotten, so a server left running under load does not grow
// without bound.
//
// # The admin API
//
// A server started WithAdminAPI (as the skyvern-fake command does by
// default) also serves, on the same port as the API (Server.URL), under
// AdminPrefix ("/_skyverntest/"), and with the same x-api-key, an HTTP
// form of the methods above, so that a test in another language drives
// the fake as a Go test does: the clock (GET clock, POST clock/advance),
// the runs (GET runs and runs/{run_id}, POST runs/{run_id}/finish), faults
// (POST faults, DELETE faults), and the records (GET requests, GET
// webhooks?run_id=...). On the manual clock, finish stores the run's final
// status at once but sends its webhook only inside a later clock/advance
// ("0s" will do). WithAdminAPI documents each endpoint.
//
// # Fidelity to Skyvern's server
//
// Each behaviour below follows the server's code, named by its file under
// skyvern/ in Skyvern's repository and its function; the last column says
// where the fake deliberately differs, and why. One row per behaviour.
//
//	Behaviour | Server file: function | Deliberate difference
//	Run Task | forge/sdk/routes/agent_protocol.py: run_task | run_request shows the request as sent (title aside), not rebuilt from a few fields; no task generation without a url
//	Task run titles | services/task_v1_service.py: run_task; services/task_v2_service.py: initialize_task_v2 | a task v2 run keeps "New Workflow": no model renames it
//	Engines without browser memory | forge/sdk/routes/agent_protocol.py: run_task | none: v1, v3 and CUA refuse browser_profile_id and start_fresh_browser with 400
//	publish_workflow | schemas/runs.py: TaskRunRequest._route_publish_workflow_to_v2 | none
//	Run Workflow, its title | forge/sdk/routes/agent_protocol.py: run_workflow; services/workflow_service.py: setup_workflow_run | a workflow registered with OnWorkflow has no title the fake knows: null
//	Get Run | services/run_service.py: get_run_response | run_request as for Run Task
//	Cancel Run, Cancel Runs | services/run_service.py: cancel_run, bulk_cancel_runs | none
//	Webhook URL checks at creation | utils/url_validators.py: validate_url, validate_webhook_url | loopback accepted (WithLoopbackWebhooks); names never resolved; the URL kept as sent, not as pydantic rewrites it ("/" added to an empty path)
//	Webhook delivery timeout | forge/agent.py: execute_task_webhook; forge/sdk/workflow/service.py: deliver_prepared_workflow_webhook (30 s each) | none
//	Retry Run Webhook | services/webhook_service.py: replay_run_webhook, _deliver_webhook, _validate_target_url | names never resolved (Skyvern refuses one it cannot resolve); error texts carry Go's errors, not httpx's
//	Run timeline | forge/sdk/routes/agent_protocol.py: get_run_timeline | one made-up block or thought
//	Retry Workflow Run | forge/sdk/routes/agent_protocol.py: retry_workflow_run | none
//	Create Workflow, Idempotency-Key | forge/sdk/routes/agent_protocol.py: create_workflow, validate_idempotency_key | the wpid is not derived from the key
//	Workflow definitions | forge/sdk/workflow/workflow_definition_converter.py: convert_workflow_definition | block members the fake does not model kept as sent, without each block type's defaults
//	Parameter ids of a definition | forge/sdk/workflow/workflow_definition_converter.py: convert_workflow_definition; forge/sdk/db/id.py | none: each type's own id member (onepassword_credential_parameter_id, ...) and prefix
//	Bitwarden login parameters | forge/sdk/workflow/workflow_definition_converter.py: convert_workflow_definition (WorkflowParameterMissingRequiredValue) | none: 400 without an item or collection id, or with a collection id alone and no url_parameter_key
//	send_email SMTP parameters | forge/sdk/workflow/workflow_definition_converter.py: block_yaml_to_block (_smtp_parameter); models/parameter.py: PLATFORM_SMTP_AWS_KEYS | none: Skyvern's sender's AWS secrets added to the parameters, placeholders with custom_smtp_host, the converter's 422s
//	Wait blocks | forge/sdk/workflow/workflow_definition_converter.py: block_yaml_to_block (InvalidWaitBlockTime) | none: 422 unless 1 <= wait_sec <= 1800 (settings.WORKFLOW_WAIT_BLOCK_MAX_SEC's default)
//	Parameter types and criteria types | schemas/workflows.py: PARAMETER_YAML_TYPES, BranchCriteriaYAML | pydantic's 422 for a parameter_type not in the union (azure_secret included) and a criteria_type other than jinja2_template or prompt; only top-level blocks' criteria are checked, the other members of parameters and blocks are not
//	Workflow callback URL | forge/sdk/workflow/service.py: create_workflow_from_request | as for the webhook URL checks
//	proxy_location of a definition | schemas/workflows.py: WorkflowCreateYAMLRequest | one enum error, not pydantic's one per union member
//	Get Runs, its search_key | forge/sdk/db/repositories/workflow_runs.py: get_all_runs_v2, _run_input_search_clauses; forge/sdk/db/repositories/tasks.py: create_task_run, update_task_run | never the prompt or the webhook URL, as on Skyvern; header and object values searched in Go's compact JSON (Python's json.dumps adds spaces); the workflow runs Skyvern merges in without a task_runs row (the hidden wr_ run of a task v2 run) are not listed
//	Get Runs, its limits | forge/sdk/routes/agent_protocol.py: get_runs_v2 | none: with a search or a workflow filter, the first 1000 matches only (a 400 past them); 50 workflow ids; 20 tags
//	A task run's status in Get Runs | forge/sdk/db/repositories/tasks.py: sync_task_run_status | the fake's copy never lags; Skyvern's may, so a test that needs the lag wraps the fake (as the Waiter's tests do)
//	The workflow run lists | forge/sdk/routes/agent_protocol.py: get_workflow_runs, get_workflow_runs_by_id; forge/sdk/db/repositories/workflow_runs.py: get_workflow_runs, get_workflow_runs_for_workflow_permanent_id | none
//	Login run, its credential | forge/sdk/routes/run_blocks.py: login | a credential id the test chooses is stored with Server.AddCredential
//	Credentials and their browser profile | forge/sdk/routes/credentials.py: create_credential, update_credential, get_credential, get_credentials, delete_credential, _validate_credential_browser_profile_id | "authenticator" TOTP keys are not validated
//	Send TOTP Code | forge/sdk/routes/credentials.py: send_totp_code | the code is the first run of 4 to 8 digits, found without a model: no 402, no 502
//	Custom LLMs | forge/sdk/routes/custom_llms.py; forge/sdk/schemas/custom_llms.py: validate_provider_config | follows the default ALLOW_CUSTOM_LLM_LOCAL_API_BASES: the cloud-only 400s are not served
//	Schedules and cron | forge/sdk/routes/workflow_schedules.py: _validate_request; croniter 3.0.4 as Skyvern locks it | no year field; no plan-limit 409 (the open-source limit checker has none)
//	Browser sessions and profiles | forge/sdk/routes/browser_sessions.py; forge/sdk/routes/browser_profiles.py | a second run in a busy session takes it over; Skyvern fails that run as "already occupied"
//	A session's browser (WithBrowsers) | forge/sdk/routes/browser_sessions.py: create_browser_session, close_browser_session; schemas/persistent_browser_sessions.py: browser_address | the browser is up, and browser_address set, in the create answer already (Skyvern's comes while the session is created); a browser that fails to start is a 500 and a failed session; a session that times out keeps its browser until it is closed or the server closes
//	Tags | forge/sdk/routes/agent_protocol.py: the tag routes | none
//	Folders | forge/sdk/routes/agent_protocol.py: the folder routes; forge/sdk/db/repositories/folders.py | none
//	Upload File, Delete File, artifact content | forge/sdk/routes/agent_protocol.py: upload_file, delete_file, get_artifact_content | an oversized upload without a key gets 403, where Skyvern answers 413
//	Scripts | forge/sdk/routes/scripts.py (run_script answers 400 "Not implemented") | none
//	Run SDK Action | forge/sdk/routes/sdk.py: run_sdk_action | no concurrency 429: the open-source limiter never refuses; Server.Fault makes one
package skyverntest
