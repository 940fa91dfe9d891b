// Package webhooks receives what Skyvern sends to your servers: the webhook
// it POSTs when a run finishes, and the request it POSTs to a totp_url when
// a run needs a two-factor code.
//
// # What is signed
//
// Skyvern signs each request body with your API key: the header
// x-skyvern-signature holds the HMAC-SHA256 of the body's exact bytes, as 64
// lower-case hex digits. Verify checks it in constant time; Parse checks it
// and decodes the run; Handler does both for net/http and calls your
// function with the run. Verify the bytes as they arrived: a body that was
// decoded and encoded again, even with identical content, no longer matches.
//
// # Which key signs
//
// Skyvern signs with one of your organisation's API keys, and which one
// depends on how the delivery came about (as its server code reads, in
// skyvern/forge/agent.py execute_task_webhook, skyvern/services/
// task_v2_service.py send_task_v2_webhook, skyvern/forge/sdk/workflow/
// service.py prepare_workflow_webhook, skyvern/services/run_service.py and
// skyvern/services/webhook_service.py replay_run_webhook):
//   - a task run (task v1 and the other single-task engines): the
//     x-api-key that created the run;
//   - a task v2 run: the organisation's newest valid key, whoever created
//     or cancelled it;
//   - a workflow run: the key that started it, or the organisation's
//     newest valid key when none did (a scheduled run);
//   - the delivery sent when a task or workflow run is cancelled: the key
//     of the call that cancelled it (a workflow run cancelled without one
//     falls back to the organisation's newest key; a task run sends
//     nothing);
//   - a replay (Client.RetryRunWebhook): the key of the call that asked
//     for it, or the organisation's newest valid key.
//
// So while you rotate keys, runs created with the old key are still signed
// with it when they finish, and a replay is signed with the key of whoever
// asked for it: pass every key still in use to NewVerifier or
// WithExtraKeys until the old one is revoked and its runs have finished.
//
// # What the timestamp says
//
// Only the body is signed. The x-skyvern-timestamp header is not, so it
// proves nothing about when a request was made: anyone holding a captured
// delivery can resend it with a new timestamp. Skyvern also keeps a
// delivery's headers when it retries, so a genuine timestamp can be minutes
// old. WithFreshnessWindow offers the check anyway, off by default, as an
// advisory filter.
//
// Skyvern computes the timestamp as Python's
// datetime.utcnow().timestamp() (skyvern/forge/sdk/core/security.py,
// generate_skyvern_webhook_signature), which reads the UTC wall time as
// local time: on a server whose time zone is not UTC, the header is off by
// the zone's offset (hours behind east of Greenwich, ahead west of it).
// A server whose zone is UTC, a container's default, sends the right time;
// against a self-hosted server in another zone, WithFreshnessWindow
// refuses every delivery as stale unless the window exceeds the offset.
//
// # Duplicates and replays
//
// Skyvern retries a delivery that failed or timed out (30 seconds per
// attempt, three attempts in all), so the same run can arrive more than
// once, and it sends no delivery id. Handler recognises repeats by run_id
// and status (see Deduplicator), runs your function once per delivery, and
// runs it again when the first attempt failed. A copy that arrives while
// your function is still running on the first waits for its outcome and,
// if it failed, runs your function itself, so a slow function that fails
// is not lost behind copies answered "still processing". Your function runs
// before Handler answers, so keep it short: hand slow work to a queue.
//
// A replay you ask for (Client.RetryRunWebhook) carries the same run_id and
// status as the original, so to Handler it is one more copy: if your
// function already processed the run, and the deduplicator still remembers
// it (DefaultDedupTTL, ten minutes, by default), the replay is answered 200
// as a duplicate and your function is not called. A replay recovers a
// delivery that failed or never arrived; to process a run again on purpose,
// send the replay to a receiver built with WithDeduplicator(nil), whose
// function sees every copy and must cope with repeats.
//
// # Runs whose every delivery failed
//
// Skyvern makes three attempts at a delivery, and its headers are the same
// each time, so a receiver cannot tell the last. When your function fails,
// Handler answers 500 and logs at Error the run_id and status it did not
// process; if that was the third attempt, Skyvern stores the failure (the
// run's webhook_failure_reason) and sends nothing more. To recover such
// runs, list them with Client.ListRuns, filtering by terminal status (the
// only ones Skyvern delivers), newest first, and keep those that finished
// while your receiver was failing; then send each again with
// Client.RetryRunWebhook, whose report's Delivered method says whether your
// receiver took it. Runs already processed are answered as duplicates while
// the deduplicator remembers them; past that, your function sees them
// again, so make it idempotent by run_id. The example
// "ReplayRunsWhoseDeliveriesFailed" does this against the fake server.
//
// # Size and time
//
// Skyvern puts no limit on a body, and run outputs of several megabytes
// occur; a workflow run's body carries its output twice. Handler reads at
// most DefaultMaxBodyBytes (64 MiB) unless told otherwise with
// WithMaxBodyBytes, and answers 413 beyond it. Verify and Parse take the
// bytes you give them, of any size.
//
// Handler's memory grows with the bytes that arrive, not with the length a
// request announces, and it bounds the time a body may take to arrive
// (DefaultReadTimeout, see WithReadTimeout), so senders that announce large
// bodies and stall cost little and are disconnected within the read
// timeout, whatever Handler answered them. The bytes held for all bodies
// together are bounded too (DefaultMaxBufferedBytes, see
// WithMaxBufferedBytes): past the bound a request gets 503 with
// Retry-After, which Skyvern retries. Give the server its own limits for
// the rest of the exchange:
//
//	srv := &http.Server{
//		Addr:              ":8080",
//		Handler:           mux,
//		ReadHeaderTimeout: 10 * time.Second, // the handler bounds the body itself
//		WriteTimeout:      time.Minute,      // longer than Skyvern waits for an answer (30 s)
//		IdleTimeout:       time.Minute,
//		MaxHeaderBytes:    16 << 10, // Skyvern's headers are small
//	}
//
// ReadHeaderTimeout matters most: without it a sender can hold a
// connection open forever by never finishing its headers. A server
// ReadTimeout is not needed: for the body, Handler's own read timeout
// replaces it.
//
// # Testing
//
// Marshal writes a payload exactly as Skyvern's server serialises it and
// Sign signs it, so a test can send your handler what Skyvern would.
package webhooks
