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
// Rotating keys? NewVerifier and WithExtraKeys accept several.
//
// Only the body is signed. The x-skyvern-timestamp header is not, so it
// proves nothing about when a request was made: anyone holding a captured
// delivery can resend it with a new timestamp. Skyvern also keeps a
// delivery's headers when it retries, so a genuine timestamp can be minutes
// old. WithFreshnessWindow offers the check anyway, off by default, as an
// advisory filter.
//
// # Duplicates
//
// Skyvern retries a delivery that failed or timed out (30 seconds per
// attempt, three attempts in all), so the same run can arrive more than
// once, and it sends no delivery id. Handler recognises repeats by run_id
// and status (see Deduplicator), runs your function once per delivery, and
// runs it again when the first attempt failed. Your function runs before
// Handler answers, so keep it short: hand slow work to a queue.
//
// # Size
//
// Skyvern puts no limit on a body, and run outputs of several megabytes
// occur. Handler reads at most DefaultMaxBodyBytes (32 MiB) unless told
// otherwise with WithMaxBodyBytes, and answers 413 beyond it. Verify and
// Parse take the bytes you give them, of any size.
//
// # Testing
//
// Marshal writes a payload exactly as Skyvern's server serialises it and
// Sign signs it, so a test can send your handler what Skyvern would.
package webhooks
