package webhooks_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// In a real program the key comes from the environment, such as
// os.Getenv("SKYVERN_API_KEY").
const apiKey = "sk-test-key-0123456789"

func ExampleVerify() {
	body := []byte(`{"run_id":"tsk_1","status":"completed"}`)                       // the raw request body
	signature := "811f15ada21338a5c8b96c8b75829dab020d77b10a4a858c7f00b7f621830104" // its x-skyvern-signature

	fmt.Println(webhooks.Verify(body, signature, apiKey))

	err := webhooks.Verify(body, "sha256="+signature, apiKey)
	fmt.Println(errors.Is(err, webhooks.ErrInvalidSignature))
	// Output:
	// <nil>
	// true
}

func ExampleParse() {
	body := []byte(`{"task_id":"tsk_1","extracted_information":{"price":3},"run_id":"tsk_1","status":"completed",` +
		`"output":{"price":3},"created_at":"2026-01-31T15:20:42.160725","run_type":"task_v1"}`)
	signature := webhooks.Sign(body, apiKey) // what Skyvern sends in x-skyvern-signature

	run, err := webhooks.Parse(body, signature, apiKey)
	if err != nil {
		fmt.Println(err)
		return
	}
	var output struct {
		Price int `json:"price"`
	}
	if err := run.DecodeOutput(&output); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(run.RunID, run.RunType, run.Status, run.Status.IsTerminal())
	fmt.Println(run.CreatedAt.Format(time.RFC3339Nano))
	fmt.Println("price:", output.Price)
	fmt.Println("legacy task_id:", string(run.Extra["task_id"]))
	// Output:
	// tsk_1 task_v1 completed true
	// 2026-01-31T15:20:42.160725Z
	// price: 3
	// legacy task_id: "tsk_1"
}

func ExampleSign() {
	body := []byte(`{"run_id":"tsk_1","status":"completed"}`)
	fmt.Println(webhooks.Sign(body, apiKey))
	// Output:
	// 811f15ada21338a5c8b96c8b75829dab020d77b10a4a858c7f00b7f621830104
}

func ExampleMarshal() {
	// A struct's fields keep their order; a map's keys are sorted.
	type payload struct {
		RunID  string            `json:"run_id"`
		Status skyvern.RunStatus `json:"status"`
		Output map[string]any    `json:"output"`
	}
	body, err := webhooks.Marshal(payload{
		RunID:  "tsk_1",
		Status: skyvern.RunStatusCompleted,
		Output: map[string]any{"price": 3.0, "ratio": 1e-07, "title": "<Kettle> & cup ☕"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(body))
	fmt.Println(webhooks.Sign(body, apiKey) == webhooks.Sign([]byte(`{"run_id":"tsk_1","status":"completed",`+
		`"output":{"price":3,"ratio":1e-07,"title":"<Kettle> & cup ☕"}}`), apiKey))
	// Output:
	// {"run_id":"tsk_1","status":"completed","output":{"price":3,"ratio":1e-07,"title":"<Kettle> & cup ☕"}}
	// true
}

func ExampleHandler() {
	h := webhooks.Handler(apiKey, func(ctx context.Context, run *skyvern.RunResponse) error {
		fmt.Println("received", run.RunID, run.Status)
		return nil // 200; an error would answer 500 and Skyvern would retry
	})
	// In a real program: http.Handle("/skyvern", h)

	// What Skyvern sends when the run finishes, and a forgery.
	body := []byte(`{"run_id":"wr_1","status":"completed","run_type":"workflow_run"}`)
	for _, signature := range []string{webhooks.Sign(body, apiKey), webhooks.Sign(body, "sk-guess")} {
		r := httptest.NewRequest(http.MethodPost, "/skyvern", bytes.NewReader(body))
		r.Header.Set("x-skyvern-signature", signature)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// received wr_1 completed
	// 200
	// 401
}

func ExampleVerifier() {
	// While rotating the API key, accept both the new key and the old one.
	v := webhooks.NewVerifier("sk-new", "sk-old")

	body := []byte(`{"run_id":"tsk_1","status":"completed"}`)
	fmt.Println(v.Verify(body, webhooks.Sign(body, "sk-old")))
	fmt.Println(v.Verify(body, webhooks.Sign(body, "sk-new")))
	fmt.Println(v.Verify(body, webhooks.Sign(body, "sk-other")))
	// Output:
	// <nil>
	// <nil>
	// webhooks: invalid signature
}

func ExampleTOTPHandler() {
	// codes holds the 2FA codes your system received (by SMS, by email...),
	// by workflow run.
	var mu sync.Mutex
	codes := map[string]string{}

	h := webhooks.TOTPHandler(apiKey, func(ctx context.Context, req *webhooks.TOTPRequest) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		return codes[req.WorkflowRunID], nil // "" until the code arrives: Skyvern asks again
	})
	// In a real program: http.Handle("/skyvern/totp", h), and totp_url set to its address.

	poll := func() {
		body := []byte(`{"workflow_run_id":"wr_1","workflow_permanent_id":"wpid_1"}`)
		r := httptest.NewRequest(http.MethodPost, "/skyvern/totp", bytes.NewReader(body))
		r.Header.Set("x-skyvern-signature", webhooks.Sign(body, apiKey))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	poll()
	mu.Lock()
	codes["wr_1"] = "123456"
	mu.Unlock()
	poll()
	// Output:
	// 200 {}
	// 200 {"verification_code":"123456"}
}
