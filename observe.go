package skyvern

import (
	"context"
	"strconv"
	"strings"

	"github.com/skyvern-go/skyvern/internal/endpoint"
)

// Observer watches the SDK's calls: which operation each is, each of its
// attempts, and how it ended. It is the one hook tracing and metrics
// libraries build on (contrib/otel is one); the SDK itself imports none.
// WithObserver sets it. A Client without one pays a nil check per call.
//
// StartCall is called as a call begins, on the calling goroutine. The
// context it returns is the one the call's requests carry, so that what
// the observer puts in it (a span) is the parent of what the transport
// observes. The CallObserver it returns (which may not be nil) receives
// the rest of that call's events, all on the calling goroutine, one after
// another.
type Observer interface {
	StartCall(ctx context.Context, info CallInfo) (context.Context, CallObserver)
}

// CallObserver receives the events of one call: each attempt's start and
// end, then the call's end, once.
type CallObserver interface {
	// StartAttempt is called before attempt n (1 for the first) is sent,
	// with the call's context; the request of that attempt carries the
	// context it returns. Returning ctx itself, when the observer has
	// nothing to put in it, spares the attempt a copy of its request.
	StartAttempt(ctx context.Context, n int) context.Context
	// EndAttempt is called as an attempt ends, once its answer's body is
	// read.
	EndAttempt(a AttemptInfo)
	// EndCall is called once, as the call returns to its caller.
	EndCall(r CallResult)
}

// CallInfo describes a call as it starts. It holds no secret and no body:
// the API key travels in a header, and URL carries no query.
type CallInfo struct {
	// Operation names the API operation by the Client method that sends
	// it, such as "GetRun": WaitForRun's calls are "GetRun" too, and
	// each page that ListRuns reads is "ListRunsPage".
	Operation string
	// Method is the HTTP method.
	Method string
	// URL is the request's URL without its query: the base URL and path.
	URL string
	// RunID is the run the call is about, when its path names one.
	RunID string
}

// AttemptInfo describes how one attempt ended.
type AttemptInfo struct {
	// N numbers the attempt, from 1.
	N int
	// StatusCode is the answer's HTTP status, or 0 when none came.
	StatusCode int
	// Err is why the attempt failed without an answer (a connection
	// error, a timeout, a body cut off), or nil.
	Err error
	// Retry reports that the SDK will try again; RetryReason then says
	// why: "status 503", say, or "transport error".
	Retry       bool
	RetryReason string
}

// CallResult describes how a call ended.
type CallResult struct {
	// Err is what the call returned to its caller (nil on success).
	Err error
	// Attempts counts the attempts sent (0 when the call failed before
	// sending any).
	Attempts int
	// StatusCode is the last answer's HTTP status, or 0 when none came.
	StatusCode int
	// RunID is the run the call was about or created, when there is one.
	RunID string
}

// WithObserver returns an Option that reports every call to o (see
// Observer). A nil o removes the observer.
func WithObserver(o Observer) Option {
	return func(c *config) error {
		c.observer = o
		return nil
	}
}

// observed is do's path when an observer is set: the same steps, between
// the observer's StartCall and EndCall. st is an observedCall's, which
// holds its observation: one allocation for both.
func (st *call) observed(ctx context.Context, o Observer, s *setup, out any) error {
	// The URL is the request's too when the call has no query: prepare
	// uses st.url instead of building it again.
	st.url = s.cfg.baseURL + st.e.Path
	info := CallInfo{Operation: st.e.Op.Operation(), Method: st.e.Op.Method, URL: st.url, RunID: pathRunID(st.e.Call)}
	ctx, st.obs.co = o.StartCall(ctx, info)
	err := st.send(ctx, s, out)
	r := CallResult{Err: err, Attempts: st.n, RunID: info.RunID}
	if st.last.resp != nil {
		r.StatusCode = st.last.resp.StatusCode
	}
	if id := st.e.created; id.value != nil && id.member == "run_id" && *id.value != "" {
		r.RunID = *id.value
	}
	st.obs.co.EndCall(r)
	return err
}

// observedCall is an observed call's state: the call and its observation,
// allocated together. The pointer in call keeps the unobserved call small.
type observedCall struct {
	call
	obs observation
}

// observation is an observed call's: its CallObserver and the current
// attempt's context, which the attempt's requests carry (see
// attemptTransport).
type observation struct {
	co   CallObserver
	actx context.Context // nil when it is the request's own
}

// startAttempt tells the observer that attempt n starts; ctx is its
// request's context. An observer that returns ctx itself (one that puts
// nothing in it) costs the attempt no copy of its request. ctx is a
// pointer (the *valueCtx of prepare's context.WithValue), so comparing it
// with what the observer returns cannot panic, whatever its type.
func (st *call) startAttempt(ctx context.Context, n int) {
	st.obs.actx = st.obs.co.StartAttempt(ctx, n)
	if st.obs.actx == ctx {
		st.obs.actx = nil
	}
}

// endAttempt tells the observer how the attempt just settled ended.
func (st *call) endAttempt(retry bool) {
	a := AttemptInfo{N: st.n, Err: st.last.err, Retry: retry}
	if st.last.resp != nil {
		a.StatusCode = st.last.resp.StatusCode
	}
	if retry {
		if a.Err != nil || a.StatusCode == 0 {
			a.RetryReason = "transport error"
		} else {
			a.RetryReason = "status " + strconv.Itoa(a.StatusCode)
		}
	}
	st.obs.actx = nil
	st.obs.co.EndAttempt(a)
}

// pathRunID returns the run id the call's path names, escaped: the
// segment after /v1/runs/ when the pattern has a wildcard there.
func pathRunID(c endpoint.Call) string {
	if !strings.HasPrefix(c.Op.Path, "/v1/runs/{") {
		return ""
	}
	rest := strings.TrimPrefix(c.Path, "/v1/runs/")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}
