package main

import (
	"context"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/skyvern-go/skyvern"
)

const listenHelp = `listen --forward-to URL [flags]

Watches Skyvern (SKYVERN_API_KEY, SKYVERN_BASE_URL; the fake of
cmd/skyvern-fake works too) for runs that reach a final status from the
moment it starts, and delivers each one's webhook to URL: the bytes the
server would send (legacy members included, run_request left out), signed
with the key, with the server's headers and retries (3 attempts; 403, 408,
425, 429, 5xx and network errors retried after 1s x 2^n plus jitter, or
Retry-After up to 30s; the same bytes and headers each time). One line per
attempt: run id, status, answer, latency, attempt. Ctrl-C stops; deliveries
that failed after their retries are listed with the replay command that
re-sends them.

Polling cost, per --interval: one Get Runs page of the runs in flight per
100 of them (at least 1), one page of the finished runs per 100 that
finished since the last poll (at least 1, plus 1 to find where the new ones
end), and one Get Run per run that finished. That is a Waiter's fallback
(the batched list, one Get Run per finished run) plus one page per poll.
With nothing running it is 2 requests per interval.

Example:
  export SKYVERN_API_KEY=...   # or run against: go run ./cmd/skyvern-fake
  skyhook listen --forward-to http://localhost:8080/webhooks/skyvern --run-type workflow_run
`

var (
	activeStatuses = []skyvern.RunStatus{skyvern.RunStatusCreated, skyvern.RunStatusQueued, skyvern.RunStatusRunning, skyvern.RunStatusPaused}
	doneStatuses   = []skyvern.RunStatus{skyvern.RunStatusCompleted, skyvern.RunStatusFailed, skyvern.RunStatusTimedOut, skyvern.RunStatusTerminated, skyvern.RunStatusCanceled}
)

const pageSize = 100

// listFlag is a comma-separated, repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// listener is one listen session.
type listener struct {
	c        *command
	a        *api
	to       string
	filter   skyvern.ListRunsParams
	sender   *sender
	parallel chan struct{}

	known  map[string]bool // runs seen finished, or delivered
	active map[string]bool // runs in flight at the last poll
	polls  int

	mu        sync.Mutex
	delivered int
	failed    []string // run ids whose delivery failed for good
	wg        sync.WaitGroup
}

func listenCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) int {
	c := newCommand("listen", listenHelp, stdout, stderr)
	to := c.fs.String("forward-to", "", "the receiver's URL (required)")
	interval := c.fs.Duration("interval", 2*time.Second, "time between polls")
	backoff := c.fs.Duration("backoff", time.Second, "base wait between attempts (the server's is 1s)")
	var types, workflows, tags listFlag
	c.fs.Var(&types, "run-type", "only runs of these types (comma-separated, repeatable)")
	c.fs.Var(&workflows, "workflow", "only runs of these workflows, wpid_... (comma-separated, repeatable)")
	c.fs.Var(&tags, "tag", "only runs with these tags (comma-separated, repeatable)")
	if code, done := c.parse(args); done {
		return code
	}
	if c.fs.NArg() > 0 {
		return c.fail("unexpected argument %q", c.fs.Arg(0))
	}
	if err := checkURL("forward-to", *to); err != nil {
		return c.fail("%v", err)
	}
	if *interval <= 0 {
		return c.fail("--interval %v is not positive", *interval)
	}
	for _, t := range types {
		if !slices.Contains(runTypes, t) {
			return c.fail("--run-type %q is unknown (want %s)", t, strings.Join(runTypes, ", "))
		}
	}
	a, err := newAPI(getenv)
	if err != nil {
		return c.fail("%v", err)
	}
	l := &listener{c: c, a: a, to: *to, parallel: make(chan struct{}, 8),
		known: map[string]bool{}, active: map[string]bool{}}
	for _, t := range types {
		l.filter.RunType = append(l.filter.RunType, skyvern.RunType(t))
	}
	l.filter.WorkflowIDs, l.filter.Tags = workflows, tags
	l.sender = newSender(*backoff, c.report)
	return l.run(ctx, *interval)
}

func (l *listener) run(ctx context.Context, interval time.Duration) int {
	if err := l.baseline(ctx); err != nil {
		return l.c.fail("cannot list runs: %v", err)
	}
	if l.c.json {
		l.c.emit(map[string]any{"ready": true, "forward_to": l.to, "in_flight": len(l.active)})
	}
	l.c.printf("Ready. Forwarding runs that finish from now on to %s (%d in flight; Ctrl-C to stop)\n", l.to, len(l.active))
	t := time.NewTicker(interval)
	defer t.Stop()
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-t.C:
			if err := l.poll(ctx); err != nil && ctx.Err() == nil {
				l.c.printf("poll failed, will try again: %v\n", err)
				if l.c.json {
					l.c.emit(map[string]any{"poll_error": err.Error()})
				}
			}
		}
	}
	l.wg.Wait()
	return l.summary()
}

// baseline notes the runs in flight and the newest finished ones, which
// were finished before listen started.
func (l *listener) baseline(ctx context.Context) error {
	active, err := l.listActive(ctx)
	if err != nil {
		return err
	}
	l.active = active
	p := l.filter
	p.Status, p.Page, p.PageSize = doneStatuses, 1, pageSize
	items, err := l.a.client.ListRunsPage(ctx, p)
	if err != nil {
		return err
	}
	for _, it := range items {
		l.known[it.RunID] = true
	}
	return nil
}

// listActive lists every run in flight.
func (l *listener) listActive(ctx context.Context) (map[string]bool, error) {
	m := map[string]bool{}
	p := l.filter
	p.Status, p.PageSize = activeStatuses, pageSize
	for page := 1; page <= 100; page++ {
		p.Page = page
		items, err := l.a.client.ListRunsPage(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			m[it.RunID] = true
		}
		if len(items) < pageSize {
			break
		}
	}
	return m, nil
}

// poll finds the runs that finished since the last poll and starts their
// deliveries: those the finished list shows before the first run already
// known (the list is newest first), and those in flight at the last poll
// that are no longer.
func (l *listener) poll(ctx context.Context) error {
	l.polls++
	active, err := l.listActive(ctx)
	if err != nil {
		return err
	}
	var finished []string
	p := l.filter
	p.Status, p.PageSize = doneStatuses, pageSize
	for page := 1; page <= 100; page++ {
		p.Page = page
		items, err := l.a.client.ListRunsPage(ctx, p)
		if err != nil {
			return err
		}
		reached := false
		for _, it := range items {
			if l.known[it.RunID] {
				reached = true
				continue
			}
			l.known[it.RunID] = true
			finished = append(finished, it.RunID)
		}
		if reached || len(items) < pageSize {
			break
		}
	}
	var vanished []string
	for id := range l.active {
		if !active[id] && !l.known[id] {
			vanished = append(vanished, id)
		}
	}
	// A run that left the in-flight list is checked with Get Run, 8 at a
	// time: it may have finished after the finished list was read.
	ds := make([]*delivery, len(vanished))
	errs := make([]error, len(vanished))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, id := range vanished {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ds[i], errs[i] = l.a.deliveryOf(ctx, id)
		}()
	}
	wg.Wait()
	for i, id := range vanished {
		if errs[i] != nil || !skyvern.RunStatus(ds[i].status).IsTerminal() {
			active[id] = true // check it again next poll
			continue
		}
		l.known[id] = true
		l.start(ctx, ds[i], "")
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	l.active = active
	for _, id := range finished {
		l.start(ctx, nil, id)
	}
	return nil
}

// start delivers d, or the run id's webhook after a Get Run, in the
// background, at most 8 at a time.
func (l *listener) start(ctx context.Context, d *delivery, id string) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		select {
		case l.parallel <- struct{}{}:
		case <-ctx.Done():
			l.fail(id, d)
			return
		}
		defer func() { <-l.parallel }()
		if d == nil {
			var err error
			if d, err = l.a.deliveryOf(ctx, id); err != nil {
				l.c.printf("%s  cannot get the run: %v\n", id, err)
				if l.c.json {
					l.c.emit(map[string]any{"run_id": id, "error": err.Error()})
				}
				l.fail(id, nil)
				return
			}
		}
		if l.sender.send(ctx, d, l.to) {
			l.mu.Lock()
			l.delivered++
			l.mu.Unlock()
			return
		}
		l.fail(id, d)
	}()
}

func (l *listener) fail(id string, d *delivery) {
	if d != nil {
		id = d.runID
	}
	l.mu.Lock()
	l.failed = append(l.failed, id)
	l.mu.Unlock()
}

// summary lists what was delivered and what failed, with the commands that
// re-send the failures; exit 1 when some failed.
func (l *listener) summary() int {
	slices.Sort(l.failed)
	lists, gets := l.a.lists.Load(), l.a.gets.Load()
	if l.c.json {
		l.c.emit(map[string]any{"delivered": l.delivered, "failed": append([]string{}, l.failed...),
			"polls": l.polls, "list_requests": lists, "get_run_requests": gets})
	} else {
		l.c.printf("Stopped. %d delivered, %d failed; %d polls made %d list requests and %d Get Run.\n",
			l.delivered, len(l.failed), l.polls, lists, gets)
		for _, id := range l.failed {
			l.c.printf("  not delivered: %s   re-send: skyhook replay %s --to %s\n", id, id, l.to)
		}
	}
	if len(l.failed) > 0 {
		return 1
	}
	return 0
}
