// Package skyvern is a client for the Skyvern browser-automation API.
//
// Skyvern runs AI browser tasks and multi-step workflows ("agents"). A run
// takes minutes, so a caller starts it, passes a webhook URL, and Skyvern
// POSTs a signed JSON callback when the run reaches a terminal status.
// This package starts, reads, cancels and lists runs, replays their
// webhooks, waits for them, and manages workflows, browser sessions and
// profiles, schedules, folders, uploaded files, credentials, tags,
// scripts and custom LLMs: one Client method per operation of Skyvern's
// API, grouped by area under the headings below. Its companions are
// package webhooks, which verifies and parses Skyvern's callbacks into the
// same RunResponse this package returns, and package skyverntest, an
// in-process fake Skyvern server for tests.
//
// # Getting started
//
//	client, err := skyvern.NewClient() // SKYVERN_API_KEY, and SKYVERN_BASE_URL or Skyvern Cloud
//	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{
//		Prompt:     "Find the top post on Hacker News and return its title",
//		URL:        "https://news.ycombinator.com",
//		WebhookURL: "https://example.com/skyvern-hook",
//	})
//	// ... later, from the webhook or by polling:
//	run, err = client.GetRun(ctx, run.RunID)
//	var out struct{ Title string `json:"title"` }
//	err = run.DecodeOutput(&out)
//
// # Naming
//
// One rule names every method:
//
//   - ListX returns an iter.Seq2[*X, error] over every X, fetching more
//     as the loop consumes them; an error ends the sequence as its last
//     element. Collect turns any of them into a slice.
//   - ListXPage returns one page, []X, chosen by the params' Page and
//     PageSize. It exists only where the server pages: where it answers
//     with the whole list at once (ListBrowserSessions, ListCustomLLMs,
//     ListTagKeys, ListTagValues, ListWorkflowSchedules,
//     ListWorkflowVersions, ListRunArtifacts, ListRunTimeline), ListX makes
//     that one request, when the loop starts, and there is no ListXPage.
//   - GetX returns one value, *X, even one that holds lists
//     (GetRunTagSuggestions, GetRunTags).
//   - CreateX, UpdateX, DeleteX change stored objects; RunX starts a run.
//   - A scope is in the name: ListRunsOfWorkflow lists one workflow's
//     runs, ListRunsOfAllWorkflows those of every workflow, ListRuns runs
//     of every kind.
//   - A parameter that must be a workflow's permanent id ("wpid_...",
//     Workflow.WorkflowPermanentID) is named workflowPermanentID; a version
//     id ("w_...") there finds nothing.
//   - An option has the type of the calls it applies to (Option, WaitOption,
//     WaiterOption), or is a field of the one request that uses it.
//   - Every call that may have acted although it failed returns errors
//     matching one sentinel, ErrOutcomeUnknown, which lists those calls.
//
// # Runs
//
// RunTask and RunWorkflow start runs; GetRun reads one; CancelRun and
// BulkCancelRuns stop them; RetryRunWebhook sends a finished run's webhook
// again and reports how the receiver answered. ListRuns and
// ListRunsOfAllWorkflows are iterators (iter.Seq2) that fetch pages as the
// loop consumes them; ListRunsPage and ListRunsOfAllWorkflowsPage fetch one
// page.
// ListRunTimeline and ListRunArtifacts return what a run did and recorded.
//
// Task runs and workflow runs come back as one type, RunResponse, told apart
// by RunType. Decoding is lenient on purpose: a missing field is not an
// error, an unknown status or run type decodes as its string (see
// RunStatus.IsKnown), and members the SDK does not model stay in Extra and
// are written back by json.Marshal. Datetimes decode from both Skyvern's
// timezone-less form and RFC 3339 into Time, in UTC. Output stays raw JSON
// until DecodeOutput puts it into your own type.
//
// # Waiting for runs
//
// WaitForRun polls one run until it finishes. A Waiter serves many at once:
// feed it the webhooks (Deliver) and it ends each Wait when the run's
// webhook arrives, falling back to batched polling for runs whose webhook
// is late or lost. A Waiter
// lives in one process; for a run that must survive restarts and deploys,
// the module github.com/skyvern-go/skyvern/contrib/temporal makes starting
// and waiting for it a durable step of a Temporal workflow.
//
// # Workflows
//
// CreateWorkflow, GetWorkflow, ListWorkflows,
// UpdateWorkflow, DeleteWorkflow and ListWorkflowVersions manage saved
// workflows, whose definitions are JSON (WorkflowDefinition, or your own)
// or YAML. A workflow's own callback is
// WorkflowDefinition.DefaultWebhookURL (webhook_callback_url); a single run
// overrides it with WorkflowRunRequest.WebhookURL (webhook_url).
//
// ListRunsOfWorkflow iterates over the runs of one
// workflow, with filters beyond those of ListRunsOfAllWorkflows (creation time,
// tags, child runs), and ListRunsOfWorkflowPage fetches one page;
// RetryWorkflowRun starts a finished workflow run again, with its
// parameters and webhook, a new billable run; ResetWorkflowBrowserProfile
// clears the browser state a workflow keeps between its runs.
//
// # Schedules and folders
//
// CreateSchedule runs a saved workflow on a
// five-field cron expression read in an IANA time zone, and answers with
// the schedule's next firings; GetSchedule, ListWorkflowSchedules,
// UpdateSchedule, EnableSchedule, DisableSchedule and DeleteSchedule
// manage it, and ListSchedules iterates over the schedules of every
// workflow. A scheduled run is an ordinary workflow run, with TriggerType
// TriggerTypeScheduled and the schedule's WorkflowScheduleID, whose
// webhook goes to the workflow's DefaultWebhookURL. CreateFolder,
// GetFolder, ListFolders, UpdateFolder and DeleteFolder manage folders of
// workflows, UpdateWorkflowFolder moves a workflow into one or out of it,
// and ListWorkflowsParams.FolderID lists a folder's workflows.
//
// # Browser sessions and profiles
//
// A browser session is a browser that Skyvern keeps open across runs until it is
// closed or its timeout passes, billed all the while. Create one with
// CreateBrowserSession and pass its BrowserSessionID in any run request
// (RunTask, RunWorkflow, RunLogin, RunDownloadFiles) to run there, where
// the earlier runs' sign-in and cookies still are; UseBrowserSession
// creates a session, calls a function with it and closes it on every path,
// even when the context has been cancelled. RunLogin signs in with a
// credential that Skyvern fetches itself, from its own store or a vault,
// and RunDownloadFiles clicks through to files, which the finished run
// lists in DownloadedFiles; both start workflow runs, so WaitForRun, a
// Waiter and package webhooks handle them like any other run. A session
// started with GenerateBrowserProfile saves its state when it ends, and
// CreateBrowserProfile turns that state into a browser profile that later
// sessions and runs start from (BrowserProfileID).
//
// # Files and artifact content
//
// UploadFile streams a file to Skyvern's
// storage as a multipart form, from an io.Reader (Content) or from a
// function that opens it for each attempt (Open, which makes the upload
// retryable), with a Content-Length when its Size is given; the answer's
// S3URI or PresignedURL can be given to a run, and DeleteFile deletes the
// file. GetArtifactContent streams an artifact's bytes, such as a run's
// recording or a screenshot, as an *ArtifactContent to read and close,
// with its content type and length. BytesFrom, BytesBetween and LastBytes
// ask for part of it, to resume a download that broke off or to read a
// piece; a range beyond the end fails with a *RangeError matching
// ErrRangeNotSatisfiable. The client's per-attempt timeout covers a
// download only until its headers arrive; the context bounds the rest.
//
// # Credentials and 2FA codes
//
// CreateCredential stores a
// PasswordCredential, a CreditCardCredential or a SecretCredential, and
// GetCredential, ListCredentials, UpdateCredential and DeleteCredential
// manage them; Skyvern's answers never carry the secrets. The secret
// fields are of type Secret, which keeps its value where reflection cannot
// reach it (as the Client keeps its API key), prints and logs as
// "[redacted]", encodes as "[redacted]" with encoding/json, and is written
// only into the SDK's own requests to Skyvern; traces of it in an error
// answer are redacted before the error is returned. SendTOTPCode hands
// Skyvern a code that reached you by email or text message, and
// GetServerVersion reports the server's build.
//
// # Tags
//
// ApplyRunTags, GetRunTags, DeleteRunTag and GetRunTagHistory
// label a workflow run; ApplyWorkflowTags, GetWorkflowTags,
// DeleteWorkflowTag and GetWorkflowTagHistory do the same for a workflow.
// ListTagKeys, UpdateTagKey and DeleteTagKey manage the organization's tag
// groups, and ListTagValues, CreateTagValue, UpdateTagValue,
// RenameTagValue and DeleteTagValue its grouped labels and their colors;
// deleting or renaming one changes every run and workflow that carries it.
// BatchGetRunTags and BatchGetWorkflowTags read the tags of up to 200 runs
// or workflows in one call, and GetRunTagSuggestions lists what runs carry
// now. ListRunsParams.Tags and ListWorkflowsParams.Tags find runs and
// workflows by tag, with terms such as "env:prod", "env:*" or "nightly".
//
// # Scripts, custom LLMs and browser actions
//
// CreateScript, GetScript,
// ListScripts, DeployScript and RunScript manage scripts and their
// versions. ListCustomLLMs, CreateCustomLLM, UpdateCustomLLM and
// DeleteCustomLLM manage custom LLM configurations, whose API key and
// headers are Secrets; Skyvern answers them masked, and a configuration
// read back and sent to UpdateCustomLLM keeps them. RunSDKAction runs one
// AI action on a page of a browser session: an SDKAction (ClickAction,
// InputTextAction, SelectOptionAction, UploadFileAction, ActAction,
// ExtractAction, LocateElementAction, ValidateAction or PromptAction),
// whose result SDKActionResult.DecodeResult puts into your type. It is the
// call behind the official SDKs' act, extract and validate.
//
// # Options
//
// NewClient takes Options (WithAPIKey, WithBaseURL, WithHTTPClient,
// WithTimeout, WithMaxRetries, WithRetryWait, WithUserAgent, WithHeader,
// WithLogger, WithMaxResponseBytes). Every method also takes Options as
// its last arguments, which apply to that call only. An option that only
// some calls use has its own type, so that passing it anywhere else does
// not compile: WaitForRun takes WaitOptions (WithPollInterval, and any
// Option, for each poll); NewWaiter takes WaiterOptions
// (WithFallbackPolling, WithMaxConcurrentPolls, WithRecentResults,
// WithPollOptions); CreateWorkflow's idempotency key is a field of its
// request:
//
//	run, err := client.GetRun(ctx, id, skyvern.WithTimeout(5*time.Second), skyvern.WithMaxRetries(5))
//
// # Retries
//
// A call that can be repeated without harm (a read, a cancel, a delete,
// an update that sets values) is retried on a connection error and on 408,
// 429, 500, 502, 503 and 504 (2 retries by default, WithMaxRetries), with
// exponential backoff, full jitter, a cap, and Retry-After honoured up to
// 30 seconds; waits end when the context does. A method's documentation
// speaks of retries only where it differs from this. A retried delete or rename whose first answer was lost can report
// ErrNotFound (or ErrConflict, for a create that cannot happen twice)
// although the first attempt did what was asked.
//
// The exceptions are the calls that start billable work, create something
// or send a webhook, for which Skyvern takes no idempotency key
// (CreateWorkflow excepted, see CreateWorkflowRequest.IdempotencyKey).
// Their documentation says "not retried once sent": they are retried only
// when the request provably never reached the server (it failed while
// resolving, connecting or in the TLS handshake) or the server said it
// did not take it (429, or 503 with Retry-After). Any other failure is
// returned at once and matches ErrOutcomeUnknown, whose documentation
// lists these calls: look for the run (or what the call created) before
// making the call again.
//
// # Errors
//
// A response other than 2xx is an *APIError with the status, Skyvern's
// detail (FastAPI validation lists parsed into ValidationErrors), the start
// of the body, the method, path and number of attempts. errors.Is matches
// it against ErrBadRequest, ErrUnauthorized (401 and 403), ErrNotFound,
// ErrConflict, ErrValidation, ErrRateLimited and ErrServer. A call that got
// no usable answer fails with a *RequestError, which unwraps to its cause
// and matches ErrMalformedResponse when a success body could not be
// decoded.
//
// # Secrets
//
// The API key is sent only in the x-api-key header, and only to the base
// URL's origin: a redirect to another scheme, host or port does not carry
// it. It never appears in errors, in log lines (WithLogger logs method,
// path, status, attempt and duration at debug level, nothing else), or when
// a Client is printed with any fmt verb. The secrets you hand the SDK
// (passwords, card numbers, TOTP secrets, custom LLM keys) are Secrets,
// which keep the same rules; see Credentials and 2FA codes.
package skyvern
