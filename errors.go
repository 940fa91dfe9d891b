package skyvern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Sentinel errors. An *APIError matches the sentinel for its status code
// with errors.Is, so callers can branch without inspecting codes:
//
//	if errors.Is(err, skyvern.ErrNotFound) { ... }
var (
	// ErrBadRequest matches an *APIError with status 400: Skyvern refused the
	// request as it stands (for example a webhook replay of a run that has not
	// finished, or a replay with no target URL).
	ErrBadRequest = errors.New("skyvern: bad request")
	// ErrUnauthorized matches an *APIError with status 401 or 403: the API key
	// is missing, wrong, or not allowed to do this. Skyvern answers a bad key
	// with 403 "Invalid credentials".
	ErrUnauthorized = errors.New("skyvern: unauthorized")
	// ErrNotFound matches an *APIError with status 404, such as an unknown run id.
	ErrNotFound = errors.New("skyvern: not found")
	// ErrConflict matches an *APIError with status 409.
	ErrConflict = errors.New("skyvern: conflict")
	// ErrValidation matches an *APIError with status 422: the request body or
	// parameters failed Skyvern's validation; APIError.ValidationErrors says
	// which fields.
	ErrValidation = errors.New("skyvern: validation failed")
	// ErrRateLimited matches an *APIError with status 429, returned once the
	// client's retries are used up, or at once when its Retry-After asks for
	// a longer wait than the client makes (30 s) or than the context has
	// left; APIError.RetryAfter holds the server's value.
	ErrRateLimited = errors.New("skyvern: rate limited")
	// ErrServer matches an *APIError with any 5xx status.
	ErrServer = errors.New("skyvern: server error")

	// ErrOutcomeUnknown matches an error from a call that changes something
	// on the server when the request may have reached Skyvern and been acted
	// on even though the call failed: a connection lost after the request
	// was written, a timeout, a 5xx or 408 answer, a success answer whose
	// body could not be read or lacks the id of what was created, or a
	// redirect to another origin. Such a call is not retried then, since a
	// repeat could start (and bill) a second run, store a second object or
	// send a second webhook: look for what the call would have made before
	// making it again.
	//
	// Exactly these methods return it:
	//
	//   - runs started: RunTask, RunWorkflow, RunLogin, RunDownloadFiles,
	//     RunSDKAction, RunScript, RetryWorkflowRun;
	//   - webhooks sent: RetryRunWebhook;
	//   - objects created: CreateBrowserProfile, CreateBrowserSession (and
	//     UseBrowserSession, which calls it), CreateCredential,
	//     CreateCustomLLM, CreateFolder, CreateSchedule, CreateScript,
	//     DeployScript (a new script version), CreateWorkflow (unless
	//     CreateWorkflowRequest.IdempotencyKey is set), UpdateWorkflow (a new
	//     workflow version) and UploadFile.
	//
	// The name says what the caller knows: not whether the call took effect.
	ErrOutcomeUnknown = errors.New("skyvern: the request may have reached Skyvern and been acted on; the outcome is unknown")

	// ErrMalformedResponse matches a *RequestError for a success response
	// whose body is not the JSON the call expects: not JSON at all, cut off,
	// or of the wrong shape.
	ErrMalformedResponse = errors.New("skyvern: malformed response")

	// ErrResponseTooLarge matches a *RequestError for a success answer
	// longer than the call's limit (DefaultMaxResponseBytes, or
	// WithMaxResponseBytes). It is not retried.
	ErrResponseTooLarge = errors.New("skyvern: response too large")

	// ErrNoAPIKey is returned by NewClient when no API key was given with
	// WithAPIKey and SKYVERN_API_KEY is unset or empty.
	ErrNoAPIKey = errors.New("skyvern: no API key: pass skyvern.WithAPIKey(key) or set the SKYVERN_API_KEY environment variable (your key is at https://app.skyvern.com/settings)")

	// ErrEmptyID is returned, without a request being sent, when a method
	// that addresses one resource by id is given an empty id.
	ErrEmptyID = errors.New("skyvern: empty id: pass the id of the resource the method acts on, such as a run's RunID; nothing was sent")

	// ErrRedactedSecret is returned, without a request being sent, when a
	// Secret in the request holds the redaction marker "[redacted]" as its
	// value. That happens when a request that was written with json.Marshal
	// (which redacts every Secret) is read back with json.Unmarshal: the
	// real value was never there, and storing the marker would replace a
	// password or a key with it. Set the Secret with NewSecret from the real
	// value.
	ErrRedactedSecret = errors.New(`skyvern: a Secret holds "[redacted]", the marker json.Marshal writes in place of its value; set it with NewSecret from the real value; nothing was sent`)
)

// How much of an error response is read (to parse its detail) and kept.
const (
	maxErrorRead = 1 << 20
	maxErrorKeep = 4 << 10
)

// APIError is the error for any response from Skyvern with a status other
// than 2xx. It never holds request headers, so it cannot carry the API key.
type APIError struct {
	// StatusCode is the HTTP status code, such as 404.
	StatusCode int
	// Method and Path identify the request, such as "GET" and "/v1/runs/tsk_123".
	Method string
	Path   string
	// Detail is Skyvern's "detail" rendered as text: the message when it is a
	// string, the validation errors as "loc: msg" lines joined by "; " when it
	// is FastAPI's list, and compact JSON for any other value. When the body
	// is JSON without a "detail" member, Detail is the whole body as compact
	// JSON. It is empty when the body is not JSON.
	Detail string
	// RawDetail is the "detail" member exactly as sent, or nil.
	RawDetail json.RawMessage
	// ValidationErrors holds the entries of a FastAPI validation list (the
	// usual 422 body), or nil.
	ValidationErrors []ValidationError
	// Body is the start of the response body (at most 4 KiB), for diagnosis.
	Body []byte
	// Attempts is how many times the request was sent, retries included.
	Attempts int
	// RetryAfter is the raw Retry-After header of the response, if any.
	RetryAfter string

	mayExist bool
	note     string // why Detail is empty (the body was cut off or too long), or a hint at a likely mistake
}

// ValidationError is one entry of the list FastAPI returns in "detail" when a
// request fails validation (HTTP 422).
type ValidationError struct {
	// Loc is the path to the offending value, such as ["body", "prompt"];
	// entries are strings or numbers (list indexes).
	Loc []any `json:"loc"`
	// Msg is the human-readable message, such as "Field required".
	Msg string `json:"msg"`
	// Type is the machine-readable error type, such as "missing".
	Type string `json:"type"`
	// Input is the value that failed, when the server includes it.
	Input json.RawMessage `json:"input,omitempty"`
	// Ctx holds extra details for some error types.
	Ctx json.RawMessage `json:"ctx,omitempty"`
}

// String renders the entry as "body.prompt: Field required".
func (v ValidationError) String() string {
	parts := make([]string, len(v.Loc))
	for i, p := range v.Loc {
		switch p := p.(type) {
		case string:
			parts[i] = p
		case float64:
			parts[i] = strconv.FormatFloat(p, 'f', -1, 64)
		default:
			parts[i] = fmt.Sprint(p)
		}
	}
	if len(parts) == 0 {
		return v.Msg
	}
	return strings.Join(parts, ".") + ": " + v.Msg
}

// Error describes the failure: method, path, status, Skyvern's detail and,
// when the request was retried, the number of attempts.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("skyvern: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteByte(' ')
		b.WriteString(text)
	}
	switch {
	case e.Detail != "":
		b.WriteString(": ")
		b.WriteString(e.Detail)
	case e.note == "" && len(e.Body) > 0:
		b.WriteString(": response body is not JSON")
	}
	if e.note != "" {
		b.WriteString(": ")
		b.WriteString(e.note)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.mayExist {
		b.WriteString(" (not retried: the request may have been acted on)")
	}
	return b.String()
}

// Is makes errors.Is match the sentinel for e's status code (ErrNotFound for
// 404 and so on), and ErrOutcomeUnknown when the request may have been acted on.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrValidation:
		return e.StatusCode == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	case ErrOutcomeUnknown:
		return e.mayExist
	}
	return false
}

// newAPIError builds the error for a non-2xx response from its (possibly
// partial) body.
func newAPIError(method, path string, status int, body []byte, retryAfter string, attempts int) *APIError {
	e := &APIError{
		StatusCode: status,
		Method:     method,
		Path:       path,
		Attempts:   attempts,
		RetryAfter: retryAfter,
	}
	if len(body) > 0 {
		e.Body = bytes.Clone(body[:min(len(body), maxErrorKeep)])
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || !json.Valid(trimmed) {
		return e
	}
	var env struct {
		Detail json.RawMessage `json:"detail"`
	}
	if trimmed[0] == '{' && json.Unmarshal(trimmed, &env) == nil && env.Detail != nil {
		e.RawDetail = env.Detail
		e.Detail = renderDetail(env.Detail, &e.ValidationErrors)
		return e
	}
	e.Detail = compact(trimmed)
	return e
}

func renderDetail(raw json.RawMessage, list *[]ValidationError) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var ves []ValidationError
	if json.Unmarshal(raw, &ves) == nil && len(ves) > 0 && ves[0].Msg != "" {
		*list = ves
		lines := make([]string, len(ves))
		for i, v := range ves {
			lines[i] = v.String()
		}
		return strings.Join(lines, "; ")
	}
	return compact(raw)
}

func compact(raw []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return string(raw)
	}
	return buf.String()
}

// RequestError is the error for a call that got no usable answer: the
// request could not be sent, the connection failed, the context ended, or a
// success response could not be read or decoded (then it matches
// ErrMalformedResponse). Unwrap gives the cause, so errors.Is works with
// context.Canceled, context.DeadlineExceeded and the like.
type RequestError struct {
	// Method and Path identify the request, such as "POST" and "/v1/run/tasks".
	Method string
	Path   string
	// Attempts is how many times the request was sent, retries included; 0
	// when it never left the client.
	Attempts int
	// Err is the underlying failure.
	Err error

	mayExist bool
}

// Error describes the failure with the request's method and path.
func (e *RequestError) Error() string {
	var b strings.Builder
	b.WriteString("skyvern: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.mayExist {
		b.WriteString(" (not retried: the request may have been acted on)")
	}
	return b.String()
}

// Unwrap returns the underlying failure.
func (e *RequestError) Unwrap() error { return e.Err }

// Is reports whether target is ErrOutcomeUnknown and the request may have been
// acted on by Skyvern.
func (e *RequestError) Is(target error) bool {
	return target == ErrOutcomeUnknown && e.mayExist
}
