package skyotel_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/skyvern-go/skyvern"
	skyotel "github.com/skyvern-go/skyvern/contrib/otel"
)

const runJSON = `{"run_id":"tsk_v2_490001234567890123","status":"completed","run_type":"task_v2","output":{"price":"12.30"},"step_count":3,"created_at":"2026-01-01T00:00:00Z","modified_at":"2026-01-01T00:00:10Z"}`

// benchTelemetry returns a Telemetry on a real SDK pipeline: an
// always-sampling tracer provider whose batch span processor feeds exp,
// and a meter provider with a manual reader.
func benchTelemetry(b *testing.B, exp sdktrace.SpanExporter) *skyotel.Telemetry {
	b.Helper()
	tel, err := skyotel.New(benchProviders(b, exp))
	if err != nil {
		b.Fatal(err)
	}
	return tel
}

// benchProviders returns the providers of benchTelemetry.
func benchProviders(b *testing.B, exp sdktrace.SpanExporter) (*sdktrace.TracerProvider, *sdkmetric.MeterProvider) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithSampler(sdktrace.AlwaysSample()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	return tp, mp
}

// setup is one way of running the calls of a benchmark: its client
// options, and what to do before call i.
type setup struct {
	name string
	make func(b *testing.B) (opts []skyvern.Option, each func(i int))
}

// setups are the ways the Get Run benchmarks run: without an observer
// ("plain"), with an observer that does nothing ("nop": the root hook's
// own cost), and with this package on the pipeline of benchTelemetry and
// one of three exporters: one that drops its batches ("otel-discard":
// the SDK's pipeline and this package, no exporter's work), the SDK's
// in-memory one ("otel-mem"), emptied every 1024 calls as an exporter
// that sends its batches on and keeps nothing would be, and the stdout
// one encoding every span as JSON into io.Discard ("otel-stdout").
var setups = []setup{
	{"plain", func(*testing.B) ([]skyvern.Option, func(int)) { return nil, func(int) {} }},
	{"nop", func(*testing.B) ([]skyvern.Option, func(int)) {
		return []skyvern.Option{skyvern.WithObserver(nop{})}, func(int) {}
	}},
	{"otel-discard", func(b *testing.B) ([]skyvern.Option, func(int)) {
		return []skyvern.Option{benchTelemetry(b, discard{}).ClientOption()}, func(int) {}
	}},
	{"otel-mem", func(b *testing.B) ([]skyvern.Option, func(int)) {
		exp := tracetest.NewInMemoryExporter()
		return []skyvern.Option{benchTelemetry(b, exp).ClientOption()}, func(i int) {
			if i%1024 == 0 {
				exp.Reset()
			}
		}
	}},
	{"otel-stdout", func(b *testing.B) ([]skyvern.Option, func(int)) {
		exp, err := stdouttrace.New(stdouttrace.WithWriter(io.Discard))
		if err != nil {
			b.Fatal(err)
		}
		return []skyvern.Option{benchTelemetry(b, exp).ClientOption()}, func(int) {}
	}},
}

// benchGetRun runs Get Run with each of setups, on clients made with base.
func benchGetRun(b *testing.B, base ...skyvern.Option) {
	ctx := context.Background()
	for _, s := range setups {
		b.Run(s.name, func(b *testing.B) {
			opts, each := s.make(b)
			c, err := skyvern.NewClient(append(append([]skyvern.Option{skyvern.WithAPIKey("k")}, base...), opts...)...)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				each(i)
				if _, err := c.GetRun(ctx, "tsk_v2_490001234567890123"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGetRun measures Get Run over loopback with each of setups. On
// a busy machine, run each alone and alternate them (-bench
// 'GetRun/plain$', then 'GetRun/otel-mem$', ..., again) for a fair ratio.
func BenchmarkGetRun(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(runJSON))
	}))
	defer srv.Close()
	benchGetRun(b, skyvern.WithBaseURL(srv.URL))
}

// BenchmarkGetRunInProcess is BenchmarkGetRun with a transport that
// answers in process: without the network and its noise, it shows what
// the hook and this package cost the caller's CPU.
func BenchmarkGetRunInProcess(b *testing.B) {
	benchGetRun(b, skyvern.WithBaseURL("http://127.0.0.1:8000"), skyvern.WithHTTPClient(&http.Client{Transport: answer{}}))
}

// answer is a transport that answers every request with runJSON.
type answer struct{}

func (answer) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, ContentLength: int64(len(runJSON)),
		Body: io.NopCloser(strings.NewReader(runJSON)), Request: req}, nil
}

// BenchmarkObserver measures this package alone, without the SDK: the
// events of a call of one attempt, as the SDK sends them for a Get Run,
// with the in-memory exporter.
func BenchmarkObserver(b *testing.B) {
	exp := tracetest.NewInMemoryExporter()
	tel := benchTelemetry(b, exp)
	ctx := context.Background()
	const id = "tsk_v2_490001234567890123"
	info := skyvern.CallInfo{Operation: "GetRun", Method: http.MethodGet, URL: "http://127.0.0.1:8000/v1/runs/" + id, RunID: id}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%1024 == 0 {
			exp.Reset()
		}
		cctx, co := tel.StartCall(ctx, info)
		co.StartAttempt(cctx, 1)
		co.EndAttempt(skyvern.AttemptInfo{N: 1, StatusCode: http.StatusOK})
		co.EndCall(skyvern.CallResult{Attempts: 1, StatusCode: http.StatusOK, RunID: id})
	}
}

// BenchmarkSDKFloor makes the OpenTelemetry calls of BenchmarkObserver
// straight, with attributes and measurement options built beforehand:
// the SDK's own cost, against which BenchmarkObserver shows this
// package's.
func BenchmarkSDKFloor(b *testing.B) {
	exp := tracetest.NewInMemoryExporter()
	tp, mp := benchProviders(b, exp)
	tr := tp.Tracer("floor")
	m := mp.Meter("floor")
	dur, _ := m.Float64Histogram("d")
	att, _ := m.Int64Counter("a")
	ctx := context.Background()
	const id = "tsk_v2_490001234567890123"
	kind := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}
	callAttrs := []attribute.KeyValue{
		attribute.String("http.request.method", "GET"), attribute.String("server.address", "127.0.0.1"),
		attribute.Int("server.port", 8000), attribute.String("url.full", "http://127.0.0.1:8000/v1/runs/"+id),
		attribute.Int("skyvern.retry_count", 0), attribute.Int("http.response.status_code", 200),
		attribute.String("skyvern.run_id", id),
	}
	attemptAttrs := []attribute.KeyValue{attribute.Int("http.response.status_code", 200)}
	set := metric.WithAttributeSet(attribute.NewSet(attribute.String("skyvern.operation", "GetRun")))
	rec, add := []metric.RecordOption{set}, []metric.AddOption{set}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%1024 == 0 {
			exp.Reset()
		}
		start := time.Now()
		cctx, call := tr.Start(ctx, "GetRun", kind...)
		_, attempt := tr.Start(cctx, "GET", kind...)
		attempt.SetAttributes(attemptAttrs...)
		attempt.End()
		call.SetAttributes(callAttrs...)
		call.End()
		dur.Record(cctx, time.Since(start).Seconds(), rec...)
		att.Add(cctx, 1, add...)
	}
}

// discard is a span exporter that drops what it is given.
type discard struct{}

func (discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discard) Shutdown(context.Context) error                             { return nil }

// nop is an Observer that does nothing: it measures the hook's own cost.
type nop struct{}

func (nop) StartCall(ctx context.Context, _ skyvern.CallInfo) (context.Context, skyvern.CallObserver) {
	return ctx, nop{}
}
func (nop) StartAttempt(ctx context.Context, _ int) context.Context { return ctx }
func (nop) EndAttempt(skyvern.AttemptInfo)                          {}
func (nop) EndCall(skyvern.CallResult)                              {}
