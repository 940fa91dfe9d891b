package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skyvern-go/skyvern"
)

// DefaultMaxBodyBytes is the default limit on a request body: 64 MiB.
// Skyvern itself sets no limit, run outputs of megabytes are common, and a
// workflow run's body carries its output twice (as "output" and as the
// legacy "outputs"), so the default fits a workflow output of about 32 MiB;
// see WithMaxBodyBytes for how to size it.
const DefaultMaxBodyBytes = 64 << 20

// DefaultReadTimeout is how long, by default, Handler and TOTPHandler wait
// for a request's body to arrive once its headers have: 30 seconds, as long
// as Skyvern waits for an answer. See WithReadTimeout.
const DefaultReadTimeout = 30 * time.Second

// DefaultMaxBufferedBytes is the default bound on the bytes a Handler or
// TOTPHandler holds for request bodies at once, across all the requests it
// is reading or processing, with the default body limit: 128 MiB, twice
// DefaultMaxBodyBytes. (With a larger limit, set by WithMaxBodyBytes, the
// default is twice that limit.) That lets one body at the limit be read
// (it needs up to one and a half times its size while it arrives) beside
// the small deliveries that keep coming, and keeps what a flood of senders
// can make the handler hold within what a container of 512 MiB can spare,
// with Go's garbage collector's headroom. See WithMaxBufferedBytes.
const DefaultMaxBufferedBytes = 2 * DefaultMaxBodyBytes

// Answers that name no input.
const (
	msgOK             = "ok"
	msgDuplicate      = "ok: duplicate delivery, already processed"
	msgInProgress     = "webhooks: this delivery is being processed; retry later"
	msgCallbackFailed = "webhooks: callback failed"
	msgMethod         = "webhooks: method not allowed; use POST"
	msgUnreadable     = "webhooks: cannot read the request body"
	msgReadTimeout    = "webhooks: the request body did not arrive in time"
	msgDedupFailed    = "webhooks: cannot check for duplicate deliveries"
	msgBusy           = "webhooks: too many request bodies in memory; retry later"
)

// Handler returns an http.Handler that receives Skyvern's run webhooks and
// calls fn with each genuine run. It works with any router.
//
// For each request, in this order:
//   - a method other than POST gets 405 with "Allow: POST";
//   - a body over the limit (DefaultMaxBodyBytes, see WithMaxBodyBytes) gets
//     413, and a body that does not arrive within the read timeout
//     (DefaultReadTimeout, see WithReadTimeout) gets 408 and the connection
//     is closed; the body is read once, whatever its Content-Type, into
//     memory that grows with the bytes that actually arrive;
//   - a body that would take the bytes held for all bodies past the bound
//     (DefaultMaxBufferedBytes, see WithMaxBufferedBytes) gets 503 with
//     Retry-After, which Skyvern retries, and the connection is closed;
//   - a missing or invalid x-skyvern-signature gets 401, and an empty apiKey
//     (with no WithExtraKeys) gets 500 as a misconfiguration; fn is not called;
//   - with WithFreshnessWindow or WithRequiredTimestamp, a stale or missing
//     timestamp gets 401;
//   - a body that is not a run's JSON object gets 400;
//   - a delivery already processed (same run_id and status, see
//     WithDeduplicator) gets 200 without calling fn;
//   - a copy of a delivery whose fn is still running waits for that
//     outcome: 200 when fn succeeded; when it failed, the copy runs fn
//     itself and answers as below. A copy that is still waiting when its
//     own request ends, or after 30 seconds (as long as Skyvern waits for
//     an answer), gets 425 Too Early, which Skyvern retries;
//   - otherwise fn runs before the answer: 200 when it returns nil, 500 when
//     it returns an error or panics. Skyvern redelivers after a 500 (up to
//     three attempts in all), and the deduplicator forgets a failed
//     delivery, so the redelivery runs fn again.
//
// fn gets the request's context, which ends when Skyvern stops waiting (30
// seconds per attempt). Keep fn short: put slow work on a queue that fn
// feeds, and return once the run is safely queued. A panic in fn is
// recovered and logged without the body.
//
// Each time fn fails, Handler logs at Error the run_id and status it did
// not process, saying that the run is lost if this was Skyvern's last
// attempt. Skyvern sends nothing that numbers its attempts (every attempt
// carries the same headers), so Handler cannot tell the last one; a run
// whose three attempts all failed, or whose fn failed after Skyvern
// stopped waiting, is only recovered by a replay: see "Runs whose every
// delivery failed" in the package documentation.
//
// Serve it from an http.Server with ReadHeaderTimeout, WriteTimeout and
// IdleTimeout set; the package documentation shows one.
func Handler(apiKey string, fn func(context.Context, *skyvern.RunResponse) error, opts ...HandlerOption) http.Handler {
	if fn == nil {
		panic("webhooks: Handler called with a nil function")
	}
	c := newConfig(apiKey, opts)
	serve := func(w http.ResponseWriter, r *http.Request, d *Delivery) {
		var held account
		body, ok := c.receive(w, r, &held)
		if !ok {
			return
		}
		defer held.release()
		run, err := decodeRun(body)
		if err != nil {
			c.reject(w, r, err)
			return
		}
		if d != nil {
			d.RunID, d.RunStatus = run.RunID, string(run.Status)
		}
		log := c.log.With(slog.String("run_id", run.RunID), slog.String("status", string(run.Status)))
		ctx := r.Context()

		key := ""
		if c.dedup != nil && run.RunID != "" {
			key = dedupKey(run.RunID, string(run.Status))
			state, flight, err := c.begin(ctx, key)
			switch {
			case err != nil:
				log.ErrorContext(ctx, "webhooks: deduplicator failed", slog.Any("error", err))
				answer(w, http.StatusInternalServerError, msgDedupFailed)
				return
			case state == DeliveryDone:
				log.DebugContext(ctx, "webhooks: duplicate delivery answered without calling the callback")
				if d != nil {
					d.Verdict = VerdictDuplicate
				}
				answer(w, http.StatusOK, msgDuplicate)
				return
			case state == DeliveryInProgress:
				log.InfoContext(ctx, "webhooks: copy of a delivery still in progress answered 425")
				if d != nil {
					d.Verdict = VerdictDuplicate
				}
				answer(w, http.StatusTooEarly, msgInProgress)
				return
			}
			defer c.flights.end(key, flight)
		}

		err = guard(log, func() error { return fn(ctx, run) })
		if key != "" {
			// Record the outcome even if Skyvern has hung up.
			if err := c.dedup.End(context.WithoutCancel(ctx), key, err == nil); err != nil {
				log.ErrorContext(ctx, "webhooks: deduplicator failed", slog.Any("error", err))
			}
		}
		if err != nil {
			// Skyvern sends the same headers with every attempt, so nothing
			// says which attempt this was: say what is at stake each time.
			log.ErrorContext(ctx, msgNotProcessed, slog.Bool("skyvern_stopped_waiting", ctx.Err() != nil))
			if d != nil {
				d.Verdict = VerdictCallbackFailed
			}
			answer(w, http.StatusInternalServerError, msgCallbackFailed)
			return
		}
		answer(w, http.StatusOK, msgOK)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.observe != nil {
			observed(c.observe, w, r, serve)
			return
		}
		serve(w, r, nil)
	})
}

// msgNotProcessed is logged, with the run's id and status, each time the
// callback fails.
const msgNotProcessed = "webhooks: run not processed: Skyvern retries a delivery up to 3 times; " +
	"if this was the last attempt, the run's result is lost unless replayed with Client.RetryRunWebhook"

// copyWait bounds how long a copy of a delivery in progress waits for its
// outcome: Skyvern stops listening after 30 seconds.
const copyWait = 30 * time.Second

// begin asks the deduplicator about key. While another copy of the
// delivery is in progress it waits, until that copy ends (then it asks
// again: the delivery is done, or it failed and this copy takes it over),
// ctx ends or copyWait has passed. A copy in progress in this process is
// waited for by its channel; one elsewhere (a shared deduplicator) by
// asking again at growing intervals.
//
// When it returns DeliveryNew, the caller runs the callback and then calls
// c.flights.end(key, flight), after Deduplicator.End.
func (c *config) begin(ctx context.Context, key string) (state DeliveryState, flight chan struct{}, err error) {
	var timeout <-chan time.Time
	poll := 20 * time.Millisecond
	for {
		state, err := c.dedup.Begin(ctx, key)
		if err != nil || state != DeliveryInProgress {
			if err == nil && state == DeliveryNew {
				flight = c.flights.begin(key)
			}
			return state, flight, err
		}
		if timeout == nil {
			t := time.NewTimer(copyWait)
			defer t.Stop()
			timeout = t.C
		}
		var again <-chan time.Time
		done := c.flights.done(key)
		if done == nil {
			t := time.NewTimer(poll)
			defer t.Stop()
			again = t.C
			poll = min(2*poll, time.Second)
		}
		select {
		case <-done:
		case <-again:
		case <-ctx.Done():
			return DeliveryInProgress, nil, nil
		case <-timeout:
			return DeliveryInProgress, nil, nil
		}
	}
}

// flights tracks the deliveries whose callback runs in this process, so
// that their copies can wait for them without polling.
type flights struct {
	mu sync.Mutex
	m  map[string]chan struct{}
}

// begin records that key's callback runs here and returns the channel its
// copies wait on.
func (f *flights) begin(key string) chan struct{} {
	ch := make(chan struct{})
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = make(map[string]chan struct{})
	}
	f.m[key] = ch
	return ch
}

// end wakes the copies waiting on ch, begin's answer for key.
func (f *flights) end(key string, ch chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	close(ch)
	if f.m[key] == ch {
		delete(f.m, key)
	}
}

// done returns a channel closed when key's callback in this process ends,
// or nil when none is running here.
func (f *flights) done(key string) <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.m[key]
}

// HandlerOption configures Handler and TOTPHandler. The zero HandlerOption
// does nothing.
type HandlerOption struct{ apply func(*config) }

// WithExtraKeys makes the handler also accept signatures made with keys,
// besides its apiKey argument: during a key rotation, pass the old key (or
// the new one) here. Empty keys are ignored.
//
// Skyvern does not sign every delivery with the same key (see "Which key
// signs" in the package documentation): a task or workflow run is signed
// with the key that created it, even after a newer key exists; a task v2
// run with the organisation's newest key; a replay with the caller's key.
// Keep the old key until the runs created with it have finished.
func WithExtraKeys(keys ...string) HandlerOption {
	return HandlerOption{func(c *config) { c.keys = append(c.keys, keys...) }}
}

// WithMaxBodyBytes sets the largest body the handler reads, in bytes;
// larger bodies are answered 413 without being verified. The default is
// DefaultMaxBodyBytes (64 MiB); n <= 0 restores it.
//
// Skyvern has no limit of its own, so size it from the largest run output
// you expect: a workflow run's body holds its output twice ("output" and
// the legacy "outputs", in the same JSON form), plus a few kilobytes of
// other fields, so allow twice the largest workflow output and 64 KiB more
// (a task's body holds its output twice as well, as "output" and
// "extracted_information"). The limit costs nothing until bytes arrive:
// the handler's memory grows with what it has received.
func WithMaxBodyBytes(n int64) HandlerOption {
	if n <= 0 {
		n = DefaultMaxBodyBytes
	}
	return HandlerOption{func(c *config) { c.maxBody = n }}
}

// WithMaxBufferedBytes bounds the bytes the handler holds for request
// bodies at once, summed over every request it is reading or processing
// (a body is held until its callback returns). A request whose body would
// take the total past n is answered 503 Service Unavailable with a
// Retry-After of the read timeout (at most 30 seconds, as long as Skyvern
// honours one), and its connection closed; Skyvern retries it. By then
// every body that was still arriving has arrived or been dropped.
//
// The bound keeps senders that announce large bodies, send half and stall,
// from holding more memory together than you allow; each of them still
// costs what it sent, until the read timeout. A body is charged for the
// memory it takes: up to twice the bytes received while it arrives (one
// and a half times for a body announced with its Content-Length, which
// Skyvern sends). A request whose body is the only one held is never
// refused, so one delivery up to the body limit always gets through, even
// when n is smaller than it needs. The default is twice the body limit,
// and at least DefaultMaxBufferedBytes (128 MiB); n <= 0 restores it. Each Handler and TOTPHandler has its own bound.
func WithMaxBufferedBytes(n int64) HandlerOption {
	return HandlerOption{func(c *config) { c.buffered.max = max(n, 0) }}
}

// WithReadTimeout sets how long the handler waits for a request's body,
// counted from when the handler starts reading it (once the headers have
// arrived); a body still incomplete by then is answered 408 Request Timeout
// and its connection closed, which Skyvern retries. The default is
// DefaultReadTimeout (30 seconds); d <= 0 restores it.
//
// The handler sets the connection's read deadline itself, through
// http.ResponseController, so that a sender that announces a body and
// sends it slowly, or never, cannot hold a connection and its memory for
// long, whatever the server's own timeouts; it replaces the server's
// ReadTimeout for the body, and is cleared once the body is read, so it
// never bounds the callback. When the handler answers before the body has
// been read whole (405, 408, 413, 503), the deadline stays and the answer
// says "Connection: close": net/http would otherwise read on, up to 256 KiB,
// looking for the body's end before reusing the connection, so a sender
// that stalls would keep it open. The connection is closed within the read
// timeout. Behind a ResponseWriter that cannot set
// deadlines (a test recorder, or middleware whose writer has no Unwrap
// method) the body is read without one, bounded by the server alone.
func WithReadTimeout(d time.Duration) HandlerOption {
	if d <= 0 {
		d = DefaultReadTimeout
	}
	return HandlerOption{func(c *config) { c.readTimeout = d }}
}

// WithFreshnessWindow makes the handler answer 401 (ErrStale) when the
// x-skyvern-timestamp header, in Unix seconds, is more than window away
// from the handler's clock, in either direction, or unreadable.
//
// The check is advisory: Skyvern does not sign the timestamp, so anyone
// who captured a delivery can replay it with a fresh one; and Skyvern
// reuses a delivery's headers when it retries, so a genuine retry can be
// minutes old. Use a window of several minutes or more. A request without
// the header is still accepted; see WithRequiredTimestamp. Off by default,
// and off for window <= 0.
//
// Skyvern writes the header as Python's datetime.utcnow().timestamp(),
// which is off by the time zone's offset on a server whose zone is not UTC
// (skyvern/forge/sdk/core/security.py): against such a self-hosted server,
// a window shorter than the offset refuses every delivery. Check the
// server's zone (a container's default is UTC) before turning this on.
func WithFreshnessWindow(window time.Duration) HandlerOption {
	return HandlerOption{func(c *config) { c.window = window }}
}

// WithRequiredTimestamp makes the handler answer 401 (ErrStale) when a
// request has no readable x-skyvern-timestamp header. Skyvern always sends
// one, but it is not signed (see WithFreshnessWindow). Off by default.
func WithRequiredTimestamp() HandlerOption {
	return HandlerOption{func(c *config) { c.requireTimestamp = true }}
}

// WithClock sets the clock the freshness window and the default
// deduplicator read, for tests. The default is time.Now.
func WithClock(now func() time.Time) HandlerOption {
	return HandlerOption{func(c *config) {
		if now != nil {
			c.now = now
		}
	}}
}

// WithDeduplicator sets how Handler recognises deliveries it has already
// processed. The default is NewMemoryDeduplicator(DefaultDedupSize,
// DefaultDedupTTL), created for each Handler: it only knows the deliveries
// this process has seen. Pass a shared implementation when several
// replicas receive the webhooks, or nil to call fn for every delivery.
// TOTPHandler ignores it.
//
// With a deduplicator, fn runs once per run and status: a copy of a
// delivery fn processed is answered 200 "duplicate" without calling fn,
// and a copy arriving while fn runs waits for its outcome (see Handler). A
// copy is waited for without delay when fn runs in this process, and by
// asking d again at growing intervals, up to a second, when it runs in
// another replica.
//
// That includes replays: Client.RetryRunWebhook sends the same run_id and
// status again, so a replay to a receiver that processed the run, while d
// remembers it, is answered as a duplicate and fn is not called (the
// replay report shows a 200 all the same). A replay recovers a delivery
// that failed or never arrived. To have fn see a run again on purpose, send
// the replay (RetryRunWebhookRequest.WebhookURL) to a Handler built with
// WithDeduplicator(nil), or read the run with Client.GetRun. Use nil also
// when fn is idempotent by itself (an upsert keyed by run_id) and you would
// rather see every copy; Skyvern's own retries then call fn more than once.
func WithDeduplicator(d Deduplicator) HandlerOption {
	return HandlerOption{func(c *config) {
		c.dedup = d
		c.dedupSet = true
	}}
}

// WithLogger sets where the handler reports what it rejects and what
// fails: rejected requests at Warn, the callback's errors and recovered
// panics at Error, duplicates at Debug and Info. It never logs a body, a
// signature or a key; it does log run_id and status, and the callback's
// error message as the callback wrote it. A panic value is logged only
// when it is a runtime error (a user value could hold the payload), with
// the stack. The default is slog.Default(); nil discards everything.
func WithLogger(l *slog.Logger) HandlerOption {
	return HandlerOption{func(c *config) {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		c.log = l
	}}
}

type config struct {
	keys             []string
	verifier         *Verifier
	maxBody          int64
	buffered         budget
	readTimeout      time.Duration
	window           time.Duration
	requireTimestamp bool
	now              func() time.Time
	dedup            Deduplicator
	dedupSet         bool
	flights          flights
	log              *slog.Logger
	observe          DeliveryObserver // see WithObserver
}

func newConfig(apiKey string, opts []HandlerOption) *config {
	c := &config{
		keys:        []string{apiKey},
		maxBody:     DefaultMaxBodyBytes,
		readTimeout: DefaultReadTimeout,
		now:         time.Now,
		log:         slog.Default(),
	}
	for _, opt := range opts {
		if opt.apply != nil {
			opt.apply(c)
		}
	}
	if c.buffered.max == 0 {
		c.buffered.max = max(2*c.maxBody, DefaultMaxBufferedBytes)
	}
	c.verifier = NewVerifier(c.keys...)
	if !c.dedupSet {
		m := NewMemoryDeduplicator(DefaultDedupSize, DefaultDedupTTL).(*memoryDeduplicator)
		m.now = c.now
		c.dedup = m
	}
	return c
}

// receive does the checks every request gets (method, size, signature,
// timestamp) and returns the body, whose memory acct holds until its
// release method is called. When a check fails it has answered, released
// acct, and ok is false.
func (c *config) receive(w http.ResponseWriter, r *http.Request, acct *account) (body []byte, ok bool) {
	acct.b = &c.buffered
	body, err := c.readBody(w, r, acct)
	if err == nil {
		err = c.verifier.Verify(body, r.Header.Get("x-skyvern-signature"))
	}
	if err == nil {
		err = c.checkTimestamp(r.Header.Get("x-skyvern-timestamp"))
	}
	if err != nil {
		acct.release()
		c.reject(w, r, err)
		return nil, false
	}
	return body, true
}

// reject answers a request that failed a check, with the error's own message
// (which names no input), and logs it.
func (c *config) reject(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusBadRequest
	level := slog.LevelWarn
	msg := err.Error()
	switch {
	case err == errMethod:
		status = http.StatusMethodNotAllowed
		w.Header().Set("Allow", http.MethodPost)
	case errors.Is(err, ErrBodyTooLarge):
		status = http.StatusRequestEntityTooLarge
	case err == errReadTimeout:
		status = http.StatusRequestTimeout
	case err == errBusy:
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", strconv.Itoa(c.retryAfter()))
	case errors.Is(err, ErrMissingSignature), errors.Is(err, ErrInvalidSignature), errors.Is(err, ErrStale):
		status = http.StatusUnauthorized
	case errors.Is(err, ErrNoKey):
		status, level = http.StatusInternalServerError, slog.LevelError
	case errors.Is(err, ErrMalformedPayload):
	default: // reading the body failed; the error may name the connection
		msg = msgUnreadable
	}
	attrs := []any{slog.Int("status", status), slog.String("error", msg)}
	if status == http.StatusMethodNotAllowed {
		attrs = append(attrs, slog.String("method", r.Method))
	}
	c.log.Log(r.Context(), level, "webhooks: rejected request", attrs...)
	answer(w, status, msg)
}

// retryAfter is the Retry-After of a 503, in seconds: the read timeout, by
// when every body that was arriving has arrived or been dropped, rounded
// up, from 1 to the 30 seconds Skyvern honours at most.
func (c *config) retryAfter() int {
	return min(max(int((c.readTimeout+time.Second-1)/time.Second), 1), 30)
}

var (
	errMethod      = errors.New(msgMethod)
	errReadTimeout = errors.New(msgReadTimeout)
	errBusy        = errors.New(msgBusy)
)

// readBody reads the whole body, at most c.maxBody bytes, within
// c.readTimeout and within the bytes acct may take.
//
// The read deadline is set before anything else and cleared only once the
// body has been read to its end. On every other path it stays, and the
// answer closes the connection: after the handler returns, net/http reads
// up to 256 KiB of an unread body looking for its end, so that it can reuse
// the connection; without a deadline, a sender that stalls would hold the
// connection, and its goroutine, for as long as it keeps TCP open.
func (c *config) readBody(w http.ResponseWriter, r *http.Request, acct *account) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		if r.Method != http.MethodPost {
			return nil, errMethod
		}
		return nil, nil
	}
	rc := http.NewResponseController(w)
	if rc.SetReadDeadline(time.Now().Add(c.readTimeout)) == nil {
		defer func() {
			if acct.done {
				_ = rc.SetReadDeadline(time.Time{}) // it bounds the body, not the callback
			}
		}()
	}
	body, err := c.readAll(r, w, acct)
	if err != nil {
		w.Header().Set("Connection", "close")
		return nil, err
	}
	acct.done = true
	return body, nil
}

// readAll checks r's method and size, and reads its body.
func (c *config) readAll(r *http.Request, w http.ResponseWriter, acct *account) ([]byte, error) {
	if r.Method != http.MethodPost {
		return nil, errMethod
	}
	if r.ContentLength > c.maxBody {
		return nil, ErrBodyTooLarge
	}
	body, err := readAll(http.MaxBytesReader(w, r.Body, c.maxBody), r.ContentLength, acct)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, ErrBodyTooLarge
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, errReadTimeout
	}
	return body, err
}

// budget bounds the bytes held for the bodies of a handler's requests.
type budget struct {
	max  int64
	used atomic.Int64
}

// account is what one request's body holds of a budget.
type account struct {
	b    *budget // nil: no bound
	held int64
	done bool // the body was read to its end
}

// take reserves n more bytes for a's body, and reports whether it may: when
// the budget's total stays within its bound, or when no other body holds
// any, so that one body up to the body limit is always read.
func (a *account) take(n int64) bool {
	if a.b != nil {
		for {
			used := a.b.used.Load()
			if used+n > a.b.max && used != a.held {
				return false
			}
			if a.b.used.CompareAndSwap(used, used+n) {
				break
			}
		}
	}
	a.held += n
	return true
}

// give returns n bytes that a's body no longer holds.
func (a *account) give(n int64) {
	a.held -= n
	if a.b != nil {
		a.b.used.Add(-n)
	}
}

// release returns everything a holds.
func (a *account) release() { a.give(a.held) }

// How readAll allocates. A body announced at up to eagerBytes gets its
// buffer at once: a sender can make the handler allocate that much without
// sending it, about what the server spends on a connection anyway. A larger
// body is read into pooled chunks until half of what it announced has
// arrived, and then into one buffer of the announced size, the chunks going
// back to the pool at once; a body of unknown length is read into chunks
// to its end and then copied into one buffer of its size. So a body never
// holds more than about twice the bytes it has received, plus a chunk
// (one and a half times, once half of an announced body has arrived), and
// once the pool is warm a body costs one allocation of its own size. Every
// allocation is charged to the request's account first.
const (
	eagerBytes = 16 << 10
	chunkBytes = 16 << 10
)

var chunkPool = sync.Pool{New: func() any { return new([chunkBytes]byte) }}

// readAll reads r to its end, charging what it allocates to acct (errBusy
// when acct may not take it). announced is the length the sender
// announced, or -1.
func readAll(r io.Reader, announced int64, acct *account) ([]byte, error) {
	if announced >= 0 && announced <= eagerBytes {
		// One spare byte, so that EOF is seen without growing the buffer.
		if !acct.take(announced + 1) {
			return nil, errBusy
		}
		return readInto(r, make([]byte, 0, announced+1), acct)
	}
	var chunks []*[chunkBytes]byte
	putChunks := func() {
		for _, c := range chunks {
			chunkPool.Put(c)
		}
		acct.give(int64(len(chunks)) * chunkBytes)
		chunks = nil
	}
	defer putChunks()
	n := 0 // bytes received, all but the last chunk full
	for {
		if announced >= 0 && 2*int64(n) >= announced {
			size := max(announced, int64(n)) + 1
			if !acct.take(size) {
				return nil, errBusy
			}
			buf := joinChunks(chunks, n, size)
			putChunks() // before waiting for the rest
			return readInto(r, buf, acct)
		}
		off := n % chunkBytes
		if off == 0 && n/chunkBytes == len(chunks) {
			if !acct.take(chunkBytes) {
				return nil, errBusy
			}
			chunks = append(chunks, chunkPool.Get().(*[chunkBytes]byte))
		}
		m, err := r.Read(chunks[len(chunks)-1][off:])
		n += m
		if err == io.EOF {
			if !acct.take(int64(n)) {
				return nil, errBusy
			}
			return joinChunks(chunks, n, int64(n)), nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// joinChunks copies the first n bytes held in chunks into a new slice of
// capacity size.
func joinChunks(chunks []*[chunkBytes]byte, n int, size int64) []byte {
	buf := make([]byte, 0, size)
	for _, c := range chunks {
		buf = append(buf, c[:min(chunkBytes, n-len(buf))]...)
	}
	return buf
}

// readInto reads r to its end, appending to buf, whose capacity acct holds
// and which grows only when r holds more than its capacity.
func readInto(r io.Reader, buf []byte, acct *account) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			grown := int64(max(2*len(buf), bytes.MinRead))
			if !acct.take(grown) {
				return nil, errBusy
			}
			acct.give(int64(cap(buf)))
			buf = append(make([]byte, 0, grown), buf...)
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

var (
	errNoTimestamp  = fmt.Errorf("%w: no x-skyvern-timestamp", ErrStale)
	errBadTimestamp = fmt.Errorf("%w: x-skyvern-timestamp is not Unix seconds", ErrStale)
)

func (c *config) checkTimestamp(h string) error {
	if c.window <= 0 && !c.requireTimestamp {
		return nil
	}
	if h == "" {
		if c.requireTimestamp {
			return errNoTimestamp
		}
		return nil
	}
	sec, err := strconv.ParseInt(h, 10, 64)
	if err != nil {
		return errBadTimestamp
	}
	if c.window > 0 {
		age := c.now().Sub(time.Unix(sec, 0))
		if age > c.window || age < -c.window {
			return ErrStale
		}
	}
	return nil
}

// guard runs fn, turning a panic into an error, and logs what went wrong.
func guard(log *slog.Logger, fn func() error) (err error) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		attrs := []any{slog.String("panic_type", fmt.Sprintf("%T", v)), slog.String("stack", string(debug.Stack()))}
		if re, ok := v.(runtime.Error); ok {
			attrs = append(attrs, slog.String("panic", re.Error()))
		}
		log.Error("webhooks: callback panicked", attrs...)
		err = errCallbackPanicked
	}()
	if err = fn(); err != nil {
		log.Error("webhooks: callback failed", slog.Any("error", err))
	}
	return err
}

var errCallbackPanicked = errors.New("webhooks: callback panicked")

func answer(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg+"\n")
}
