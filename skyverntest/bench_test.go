package skyverntest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// BenchmarkServerGetRun measures how many Get Run calls per second the
// fake serves to parallel clients: through the SDK's client, and through
// plain net/http (the fake's own cost, without the SDK's decoding).
func BenchmarkServerGetRun(b *testing.B) {
	srv := skyverntest.NewServer(b, skyverntest.WithManualClock(), skyverntest.WithMaxRecords(1000))
	run, err := srv.Client().RunTask(context.Background(), skyvern.TaskRunRequest{
		Prompt: "Find the price", WebhookURL: "http://127.0.0.1:1/hook",
	})
	if err != nil {
		b.Fatal(err)
	}
	srv.OnPrompt("Find the price", skyverntest.Outcome{Output: map[string]any{"price": 12.5}})

	b.Run("client", func(b *testing.B) {
		client := srv.Client()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			ctx := context.Background()
			for pb.Next() {
				if _, err := client.GetRun(ctx, run.RunID); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})

	b.Run("net/http", func(b *testing.B) {
		tr := &http.Transport{MaxIdleConnsPerHost: 64}
		defer tr.CloseIdleConnections()
		hc := &http.Client{Transport: tr}
		url := srv.URL + "/v1/runs/" + run.RunID
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("x-api-key", srv.APIKey)
			for pb.Next() {
				resp, err := hc.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}

// post16 runs b.N requests made by req from 16 concurrent plain net/http
// clients and reports requests per second.
func post16(b *testing.B, method, url, key, body string) {
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	b.ReportAllocs()
	b.SetParallelism((16 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(method, url, strings.NewReader(body))
			req.Header.Set("x-api-key", key)
			resp, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// fixedServer is the baseline: a plain net/http server answering every
// request with the same body, read to the end, as encoding/json wrote it.
func fixedServer(b *testing.B, body []byte) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	b.Cleanup(ts.Close)
	return ts
}

// BenchmarkServerRunTask measures Run Task from 16 concurrent clients on
// the real clock, each run going through its status changes (and
// renders) within 20 ms, beside the fixed-body baseline.
func BenchmarkServerRunTask(b *testing.B) {
	const body = `{"prompt":"Find the price","url":"https://example.com","max_steps":10}`
	b.Run("fake", func(b *testing.B) {
		srv := skyverntest.NewServer(b, skyverntest.WithRunDuration(20*time.Millisecond), skyverntest.WithMaxRecords(1000))
		post16(b, http.MethodPost, srv.URL+"/v1/run/tasks", srv.APIKey, body)
	})
	b.Run("baseline", func(b *testing.B) {
		answer, _ := json.Marshal(skyvern.RunResponse{RunID: "tsk_1", Status: skyvern.RunStatusCreated, RunType: skyvern.RunTypeTaskV1})
		ts := fixedServer(b, answer)
		post16(b, http.MethodPost, ts.URL, "k", body)
	})
}

// BenchmarkServerGetRun16 measures Get Run from 16 concurrent plain
// clients beside the fixed-body baseline.
func BenchmarkServerGetRun16(b *testing.B) {
	srv := skyverntest.NewServer(b, skyverntest.WithManualClock(), skyverntest.WithMaxRecords(1000))
	run, err := srv.Client().RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "p"})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fake", func(b *testing.B) {
		post16(b, http.MethodGet, srv.URL+"/v1/runs/"+run.RunID, srv.APIKey, "")
	})
	b.Run("baseline", func(b *testing.B) {
		resp, err := srv.Client().GetRun(context.Background(), run.RunID)
		if err != nil {
			b.Fatal(err)
		}
		answer, _ := json.Marshal(resp)
		post16(b, http.MethodGet, fixedServer(b, answer).URL, "k", "")
	})
}

// BenchmarkServerListRuns measures one page of Get Runs with the server
// holding 10,000 runs (its default bound): the first page, a filtered
// page, and the baseline serving a page of the same size.
func BenchmarkServerListRuns(b *testing.B) {
	srv := skyverntest.NewServer(b, skyverntest.WithManualClock(), skyverntest.WithMaxRecords(0))
	client := srv.Client()
	ctx := context.Background()
	srv.OnPrompt("fail", skyverntest.Outcome{Status: skyvern.RunStatusFailed})
	for i := range 10000 {
		prompt := "p"
		if i%100 == 0 {
			prompt = "fail"
		}
		if _, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: prompt}); err != nil {
			b.Fatal(err)
		}
	}
	srv.Advance(time.Hour)
	b.Run("first page", func(b *testing.B) {
		post16(b, http.MethodGet, srv.URL+"/v1/runs?page_size=100", srv.APIKey, "")
	})
	b.Run("failed runs, page 1", func(b *testing.B) {
		post16(b, http.MethodGet, srv.URL+"/v1/runs?page_size=100&status=failed", srv.APIKey, "")
	})
	b.Run("baseline", func(b *testing.B) {
		page, err := client.ListRunsPage(ctx, skyvern.ListRunsParams{PageSize: 100})
		if err != nil {
			b.Fatal(err)
		}
		answer, _ := json.Marshal(page)
		post16(b, http.MethodGet, fixedServer(b, answer).URL, "k", "")
	})
}
