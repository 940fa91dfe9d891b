package skyotel_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

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
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithSampler(sdktrace.AlwaysSample()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	tel, err := skyotel.New(tp, mp)
	if err != nil {
		b.Fatal(err)
	}
	return tel
}

// exporters are the span exporters the benchmarks run with: the SDK's
// in-memory one ("mem"), emptied every 1024 calls as an exporter that
// sends its batches on and keeps nothing would be, and the stdout one,
// which encodes every span as JSON, into io.Discard ("stdout").
func exporters(b *testing.B) map[string]func() (sdktrace.SpanExporter, func(i int)) {
	return map[string]func() (sdktrace.SpanExporter, func(int)){
		"mem": func() (sdktrace.SpanExporter, func(int)) {
			exp := tracetest.NewInMemoryExporter()
			return exp, func(i int) {
				if i%1024 == 0 {
					exp.Reset()
				}
			}
		},
		"stdout": func() (sdktrace.SpanExporter, func(int)) {
			exp, err := stdouttrace.New(stdouttrace.WithWriter(io.Discard))
			if err != nil {
				b.Fatal(err)
			}
			return exp, func(int) {}
		},
	}
}

// BenchmarkGetRun compares Get Run over loopback without an observer
// ("plain"), with an observer that does nothing ("nop": the root hook's
// own cost) and with this package on the pipeline of benchTelemetry, with
// each of exporters ("otel-mem", "otel-stdout"). Run each alone and
// alternate them (-bench 'GetRun/plain$', then 'GetRun/otel-mem$', ...,
// again) for a fair ratio on a busy machine.
func BenchmarkGetRun(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(runJSON))
	}))
	defer srv.Close()
	ctx := context.Background()
	bench := func(b *testing.B, each func(int), opts ...skyvern.Option) {
		c, err := skyvern.NewClient(append([]skyvern.Option{skyvern.WithAPIKey("k"), skyvern.WithBaseURL(srv.URL)}, opts...)...)
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
	}
	none := func(int) {}
	b.Run("plain", func(b *testing.B) { bench(b, none) })
	b.Run("nop", func(b *testing.B) { bench(b, none, skyvern.WithObserver(nop{})) })
	for name, newExp := range exporters(b) {
		b.Run("otel-"+name, func(b *testing.B) {
			exp, each := newExp()
			bench(b, each, benchTelemetry(b, exp).ClientOption())
		})
	}
}

// BenchmarkObserver measures this package alone, without HTTP: the events
// of one call of one attempt, as the SDK sends them for a Get Run.
func BenchmarkObserver(b *testing.B) {
	for name, newExp := range exporters(b) {
		b.Run(name, func(b *testing.B) {
			exp, each := newExp()
			observe(b, benchTelemetry(b, exp), each)
		})
	}
}

func observe(b *testing.B, tel *skyotel.Telemetry, each func(int)) {
	ctx := context.Background()
	const id = "tsk_v2_490001234567890123"
	info := skyvern.CallInfo{Operation: "GetRun", Method: http.MethodGet, URL: "http://127.0.0.1:8000/v1/runs/" + id, RunID: id}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		each(i)
		cctx, co := tel.StartCall(ctx, info)
		co.StartAttempt(cctx, 1)
		co.EndAttempt(skyvern.AttemptInfo{N: 1, StatusCode: 200})
		co.EndCall(skyvern.CallResult{Attempts: 1, StatusCode: 200, RunID: id})
	}
}

// nop is an Observer that does nothing: it measures the hook's own cost.
type nop struct{}

func (nop) StartCall(ctx context.Context, _ skyvern.CallInfo) (context.Context, skyvern.CallObserver) {
	return ctx, nop{}
}
func (nop) StartAttempt(ctx context.Context, _ int) context.Context { return ctx }
func (nop) EndAttempt(skyvern.AttemptInfo)                          {}
func (nop) EndCall(skyvern.CallResult)                              {}
