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
	// Workflow is the request of a workflow run, nil for a task run. For a
	// login or download run it is the run_request Skyvern makes of the
	// request below.
	Workflow *skyvern.WorkflowRunRequest
	// Login is the request of a login run (Run Login), else nil.
	Login *skyvern.LoginRequest
	// DownloadFiles is the request of a download run (Run Download
	// Files), else nil.
	DownloadFiles *skyvern.DownloadFilesRequest
	// ScheduleID is the workflow schedule ("wfs_...") that started the
	// run when it fell due, or "" for a run started by a request.
	ScheduleID string
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
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	s.prompts[prompt] = o
}

// OnWorkflow registers the workflow id (its "wpid_..." permanent id), so
// that Run Workflow accepts it, and sets how its runs end. A workflow
// created through the API needs no registering, but can be given an
// outcome this way too. It panics if o is invalid, as OnPrompt does.
func (s *Server) OnWorkflow(workflowID string, o Outcome) {
	mustCheck("OnWorkflow", o)
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	s.workflows[workflowID] = o
}

// OnRun registers fn to choose the outcome of every new run that no
// OnPrompt or OnWorkflow rule matches; nil removes it. fn runs while the
// request that starts the run is answered, possibly for several requests
// at once. An invalid outcome from fn fails the run with a failure_reason
// that says why.
func (s *Server) OnRun(fn func(RunRequest) Outcome) {
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	s.onRun = fn
}

func mustCheck(method string, o Outcome) {
	if err := o.check(); err != nil {
		panic("skyverntest: " + method + ": " + err.Error())
	}
}

// outcomeFor chooses the outcome of a new run.
func (s *Server) outcomeFor(req RunRequest) Outcome {
	s.rulesMu.RLock()
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
	s.rulesMu.RUnlock()
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
	r := s.st.run(runID)
	if r == nil {
		return fmt.Errorf("%w: %q", ErrUnknownRun, runID)
	}
	if !s.finish(r, o) {
		return fmt.Errorf("%w: %q", ErrRunFinished, runID)
	}
	return nil
}

// Run returns what the server knows about the run runID, and false if it
// never issued that id or has forgotten it (see WithMaxRuns).
func (s *Server) Run(runID string) (RunState, bool) {
	r := s.st.run(runID)
	if r == nil {
		return RunState{}, false
	}
	body := s.st.rendered(r)
	s.st.mu.RLock()
	st := RunState{WebhookURL: r.hookURL, WebhookFailureReason: r.webhookFail, Held: r.held}
	s.st.mu.RUnlock()
	st.Run = new(skyvern.RunResponse)
	if err := json.Unmarshal(body, st.Run); err != nil {
		panic("skyverntest: cannot decode its own run: " + err.Error())
	}
	return st, true
}

// Runs returns what the server knows about every run it keeps, oldest
// first.
func (s *Server) Runs() []RunState {
	ids := s.st.runIDs()
	out := make([]RunState, 0, len(ids))
	for _, id := range ids {
		if st, ok := s.Run(id); ok {
			out = append(out, st)
		}
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
	now := s.now()
	r.status = skyvern.RunStatusCreated
	r.created, r.modified = now, now
	s.st.addRun(r)
	s.log("run created", "run_id", r.id, "run_type", string(r.typ))

	d := s.cfg.runDuration
	if r.outcome.Duration > 0 {
		d = r.outcome.Duration
	}
	step := d / 10
	s.clock.after(step, func() {
		s.st.advance(r, skyvern.RunStatusQueued, s.now())
		s.clock.after(step, func() {
			s.st.advance(r, skyvern.RunStatusRunning, s.now())
			if r.outcome.Hold {
				return
			}
			s.clock.after(d-2*step, func() { s.finish(r, r.outcome) })
		})
	})
}

// now returns the server's clock time as Skyvern's database keeps it: UTC,
// to the microsecond.
func (s *Server) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

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
	if !s.st.finish(r, status, output, reason, s.now()) {
		return false
	}
	s.log("run finished", "run_id", r.id, "status", string(status))
	s.releaseSession(r, status)
	s.scheduleWebhook(r, o)
	return true
}
