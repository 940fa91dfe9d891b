package skyverntest

import (
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/skyvern-go/skyvern"
)

// store keeps the fake's runs, and the workflows saved through the API
// (store_workflows.go), under one lock. It knows nothing of HTTP; handlers
// and the run lifecycle call its methods. Its fields, and those of the
// runs and workflows it holds, are guarded by mu.
type store struct {
	mu sync.RWMutex

	maxRuns int // < 0: no bound
	runs    map[string]*run
	order   []*run // oldest first

	saved      map[string]*savedWorkflow // by permanent id
	savedOrder []*savedWorkflow          // least recently saved first
	idem       map[string]*savedWorkflow // workflows created with an Idempotency-Key, by key
}

func newStore(maxRuns int) *store {
	return &store{
		maxRuns: maxRuns,
		runs:    make(map[string]*run),
		saved:   make(map[string]*savedWorkflow),
		idem:    make(map[string]*savedWorkflow),
	}
}

// run is the state of one run.
type run struct {
	id        string
	taskRunID string // the run's "tr_..." record, as ListRuns shows it
	typ       skyvern.RunType
	// The request that started the run: task for task runs, workflow for
	// workflow runs; request is its run_request, rendered once.
	task     *skyvern.TaskRunRequest
	workflow *skyvern.WorkflowRunRequest
	request  json.RawMessage
	hookURL  string // where the webhook goes: webhook_url, or the workflow's default
	// search is the run's inputs that search_key matches, in lower case,
	// made by inputs when a search first needs them. paramDefs are the
	// workflow parameters the saved workflow declared when the run started
	// (nil for a workflow the fake knows no definition of).
	search     []string
	searchOnce sync.Once
	paramDefs  []workflowParameter
	// For workflow runs: the workflow's permanent id, its title, and the
	// "w_..." id of the version that ran. For task v2 runs: the ids of the
	// workflow run Skyvern makes behind them.
	workflowID, workflowTitle string
	versionID                 string
	v2WorkflowRunID           string
	// For workflow runs: what started the run ("" for the API), the
	// schedule that did, and the run it retries.
	trigger     skyvern.TriggerType
	scheduleID  string
	retriedFrom string
	// The ids and names of what Get Run Timeline and Get Run Artifacts show:
	// a block ("wrb_...") of a workflow run or a thought ("ot_...") of a
	// task v2 run, and the recording and final screenshot.
	stepID                string
	blockLabel, blockType string
	artifactIDs           [2]string
	// downloads are the files a download run (Run Download Files) gets,
	// shown once it has completed.
	downloads []skyvern.FileInfo

	status        skyvern.RunStatus
	output        json.RawMessage
	failureReason string
	webhookFail   string
	created       time.Time
	modified      time.Time
	queued        time.Time
	started       time.Time
	finished      time.Time

	outcome Outcome // chosen when the run was created
	held    bool

	// rendered is Get Run's body for the current state, rendered when first
	// asked for after a change (nil until then), so that a change nobody
	// reads costs nothing.
	rendered []byte
}

// addRun stores a new run, and forgets the oldest finished runs beyond
// maxRuns.
func (st *store) addRun(r *run) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.runs[r.id] = r
	st.order = append(st.order, r)
	for st.maxRuns >= 0 && len(st.order) > st.maxRuns && st.evictOne() {
	}
}

// evictOne forgets the oldest finished run, and reports whether there was
// one. Runs not finished yet are kept.
func (st *store) evictOne() bool {
	i := slices.IndexFunc(st.order, func(r *run) bool { return r.status.IsTerminal() })
	if i < 0 {
		return false
	}
	delete(st.runs, st.order[i].id)
	if i == 0 {
		st.order[0] = nil
		st.order = st.order[1:] // append reallocates, dropping the head, once the capacity is used
	} else {
		st.order = slices.Delete(st.order, i, i+1)
	}
	return true
}

// run returns the run id, or nil.
func (st *store) run(id string) *run {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.runs[id]
}

// rendered returns the run's current Get Run body, rendering it if it
// changed since it was last asked for.
func (st *store) rendered(r *run) []byte {
	st.mu.RLock()
	b := r.rendered
	st.mu.RUnlock()
	if b != nil {
		return b
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if r.rendered == nil {
		r.rendered = r.render()
	}
	return r.rendered
}

// status returns the run's current status.
func (st *store) status(r *run) skyvern.RunStatus {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return r.status
}

// runIDs returns the ids of the runs kept, oldest first.
func (st *store) runIDs() []string {
	st.mu.RLock()
	defer st.mu.RUnlock()
	ids := make([]string, len(st.order))
	for i, r := range st.order {
		ids[i] = r.id
	}
	return ids
}

// pageOfRuns returns up to size runs that keep selects, newest first,
// after skipping the first skip of them (pageSkip gives it for a page),
// each converted by conv while the store is locked. It walks the runs from
// the newest and stops once the page is full.
func pageOfRuns[T any](st *store, skip, size int, keep func(*run) bool, conv func(*run) T) []T {
	out := []T{}
	st.mu.RLock()
	defer st.mu.RUnlock()
	for i := len(st.order) - 1; i >= 0 && len(out) < size; i-- {
		r := st.order[i]
		if !keep(r) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, conv(r))
	}
	return out
}

// advance moves a run forward to queued or running, unless it has already
// gone further.
func (st *store) advance(r *run, to skyvern.RunStatus, now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if rank(r.status) >= rank(to) {
		return
	}
	r.status = to
	r.modified = now
	switch to {
	case skyvern.RunStatusQueued:
		r.queued = now
	case skyvern.RunStatusRunning:
		r.started = now
		r.held = r.outcome.Hold
	}
	r.rendered = nil
}

// finish stores a run's final status; it reports false when the run had
// already finished.
func (st *store) finish(r *run, status skyvern.RunStatus, output json.RawMessage, reason string, now time.Time) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if r.status.IsTerminal() {
		return false
	}
	r.status, r.output, r.failureReason = status, output, reason
	r.modified, r.finished, r.held = now, now, false
	r.rendered = nil
	return true
}

// setWebhookFailure stores the outcome of a run's last webhook delivery.
func (st *store) setWebhookFailure(runID, reason string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if r := st.runs[runID]; r != nil {
		r.webhookFail = reason
	}
}

// rank orders the statuses a run goes through.
func rank(s skyvern.RunStatus) int {
	switch s {
	case skyvern.RunStatusCreated:
		return 0
	case skyvern.RunStatusQueued:
		return 1
	case skyvern.RunStatusRunning:
		return 2
	}
	return 3
}

// taskV2ByWorkflowRun returns the task v2 run whose workflow run is
// workflowRunID, or nil.
func (st *store) taskV2ByWorkflowRun(workflowRunID string) *run {
	st.mu.RLock()
	defer st.mu.RUnlock()
	for _, r := range st.runs {
		if r.v2WorkflowRunID == workflowRunID {
			return r
		}
	}
	return nil
}
