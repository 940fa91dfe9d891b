package skyotel_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/skyvern-go/skyvern"
	skyotel "github.com/skyvern-go/skyvern/contrib/otel"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

const testKey = "sk-test-0123456789-secret-key"

// harness is a Telemetry recording into memory.
type harness struct {
	tel    *skyotel.Telemetry
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(h.spans), sdktrace.WithSampler(sdktrace.AlwaysSample()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	var err error
	if h.tel, err = skyotel.New(tp, mp); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) named(name string) []tracetest.SpanStub {
	var out []tracetest.SpanStub
	for _, s := range h.spans.GetSpans() {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

func (h *harness) metrics(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := h.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

// sum adds the points of the int64 sum or gauge metric name whose
// attributes include all of want.
func sum(rm metricdata.ResourceMetrics, name string, want ...attribute.KeyValue) (n int64, found bool) {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			var points []metricdata.DataPoint[int64]
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				points = d.DataPoints
			case metricdata.Gauge[int64]:
				points = d.DataPoints
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					if hasAll(p.Attributes, want) {
						n += int64(p.Count)
						found = true
					}
				}
			}
			for _, p := range points {
				if hasAll(p.Attributes, want) {
					n += p.Value
					found = true
				}
			}
		}
	}
	return n, found
}

func hasAll(set attribute.Set, want []attribute.KeyValue) bool {
	for _, kv := range want {
		if v, ok := set.Value(kv.Key); !ok || v != kv.Value {
			return false
		}
	}
	return true
}

func attr(s tracetest.SpanStub, key string) (attribute.Value, bool) {
	for _, kv := range s.Attributes {
		if string(kv.Key) == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

func wantAttr(t *testing.T, s tracetest.SpanStub, key string, want any) {
	t.Helper()
	v, ok := attr(s, key)
	if !ok {
		t.Errorf("span %q: no %s (attributes %v)", s.Name, key, s.Attributes)
		return
	}
	if got := v.AsInterface(); got != want {
		t.Errorf("span %q: %s = %v (%T), want %v (%T)", s.Name, key, got, got, want, want)
	}
}

// spyTransport records the span in each request's context.
type spyTransport struct {
	mu    sync.Mutex
	spans []trace.SpanID
}

func (s *spyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.spans = append(s.spans, trace.SpanContextFromContext(req.Context()).SpanID())
	s.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func TestCallSpansAttemptsAndMetrics(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithAPIKey(testKey))
	h := newHarness(t)
	spy := &spyTransport{}
	c := srv.Client(h.tel.ClientOption(), skyvern.WithRetryWait(time.Millisecond, time.Millisecond),
		skyvern.WithHTTPClient(&http.Client{Transport: spy}))
	ctx := context.Background()
	run, err := c.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "find the price"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 503, RetryAfter: "0"})
	if _, err := c.GetRun(ctx, run.RunID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRun(ctx, "tsk_missing"); !errors.Is(err, skyvern.ErrNotFound) {
		t.Fatalf("GetRun(missing) = %v", err)
	}

	create := h.named("RunTask")
	if len(create) != 1 {
		t.Fatalf("RunTask spans: %d", len(create))
	}
	wantAttr(t, create[0], "skyvern.run_id", run.RunID)
	wantAttr(t, create[0], "http.request.method", "POST")
	wantAttr(t, create[0], "skyvern.retry_count", int64(0))

	gets := h.named("GetRun")
	if len(gets) != 2 {
		t.Fatalf("GetRun spans: %d", len(gets))
	}
	get := gets[0]
	if get.SpanKind != trace.SpanKindClient {
		t.Errorf("kind = %v", get.SpanKind)
	}
	wantAttr(t, get, "skyvern.run_id", run.RunID)
	wantAttr(t, get, "skyvern.retry_count", int64(1))
	wantAttr(t, get, "http.response.status_code", int64(200))
	wantAttr(t, get, "url.full", srv.URL+"/v1/runs/"+run.RunID)
	wantAttr(t, get, "server.address", "127.0.0.1")
	if _, ok := attr(get, "error.type"); ok {
		t.Error("a call that succeeded has error.type")
	}
	var attempts []tracetest.SpanStub
	for _, s := range h.named("GET") {
		if s.Parent.SpanID() == get.SpanContext.SpanID() {
			attempts = append(attempts, s)
		}
	}
	if len(attempts) != 2 {
		t.Fatalf("attempt spans under GetRun: %d", len(attempts))
	}
	if _, ok := attr(attempts[0], "http.request.resend_count"); ok {
		t.Error("the first attempt has http.request.resend_count (semconv: only on a resend)")
	}
	wantAttr(t, attempts[0], "http.response.status_code", int64(503))
	wantAttr(t, attempts[0], "skyvern.retry_reason", "status 503")
	wantAttr(t, attempts[0], "error.type", "503")
	wantAttr(t, attempts[1], "http.request.resend_count", int64(1))
	if _, ok := attr(attempts[1], "skyvern.retry_reason"); ok {
		t.Error("the last attempt has a retry reason")
	}
	// The transport sees each attempt's span in its request's context.
	seen := map[trace.SpanID]bool{}
	for _, id := range spy.spans {
		seen[id] = true
	}
	for _, a := range attempts {
		if !seen[a.SpanContext.SpanID()] {
			t.Errorf("attempt span %v not in any request's context", a.SpanContext.SpanID())
		}
	}

	missing := gets[1]
	wantAttr(t, missing, "error.type", "404")
	if missing.Status.Code.String() != "Error" {
		t.Errorf("failed call's status = %v", missing.Status)
	}

	rm := h.metrics(t)
	op := attribute.String("skyvern.operation", "GetRun")
	if n, _ := sum(rm, "skyvern.client.call.attempts", op); n != 3 {
		t.Errorf("GetRun attempts = %d, want 3", n)
	}
	if n, _ := sum(rm, "skyvern.client.call.errors", op, attribute.String("error.type", "404")); n != 1 {
		t.Errorf("GetRun 404 errors = %d, want 1", n)
	}
	if n, _ := sum(rm, "skyvern.client.call.duration", op); n != 2 {
		t.Errorf("GetRun durations recorded = %d, want 2", n)
	}
	if n, _ := sum(rm, "skyvern.client.call.errors", attribute.String("skyvern.operation", "RunTask")); n != 0 {
		t.Errorf("RunTask errors = %d", n)
	}
}

// post sends body to url signed with key and returns the status.
func post(t *testing.T, url string, body []byte, key string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-skyvern-signature", webhooks.Sign(body, key))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestWebhookDeliverySpans(t *testing.T) {
	h := newHarness(t)
	var inSpan []bool
	fn := func(ctx context.Context, run *skyvern.RunResponse) error {
		inSpan = append(inSpan, trace.SpanContextFromContext(ctx).IsValid())
		if run.RunID == "tsk_bad" {
			return errors.New("no room")
		}
		return nil
	}
	hs := httptest.NewServer(webhooks.Handler(testKey, fn, h.tel.HandlerOption(),
		webhooks.WithLogger(slog.New(slog.DiscardHandler))))
	defer hs.Close()
	body := func(id string) []byte {
		b, err := webhooks.Marshal(map[string]any{"run_id": id, "status": "completed", "run_type": "task_v1"})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, d := range []struct {
		id, key string
		want    int
	}{
		{"tsk_ok", testKey, 200},
		{"tsk_ok", testKey, 200}, // a copy
		{"tsk_forged", "another key", 401},
		{"tsk_bad", testKey, 500},
	} {
		if got := post(t, hs.URL, body(d.id), d.key); got != d.want {
			t.Fatalf("%s: answer %d, want %d", d.id, got, d.want)
		}
	}
	spans := h.named("skyvern.webhook")
	if len(spans) != 4 {
		t.Fatalf("delivery spans: %d", len(spans))
	}
	want := []struct {
		verdict string
		status  int64
		runID   string
	}{
		{"verified", 200, "tsk_ok"},
		{"duplicate", 200, "tsk_ok"},
		{"refused", 401, ""},
		{"callback failed", 500, "tsk_bad"},
	}
	for i, w := range want {
		s := spans[i]
		wantAttr(t, s, "skyvern.webhook.verdict", w.verdict)
		wantAttr(t, s, "http.response.status_code", w.status)
		if w.runID != "" {
			wantAttr(t, s, "skyvern.run_id", w.runID)
		} else if _, ok := attr(s, "skyvern.run_id"); ok {
			t.Errorf("refused delivery has a run id")
		}
	}
	if len(inSpan) != 2 || !inSpan[0] || !inSpan[1] {
		t.Errorf("the callback's context carried the delivery span: %v", inSpan)
	}
	rm := h.metrics(t)
	for _, w := range []struct {
		verdict string
		n       int64
	}{{"verified", 1}, {"duplicate", 1}, {"refused", 1}, {"callback failed", 1}} {
		if n, _ := sum(rm, "skyvern.webhook.deliveries", attribute.String("skyvern.webhook.verdict", w.verdict)); n != w.n {
			t.Errorf("deliveries %s = %d, want %d", w.verdict, n, w.n)
		}
	}
}

func TestWaiterFallbackPollsAndPending(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithDefaultOutcome(skyverntest.Outcome{Hold: true}))
	h := newHarness(t)
	c := srv.Client()
	waiter := skyvern.NewWaiter(c, skyvern.WithFallbackPolling(5*time.Millisecond, 10*time.Millisecond), h.tel.WaiterOption())
	if err := h.tel.ObserveWaiter(waiter); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run, err := c.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := waiter.Wait(ctx, run.RunID)
		done <- err
	}()
	// Wait until the waiter has polled at least once while the run is
	// held, then check the pending gauge.
	for len(h.spans.GetSpans()) == 0 {
		time.Sleep(time.Millisecond)
	}
	if n, ok := sum(h.metrics(t), "skyvern.waiter.pending"); !ok || n != 1 {
		t.Errorf("pending = %d (%v), want 1", n, ok)
	}
	if err := srv.Finish(run.RunID, skyverntest.Outcome{}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	polls := 0
	for _, s := range h.spans.GetSpans() {
		if s.SpanKind != trace.SpanKindClient || s.Parent.IsValid() {
			continue // attempts
		}
		polls++
		wantAttr(t, s, "skyvern.waiter.fallback", true)
	}
	if polls == 0 {
		t.Fatal("no fallback poll spans")
	}
	rm := h.metrics(t)
	if n, _ := sum(rm, "skyvern.waiter.fallback.requests"); n != int64(polls) {
		t.Errorf("fallback requests = %d, want %d (one per poll span)", n, polls)
	}
	if n, ok := sum(rm, "skyvern.waiter.pending"); !ok || n != 0 {
		t.Errorf("pending after the wait = %d (%v), want 0", n, ok)
	}
}

// TestNoSecretInAttributes walks every attribute of every span, event and
// metric point for the API key and a credential's password.
func TestNoSecretInAttributes(t *testing.T) {
	const password = "hunter2-correct-horse-battery"
	srv := skyverntest.NewServer(t, skyverntest.WithAPIKey(testKey))
	h := newHarness(t)
	c := srv.Client(h.tel.ClientOption(), skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
	ctx := context.Background()
	req := skyvern.CredentialRequest{Name: "shop", Credential: skyvern.PasswordCredential{Username: "me", Password: skyvern.NewSecret(password)}}
	if _, err := c.CreateCredential(ctx, req); err != nil {
		t.Fatal(err)
	}
	srv.Fault(skyverntest.RouteGetRun, skyverntest.Fault{StatusCode: 500, Body: `{"detail":"` + password + `"}`, Times: -1})
	if _, err := c.GetRun(ctx, "tsk_1"); err == nil {
		t.Fatal("GetRun: no error")
	}
	hs := httptest.NewServer(webhooks.Handler(testKey, func(context.Context, *skyvern.RunResponse) error { return nil },
		h.tel.HandlerOption(), webhooks.WithLogger(slog.New(slog.DiscardHandler))))
	defer hs.Close()
	b, _ := webhooks.Marshal(map[string]any{"run_id": "tsk_2", "status": "completed", "run_type": "task_v1", "output": password})
	post(t, hs.URL, b, testKey)

	var values []string
	add := func(kvs []attribute.KeyValue) {
		for _, kv := range kvs {
			values = append(values, string(kv.Key)+"="+kv.Value.String())
		}
	}
	spans := h.spans.GetSpans()
	if len(spans) < 4 {
		t.Fatalf("only %d spans", len(spans))
	}
	for _, s := range spans {
		values = append(values, s.Name, s.Status.Description)
		add(s.Attributes)
		for _, e := range s.Events {
			add(e.Attributes)
		}
		add(s.Resource.Attributes())
	}
	rm := h.metrics(t)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					add(p.Attributes.ToSlice())
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					add(p.Attributes.ToSlice())
				}
			}
		}
	}
	for _, v := range values {
		for _, secret := range []string{testKey, password} {
			if strings.Contains(v, secret) {
				t.Errorf("recorded %q holds a secret", v)
			}
		}
	}
}

// TestConcurrentCalls checks that calls made at once, whose observers the
// package recycles, each keep their own attributes and attempts.
func TestConcurrentCalls(t *testing.T) {
	srv := skyverntest.NewServer(t)
	h := newHarness(t)
	c := srv.Client(h.tel.ClientOption())
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				id := "tsk_" + strings.Repeat("x", g) + "_" + strings.Repeat("y", i)
				if _, err := c.GetRun(ctx, id); !errors.Is(err, skyvern.ErrNotFound) {
					t.Errorf("GetRun(%s) = %v", id, err)
				}
			}
		})
	}
	wg.Wait()
	calls := map[trace.SpanID]string{}
	for _, s := range h.named("GetRun") {
		id, _ := attr(s, "skyvern.run_id")
		u, _ := attr(s, "url.full")
		if !strings.HasSuffix(u.AsString(), "/v1/runs/"+id.AsString()) {
			t.Errorf("span with skyvern.run_id %q has url.full %q", id.AsString(), u.AsString())
		}
		wantAttr(t, s, "http.response.status_code", int64(404))
		calls[s.SpanContext.SpanID()] = id.AsString()
	}
	if len(calls) != 100 {
		t.Fatalf("GetRun spans: %d, want 100", len(calls))
	}
	attempts := map[trace.SpanID]int{}
	for _, s := range h.named("GET") {
		attempts[s.Parent.SpanID()]++
		wantAttr(t, s, "http.response.status_code", int64(404))
	}
	for id, run := range calls {
		if attempts[id] != 1 {
			t.Errorf("call %s: %d attempt spans, want 1", run, attempts[id])
		}
	}
}
