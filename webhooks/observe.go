package webhooks

import (
	"context"
	"net/http"
)

// Verdict is what Handler made of one delivery.
type Verdict string

// The verdicts Handler reports to an observer.
const (
	// VerdictVerified: the delivery was authentic and the callback
	// processed it (200).
	VerdictVerified Verdict = "verified"
	// VerdictRefused: Handler answered with an error status before the
	// callback ran (a bad signature, a stale timestamp, a body too large
	// or not a run, a failed deduplicator, ...). Delivery.StatusCode says
	// which.
	VerdictRefused Verdict = "refused"
	// VerdictDuplicate: a copy of a delivery already processed (200) or
	// still in progress (425); the callback did not run.
	VerdictDuplicate Verdict = "duplicate"
	// VerdictCallbackFailed: the callback returned an error or panicked
	// (500), so Skyvern will try again.
	VerdictCallbackFailed Verdict = "callback failed"
)

// Delivery describes how Handler answered one delivery. It holds no body,
// signature or key.
type Delivery struct {
	Verdict    Verdict
	StatusCode int    // the status Handler answered with
	RunID      string // the run delivered, once the body was verified and decoded
	RunStatus  string // that run's status
}

// DeliveryObserver is called as Handler starts on a delivery, with the
// request's context; the callback gets the context it returns (so that a
// span started here is the parent of the callback's), and end is called
// once, after Handler has answered.
type DeliveryObserver func(ctx context.Context) (_ context.Context, end func(Delivery))

// WithObserver returns a HandlerOption that reports each delivery Handler
// receives to o, with its verdict (see Verdict). TOTPHandler does not
// report to it.
func WithObserver(o DeliveryObserver) HandlerOption {
	return HandlerOption{func(c *config) { c.observe = o }}
}

// statusWriter records the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observed serves one delivery with serve, between o's start and end.
func observed(o DeliveryObserver, w http.ResponseWriter, r *http.Request, serve func(http.ResponseWriter, *http.Request, *Delivery)) {
	ctx, end := o(r.Context())
	sw := &statusWriter{ResponseWriter: w}
	var d Delivery
	serve(sw, r.WithContext(ctx), &d)
	d.StatusCode = sw.status
	if d.Verdict == "" {
		d.Verdict = VerdictRefused
		if sw.status/100 == 2 {
			d.Verdict = VerdictVerified
		}
	}
	end(d)
}
