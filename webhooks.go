package skyvern

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// RetryRunWebhookRequest asks for a finished run's webhook to be sent again.
// The zero value replays to the run's own webhook_url.
type RetryRunWebhookRequest struct {
	// WebhookURL, when set, sends the replay to this URL instead of the
	// run's stored one.
	WebhookURL string `json:"webhook_url,omitempty"`
}

// RunWebhookReplayResponse reports one replayed webhook delivery: what
// Skyvern sent and how the receiver answered. A receiver that answered
// with an error status is still a successful replay call; use Delivered.
type RunWebhookReplayResponse struct {
	RunID   string  `json:"run_id,omitempty"`
	RunType RunType `json:"run_type,omitempty"`
	// DefaultWebhookURL is the run's own webhook_url, if it has one.
	DefaultWebhookURL string `json:"default_webhook_url,omitempty"`
	// TargetWebhookURL is where this replay was sent.
	TargetWebhookURL string `json:"target_webhook_url,omitempty"`
	// Payload is the exact body that was signed and sent.
	Payload string `json:"payload,omitempty"`
	// Headers are the headers sent with it, including x-skyvern-signature
	// and x-skyvern-timestamp.
	Headers map[string]string `json:"headers,omitzero"`
	// StatusCode is the receiver's HTTP status, or 0 if it never answered.
	StatusCode int `json:"status_code,omitempty"`
	// LatencyMS is how long the receiver took, in milliseconds, if known.
	LatencyMS *int64 `json:"latency_ms,omitempty"`
	// ResponseBody is the start of the receiver's answer (Skyvern keeps at
	// most 2 KiB).
	ResponseBody string `json:"response_body,omitempty"`
	// Error describes a delivery that failed without an answer, such as a
	// connection refused or a timeout.
	Error string `json:"error,omitempty"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a replay report, keeping unmodelled members in Extra.
func (r *RunWebhookReplayResponse) UnmarshalJSON(data []byte) error {
	return jsonobj.Unmarshal(data, r)
}

// MarshalJSON encodes the replay report, Extra included.
func (r RunWebhookReplayResponse) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// Delivered reports whether the receiver got the webhook and answered with
// a 2xx status.
func (r *RunWebhookReplayResponse) Delivered() bool {
	return r.Error == "" && r.StatusCode >= 200 && r.StatusCode < 300
}

// Latency returns LatencyMS as a time.Duration, or 0 when unknown.
func (r *RunWebhookReplayResponse) Latency() time.Duration {
	if r.LatencyMS == nil {
		return 0
	}
	return time.Duration(*r.LatencyMS) * time.Millisecond
}

// String summarises the outcome for logs, without the payload or headers,
// such as "replay of tsk_1 to https://example.com/hook: HTTP 500 (12ms)".
func (r *RunWebhookReplayResponse) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "replay of %s to %s: ", r.RunID, r.TargetWebhookURL)
	switch {
	case r.Error != "":
		b.WriteString("error: " + r.Error)
	case r.StatusCode != 0:
		fmt.Fprintf(&b, "HTTP %d", r.StatusCode)
	default:
		b.WriteString("no answer")
	}
	if r.LatencyMS != nil {
		fmt.Fprintf(&b, " (%dms)", *r.LatencyMS)
	}
	return b.String()
}

// RetryRunWebhook sends a finished run's webhook again, signed as the
// original, to the run's webhook_url or to req.WebhookURL, and returns
// Skyvern's report of the delivery. The call succeeds whenever Skyvern
// attempted the delivery, even if the receiver answered with an error: check
// Delivered on the report.
//
// It calls POST /v1/runs/{run_id}/retry_webhook, with no body for the zero
// request and {"webhook_url": ...} otherwise. Errors: ErrEmptyID; an
// *APIError matching ErrBadRequest when the run is not finished, has no
// webhook URL, or the URL is not allowed, ErrNotFound for an unknown run,
// ErrValidation; a *RequestError for transport failures. It is not retried
// once sent; see ErrOutcomeUnknown.
func (c *Client) RetryRunWebhook(ctx context.Context, runID string, req RetryRunWebhookRequest, opts ...Option) (*RunWebhookReplayResponse, error) {
	var rep RunWebhookReplayResponse
	e := request{Call: endpoint.RetryRunWebhook.With(runID), creates: true, created: createdID{"run_id", &rep.RunID}}
	if req.WebhookURL != "" {
		e.body = req
	}
	if err := c.do(ctx, e, &rep, opts); err != nil {
		return nil, err
	}
	return &rep, nil
}
