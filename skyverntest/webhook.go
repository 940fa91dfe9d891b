package skyverntest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// Skyvern's delivery rules.
const (
	maxAttempts       = 3
	maxRetryAfter     = 30 * time.Second
	replayBodyLimit   = 2048    // characters of the receiver's answer in a replay report
	recordedBodyLimit = 1 << 20 // bytes of the receiver's answer kept in a WebhookDelivery
)

// delivery is one signed webhook: the same bytes and headers are sent on
// every attempt, as Skyvern reuses them.
type delivery struct {
	runID  string
	url    string
	body   []byte
	header http.Header // with the lower-case names Skyvern sends
	ts     string      // x-skyvern-timestamp
	sig    string      // x-skyvern-signature
	replay bool
}

// sign builds a delivery of payload to url, signed with the server's key
// and stamped with the server's clock.
func (s *Server) sign(runID, url string, payload webhooks.Object, replay bool) (*delivery, error) {
	body, err := webhooks.Marshal(payload)
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(s.clock.Now().Unix(), 10)
	sig := webhooks.Sign(body, s.APIKey)
	return &delivery{
		runID: runID,
		url:   url,
		body:  body,
		header: http.Header{
			"x-skyvern-timestamp": {ts},
			"x-skyvern-signature": {sig},
			"Content-Type":        {"application/json"},
		},
		ts:     ts,
		sig:    sig,
		replay: replay,
	}, nil
}

// scheduleWebhook sends the webhook of a run that has just finished, after
// o.WebhookDelay, in o.WebhookCopies copies.
func (s *Server) scheduleWebhook(r *run, o Outcome) {
	url := r.hookURL
	if url == "" {
		return
	}
	s.clock.after(o.WebhookDelay, func() {
		s.st.mu.RLock()
		payload := s.webhookPayload(r, false)
		s.st.mu.RUnlock()
		d, err := s.sign(r.id, url, payload, false)
		if err != nil {
			s.log("cannot encode webhook", "run_id", r.id, "error", err.Error())
			return
		}
		for range max(o.WebhookCopies, 1) {
			s.clock.after(0, func() { s.attempt(d, 1) })
		}
	})
}

// answer is what a receiver did with one attempt.
type answer struct {
	status  int
	header  http.Header
	body    []byte
	err     error
	latency time.Duration
}

// post sends one attempt of d.
func (s *Server) post(d *delivery) answer {
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.webhookTimeout)
	defer cancel()
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return answer{err: err}
	}
	for k, v := range d.header {
		req.Header[k] = v
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return answer{err: err, latency: time.Since(start)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, recordedBodyLimit))
	a := answer{status: resp.StatusCode, header: resp.Header, body: body, latency: time.Since(start)}
	if err != nil {
		a = answer{err: err, latency: time.Since(start)}
	}
	return a
}

// attempt makes attempt n of d and, if it failed in a way Skyvern retries,
// schedules the next one; after the last attempt it stores the outcome on
// the run as webhook_failure_reason.
func (s *Server) attempt(d *delivery, n int) {
	a := s.post(d)
	if a.err != nil && s.ctx.Err() != nil {
		return // cut short by Close
	}
	s.recordWebhook(d, n, a)
	if a.err == nil && a.status/100 == 2 {
		s.st.setWebhookFailure(d.runID, "")
		return
	}
	if n < maxAttempts && retryable(a) {
		s.clock.after(s.backoff(n, a), func() { s.attempt(d, n+1) })
		return
	}
	if a.err != nil {
		s.st.setWebhookFailure(d.runID, "Webhook delivery failed before receiving a response: "+describe(a.err))
		return
	}
	s.st.setWebhookFailure(d.runID, fmt.Sprintf("Webhook failed with status code %d, error message: %s", a.status, a.body))
}

// retryable reports the failures Skyvern retries: no answer (a network
// error or a timeout), 403, 408, 425, 429 and 5xx.
func retryable(a answer) bool {
	if a.err != nil {
		return true
	}
	switch a.status {
	case http.StatusForbidden, http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return a.status >= 500 && a.status <= 599
}

// backoff is the wait after failed attempt n (from 1): the receiver's
// Retry-After, capped at 30 s, or base×2ⁿ⁻¹ plus a random part below base.
func (s *Server) backoff(n int, a answer) time.Duration {
	if a.header != nil {
		if d, ok := parseRetryAfter(a.header.Get("Retry-After"), s.clock.Now()); ok {
			return min(d, maxRetryAfter)
		}
	}
	base := s.cfg.webhookBackoff
	jitter := time.Duration(0)
	if base > 0 {
		jitter = rand.N(base)
	}
	return base<<(n-1) + jitter
}

// parseRetryAfter reads seconds (possibly fractional) or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || secs != secs {
			secs = 0
		}
		return time.Duration(min(secs, maxRetryAfter.Seconds()) * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// describe names a delivery error the way Skyvern's Python client reports
// it: the exception's type, then its message.
func describe(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return "ReadTimeout"
	case isDialError(err):
		return "ConnectError: " + err.Error()
	}
	return "RemoteProtocolError: " + err.Error()
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// replay delivers r's webhook once to target, as Retry Run Webhook does,
// and returns Skyvern's replay report.
func (s *Server) replay(r *run, target string) skyvern.RunWebhookReplayResponse {
	s.st.mu.RLock()
	payload := s.webhookPayload(r, true)
	s.st.mu.RUnlock()
	d, err := s.sign(r.id, target, payload, true)
	if err != nil {
		panic("skyverntest: cannot encode a webhook: " + err.Error())
	}
	a := s.post(d)
	if a.err == nil || s.ctx.Err() == nil {
		s.recordWebhook(d, 1, a)
	}

	rep := skyvern.RunWebhookReplayResponse{
		RunID:             r.id,
		RunType:           r.typ,
		DefaultWebhookURL: r.hookURL,
		TargetWebhookURL:  target,
		Payload:           string(d.body),
		Headers: map[string]string{
			"x-skyvern-timestamp": d.ts,
			"x-skyvern-signature": d.sig,
			"Content-Type":        "application/json",
		},
		LatencyMS: skyvern.Ptr(a.latency.Milliseconds()),
	}
	switch {
	case a.err == nil:
		rep.StatusCode = a.status
		if len([]rune(string(a.body))) > replayBodyLimit {
			rep.ResponseBody = string([]rune(string(a.body))[:replayBodyLimit]) + "\n... (truncated)"
		} else {
			rep.ResponseBody = string(a.body)
		}
	case describe(a.err) == "ReadTimeout":
		rep.Error = fmt.Sprintf("Request timed out after %d seconds.", int(s.cfg.webhookTimeout.Seconds()))
	default:
		rep.Error = "Could not reach URL: " + a.err.Error()
	}
	return rep
}
