package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/skyvern-go/skyvern/webhooks"
)

// Defaults of NewDeduplicator.
const (
	// DefaultPrefix starts every key the Deduplicator writes.
	DefaultPrefix = "skyvern:webhook:"
	// DefaultTTL is how long a processed delivery is remembered, as long
	// as the in-memory deduplicator's (webhooks.DefaultDedupTTL): Skyvern's
	// retries of one delivery end within a few minutes.
	DefaultTTL = webhooks.DefaultDedupTTL
	// DefaultLease is how long a delivery stays in progress without an
	// outcome before another copy may take it over. It is longer than the
	// 30 seconds Skyvern waits for an attempt, so a live callback keeps its
	// delivery, and short enough that Skyvern's last attempt, which comes
	// about 33 seconds after the first when the replica that took the
	// first one died, finds it lapsed within the 30 seconds it waits.
	DefaultLease = 45 * time.Second
)

// DedupOption configures NewDeduplicator.
type DedupOption func(*Deduplicator)

// WithPrefix sets the prefix of the keys the Deduplicator writes (default
// DefaultPrefix). Replicas that must share deliveries use the same one;
// services that share a Redis use different ones.
func WithPrefix(prefix string) DedupOption {
	return func(d *Deduplicator) { d.prefix = prefix }
}

// WithTTL sets how long a processed delivery is remembered (default
// DefaultTTL); d <= 0 keeps the default.
func WithTTL(ttl time.Duration) DedupOption {
	return func(d *Deduplicator) {
		if ttl > 0 {
			d.ttl = ttl
		}
	}
}

// WithLease sets how long a delivery stays in progress without news of
// its callback before the next copy takes it over (default DefaultLease);
// d <= 0 keeps the default. While the callback runs, the Deduplicator
// renews the lease every lease/3, so a callback longer than the lease
// keeps its delivery: a copy arriving meanwhile is in progress, not new.
// Only when renewals stop, because the replica died or lost Redis for a
// whole lease, does the lease lapse and the next copy run the callback.
// A shorter lease hands the delivery of a dead replica over sooner, for
// a renewal more often.
func WithLease(lease time.Duration) DedupOption {
	return func(d *Deduplicator) {
		if lease > 0 {
			d.lease = lease
		}
	}
}

// Deduplicator is a webhooks.Deduplicator kept in Redis, shared by every
// replica that uses the same Redis and prefix. Create it with
// NewDeduplicator; it is safe for concurrent use. Close it at shutdown.
//
// A delivery's key holds either a claim, a random token that the Begin
// that answered DeliveryNew wrote, with the lease as its expiry, or the
// mark "done", with the TTL as its expiry. Begin and End are each one Lua
// script, so one round trip to Redis (two only when Redis has lost its
// script cache, after a restart), and atomic: of the copies that reach
// Redis at once, one gets DeliveryNew.
//
// From a Begin that answers DeliveryNew until its End, the claim's lease
// is renewed every lease/3 (see WithLease): one more round trip each
// time, a script that extends the lease only if the key still holds this
// claim's token. A callback shorter than lease/3 costs none, and no
// goroutine: a timer starts the renewals, in a goroutine that End (or
// Close) stops and waits for.
// If a renewal finds the token gone (the lease lapsed while Redis was
// out of reach, or a Redis without persistence restarted and forgot the
// key), renewing stops for good: the callback goes on, another copy may
// run it too, and End still records the outcome, marking the delivery
// done, or, after a failure, deleting nothing but this claim. A renewal
// that fails (Redis down) is tried again at the next one.
//
// When Redis cannot be reached, Begin returns the error and Handler
// answers 500, which Skyvern retries: no delivery is dropped. An End that
// fails leaves the claim to its lease, after which the next copy runs the
// callback again. A Redis that restarts without persistence forgets the
// deliveries it held, so copies that come after run the callback again.
type Deduplicator struct {
	rdb    goredis.Scripter
	prefix string
	ttl    time.Duration
	lease  time.Duration

	mu     sync.Mutex
	claims map[string][]*claim // this process's claims, by key
	closed bool
}

// claim is a delivery this process took with Begin, and its renewals.
// Its first renewal is a timer: only a callback that outlasts lease/3 has
// a goroutine, which then renews until stop.
type claim struct {
	token string
	timer *time.Timer        // starts the renewals; nil after Close
	stop  context.CancelFunc // ends them
	done  chan struct{}      // closed as they have ended, once they started
	once  sync.Once          // of end: End and Close may both end c
}

// end stops c's renewals and waits for one under way.
func (c *claim) end() {
	c.once.Do(func() {
		c.stop()
		if c.timer != nil && !c.timer.Stop() {
			<-c.done // the renewals had started
		}
	})
}

// NewDeduplicator returns a Deduplicator that keeps its keys in rdb, a
// *goredis.Client, *goredis.ClusterClient or any other client that runs
// scripts.
func NewDeduplicator(rdb goredis.Scripter, opts ...DedupOption) *Deduplicator {
	d := &Deduplicator{
		rdb:    rdb,
		prefix: DefaultPrefix,
		ttl:    DefaultTTL,
		lease:  DefaultLease,
		claims: make(map[string][]*claim),
	}
	for _, o := range opts {
		o(d)
	}
	return d
}

// beginScript claims KEYS[1] with the token ARGV[1] for ARGV[2]
// milliseconds unless it holds a claim (1) or the done mark (2).
var beginScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == 'done' then return 2 end
if v then return 1 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 0
`)

// endScript marks KEYS[1] done for ARGV[3] milliseconds when ARGV[2] is
// "1"; otherwise it deletes the key if it still holds the claim ARGV[1],
// leaving alone a claim another copy took after the lease, or its mark.
var endScript = goredis.NewScript(`
if ARGV[2] == '1' then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[3])
  return 1
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`)

// renewScript extends the claim ARGV[1] on KEYS[1] to ARGV[2]
// milliseconds, if the key still holds it (1); otherwise it changes
// nothing (0).
var renewScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`)

// Begin implements webhooks.Deduplicator. After Close it returns an
// error, which Handler answers with 500: Skyvern then retries the
// delivery, at a replica still running.
func (d *Deduplicator) Begin(ctx context.Context, key string) (webhooks.DeliveryState, error) {
	d.mu.Lock()
	closed := d.closed
	d.mu.Unlock()
	if closed {
		return 0, errClosed
	}
	token, err := newToken()
	if err != nil {
		return 0, err
	}
	n, err := beginScript.Run(ctx, d.rdb, []string{d.prefix + key}, token, d.lease.Milliseconds()).Int()
	if err != nil {
		return 0, fmt.Errorf("skyvern redis: begin delivery: %w", err)
	}
	switch n {
	case 0:
		rctx, stop := context.WithCancel(context.Background())
		c := &claim{token: token, stop: stop, done: make(chan struct{})}
		d.mu.Lock()
		d.claims[key] = append(d.claims[key], c)
		if !d.closed { // after Close, the claim lives on its lease
			every := max(d.lease/3, time.Millisecond)
			c.timer = time.AfterFunc(every, func() { d.renew(rctx, key, c, every) })
		}
		d.mu.Unlock()
		return webhooks.DeliveryNew, nil
	case 1:
		return webhooks.DeliveryInProgress, nil
	case 2:
		return webhooks.DeliveryDone, nil
	}
	return 0, fmt.Errorf("skyvern redis: begin delivery: unexpected answer %d", n)
}

// renew extends c's lease now and every period after, until c.stop is
// called or the key no longer holds c's token.
func (d *Deduplicator) renew(ctx context.Context, key string, c *claim, every time.Duration) {
	defer close(c.done)
	keys := []string{d.prefix + key}
	t := time.NewTimer(every)
	defer t.Stop()
	for {
		held, err := renewScript.Run(ctx, d.rdb, keys, c.token, d.lease.Milliseconds()).Int()
		if (err == nil && held == 0) || errors.Is(err, goredis.ErrClosed) {
			return // the claim is lost, or the client closed: renewing is over
		}
		t.Reset(every)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// End implements webhooks.Deduplicator. It stops the claim's renewals,
// waiting for one under way, then records the outcome in one round trip.
func (d *Deduplicator) End(ctx context.Context, key string, processed bool) error {
	d.mu.Lock()
	claims := d.claims[key]
	if len(claims) == 0 {
		d.mu.Unlock()
		return errNoClaim
	}
	// Two claims of one key in this process happen only when the first
	// outlived its lease; either will do.
	c := claims[0]
	if len(claims) == 1 {
		delete(d.claims, key)
	} else {
		d.claims[key] = claims[1:]
	}
	d.mu.Unlock()
	c.end()
	token := c.token
	flag := "0"
	if processed {
		flag = "1"
	}
	if err := endScript.Run(ctx, d.rdb, []string{d.prefix + key}, token, flag, d.ttl.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("skyvern redis: end delivery: %w", err)
	}
	return nil
}

// Close stops renewing the leases of the deliveries still in progress, so
// that they lapse and copies reaching other replicas take them over, and
// returns once no renewal runs. Begin then returns an error; End still
// records outcomes. It does not close the Redis client.
func (d *Deduplicator) Close() error {
	d.mu.Lock()
	d.closed = true
	var all []*claim
	for _, cs := range d.claims {
		all = append(all, cs...)
	}
	d.mu.Unlock()
	for _, c := range all {
		c.end()
	}
	return nil
}

var (
	errNoClaim = errors.New("skyvern redis: End called for a key Begin did not answer DeliveryNew")
	errClosed  = errors.New("skyvern redis: Begin called after the Deduplicator was closed")
)

// newToken returns a random claim token; it never reads "done".
func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}
