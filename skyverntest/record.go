package skyverntest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// RecordedRequest is a request the server received.
type RecordedRequest struct {
	// Method is the request's method, such as "POST".
	Method string
	// Path is the request's path, such as "/v1/runs/tsk_1"; RawQuery is its
	// query, without "?".
	Path     string
	RawQuery string
	// Route is the route that served it, such as RouteGetRun, or "/" for a
	// path the server does not serve.
	Route string
	// Header holds the request's headers, x-api-key included.
	Header http.Header
	// Body is the request body as received, except that the secrets in the
	// bodies of credential and 2FA-code routes (see RouteCreateCredential)
	// are replaced by "[redacted]".
	Body []byte
	// StatusCode is the status the server answered with, or 0 while it has
	// not answered yet and when it answered nothing (a fault that drops
	// the connection, a client that went away).
	StatusCode int
	// Faulted reports that a fault set with Server.Fault answered the
	// request, or spoiled its answer, in place of the route alone.
	Faulted bool
}

// WebhookDelivery is one webhook the server sent: an attempt of a run's
// webhook, or a replay from Retry Run Webhook, with the receiver's answer.
type WebhookDelivery struct {
	// RunID is the run the webhook reports.
	RunID string
	// URL is where it was sent.
	URL string
	// Header holds the headers sent: X-Skyvern-Signature,
	// X-Skyvern-Timestamp and Content-Type (on the wire the first two are in
	// lower case, as Skyvern sends them).
	Header http.Header
	// Body is the signed body, byte for byte.
	Body []byte
	// Attempt counts the attempts of one delivery, from 1.
	Attempt int
	// Replay marks a delivery made by Retry Run Webhook.
	Replay bool
	// StatusCode is the receiver's status, or 0 when it did not answer.
	StatusCode int
	// ResponseBody is the receiver's answer (its first MiB).
	ResponseBody []byte
	// Err describes why there was no answer: a refused connection, a
	// timeout, a dropped connection.
	Err string
}

// String describes the delivery on one line, for a test's failure message
// or log: the run and the status its body reports, the URL (a password in
// it masked), the attempt, and the receiver's status code or why there was
// none. It leaves out the headers (the signature) and the bodies.
//
//	webhook of run tsk_1 (completed) to http://127.0.0.1:41234/hook, attempt 1: 200
func (d WebhookDelivery) String() string {
	var b strings.Builder
	b.WriteString("webhook ")
	if d.Replay {
		b.WriteString("replay ")
	}
	b.WriteString("of run ")
	b.WriteString(d.RunID)
	var body struct {
		Status string `json:"status"`
	}
	if json.Unmarshal(d.Body, &body) == nil && body.Status != "" {
		b.WriteString(" (" + body.Status + ")")
	}
	u := d.URL
	if p, err := url.Parse(d.URL); err == nil {
		u = p.Redacted()
	}
	fmt.Fprintf(&b, " to %s, attempt %d: ", u, d.Attempt)
	switch {
	case d.StatusCode != 0:
		b.WriteString(strconv.Itoa(d.StatusCode))
	case d.Err != "":
		b.WriteString("no answer: " + d.Err)
	default:
		b.WriteString("no answer")
	}
	return b.String()
}

// Requests returns copies of the requests the server has received, oldest
// first.
func (s *Server) Requests() []RecordedRequest {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	list := last(s.requests, s.cfg.maxRecords)
	out := make([]RecordedRequest, len(list))
	for i, p := range list {
		r := *p
		r.Header = r.Header.Clone()
		r.Body = bytes.Clone(r.Body)
		out[i] = r
	}
	return out
}

// Webhooks returns copies of the webhook deliveries the server has made,
// in the order their answers came.
func (s *Server) Webhooks() []WebhookDelivery {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	list := last(s.webhooks, s.cfg.maxRecords)
	out := make([]WebhookDelivery, len(list))
	for i, d := range list {
		d.Header = d.Header.Clone()
		d.Body = bytes.Clone(d.Body)
		d.ResponseBody = bytes.Clone(d.ResponseBody)
		out[i] = d
	}
	return out
}

// recordRequest records r, served by route, and returns its record for
// the status to be noted in; nil when records are off.
func (s *Server) recordRequest(r *http.Request, route string, body []byte, faulted bool) *RecordedRequest {
	if s.cfg.maxRecords == 0 {
		return nil
	}
	rec := &RecordedRequest{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Route:    route,
		Header:   r.Header, // not changed after this; Requests returns clones
		Body:     body,
		Faulted:  faulted,
	}
	s.recMu.Lock()
	s.requests = keep(append(s.requests, rec), s.cfg.maxRecords)
	s.recMu.Unlock()
	return rec
}

func (s *Server) recordWebhook(d *delivery, attempt int, a answer) {
	s.log("webhook", "run_id", d.runID, "url", d.url, "attempt", attempt, "replay", d.replay,
		"status", a.status, "error", errString(a.err), "latency", a.latency)
	if s.cfg.maxRecords == 0 {
		return
	}
	header := make(http.Header, len(d.header))
	for k, v := range d.header {
		header[http.CanonicalHeaderKey(k)] = v
	}
	rec := WebhookDelivery{
		RunID:        d.runID,
		URL:          d.url,
		Header:       header,
		Body:         d.body,
		Attempt:      attempt,
		Replay:       d.replay,
		StatusCode:   a.status,
		ResponseBody: a.body,
		Err:          errString(a.err),
	}
	s.recMu.Lock()
	s.webhooks = keep(append(s.webhooks, rec), s.cfg.maxRecords)
	s.recMu.Unlock()
}

// keep bounds list to between n and 2n items, dropping the oldest (which
// costs a copy every n appends); last then gives the n most recent.
func keep[T any](list []T, n int) []T {
	if n < 0 || len(list) <= 2*n {
		return list
	}
	return append(make([]T, 0, 2*n), list[len(list)-n:]...)
}

// last returns the last n items of list, or all of them when n < 0.
func last[T any](list []T, n int) []T {
	if n < 0 || len(list) <= n {
		return list
	}
	return list[len(list)-n:]
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
