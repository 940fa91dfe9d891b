package skyverntest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"
)

// Fault is a failure the server shows on calls to one route, set with
// Server.Fault. StatusCode and DropConnection replace the answer: the request
// is not acted on (no run is created, cancelled or replayed, no workflow
// saved or deleted). Truncate and
// Malformed spoil the answer of a request that was acted on. Delay comes
// first and combines with any of them; alone, it only slows the answer.
type Fault struct {
	// StatusCode answers with this status code, and with Body, or
	// {"detail": "<status text>"} when Body is empty.
	StatusCode int
	// Body is the body sent with StatusCode, as it is, with Content-Type
	// application/json.
	Body string
	// RetryAfter is sent as the Retry-After header (seconds or an HTTP
	// date), as with a 429 or 503.
	RetryAfter string
	// Delay waits this long, in real time (as the client's timeouts run),
	// before anything else; it ends early if the client gives up or the
	// server closes.
	Delay time.Duration
	// DropConnection closes the connection once the request has been read,
	// without answering.
	DropConnection bool
	// Truncate serves the request, then sends its answer cut short: the
	// Content-Length of the whole body, half of the body, and a closed
	// connection.
	Truncate bool
	// Malformed serves the request, then sends its answer with the last
	// byte of the body missing, so the body is not valid JSON.
	Malformed bool

	// After lets this many calls of the route through before the fault
	// applies (counted from when the fault was set).
	After int
	// Times is how many calls the fault applies to: 0 means 1, and a
	// negative number every call from then on.
	Times int
}

// faultRule is a Fault and the calls of its route it applies to.
type faultRule struct {
	f           Fault
	first, last int64 // call numbers, from 1; last < 0: no end
}

// Fault makes calls of route fail as f says. route is one of the Route
// constants, such as RouteGetRun ("GET /v1/runs/{run_id}"). Faults set on
// one route apply in the order they were set; each call gets at most one.
//
//	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 503, RetryAfter: "0", Times: 2})
//
// It panics for an unknown route or an invalid status code.
func (s *Server) Fault(route string, f Fault) {
	if !knownRoute(route) {
		panic(fmt.Sprintf("skyverntest: Fault: unknown route %q; use a Route constant (skyverntest.Routes lists them all)", route))
	}
	if f.StatusCode != 0 && (f.StatusCode < 100 || f.StatusCode > 599) {
		panic(fmt.Sprintf("skyverntest: Fault: invalid status %d", f.StatusCode))
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	first := s.calls[route] + int64(max(f.After, 0)) + 1
	last := first + int64(max(f.Times, 1)) - 1
	if f.Times < 0 {
		last = -1
	}
	s.faults[route] = append(s.faults[route], &faultRule{f: f, first: first, last: last})
}

// ClearFaults removes the faults set on the given routes, or on every
// route when none is given, including faults that apply to every call
// (Times < 0) and faults still waiting for their After calls. Calls made
// since then keep counting, so a Fault set afterwards counts After from
// the time it is set. It panics for an unknown route, as Fault does.
func (s *Server) ClearFaults(routes ...string) {
	for _, route := range routes {
		if !knownRoute(route) {
			panic(fmt.Sprintf("skyverntest: ClearFaults: unknown route %q; use a Route constant (skyverntest.Routes lists them all)", route))
		}
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if len(routes) == 0 {
		clear(s.faults)
		return
	}
	for _, route := range routes {
		delete(s.faults, route)
	}
}

// takeFault counts a call of route and returns the fault it gets, if any.
func (s *Server) takeFault(route string) *Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.calls[route]++
	rules := s.faults[route]
	if len(rules) == 0 {
		return nil
	}
	n := s.calls[route]
	var got *Fault
	kept := rules[:0]
	for _, r := range rules {
		if got == nil && n >= r.first && (r.last < 0 || n <= r.last) {
			f := r.f
			got = &f
		}
		if r.last < 0 || n < r.last {
			kept = append(kept, r)
		}
	}
	s.faults[route] = kept
	return got
}

// serveFault answers the call as f says.
func (s *Server) serveFault(c *call, f *Fault) {
	w, r := c.w, c.r
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		case <-s.ctx.Done():
			t.Stop()
			return
		}
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	switch {
	case f.DropConnection:
		hijack(w, nil)
	case f.StatusCode != 0:
		if f.Body == "" {
			writeDetail(w, f.StatusCode, http.StatusText(f.StatusCode))
		} else {
			writeBody(w, f.StatusCode, []byte(f.Body))
		}
	case f.Truncate || f.Malformed:
		rec := httptest.NewRecorder()
		inner := *c
		inner.w = rec
		s.serve(&inner)
		body := rec.Body.Bytes()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		if f.Truncate {
			if x, ok := w.(*exchange); ok {
				x.noteStatus(rec.Code) // written below, past the exchange
			}
			head := fmt.Sprintf("HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
				rec.Code, http.StatusText(rec.Code), rec.Header().Get("Content-Type"), len(body))
			hijack(w, append([]byte(head), body[:len(body)/2]...))
			return
		}
		if len(body) > 0 {
			body = body[:len(body)-1]
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		w.Write(body)
	default:
		s.serve(c)
	}
}

// hijack takes over the connection, writes raw to it and closes it.
func hijack(w http.ResponseWriter, raw []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // closes the connection without an answer
	}
	defer conn.Close()
	if len(raw) > 0 {
		buf.Write(raw)
		buf.Flush()
	}
}
