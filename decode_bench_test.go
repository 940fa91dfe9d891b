package skyvern_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// The decode benchmarks compare decodeBody, the one-pass decoder every call
// uses, with json.Unmarshal into the plain form of the same type
// (newPlainValues: no methods, no unknown members kept, but datetimes
// parsed and numbers kept exact, as the SDK's value types do).

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

func benchDecode[T any](b *testing.B, body []byte) {
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var v T
			if err := skyvern.DecodeBody(body, "application/json", &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		newPlainValues[T]() // the type is built once, before the loop
		for b.Loop() {
			if err := json.Unmarshal(body, newPlainValues[T]()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecodeRunBody(b *testing.B) {
	benchDecode[skyvern.RunResponse](b, []byte(decodeBenchRun))
}

func BenchmarkDecodeList100(b *testing.B) {
	benchDecode[[]skyvern.RunListItem](b, benchList(100))
}

func BenchmarkDecodeList10000(b *testing.B) {
	benchDecode[[]skyvern.RunListItem](b, benchList(10000))
}

func BenchmarkDecodeOutput10MiB(b *testing.B) {
	benchDecode[skyvern.RunResponse](b, benchBigOutput(10<<20))
}

// FuzzRunResponseAgreesWithEncodingJSON checks that a run decodes (through
// the client's path and through json.Unmarshal) exactly when encoding/json
// decodes the same fields into a method-less struct, to the same values.
func FuzzRunResponseAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{decodeBenchRun, `{}`, `{"run_id":1}`, `{"ſtatus":"failed","status":"completed"}`,
		`{"step_count":1.5,"x":}`, `{"created_at":"2026-13-01T00:00:00"}`, `{"downloaded_files":[{"file_size":"1"}]}`,
		`{"errors":[{"n":123456789012345678901234567890}]}`, `{"script_run":null,"output":null}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := newPlainValues[skyvern.RunResponse]()
		wantErr := json.Unmarshal([]byte(s), want)
		var owned, copied skyvern.RunResponse
		ownedErr := jsonobj.UnmarshalOwned([]byte(s), &owned)
		copiedErr := json.Unmarshal([]byte(s), &copied)
		if wantErr != nil {
			require.Error(t, ownedErr, "encoding/json refuses: %v", wantErr)
			require.Error(t, copiedErr)
			return
		}
		require.NoError(t, ownedErr)
		require.NoError(t, copiedErr)
		wb, err := json.Marshal(want)
		require.NoError(t, err)
		for _, got := range []skyvern.RunResponse{owned, copied} {
			got.Extra = nil
			for i := range got.DownloadedFiles {
				got.DownloadedFiles[i].Extra = nil
			}
			if got.ScriptRun != nil {
				got.ScriptRun.Extra = nil
			}
			gb, err := json.Marshal(got)
			require.NoError(t, err)
			require.Equal(t, string(wb), string(gb))
		}
	})
}
