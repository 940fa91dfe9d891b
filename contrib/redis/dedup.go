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

// WithLease sets how long a delivery stays in progress without an outcome
// before the next copy takes it over (default DefaultLease); d <= 0 keeps
// the default. A callback that runs longer than the lease may run twice,
// once more for a copy that arrives after the lease; one shorter than the
// lease never does.
func WithLease(lease time.Duration) DedupOption {
	return func(d *Deduplicator) {
		if lease > 0 {
			d.lease = lease
		}
	}
}

// Deduplicator is a webhooks.Deduplicator kept in Redis, shared by every
// replica that uses the same Redis and prefix. Create it with
// NewDeduplicator; it is safe for concurrent use and starts no goroutine.
//
// A delivery's key holds either a claim, a random token that the Begin
// that answered DeliveryNew wrote, with the lease as its expiry, or the
// mark "done", with the TTL as its expiry. Begin and End are each one Lua
// script, so one round trip to Redis (two only when Redis has lost its
// script cache, after a restart), and atomic: of the copies that reach
// Redis at once, one gets DeliveryNew.
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
	claims map[string][]string // the tokens of this process's claims, by key
}

var _ webhooks.Deduplicator = (*Deduplicator)(nil)

// NewDeduplicator returns a Deduplicator that keeps its keys in rdb, a
// *goredis.Client, *goredis.ClusterClient or any other client that runs
// scripts.
func NewDeduplicator(rdb goredis.Scripter, opts ...DedupOption) *Deduplicator {
	d := &Deduplicator{
		rdb:    rdb,
		prefix: DefaultPrefix,
		ttl:    DefaultTTL,
		lease:  DefaultLease,
		claims: make(map[string][]string),
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

// Begin implements webhooks.Deduplicator.
func (d *Deduplicator) Begin(ctx context.Context, key string) (webhooks.DeliveryState, error) {
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
		d.mu.Lock()
		d.claims[key] = append(d.claims[key], token)
		d.mu.Unlock()
		return webhooks.DeliveryNew, nil
	case 1:
		return webhooks.DeliveryInProgress, nil
	case 2:
		return webhooks.DeliveryDone, nil
	}
	return 0, fmt.Errorf("skyvern redis: begin delivery: unexpected answer %d", n)
}

// End implements webhooks.Deduplicator.
func (d *Deduplicator) End(ctx context.Context, key string, processed bool) error {
	d.mu.Lock()
	tokens := d.claims[key]
	if len(tokens) == 0 {
		d.mu.Unlock()
		return errNoClaim
	}
	// Two claims of one key in this process happen only when the first
	// outlived its lease; either token will do.
	token := tokens[0]
	if len(tokens) == 1 {
		delete(d.claims, key)
	} else {
		d.claims[key] = tokens[1:]
	}
	d.mu.Unlock()
	flag := "0"
	if processed {
		flag = "1"
	}
	if err := endScript.Run(ctx, d.rdb, []string{d.prefix + key}, token, flag, d.ttl.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("skyvern redis: end delivery: %w", err)
	}
	return nil
}

var errNoClaim = errors.New("skyvern redis: End called for a key Begin did not answer DeliveryNew")

// newToken returns a random claim token; it never reads "done".
func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}
