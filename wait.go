package skyvern

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// WaitForRun polls GetRun until run runID reaches a terminal status and
// returns it. A run that failed, timed out or was terminated or canceled is
// a result, not an error: check its Status.
//
// The first poll is immediate; after that the wait between polls starts
// near DefaultPollFirst (1 s) and doubles up to DefaultPollMax (10 s), with
// random jitter; WithPollInterval changes both. The Options among opts
// apply to each GetRun. A poll that fails for a reason that can pass (a connection error,
// 408, 429 or 5xx, after GetRun's own retries) does not end the wait; an
// answer that cannot change, such as 404 for an unknown run (ErrNotFound)
// or 403 for a bad key, ends it at once with that *APIError. Nor does a
// wait outlast an outage: after 20 polls in a row have failed (about three
// minutes with the default intervals), it ends with an error that says so
// and wraps the last poll's error. When ctx ends first, the error wraps
// ctx.Err() and the last poll's error, if any. Give ctx a deadline: a run
// that never finishes is otherwise waited for as long as Skyvern answers.
//
// For many runs at once, prefer a Waiter, which takes the runs' webhooks
// and polls only as a fallback.
func (c *Client) WaitForRun(ctx context.Context, runID string, opts ...WaitOption) (*RunResponse, error) {
	wc := waitConfig{first: DefaultPollFirst, maxWait: DefaultPollMax}
	for _, o := range opts {
		if o != nil {
			o.applyWait(&wc)
		}
	}
	if wc.err != nil {
		return nil, wc.err
	}
	if len(wc.opts) > 0 {
		cc := c.cfg.clone()
		if err := cc.apply(wc.opts); err != nil {
			return nil, err
		}
	}
	first, maxWait := wc.first, wc.maxWait
	delay := first
	var timer *time.Timer
	var ps pollState
	for {
		run, err := c.GetRun(ctx, runID, wc.opts...)
		switch {
		case err == nil && run.Status.IsTerminal():
			return run, nil
		case err != nil && ctx.Err() == nil && !canPass(err):
			return nil, err
		}
		ps.record(ctx, run, err)
		if ps.failed >= maxPollFailures {
			return nil, fmt.Errorf("skyvern: waiting for run %s: gave up after %d polls in a row failed; last poll: %w", runID, ps.failed, ps.lastErr)
		}
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
	failed  int       // polls in a row that failed
	status  RunStatus // the latest status seen
	lastErr error     // the latest poll's error, when it failed
}

// maxPollFailures is how many polls in a row may fail before WaitForRun
// gives up on a Skyvern that does not answer.
const maxPollFailures = 20

// record notes one poll's outcome. A poll cut short by the end of ctx is
// counted but not kept: the reason the wait ends is ctx itself.
func (ps *pollState) record(ctx context.Context, run *RunResponse, err error) {
	ps.polls++
	switch {
	case err == nil:
		ps.status, ps.lastErr, ps.failed = run.Status, nil, 0
	case ctx.Err() == nil:
		ps.lastErr = err
		ps.failed++
	}
}

// ended is the error for a wait that ctx ended: it wraps ctx.Err() and,
// when a poll was made, says how many and the last status or error seen.
func (ps *pollState) ended(ctx context.Context, runID string) error {
	switch {
	case ps.lastErr != nil:
		return fmt.Errorf("skyvern: waiting for run %s: %w after %d polls; last poll: %w", runID, ctx.Err(), ps.polls, ps.lastErr)
	case ps.status != "":
		return fmt.Errorf("skyvern: waiting for run %s: %w after %d polls; last status %q", runID, ctx.Err(), ps.polls, ps.status)
	}
	return fmt.Errorf("skyvern: waiting for run %s: %w", runID, ctx.Err())
}

// saw notes a status seen in a list of runs, which counts as a poll.
func (ps *pollState) saw(status RunStatus) {
	ps.polls++
	ps.status, ps.lastErr = status, nil
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
// webhook when it arrives and polling Skyvern only as a fallback when it
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
// Fallback polls of many runs are made together: one page of the runs
// Skyvern lists as unfinished answers for up to a hundred pending runs, so
// that a thousand pending runs cost about twenty requests per polling
// interval, not a thousand. Each pending wait is polled first about 30 s after Wait,
// then about twice as long after each poll, up to 5 min
// (WithFallbackPolling changes both).
//
// While Skyvern answers, a wait whose run has finished ends, webhook or
// not, within 144 fallback polls of the run's end, so within 144 times the
// longest interval (12 hours with the defaults). That bound is for a task
// run whose status in Skyvern's list lags; a workflow run's wait ends at
// the first poll after the run's end, and so, in practice, does a task
// run's. A run is taken as finished only from its own Get Run or webhook,
// never from the list.
//
// A Waiter is safe for concurrent use. A pending wait costs a few hundred
// bytes, not a goroutine: one goroutine, running only while waits are
// pending, makes the polls, with at most a few Get Run calls at once
// (WithMaxConcurrentPolls). A result delivered before its Wait is kept,
// in a bounded, expiring cache (WithRecentResults), and a duplicate
// delivery wakes nothing twice. Its zero value is not usable; create one
// with NewWaiter.
type Waiter struct {
	client    *Client
	opts      []Option // for each fallback Get Run and list page
	err       error    // an invalid option given to NewWaiter
	first     time.Duration
	maxWait   time.Duration
	maxPolls  int // Get Run calls at once
	recentMax int
	recentTTL time.Duration
	clk       waiterClock
	pageSize  int // runs per list page
	maxPages  int // pages Skyvern lists at most

	mu          sync.Mutex
	pending     map[string]*pendingWait
	queue       pollQueue // pending waits by time of their next fallback poll
	recent      map[string]recentRun
	order       []string // recent's keys, oldest first, for eviction
	size        int      // the approximate bytes held by recent
	running     bool     // the scheduler goroutine is running
	noList      bool     // the list failed for good: poll with Get Run only
	phase       int      // the listed count the next new wait starts at
	sweepCancel context.CancelFunc
	wake        chan struct{}
}

// pendingWait is the shared state of all Wait calls for one run.
type pendingWait struct {
	runID    string
	done     chan struct{} // closed when run or err is set
	run      *RunResponse
	err      error
	waiters  int
	next     time.Time     // when the next fallback poll is due at the latest
	eligible time.Time     // from when it may be polled along with others
	delay    time.Duration // the current backoff
	index    int           // in the queue; -1 when not queued
	listed   int           // polls the list alone answered since the last Get Run
	cancel   context.CancelFunc
	polled   pollState // what the fallback polls found so far
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

// Batched polling: the list pages a Waiter reads.
//
// Cost, in steady state with every pending run in the list: polling n runs
// costs about n/100 list pages per poll, plus n/listTrustPolls Get Runs for
// the trust turns below and one for each run that finished. Polls come
// every seven eighths of an interval or so, which makes about 0.019
// requests per pending run per interval from 1,000 to 10,000 runs
// (against 1, for a Get Run per run), and more per run for fewer runs (for
// 10 runs, a page per poll: 0.1 request per run per poll).
const (
	listPageSize = 100 // the most Skyvern serves a page
	listMaxPages = 100 // the most pages Skyvern serves
	// listMinDue: with fewer runs due, each gets a Get Run, as a list page
	// would save nothing.
	listMinDue  = 3
	listRunsPer = 10 // runs due per page read, at least

	// listTrustPolls bounds how long the list's word that a task run is
	// not finished is taken: such a run gets a Get Run at least once in
	// this many polls. The list shows a workflow run's own status, but for
	// any other run (a task of any engine) a copy that Skyvern updates
	// apart from the run and may miss, so the list can show such a run
	// running long after it ended. Each new wait starts its count at a
	// different phase (Waiter.phase), so that these Get Runs spread evenly
	// over the polls. This is where the Waiter's stated bound comes from: a
	// finished run's wait ends within listTrustPolls polls, each at most
	// maxWait apart (144 × 5 min = 12 h with the defaults).
	//
	// At 1,000 pending runs, a sweep about every 7/8 of an interval reads
	// 10 pages and makes 1,000/144 ≈ 7 of these Get Runs: (10+7)/875 ≈
	// 0.019 requests per run per interval, under the 0.02 budget.
	listTrustPolls = 144
)

// activeStatuses are the statuses of runs not finished yet.
var activeStatuses = []RunStatus{RunStatusCreated, RunStatusQueued, RunStatusRunning, RunStatusPaused}

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
// falls back to polling: about first after Wait is called (default
// DefaultFallbackFirst, 30 s), then about twice as long each time, capped
// at maxWait (default DefaultFallbackMax, 5 min). Each poll comes between
// half and all of the current interval after the previous one, so that
// the polls of many runs can be made together. maxWait also sets how long
// a wait can last after its run finished when the webhook is lost: at most
// 144 × maxWait (see Waiter). It applies to NewWaiter only.
func WithFallbackPolling(first, maxWait time.Duration) WaiterOption {
	return func(c *waiterConfig) error {
		c.fallbackFirst, c.fallbackMax = first, maxWait
		return checkRange("WithFallbackPolling", first, maxWait)
	}
}

// WithMaxConcurrentPolls returns a WaiterOption that bounds how many
// fallback Get Run calls run at once (default DefaultMaxConcurrentPolls,
// 8). It applies to NewWaiter only.
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
// request of the Waiter (Get Run and list pages), as to any call:
// WithTimeout or WithHeader, for example. They are checked by NewWaiter.
func WithPollOptions(opts ...Option) WaiterOption {
	return func(c *waiterConfig) error {
		c.pollOpts = append(c.pollOpts, opts...)
		return nil
	}
}

// NewWaiter returns a Waiter that polls through client, configured by
// opts. NewWaiter keeps its simple signature: if client is nil or an option
// is invalid, every Wait returns that error at once, without waiting.
func NewWaiter(client *Client, opts ...WaiterOption) *Waiter {
	wc := waiterConfig{
		fallbackFirst:      DefaultFallbackFirst,
		fallbackMax:        DefaultFallbackMax,
		maxConcurrentPolls: DefaultMaxConcurrentPolls,
		recentMax:          DefaultRecentResults,
		recentTTL:          DefaultRecentTTL,
	}
	var err error
	if client == nil {
		err = errNilWaiterClient
	}
	for _, opt := range opts {
		if opt != nil && err == nil {
			err = opt(&wc)
		}
	}
	if err == nil && len(wc.pollOpts) > 0 {
		cc := client.cfg.clone()
		err = cc.apply(wc.pollOpts)
	}
	return &Waiter{
		client:    client,
		opts:      wc.pollOpts,
		err:       err,
		first:     wc.fallbackFirst,
		maxWait:   wc.fallbackMax,
		maxPolls:  max(wc.maxConcurrentPolls, 1),
		recentMax: wc.recentMax,
		recentTTL: wc.recentTTL,
		clk:       realClock{},
		pageSize:  listPageSize,
		maxPages:  listMaxPages,
		pending:   make(map[string]*pendingWait),
		recent:    make(map[string]recentRun),
		wake:      make(chan struct{}, 1),
	}
}

var errNilWaiterClient = errors.New("skyvern: NewWaiter was given a nil *Client; pass the client whose GetRun and ListRuns poll for the runs")

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
	if r, ok := w.recent[runID]; ok && w.clk.now().Sub(r.at) < w.recentTTL {
		w.mu.Unlock()
		return r.run, nil
	}
	p := w.pending[runID]
	if p == nil {
		p = &pendingWait{runID: runID, done: make(chan struct{}), delay: w.first, index: -1, listed: w.phase}
		w.phase = (w.phase + 1) % listTrustPolls
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

// schedule queues p's next fallback poll, due between half and all of
// p.delay from now, and makes sure the scheduler runs. The latest time
// varies by up to an eighth of p.delay, so that runs are not all due at
// the same instant, yet runs polled together stay together: when the first
// of them is due, all are past half their interval. w.mu is held.
func (w *Waiter) schedule(p *pendingWait) {
	now := w.clk.now()
	p.eligible = now.Add(p.delay / 2)
	p.next = now.Add(p.delay - rand.N(p.delay/8+1))
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

// drop forgets p: no more polls, and an in-flight one is cancelled; the
// sweep in progress stops once nothing is pending. w.mu is held.
func (w *Waiter) drop(p *pendingWait) {
	delete(w.pending, p.runID)
	if p.index >= 0 {
		heap.Remove(&w.queue, p.index)
		w.signal() // the scheduler may have nothing left to wait for
	}
	if p.cancel != nil {
		p.cancel()
	}
	if len(w.pending) == 0 && w.sweepCancel != nil {
		w.sweepCancel()
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
	now := w.clk.now()
	r := recentRun{run: run, at: now, size: approxSize(run)}
	w.recent[run.RunID] = r
	w.size += r.size
	for len(w.order) > 0 && (len(w.recent) > w.recentMax || w.size > recentBytes ||
		now.Sub(w.recent[w.order[0]].at) >= w.recentTTL) {
		w.size -= w.recent[w.order[0]].size
		delete(w.recent, w.order[0])
		w.order = w.order[1:]
	}
}

// scheduler makes the fallback polls as they come due, one sweep at a
// time, and exits when no wait is pending.
func (w *Waiter) scheduler() {
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.running = false
			w.mu.Unlock()
			w.clk.stopped()
			return
		}
		now := w.clk.now()
		if next := w.queue[0].next; next.After(now) {
			w.mu.Unlock()
			w.clk.sleepUntil(next, w.wake)
			continue
		}
		s := w.takeSweep(now)
		w.mu.Unlock()
		s.run(w)
	}
}

// sweep is one round of fallback polls: the runs due (must) and those that
// may be polled along with them, and what the round found.
type sweep struct {
	ctx    context.Context
	cancel context.CancelFunc
	list   bool           // read the list, not only Get Run
	runs   []*pendingWait // the runs due first, then the others
	must   int            // runs[:must] are due
	seen   []RunStatus    // per run: the status the list showed, or ""
	live   []bool         // per run seen: the list shows its live status
	get    []bool         // per run: a Get Run was made for it
	res    []pollResult   // per run with get: its Get Run
}

type pollResult struct {
	run *RunResponse
	err error
}

// takeSweep takes out of the queue the runs to poll now. w.mu is held.
//
// A run is due when its latest poll time is within an eighth of its
// interval; the others past half their interval may join, but only a
// sweep that reads the list takes them, since a list page answers for
// them at no extra cost while a Get Run each would not. A sweep reads the
// list when at least listMinDue runs are due and the list has not failed
// for good.
func (w *Waiter) takeSweep(now time.Time) *sweep {
	var must, may []*pendingWait
	for _, p := range w.queue {
		switch {
		case !p.next.After(now.Add(p.delay / 8)):
			must = append(must, p)
		case !p.eligible.After(now):
			may = append(may, p)
		}
	}
	s := &sweep{list: !w.noList && len(must) >= listMinDue, must: len(must)}
	s.runs = must
	if s.list {
		s.runs = append(must, may...)
	}
	for _, p := range s.runs {
		p.index = -2 // marks the runs taken
	}
	kept := w.queue[:0]
	for _, p := range w.queue {
		if p.index != -2 {
			p.index = len(kept)
			kept = append(kept, p)
		}
	}
	clear(w.queue[len(kept):])
	w.queue = kept
	heap.Init(&w.queue)
	for _, p := range s.runs {
		p.index = -1
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	w.sweepCancel = s.cancel
	return s
}

// run makes the sweep's requests and then files what they found.
//
// A list page that fails for a reason that can pass (a 429 or 5xx after
// the client's retries, a connection error) postpones the runs it was to
// answer for, as a failed Get Run does, and makes no Get Run calls in its
// place. Any other failure of the list (such as 404 from a proxy that does
// not serve it) sets noList: every later sweep polls each run with Get
// Run. After the list, a Get Run goes to each run due that the list did
// not show, which gives the full result of a run that finished, and to
// each task run whose listTrustPolls turn has come. A run the list showed
// counts as polled, whether it was due or only half way through its
// interval; one neither due nor shown goes back in the queue as it was.
func (s *sweep) run(w *Waiter) {
	defer s.cancel()
	s.seen = make([]RunStatus, len(s.runs))
	s.live = make([]bool, len(s.runs))
	s.get = make([]bool, len(s.runs))
	var listErr error
	if s.list {
		listErr = s.readList(w)
	}
	w.mu.Lock()
	if listErr != nil && !canPass(listErr) && s.ctx.Err() == nil {
		w.noList = true
	}
	backOff := listErr != nil && canPass(listErr)
	var polls []pollJob
	if !backOff {
		for i, p := range s.runs {
			if w.pending[p.runID] != p {
				continue
			}
			if s.seen[i] == "" && i < s.must || // due, and the list did not show it
				s.seen[i] != "" && !s.live[i] && p.listed >= listTrustPolls-1 { // trusted long enough
				s.get[i] = true
				job := pollJob{i: i, id: p.runID}
				job.ctx, p.cancel = context.WithCancel(s.ctx)
				polls = append(polls, job)
			}
		}
	}
	w.mu.Unlock()
	s.res = make([]pollResult, len(s.runs))
	s.getRuns(w, polls)

	w.mu.Lock()
	defer w.mu.Unlock()
	w.sweepCancel = nil
	for i, p := range s.runs {
		if p.cancel != nil {
			p.cancel()
			p.cancel = nil
		}
		if w.pending[p.runID] != p { // delivered or abandoned meanwhile
			continue
		}
		switch {
		case s.get[i]:
			run, err := s.res[i].run, s.res[i].err
			p.polled.record(s.ctx, run, err)
			switch {
			case err == nil && run.Status.IsTerminal():
				w.remember(run)
				w.finish(p, run, nil)
				continue
			case err == nil:
				p.listed = 0
			case !canPass(err):
				w.finish(p, nil, err)
				continue
			}
		case s.seen[i] != "":
			p.polled.saw(s.seen[i])
			if !s.live[i] {
				p.listed++
			}
		case backOff && i < s.must:
			p.polled.record(s.ctx, nil, listErr)
		default: // not due, and not seen: as it was
			heap.Push(&w.queue, p)
			continue
		}
		p.delay = min(2*p.delay, w.maxWait)
		w.schedule(p)
	}
}

// readList reads list pages until every run due was seen, the list ends,
// or the page budget is spent, and notes in s.seen the runs it showed.
//
// The pages are those of ListRunsPage filtered to activeStatuses,
// listPageSize a page, newest first, read from the first page on. The
// budget is about one page per listRunsPer runs due, and at most maxPages
// (as far as Skyvern lists). A run due may be missed because it is older
// than the list reaches, because another run finished while the pages were
// read and moved it to an earlier page, or because its status is one the
// filter leaves out: that costs one Get Run, never a wrong result, since a
// run is taken as finished only from its Get Run.
func (s *sweep) readList(w *Waiter) error {
	at := make(map[string]int, len(s.runs))
	for i, p := range s.runs {
		at[p.runID] = i
	}
	unseen := s.must
	pages := min(w.maxPages, 1+s.must/listRunsPer)
	for page := 1; page <= pages && unseen > 0; page++ {
		items, err := w.client.ListRunsPage(s.ctx, ListRunsParams{Page: page, PageSize: w.pageSize, Status: activeStatuses}, w.opts...)
		if err != nil {
			return err
		}
		for _, item := range items {
			if i, ok := at[item.RunID]; ok && s.seen[i] == "" && item.Status != "" && !item.Status.IsTerminal() {
				s.seen[i] = item.Status
				s.live[i] = item.RunType.IsWorkflow()
				if i < s.must {
					unseen--
				}
			}
		}
		if len(items) < w.pageSize {
			break // the end of the list
		}
	}
	return nil
}

// pollJob is a Get Run a sweep makes: for s.runs[i], under its own
// context, which a delivery or an abandoned wait cancels.
type pollJob struct {
	i   int
	id  string
	ctx context.Context
}

// getRuns makes the sweep's Get Run calls, a few at a time, and returns
// when all are done.
func (s *sweep) getRuns(w *Waiter, jobs []pollJob) {
	if len(jobs) == 0 {
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(w.maxPolls, len(jobs)) {
		wg.Add(1)
		go w.poll(s, jobs, &next, &wg)
	}
	wg.Wait()
}

// poll makes Get Run calls from jobs until none is left.
func (w *Waiter) poll(s *sweep, jobs []pollJob, next *atomic.Int64, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		n := int(next.Add(1)) - 1
		if n >= len(jobs) {
			return
		}
		j := jobs[n]
		run, err := w.client.GetRun(j.ctx, j.id, w.opts...)
		s.res[j.i] = pollResult{run, err}
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

// waiterClock is a Waiter's time: the real clock, or a test's.
type waiterClock interface {
	now() time.Time
	// sleepUntil returns at t, or earlier when wake receives.
	sleepUntil(t time.Time, wake <-chan struct{})
	// stopped is called when the scheduler exits.
	stopped()
}

type realClock struct{}

func (realClock) now() time.Time { return time.Now() }
func (realClock) stopped()       {}
func (realClock) sleepUntil(t time.Time, wake <-chan struct{}) {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-wake:
	}
}
