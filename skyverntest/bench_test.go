package skyverntest_test

import (
	"context"
	"io"
	"net/http"
	"testing"

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
