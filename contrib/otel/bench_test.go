package skyotel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/skyvern-go/skyvern"
	skyotel "github.com/skyvern-go/skyvern/contrib/otel"
)

// discard is a span exporter that drops what the batch processor hands it:
// the SDK's whole recording path runs, and nothing is written out.
type discard struct{}

func (discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discard) Shutdown(context.Context) error                             { return nil }

const runJSON = `{"run_id":"tsk_v2_490001234567890123","status":"completed","run_type":"task_v2","output":{"price":"12.30"},"step_count":3,"created_at":"2026-01-01T00:00:00Z","modified_at":"2026-01-01T00:00:10Z"}`

// BenchmarkGetRun compares Get Run without an observer ("plain"), with
// this package on an always-sampling tracer provider whose batch processor
// feeds an exporter that drops the spans, and a meter provider with a
// manual reader ("otel"), and with an observer that does nothing ("nop").
func BenchmarkGetRun(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(runJSON))
	}))
	defer srv.Close()
	ctx := context.Background()
	bench := func(b *testing.B, opts ...skyvern.Option) {
		c, err := skyvern.NewClient(append([]skyvern.Option{skyvern.WithAPIKey("k"), skyvern.WithBaseURL(srv.URL)}, opts...)...)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.GetRun(ctx, "tsk_v2_490001234567890123"); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("plain", func(b *testing.B) { bench(b) })
	b.Run("nop", func(b *testing.B) { bench(b, skyvern.WithObserver(nop{})) })
	b.Run("otel", func(b *testing.B) {
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discard{}), sdktrace.WithSampler(sdktrace.AlwaysSample()))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		defer tp.Shutdown(ctx)
		defer mp.Shutdown(ctx)
		tel, err := skyotel.New(tp, mp)
		if err != nil {
			b.Fatal(err)
		}
		bench(b, tel.ClientOption())
	})
}

// nop is an Observer that does nothing: it measures the hook's own cost.
type nop struct{}

func (nop) StartCall(ctx context.Context, _ skyvern.CallInfo) (context.Context, skyvern.CallObserver) {
	return ctx, nop{}
}
func (nop) StartAttempt(ctx context.Context, _ int) context.Context { return ctx }
func (nop) EndAttempt(skyvern.AttemptInfo)                          {}
func (nop) EndCall(skyvern.CallResult)                              {}
