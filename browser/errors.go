package browser

import (
	"errors"
	"fmt"

	"github.com/skyvern-go/skyvern"
)

var (
	// ErrNoTarget is returned, with nothing done, by Click, Fill and
	// SelectOption when given neither a selector nor a prompt.
	ErrNoTarget = errors.New("browser: neither a selector nor a prompt: pass a selector, a prompt for Skyvern's AI, or both")

	// ErrNoClient is returned, with nothing sent, by an AI action or agent
	// run of a Browser made by Connect with a nil *skyvern.Client.
	ErrNoClient = errors.New("browser: no *skyvern.Client: AI actions and agent runs need one; pass it to Connect")

	// ErrNotLocated is returned by Locate when Skyvern's AI found no element
	// matching the prompt (the action answered null).
	ErrNotLocated = errors.New("browser: Skyvern's AI located no element matching the prompt")

	// ErrClosed is returned for an action on a Browser that has been closed.
	ErrClosed = errors.New("browser: the browser has been closed")
)

// SelectorError says that the selector step of an action failed: the
// element was not found in time, or could not be clicked, filled or
// selected. Err is the CDP library's error, or the context's.
type SelectorError struct {
	// Action is the page method that failed, such as "click".
	Action string
	// Selector is the selector as given.
	Selector string
	// Err is why it failed.
	Err error
}

func (e *SelectorError) Error() string {
	return fmt.Sprintf("browser: %s: selector %q: %v", e.Action, e.Selector, e.Err)
}

// Unwrap returns Err.
func (e *SelectorError) Unwrap() error { return e.Err }

// AIError says that Skyvern's AI step of an action failed. Reason is
// Skyvern's own words when it answered (422 for an action it could not do
// on the page, with the reason it gives). When the action was a fallback
// after its selector failed, Selector holds that failure too, so that
// errors.As finds both the *AIError and the *SelectorError.
type AIError struct {
	// Action is the action type sent, such as skyvern.SDKActionTypeClick.
	Action skyvern.SDKActionType
	// Prompt is the prompt or intention sent.
	Prompt string
	// StatusCode is the HTTP status Skyvern answered, or 0 when there was
	// no answer (a transport failure, the context's end).
	StatusCode int
	// Reason is Skyvern's detail, as APIError.Detail has it, or empty.
	Reason string
	// WorkflowRunID is the run the action was to be recorded in, if known.
	WorkflowRunID string
	// Selector is the failed selector step that led to the AI step, or nil.
	Selector *SelectorError
	// Err is the error of the API call: a *skyvern.APIError, a
	// *skyvern.RequestError, or the context's error.
	Err error
}

func (e *AIError) Error() string {
	msg := fmt.Sprintf("browser: AI %s %q", e.Action, e.Prompt)
	if e.Selector != nil {
		msg = fmt.Sprintf("browser: %s: selector %q failed (%v); AI fallback %q", e.Selector.Action, e.Selector.Selector, e.Selector.Err, e.Prompt)
	}
	if e.Reason != "" {
		return fmt.Sprintf("%s: Skyvern answered %d: %s", msg, e.StatusCode, e.Reason)
	}
	return fmt.Sprintf("%s: %v", msg, e.Err)
}

// Unwrap returns Err and, for a fallback, Selector.
func (e *AIError) Unwrap() []error {
	if e.Selector != nil {
		return []error{e.Err, e.Selector}
	}
	return []error{e.Err}
}

// newAIError describes a failed AI call.
func newAIError(typ skyvern.SDKActionType, prompt, runID string, sel *SelectorError, err error) *AIError {
	e := &AIError{Action: typ, Prompt: prompt, WorkflowRunID: runID, Selector: sel, Err: err}
	var ae *skyvern.APIError
	if errors.As(err, &ae) {
		e.StatusCode, e.Reason = ae.StatusCode, ae.Detail
	}
	return e
}
