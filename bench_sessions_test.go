package skyvern_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/skyvern-go/skyvern"
)

// plainSession mirrors BrowserSession's fields for the encoding/json
// baseline, with datetimes as strings.
type plainSession struct {
	BrowserSessionID       string   `json:"browser_session_id"`
	OrganizationID         string   `json:"organization_id"`
	Status                 string   `json:"status"`
	RunnableType           string   `json:"runnable_type"`
	RunnableID             string   `json:"runnable_id"`
	TimeoutMinutes         *int     `json:"timeout"`
	BrowserAddress         string   `json:"browser_address"`
	AppURL                 string   `json:"app_url"`
	Extensions             []string `json:"extensions"`
	BrowserType            string   `json:"browser_type"`
	BrowserProfileID       string   `json:"browser_profile_id"`
	GenerateBrowserProfile bool     `json:"generate_browser_profile"`
	VNCStreamingSupported  bool     `json:"vnc_streaming_supported"`
	StreamTransport        string   `json:"stream_transport"`
	DownloadPath           string   `json:"download_path"`
	DownloadedFiles        []struct {
		URL      string `json:"url"`
		Filename string `json:"filename"`
	} `json:"downloaded_files"`
	Recordings []struct {
		URL      string `json:"url"`
		Filename string `json:"filename"`
	} `json:"recordings"`
	StartedAt   string `json:"started_at"`
	CompletedAt string `json:"completed_at"`
	CreatedAt   string `json:"created_at"`
	ModifiedAt  string `json:"modified_at"`
	DeletedAt   string `json:"deleted_at"`
	Warning     string `json:"warning"`
}

func sessionList(n int) []byte {
	items := make([]string, n)
	for i := range items {
		items[i] = sessionJSON
	}
	return []byte("[" + strings.Join(items, ",") + "]")
}

// BenchmarkDecodeSessionList decodes a 100-session List Browser Sessions
// answer with the SDK's types and, as the baseline, with encoding/json
// into plainSession.
func BenchmarkDecodeSessionList(b *testing.B) {
	body := sessionList(100)
	b.Run("sdk", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out []skyvern.BrowserSession
			if err := json.Unmarshal(body, &out); err != nil || len(out) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out []plainSession
			if err := json.Unmarshal(body, &out); err != nil || len(out) != 100 {
				b.Fatal(err)
			}
		}
	})
}
