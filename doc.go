// Package skyvern is a client for the Skyvern browser-automation API.
//
// Skyvern runs AI browser tasks and multi-step workflows ("agents"). A run
// takes minutes, so a caller starts it, passes a webhook URL, and Skyvern
// POSTs a signed JSON callback when the run reaches a terminal status.
// This package starts, reads, cancels and lists runs, replays their
// webhooks, waits for them, and manages workflows. Its companions are
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
// # Runs
//
// RunTask and RunWorkflow start runs; GetRun reads one; CancelRun and
// BulkCancelRuns stop them; RetryRunWebhook sends a finished run's webhook
// again and reports how the receiver answered. ListRuns and
// ListWorkflowRuns are iterators (iter.Seq2) that fetch pages as the loop
// consumes them; ListRunsPage and ListWorkflowRunsPage fetch one page.
// GetRunTimeline and GetRunArtifacts return what a run did and recorded.
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
// webhook arrives, falling back to polling for runs whose webhook is late
// or lost.
//
// # Workflows
//
// CreateWorkflow, GetWorkflow, ListWorkflows, UpdateWorkflow,
// DeleteWorkflow and ListWorkflowVersions manage saved workflows, whose
// definitions are JSON (WorkflowDefinition, or your own) or YAML. A
// workflow's own callback is WorkflowDefinition.DefaultWebhookURL
// (webhook_callback_url); a single run overrides it with
// WorkflowRunRequest.WebhookURL (webhook_url).
//
// # Options
//
// NewClient takes Options (WithAPIKey, WithBaseURL, WithHTTPClient,
// WithTimeout, WithMaxRetries, WithRetryWait, WithUserAgent, WithHeader,
// WithLogger, WithPollInterval). Every method also takes Options as its
// last arguments, which apply to that call only. NewWaiter takes
// WaiterOptions instead (WithFallbackPolling, WithMaxConcurrentPolls,
// WithRecentResults, WithPollOptions), a separate type, so that one passed
// to a method does not compile:
//
//	run, err := client.GetRun(ctx, id, skyvern.WithTimeout(5*time.Second), skyvern.WithMaxRetries(5))
//
// # Retries
//
// Reads, cancels and deletes are retried on connection errors and on 408,
// 429, 500, 502, 503 and 504, with exponential backoff, full jitter, a cap,
// and Retry-After honoured up to 30 seconds; waits end when the context
// does. RunTask, RunWorkflow, RetryRunWebhook, CreateWorkflow and
// UpdateWorkflow act on the server and Skyvern takes no idempotency key for
// them (CreateWorkflow excepted, see WithIdempotencyKey), so they are
// retried only when the request provably never reached the server (it
// failed while resolving, connecting or in the TLS handshake) or the server
// said it did not take it (429, or 503 with Retry-After). Any other failure
// is returned at once and matches ErrRunMayExist: look for the run before
// starting it again.
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
// a Client is printed with any fmt verb.
package skyvern
