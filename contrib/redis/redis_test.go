package redis_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
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

const testKey = "sk-test-key"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// delivery returns the signed body of run's webhook.
func delivery(t testing.TB, runID string) []byte {
	t.Helper()
	body, err := webhooks.Marshal(map[string]any{"run_id": runID, "status": "completed", "run_type": "task_v1"})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// send posts body to url as Skyvern does and returns the answer's status.
func send(t testing.TB, url string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-skyvern-signature", webhooks.Sign(body, testKey))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// counter counts the callback's calls per run.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) add(runID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = make(map[string]int)
	}
	c.n[runID]++
}

func (c *counter) get(runID string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[runID]
}

func TestDeduplicatorStates(t *testing.T) {
	srv := startRedis(t)
	rdb := srv.client(t)
	ctx := context.Background()
	a := skyredis.NewDeduplicator(rdb, skyredis.WithTTL(time.Hour), skyredis.WithLease(time.Minute))
	b := skyredis.NewDeduplicator(srv.client(t), skyredis.WithTTL(time.Hour), skyredis.WithLease(time.Minute))

	want := func(d *skyredis.Deduplicator, key string, state webhooks.DeliveryState) {
		t.Helper()
		got, err := d.Begin(ctx, key)
		if err != nil || got != state {
			t.Fatalf("Begin(%q) = %v, %v; want %v", key, got, err, state)
		}
	}
	want(a, "r1:completed", webhooks.DeliveryNew)
	want(b, "r1:completed", webhooks.DeliveryInProgress)
	want(a, "r1:completed", webhooks.DeliveryInProgress)
	if ttl := rdb.PTTL(ctx, skyredis.DefaultPrefix+"r1:completed").Val(); ttl <= 0 || ttl > time.Minute {
		t.Errorf("claim's lease = %v, want within (0, 1m]", ttl)
	}
	if err := a.End(ctx, "r1:completed", true); err != nil {
		t.Fatal(err)
	}
	want(b, "r1:completed", webhooks.DeliveryDone)
	if ttl := rdb.PTTL(ctx, skyredis.DefaultPrefix+"r1:completed").Val(); ttl <= time.Minute || ttl > time.Hour {
		t.Errorf("done key's TTL = %v, want within (1m, 1h]", ttl)
	}

	// A failed callback forgets the key, so the next copy runs it.
	want(a, "r2:failed", webhooks.DeliveryNew)
	if err := a.End(ctx, "r2:failed", false); err != nil {
		t.Fatal(err)
	}
	want(b, "r2:failed", webhooks.DeliveryNew)
	if err := b.End(ctx, "r2:failed", true); err != nil {
		t.Fatal(err)
	}
	want(a, "r2:failed", webhooks.DeliveryDone)

	if err := a.End(ctx, "never-begun", true); err == nil {
		t.Error("End of a key Begin never answered DeliveryNew: no error")
	}
}

// cuttable is a Redis client whose scripts fail while down is set: a
// replica cut off from Redis, which may come back.
type cuttable struct {
	*goredis.Client
	down atomic.Bool
}

var errCut = errors.New("cut off from Redis")

func (c *cuttable) EvalSha(ctx context.Context, sha1 string, keys []string, args ...any) *goredis.Cmd {
	if c.down.Load() {
		cmd := goredis.NewCmd(ctx)
		cmd.SetErr(errCut)
		return cmd
	}
	return c.Client.EvalSha(ctx, sha1, keys, args...)
}

func (c *cuttable) Eval(ctx context.Context, script string, keys []string, args ...any) *goredis.Cmd {
	if c.down.Load() {
		cmd := goredis.NewCmd(ctx)
		cmd.SetErr(errCut)
		return cmd
	}
	return c.Client.Eval(ctx, script, keys, args...)
}

func TestDeduplicatorLeaseTakeover(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	cut := &cuttable{Client: srv.client(t)}
	dead := skyredis.NewDeduplicator(cut, skyredis.WithLease(50*time.Millisecond))
	live := skyredis.NewDeduplicator(srv.client(t), skyredis.WithLease(time.Hour))
	other := skyredis.NewDeduplicator(srv.client(t))
	for _, d := range []*skyredis.Deduplicator{dead, live, other} {
		t.Cleanup(func() { _ = d.Close() })
	}

	if s, err := dead.Begin(ctx, "k"); err != nil || s != webhooks.DeliveryNew {
		t.Fatalf("Begin = %v, %v", s, err)
	}
	// Its replica loses Redis: the renewals fail, the lease lapses, and
	// the next copy takes the delivery over.
	cut.down.Store(true)
	deadline := time.Now().Add(30 * time.Second)
	for {
		s, err := live.Begin(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		if s == webhooks.DeliveryNew {
			break
		}
		if s != webhooks.DeliveryInProgress || time.Now().After(deadline) {
			t.Fatalf("Begin after the lease = %v", s)
		}
	}
	// Back in touch, the first claimant neither renews the new claim nor,
	// by its late failure, deletes it.
	cut.down.Store(false)
	if err := dead.End(ctx, "k", false); err != nil {
		t.Fatal(err)
	}
	if s, err := other.Begin(ctx, "k"); err != nil || s != webhooks.DeliveryInProgress {
		t.Fatalf("Begin after a stale End = %v, %v; want in progress", s, err)
	}
}

// waitGoroutines waits until no more than n goroutines run.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, want %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		runtime.Gosched() // goroutines that were told to end are ending
	}
}

// renewLease is the lease of the renewal tests: long enough that a
// renewal every lease/3 keeps it on a loaded machine.
const renewLease = 900 * time.Millisecond

func TestLeaseRenewedWhileCallbackRuns(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	ra, rb := srv.client(t), srv.client(t)
	for _, r := range []*goredis.Client{ra, rb} {
		if err := r.Ping(ctx).Err(); err != nil { // the clients' connections are up
			t.Fatal(err)
		}
	}
	before := runtime.NumGoroutine()
	a := skyredis.NewDeduplicator(ra, skyredis.WithLease(renewLease))
	b := skyredis.NewDeduplicator(rb, skyredis.WithLease(renewLease))
	t.Cleanup(func() { _ = a.Close(); _ = b.Close() })
	want := func(d *skyredis.Deduplicator, key string, state webhooks.DeliveryState) {
		t.Helper()
		got, err := d.Begin(ctx, key)
		if err != nil || got != state {
			t.Fatalf("Begin(%q) = %v, %v; want %v", key, got, err, state)
		}
	}

	// A's callback runs for three leases: every copy meanwhile, the last
	// ones well after the first lease, is in progress.
	want(a, "long", webhooks.DeliveryNew)
	for start := time.Now(); time.Since(start) < 3*renewLease; {
		want(b, "long", webhooks.DeliveryInProgress)
		time.Sleep(renewLease / 10) // the pace of the copies, not a wait for an event
	}
	if err := a.End(ctx, "long", true); err != nil {
		t.Fatal(err)
	}
	want(b, "long", webhooks.DeliveryDone)
	waitGoroutines(t, before) // End stopped the renewals

	// Close stops the renewals of a delivery still in progress: its lease
	// lapses and a copy elsewhere takes it over.
	want(a, "open", webhooks.DeliveryNew)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	waitGoroutines(t, before)
	if _, err := a.Begin(ctx, "other"); err == nil {
		t.Error("Begin after Close: no error")
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		s, err := b.Begin(ctx, "open")
		if err != nil {
			t.Fatal(err)
		}
		if s == webhooks.DeliveryNew {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Begin long after Close = %v, want new", s)
		}
		time.Sleep(renewLease / 10) // polling for the lease to lapse
	}
	if err := a.End(ctx, "open", false); err != nil { // its late failure keeps b's claim
		t.Fatal(err)
	}
	want(skyredis.NewDeduplicator(rb), "open", webhooks.DeliveryInProgress)
	if err := b.End(ctx, "open", true); err != nil {
		t.Fatal(err)
	}
	_ = b.Close()
	waitGoroutines(t, before)
}

// TestCloseWhileEnding ends deliveries, some renewing, some not yet, as
// Close runs: each claim's renewals end once, and none is left running.
func TestCloseWhileEnding(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	rdb := srv.client(t)
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	d := skyredis.NewDeduplicator(rdb, skyredis.WithLease(30*time.Millisecond))
	const n = 20
	for i := range n {
		if s, err := d.Begin(ctx, fmt.Sprint("k", i)); err != nil || s != webhooks.DeliveryNew {
			t.Fatalf("Begin = %v, %v", s, err)
		}
		if i == n/2 {
			time.Sleep(20 * time.Millisecond) // the first half's renewals start
		}
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _ = d.End(ctx, fmt.Sprint("k", i), true) })
	}
	wg.Go(func() { _ = d.Close() })
	wg.Wait()
	waitGoroutines(t, before)
}

// TestLongCallbackRunsOnce sends a copy of a delivery to replica B while
// A's callback has run for longer than the lease: B waits for A's outcome
// instead of running the callback again.
func TestLongCallbackRunsOnce(t *testing.T) {
	srv := startRedis(t)
	var calls counter
	started, release := make(chan struct{}), make(chan struct{})
	long := func(ctx context.Context, run *skyvern.RunResponse) error {
		close(started)
		<-release
		return nil
	}
	lease := skyredis.WithLease(renewLease)
	a := newReplica(t, srv, &calls, nil, long, lease)
	b := newReplica(t, srv, &calls, nil, nil, lease)
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	t.Cleanup(free) // before the servers close, should the test fail
	body := delivery(t, "wr_long")

	first := make(chan int)
	go func() { first <- send(t, a.url, body) }()
	<-started
	time.Sleep(2 * renewLease) // the callback outlives its lease
	second := make(chan int)
	go func() { second <- send(t, b.url, body) }()
	time.Sleep(renewLease) // B's copy waits meanwhile, seeing the delivery in progress
	if n := calls.get("wr_long"); n != 0 {
		t.Errorf("callback completed %d times while A's still ran, want 0", n)
	}
	free()
	if code := <-first; code != http.StatusOK {
		t.Errorf("A answered %d", code)
	}
	if code := <-second; code != http.StatusOK {
		t.Errorf("B answered %d, want 200 (a duplicate)", code)
	}
	if n := calls.get("wr_long"); n != 1 {
		t.Errorf("callback completed %d times, want 1", n)
	}
}

// replica is one receiver: its own Redis client, deduplicator, fanout,
// waiter and HTTP server.
type replica struct {
	rdb    *goredis.Client
	fanout *skyredis.Fanout
	waiter *skyvern.Waiter
	url    string
}

func newReplica(t testing.TB, srv *redisServer, calls *counter, client *skyvern.Client, fn func(context.Context, *skyvern.RunResponse) error, dopts ...skyredis.DedupOption) *replica {
	t.Helper()
	r := &replica{rdb: srv.client(t)}
	r.fanout = skyredis.NewFanout(r.rdb, "", skyredis.WithLogger(quiet))
	t.Cleanup(func() { _ = r.fanout.Close() })
	if client != nil {
		r.waiter = skyvern.NewWaiter(client, skyvern.WithFallbackPolling(time.Hour, time.Hour))
		r.fanout.Attach(r.waiter)
	}
	h := webhooks.Handler(testKey, func(ctx context.Context, run *skyvern.RunResponse) error {
		if fn != nil {
			if err := fn(ctx, run); err != nil {
				return err
			}
		}
		calls.add(run.RunID)
		_ = r.fanout.Publish(ctx, run)
		return nil
	}, webhooks.WithDeduplicator(skyredis.NewDeduplicator(r.rdb, dopts...)), webhooks.WithLogger(quiet))
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	r.url = hs.URL
	return r
}

// deliver sends body to url until it is answered 200, retrying 425 and
// 5xx as Skyvern would (without its pauses, to press harder).
func deliver(t testing.TB, url string, body []byte) {
	for i := 0; i < 100; i++ {
		switch code := send(t, url, body); {
		case code == http.StatusOK:
			return
		case code == http.StatusTooEarly || code >= 500:
		default:
			t.Errorf("answer %d", code)
			return
		}
	}
	t.Error("delivery never answered 200")
}

func TestExactlyOnceAcrossThreeReceivers(t *testing.T) {
	srv := startRedis(t)
	var calls counter
	slow := func(context.Context, *skyvern.RunResponse) error {
		time.Sleep(time.Duration(rand.IntN(3)) * time.Millisecond) // widen the window for copies
		return nil
	}
	var rs []*replica
	for range 3 {
		rs = append(rs, newReplica(t, srv, &calls, nil, slow))
	}
	const runs, copies = 100, 3
	var wg sync.WaitGroup
	for i := range runs {
		body := delivery(t, fmt.Sprintf("wr_%d", i))
		for c := range copies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				deliver(t, rs[(i+c)%3].url, body)
			}()
		}
	}
	wg.Wait()
	for i := range runs {
		if n := calls.get(fmt.Sprintf("wr_%d", i)); n != 1 {
			t.Errorf("wr_%d: callback ran %d times across the replicas, want 1", i, n)
		}
	}
}

func TestReplicaKilledMidCallback(t *testing.T) {
	srv := startRedis(t)
	var calls counter
	started := make(chan struct{})
	release := make(chan struct{})
	hang := func(ctx context.Context, run *skyvern.RunResponse) error {
		close(started)
		<-release
		return nil
	}
	lease := skyredis.WithLease(300 * time.Millisecond)
	a := newReplica(t, srv, &calls, nil, hang, lease)
	b := newReplica(t, srv, &calls, nil, nil, lease)
	c := newReplica(t, srv, &calls, nil, nil, lease)
	body := delivery(t, "wr_dead")

	first := make(chan struct{})
	go func() {
		defer close(first)
		send(t, a.url, body)
	}()
	<-started
	_ = a.rdb.Close() // replica A dies: it can no longer record an outcome

	// Skyvern's next attempt reaches B, which waits out A's lease and runs
	// the callback.
	if code := send(t, b.url, body); code != http.StatusOK {
		t.Fatalf("copy to B: %d, want 200", code)
	}
	if n := calls.get("wr_dead"); n != 1 {
		t.Fatalf("callback completed %d times, want 1 (by B)", n)
	}
	// A later copy is a duplicate.
	if code := send(t, c.url, body); code != http.StatusOK {
		t.Fatalf("copy to C: %d, want 200", code)
	}
	if n := calls.get("wr_dead"); n != 1 {
		t.Fatalf("callback completed %d times after C's copy, want 1", n)
	}
	close(release)
	<-first
}

func TestCrossReplicaWait(t *testing.T) {
	srv := startRedis(t)
	fake := skyverntest.NewServer(t)
	var calls counter
	var rs []*replica
	for range 3 {
		rs = append(rs, newReplica(t, srv, &calls, fake.Client(), nil))
	}
	waitSubscribers(t, srv.client(t), skyredis.DefaultChannel, 3)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The waits poll after an hour: only the fanout can end them now.
	results := make(chan *skyvern.RunResponse, 2)
	for _, r := range rs[:2] {
		go func() {
			run, err := r.waiter.Wait(ctx, "wr_x")
			if err != nil {
				t.Error(err)
			}
			results <- run
		}()
	}
	for rs[0].waiter.Pending() == 0 || rs[1].waiter.Pending() == 0 {
		runtime.Gosched()
	}
	if code := send(t, rs[2].url, delivery(t, "wr_x")); code != http.StatusOK {
		t.Fatalf("webhook to replica C: %d", code)
	}
	for range 2 {
		if run := <-results; run == nil || run.RunID != "wr_x" || run.Status != skyvern.RunStatusCompleted {
			t.Fatalf("wait ended with %+v", run)
		}
	}
}

func TestRedisRestart(t *testing.T) {
	srv := startRedis(t)
	fake := skyverntest.NewServer(t, skyverntest.WithRunDuration(10*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// Clients that do not retry, so that calls fail soon while Redis is down.
	client := func() *goredis.Client {
		c := goredis.NewClient(&goredis.Options{Addr: srv.Addr, MaxRetries: -1})
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	rdb := client()
	dedup := skyredis.NewDeduplicator(rdb)
	defer dedup.Close()
	sub := skyredis.NewFanout(client(), "", skyredis.WithLogger(quiet))
	defer sub.Close()
	pub := skyredis.NewFanout(client(), "", skyredis.WithLogger(quiet))
	// slow ends its waits only by the fanout; fast polls Skyvern soon.
	slow := skyvern.NewWaiter(fake.Client(), skyvern.WithFallbackPolling(time.Hour, time.Hour))
	fast := skyvern.NewWaiter(fake.Client(), skyvern.WithFallbackPolling(20*time.Millisecond, 50*time.Millisecond))
	sub.Attach(slow)
	sub.Attach(fast)
	waitSubscribers(t, rdb, skyredis.DefaultChannel, 1)

	published := func(id string) *skyvern.RunResponse {
		return &skyvern.RunResponse{RunID: id, Status: skyvern.RunStatusCompleted}
	}
	// A message that is not a run is skipped.
	if err := rdb.Publish(ctx, skyredis.DefaultChannel, "not a run").Err(); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish(ctx, published("before")); err != nil {
		t.Fatal(err)
	}
	if run, err := slow.Wait(ctx, "before"); err != nil || run.RunID != "before" {
		t.Fatalf("wait before the restart: %v, %v", run, err)
	}

	srv.Stop()
	if _, err := dedup.Begin(ctx, "down:completed"); err == nil {
		t.Error("Begin with Redis down: no error")
	}
	// A run published while Redis is down is lost to the fanout; the wait
	// for it ends by polling Skyvern, with Skyvern's answer.
	run, err := fake.Client().RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish(ctx, published(run.RunID)); err == nil {
		t.Error("Publish with Redis down: no error")
	}
	// Publish still reaches the Waiters of its own replica.
	if err := sub.Publish(ctx, published("local")); err == nil {
		t.Error("Publish with Redis down: no error")
	}
	if run, err := slow.Wait(ctx, "local"); err != nil || run.RunID != "local" {
		t.Fatalf("local wait during the outage: %v, %v", run, err)
	}
	got, err := fast.Wait(ctx, run.RunID)
	if err != nil || got.RunID != run.RunID || !got.Status.IsTerminal() {
		t.Fatalf("wait during the outage: %v, %v", got, err)
	}

	srv.Start()
	if s, err := dedup.Begin(ctx, "after:completed"); err != nil || s != webhooks.DeliveryNew {
		t.Fatalf("Begin after the restart: %v, %v", s, err)
	}
	waitSubscribers(t, rdb, skyredis.DefaultChannel, 1) // the fanout has reconnected
	if err := pub.Publish(ctx, published("after")); err != nil {
		t.Fatal(err)
	}
	if run, err := slow.Wait(ctx, "after"); err != nil || run.RunID != "after" {
		t.Fatalf("wait after the restart: %v, %v", run, err)
	}
}

func TestCloseLeavesNoGoroutine(t *testing.T) {
	srv := startRedis(t)
	fake := skyverntest.NewServer(t)
	client := fake.Client()
	waiter := skyvern.NewWaiter(client)
	before := runtime.NumGoroutine()

	rdb := goredis.NewClient(&goredis.Options{Addr: srv.Addr})
	f := skyredis.NewFanout(rdb, "", skyredis.WithLogger(quiet))
	f.Attach(waiter)
	waitSubscribers(t, srv.client(t), skyredis.DefaultChannel, 1)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	_ = rdb.Close()

	// Closing Fanout while Redis is down, in its backoff, ends it too.
	rdb2 := goredis.NewClient(&goredis.Options{Addr: srv.Addr})
	f2 := skyredis.NewFanout(rdb2, "", skyredis.WithLogger(quiet))
	f2.Attach(waiter)
	waitSubscribers(t, srv.client(t), skyredis.DefaultChannel, 1)
	srv.Stop()
	_ = f2.Close()
	_ = rdb2.Close()

	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		runtime.Gosched() // goroutines that were told to end are ending
	}
}
