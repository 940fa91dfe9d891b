package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/skyvern-go/skyvern"
)

// DefaultMaxBodyBytes is the default limit on a request body: 32 MiB.
// Skyvern itself sets no limit and run outputs of megabytes are common; see
// WithMaxBodyBytes.
const DefaultMaxBodyBytes = 32 << 20

// Answers that name no input.
const (
	msgOK             = "ok"
	msgDuplicate      = "ok: duplicate delivery, already processed"
	msgInProgress     = "webhooks: this delivery is being processed; retry later"
	msgCallbackFailed = "webhooks: callback failed"
	msgMethod         = "webhooks: method not allowed; use POST"
	msgUnreadable     = "webhooks: cannot read the request body"
	msgDedupFailed    = "webhooks: cannot check for duplicate deliveries"
)

// Handler returns an http.Handler that receives Skyvern's run webhooks and
// calls fn with each genuine run. It works with any router.
//
// For each request, in this order:
//   - a method other than POST gets 405 with "Allow: POST";
//   - a body over the limit (DefaultMaxBodyBytes, see WithMaxBodyBytes) gets
//     413; the body is read once, whatever its Content-Type;
//   - a missing or invalid x-skyvern-signature gets 401, and an empty apiKey
//     (with no WithExtraKeys) gets 500 as a misconfiguration; fn is not called;
//   - with WithFreshnessWindow or WithRequiredTimestamp, a stale or missing
//     timestamp gets 401;
//   - a body that is not a run's JSON object gets 400;
//   - a delivery already processed (same run_id and status, see
//     WithDeduplicator) gets 200 without calling fn, and a copy of a
//     delivery whose fn is still running gets 425 Too Early, which Skyvern
//     retries later;
//   - otherwise fn runs before the answer: 200 when it returns nil, 500 when
//     it returns an error or panics. Skyvern redelivers after a 500 (up to
//     three attempts in all), and the deduplicator forgets a failed
//     delivery, so the redelivery runs fn again.
//
// fn gets the request's context, which ends when Skyvern stops waiting (30
// seconds per attempt). Keep fn short: put slow work on a queue that fn
// feeds, and return once the run is safely queued. A panic in fn is
// recovered and logged without the body.
func Handler(apiKey string, fn func(context.Context, *skyvern.RunResponse) error, opts ...HandlerOption) http.Handler {
	if fn == nil {
		panic("webhooks: Handler called with a nil function")
	}
	c := newConfig(apiKey, opts)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := c.receive(w, r)
		if !ok {
			return
		}
		run, err := decodeRun(body)
		if err != nil {
			c.reject(w, r, err)
			return
		}
		log := c.log.With(slog.String("run_id", run.RunID), slog.String("status", string(run.Status)))
		ctx := r.Context()

		key := ""
		if c.dedup != nil && run.RunID != "" {
			key = run.RunID + ":" + string(run.Status)
			state, err := c.dedup.Begin(ctx, key)
			switch {
			case err != nil:
				log.ErrorContext(ctx, "webhooks: deduplicator failed", slog.Any("error", err))
				answer(w, http.StatusInternalServerError, msgDedupFailed)
				return
			case state == DeliveryDone:
				log.DebugContext(ctx, "webhooks: duplicate delivery answered without calling the callback")
				answer(w, http.StatusOK, msgDuplicate)
				return
			case state == DeliveryInProgress:
				log.InfoContext(ctx, "webhooks: copy of a delivery in progress answered 425")
				answer(w, http.StatusTooEarly, msgInProgress)
				return
			}
		}

		err = guard(log, func() error { return fn(ctx, run) })
		if key != "" {
			// Record the outcome even if Skyvern has hung up.
			if err := c.dedup.End(context.WithoutCancel(ctx), key, err == nil); err != nil {
				log.ErrorContext(ctx, "webhooks: deduplicator failed", slog.Any("error", err))
			}
		}
		if err != nil {
			answer(w, http.StatusInternalServerError, msgCallbackFailed)
			return
		}
		answer(w, http.StatusOK, msgOK)
	})
}

// HandlerOption configures Handler and TOTPHandler. The zero HandlerOption
// does nothing.
type HandlerOption struct{ apply func(*config) }

// WithExtraKeys makes the handler also accept signatures made with keys,
// besides its apiKey argument: during a key rotation, pass the old key (or
// the new one) here. Empty keys are ignored.
func WithExtraKeys(keys ...string) HandlerOption {
	return HandlerOption{func(c *config) { c.keys = append(c.keys, keys...) }}
}

// WithMaxBodyBytes sets the largest body the handler reads, in bytes;
// larger bodies are answered 413 without being verified. The default is
// DefaultMaxBodyBytes (32 MiB). Skyvern has no limit of its own, so set it
// above the largest run output you expect; n <= 0 restores the default.
func WithMaxBodyBytes(n int64) HandlerOption {
	if n <= 0 {
		n = DefaultMaxBodyBytes
	}
	return HandlerOption{func(c *config) { c.maxBody = n }}
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
	window           time.Duration
	requireTimestamp bool
	now              func() time.Time
	dedup            Deduplicator
	dedupSet         bool
	log              *slog.Logger
}

func newConfig(apiKey string, opts []HandlerOption) *config {
	c := &config{
		keys:    []string{apiKey},
		maxBody: DefaultMaxBodyBytes,
		now:     time.Now,
		log:     slog.Default(),
	}
	for _, opt := range opts {
		if opt.apply != nil {
			opt.apply(c)
		}
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
// timestamp) and returns the body. When a check fails it has answered, and
// ok is false.
func (c *config) receive(w http.ResponseWriter, r *http.Request) (body []byte, ok bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		c.log.WarnContext(r.Context(), "webhooks: rejected request", slog.String("method", r.Method), slog.Int("status", http.StatusMethodNotAllowed))
		answer(w, http.StatusMethodNotAllowed, msgMethod)
		return nil, false
	}
	body, err := readBody(w, r, c.maxBody)
	if err == nil {
		err = c.verifier.Verify(body, r.Header.Get("x-skyvern-signature"))
	}
	if err == nil {
		err = c.checkTimestamp(r.Header.Get("x-skyvern-timestamp"))
	}
	if err != nil {
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
	case errors.Is(err, ErrBodyTooLarge):
		status = http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrMissingSignature), errors.Is(err, ErrInvalidSignature), errors.Is(err, ErrStale):
		status = http.StatusUnauthorized
	case errors.Is(err, ErrNoKey):
		status, level = http.StatusInternalServerError, slog.LevelError
	case errors.Is(err, ErrMalformedPayload):
	default: // reading the body failed; the error may name the connection
		msg = msgUnreadable
	}
	c.log.Log(r.Context(), level, "webhooks: rejected request", slog.Int("status", status), slog.String("error", msg))
	answer(w, status, msg)
}

// readBody reads the whole body, at most limit bytes. It allocates what the
// request announces up to 1 MiB and grows beyond only as bytes arrive, so a
// request that announces a large body without sending it costs little.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, ErrBodyTooLarge
	}
	if r.Body == nil {
		return nil, nil
	}
	size := int64(bytes.MinRead)
	if r.ContentLength > 0 {
		size += min(r.ContentLength, 1<<20)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, ErrBodyTooLarge
	}
	return buf.Bytes(), err
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
