package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

// receiver is a local webhook receiver built with webhooks.Handler that
// counts the POSTs it answers per run and keeps the runs it accepted.
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	runs  map[string]*skyvern.RunResponse
	posts map[string]int
	at    map[string]time.Time // when each run was first accepted
	got   chan string
	// refuse answers 503 to a run's first refuse attempts (always when < 0).
	refuse int
}

func newReceiver(t *testing.T, key string, refuse int) *receiver {
	r := &receiver{runs: map[string]*skyvern.RunResponse{}, posts: map[string]int{}, at: map[string]time.Time{},
		got: make(chan string, 4096), refuse: refuse}
	h := webhooks.Handler(key, func(_ context.Context, run *skyvern.RunResponse) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		if _, ok := r.runs[run.RunID]; !ok {
			r.runs[run.RunID] = run
			r.at[run.RunID] = time.Now()
			r.got <- run.RunID
		}
		return nil
	})
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var id struct {
			RunID string `json:"run_id"`
		}
		_ = json.Unmarshal(body, &id)
		r.mu.Lock()
		r.posts[id.RunID]++
		n := r.posts[id.RunID]
		r.mu.Unlock()
		if r.refuse < 0 || n <= r.refuse {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

// wait waits for n runs to be accepted.
func (r *receiver) wait(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(2 * time.Minute)
	for i := 0; i < n; i++ {
		select {
		case <-r.got:
		case <-timeout:
			t.Fatalf("the receiver accepted %d runs of %d", i, n)
		}
	}
}

// lines is a writer that hands each complete line to a channel too.
type lines struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	part []byte
	ch   chan string
}

func newLines() *lines { return &lines{ch: make(chan string, 1<<16)} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	l.part = append(l.part, p...)
	for {
		i := bytes.IndexByte(l.part, '\n')
		if i < 0 {
			break
		}
		select {
		case l.ch <- string(l.part[:i]):
		default:
		}
		l.part = l.part[i+1:]
	}
	return len(p), nil
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func fakeEnv(srv *skyverntest.Server) env {
	return func(k string) string {
		switch k {
		case "SKYVERN_API_KEY":
			return srv.APIKey
		case "SKYVERN_BASE_URL":
			return srv.URL
		}
		return ""
	}
}

// listening is a listen command running in process.
type listening struct {
	cancel context.CancelFunc
	done   chan int
	out    *lines
	errb   *lines
}

func startListen(t *testing.T, srv *skyverntest.Server, args ...string) *listening {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &listening{cancel: cancel, done: make(chan int, 1), out: newLines(), errb: newLines()}
	go func() {
		l.done <- run(ctx, append([]string{"listen"}, args...), nil, l.out, l.errb, fakeEnv(srv))
	}()
	t.Cleanup(func() { cancel(); <-l.done })
	for {
		select {
		case line := <-l.out.ch:
			if strings.HasPrefix(line, "Ready.") || strings.Contains(line, `"ready":true`) {
				return l
			}
		case code := <-l.done:
			l.done <- code
			t.Fatalf("listen ended with %d: %s", code, l.errb.String())
		}
	}
}

// stop stops listen as Ctrl-C does and returns its exit code.
func (l *listening) stop() int {
	l.cancel()
	code := <-l.done
	l.done <- code
	return code
}

// sink answers every POST 200: the fake's own webhooks go there.
func sink(t *testing.T) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(s.Close)
	return s.URL
}

func TestListenForwardsEachFinishedRunOnce(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	srv.OnPrompt("fail", skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "the page changed"})
	srv.OnPrompt("output", skyverntest.Outcome{Output: map[string]any{"price": 1.25, "note": "<a&b>"}})
	ctx := context.Background()
	client := srv.Client()
	hook := sink(t)

	// Finished before listen starts: not forwarded.
	old, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "old", Engine: skyvern.RunEngineSkyvernV1, WebhookURL: hook})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(skyverntest.DefaultRunDuration)
	// In flight when listen starts: forwarded when it finishes.
	early, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "output", Engine: skyvern.RunEngineSkyvernV1, WebhookURL: hook})
	if err != nil {
		t.Fatal(err)
	}

	rcv := newReceiver(t, srv.APIKey, 0)
	l := startListen(t, srv, "--forward-to", rcv.URL, "--interval", "10ms", "--backoff", "1ms")

	ids := []string{early.RunID}
	for _, p := range []string{"fail", "output", "plain"} {
		r, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: p, WebhookURL: hook})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.RunID)
	}
	wr, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_123", WebhookURL: hook})
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, wr.RunID)
	finished := time.Now()
	srv.Advance(skyverntest.DefaultRunDuration)
	rcv.wait(t, len(ids))
	for _, id := range ids {
		t.Logf("latency from the run finishing on the fake to the receiver accepting it: %v", rcv.at[id].Sub(finished))
	}
	if code := l.stop(); code != 0 {
		t.Fatalf("listen exit %d; stdout:\n%s", code, l.out)
	}

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if rcv.posts[old.RunID] != 0 {
		t.Errorf("run %s finished before listen started and was forwarded", old.RunID)
	}
	for _, id := range ids {
		if rcv.posts[id] != 1 {
			t.Errorf("run %s: %d POSTs, want 1", id, rcv.posts[id])
		}
		want, err := client.GetRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got := rcv.runs[id]
		want.RunRequest, want.Extra, got.Extra = nil, nil, nil
		wj, _ := json.Marshal(want)
		gj, _ := json.Marshal(got)
		if !bytes.Equal(wj, gj) {
			t.Errorf("run %s: the receiver got\n%s\nGet Run returns\n%s", id, gj, wj)
		}
		if !strings.Contains(l.out.String(), id+"  ") {
			t.Errorf("no delivery line for %s", id)
		}
	}
	// For a task run, Get Run tells every member of the webhook: listen's
	// body is the fake's, byte for byte.
	compared := false
	for _, d := range srv.Webhooks() {
		if d.RunID != early.RunID || compared {
			continue
		}
		compared = true
		var raw []byte
		a, _ := newAPI(fakeEnv(srv))
		_, raw, err = a.getRun(ctx, early.RunID)
		if err != nil {
			t.Fatal(err)
		}
		body, err := webhookBody(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, d.Body) {
			t.Errorf("task webhook differs from the fake's:\n got %s\nwant %s", body, d.Body)
		}
	}
	if !compared {
		t.Error("the fake sent no webhook to compare with")
	}
}

func TestListenLosesNothingWhenTheReceiverIsDown(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	ctx := context.Background()
	client := srv.Client()

	rcv := newReceiver(t, srv.APIKey, 2) // down for the first two attempts of each run
	l := startListen(t, srv, "--forward-to", rcv.URL, "--interval", "10ms", "--backoff", "1ms", "-json")
	var ids []string
	for i := range 5 {
		r, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: fmt.Sprint("p", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.RunID)
	}
	srv.Advance(skyverntest.DefaultRunDuration)
	rcv.wait(t, len(ids))
	if code := l.stop(); code != 0 {
		t.Fatalf("listen exit %d; stdout:\n%s", code, l.out)
	}
	rcv.mu.Lock()
	for _, id := range ids {
		if rcv.posts[id] != 3 {
			t.Errorf("run %s: %d attempts, want 3", id, rcv.posts[id])
		}
	}
	rcv.mu.Unlock()
	var attempts int
	sc := bufio.NewScanner(strings.NewReader(l.out.String()))
	for sc.Scan() {
		var r result
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.RunID != "" {
			attempts++
			if (r.Attempt == 3) != r.OK || (r.Attempt < 3 && r.Code != 503) {
				t.Errorf("attempt line %s", sc.Text())
			}
		}
	}
	if attempts != 15 {
		t.Errorf("%d attempt lines, want 15", attempts)
	}
}

func TestListenListsFailuresAndReplayResendsThem(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	ctx := context.Background()
	down := newReceiver(t, srv.APIKey, -1)
	l := startListen(t, srv, "--forward-to", down.URL, "--interval", "10ms", "--backoff", "1ms")
	r, err := srv.Client().RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(skyverntest.DefaultRunDuration)
	for line := range l.out.ch {
		if strings.Contains(line, "attempt 3/3") {
			break
		}
	}
	if code := l.stop(); code != 1 {
		t.Fatalf("listen exit %d, want 1; stdout:\n%s", code, l.out)
	}
	want := "not delivered: " + r.RunID + "   re-send: skyhook replay " + r.RunID + " --to " + down.URL
	if !strings.Contains(l.out.String(), want) {
		t.Fatalf("stdout lacks %q:\n%s", want, l.out)
	}

	up := newReceiver(t, srv.APIKey, 0)
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"replay", r.RunID, "--to", up.URL}, nil, &out, &errb, fakeEnv(srv)); code != 0 {
		t.Fatalf("replay exit %d: %s", code, errb.String())
	}
	up.wait(t, 1)
	if got := up.runs[r.RunID]; got == nil || got.Status != skyvern.RunStatusCompleted {
		t.Fatalf("replay delivered %+v", got)
	}
	if !strings.Contains(out.String(), r.RunID) || !strings.Contains(out.String(), "-> 200") {
		t.Errorf("replay printed %q", out.String())
	}
}

// With 1,000 runs finishing, listen makes one Get Run per run and the list
// requests stated in its -help: per poll, one page of runs in flight per
// 100 (at least 1) and one page of finished runs per 100 that finished (at
// least 1) plus one.
func TestListenPollingCostWith1000Runs(t *testing.T) {
	if testing.Short() {
		t.Skip("1000 runs")
	}
	const n = 1000
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	ctx := context.Background()
	client := srv.Client()
	for i := range n {
		if _, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: fmt.Sprint("p", i)}); err != nil {
			t.Fatal(err)
		}
	}
	rcv := newReceiver(t, srv.APIKey, 0)
	l := startListen(t, srv, "--forward-to", rcv.URL, "--interval", "20ms", "-json")
	srv.Advance(skyverntest.DefaultRunDuration)
	rcv.wait(t, n)
	if code := l.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var sum struct {
		Delivered int   `json:"delivered"`
		Polls     int   `json:"polls"`
		Lists     int64 `json:"list_requests"`
		Gets      int64 `json:"get_run_requests"`
	}
	out := strings.TrimSpace(l.out.String())
	if err := json.Unmarshal([]byte(out[strings.LastIndexByte(out, '\n')+1:]), &sum); err != nil {
		t.Fatal(err)
	}
	// Baseline: 10 pages in flight + 1 finished. Each poll: at most 10 pages
	// in flight, and at most 1 + 1 finished pages, plus the 10 pages the
	// 1000 finished runs fill once.
	limit := int64(11 + sum.Polls*(10+2) + n/100)
	t.Logf("%d runs: %d polls, %d list requests (limit %d), %d Get Run", n, sum.Polls, sum.Lists, limit, sum.Gets)
	if sum.Delivered != n || sum.Gets != n {
		t.Errorf("delivered %d with %d Get Run, want %d and %d", sum.Delivered, sum.Gets, n, n)
	}
	if sum.Lists > limit {
		t.Errorf("%d list requests, over the stated %d", sum.Lists, limit)
	}
}
