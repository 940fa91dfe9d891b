package redis_test

import (
	"context"
	"net/http"
	"os"

	goredis "github.com/redis/go-redis/v9"

	"github.com/skyvern-go/skyvern"
	skyredis "github.com/skyvern-go/skyvern/contrib/redis"
	"github.com/skyvern-go/skyvern/webhooks"
)

// A replica of a receiver: its deliveries are deduplicated with the other
// replicas', and its Waiter hears of the runs any replica receives.
func Example_receiver() {
	rdb := goredis.NewClient(&goredis.Options{Addr: "localhost:6379"})
	defer rdb.Close()
	client, _ := skyvern.NewClient(skyvern.WithAPIKey(os.Getenv("SKYVERN_API_KEY")))

	waiter := skyvern.NewWaiter(client)
	fanout := skyredis.NewFanout(rdb, "")
	defer fanout.Close()
	fanout.Attach(waiter)
	dedup := skyredis.NewDeduplicator(rdb)
	defer dedup.Close()

	http.Handle("/skyvern", webhooks.Handler(os.Getenv("SKYVERN_API_KEY"),
		func(ctx context.Context, run *skyvern.RunResponse) error {
			// ... the run's own processing, then:
			_ = fanout.Publish(ctx, run) // on error, other replicas' waits end by polling
			return nil
		},
		webhooks.WithDeduplicator(dedup)))

	// Any replica's waits then end as soon as any replica receives the run:
	//	run, err := waiter.Wait(ctx, runID)
}
