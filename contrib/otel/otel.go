// Package skyotel reports the Skyvern SDK's calls, webhook deliveries and
// Waiter fallback polls to OpenTelemetry, as spans and metrics.
//
// It builds on the SDK's own hooks (skyvern.WithObserver,
// webhooks.WithObserver, skyvern.WithPollOptions), so the SDK itself
// imports no tracing library. Build one Telemetry per process with New
// and pass its options where they apply:
//
//	tel, err := skyotel.New(tp, mp)
//	client, err := skyvern.NewClient(tel.ClientOption())
//	waiter, err := skyvern.NewWaiter(client, tel.WaiterOption())
//	err = tel.ObserveWaiter(waiter) // the pending-waits gauge
//	http.Handle("/hooks", webhooks.Handler(key, fn, tel.HandlerOption()))
//
// Spans:
//   - one per SDK call, of kind client, named after the Client method
//     ("GetRun"), with the HTTP client attributes of the semantic
//     conventions (http.request.method, server.address, server.port,
//     url.full without its query, http.response.status_code, error.type),
//     skyvern.run_id when the call is about a run, and
//     skyvern.retry_count;
//   - one child per attempt, named after the HTTP method, with
//     http.response.status_code, error.type, http.request.resend_count
//     from the first resend on and, when the SDK tries again,
//     skyvern.retry_reason; its request's attributes are its parent's.
//     The attempt's request carries it, so that an instrumented transport
//     nests under it;
//   - one per webhook delivery ("skyvern.webhook"), of kind server, with
//     skyvern.webhook.verdict (verified, refused, duplicate, callback
//     failed), http.response.status_code and skyvern.run_id;
//   - the Waiter's fallback polls, as call spans with
//     skyvern.waiter.fallback set.
//
// Metrics: skyvern.client.call.duration (s), skyvern.client.call.attempts
// and skyvern.client.call.errors by skyvern.operation;
// skyvern.webhook.deliveries by verdict; skyvern.waiter.pending;
// skyvern.waiter.fallback.requests by operation.
//
// A span's attributes are all set as it ends, in one step: it costs the
// SDK one copy of them instead of three. A sampler therefore sees a call
// span's name and kind, not its attributes.
//
// Cost: this package adds nothing of its own to what the OpenTelemetry
// SDK spends on a call's two spans and two measurements
// (BenchmarkObserver against BenchmarkSDKFloor), and the SDK's hook adds
// no allocation to a call. With every call sampled, the SDK's share is
// eight allocations a call and its batch span processor's goroutine, then
// the exporter's work; a call that is not sampled costs four allocations
// and a fraction of the time. A sampler that records a share of the calls
// (sdktrace.ParentBased with sdktrace.TraceIDRatioBased) is the way to
// spend less.
//
// No attribute holds a secret or a body: the API key travels in a header,
// which is never recorded, and url.full carries no query.
package skyotel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// scope is the instrumentation scope of the tracer and the meter.
const scope = "github.com/skyvern-go/skyvern/contrib/otel"

// Attribute keys of this package's own (the others are the semantic
// conventions').
const (
	KeyOperation  = attribute.Key("skyvern.operation")
	KeyRunID      = attribute.Key("skyvern.run_id")
	KeyRetryCount = attribute.Key("skyvern.retry_count")
	KeyRetry      = attribute.Key("skyvern.retry_reason")
	KeyFallback   = attribute.Key("skyvern.waiter.fallback")
	KeyVerdict    = attribute.Key("skyvern.webhook.verdict")
)

// Semantic-convention keys.
const (
	keyMethod      = attribute.Key("http.request.method")
	keyServerAddr  = attribute.Key("server.address")
	keyServerPort  = attribute.Key("server.port")
	keyURL         = attribute.Key("url.full")
	keyStatus      = attribute.Key("http.response.status_code")
	keyErrorType   = attribute.Key("error.type")
	keyResendCount = attribute.Key("http.request.resend_count")
	keyRunStatus   = attribute.Key("skyvern.run_status")
)

// Telemetry turns the SDK's events into spans and metrics. It is safe for
// concurrent use; one serves any number of clients, handlers and Waiters.
type Telemetry struct {
	tracer     trace.Tracer
	duration   metric.Float64Histogram
	attempts   metric.Int64Counter
	errs       metric.Int64Counter
	deliveries metric.Int64Counter
	fallbacks  metric.Int64Counter
	meter      metric.Meter
	fallback   fallbackObserver
}

// New returns a Telemetry that records spans with tp and metrics with mp.
func New(tp trace.TracerProvider, mp metric.MeterProvider) (*Telemetry, error) {
	if tp == nil || mp == nil {
		return nil, errors.New("skyotel: New needs a TracerProvider and a MeterProvider")
	}
	m := mp.Meter(scope)
	t := &Telemetry{tracer: tp.Tracer(scope), meter: m}
	var err error
	if t.duration, err = m.Float64Histogram("skyvern.client.call.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of Skyvern SDK calls, retries included.")); err != nil {
		return nil, err
	}
	if t.attempts, err = m.Int64Counter("skyvern.client.call.attempts", metric.WithUnit("{attempt}"),
		metric.WithDescription("HTTP attempts made by Skyvern SDK calls.")); err != nil {
		return nil, err
	}
	if t.errs, err = m.Int64Counter("skyvern.client.call.errors", metric.WithUnit("{call}"),
		metric.WithDescription("Skyvern SDK calls that returned an error.")); err != nil {
		return nil, err
	}
	if t.deliveries, err = m.Int64Counter("skyvern.webhook.deliveries", metric.WithUnit("{delivery}"),
		metric.WithDescription("Webhook deliveries received, by verdict.")); err != nil {
		return nil, err
	}
	if t.fallbacks, err = m.Int64Counter("skyvern.waiter.fallback.requests", metric.WithUnit("{request}"),
		metric.WithDescription("Requests made by Waiters' fallback polling.")); err != nil {
		return nil, err
	}
	t.fallback = fallbackObserver{t}
	return t, nil
}

// ClientOption returns the Option that reports a client's calls (or one
// call's, passed to that call).
func (t *Telemetry) ClientOption() skyvern.Option { return skyvern.WithObserver(t) }

// WaiterOption returns the WaiterOption that reports a Waiter's fallback
// polls, as spans with skyvern.waiter.fallback and in the fallback
// requests counter.
func (t *Telemetry) WaiterOption() skyvern.WaiterOption {
	return skyvern.WithPollOptions(skyvern.WithObserver(&t.fallback))
}

// HandlerOption returns the webhooks HandlerOption that reports each
// delivery.
func (t *Telemetry) HandlerOption() webhooks.HandlerOption {
	return webhooks.WithObserver(t.startDelivery)
}

// ObserveWaiter reports w's pending waits in the skyvern.waiter.pending
// gauge. Call it once per Waiter.
func (t *Telemetry) ObserveWaiter(w *skyvern.Waiter) error {
	_, err := t.meter.Int64ObservableGauge("skyvern.waiter.pending", metric.WithUnit("{wait}"),
		metric.WithDescription("Runs a Waiter is waiting for."),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(w.Pending()))
			return nil
		}))
	return err
}

// StartCall implements skyvern.Observer.
func (t *Telemetry) StartCall(ctx context.Context, info skyvern.CallInfo) (context.Context, skyvern.CallObserver) {
	return t.startCall(ctx, info, false)
}

// clientSpan is the start option of every call and attempt span, built
// once so that starting a span allocates nothing of this package's own.
var clientSpan = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}

func (t *Telemetry) startCall(ctx context.Context, info skyvern.CallInfo, fallback bool) (context.Context, skyvern.CallObserver) {
	c := calls.Get().(*call)
	c.t, c.info, c.start, c.fallback = t, info, time.Now(), fallback
	c.srv, c.srvOK = serverOf(info.URL)
	ctx, c.span = t.tracer.Start(ctx, info.Operation, clientSpan...)
	c.ctx = ctx
	return ctx, c
}

// requestAttrs appends the semantic conventions' attributes of the
// request to attrs.
func (c *call) requestAttrs(attrs []attribute.KeyValue) []attribute.KeyValue {
	attrs = append(attrs, keyMethod.String(c.info.Method))
	if c.srvOK {
		attrs = append(attrs, keyServerAddr.String(c.srv.host), keyServerPort.Int(c.srv.port), keyURL.String(c.srv.url(c.info.URL)))
	}
	return attrs
}

// server is what a URL's origin gives the attributes.
type server struct {
	host     string
	port     int
	userinfo bool // the URL holds user information, which url.full drops
}

// servers caches serverOf by origin: a client has one.
var servers sync.Map // scheme://authority -> server

// serverOf returns the server of raw, the URL of a call (without query).
func serverOf(raw string) (server, bool) {
	origin := raw
	if i := strings.Index(raw, "://"); i >= 0 {
		if j := strings.IndexByte(raw[i+3:], '/'); j >= 0 {
			origin = raw[:i+3+j]
		}
	}
	if v, ok := servers.Load(origin); ok {
		return v.(server), true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return server{}, false
	}
	s := server{host: u.Hostname(), port: port(u), userinfo: u.User != nil}
	servers.Store(origin, s)
	return s, true
}

// url returns raw for url.full, without user information.
func (s server) url(raw string) string {
	if !s.userinfo {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.User = nil
	return u.String()
}

func port(u *url.URL) int {
	if p := u.Port(); p != "" {
		n, _ := strconv.Atoi(p)
		return n
	}
	if u.Scheme == "https" {
		return 443
	}
	return 80
}

// call is one call's observer: its span, and its current attempt's. It
// lives from StartCall to EndCall, then goes back to calls.
type call struct {
	t        *Telemetry
	ctx      context.Context // the call's, with its span
	span     trace.Span
	attempt  trace.Span
	info     skyvern.CallInfo
	srv      server
	srvOK    bool
	start    time.Time
	fallback bool
	// attrs is the scratch space of the attributes given to a span, which
	// copies them: part of the call's one allocation.
	attrs [10]attribute.KeyValue
}

func (c *call) StartAttempt(ctx context.Context, n int) context.Context {
	ctx, c.attempt = c.t.tracer.Start(ctx, c.info.Method, clientSpan...)
	return ctx
}

func (c *call) EndAttempt(a skyvern.AttemptInfo) {
	s := c.attempt
	if s == nil {
		return
	}
	c.attempt = nil
	attrs := c.attrs[:0]
	if a.N > 1 {
		attrs = append(attrs, keyResendCount.Int(a.N-1))
	}
	if a.StatusCode != 0 {
		attrs = append(attrs, keyStatus.Int(a.StatusCode))
	}
	if a.Retry {
		attrs = append(attrs, KeyRetry.String(a.RetryReason))
	}
	if et := errorType(a.StatusCode, a.Err); et != "" {
		attrs = append(attrs, keyErrorType.String(et))
		s.SetStatus(codes.Error, et)
	}
	s.SetAttributes(attrs...)
	s.End()
}

func (c *call) EndCall(r skyvern.CallResult) {
	attrs := c.requestAttrs(c.attrs[:0])
	attrs = append(attrs, KeyRetryCount.Int(max(r.Attempts-1, 0)))
	if r.StatusCode != 0 {
		attrs = append(attrs, keyStatus.Int(r.StatusCode))
	}
	if r.RunID != "" {
		attrs = append(attrs, KeyRunID.String(r.RunID))
	}
	if c.fallback {
		attrs = append(attrs, KeyFallback.Bool(true))
	}
	et := ""
	if r.Err != nil {
		et = errorType(r.StatusCode, r.Err)
		attrs = append(attrs, keyErrorType.String(et))
		c.span.SetStatus(codes.Error, et)
	}
	c.span.SetAttributes(attrs...)
	c.span.End()

	// c.ctx holds the call's span, for the exemplars of a meter provider
	// that records them.
	byOp := measuresOf(c.info.Operation, "")
	if et != "" {
		m := measuresOf(c.info.Operation, et)
		c.t.duration.Record(c.ctx, time.Since(c.start).Seconds(), m.record...)
		c.t.errs.Add(c.ctx, 1, m.add...)
	} else {
		c.t.duration.Record(c.ctx, time.Since(c.start).Seconds(), byOp.record...)
	}
	c.t.attempts.Add(c.ctx, int64(r.Attempts), byOp.add...)
	if c.fallback {
		c.t.fallbacks.Add(c.ctx, 1, byOp.add...)
	}
	*c = call{} // nothing of this call is kept alive by the pool
	calls.Put(c)
}

// calls recycles the observers of ended calls: the SDK uses none after
// its EndCall (see skyvern.CallObserver), and a call's observer, with its
// attribute space, is most of what this package allocates per call.
var calls = sync.Pool{New: func() any { return new(call) }}

// measures holds the options of the measurements of one operation, with
// or without an error type: one attribute set, built once, so that a
// measurement allocates nothing of this package's own.
type measures struct {
	record []metric.RecordOption
	add    []metric.AddOption
}

type measuresKey struct{ op, errorType string }

// measureSets caches measuresOf. Operations and error types are few:
// Client methods, status codes and Go error types.
var measureSets sync.Map // measuresKey -> *measures

// measuresOf returns the measurement options of operation op, with the
// error type et unless it is "".
func measuresOf(op, et string) *measures {
	k := measuresKey{op, et}
	if v, ok := measureSets.Load(k); ok {
		return v.(*measures)
	}
	set := attribute.NewSet(KeyOperation.String(op))
	if et != "" {
		set = attribute.NewSet(KeyOperation.String(op), keyErrorType.String(et))
	}
	o := metric.WithAttributeSet(set)
	v, _ := measureSets.LoadOrStore(k, &measures{record: []metric.RecordOption{o}, add: []metric.AddOption{o}})
	return v.(*measures)
}

// errorType names a failure for error.type: the status code of an error
// answer, else the error's Go type. It never holds the error's text,
// which may quote a body.
func errorType(status int, err error) string {
	if status >= 400 {
		return strconv.Itoa(status)
	}
	if err == nil {
		return ""
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return fmt.Sprintf("%T", ne)
	}
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return fmt.Sprintf("%T", err)
		}
		err = u
	}
}

// fallbackObserver observes a Waiter's fallback polls.
type fallbackObserver struct{ t *Telemetry }

func (f *fallbackObserver) StartCall(ctx context.Context, info skyvern.CallInfo) (context.Context, skyvern.CallObserver) {
	return f.t.startCall(ctx, info, true)
}

// startDelivery is the webhooks observer: a server span per delivery,
// ended with its verdict.
func (t *Telemetry) startDelivery(ctx context.Context) (context.Context, func(webhooks.Delivery)) {
	ctx, span := t.tracer.Start(ctx, "skyvern.webhook", trace.WithSpanKind(trace.SpanKindServer))
	return ctx, func(d webhooks.Delivery) {
		attrs := []attribute.KeyValue{KeyVerdict.String(string(d.Verdict)), keyStatus.Int(d.StatusCode)}
		if d.RunID != "" {
			attrs = append(attrs, KeyRunID.String(d.RunID))
		}
		if d.RunStatus != "" {
			attrs = append(attrs, keyRunStatus.String(d.RunStatus))
		}
		span.SetAttributes(attrs...)
		if d.Verdict != webhooks.VerdictVerified && d.Verdict != webhooks.VerdictDuplicate {
			span.SetStatus(codes.Error, string(d.Verdict))
		}
		span.End()
		t.deliveries.Add(context.WithoutCancel(ctx), 1, metric.WithAttributes(KeyVerdict.String(string(d.Verdict))))
	}
}
