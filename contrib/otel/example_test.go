package skyotel_test

import (
	"context"
	"log"
	"net/http"
	"os"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/skyvern-go/skyvern"
	skyotel "github.com/skyvern-go/skyvern/contrib/otel"
	"github.com/skyvern-go/skyvern/webhooks"
)

// A service that runs tasks, waits for them by webhook and reports all of
// it to OpenTelemetry. Real code passes its exporters to the providers
// (sdktrace.WithBatcher, sdkmetric.WithReader).
func Example() {
	tp, mp := sdktrace.NewTracerProvider(), sdkmetric.NewMeterProvider()
	defer tp.Shutdown(context.Background())
	defer mp.Shutdown(context.Background())

	tel, err := skyotel.New(tp, mp)
	if err != nil {
		log.Fatal(err)
	}
	client, err := skyvern.NewClient(tel.ClientOption())
	if err != nil {
		log.Fatal(err)
	}
	waiter := skyvern.NewWaiter(client, tel.WaiterOption())
	if err := tel.ObserveWaiter(waiter); err != nil {
		log.Fatal(err)
	}
	http.Handle("/skyvern", webhooks.Handler(os.Getenv("SKYVERN_API_KEY"), func(_ context.Context, run *skyvern.RunResponse) error {
		waiter.Deliver(run)
		return nil
	}, tel.HandlerOption()))
}
