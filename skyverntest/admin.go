package skyverntest

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern"
)

// AdminPrefix is the path under which a server started WithAdminAPI
// serves its admin API. Skyvern's API has no path under it.
const AdminPrefix = "/_skyverntest/"

// WithAdminAPI returns an Option that serves the admin API on the same
// port as the API (Server.URL; there is no second listener), under
// AdminPrefix, so that a test in any language can drive the server over
// HTTP as a Go test does with its methods.
// Every admin call needs the server's x-api-key, like the API; its
// requests are not recorded, do not take faults and are not logged.
//
// The endpoints take and give JSON. Durations are strings in Go's syntax
// ("1.5s", "250ms"); times are RFC 3339 with nanoseconds. Errors are
// {"detail": "..."} with 403 (no or a wrong key), 404 (an unknown run or
// endpoint), 409 (a call the server's state refuses) or 422 (a body that
// is not what the endpoint takes, unknown members included).
//
//	GET  /_skyverntest/clock
//	    The server's time: {"now": "2026-01-31T15:20:42Z"}.
//	POST /_skyverntest/clock/advance   {"duration": "1s"}
//	    Server.Advance: moves the manual clock forward (an empty body or a
//	    missing duration: by nothing, which runs what is due now) and
//	    answers when everything due meanwhile is done, webhooks delivered.
//	    409 on the real clock. A webhook receiver must not call it.
//	GET  /_skyverntest/runs
//	GET  /_skyverntest/runs/{run_id}
//	    Server.Runs, oldest first, and Server.Run: each {"run": the run as
//	    the SDK decodes Get Run's answer, "webhook_url", "webhook_failure_reason",
//	    "held"}.
//	POST /_skyverntest/runs/{run_id}/finish
//	    {"status": "failed", "output": ..., "failure_reason": "...",
//	     "webhook_copies": 2, "webhook_delay": "1s"}
//	    Server.Finish with that Outcome (every member may be left out: the
//	    run completes with a null output); answers the run as above, its
//	    final status already stored. The run's webhook is not sent by this
//	    call: it falls due webhook_delay later (at once by default). On the
//	    real clock it then goes out in the background; on the manual clock
//	    (WithManualClock) time stands still, so it goes out only inside a
//	    later clock/advance that reaches it (with no webhook_delay, an
//	    advance of "0s" or an empty body), which answers once it has been
//	    delivered. 404 for an unknown run, 409 for a finished one, 422 for
//	    a status that is not final.
//	POST /_skyverntest/faults
//	    {"route": "GET /v1/runs/{run_id}", "status_code": 503, "body": "...",
//	     "retry_after": "0", "delay": "100ms", "drop_connection": false,
//	     "truncate": false, "malformed": false, "after": 0, "times": 2}
//	    Server.Fault: route is a Route constant's value; the other members
//	    are Fault's. 204 when set, 422 for an unknown route or status.
//	DELETE /_skyverntest/faults[?route=...]
//	    Server.ClearFaults: removes the faults of the routes named (the
//	    parameter may be repeated), or of every route without one. 204
//	    when cleared, 422 for an unknown route.
//	GET  /_skyverntest/requests
//	    Server.Requests, oldest first: {"method", "path", "raw_query",
//	    "route", "header", "body", "status_code", "faulted"}, the body as
//	    a string. The x-api-key and Authorization headers are shown as
//	    "[redacted]".
//	GET  /_skyverntest/webhooks[?run_id=...]
//	    Server.Webhooks, of one run or all: {"run_id", "url", "header",
//	    "body", "attempt", "replay", "status_code", "response_body",
//	    "error"}. body is the signed body, byte for byte, as a string.
//
// The server keeps no more records than WithMaxRecords allows; there is
// no reset: pick a run's records by its id.
func WithAdminAPI() Option {
	return func(c *config) { c.admin = true }
}

// adminHandler serves the admin API of s, with its exported methods only.
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+AdminPrefix+"clock", s.adminClock)
	mux.HandleFunc("POST "+AdminPrefix+"clock/advance", s.adminAdvance)
	mux.HandleFunc("GET "+AdminPrefix+"runs", s.adminRuns)
	mux.HandleFunc("GET "+AdminPrefix+"runs/{run_id}", s.adminRun)
	mux.HandleFunc("POST "+AdminPrefix+"runs/{run_id}/finish", s.adminFinish)
	mux.HandleFunc("POST "+AdminPrefix+"faults", s.adminFault)
	mux.HandleFunc("DELETE "+AdminPrefix+"faults", s.adminClearFaults)
	mux.HandleFunc("GET "+AdminPrefix+"requests", s.adminRequests)
	mux.HandleFunc("GET "+AdminPrefix+"webhooks", s.adminWebhooks)
	mux.HandleFunc(AdminPrefix, func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, "no admin endpoint "+r.Method+" "+r.URL.Path)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Api-Key")), []byte(s.APIKey)) != 1 {
			adminError(w, http.StatusForbidden, "Invalid credentials")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// duration is a time.Duration written in Go's syntax, such as "1.5s".
type duration time.Duration

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New(`a duration is a string such as "1.5s"`)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = duration(v)
	return nil
}

func (s *Server) adminClock(w http.ResponseWriter, _ *http.Request) {
	adminJSON(w, http.StatusOK, map[string]time.Time{"now": s.Now()})
}

func (s *Server) adminAdvance(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Duration duration `json:"duration"`
	}
	if !adminRead(w, r, &in) {
		return
	}
	if in.Duration < 0 {
		adminError(w, http.StatusUnprocessableEntity, "duration must not be negative")
		return
	}
	if err := advance(s, time.Duration(in.Duration)); err != nil {
		adminError(w, http.StatusConflict, err.Error())
		return
	}
	adminJSON(w, http.StatusOK, map[string]time.Time{"now": s.Now()})
}

// advance calls s.Advance, turning its panic on the real clock into an
// error; any other panic goes on.
func advance(s *Server, d time.Duration) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if msg, ok := p.(string); !ok || !strings.Contains(msg, "WithManualClock") {
				panic(p)
			}
			err = errors.New("the server's clock is real: only a server started with a manual clock can be advanced")
		}
	}()
	s.Advance(d)
	return nil
}

// adminRunState is a RunState as the admin API writes it: the same
// fields, with JSON names.
type adminRunState struct {
	Run                  *skyvern.RunResponse `json:"run"`
	WebhookURL           string               `json:"webhook_url"`
	WebhookFailureReason string               `json:"webhook_failure_reason"`
	Held                 bool                 `json:"held"`
}

func (s *Server) adminRuns(w http.ResponseWriter, _ *http.Request) {
	runs := s.Runs()
	out := make([]adminRunState, len(runs))
	for i, st := range runs {
		out[i] = adminRunState(st)
	}
	adminJSON(w, http.StatusOK, out)
}

func (s *Server) adminRun(w http.ResponseWriter, r *http.Request) {
	st, ok := s.Run(r.PathValue("run_id"))
	if !ok {
		adminError(w, http.StatusNotFound, "unknown run "+r.PathValue("run_id"))
		return
	}
	adminJSON(w, http.StatusOK, adminRunState(st))
}

func (s *Server) adminFinish(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Status        skyvern.RunStatus `json:"status"`
		Output        json.RawMessage   `json:"output"`
		FailureReason string            `json:"failure_reason"`
		WebhookCopies int               `json:"webhook_copies"`
		WebhookDelay  duration          `json:"webhook_delay"`
	}
	if !adminRead(w, r, &in) {
		return
	}
	o := Outcome{
		Status:        in.Status,
		FailureReason: in.FailureReason,
		WebhookCopies: in.WebhookCopies,
		WebhookDelay:  time.Duration(in.WebhookDelay),
	}
	if len(in.Output) > 0 {
		o.Output = in.Output
	}
	id := r.PathValue("run_id")
	switch err := s.Finish(id, o); {
	case errors.Is(err, ErrUnknownRun):
		adminError(w, http.StatusNotFound, "unknown run "+id)
		return
	case errors.Is(err, ErrRunFinished):
		adminError(w, http.StatusConflict, "the run "+id+" has already finished")
		return
	case err != nil:
		adminError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	st, _ := s.Run(id)
	adminJSON(w, http.StatusOK, adminRunState(st))
}

func (s *Server) adminFault(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Route          string   `json:"route"`
		StatusCode     int      `json:"status_code"`
		Body           string   `json:"body"`
		RetryAfter     string   `json:"retry_after"`
		Delay          duration `json:"delay"`
		DropConnection bool     `json:"drop_connection"`
		Truncate       bool     `json:"truncate"`
		Malformed      bool     `json:"malformed"`
		After          int      `json:"after"`
		Times          int      `json:"times"`
	}
	if !adminRead(w, r, &in) {
		return
	}
	f := Fault{
		StatusCode:     in.StatusCode,
		Body:           in.Body,
		RetryAfter:     in.RetryAfter,
		Delay:          time.Duration(in.Delay),
		DropConnection: in.DropConnection,
		Truncate:       in.Truncate,
		Malformed:      in.Malformed,
		After:          in.After,
		Times:          in.Times,
	}
	if err := setFault(s, in.Route, f); err != nil {
		adminError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminClearFaults(w http.ResponseWriter, r *http.Request) {
	routes := r.URL.Query()["route"]
	for _, route := range routes {
		if !knownRoute(route) {
			adminError(w, http.StatusUnprocessableEntity, "skyverntest: ClearFaults: unknown route "+strconv.Quote(route))
			return
		}
	}
	s.ClearFaults(routes...)
	w.WriteHeader(http.StatusNoContent)
}

// setFault calls s.Fault, turning its panic on an unknown route or an
// invalid status into an error; any other panic goes on.
func setFault(s *Server, route string, f Fault) (err error) {
	defer func() {
		if p := recover(); p != nil {
			msg, ok := p.(string)
			if !ok || !strings.HasPrefix(msg, "skyverntest: Fault: ") {
				panic(p)
			}
			err = errors.New(msg)
		}
	}()
	s.Fault(route, f)
	return nil
}

// redacted replaces the values of headers that carry secrets.
var redacted = []string{"X-Api-Key", "Authorization"}

func (s *Server) adminRequests(w http.ResponseWriter, _ *http.Request) {
	type request struct {
		Method   string      `json:"method"`
		Path     string      `json:"path"`
		RawQuery string      `json:"raw_query"`
		Route    string      `json:"route"`
		Header   http.Header `json:"header"`
		Body     string      `json:"body"`
		Status   int         `json:"status_code"`
		Faulted  bool        `json:"faulted"`
	}
	reqs := s.Requests()
	out := make([]request, len(reqs))
	for i, r := range reqs {
		for _, name := range redacted {
			if _, ok := r.Header[name]; ok {
				r.Header[name] = []string{"[redacted]"}
			}
		}
		out[i] = request{Method: r.Method, Path: r.Path, RawQuery: r.RawQuery, Route: r.Route, Header: r.Header, Body: string(r.Body),
			Status: r.StatusCode, Faulted: r.Faulted}
	}
	adminJSON(w, http.StatusOK, out)
}

func (s *Server) adminWebhooks(w http.ResponseWriter, r *http.Request) {
	type webhook struct {
		RunID        string      `json:"run_id"`
		URL          string      `json:"url"`
		Header       http.Header `json:"header"`
		Body         string      `json:"body"`
		Attempt      int         `json:"attempt"`
		Replay       bool        `json:"replay"`
		StatusCode   int         `json:"status_code"`
		ResponseBody string      `json:"response_body"`
		Error        string      `json:"error"`
	}
	runID := r.URL.Query().Get("run_id")
	out := []webhook{}
	for _, d := range s.Webhooks() {
		if runID != "" && d.RunID != runID {
			continue
		}
		out = append(out, webhook{RunID: d.RunID, URL: d.URL, Header: d.Header, Body: string(d.Body), Attempt: d.Attempt,
			Replay: d.Replay, StatusCode: d.StatusCode, ResponseBody: string(d.ResponseBody), Error: d.Err})
	}
	adminJSON(w, http.StatusOK, out)
}

// adminRead decodes the request's JSON body into v, refusing unknown
// members; an empty body leaves v as it is. On failure it answers 422 and
// returns false.
func adminRead(w http.ResponseWriter, r *http.Request, v any) bool {
	var body bytes.Buffer
	if _, err := body.ReadFrom(r.Body); err != nil {
		return false // the connection is gone
	}
	if len(bytes.TrimSpace(body.Bytes())) == 0 {
		return true
	}
	dec := json.NewDecoder(&body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		adminError(w, http.StatusUnprocessableEntity, "invalid body: "+err.Error())
		return false
	}
	if dec.More() {
		adminError(w, http.StatusUnprocessableEntity, "invalid body: more than one JSON value")
		return false
	}
	return true
}

func adminJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		adminError(w, http.StatusInternalServerError, "cannot encode the answer: "+err.Error())
		return
	}
	adminWrite(w, status, b)
}

func adminError(w http.ResponseWriter, status int, detail string) {
	b, _ := json.Marshal(map[string]string{"detail": detail})
	adminWrite(w, status, b)
}

func adminWrite(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}
