package skyvern

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// The decode benchmarks compare decodeBody, the one-pass decoder every call
// uses, with json.Unmarshal into method-less structs that have the same
// fields (baseline*), which keep no unknown members.

type baselineFile struct {
	URL        string `json:"url,omitempty"`
	Checksum   string `json:"checksum,omitempty"`
	Filename   string `json:"filename,omitempty"`
	FileSize   *int64 `json:"file_size,omitempty"`
	ModifiedAt Time   `json:"modified_at,omitzero"`
	ArtifactID string `json:"artifact_id,omitempty"`
}

type baselineScriptRun struct {
	AIFallbackTriggered bool   `json:"ai_fallback_triggered"`
	ScriptID            string `json:"script_id,omitempty"`
	ScriptRevisionID    string `json:"script_revision_id,omitempty"`
}

type baselineRun struct {
	RunID                string             `json:"run_id,omitempty"`
	Status               RunStatus          `json:"status,omitempty"`
	Output               json.RawMessage    `json:"output,omitempty"`
	DownloadedFiles      []baselineFile     `json:"downloaded_files,omitzero"`
	RecordingURL         string             `json:"recording_url,omitempty"`
	RecordingArchived    bool               `json:"recording_archived"`
	ScreenshotURLs       []string           `json:"screenshot_urls,omitzero"`
	FailureReason        string             `json:"failure_reason,omitempty"`
	CreatedAt            Time               `json:"created_at,omitzero"`
	ModifiedAt           Time               `json:"modified_at,omitzero"`
	QueuedAt             Time               `json:"queued_at,omitzero"`
	StartedAt            Time               `json:"started_at,omitzero"`
	FinishedAt           Time               `json:"finished_at,omitzero"`
	AppURL               string             `json:"app_url,omitempty"`
	BrowserSessionID     string             `json:"browser_session_id,omitempty"`
	BrowserProfileID     string             `json:"browser_profile_id,omitempty"`
	MaxScreenshotScrolls *int               `json:"max_screenshot_scrolls,omitempty"`
	ScriptRun            *baselineScriptRun `json:"script_run,omitempty"`
	Errors               []JSONObject       `json:"errors,omitzero"`
	StepCount            *int               `json:"step_count,omitempty"`
	RunType              RunType            `json:"run_type,omitempty"`
	RunWith              string             `json:"run_with,omitempty"`
	AIFallback           *bool              `json:"ai_fallback,omitempty"`
	ScriptID             string             `json:"script_id,omitempty"`
	BrowserSeedSource    BrowserSeedSource  `json:"browser_seed_source,omitempty"`
	RunRequest           json.RawMessage    `json:"run_request,omitempty"`
}

type baselineListItem struct {
	TaskRunID           string      `json:"task_run_id,omitempty"`
	RunID               string      `json:"run_id,omitempty"`
	TaskRunType         RunType     `json:"task_run_type,omitempty"`
	Status              RunStatus   `json:"status,omitempty"`
	Title               string      `json:"title,omitempty"`
	StartedAt           Time        `json:"started_at,omitzero"`
	FinishedAt          Time        `json:"finished_at,omitzero"`
	CreatedAt           Time        `json:"created_at,omitzero"`
	WorkflowPermanentID string      `json:"workflow_permanent_id,omitempty"`
	WorkflowDeleted     bool        `json:"workflow_deleted"`
	ScriptRun           bool        `json:"script_run"`
	TriggerType         TriggerType `json:"trigger_type,omitempty"`
}

// decodeBenchRun is a Get Run answer for a finished task (about 2 KB).
const decodeBenchRun = `{"run_id":"tsk_v2_490001234567890123","status":"completed",` +
	`"output":{"top_posts":[{"title":"Show HN: A thing I built","points":512,"url":"https://example.com/a"},` +
	`{"title":"Ask HN: How do you test browser agents?","points":301,"url":"https://example.com/b"}],"checked_at":"2026-01-31"},` +
	`"downloaded_files":[{"url":"https://artifacts.skyvern.com/o_1/tsk_1/report.pdf","checksum":"9f86d081884c7d659a2feaa0c55ad015",` +
	`"filename":"report.pdf","file_size":48213,"modified_at":"2026-01-31T15:21:00.123456","artifact_id":"a_1"}],` +
	`"recording_url":"https://artifacts.skyvern.com/o_1/tsk_1/recording.webm","recording_archived":false,` +
	`"screenshot_urls":["https://artifacts.skyvern.com/o_1/tsk_1/s3.png","https://artifacts.skyvern.com/o_1/tsk_1/s2.png"],` +
	`"failure_reason":null,"created_at":"2026-01-31T15:20:42.160725","modified_at":"2026-01-31T15:21:02.000001",` +
	`"queued_at":"2026-01-31T15:20:42.200000","started_at":"2026-01-31T15:20:43.500000","finished_at":"2026-01-31T15:21:02",` +
	`"app_url":"https://app.skyvern.com/runs/tsk_v2_490001234567890123","browser_session_id":null,"browser_profile_id":null,` +
	`"max_screenshot_scrolls":null,"script_run":{"ai_fallback_triggered":false,"script_id":"s_1"},"errors":[],"step_count":7,"run_type":"task_v2",` +
	`"run_request":{"prompt":"Find the top 3 posts on Hacker News and return title, points and url","url":"https://news.ycombinator.com",` +
	`"engine":"skyvern-2.0","title":null,"proxy_location":"RESIDENTIAL","data_extraction_schema":null,"max_steps":null,` +
	`"webhook_url":"https://hooks.example.com/skyvern","totp_identifier":null,"start_fresh_browser":false,"model":null}}`

func benchList(n int) []byte {
	var sb strings.Builder
	sb.WriteByte('[')
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"task_run_id":"tr_%07d","run_id":"wr_%07d","task_run_type":"workflow_run","status":"completed",`+
			`"title":"Nightly invoice download %d","started_at":"2026-01-31T15:20:43.500000","finished_at":"2026-01-31T15:21:02",`+
			`"created_at":"2026-01-31T15:20:42.160725","workflow_permanent_id":"wpid_%d","workflow_deleted":false,"script_run":false,"trigger_type":"api"}`, i, i, i, i%7)
	}
	sb.WriteByte(']')
	return []byte(sb.String())
}

func benchBigOutput(size int) []byte {
	var sb strings.Builder
	sb.WriteString(`{"run_id":"wr_1","status":"completed","run_type":"workflow_run","output":{"rows":[`)
	for i := 0; sb.Len() < size; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"title":"Stainless steel kettle, 1.7 L, model %d \"quiet\"","price":%d.99,"in_stock":true,"url":"https://shop.example.com/p/%d","tags":["a","b"]}`, i, i, i)
	}
	sb.WriteString(`]},"created_at":"2026-01-31T15:20:42.160725","step_count":3}`)
	return []byte(sb.String())
}

func benchDecode[S, B any](b *testing.B, body []byte) {
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var v S
			if err := decodeBody(body, "application/json", &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var v B
			if err := json.Unmarshal(body, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecodeRunBody(b *testing.B) {
	benchDecode[RunResponse, baselineRun](b, []byte(decodeBenchRun))
}

func BenchmarkDecodeList100(b *testing.B) {
	benchDecode[[]RunListItem, []baselineListItem](b, benchList(100))
}

func BenchmarkDecodeList10000(b *testing.B) {
	benchDecode[[]RunListItem, []baselineListItem](b, benchList(10000))
}

func BenchmarkDecodeOutput10MiB(b *testing.B) {
	benchDecode[RunResponse, baselineRun](b, benchBigOutput(10<<20))
}
