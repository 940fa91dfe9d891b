package skyverntest

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/skyvern-go/skyvern"
)

// This file holds the fake's workflow schedules as plain state, without
// HTTP. Each change to a schedule bumps its generation, so that a firing
// armed on the clock before the change knows it is stale and does nothing.

// scheduleEntry is one stored schedule: what Skyvern sends about it and
// its parsed expression.
type scheduleEntry struct {
	view skyvern.Schedule
	spec *cronSpec
	loc  *time.Location
	gen  uint64
}

// scheduleState is a copy of a schedule taken from the store, with what
// firing it needs.
type scheduleState struct {
	view skyvern.Schedule
	spec *cronSpec
	loc  *time.Location
	gen  uint64
}

// scheduleStore holds the schedules of one organization. Its zero value is
// empty and ready; its methods are safe for concurrent use and return
// copies.
type scheduleStore struct {
	mu    sync.Mutex
	byID  map[string]*scheduleEntry
	order []*scheduleEntry // oldest first
}

func (e *scheduleEntry) state() scheduleState {
	v := e.view
	v.Parameters = maps.Clone(v.Parameters)
	v.Extra = nil
	return scheduleState{view: v, spec: e.spec, loc: e.loc, gen: e.gen}
}

// add stores a new schedule.
func (st *scheduleStore) add(view skyvern.Schedule, spec *cronSpec, loc *time.Location) scheduleState {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.byID == nil {
		st.byID = make(map[string]*scheduleEntry)
	}
	e := &scheduleEntry{view: view, spec: spec, loc: loc, gen: 1}
	st.byID[view.WorkflowScheduleID] = e
	st.order = append(st.order, e)
	return e.state()
}

// live returns the entry id of workflow wpid, or nil when it is unknown,
// deleted or another workflow's. st.mu is held.
func (st *scheduleStore) live(wpid, id string) *scheduleEntry {
	e := st.byID[id]
	if e == nil || !e.view.DeletedAt.IsZero() || e.view.WorkflowPermanentID != wpid {
		return nil
	}
	return e
}

// get returns the schedule id of workflow wpid.
func (st *scheduleStore) get(wpid, id string) (scheduleState, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if e := st.live(wpid, id); e != nil {
		return e.state(), true
	}
	return scheduleState{}, false
}

// change applies f to the schedule id of workflow wpid, stamps it modified
// at now and bumps its generation.
func (st *scheduleStore) change(wpid, id string, now time.Time, f func(*scheduleEntry)) (scheduleState, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e := st.live(wpid, id)
	if e == nil {
		return scheduleState{}, false
	}
	f(e)
	e.view.ModifiedAt = skyvern.Time{Time: now}
	e.gen++
	return e.state(), true
}

// current returns the schedule id if it is still at generation gen,
// enabled and not deleted: a firing armed at gen may go ahead.
func (st *scheduleStore) current(id string, gen uint64) (scheduleState, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e := st.byID[id]
	if e == nil || e.gen != gen || !e.view.Enabled || !e.view.DeletedAt.IsZero() {
		return scheduleState{}, false
	}
	return e.state(), true
}

// list returns the live schedules that keep selects, oldest first.
func (st *scheduleStore) list(keep func(*skyvern.Schedule) bool) []scheduleState {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []scheduleState
	for _, e := range st.order {
		if e.view.DeletedAt.IsZero() && keep(&e.view) {
			out = append(out, e.state())
		}
	}
	return out
}

// nextRuns returns the next n firings of a schedule after from, in UTC.
func (ss scheduleState) nextRuns(from time.Time, n int) []time.Time {
	out := make([]time.Time, 0, n)
	for range n {
		t, ok := ss.spec.next(from, ss.loc)
		if !ok {
			break
		}
		out = append(out, t)
		from = t
	}
	return slices.Clip(out)
}
