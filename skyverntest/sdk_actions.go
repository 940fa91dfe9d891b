package skyverntest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
)

// This file serves POST /v1/sdk/run_action, the AI browser actions of
// Skyvern's SDKs. The fake has no browser: it answers each action with a
// plausible result (see Server.OnAction), records it in a workflow run it
// makes up, and keeps those runs' ids so that a later action can continue
// one.

// RouteRunSDKAction is the route of RunSDKAction.
const RouteRunSDKAction = "POST /v1/sdk/run_action"

var sdkActionRoutes = []route{
	{name: RouteRunSDKAction, body: body[skyvern.SDKActionRequest](), handle: (*Server).handleRunSDKAction},
}

// ActionOutcome says how an action of RunSDKAction ends.
type ActionOutcome struct {
	// Result is the action's result, sent as the JSON encoding/json makes
	// of it (a json.RawMessage as it is): true or false for a validate
	// action, the data for an extract, nil for null.
	Result any
	// FailureReason, when set, fails the action as Skyvern fails an action
	// that could not be done on the page: 422 with this detail.
	FailureReason string
}

// actionStore keeps the workflow runs the fake's actions were recorded
// in, and the function OnAction registered. The zero value is ready.
type actionStore struct {
	mu    sync.Mutex
	runs  map[string]bool
	order []string // the ids in runs, oldest first
	fn    func(context.Context, skyvern.SDKActionRequest) ActionOutcome
}

// add records id, a workflow run made for an action, and forgets the
// oldest beyond max (WithMaxRuns; max < 0 keeps them all), as the run
// store forgets its oldest finished runs.
func (as *actionStore) add(id string, max int) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if as.runs == nil {
		as.runs = make(map[string]bool)
	}
	as.runs[id] = true
	as.order = append(as.order, id)
	for max >= 0 && len(as.order) > max {
		delete(as.runs, as.order[0])
		as.order[0] = ""
		as.order = as.order[1:]
	}
}

// known reports whether id is a workflow run made for an action.
func (as *actionStore) known(id string) bool {
	as.mu.Lock()
	defer as.mu.Unlock()
	return as.runs[id]
}

// OnAction registers fn to choose the result of each action sent to
// RunSDKAction; nil removes it. fn runs while the request is answered,
// possibly for several at once.
//
// An action whose prompt (extract, validate, prompt, locate_element) or,
// for the others, intention is exactly the prompt of an OnPrompt rule
// answers with that rule instead, so one rule scripts a task and the
// action that does the same: the rule's Output is the result, and a final
// status other than completed fails the action with the rule's
// FailureReason. Without either, an action answers what Skyvern answers
// when all goes well: a click the selector it was given, typing and
// selecting the value, an upload the file URL, a validation true, and act,
// extract, locate_element and prompt null.
func (s *Server) OnAction(fn func(skyvern.SDKActionRequest) ActionOutcome) {
	if fn == nil {
		s.OnActionContext(nil)
		return
	}
	s.OnActionContext(func(_ context.Context, req skyvern.SDKActionRequest) ActionOutcome { return fn(req) })
}

// OnActionContext is OnAction for a function that works while the
// request lasts, such as one acting on a real browser (WithBrowsers): ctx
// ends when the client gives up on the request or the server closes. It
// replaces the function of OnAction, and nil removes it.
func (s *Server) OnActionContext(fn func(ctx context.Context, req skyvern.SDKActionRequest) ActionOutcome) {
	s.actions.mu.Lock()
	defer s.actions.mu.Unlock()
	s.actions.fn = fn
}

// ActionText returns the text of a that OnPrompt rules, and scripts built
// on OnActionContext, match: the prompt of an extract, validate, prompt
// or locate_element action, and the intention of the others.
func ActionText(a skyvern.SDKAction) string {
	switch a := a.(type) {
	case skyvern.ExtractAction:
		return a.Prompt
	case skyvern.ValidateAction:
		return a.Prompt
	case skyvern.PromptAction:
		return a.Prompt
	case skyvern.LocateElementAction:
		return a.Prompt
	case skyvern.ClickAction:
		return a.Intention
	case skyvern.InputTextAction:
		return a.Intention
	case skyvern.SelectOptionAction:
		return a.Intention
	case skyvern.UploadFileAction:
		return a.Intention
	case skyvern.ActAction:
		return a.Intention
	}
	return ""
}

// defaultResult is what an action answers when no rule scripts it.
func defaultResult(a skyvern.SDKAction) any {
	switch a := a.(type) {
	case skyvern.ClickAction:
		return stringValue(a.Selector)
	case skyvern.InputTextAction:
		return a.Value
	case skyvern.SelectOptionAction:
		return a.Value
	case skyvern.UploadFileAction:
		return a.FileURL
	case skyvern.ValidateAction:
		return true
	}
	return nil
}

// actionOutcome chooses the outcome of req: an OnPrompt rule, else the
// OnAction function, else the default.
func (s *Server) actionOutcome(ctx context.Context, req skyvern.SDKActionRequest) ActionOutcome {
	if text := ActionText(req.Action); text != "" {
		s.rulesMu.RLock()
		o, ok := s.prompts[text]
		s.rulesMu.RUnlock()
		if ok {
			if o.Status != "" && o.Status != skyvern.RunStatusCompleted {
				reason := o.FailureReason
				if reason == "" {
					reason = "skyverntest: the action " + string(o.Status)
				}
				return ActionOutcome{FailureReason: reason}
			}
			return ActionOutcome{Result: o.Output}
		}
	}
	s.actions.mu.Lock()
	fn := s.actions.fn
	s.actions.mu.Unlock()
	if fn != nil {
		return fn(ctx, req)
	}
	return ActionOutcome{Result: defaultResult(req.Action)}
}

// actionTags are the action types, as pydantic lists them in a 422.
var actionTags = func() string {
	tags := make([]string, len(enumValues[reflect.TypeFor[skyvern.SDKActionType]()]))
	for i, t := range enumValues[reflect.TypeFor[skyvern.SDKActionType]()] {
		tags[i] = "'" + t + "'"
	}
	return strings.Join(tags, ", ")
}()

// checkAction checks the request's action as pydantic checks the
// discriminated union: by its type, then against that type's model. It
// returns the validation errors of a 422, or nil.
func checkAction(c *call, req *skyvern.SDKActionRequest) []validationError {
	raw := c.members["action"]
	loc := []any{"body", "action"}
	m, errs := members(raw, false)
	if errs != nil {
		return []validationError{invalid("model_attributes_type", loc,
			"Input should be a valid dictionary or object to extract fields from", rawValue(raw), nil)}
	}
	var tag string
	if json.Unmarshal(m["type"], &tag) != nil {
		return []validationError{invalid("union_tag_not_found", loc, "Unable to extract tag using discriminator 'type'",
			rawValue(raw), wire.Object{{Key: "discriminator", Value: "'type'"}})}
	}
	if req.Action == nil {
		return []validationError{invalid("union_tag_invalid", loc,
			fmt.Sprintf("Input tag '%s' found using 'type' does not match any of the expected tags: %s", tag, actionTags),
			rawValue(raw), wire.Object{{Key: "discriminator", Value: "'type'"}, {Key: "tag", Value: tag},
				{Key: "expected_tags", Value: actionTags}})}
	}
	return checkObject(append(loc, tag), m, raw, reflect.TypeOf(req.Action), nil)
}

// handleRunSDKAction serves Run SDK Action: the action is checked, its
// outcome chosen (OnAction), and the answer names the workflow run it was
// recorded in: the request's, which must exist, or a new one.
//
// Server: skyvern/forge/sdk/routes/sdk.py run_sdk_action, _run_sdk_action
// (404 "Workflow run ... not found"; an action's failure is a 422 with its
// reason, SkyvernActionFailed). The concurrency cap it enters
// (skyvern/forge/sdk/core/rate_limiter.py limit_sdk_action_concurrency)
// never refuses in the open-source NoopRateLimiter; the fake has none
// either.
func (s *Server) handleRunSDKAction(c *call) {
	req := bodyOf[skyvern.SDKActionRequest](c)
	if errs := checkAction(c, req); errs != nil {
		s.log("refused with 422", "path", c.r.URL.Path, "detail", string(mustMarshal(errs)))
		c.fail(http.StatusUnprocessableEntity, errs)
		return
	}
	if req.BrowserSessionID != "" {
		if err := s.sessions.live(req.BrowserSessionID); err != nil {
			c.refuse(err) // the session must be live, as for a run
			return
		}
	}
	wrID := req.WorkflowRunID
	if wrID != "" {
		if r := s.st.run(wrID); !s.actions.known(wrID) && (r == nil || r.typ != skyvern.RunTypeWorkflowRun) {
			c.fail(http.StatusNotFound, "Workflow run "+wrID+" not found")
			return
		}
	} else {
		wrID = s.newID("wr_")
		s.actions.add(wrID, s.cfg.maxRuns)
	}
	// The action's context ends with the request or with the server.
	ctx, cancel := context.WithCancel(c.r.Context())
	defer cancel()
	defer context.AfterFunc(s.ctx, cancel)()
	o := s.actionOutcome(ctx, *req)
	if o.FailureReason != "" {
		c.fail(http.StatusUnprocessableEntity, o.FailureReason)
		return
	}
	result, err := encodeOutput(o.Result)
	if err != nil {
		c.fail(http.StatusInternalServerError, "skyverntest: OnAction returned a result that cannot be encoded: "+err.Error())
		return
	}
	if result == nil {
		result = json.RawMessage("null")
	}
	c.replyRaw(mustMarshal(wire.Object{{Key: "workflow_run_id", Value: wrID}, {Key: "result", Value: result}}))
}
