package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/skyvern-go/skyvern/internal/wire"
	"github.com/skyvern-go/skyvern/webhooks"
)

// The server's delivery rules (see /work/shared/reference/webhook-facts.md
// and skyverntest/webhook.go, which follows Skyvern's webhook sender).
const (
	maxAttempts    = wire.MaxAttempts
	attemptTimeout = wire.AttemptTimeout
)

// delivery is one signed webhook: the same bytes and headers go out on
// every attempt, as the server reuses them.
type delivery struct {
	runID  string
	status string
	body   []byte
	header http.Header
}

// newDelivery signs body with key, stamped with now.
func newDelivery(runID, status string, body []byte, key string, now time.Time) *delivery {
	return &delivery{
		runID: runID, status: status, body: body,
		header: http.Header{
			"x-skyvern-timestamp": {strconv.FormatInt(now.Unix(), 10)},
			"x-skyvern-signature": {webhooks.Sign(body, key)},
			"Content-Type":        {"application/json"},
		},
	}
}

// result is the outcome of one attempt.
type result struct {
	RunID   string  `json:"run_id"`
	Status  string  `json:"status"`
	Code    int     `json:"code,omitempty"` // the receiver's answer, 0 when none
	Error   string  `json:"error,omitempty"`
	Latency float64 `json:"latency_ms"`
	Attempt int     `json:"attempt"`
	Final   bool    `json:"final"` // no attempt follows this one
	OK      bool    `json:"ok"`
}

// sender posts deliveries as the server does: no redirects, 30 s per
// attempt, 3 attempts on 403, 408, 425, 429, 5xx and network errors, with
// backoff base×2ⁿ⁻¹ plus jitter below base, or Retry-After up to 30 s.
type sender struct {
	hc     *http.Client
	base   time.Duration
	report func(result)
}

func newSender(base time.Duration, report func(result)) *sender {
	return &sender{
		hc: &http.Client{
			Timeout:       attemptTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		base:   base,
		report: report,
	}
}

// send makes up to three attempts of d to url and reports whether one was
// answered 2xx. When ctx ends it makes no further attempt, but an attempt
// under way runs to its answer (or its 30 s timeout), so that Ctrl-C never
// loses the answer to a delivery the receiver has already taken.
func (s *sender) send(ctx context.Context, d *delivery, url string) bool {
	for n := 1; ; n++ {
		code, h, lat, err := s.post(ctx, d, url)
		r := result{RunID: d.runID, Status: d.status, Code: code, Latency: float64(lat.Microseconds()) / 1000, Attempt: n}
		if err != nil {
			r.Error = errText(err)
		}
		r.OK = err == nil && code/100 == 2
		retry := !r.OK && n < maxAttempts && wire.Retryable(code, err) && ctx.Err() == nil
		r.Final = !retry
		s.report(r)
		if !retry {
			return r.OK
		}
		t := time.NewTimer(s.backoff(n, h))
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
	}
}

func (s *sender) post(ctx context.Context, d *delivery, url string) (int, http.Header, time.Duration, error) {
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodPost, url, bytes.NewReader(d.body))
	if err != nil {
		return 0, nil, 0, err
	}
	for k, v := range d.header {
		req.Header[k] = v
	}
	start := time.Now()
	resp, err := s.hc.Do(req)
	if err != nil {
		return 0, nil, time.Since(start), err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode, resp.Header, time.Since(start), nil
}

// backoff is the wait after failed attempt n (from 1).
func (s *sender) backoff(n int, h http.Header) time.Duration {
	return wire.Backoff(n, s.base, h, time.Now())
}

// errText names a network error without the URL's query (which could
// carry a token).
func errText(err error) string {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && ue.Unwrap() != nil {
		err = ue.Unwrap()
	}
	return err.Error()
}

// line is a delivery's line for people.
func (r result) line() string {
	answer := strconv.Itoa(r.Code)
	if r.Code == 0 {
		answer = "no answer (" + r.Error + ")"
	}
	more := ""
	if !r.OK && !r.Final {
		more = ", will retry"
	}
	return fmt.Sprintf("%s  %-10s  -> %s  %.1fms  attempt %d/%d%s\n", r.RunID, r.Status, answer, r.Latency, r.Attempt, maxAttempts, more)
}
