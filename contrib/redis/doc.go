// Package redis lets the replicas of a service that receives Skyvern's
// webhooks behind a load balancer act as one, through a Redis they share
// (go-redis v9).
//
// Import it as skyredis, beside go-redis:
//
//	import skyredis "github.com/skyvern-go/skyvern/contrib/redis"
//
// Skyvern delivers a run's webhook to whichever replica the balancer
// picks, in up to three attempts that may each reach another replica. Two
// things then need more than one replica's memory:
//
//   - Deduplicator, a webhooks.Deduplicator kept in Redis: the callback of
//     a delivery runs once across all replicas, whichever replicas its
//     copies reach. A copy in progress holds a lease, renewed while its
//     callback runs, so a replica that dies mid-callback blocks its
//     delivery only until the lease ends; the next copy then runs the
//     callback.
//   - Fanout, a Redis Pub/Sub channel that carries each verified run to the
//     skyvern.Waiters of every replica, so that a Wait on one replica ends
//     within milliseconds of another replica receiving the run's webhook.
//
// Wiring a receiver:
//
//	rdb := goredis.NewClient(&goredis.Options{Addr: "redis:6379"})
//	fanout := skyredis.NewFanout(rdb, "")
//	defer fanout.Close()
//	dedup := skyredis.NewDeduplicator(rdb)
//	defer dedup.Close()
//	waiter := skyvern.NewWaiter(client)
//	fanout.Attach(waiter)
//	http.Handle("/skyvern", webhooks.Handler(apiKey, func(ctx context.Context, run *skyvern.RunResponse) error {
//		// ... the run's own processing ...
//		_ = fanout.Publish(ctx, run) // on error, other replicas' waits end by polling
//		return nil
//	}, webhooks.WithDeduplicator(dedup)))
//
// # When Redis is slow or down
//
// Nothing is lost and nothing is answered wrongly. A call that Redis does
// not answer within the client's timeouts (go-redis's ReadTimeout, 3 s by
// default) fails as if Redis were down: Deduplicator.Begin returns the
// error, the Handler answers 500 and Skyvern retries the delivery. A
// Fanout that loses its subscription reconnects with backoff (50 ms up to
// 5 s), and pings Redis after 15 seconds of silence to notice a
// connection that died quietly. Pub/Sub delivers at most once: a run
// published while a replica was disconnected is not replayed to it when
// it reconnects, and that replica's waits for it end with the Waiter's
// fallback polling (skyvern.WithFallbackPolling), as they would without
// Redis: later, with the same result. A Redis that restarts without
// persistence forgets which deliveries were processed, so a copy arriving
// after the restart runs its callback again.
//
// # Cost
//
// Deduplicator makes one round trip to Redis per state transition: one
// for Begin, one for End (each a Lua script run by EVALSHA; once more,
// with EVAL, after Redis lost its script cache). A delivery in progress
// also has one goroutine, from Begin to End, that renews its lease every
// lease/3 (15 s by default) with one EVALSHA: none for a callback shorter
// than that. A Fanout holds one
// connection and one goroutine for its subscription; each Publish is one
// PUBLISH of the run's JSON.
package redis
