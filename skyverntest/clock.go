package skyverntest

import (
	"container/heap"
	"sync"
	"time"
)

// clock runs the server's timed work: run transitions and webhook
// attempts. On the real clock each piece of work runs on a timer of its
// own; on the manual clock it waits in a queue until Advance reaches its
// time and then runs on Advance's goroutine, in time order.
type clock struct {
	manual    bool
	advanceMu sync.Mutex // one Advance at a time

	mu     sync.Mutex
	now    time.Time // manual clock only
	queue  taskQueue // manual clock only
	seq    uint64
	timers map[uint64]*time.Timer // real clock only
	closed bool
	wg     sync.WaitGroup // work scheduled on a timer, or running
}

func newClock(manual bool) *clock {
	c := &clock{manual: manual, timers: make(map[uint64]*time.Timer)}
	if manual {
		c.now = time.Now().UTC().Truncate(time.Second)
	}
	return c
}

// Now returns the clock's current time.
func (c *clock) Now() time.Time {
	if !c.manual {
		return time.Now()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// after runs f once d has passed on the clock. Nothing runs once the clock
// is closed.
func (c *clock) after(d time.Duration, f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.seq++
	if c.manual {
		heap.Push(&c.queue, &task{at: c.now.Add(d), seq: c.seq, f: f})
		return
	}
	id := c.seq
	c.wg.Add(1)
	c.timers[id] = time.AfterFunc(d, func() {
		defer c.wg.Done()
		c.mu.Lock()
		delete(c.timers, id)
		closed := c.closed
		c.mu.Unlock()
		if !closed {
			f()
		}
	})
}

// advance moves the manual clock forward by d, running the work that falls
// due in time order; work scheduled meanwhile runs too if it falls due.
func (c *clock) advance(d time.Duration) {
	c.advanceMu.Lock()
	defer c.advanceMu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	target := c.now.Add(max(d, 0))
	for !c.closed && len(c.queue) > 0 && !c.queue[0].at.After(target) {
		t := heap.Pop(&c.queue).(*task)
		if t.at.After(c.now) {
			c.now = t.at
		}
		c.wg.Add(1)
		c.mu.Unlock()
		func() {
			defer c.wg.Done()
			t.f()
		}()
		c.mu.Lock()
	}
	if !c.closed && target.After(c.now) {
		c.now = target
	}
}

// close drops the work not yet started and waits for the work running.
func (c *clock) close() {
	c.mu.Lock()
	c.closed = true
	for id, t := range c.timers {
		if t.Stop() {
			c.wg.Done()
		}
		delete(c.timers, id)
	}
	c.queue = nil
	c.mu.Unlock()
	c.wg.Wait()
}

type task struct {
	at  time.Time
	seq uint64
	f   func()
}

// taskQueue is a heap of tasks by time, then by the order they were
// scheduled in.
type taskQueue []*task

func (q taskQueue) Len() int { return len(q) }
func (q taskQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q taskQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *taskQueue) Push(x any)   { *q = append(*q, x.(*task)) }
func (q *taskQueue) Pop() any {
	old := *q
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return t
}
