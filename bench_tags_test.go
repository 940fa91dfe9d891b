package skyvern_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/skyvern-go/skyvern"
)

// runTagsBatchJSON is a Batch Get Run Tags answer for n runs with three
// tags each, as the server writes it.
func runTagsBatchJSON(n int) []byte {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`"wr_%d":[{"key":null,"value":"nightly"},{"key":"customer","value":"acme"},{"key":"env","value":"prod"}]`, i)
	}
	return []byte(`{"run_tags":{` + strings.Join(items, ",") + `}}`)
}

// BenchmarkDecodeRunTagsBatch decodes a 200-run batch answer (the most the
// server gives at once) with the SDK's types and, as the baseline, with
// encoding/json into plain structs of the same shape.
func BenchmarkDecodeRunTagsBatch(b *testing.B) {
	body := runTagsBatchJSON(200)
	b.Run("sdk", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out skyvern.RunTagsBatch
			if err := json.Unmarshal(body, &out); err != nil || len(out.RunTags) != 200 {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out struct {
				RunTags map[string][]struct {
					Key   *string `json:"key"`
					Value string  `json:"value"`
				} `json:"run_tags"`
			}
			if err := json.Unmarshal(body, &out); err != nil || len(out.RunTags) != 200 {
				b.Fatal(err)
			}
		}
	})
}
