package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// Every attempt carries the same bytes and headers; Retry-After is
// honoured; 404 and redirects are not retried, as the server does.
func TestSenderRetriesAsTheServer(t *testing.T) {
	var mu sync.Mutex
	var bodies, sigs, stamps []string
	answers := []func(http.ResponseWriter){
		func(w http.ResponseWriter) { w.Header().Set("Retry-After", "0.01"); w.WriteHeader(429) },
		func(w http.ResponseWriter) { w.WriteHeader(502) },
		func(w http.ResponseWriter) { w.WriteHeader(204) },
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		n := len(bodies)
		bodies = append(bodies, string(b))
		sigs = append(sigs, r.Header.Get("X-Skyvern-Signature"))
		stamps = append(stamps, r.Header.Get("X-Skyvern-Timestamp"))
		mu.Unlock()
		if r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		}
		answers[n](w)
	}))
	defer srv.Close()
	d := newDelivery("tsk_1", "completed", []byte(`{"run_id":"tsk_1"}`), testKey, time.Unix(1700000000, 0))
	var results []result
	s := newSender(time.Millisecond, func(r result) { results = append(results, r) })
	if !s.send(context.Background(), d, srv.URL) {
		t.Fatalf("not delivered: %+v", results)
	}
	if len(bodies) != 3 || len(results) != 3 || results[2].Attempt != 3 || !results[2].OK {
		t.Fatalf("%d attempts, results %+v", len(bodies), results)
	}
	for i := range bodies {
		if bodies[i] != bodies[0] || sigs[i] != sigs[0] || stamps[i] != "1700000000" {
			t.Errorf("attempt %d differs: %q %q %q", i+1, bodies[i], sigs[i], stamps[i])
		}
	}
	for _, code := range []int{404, 302} {
		n := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n++
			if code == 302 {
				w.Header().Set("Location", "/elsewhere")
			}
			w.WriteHeader(code)
		}))
		if newSender(time.Millisecond, func(result) {}).send(context.Background(), d, srv.URL) || n != 1 {
			t.Errorf("%d: delivered or retried (%d attempts)", code, n)
		}
		srv.Close()
	}
	if got, _ := wire.ParseRetryAfter("120", time.Now()); got != wire.MaxRetryAfter {
		t.Errorf("Retry-After 120 waits %v, want the 30s cap", got)
	}
	if b := (&sender{base: time.Second}).backoff(2, nil); b < 2*time.Second || b >= 3*time.Second {
		t.Errorf("second backoff %v, want 2s plus jitter below 1s", b)
	}
}

// The filters reach the list: with --run-type workflow_run, a task run
// that finishes is not forwarded.
func TestListenFilters(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	rcv := newReceiver(t, srv.APIKey, 0)
	l := startListen(t, srv, "--forward-to", rcv.URL, "--interval", "10ms", "--run-type", "workflow_run")
	ctx := context.Background()
	task, err := srv.Client().RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	if err != nil {
		t.Fatal(err)
	}
	wr, err := srv.Client().RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_1"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(skyverntest.DefaultRunDuration)
	rcv.wait(t, 1)
	if code := l.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if rcv.posts[wr.RunID] != 1 || rcv.posts[task.RunID] != 0 {
		t.Errorf("posts %v", rcv.posts)
	}
	if strings.Contains(l.out.String(), task.RunID) {
		t.Error("the task run was forwarded")
	}
}
