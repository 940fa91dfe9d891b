package skyverntest

import (
	"slices"
	"time"

	"github.com/skyvern-go/skyvern"
)

// This file keeps the workflows created through the API, without HTTP, in
// the store of store_runs.go and under its lock.

// savedWorkflow is a workflow created through the API. Once created, it
// is never removed, only marked deleted.
type savedWorkflow struct {
	id       string             // "wpid_..."
	versions []*workflowVersion // versions[i] is version i+1
	deleted  time.Time          // zero until deleted
}

func (sw *savedWorkflow) latest() *workflowVersion { return sw.versions[len(sw.versions)-1] }

// workflowVersion is one saved version of a workflow: its Workflow as the
// server answers it, with the definition completed.
type workflowVersion struct {
	wf skyvern.Workflow
}

// workflowState reports whether id was saved and whether it was deleted,
// and returns its latest version when it is live.
func (st *store) workflowState(id string) (saved, deleted bool, latest *skyvern.Workflow) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	sw := st.saved[id]
	if sw == nil {
		return false, false, nil
	}
	if !sw.deleted.IsZero() {
		return true, true, nil
	}
	wf := sw.latest().wf
	return true, false, &wf
}

// createWorkflow saves a new workflow with its first version and returns
// that version; with an idempotency key already used, it saves nothing
// and returns the first version of the workflow made with the key, deleted
// or not.
func (st *store) createWorkflow(sw *savedWorkflow, key string) skyvern.Workflow {
	st.mu.Lock()
	defer st.mu.Unlock()
	if prev := st.idem[key]; key != "" && prev != nil {
		return prev.versions[0].wf
	}
	st.saved[sw.id] = sw
	st.savedOrder = append(st.savedOrder, sw)
	if key != "" {
		st.idem[key] = sw
	}
	return sw.versions[0].wf
}

// keyedWorkflow returns the first version of the workflow created with an
// idempotency key, or nil.
func (st *store) keyedWorkflow(key string) *skyvern.Workflow {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if sw := st.idem[key]; sw != nil {
		wf := sw.versions[0].wf
		return &wf
	}
	return nil
}

// updateWorkflow saves wf as the next version of workflow id, and returns
// it, or nil when id is unknown or deleted. fill completes wf with its
// version number and the previous version's settings.
func (st *store) updateWorkflow(id string, fill func(prev *skyvern.Workflow, wf *skyvern.Workflow), wf skyvern.Workflow) *skyvern.Workflow {
	st.mu.Lock()
	defer st.mu.Unlock()
	sw := st.saved[id]
	if sw == nil || !sw.deleted.IsZero() {
		return nil
	}
	fill(&sw.latest().wf, &wf)
	sw.versions = append(sw.versions, &workflowVersion{wf: wf})
	st.savedOrder = append(slices.DeleteFunc(st.savedOrder, func(o *savedWorkflow) bool { return o == sw }), sw)
	return &sw.latest().wf
}

// deleteWorkflow marks workflow id deleted at now.
func (st *store) deleteWorkflow(id string, now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if sw := st.saved[id]; sw != nil && sw.deleted.IsZero() {
		sw.deleted = now
		for _, v := range sw.versions {
			v.wf.DeletedAt = skyvern.Time{Time: now}
		}
	}
}

// workflowVersions returns copies of the versions of workflow id, newest
// first; none when it is unknown or deleted.
func (st *store) workflowVersions(id string) []skyvern.Workflow {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := []skyvern.Workflow{}
	if sw := st.saved[id]; sw != nil && sw.deleted.IsZero() {
		for _, v := range slices.Backward(sw.versions) {
			out = append(out, v.wf)
		}
	}
	return out
}

// workflows returns copies of the latest versions of the live workflows
// that keep selects, most recently saved first.
func (st *store) workflows(keep func(*skyvern.Workflow) bool) []skyvern.Workflow {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var out []skyvern.Workflow
	for _, sw := range slices.Backward(st.savedOrder) {
		if wf := &sw.latest().wf; sw.deleted.IsZero() && keep(wf) {
			out = append(out, *wf)
		}
	}
	return out
}

// workflowDeleted reports whether id names a deleted workflow.
func (st *store) workflowDeleted(id string) bool {
	sw := st.saved[id] // st.mu is held by the caller
	return sw != nil && !sw.deleted.IsZero()
}
