package webhooks

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
)

// TOTPRequest is what Skyvern POSTs to a run's totp_url when the run needs a
// two-factor code. Only the ids that are set are sent, in this field order,
// so Marshal of a TOTPRequest gives the exact bytes Skyvern signs. Members
// other than these three are ignored.
type TOTPRequest struct {
	// TaskID is the task that waits for the code, if it is a task.
	TaskID string `json:"task_id,omitempty"`
	// WorkflowRunID is the workflow run that waits for the code, if any.
	WorkflowRunID string `json:"workflow_run_id,omitempty"`
	// WorkflowPermanentID is the "wpid_..." id of that run's workflow.
	WorkflowPermanentID string `json:"workflow_permanent_id,omitempty"`
}

// ParseTOTPRequest verifies body as Verify does and decodes it as a TOTP
// request. Besides Verify's errors it returns an error matching
// ErrMalformedPayload when the signed body is not a JSON object with string
// ids.
func ParseTOTPRequest(body []byte, signature, apiKey string) (*TOTPRequest, error) {
	if err := Verify(body, signature, apiKey); err != nil {
		return nil, err
	}
	return decodeTOTPRequest(body)
}

func decodeTOTPRequest(body []byte) (*TOTPRequest, error) {
	if !isObject(body) {
		return nil, errNotObject
	}
	req := new(TOTPRequest)
	if err := json.Unmarshal(body, req); err != nil {
		return nil, &payloadError{err: err}
	}
	return req, nil
}

// TOTPHandler returns an http.Handler to use as a run's totp_url. For each
// genuine request it calls fn, which looks up the code (or the text of the
// message that carries it, or a magic link: Skyvern extracts the code from
// longer text itself).
//
// It answers 200 {"verification_code": code} when fn returns a code. When fn
// returns "" and no error, the code has not arrived yet: it answers 200 {},
// which Skyvern takes as "no code yet" and asks again about every 10 seconds
// until its own timeout. A 200 {} is chosen over a 404 because Skyvern would
// treat both alike, while a 404 also looks like a wrong totp_url in its logs.
// When fn fails or panics it answers 500, which Skyvern also treats as "no
// code yet".
//
// Requests are checked as Handler checks them (405, 413, 408, 401 with the
// same options), then decoded (400 when malformed). Every poll for a code
// carries the same body and signature, so deduplication does not apply:
// WithDeduplicator has no effect here.
func TOTPHandler(apiKey string, fn func(ctx context.Context, req *TOTPRequest) (code string, err error), opts ...HandlerOption) http.Handler {
	if fn == nil {
		panic("webhooks: TOTPHandler called with a nil function")
	}
	c := newConfig(apiKey, opts)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var held account
		body, ok := c.receive(w, r, &held)
		if !ok {
			return
		}
		defer held.release()
		req, err := decodeTOTPRequest(body)
		if err != nil {
			c.reject(w, r, err)
			return
		}
		log := c.log.With(
			slog.String("task_id", req.TaskID),
			slog.String("workflow_run_id", req.WorkflowRunID),
		)
		var code string
		err = guard(log, func() (err error) {
			code, err = fn(r.Context(), req)
			return err
		})
		if err != nil {
			answer(w, http.StatusInternalServerError, msgCallbackFailed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if code == "" {
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("{}"))
			return
		}
		b, _ := json.Marshal(struct {
			VerificationCode string `json:"verification_code"`
		}{code})
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b)
	})
}
