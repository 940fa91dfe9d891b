package webhooks_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
	"github.com/skyvern-go/skyvern/webhooks"
)

// benchValue builds a workflow run's webhook payload of about size bytes
// once encoded, as Skyvern writes it: run fields, legacy fields (including
// "outputs", which repeats the output), and an output of many records with
// string fields.
func benchValue(size int) wire.Object {
	var records wire.Object
	for n := 0; 2*n < size-1500; {
		i := len(records)
		m := wire.Member{Key: fmt.Sprintf("product_%04d", i), Value: wire.Object{
			{Key: "title", Value: fmt.Sprintf("Stainless steel kettle, 1.7 L, model %d – “quiet boil” <edition>", i)},
			{Key: "price", Value: 19.99 + float64(i)},
			{Key: "currency", Value: "EUR"},
			{Key: "in_stock", Value: i%3 != 0},
			{Key: "url", Value: fmt.Sprintf("https://shop.example.com/p/%d?ref=skyvern&utm_source=agent", i)},
			{Key: "rating", Value: 4.5},
			{Key: "reviews", Value: []any{"Great kettle, boils fast.", "Lid is a bit stiff\nbut fine."}},
		}}
		b, err := webhooks.Marshal(wire.Object{m})
		if err != nil {
			panic(err)
		}
		n += len(b)
		records = append(records, m)
	}
	output := map[string]any{"extract_block": records}
	return wire.Object{
		{Key: "workflow_id", Value: "wpid_123456789"},
		{Key: "workflow_run_id", Value: "wr_123456789"},
		{Key: "status", Value: "completed"},
		{Key: "proxy_location", Value: "RESIDENTIAL"},
		{Key: "webhook_callback_url", Value: "https://hooks.example.com/skyvern"},
		{Key: "parameters", Value: map[string]any{"query": "electric kettle", "max_results": 50}},
		{Key: "outputs", Value: output},
		{Key: "total_steps", Value: 12},
		{Key: "credits_used", Value: 3.5},
		{Key: "workflow_title", Value: "Kettle prices"},
		{Key: "recording_urls", Value: []string{"https://artifacts.example.com/rec/wr_123456789.webm"}},
		{Key: "run_id", Value: "wr_123456789"},
		{Key: "output", Value: output},
		{Key: "downloaded_files", Value: []any{}},
		{Key: "recording_url", Value: "https://artifacts.example.com/rec/wr_123456789.webm"},
		{Key: "recording_archived", Value: false},
		{Key: "screenshot_urls", Value: []string{"https://artifacts.example.com/s/1.png", "https://artifacts.example.com/s/2.png"}},
		{Key: "failure_reason", Value: nil},
		{Key: "created_at", Value: "2026-01-31T15:20:42.160725"},
		{Key: "modified_at", Value: "2026-01-31T15:24:03.004211"},
		{Key: "queued_at", Value: "2026-01-31T15:20:42.301"},
		{Key: "started_at", Value: "2026-01-31T15:20:43"},
		{Key: "finished_at", Value: "2026-01-31T15:24:02.998"},
		{Key: "app_url", Value: "https://app.skyvern.com/runs/wr_123456789"},
		{Key: "browser_session_id", Value: nil},
		{Key: "browser_profile_id", Value: nil},
		{Key: "max_screenshot_scrolls", Value: 3},
		{Key: "script_run", Value: nil},
		{Key: "errors", Value: []any{}},
		{Key: "step_count", Value: 12},
		{Key: "run_type", Value: "workflow_run"},
		{Key: "run_with", Value: "agent"},
		{Key: "ai_fallback", Value: true},
		{Key: "script_id", Value: nil},
		{Key: "browser_seed_source", Value: "fresh"},
		{Key: "run_request", Value: map[string]any{"workflow_id": "wpid_123456789", "parameters": map[string]any{"query": "electric kettle"}}},
	}
}

// benchPayload is benchValue(size) as Skyvern's server writes it.
func benchPayload(size int) []byte {
	body, err := webhooks.Marshal(benchValue(size))
	if err != nil {
		panic(err)
	}
	return body
}

// plainRun has the fields of skyvern.RunResponse, with datetimes as strings
// and no Extra: what a hand-written receiver would decode into.
type plainRun struct {
	RunID           string          `json:"run_id"`
	Status          string          `json:"status"`
	Output          json.RawMessage `json:"output"`
	DownloadedFiles []struct {
		URL        string `json:"url"`
		Checksum   string `json:"checksum"`
		Filename   string `json:"filename"`
		FileSize   *int64 `json:"file_size"`
		ModifiedAt string `json:"modified_at"`
		ArtifactID string `json:"artifact_id"`
	} `json:"downloaded_files"`
	RecordingURL         string   `json:"recording_url"`
	RecordingArchived    bool     `json:"recording_archived"`
	ScreenshotURLs       []string `json:"screenshot_urls"`
	FailureReason        string   `json:"failure_reason"`
	CreatedAt            string   `json:"created_at"`
	ModifiedAt           string   `json:"modified_at"`
	QueuedAt             string   `json:"queued_at"`
	StartedAt            string   `json:"started_at"`
	FinishedAt           string   `json:"finished_at"`
	AppURL               string   `json:"app_url"`
	BrowserSessionID     string   `json:"browser_session_id"`
	BrowserProfileID     string   `json:"browser_profile_id"`
	MaxScreenshotScrolls *int     `json:"max_screenshot_scrolls"`
	ScriptRun            *struct {
		AIFallbackTriggered bool   `json:"ai_fallback_triggered"`
		ScriptID            string `json:"script_id"`
		ScriptRevisionID    string `json:"script_revision_id"`
	} `json:"script_run"`
	Errors            []map[string]any `json:"errors"`
	StepCount         *int             `json:"step_count"`
	RunType           string           `json:"run_type"`
	RunWith           string           `json:"run_with"`
	AIFallback        *bool            `json:"ai_fallback"`
	ScriptID          string           `json:"script_id"`
	BrowserSeedSource string           `json:"browser_seed_source"`
	RunRequest        json.RawMessage  `json:"run_request"`
}

// plainVerifyParse is the baseline: what a receiver written with the
// standard library alone does.
func plainVerifyParse(body []byte, signature, key string) (*plainRun, error) {
	want, err := hex.DecodeString(signature)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), want) {
		return nil, webhooks.ErrInvalidSignature
	}
	var run plainRun
	if err := json.Unmarshal(body, &run); err != nil {
		return nil, err
	}
	return &run, nil
}

func BenchmarkVerifyParse(b *testing.B) {
	for _, size := range []struct {
		name  string
		bytes int
	}{{"8KiB", 8 << 10}, {"1MiB", 1 << 20}} {
		body := benchPayload(size.bytes)
		sig := webhooks.Sign(body, testKey)
		b.Logf("%s payload: %d bytes", size.name, len(body))
		if _, err := webhooks.Parse(body, sig, testKey); err != nil {
			b.Fatal(err)
		}
		if _, err := plainVerifyParse(body, sig, testKey); err != nil {
			b.Fatal(err)
		}
		b.Run(size.name+"/plain", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := plainVerifyParse(body, sig, testKey); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(size.name+"/Parse", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := webhooks.Parse(body, sig, testKey); err != nil {
					b.Fatal(err)
				}
			}
		})
		v := webhooks.NewVerifier(testKey)
		b.Run(size.name+"/Verifier.Parse", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Parse(body, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	body := benchPayload(8 << 10)
	sig := webhooks.Sign(body, testKey)
	v := webhooks.NewVerifier(testKey)
	b.Run("Verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = webhooks.Verify(body, sig, testKey)
		}
	})
	b.Run("Verifier.Verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = v.Verify(body, sig)
		}
	})
}

// discardWriter is a ResponseWriter that keeps only the status, so that a
// benchmark measures the handler and not the recorder.
type discardWriter struct {
	header http.Header
	code   int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }

// plainHandler is the baseline receiver written with the standard library
// alone: read the body once, verify it with crypto/hmac, decode it with
// encoding/json.
func plainHandler(key string, limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		if err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		if _, err := plainVerifyParse(body, r.Header.Get("x-skyvern-signature"), key); err != nil {
			http.Error(w, "invalid", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "ok\n")
	})
}

// BenchmarkHandler serves one delivery per iteration, announced with its
// Content-Length as Skyvern sends it, through Handler and through the
// plain baseline.
func BenchmarkHandler(b *testing.B) {
	const limit = 64 << 20
	for _, size := range []struct {
		name  string
		bytes int
	}{{"8KiB", 8 << 10}, {"1MiB", 1 << 20}, {"30MiB", 30 << 20}} {
		body := benchPayload(size.bytes)
		header := http.Header{
			"Content-Type":        {"application/json"},
			"X-Skyvern-Signature": {webhooks.Sign(body, testKey)},
		}
		handlers := []struct {
			name string
			h    http.Handler
		}{
			{"plain", plainHandler(testKey, limit)},
			{"Handler", webhooks.Handler(testKey, func(context.Context, *skyvern.RunResponse) error { return nil },
				quiet(), webhooks.WithDeduplicator(nil), webhooks.WithMaxBodyBytes(limit))},
		}
		for _, h := range handlers {
			b.Run(size.name+"/"+h.name, func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					r := &http.Request{Method: http.MethodPost, Header: header, ContentLength: int64(len(body)),
						Body: io.NopCloser(bytes.NewReader(body))}
					w := &discardWriter{header: http.Header{}}
					h.h.ServeHTTP(w, r)
					if w.code != http.StatusOK {
						b.Fatalf("status %d", w.code)
					}
				}
			})
		}
	}
}

// BenchmarkMarshal writes payloads with Marshal beside json.Marshal of the
// same value, which does less (Go's escapes and number forms).
func BenchmarkMarshal(b *testing.B) {
	run, err := webhooks.Parse([]byte(workflowBody), sign(workflowBody, testKey), testKey)
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range []struct {
		name  string
		value any
	}{
		{"Object8KiB", benchValue(8 << 10)},
		{"RunResponse", run},
		{"RawMessage1MiB", json.RawMessage(benchPayload(1 << 20))},
	} {
		for _, m := range []struct {
			name    string
			marshal func(any) ([]byte, error)
		}{{"json.Marshal", json.Marshal}, {"Marshal", webhooks.Marshal}} {
			b.Run(v.name+"/"+m.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					out, err := m.marshal(v.value)
					if err != nil {
						b.Fatal(err)
					}
					b.SetBytes(int64(len(out)))
				}
			})
		}
	}
}
