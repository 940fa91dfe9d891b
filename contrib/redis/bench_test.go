package redis_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/skyvern-go/skyvern"
	skyredis "github.com/skyvern-go/skyvern/contrib/redis"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

// commandCounter is a go-redis hook counting the commands sent, each one
// round trip.
type commandCounter struct{ n atomic.Int64 }

func (c *commandCounter) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (c *commandCounter) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}

func (c *commandCounter) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmds)
	}
}

// BenchmarkDedup measures one delivery through a deduplicator: Begin
// (new), End (done), and a duplicate's Begin (done): three transitions.
func BenchmarkDedup(b *testing.B) {
	ctx := context.Background()
	run := func(b *testing.B, d webhooks.Deduplicator, count func() int64) {
		b.ReportAllocs()
		start := count()
		for i := 0; b.Loop(); i++ {
			key := fmt.Sprintf("wr_%d:completed", i)
			if s, err := d.Begin(ctx, key); err != nil || s != webhooks.DeliveryNew {
				b.Fatal(s, err)
			}
			if err := d.End(ctx, key, true); err != nil {
				b.Fatal(err)
			}
			if s, err := d.Begin(ctx, key); err != nil || s != webhooks.DeliveryDone {
				b.Fatal(s, err)
			}
		}
		b.ReportMetric(float64(count()-start)/float64(b.N)/3, "roundtrips/transition")
	}
	b.Run("memory", func(b *testing.B) {
		run(b, webhooks.NewMemoryDeduplicator(0, 0), func() int64 { return 0 })
	})
	b.Run("redis", func(b *testing.B) {
		srv := startRedis(b)
		rdb := srv.client(b)
		var cc commandCounter
		rdb.AddHook(&cc)
		d := skyredis.NewDeduplicator(rdb)
		defer d.Close()
		_, _ = d.Begin(ctx, "warm") // loads the script
		run(b, d, cc.n.Load)
	})
}

// BenchmarkReceivers measures deliveries per second through receivers,
// 30% of the deliveries being copies of an earlier one sent to another
// receiver, and checks that each run's callback ran once.
func BenchmarkReceivers(b *testing.B) {
	run := func(b *testing.B, handlers []http.Handler, calls *atomic.Int64) {
		var next atomic.Int64 // runs sent so far
		b.ReportAllocs()
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			rng := rand.New(rand.NewPCG(rand.Uint64(), 0))
			var mine []int64
			for i := 0; pb.Next(); i++ {
				var id int64
				if len(mine) > 0 && rng.IntN(10) < 3 {
					id = mine[rng.IntN(len(mine))]
				} else {
					id = next.Add(1)
					mine = append(mine, id)
				}
				body, _ := webhooks.Marshal(map[string]any{"run_id": fmt.Sprintf("wr_%d", id), "status": "completed"})
				req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
				req.Header.Set("x-skyvern-signature", webhooks.Sign(body, testKey))
				w := httptest.NewRecorder()
				handlers[(int(id)+i)%len(handlers)].ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Errorf("answer %d", w.Code)
				}
			}
		})
		b.StopTimer()
		if calls.Load() != next.Load() {
			b.Fatalf("%d callbacks for %d runs", calls.Load(), next.Load())
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
	}
	fn := func(calls *atomic.Int64) func(context.Context, *skyvern.RunResponse) error {
		return func(context.Context, *skyvern.RunResponse) error { calls.Add(1); return nil }
	}
	b.Run("memory-1", func(b *testing.B) {
		var calls atomic.Int64
		// Remember every run, as Redis does: the default bound (10000
		// keys) is below the runs of a second of this benchmark, and a
		// copy of a forgotten run would run its callback again.
		d := webhooks.NewMemoryDeduplicator(1<<30, 0)
		run(b, []http.Handler{webhooks.Handler(testKey, fn(&calls), webhooks.WithDeduplicator(d), webhooks.WithLogger(quiet))}, &calls)
	})
	b.Run("redis-3", func(b *testing.B) {
		srv := startRedis(b)
		var calls atomic.Int64
		var hs []http.Handler
		for range 3 {
			d := skyredis.NewDeduplicator(srv.client(b))
			b.Cleanup(func() { _ = d.Close() })
			hs = append(hs, webhooks.Handler(testKey, fn(&calls), webhooks.WithDeduplicator(d), webhooks.WithLogger(quiet)))
		}
		run(b, hs, &calls)
	})
}

// BenchmarkCrossReplicaWait measures how long a Wait on one replica takes
// to end after another replica publishes its run.
func BenchmarkCrossReplicaWait(b *testing.B) {
	srv := startRedis(b)
	fake := skyverntest.NewServer(b)
	sub := skyredis.NewFanout(srv.client(b), "", skyredis.WithLogger(quiet))
	defer sub.Close()
	pub := skyredis.NewFanout(srv.client(b), "", skyredis.WithLogger(quiet))
	waiter := skyvern.NewWaiter(fake.Client(), skyvern.WithFallbackPolling(time.Hour, time.Hour))
	sub.Attach(waiter)
	waitSubscribers(b, srv.client(b), skyredis.DefaultChannel, 1)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; b.Loop(); i++ {
		id := fmt.Sprintf("wr_%d", i)
		b.StopTimer()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := waiter.Wait(ctx, id); err != nil {
				b.Error(err)
			}
		}()
		for waiter.Pending() == 0 {
			time.Sleep(time.Microsecond)
		}
		b.StartTimer()
		if err := pub.Publish(ctx, &skyvern.RunResponse{RunID: id, Status: skyvern.RunStatusCompleted}); err != nil {
			b.Fatal(err)
		}
		wg.Wait()
	}
}
