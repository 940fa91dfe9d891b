package skyvern

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// WaitForRun polls GetRun until run runID reaches a terminal status and
// returns it. A run that failed, timed out or was terminated or canceled is
// a result, not an error: check its Status.
//
// The first poll is immediate; after that the wait between polls starts
// near DefaultPollFirst (1 s) and doubles up to DefaultPollMax (10 s), with
// random jitter; WithPollInterval changes both. opts also apply to each
// GetRun. A poll that fails for a reason that can pass (a connection error,
// 408, 429 or 5xx, after GetRun's own retries) does not end the wait; an
// answer that cannot change, such as 404 for an unknown run (ErrNotFound)
// or 403 for a bad key, ends it at once with that *APIError. When ctx ends
// first, the error wraps ctx.Err() and the last poll's error, if any.
//
// For many runs at once, prefer a Waiter, which takes the runs' webhooks
// and polls only as a fallback.
func (c *Client) WaitForRun(ctx context.Context, runID string, opts ...Option) (*RunResponse, error) {
	first, maxWait := c.cfg.pollFirst, c.cfg.pollMax
	if len(opts) > 0 {
		cc := c.cfg.clone()
		if err := cc.apply(opts); err != nil {
			return nil, err
		}
		first, maxWait = cc.pollFirst, cc.pollMax
	}
	delay := first
	var timer *time.Timer
	var ps pollState
	for {
		run, err := c.GetRun(ctx, runID, opts...)
		switch {
		case err == nil && run.Status.IsTerminal():
			return run, nil
		case err != nil && ctx.Err() == nil && !canPass(err):
			return nil, err
		}
		ps.record(ctx, run, err)
		wait := jitter(delay)
		if timer == nil {
			timer = time.NewTimer(wait)
			defer timer.Stop()
		} else {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return nil, ps.ended(ctx, runID)
		case <-timer.C:
		}
		delay = min(2*delay, maxWait)
	}
}

// pollState is what WaitForRun and a Waiter know about a run they are
// waiting for, so that a wait cut short by its context says how far it got.
type pollState struct {
	polls   int
	last    *RunResponse // the latest status seen
	lastErr error        // the latest poll's error, when it failed
}

// record notes one poll's outcome. A poll cut short by the end of ctx is
// counted but not kept: the reason the wait ends is ctx itself.
func (ps *pollState) record(ctx context.Context, run *RunResponse, err error) {
	ps.polls++
	switch {
	case err == nil:
		ps.last, ps.lastErr = run, nil
	case ctx.Err() == nil:
		ps.lastErr = err
	}
}

// ended is the error for a wait that ctx ended: it wraps ctx.Err() and,
// when a poll was made, says how many and the last status or error seen.
func (ps *pollState) ended(ctx context.Context, runID string) error {
	switch {
	case ps.lastErr != nil:
		return fmt.Errorf("skyvern: waiting for run %s: %w after %d polls; last poll: %w", runID, ctx.Err(), ps.polls, ps.lastErr)
	case ps.last != nil:
		return fmt.Errorf("skyvern: waiting for run %s: %w after %d polls; last status %q", runID, ctx.Err(), ps.polls, ps.last.Status)
	}
	return fmt.Errorf("skyvern: waiting for run %s: %w", runID, ctx.Err())
}

// canPass reports whether a poll's error may go away by itself.
func canPass(err error) bool {
	if errors.Is(err, ErrEmptyID) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch code := apiErr.StatusCode; {
		case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
			return true
		}
		return false
	}
	return true // a connection error or a garbled answer
}

// jitter returns a random duration between d/2 and d.
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// Waiter waits for many runs at once, taking each run's result from its
// webhook when it arrives and polling Get Run only as a fallback when it
// does not. Wire Deliver to your webhook receiver and call Wait where you
// need a run's result:
//
//	w := skyvern.NewWaiter(client)
//	http.Handle("/skyvern", webhooks.Handler(key, func(ctx context.Context, run *skyvern.RunResponse) error {
//		w.Deliver(run)
//		return nil
//	}))
//	run, err := w.Wait(ctx, runID)
//
// A pending wait costs a map entry and a schedule entry, not a goroutine:
// one goroutine, running only while waits are pending, schedules the
// fallback polls, and at most a few polls run at once. A result delivered
// before Wait is called is kept (in a bounded, expiring cache of recent
// results), and a duplicate delivery does not wake anything twice.
//
// A Waiter is safe for concurrent use. Its zero value is not usable; create
// one with NewWaiter.
type Waiter struct {
	client    *Client
	opts      []Option // for each fallback Get Run
	err       error    // an invalid option given to NewWaiter
	first     time.Duration
	maxWait   time.Duration
	inFlight  chan struct{} // a slot per concurrent fallback poll
	recentMax int
	recentTTL time.Duration
	now       func() time.Time

	mu      sync.Mutex
	pending map[string]*pendingWait
	queue   pollQueue // pending waits by time of their next fallback poll
	recent  map[string]recentRun
	order   []string // recent's keys, oldest first, for eviction
	size    int      // the approximate bytes held by recent
	running bool     // the scheduler goroutine is running
	wake    chan struct{}
}

// pendingWait is the shared state of all Wait calls for one run.
type pendingWait struct {
	runID   string
	done    chan struct{} // closed when run or err is set
	run     *RunResponse
	err     error
	waiters int
	next    time.Time     // time of the next fallback poll
	delay   time.Duration // the current backoff
	index   int           // in the queue; -1 when not queued
	cancel  context.CancelFunc
	polled  pollState // what the fallback polls found so far
}

type recentRun struct {
	run  *RunResponse
	at   time.Time
	size int
}

// recentBytes bounds the memory of a Waiter's recent results: outputs can
// be megabytes each.
const recentBytes = 64 << 20

// approxSize estimates the memory a run holds, dominated by its raw JSON.
func approxSize(run *RunResponse) int {
	n := 1024 + len(run.Output) + len(run.RunRequest)
	for k, v := range run.Extra {
		n += len(k) + len(v)
	}
	return n
}

// Defaults of a Waiter.
const (
	// DefaultFallbackFirst and DefaultFallbackMax bound the wait before a
	// pending Wait polls Get Run: the first poll comes about
	// DefaultFallbackFirst after Wait is called, later ones about twice as
	// far apart each time, at most DefaultFallbackMax.
	DefaultFallbackFirst = 30 * time.Second
	DefaultFallbackMax   = 5 * time.Minute
	// DefaultMaxConcurrentPolls bounds how many fallback polls run at once.
	DefaultMaxConcurrentPolls = 8
	// DefaultRecentResults and DefaultRecentTTL bound the cache of terminal
	// runs delivered before their Wait.
	DefaultRecentResults = 10000
	DefaultRecentTTL     = time.Hour
)

// WaiterOption configures a Waiter when passed to NewWaiter. It is a type
// of its own, apart from Option, so that a Waiter's setting passed to a
// call, or a call's passed to NewWaiter, does not compile.
type WaiterOption func(*waiterConfig) error

// waiterConfig is the resolved configuration of a Waiter.
type waiterConfig struct {
	fallbackFirst      time.Duration
	fallbackMax        time.Duration
	maxConcurrentPolls int
	recentMax          int
	recentTTL          time.Duration
	pollOpts           []Option
}

// WithFallbackPolling returns a WaiterOption that sets when a pending wait
// falls back to polling Get Run: about first after Wait is called (default
// DefaultFallbackFirst, 30 s), then about twice as long each time, capped
// at maxWait (default DefaultFallbackMax, 5 min), each wait with random
// jitter. It applies to NewWaiter only.
func WithFallbackPolling(first, maxWait time.Duration) WaiterOption {
	return func(c *waiterConfig) error {
		c.fallbackFirst, c.fallbackMax = first, maxWait
		return checkRange("WithFallbackPolling", first, maxWait)
	}
}

// WithMaxConcurrentPolls returns a WaiterOption that bounds how many
// fallback polls run at once (default DefaultMaxConcurrentPolls, 8). It
// applies to NewWaiter only.
func WithMaxConcurrentPolls(n int) WaiterOption {
	return func(c *waiterConfig) error {
		if n < 1 {
			return fmt.Errorf("skyvern: WithMaxConcurrentPolls: %d is not positive", n)
		}
		c.maxConcurrentPolls = n
		return nil
	}
}

// WithRecentResults returns a WaiterOption that bounds the cache of
// terminal runs delivered before (or after) their Wait: at most n runs
// (default DefaultRecentResults, 10,000), each kept for ttl (default
// DefaultRecentTTL, 1 h), and in any case at most about 64 MiB of them,
// outputs included; the oldest go first. It applies to NewWaiter only.
func WithRecentResults(n int, ttl time.Duration) WaiterOption {
	return func(c *waiterConfig) error {
		if n < 1 || ttl <= 0 {
			return fmt.Errorf("skyvern: WithRecentResults: want a positive size and time, got %d and %v", n, ttl)
		}
		c.recentMax, c.recentTTL = n, ttl
		return nil
	}
}

// WithPollOptions returns a WaiterOption that passes opts to each fallback
// Get Run of the Waiter, as to any call: WithTimeout or WithHeader, for
// example. They are checked by NewWaiter; WithIdempotencyKey is refused,
// since Get Run takes none.
func WithPollOptions(opts ...Option) WaiterOption {
	return func(c *waiterConfig) error {
		c.pollOpts = append(c.pollOpts, opts...)
		return nil
	}
}

// NewWaiter returns a Waiter that polls through client, configured by
// opts. NewWaiter keeps its simple signature: if an option is invalid,
// every Wait returns that option's error, without waiting.
func NewWaiter(client *Client, opts ...WaiterOption) *Waiter {
	wc := waiterConfig{
		fallbackFirst:      DefaultFallbackFirst,
		fallbackMax:        DefaultFallbackMax,
		maxConcurrentPolls: DefaultMaxConcurrentPolls,
		recentMax:          DefaultRecentResults,
		recentTTL:          DefaultRecentTTL,
	}
	var err error
	for _, opt := range opts {
		if opt != nil && err == nil {
			err = opt(&wc)
		}
	}
	if err == nil && len(wc.pollOpts) > 0 {
		cc := client.cfg.clone()
		if err = cc.apply(wc.pollOpts); err == nil && cc.idempotencyKey != "" {
			err = errors.New("skyvern: WithPollOptions: WithIdempotencyKey does not apply to Get Run")
		}
	}
	return &Waiter{
		client:    client,
		opts:      wc.pollOpts,
		err:       err,
		first:     wc.fallbackFirst,
		maxWait:   wc.fallbackMax,
		inFlight:  make(chan struct{}, max(wc.maxConcurrentPolls, 1)),
		recentMax: wc.recentMax,
		recentTTL: wc.recentTTL,
		now:       time.Now,
		pending:   make(map[string]*pendingWait),
		recent:    make(map[string]recentRun),
		wake:      make(chan struct{}, 1),
	}
}

// Deliver hands the Waiter a run, typically from a webhook. A run with a
// terminal status ends the waits for it, or, if none is pending, is kept
// for a Wait that comes later. A run with any other status, nil, or a run
// already delivered changes nothing.
func (w *Waiter) Deliver(run *RunResponse) {
	if run == nil || run.RunID == "" || !run.Status.IsTerminal() {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.remember(run)
	if p := w.pending[run.RunID]; p != nil {
		w.finish(p, run, nil)
	}
}

// Wait blocks until run runID is delivered with a terminal status, or the
// fallback polling finds it terminal, or ctx ends. Like WaitForRun, a
// failed run is a result, an answer that cannot change (such as 404 for an
// unknown run) ends the wait with that error, and passing errors only
// postpone the next poll; when ctx ends first, the error wraps ctx.Err()
// and, as WaitForRun's does, gives the number of fallback polls and the
// last status or poll error they saw. Several Wait calls for the same run
// share one pending wait.
func (w *Waiter) Wait(ctx context.Context, runID string) (*RunResponse, error) {
	if w.err != nil {
		return nil, w.err
	}
	if runID == "" {
		return nil, ErrEmptyID
	}
	w.mu.Lock()
	if r, ok := w.recent[runID]; ok && w.now().Sub(r.at) < w.recentTTL {
		w.mu.Unlock()
		return r.run, nil
	}
	p := w.pending[runID]
	if p == nil {
		p = &pendingWait{runID: runID, done: make(chan struct{}), delay: w.first, index: -1}
		w.pending[runID] = p
		w.schedule(p)
	}
	p.waiters++
	w.mu.Unlock()

	select {
	case <-p.done:
		return p.run, p.err
	case <-ctx.Done():
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case <-p.done: // finished while we took the lock
		return p.run, p.err
	default:
	}
	if p.waiters--; p.waiters == 0 {
		w.drop(p)
	}
	return nil, p.polled.ended(ctx, runID)
}

// Pending returns the number of runs being waited for.
func (w *Waiter) Pending() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pending)
}

// schedule queues p's next fallback poll and makes sure the scheduler
// runs. w.mu is held.
func (w *Waiter) schedule(p *pendingWait) {
	p.next = w.now().Add(jitter(p.delay))
	heap.Push(&w.queue, p)
	if !w.running {
		w.running = true
		go w.scheduler()
	} else if p.index == 0 {
		w.signal()
	}
}

func (w *Waiter) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// finish ends p with a result. w.mu is held.
func (w *Waiter) finish(p *pendingWait, run *RunResponse, err error) {
	p.run, p.err = run, err
	close(p.done)
	w.drop(p)
}

// drop forgets p: no more polls, and an in-flight one is cancelled. w.mu
// is held.
func (w *Waiter) drop(p *pendingWait) {
	delete(w.pending, p.runID)
	if p.index >= 0 {
		heap.Remove(&w.queue, p.index)
		w.signal() // the scheduler may have nothing left to wait for
	}
	if p.cancel != nil {
		p.cancel()
	}
}

// remember caches a terminal run, evicting the oldest beyond the bound.
// w.mu is held.
func (w *Waiter) remember(run *RunResponse) {
	if old, ok := w.recent[run.RunID]; ok {
		w.size -= old.size
	} else {
		w.order = append(w.order, run.RunID)
	}
	r := recentRun{run: run, at: w.now(), size: approxSize(run)}
	w.recent[run.RunID] = r
	w.size += r.size
	for len(w.order) > 0 && (len(w.recent) > w.recentMax || w.size > recentBytes ||
		w.now().Sub(w.recent[w.order[0]].at) >= w.recentTTL) {
		w.size -= w.recent[w.order[0]].size
		delete(w.recent, w.order[0])
		w.order = w.order[1:]
	}
}

// scheduler runs the fallback polls as they come due and exits when no
// wait is pending.
func (w *Waiter) scheduler() {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		p := w.queue[0]
		if d := p.next.Sub(w.now()); d > 0 {
			w.mu.Unlock()
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-w.wake:
			}
			continue
		}
		heap.Pop(&w.queue)
		ctx, cancel := context.WithCancel(context.Background())
		p.cancel = cancel
		w.mu.Unlock()

		w.inFlight <- struct{}{}
		go w.poll(ctx, p)
	}
}

// poll runs one fallback Get Run for p.
func (w *Waiter) poll(ctx context.Context, p *pendingWait) {
	defer func() { <-w.inFlight }()
	run, err := w.client.GetRun(ctx, p.runID, w.opts...)

	w.mu.Lock()
	defer w.mu.Unlock()
	p.polled.record(ctx, run, err) // before cancel, which would hide err
	p.cancel()
	p.cancel = nil
	if w.pending[p.runID] != p { // delivered or abandoned meanwhile
		return
	}
	switch {
	case err == nil && run.Status.IsTerminal():
		w.remember(run)
		w.finish(p, run, nil)
	case err != nil && !canPass(err):
		w.finish(p, nil, err)
	default:
		p.delay = min(2*p.delay, w.maxWait)
		w.schedule(p)
	}
}

// pollQueue is a min-heap of pending waits by next poll time.
type pollQueue []*pendingWait

func (q pollQueue) Len() int           { return len(q) }
func (q pollQueue) Less(i, j int) bool { return q[i].next.Before(q[j].next) }
func (q pollQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *pollQueue) Push(x any) {
	p := x.(*pendingWait)
	p.index = len(*q)
	*q = append(*q, p)
}
func (q *pollQueue) Pop() any {
	old := *q
	p := old[len(old)-1]
	old[len(old)-1] = nil
	p.index = -1
	*q = old[:len(old)-1]
	return p
}
