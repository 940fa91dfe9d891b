package skyvern_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/skyvern-go/skyvern"
)

// benchRun is a realistic Get Run answer for a finished task (about 2 KB).
const benchRun = `{"run_id":"tsk_v2_490001234567890123","status":"completed",` +
	`"output":{"top_posts":[{"title":"Show HN: A thing I built","points":512,"url":"https://example.com/a"},` +
	`{"title":"Ask HN: How do you test browser agents?","points":301,"url":"https://example.com/b"},` +
	`{"title":"A long essay on retries","points":188,"url":"https://example.com/c"}],"checked_at":"2026-01-31"},` +
	`"downloaded_files":[{"url":"https://artifacts.skyvern.com/o_1/tsk_1/report.pdf","checksum":"9f86d081884c7d659a2feaa0c55ad015",` +
	`"filename":"report.pdf","file_size":48213,"modified_at":"2026-01-31T15:21:00.123456","artifact_id":"a_1"}],` +
	`"recording_url":"https://artifacts.skyvern.com/o_1/tsk_1/recording.webm","recording_archived":false,` +
	`"screenshot_urls":["https://artifacts.skyvern.com/o_1/tsk_1/s3.png","https://artifacts.skyvern.com/o_1/tsk_1/s2.png",` +
	`"https://artifacts.skyvern.com/o_1/tsk_1/s1.png"],"failure_reason":null,"created_at":"2026-01-31T15:20:42.160725",` +
	`"modified_at":"2026-01-31T15:21:02.000001","queued_at":"2026-01-31T15:20:42.200000","started_at":"2026-01-31T15:20:43.500000",` +
	`"finished_at":"2026-01-31T15:21:02","app_url":"https://app.skyvern.com/runs/tsk_v2_490001234567890123",` +
	`"browser_session_id":null,"browser_profile_id":null,"max_screenshot_scrolls":null,"script_run":null,"errors":[],` +
	`"step_count":7,"run_type":"task_v2","run_request":{"prompt":"Find the top 3 posts on Hacker News and return title, points and url",` +
	`"url":"https://news.ycombinator.com","engine":"skyvern-2.0","title":null,"proxy_location":"RESIDENTIAL",` +
	`"data_extraction_schema":null,"error_code_mapping":null,"max_steps":null,"webhook_url":"https://hooks.example.com/skyvern",` +
	`"totp_identifier":null,"totp_url":null,"browser_session_id":null,"browser_profile_id":null,"start_fresh_browser":false,` +
	`"model":null,"extra_http_headers":null,"cdp_connect_headers":null,"publish_workflow":false,` +
	`"include_action_history_in_verification":false,"max_screenshot_scrolls":null,"browser_address":null,"run_with":null}}`

func benchServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, benchRun)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkGetRun compares Client.GetRun, without and with an Observer that
// does nothing (the hook's own cost), with the same round trip done with
// plain net/http and encoding/json against the same local server.
func BenchmarkGetRun(b *testing.B) {
	ctx := context.Background()
	sdk := func(b *testing.B, opts ...skyvern.Option) {
		srv := benchServer(b)
		c, err := skyvern.NewClient(append([]skyvern.Option{skyvern.WithAPIKey(testKey), skyvern.WithBaseURL(srv.URL)}, opts...)...)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			run, err := c.GetRun(ctx, "tsk_v2_490001234567890123")
			if err != nil || run.StepCount == nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("sdk", func(b *testing.B) { sdk(b) })
	b.Run("observed", func(b *testing.B) { sdk(b, skyvern.WithObserver(nopObserver{})) })
	// The same without a network: the answer comes from memory, so that
	// the SDK's own cost is not lost in the loopback round trip's noise.
	mem := skyvern.WithHTTPClient(&http.Client{Transport: memTransport{}})
	b.Run("sdk-mem", func(b *testing.B) { sdk(b, mem) })
	b.Run("observed-mem", func(b *testing.B) { sdk(b, mem, skyvern.WithObserver(nopObserver{})) })
	b.Run("plain", func(b *testing.B) {
		srv := benchServer(b)
		hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v1/runs/tsk_v2_490001234567890123", nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("x-api-key", testKey)
			req.Header.Set("User-Agent", "plain/1.0")
			req.Header.Set("Accept", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			run := newPlain[skyvern.RunResponse]()
			err = json.NewDecoder(resp.Body).Decode(run)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || reflect.ValueOf(run).Elem().FieldByName("StepCount").IsNil() {
				b.Fatal(resp.StatusCode, err)
			}
		}
	})
}

// BenchmarkDecodeRun isolates decoding: RunResponse (unknown members kept,
// both datetime forms) against the plain struct.
func BenchmarkDecodeRun(b *testing.B) {
	body := []byte(benchRun)
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var run skyvern.RunResponse
			if err := run.UnmarshalJSON(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			run := newPlain[skyvern.RunResponse]()
			if err := json.Unmarshal(body, run); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEncodeRun measures json.Marshal of a decoded run (Extra members
// written back) against the plain struct.
func BenchmarkEncodeRun(b *testing.B) {
	body := []byte(benchRun + ``)
	var run skyvern.RunResponse
	if err := json.Unmarshal(body, &run); err != nil {
		b.Fatal(err)
	}
	run.Extra = map[string]json.RawMessage{"task_id": json.RawMessage(`"tsk_1"`), "extracted_information": json.RawMessage(`{"title":"x"}`)}
	plain := newPlain[skyvern.RunResponse]()
	if err := json.Unmarshal(body, plain); err != nil {
		b.Fatal(err)
	}
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(run); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(plain); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// nopObserver is an Observer that does nothing.
type nopObserver struct{}

func (nopObserver) StartCall(ctx context.Context, _ skyvern.CallInfo) (context.Context, skyvern.CallObserver) {
	return ctx, nopObserver{}
}
func (nopObserver) StartAttempt(ctx context.Context, _ int) context.Context { return ctx }
func (nopObserver) EndAttempt(skyvern.AttemptInfo)                          {}
func (nopObserver) EndCall(skyvern.CallResult)                              {}

// memTransport answers every request with benchRun, from memory.
type memTransport struct{}

func (memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Request: r,
		Header:        http.Header{"Content-Type": {"application/json"}},
		ContentLength: int64(len(benchRun)), Body: io.NopCloser(strings.NewReader(benchRun))}, nil
}
