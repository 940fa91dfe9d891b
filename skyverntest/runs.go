package skyverntest

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/skyvern-go/skyvern"
)

// Outcome says how a run ends. The zero Outcome completes the run, after
// the server's run duration, with a null output.
type Outcome struct {
	// Status is the final status: skyvern.RunStatusCompleted (the default
	// when empty), RunStatusFailed, RunStatusTerminated, RunStatusTimedOut or
	// RunStatusCanceled. Other statuses are refused.
	Status skyvern.RunStatus
	// Output is the run's output, sent as the JSON encoding/json makes of it
	// (a json.RawMessage is sent as it is): an object, a list, a string or
	// nil for null.
	Output any
	// FailureReason is the run's failure_reason. When it is empty, a failed
	// or terminated run gets a reason naming the fake.
	FailureReason string
	// Hold keeps the run running, whatever its duration, until
	// Server.Finish ends it (with the Outcome given there).
	Hold bool
	// Duration overrides the server's run duration (WithRunDuration) for
	// this run; 0 keeps it.
	Duration time.Duration

	// WebhookCopies sends the webhook this many times, byte for byte the
	// same with the same headers, as a receiver sees when a delivery is
	// retried after an answer was lost. 0 and 1 send it once.
	WebhookCopies int
	// WebhookDelay holds the webhook back for this long on the server's
	// clock after the run has finished (and its status is visible to Get
	// Run), so that it can arrive after the webhook of a run that finished
	// later: out of order.
	WebhookDelay time.Duration
}

func (o Outcome) check() error {
	if o.Status != "" && !o.Status.IsTerminal() {
		return fmt.Errorf("outcome status %q is not a final status", o.Status)
	}
	if o.Duration < 0 || o.WebhookDelay < 0 || o.WebhookCopies < 0 {
		return errors.New("outcome Duration, WebhookDelay and WebhookCopies must not be negative")
	}
	if _, err := encodeOutput(o.Output); err != nil {
		return err
	}
	return nil
}

func encodeOutput(v any) (json.RawMessage, error) {
	if raw, ok := v.(json.RawMessage); ok {
		if len(raw) == 0 {
			return nil, nil
		}
		if !json.Valid(raw) {
			return nil, errors.New("outcome Output is a json.RawMessage that is not valid JSON")
		}
		return raw, nil
	}
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("outcome Output cannot be encoded: %w", err)
	}
	return b, nil
}

// RunRequest is a run as it was started, given to the function registered
// with Server.OnRun.
type RunRequest struct {
	// RunID is the id the new run has.
	RunID string
	// RunType is the kind of run: skyvern.RunTypeWorkflowRun for a workflow
	// run, otherwise the task's run type (from its engine).
	RunType skyvern.RunType
	// Task is the request of a task run, nil for a workflow run.
	Task *skyvern.TaskRunRequest
	// Workflow is the request of a workflow run, nil for a task run.
	Workflow *skyvern.WorkflowRunRequest
}

// RunState is what the server knows about a run.
type RunState struct {
	// Run is the run as Get Run returns it now.
	Run *skyvern.RunResponse
	// WebhookURL is where the run's webhook goes: the run's webhook_url,
	// else its workflow's webhook_callback_url, or "".
	WebhookURL string
	// WebhookFailureReason is Skyvern's record of the last webhook
	// delivery, as its payloads carry it in webhook_failure_reason: empty
	// when the delivery succeeded or was never made.
	WebhookFailureReason string
	// Held reports a run waiting for Server.Finish.
	Held bool
}

// run is the server's state of one run. Its fields are guarded by
// Server.mu; once created, a run is never removed.
type run struct {
	id        string
	taskRunID string // the run's "tr_..." record, as ListRuns shows it
	typ       skyvern.RunType
	body      map[string]json.RawMessage // the request body's members
	request   json.RawMessage            // run_request, as rendered once
	hookURL   string                     // where the webhook goes: webhook_url, or the workflow's default
	// For workflow runs: the workflow's permanent id, its title, and the
	// "w_..." id of the version that ran. For task v2 runs: the ids of the
	// workflow run Skyvern makes behind them.
	workflowID, workflowTitle string
	versionID                 string
	v2WorkflowRunID           string
	// The ids and names of what Get Run Timeline and Get Run Artifacts show:
	// a block ("wrb_...") of a workflow run or a thought ("ot_...") of a
	// task v2 run, and the recording and final screenshot.
	stepID                string
	blockLabel, blockType string
	artifactIDs           [2]string

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

	rendered []byte // Get Run's body for the current state
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

// ErrUnknownRun is returned by Server.Finish for a run id the server never
// issued.
var ErrUnknownRun = errors.New("skyverntest: unknown run")

// ErrRunFinished is returned by Server.Finish for a run that has already
// reached a final status.
var ErrRunFinished = errors.New("skyverntest: the run has already finished")

// OnPrompt sets how task runs whose prompt is exactly prompt end. It panics
// if o is invalid (a status that is not final, a negative duration, an
// output encoding/json cannot encode).
func (s *Server) OnPrompt(prompt string, o Outcome) {
	mustCheck("OnPrompt", o)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prompts[prompt] = o
}

// OnWorkflow registers the workflow id (its "wpid_..." permanent id), so
// that Run Workflow accepts it, and sets how its runs end. A workflow
// created through the API needs no registering, but can be given an
// outcome this way too. It panics if o is invalid, as OnPrompt does.
func (s *Server) OnWorkflow(workflowID string, o Outcome) {
	mustCheck("OnWorkflow", o)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.workflows[workflowID] = o
}

// OnRun registers fn to choose the outcome of every new run that no
// OnPrompt or OnWorkflow rule matches; nil removes it. fn runs while the
// request that starts the run is answered, possibly for several requests
// at once. An invalid outcome from fn fails the run with a failure_reason
// that says why.
func (s *Server) OnRun(fn func(RunRequest) Outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onRun = fn
}

func mustCheck(method string, o Outcome) {
	if err := o.check(); err != nil {
		panic("skyverntest: " + method + ": " + err.Error())
	}
}

// outcomeFor chooses the outcome of a new run. s.mu is not held.
func (s *Server) outcomeFor(req RunRequest) Outcome {
	s.mu.RLock()
	var (
		o     Outcome
		found bool
		fn    = s.onRun
	)
	switch {
	case req.Task != nil:
		o, found = s.prompts[req.Task.Prompt]
	case req.Workflow != nil:
		o, found = s.workflows[req.Workflow.WorkflowID]
	}
	s.mu.RUnlock()
	switch {
	case found:
		return o
	case fn != nil:
		o = fn(req)
		if err := o.check(); err != nil {
			return Outcome{Status: skyvern.RunStatusFailed, FailureReason: "skyverntest: OnRun returned an invalid outcome: " + err.Error()}
		}
		return o
	}
	return s.cfg.outcome
}

// Finish ends a run that has not finished yet, held or not, with o (whose
// Hold and Duration are ignored): the final status is stored at once, and
// the webhook follows as for any run (with WithManualClock, on the next
// Advance). It returns ErrUnknownRun, ErrRunFinished, or an error for an
// invalid outcome.
func (s *Server) Finish(runID string, o Outcome) error {
	if err := o.check(); err != nil {
		return fmt.Errorf("skyverntest: Finish: %w", err)
	}
	s.mu.RLock()
	r, ok := s.runs[runID]
	s.mu.RUnlock()
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownRun, runID)
	}
	if !s.finish(r, o) {
		return fmt.Errorf("%w: %q", ErrRunFinished, runID)
	}
	return nil
}

// Run returns what the server knows about the run runID, and false if it
// never issued that id.
func (s *Server) Run(runID string) (RunState, bool) {
	s.mu.RLock()
	r, ok := s.runs[runID]
	var st RunState
	var body []byte
	if ok {
		st = RunState{WebhookURL: r.hookURL, WebhookFailureReason: r.webhookFail, Held: r.held}
		body = r.rendered
	}
	s.mu.RUnlock()
	if !ok {
		return RunState{}, false
	}
	st.Run = new(skyvern.RunResponse)
	if err := json.Unmarshal(body, st.Run); err != nil {
		panic("skyverntest: cannot decode its own run: " + err.Error())
	}
	return st, true
}

// Runs returns what the server knows about every run, oldest first.
func (s *Server) Runs() []RunState {
	s.mu.RLock()
	ids := make([]string, len(s.order))
	for i, r := range s.order {
		ids[i] = r.id
	}
	s.mu.RUnlock()
	out := make([]RunState, 0, len(ids))
	for _, id := range ids {
		st, _ := s.Run(id)
		out = append(out, st)
	}
	return out
}

// addRun gives a new run its ids, stores it and starts its lifecycle.
func (s *Server) addRun(r *run) {
	r.taskRunID = s.newID("tr_")
	stepPrefix := "wrb_"
	if r.typ == skyvern.RunTypeTaskV2 {
		stepPrefix = "ot_"
	}
	r.stepID = s.newID(stepPrefix)
	r.artifactIDs = [2]string{s.newID("a_"), s.newID("a_")}
	now := s.clock.Now()
	r.status = skyvern.RunStatusCreated
	r.created, r.modified = now, now
	s.mu.Lock()
	s.runs[r.id] = r
	s.order = append(s.order, r)
	s.render(r)
	s.mu.Unlock()

	d := s.cfg.runDuration
	if r.outcome.Duration > 0 {
		d = r.outcome.Duration
	}
	step := d / 10
	s.clock.after(step, func() {
		s.advanceStatus(r, skyvern.RunStatusQueued)
		s.clock.after(step, func() {
			s.advanceStatus(r, skyvern.RunStatusRunning)
			if r.outcome.Hold {
				return
			}
			s.clock.after(d-2*step, func() { s.finish(r, r.outcome) })
		})
	})
}

// advanceStatus moves a run forward to queued or running, unless it has
// already gone further.
func (s *Server) advanceStatus(r *run, to skyvern.RunStatus) {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
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
	s.render(r)
}

// finish stores the final status of r and then sends its webhook. It
// reports false when r had already finished.
func (s *Server) finish(r *run, o Outcome) bool {
	status := o.Status
	if status == "" {
		status = skyvern.RunStatusCompleted
	}
	output, err := encodeOutput(o.Output)
	reason := o.FailureReason
	if err != nil { // only from OnRun, checked already; kept for safety
		status, output, reason = skyvern.RunStatusFailed, nil, "skyverntest: "+err.Error()
	}
	if reason == "" {
		switch status {
		case skyvern.RunStatusFailed:
			reason = "skyverntest: the run failed as the test asked"
		case skyvern.RunStatusTerminated:
			reason = "skyverntest: the run was terminated as the test asked"
		}
	}
	now := s.clock.Now()
	s.mu.Lock()
	if r.status.IsTerminal() {
		s.mu.Unlock()
		return false
	}
	r.status, r.output, r.failureReason = status, output, reason
	r.modified, r.finished, r.held = now, now, false
	s.render(r)
	s.mu.Unlock()
	s.log("run finished", "run_id", r.id, "status", string(status))

	s.scheduleWebhook(r, o)
	return true
}
