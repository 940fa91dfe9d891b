package skyvern

import (
	"sync"
	"time"
)

// FakeClock is a Waiter's clock for tests: time stands still until Tick
// moves it to the moment the Waiter's scheduler sleeps until, and Tick
// returns once the scheduler has done what fell due and sleeps again (or
// has exited). Since a sweep's requests are all made before the scheduler
// sleeps again, nothing runs between Ticks.
type FakeClock struct {
	mu      sync.Mutex
	cond    *sync.Cond
	t       time.Time
	until   time.Time     // what the sleeping scheduler waits for
	release chan struct{} // closed to wake it; nil when it does not sleep
	parks   int           // times the scheduler went to sleep
	stops   int           // times it exited
}

// UseFakeClock makes w run on a fake clock, starting at start; call it
// before any Wait, and before the Waiter's first use.
func UseFakeClock(w *Waiter, start time.Time) *FakeClock {
	f := &FakeClock{t: start}
	f.cond = sync.NewCond(&f.mu)
	w.clk = f
	return f
}

// SetListPages makes w read list pages of size runs, at most pages of them,
// instead of Skyvern's 100 and 100.
func SetListPages(w *Waiter, size, pages int) { w.pageSize, w.maxPages = size, pages }

func (f *FakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *FakeClock) sleepUntil(t time.Time, wake <-chan struct{}) {
	f.mu.Lock()
	if !t.After(f.t) {
		f.mu.Unlock()
		return
	}
	rel := make(chan struct{})
	f.until, f.release = t, rel
	f.parks++
	f.cond.Broadcast()
	f.mu.Unlock()
	select {
	case <-rel:
	case <-wake:
	}
	f.mu.Lock()
	if f.release == rel {
		f.release = nil
	}
	f.mu.Unlock()
}

func (f *FakeClock) stopped() {
	f.mu.Lock()
	f.stops++
	f.cond.Broadcast()
	f.mu.Unlock()
}

// Now returns the fake time.
func (f *FakeClock) Now() time.Time { return f.now() }

// Tick waits for the scheduler to sleep, moves the time to when it wakes,
// and returns that time once the scheduler sleeps again or has exited. It
// needs a wait pending.
func (f *FakeClock) Tick() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.release == nil {
		f.cond.Wait()
	}
	t := f.until
	f.t = t
	close(f.release)
	f.release = nil
	parks, stops := f.parks, f.stops
	for f.parks == parks && f.stops == stops {
		f.cond.Wait()
	}
	return t
}

// ListTrustPolls is how many polls in a row a Waiter may take a task run's
// status from the run list before it gives the run a Get Run.
const ListTrustPolls = listTrustPolls

// SchedulePage is the List Schedules answer, for the conformance test and
// the decode benchmark: ListSchedulesPage returns only its Schedules.
type SchedulePage = schedulePage
