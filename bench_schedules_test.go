package skyvern_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/skyvern-go/skyvern"
)

const scheduleItemJSON = `{"workflow_schedule_id":"wfs_1","organization_id":"o_1","workflow_permanent_id":"wpid_1",` +
	`"workflow_title":"Morning prices","cron_expression":"0 9 * * 1-5","timezone":"Europe/Paris","enabled":true,` +
	`"parameters":{"sku":"A-1"},"name":"weekdays","description":null,"next_run":"2026-12-02T08:00:00Z",` +
	`"created_at":"2026-12-01T09:20:27.123456","modified_at":"2026-12-01T09:20:27.123456"}`

// plainScheduleItem mirrors ScheduleListItem for the encoding/json
// baseline, with datetimes as strings.
type plainScheduleItem struct {
	WorkflowScheduleID  string         `json:"workflow_schedule_id"`
	OrganizationID      string         `json:"organization_id"`
	WorkflowPermanentID string         `json:"workflow_permanent_id"`
	WorkflowTitle       string         `json:"workflow_title"`
	CronExpression      string         `json:"cron_expression"`
	Timezone            string         `json:"timezone"`
	Enabled             bool           `json:"enabled"`
	Parameters          map[string]any `json:"parameters"`
	Name                *string        `json:"name"`
	Description         *string        `json:"description"`
	NextRun             *string        `json:"next_run"`
	CreatedAt           string         `json:"created_at"`
	ModifiedAt          string         `json:"modified_at"`
}

// BenchmarkDecodeSchedulePage decodes a 100-schedule List Schedules answer
// with the SDK's types and, as the baseline, with encoding/json into
// plainScheduleItem.
func BenchmarkDecodeSchedulePage(b *testing.B) {
	items := make([]string, 100)
	for i := range items {
		items[i] = scheduleItemJSON
	}
	body := []byte(`{"schedules":[` + strings.Join(items, ",") + `],"total_count":100,"page":1,"page_size":100}`)
	b.Run("sdk", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out skyvern.SchedulePage
			if err := json.Unmarshal(body, &out); err != nil || len(out.Schedules) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out struct {
				Schedules  []plainScheduleItem `json:"schedules"`
				TotalCount int                 `json:"total_count"`
				Page       int                 `json:"page"`
				PageSize   int                 `json:"page_size"`
			}
			if err := json.Unmarshal(body, &out); err != nil || len(out.Schedules) != 100 {
				b.Fatal(err)
			}
		}
	})
}
