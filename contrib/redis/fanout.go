package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/skyvern-go/skyvern"
)

// DefaultChannel is the Pub/Sub channel NewFanout uses for an empty name.
const DefaultChannel = "skyvern:runs"

// How a Fanout's subscription checks and restores its connection: after
// healthInterval without a message it pings Redis, and when another
// interval passes without an answer it reconnects. Reconnections wait
// minBackoff, doubling up to maxBackoff while they fail.
const (
	healthInterval = 15 * time.Second
	minBackoff     = 50 * time.Millisecond
	maxBackoff     = 5 * time.Second
)

// Fanout carries the runs that any replica's webhook receiver verified to
// the Waiters of every replica, through a Redis Pub/Sub channel. Create it
// with NewFanout, Publish each verified run from the receiver's callback,
// and Attach the replica's Waiters; Close it at shutdown. It is safe for
// concurrent use.
//
// Delivery is at most once: a run published while a replica's
// subscription is disconnected (Redis down or restarting, a network
// fault, before the first subscription) is not replayed to that replica
// when it reconnects. Its Waiters then end the wait with their fallback
// polling, as without a Fanout: later, never wrong, never lost. Publish
// also delivers to the Waiters attached in its own replica at once,
// whatever Redis does.
type Fanout struct {
	rdb     goredis.UniversalClient
	channel string
	log     *slog.Logger

	mu      sync.Mutex
	waiters []*skyvern.Waiter
	started bool
	closed  bool
	ps      *goredis.PubSub // the current subscription, closed by Close
	cancel  context.CancelFunc
	done    chan struct{}
}

// FanoutOption configures NewFanout.
type FanoutOption func(*Fanout)

// WithLogger sets where a Fanout reports, at Warn, a lost subscription and
// a message that is not a run (default slog.Default(); nil discards them).
// It never logs a run.
func WithLogger(l *slog.Logger) FanoutOption {
	return func(f *Fanout) {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		f.log = l
	}
}

// NewFanout returns a Fanout on channel (DefaultChannel when empty) of
// rdb. It subscribes when the first Waiter is attached.
func NewFanout(rdb goredis.UniversalClient, channel string, opts ...FanoutOption) *Fanout {
	if channel == "" {
		channel = DefaultChannel
	}
	f := &Fanout{rdb: rdb, channel: channel, log: slog.Default(), done: make(chan struct{})}
	for _, o := range opts {
		o(f)
	}
	return f
}

// Publish delivers run to the Waiters attached here and publishes it to
// every replica's Fanout. Only a run in a terminal status is published
// (a Waiter ignores the others). Call it from a webhook receiver's
// callback with the run it verified. An error says only that other
// replicas did not hear of the run: their waits end by polling. Whether
// it should fail the callback (and so have Skyvern deliver again) is the
// caller's choice; usually logging it is enough.
func (f *Fanout) Publish(ctx context.Context, run *skyvern.RunResponse) error {
	if run == nil || run.RunID == "" || !run.Status.IsTerminal() {
		return nil
	}
	f.deliver(run)
	body, err := json.Marshal(run)
	if err != nil {
		return fmt.Errorf("skyvern redis: publish run: %w", err)
	}
	if err := f.rdb.Publish(ctx, f.channel, body).Err(); err != nil {
		return fmt.Errorf("skyvern redis: publish run: %w", err)
	}
	return nil
}

// Attach makes the Fanout deliver every run published on its channel to
// w, and subscribes to the channel if it had not yet. Attaching a Waiter
// to a closed Fanout does nothing.
func (f *Fanout) Attach(w *skyvern.Waiter) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed || w == nil {
		return
	}
	f.waiters = append(f.waiters, w)
	if !f.started {
		f.started = true
		ctx, cancel := context.WithCancel(context.Background())
		f.cancel = cancel
		go f.subscribe(ctx)
	}
}

// Close unsubscribes and returns once the Fanout's goroutine has ended.
// It does not close rdb. Publish still works after Close, for the Waiters
// of other replicas.
func (f *Fanout) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	started := f.started
	if started {
		f.cancel()
		if f.ps != nil {
			_ = f.ps.Close() // ends a blocked receive
		}
	}
	f.mu.Unlock()
	if started {
		<-f.done
	}
	return nil
}

func (f *Fanout) deliver(run *skyvern.RunResponse) {
	f.mu.Lock()
	ws := f.waiters
	f.mu.Unlock()
	for _, w := range ws {
		w.Deliver(run)
	}
}

// subscribe keeps a subscription to the channel until ctx ends,
// reconnecting with backoff.
func (f *Fanout) subscribe(ctx context.Context) {
	defer close(f.done)
	backoff := minBackoff
	for {
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			return
		}
		ps := f.rdb.Subscribe(ctx, f.channel)
		f.ps = ps
		f.mu.Unlock()

		subscribed, err := f.receive(ctx, ps)
		_ = ps.Close()
		if ctx.Err() != nil {
			return
		}
		if subscribed {
			backoff = minBackoff
		}
		f.log.Warn("skyvern redis: fanout subscription lost; reconnecting",
			slog.String("channel", f.channel), slog.Any("error", err), slog.Duration("after", backoff))
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

var errNoPong = errors.New("skyvern redis: Redis did not answer a ping")

// receive delivers the runs ps receives until it fails, and says whether
// it was subscribed by then.
func (f *Fanout) receive(ctx context.Context, ps *goredis.PubSub) (subscribed bool, err error) {
	pinged := false
	for {
		msg, err := ps.ReceiveTimeout(ctx, healthInterval)
		if err != nil {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() || pinged {
				if pinged {
					err = errNoPong
				}
				return subscribed, err
			}
			if err := ps.Ping(ctx); err != nil {
				return subscribed, err
			}
			pinged = true
			continue
		}
		pinged = false
		switch m := msg.(type) {
		case *goredis.Subscription:
			subscribed = true
		case *goredis.Message:
			run := new(skyvern.RunResponse)
			if err := json.Unmarshal([]byte(m.Payload), run); err != nil {
				f.log.Warn("skyvern redis: fanout message is not a run", slog.String("channel", f.channel), slog.Any("error", err))
				continue
			}
			f.deliver(run)
		}
	}
}
