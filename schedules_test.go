package skyvern_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// saveWorkflow creates a workflow with title and, unless "", a default
// webhook URL.
func saveWorkflow(t *testing.T, client *skyvern.Client, title, hook string) *skyvern.Workflow {
	t.Helper()
	wf, err := client.CreateWorkflow(context.Background(), skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{
		Title: title, DefaultWebhookURL: hook,
		Body: skyvern.WorkflowBody{Parameters: []map[string]any{}, Blocks: []map[string]any{}},
	}})
	require.NoError(t, err)
	return wf
}

func apiError(t *testing.T, err error) *skyvern.APIError {
	t.Helper()
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	return apiErr
}

func TestScheduleLifecycleAgainstTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	wf := saveWorkflow(t, client, "Nightly report", "")

	created, err := client.CreateSchedule(ctx, wf.WorkflowPermanentID, skyvern.ScheduleRequest{
		CronExpression: "0 9 * * 1-5", Timezone: "America/New_York", Name: "weekday mornings",
		Parameters: map[string]any{"region": "us", "unset": nil},
	})
	require.NoError(t, err)
	s := created.Schedule
	assert.Regexp(t, `^wfs_\d+$`, s.WorkflowScheduleID)
	assert.Equal(t, "local-wf-sched-"+s.WorkflowScheduleID, s.TemporalScheduleID, "the open-source server's backend id")
	assert.Equal(t, wf.WorkflowPermanentID, s.WorkflowPermanentID)
	assert.True(t, s.Enabled, "a schedule created without Enabled is enabled")
	assert.Equal(t, skyvern.JSONObject{"region": "us"}, s.Parameters, "null parameters are dropped")
	assert.Equal(t, "weekday mornings", s.Name)
	assert.False(t, s.CreatedAt.IsZero())
	require.Len(t, created.NextRuns, 5)
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	for i, next := range created.NextRuns {
		local := next.In(ny)
		assert.Equal(t, 9, local.Hour(), "next run %d is 9:00 in New York", i)
		assert.NotContains(t, []time.Weekday{time.Saturday, time.Sunday}, local.Weekday())
		assert.True(t, next.After(srv.Now()))
	}

	got, err := client.GetSchedule(ctx, wf.WorkflowPermanentID, s.WorkflowScheduleID)
	require.NoError(t, err)
	assert.Equal(t, s.WorkflowScheduleID, got.Schedule.WorkflowScheduleID)
	assert.Equal(t, created.NextRuns, got.NextRuns)

	list, err := skyvern.Collect(client.ListWorkflowSchedules(ctx, wf.WorkflowPermanentID))
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, s.WorkflowScheduleID, list[0].WorkflowScheduleID)

	paused, err := client.DisableSchedule(ctx, wf.WorkflowPermanentID, s.WorkflowScheduleID)
	require.NoError(t, err)
	assert.False(t, paused.Schedule.Enabled)

	updated, err := client.UpdateSchedule(ctx, wf.WorkflowPermanentID, s.WorkflowScheduleID, skyvern.ScheduleRequest{
		CronExpression: "30 6 * * *", Timezone: "UTC",
	})
	require.NoError(t, err)
	assert.False(t, updated.Schedule.Enabled, "an update without Enabled leaves a paused schedule paused")
	assert.Equal(t, "30 6 * * *", updated.Schedule.CronExpression)
	assert.Empty(t, updated.Schedule.Name, "an update replaces the name")
	assert.Nil(t, updated.Schedule.Parameters, "and the parameters")
	assert.Equal(t, 6, updated.NextRuns[0].Hour())

	resumed, err := client.EnableSchedule(ctx, wf.WorkflowPermanentID, s.WorkflowScheduleID)
	require.NoError(t, err)
	assert.True(t, resumed.Schedule.Enabled)

	require.NoError(t, client.DeleteSchedule(ctx, wf.WorkflowPermanentID, s.WorkflowScheduleID))
	_, err = client.GetSchedule(ctx, wf.WorkflowPermanentID, s.WorkflowScheduleID)
	require.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Equal(t, "Schedule "+s.WorkflowScheduleID+" not found", apiError(t, err).Detail)
	list, err = skyvern.Collect(client.ListWorkflowSchedules(ctx, wf.WorkflowPermanentID))
	require.NoError(t, err)
	assert.Empty(t, list)
	err = client.DeleteSchedule(ctx, wf.WorkflowPermanentID, s.WorkflowScheduleID)
	assert.ErrorIs(t, err, skyvern.ErrNotFound, "deleting twice")
}

func TestListSchedulesAcrossWorkflows(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	billing := saveWorkflow(t, client, "Billing export", "")
	crm := saveWorkflow(t, client, "CRM sync", "")
	var ids []string
	for i, c := range []struct {
		wf      *skyvern.Workflow
		name    string
		enabled bool
	}{{billing, "hourly", true}, {billing, "daily", false}, {crm, "nightly", true}} {
		resp, err := client.CreateSchedule(ctx, c.wf.WorkflowPermanentID, skyvern.ScheduleRequest{
			CronExpression: []string{"0 * * * *", "0 0 * * *", "0 2 * * *"}[i], Timezone: "UTC",
			Name: c.name, Enabled: skyvern.Ptr(c.enabled),
		})
		require.NoError(t, err)
		ids = append(ids, resp.Schedule.WorkflowScheduleID)
	}

	page, err := client.ListSchedulesPage(ctx, skyvern.ListSchedulesParams{PageSize: 2})
	require.NoError(t, err)
	require.Len(t, page, 2)
	assert.Equal(t, ids[2], page[0].WorkflowScheduleID, "newest first")
	assert.Equal(t, "CRM sync", page[0].WorkflowTitle)
	assert.False(t, page[0].NextRun.IsZero())

	var all []string
	for item, err := range client.ListSchedules(ctx, skyvern.ListSchedulesParams{PageSize: 1}) {
		require.NoError(t, err)
		all = append(all, item.WorkflowScheduleID)
	}
	assert.Equal(t, []string{ids[2], ids[1], ids[0]}, all)

	paused, err := client.ListSchedulesPage(ctx, skyvern.ListSchedulesParams{Status: skyvern.ScheduleStatusPaused})
	require.NoError(t, err)
	require.Len(t, paused, 1)
	assert.Equal(t, ids[1], paused[0].WorkflowScheduleID)

	byTitle, err := client.ListSchedulesPage(ctx, skyvern.ListSchedulesParams{Search: "billing", Status: skyvern.ScheduleStatusActive})
	require.NoError(t, err)
	require.Len(t, byTitle, 1)
	assert.Equal(t, ids[0], byTitle[0].WorkflowScheduleID)

	byName, err := client.ListSchedulesPage(ctx, skyvern.ListSchedulesParams{Search: "NIGHT"})
	require.NoError(t, err)
	require.Len(t, byName, 1)
	assert.Equal(t, ids[2], byName[0].WorkflowScheduleID)
}

func TestScheduleErrorsAgainstTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	wf := saveWorkflow(t, client, "W", "")
	other := saveWorkflow(t, client, "Other", "")
	good := skyvern.ScheduleRequest{CronExpression: "*/5 * * * *", Timezone: "UTC"}
	s, err := client.CreateSchedule(ctx, wf.WorkflowPermanentID, good)
	require.NoError(t, err)
	sid := s.Schedule.WorkflowScheduleID

	tests := []struct {
		name   string
		call   func() error
		is     error
		detail string
	}{
		{"an expression the server's parser cannot read", func() error {
			_, err := client.CreateSchedule(ctx, wf.WorkflowPermanentID, skyvern.ScheduleRequest{CronExpression: "0 0 15W * *", Timezone: "UTC"})
			return err
		}, skyvern.ErrBadRequest, "Invalid cron expression"},
		{"a sixth field is seconds, here every second", func() error {
			_, err := client.CreateSchedule(ctx, wf.WorkflowPermanentID, skyvern.ScheduleRequest{CronExpression: "0 0 * * * *", Timezone: "UTC"})
			return err
		}, skyvern.ErrBadRequest, "Cron interval must be at least 5 minutes"},
		{"an expression firing every minute", func() error {
			_, err := client.CreateSchedule(ctx, wf.WorkflowPermanentID, skyvern.ScheduleRequest{CronExpression: "* * * * *", Timezone: "UTC"})
			return err
		}, skyvern.ErrBadRequest, "Cron interval must be at least 5 minutes"},
		{"an unknown time zone", func() error {
			_, err := client.CreateSchedule(ctx, wf.WorkflowPermanentID, skyvern.ScheduleRequest{CronExpression: "0 0 * * *", Timezone: "Mars/Base"})
			return err
		}, skyvern.ErrBadRequest, "Invalid timezone 'Mars/Base'"},
		{"a schedule for an unknown workflow", func() error {
			_, err := client.CreateSchedule(ctx, "wpid_404", good)
			return err
		}, skyvern.ErrNotFound, "Workflow wpid_404 not found"},
		{"an update with a bad expression", func() error {
			_, err := client.UpdateSchedule(ctx, wf.WorkflowPermanentID, sid, skyvern.ScheduleRequest{CronExpression: "61 * * * *", Timezone: "UTC"})
			return err
		}, skyvern.ErrBadRequest, "Invalid cron expression"},
		{"another workflow's schedule", func() error {
			_, err := client.GetSchedule(ctx, other.WorkflowPermanentID, sid)
			return err
		}, skyvern.ErrNotFound, "Schedule " + sid + " not found"},
		{"enabling an unknown schedule", func() error {
			_, err := client.EnableSchedule(ctx, wf.WorkflowPermanentID, "wfs_404")
			return err
		}, skyvern.ErrNotFound, "Schedule wfs_404 not found"},
		{"disabling a schedule of an unknown workflow", func() error {
			_, err := client.DisableSchedule(ctx, "wpid_404", sid)
			return err
		}, skyvern.ErrNotFound, "Workflow wpid_404 not found"},
		{"listing an unknown workflow's schedules", func() error {
			_, err := skyvern.Collect(client.ListWorkflowSchedules(ctx, "wpid_404"))
			return err
		}, skyvern.ErrNotFound, "Workflow wpid_404 not found"},
		{"an unknown status filter", func() error {
			_, err := client.ListSchedulesPage(ctx, skyvern.ListSchedulesParams{Status: "sleeping"})
			return err
		}, skyvern.ErrValidation, ""},
		{"a page size over 100", func() error {
			_, err := client.ListSchedulesPage(ctx, skyvern.ListSchedulesParams{PageSize: 101})
			return err
		}, skyvern.ErrValidation, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.ErrorIs(t, err, tc.is)
			if tc.detail != "" {
				assert.Equal(t, tc.detail, apiError(t, err).Detail)
			}
		})
	}

	t.Run("empty ids are refused before any request", func(t *testing.T) {
		before := len(srv.Requests())
		_, err := client.GetSchedule(ctx, "", sid)
		assert.ErrorIs(t, err, skyvern.ErrEmptyID)
		_, err = client.GetSchedule(ctx, wf.WorkflowPermanentID, "")
		assert.ErrorIs(t, err, skyvern.ErrEmptyID)
		assert.ErrorIs(t, client.DeleteSchedule(ctx, wf.WorkflowPermanentID, ""), skyvern.ErrEmptyID)
		assert.Len(t, srv.Requests(), before)
	})
	t.Run("a version id where the permanent id belongs gets a hint", func(t *testing.T) {
		_, err := skyvern.Collect(client.ListWorkflowSchedules(ctx, wf.WorkflowID))
		require.ErrorIs(t, err, skyvern.ErrNotFound)
		assert.Contains(t, err.Error(), "workflow version id")
	})
	t.Run("a lost create is not repeated and may exist", func(t *testing.T) {
		srv.Fault(skyverntest.RouteCreateSchedule, skyverntest.Fault{StatusCode: http.StatusBadGateway})
		_, err := client.CreateSchedule(ctx, wf.WorkflowPermanentID, good)
		require.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
		assert.Equal(t, 1, apiError(t, err).Attempts)
	})
	t.Run("a read is retried", func(t *testing.T) {
		srv.Fault(skyverntest.RouteGetSchedule, skyverntest.Fault{StatusCode: http.StatusBadGateway})
		_, err := client.GetSchedule(ctx, wf.WorkflowPermanentID, sid, skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
		require.NoError(t, err)
	})
}

// hookRecorder is a webhook receiver on 127.0.0.1 that keeps the runs it
// is sent, verified with the server's key.
type hookRecorder struct {
	*httptest.Server
	mu   sync.Mutex
	runs []*skyvern.RunResponse
}

func newHookRecorder(t *testing.T, apiKey string) *hookRecorder {
	h := &hookRecorder{}
	h.Server = httptest.NewServer(webhooks.Handler(apiKey, func(_ context.Context, run *skyvern.RunResponse) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.runs = append(h.runs, run)
		return nil
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookRecorder) received() []*skyvern.RunResponse {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*skyvern.RunResponse(nil), h.runs...)
}

func TestSchedulesStartRunsOnTheFakeClock(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	hooks := newHookRecorder(t, srv.APIKey)
	wf := saveWorkflow(t, client, "Price watch", hooks.URL)
	srv.OnWorkflow(wf.WorkflowPermanentID, skyverntest.Outcome{Output: map[string]any{"price": 12}})

	resp, err := client.CreateSchedule(ctx, wf.WorkflowPermanentID, skyvern.ScheduleRequest{
		CronExpression: "0 * * * *", Timezone: "UTC", Parameters: map[string]any{"sku": "A-1"},
	})
	require.NoError(t, err)
	sid := resp.Schedule.WorkflowScheduleID
	runsOf := func() []skyvern.WorkflowRun {
		t.Helper()
		runs, err := client.ListRunsOfWorkflowPage(ctx, wf.WorkflowPermanentID, skyvern.ListRunsOfWorkflowParams{})
		require.NoError(t, err)
		return runs
	}

	srv.Advance(resp.NextRuns[0].Sub(srv.Now()) - time.Second)
	assert.Empty(t, runsOf(), "nothing runs before the schedule falls due")

	srv.Advance(time.Second)
	runs := runsOf()
	require.Len(t, runs, 1, "the schedule fell due and started one run")
	assert.Equal(t, skyvern.TriggerTypeScheduled, runs[0].TriggerType)
	assert.Equal(t, sid, runs[0].WorkflowScheduleID)
	assert.True(t, runs[0].CreatedAt.Equal(resp.NextRuns[0].Time), "created at the firing time")
	run, err := client.GetRun(ctx, runs[0].WorkflowRunID)
	require.NoError(t, err)
	wreq, err := run.WorkflowRequest()
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"sku": "A-1"}, wreq.Parameters, "the run has the schedule's parameters")

	srv.Advance(skyverntest.DefaultRunDuration)
	got := hooks.received()
	require.Len(t, got, 1, "the scheduled run's webhook went to the workflow's callback")
	assert.Equal(t, runs[0].WorkflowRunID, got[0].RunID)
	assert.Equal(t, skyvern.RunStatusCompleted, got[0].Status)

	_, err = client.DisableSchedule(ctx, wf.WorkflowPermanentID, sid)
	require.NoError(t, err)
	srv.Advance(3 * time.Hour)
	assert.Len(t, runsOf(), 1, "a paused schedule starts nothing")

	_, err = client.EnableSchedule(ctx, wf.WorkflowPermanentID, sid)
	require.NoError(t, err)
	srv.Advance(time.Hour)
	assert.Len(t, runsOf(), 2, "once enabled again it fires at its next time, not for the firings it missed")

	_, err = client.UpdateSchedule(ctx, wf.WorkflowPermanentID, sid, skyvern.ScheduleRequest{CronExpression: "0 0 1 1 *", Timezone: "UTC"})
	require.NoError(t, err)
	srv.Advance(2 * time.Hour)
	assert.Len(t, runsOf(), 2, "the old expression no longer fires after an update")

	_, err = client.UpdateSchedule(ctx, wf.WorkflowPermanentID, sid, skyvern.ScheduleRequest{CronExpression: "*/30 * * * *", Timezone: "UTC"})
	require.NoError(t, err)
	require.NoError(t, client.DeleteSchedule(ctx, wf.WorkflowPermanentID, sid))
	srv.Advance(2 * time.Hour)
	assert.Len(t, runsOf(), 2, "a deleted schedule starts nothing")
}

func TestOnRunSeesTheScheduleThatStartedARun(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	wf := saveWorkflow(t, client, "W", "")
	var mu sync.Mutex
	var seen []skyverntest.RunRequest
	srv.OnRun(func(r skyverntest.RunRequest) skyverntest.Outcome {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r)
		if r.ScheduleID != "" {
			return skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "scheduled runs fail in this test"}
		}
		return skyverntest.Outcome{}
	})
	resp, err := client.CreateSchedule(ctx, wf.WorkflowPermanentID, skyvern.ScheduleRequest{CronExpression: "@hourly", Timezone: "UTC"})
	require.NoError(t, err)
	_, err = client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: wf.WorkflowPermanentID})
	require.NoError(t, err)
	srv.Advance(resp.NextRuns[0].Sub(srv.Now()) + skyverntest.DefaultRunDuration)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 2)
	assert.Empty(t, seen[0].ScheduleID, "a run started by a request")
	assert.Equal(t, resp.Schedule.WorkflowScheduleID, seen[1].ScheduleID)
	st, ok := srv.Run(seen[1].RunID)
	require.True(t, ok)
	assert.Equal(t, skyvern.RunStatusFailed, st.Run.Status)
}

func TestScheduleOfADeletedWorkflowStartsNothing(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	wf := saveWorkflow(t, client, "Gone soon", "")
	_, err := client.CreateSchedule(ctx, wf.WorkflowPermanentID, skyvern.ScheduleRequest{CronExpression: "*/5 * * * *", Timezone: "UTC"})
	require.NoError(t, err)
	require.NoError(t, client.DeleteWorkflow(ctx, wf.WorkflowPermanentID))
	srv.Advance(time.Hour)
	assert.Empty(t, srv.Runs())
}

func TestScheduleMethodsOnTheWire(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	wf := saveWorkflow(t, client, "W", "")
	resp, err := client.CreateSchedule(ctx, wf.WorkflowPermanentID, skyvern.ScheduleRequest{
		CronExpression: "0 9 * * *", Timezone: "UTC", Enabled: skyvern.Ptr(false), Description: "d",
	})
	require.NoError(t, err)
	sid := resp.Schedule.WorkflowScheduleID
	_, err = client.ListSchedulesPage(ctx, skyvern.ListSchedulesParams{Page: 2, PageSize: 5, Status: skyvern.ScheduleStatusActive, Search: "a b"})
	require.NoError(t, err)
	require.NoError(t, client.DeleteSchedule(ctx, wf.WorkflowPermanentID, sid))

	reqs := srv.Requests()
	byRoute := map[string]skyverntest.RecordedRequest{}
	for _, r := range reqs {
		byRoute[r.Route] = r
	}
	create := byRoute[skyverntest.RouteCreateSchedule]
	assert.Equal(t, "/v1/workflows/"+wf.WorkflowPermanentID+"/schedules", create.Path)
	assert.JSONEq(t, `{"cron_expression":"0 9 * * *","timezone":"UTC","enabled":false,"description":"d"}`, string(create.Body))
	list := byRoute[skyverntest.RouteListSchedules]
	assert.Equal(t, "page=2&page_size=5&search=a+b&status=active", list.RawQuery)
	del := byRoute[skyverntest.RouteDeleteSchedule]
	assert.Equal(t, http.MethodDelete, del.Method)
	assert.Equal(t, "/v1/workflows/"+wf.WorkflowPermanentID+"/schedules/"+sid, del.Path)
	assert.Empty(t, del.Body)
}

const scheduleItemJSON = `{"workflow_schedule_id":"wfs_1","organization_id":"o_1","workflow_permanent_id":"wpid_1",` +
	`"workflow_title":"Morning prices","cron_expression":"0 9 * * 1-5","timezone":"Europe/Paris","enabled":true,` +
	`"parameters":{"sku":"A-1"},"name":"weekdays","description":null,"next_run":"2026-12-02T08:00:00Z",` +
	`"created_at":"2026-12-01T09:20:27.123456","modified_at":"2026-12-01T09:20:27.123456"}`

// BenchmarkDecodeSchedulePage decodes a 100-schedule List Schedules answer
// with the SDK's types and, as the baseline, with encoding/json into
// newPlain's method-less SchedulePage.
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
			out := newPlain[skyvern.SchedulePage]()
			if err := json.Unmarshal(body, out); err != nil || reflect.ValueOf(out).Elem().FieldByName("Schedules").Len() != 100 {
				b.Fatal(err)
			}
		}
	})
}

// scheduleConformance is the schedule and folder area. Its types and
// params match the spec both ways.
var scheduleConformance = conformanceArea{
	name: "schedules",
	schemas: []schemaCase{
		{schema: "WorkflowSchedule", goType: skyvern.Schedule{}, exact: true},
		{schema: "WorkflowScheduleResponse", goType: skyvern.ScheduleResponse{}, exact: true},
		{schema: "WorkflowScheduleUpsertRequest", goType: skyvern.ScheduleRequest{}, exact: true},
		{schema: "OrganizationScheduleItem", goType: skyvern.ScheduleListItem{}, exact: true},
		{schema: "OrganizationScheduleListResponse", goType: skyvern.SchedulePage{}, exact: true},
		{schema: "Folder", goType: skyvern.Folder{}, exact: true},
		{schema: "FolderCreate", goType: skyvern.CreateFolderRequest{}, exact: true},
		{schema: "FolderUpdate", goType: skyvern.UpdateFolderRequest{}, exact: true},
		{schema: "UpdateWorkflowFolderRequest", goType: skyvern.UpdateWorkflowFolderRequest{}, exact: true},
		// DeleteScheduleResponse is only ok, which DeleteSchedule does not
		// return.
		{schema: "DeleteScheduleResponse", extra: []string{"ok"}, exact: true},
	},
	enums: []enumCase{
		{values: queryEnum("get", "/v1/schedules", "status"), goType: goEnum[skyvern.ScheduleStatus](), exact: true},
	},
	queries: []queryCase{
		{method: "get", path: "/v1/schedules", goType: skyvern.ListSchedulesParams{}, exact: true},
		{method: "get", path: "/v1/folders", goType: skyvern.ListFoldersParams{}, exact: true},
		{method: "delete", path: "/v1/folders/{folder_id}", goType: skyvern.DeleteFolderParams{}, exact: true},
		{method: "get", path: "/v1/agents/{workflow_id}/runs", goType: skyvern.ListRunsOfWorkflowParams{}, exact: true},
	},
}

// TestConformanceRetryHeaders checks that retry takes the run-creating
// headers, which RetryWorkflowRun takes as WithHeader options.
func TestConformanceRetryHeaders(t *testing.T) {
	op := operation(t, openAPISpec(t), "post", "/v1/agents/runs/{workflow_run_id}/retry")
	require.Equal(t, []string{"x-max-steps-override", "x-user-agent"}, parameters(op, "header"))
}

// A schedule starts a run of its workflow each time it falls due. Against
// the fake, advancing its clock to the schedule's next firing starts the
// run, and the run's webhook reaches the workflow's callback: the code that
// reacts to scheduled runs can be tested without waiting for them.
func ExampleClient_CreateSchedule() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// The receiver of the workflow's webhooks.
	finished := make(chan *skyvern.RunResponse, 1)
	receiver := httptest.NewServer(webhooks.Handler(srv.APIKey, func(_ context.Context, run *skyvern.RunResponse) error {
		finished <- run
		return nil
	}))
	defer receiver.Close()

	wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{
		Title:             "Morning prices",
		DefaultWebhookURL: receiver.URL, // where scheduled runs report
		Body: skyvern.WorkflowBody{
			Parameters: []map[string]any{{"parameter_type": "workflow", "key": "sku", "workflow_parameter_type": "string"}},
			Blocks:     []map[string]any{},
		},
	}})
	if err != nil {
		panic(err)
	}
	sched, err := client.CreateSchedule(ctx, wf.WorkflowPermanentID, skyvern.ScheduleRequest{
		CronExpression: "0 9 * * 1-5", // 9:00 on weekdays
		Timezone:       "Europe/Paris",
		Parameters:     map[string]any{"sku": "A-1"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("enabled:", sched.Schedule.Enabled, "next runs listed:", len(sched.NextRuns))

	srv.Advance(sched.NextRuns[0].Sub(srv.Now())) // to the first firing: the run starts
	for run, err := range client.ListRunsOfWorkflow(ctx, wf.WorkflowPermanentID, skyvern.ListRunsOfWorkflowParams{}) {
		if err != nil {
			panic(err)
		}
		fmt.Println("run started by:", run.TriggerType, run.WorkflowScheduleID == sched.Schedule.WorkflowScheduleID)
	}

	srv.Advance(skyverntest.DefaultRunDuration) // the run finishes and sends its webhook
	run := <-finished
	fmt.Println("webhook:", run.Status)
	// Output:
	// enabled: true next runs listed: 5
	// run started by: scheduled true
	// webhook: completed
}

func ExampleClient_ListSchedules() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	wf, _ := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: Reports\nworkflow_definition: {parameters: [], blocks: []}\n"})
	client.CreateSchedule(ctx, wf.WorkflowPermanentID, skyvern.ScheduleRequest{CronExpression: "@daily", Timezone: "UTC", Name: "daily"})
	client.CreateSchedule(ctx, wf.WorkflowPermanentID, skyvern.ScheduleRequest{CronExpression: "@weekly", Timezone: "UTC", Name: "weekly", Enabled: skyvern.Ptr(false)})

	for s, err := range client.ListSchedules(ctx, skyvern.ListSchedulesParams{Status: skyvern.ScheduleStatusActive}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(s.WorkflowTitle, s.Name, s.CronExpression)
	}
	// Output: Reports daily @daily
}

func ExampleClient_UpdateWorkflowFolder() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	folder, err := client.CreateFolder(ctx, skyvern.CreateFolderRequest{Title: "Finance"})
	if err != nil {
		panic(err)
	}
	wf, _ := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: Invoices\nworkflow_definition: {parameters: [], blocks: []}\n"})
	if _, err := client.UpdateWorkflowFolder(ctx, wf.WorkflowPermanentID, skyvern.UpdateWorkflowFolderRequest{FolderID: skyvern.Ptr(folder.FolderID)}); err != nil {
		panic(err)
	}
	folder, _ = client.GetFolder(ctx, folder.FolderID)
	fmt.Println(folder.Title, "holds", folder.WorkflowCount, "workflow")

	// A nil FolderID takes the workflow out of its folder.
	wf, _ = client.UpdateWorkflowFolder(ctx, wf.WorkflowPermanentID, skyvern.UpdateWorkflowFolderRequest{})
	fmt.Printf("folder now %q\n", wf.FolderID)
	// Output:
	// Finance holds 1 workflow
	// folder now ""
}

func ExampleClient_RetryWorkflowRun() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	wf, _ := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: Flaky\nworkflow_definition: {parameters: [], blocks: []}\n"})
	srv.OnWorkflow(wf.WorkflowPermanentID, skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "site down"})
	first, _ := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: wf.WorkflowPermanentID})
	srv.Advance(skyverntest.DefaultRunDuration)

	srv.OnWorkflow(wf.WorkflowPermanentID, skyverntest.Outcome{}) // the site is back
	retry, err := client.RetryWorkflowRun(ctx, first.RunID)
	if err != nil {
		panic(err) // with ErrOutcomeUnknown, look for the new run before retrying again
	}
	srv.Advance(skyverntest.DefaultRunDuration)
	retry, _ = client.GetRun(ctx, retry.RunID)
	fmt.Println(retry.Status)
	// Output: completed
}

// The README's schedule: a workflow run at 9:00 Paris time on weekdays,
// and the runs it has started, told apart from the others by their
// TriggerType.
func ExampleClient_ListRunsOfWorkflow() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	prices, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: `
title: Morning prices
workflow_definition:
  parameters: [{parameter_type: workflow, key: sku, workflow_parameter_type: string}]
  blocks: [] # the blocks that read the price of {{ sku }}
`})
	if err != nil {
		log.Fatal(err)
	}
	weekdays, err := client.CreateSchedule(ctx, prices.WorkflowPermanentID, skyvern.ScheduleRequest{
		CronExpression: "0 9 * * 1-5", // 9:00 on weekdays
		Timezone:       "Europe/Paris",
		Parameters:     map[string]any{"sku": "A-1"},
	})
	if err != nil {
		log.Fatal(err) // ErrBadRequest: an expression or time zone Skyvern refuses
	}
	fmt.Println("enabled:", weekdays.Schedule.Enabled, "next firings listed:", len(weekdays.NextRuns))

	// The first firing, and the run it starts, on the fake's clock.
	srv.Advance(weekdays.NextRuns[0].Sub(srv.Now()) + skyverntest.DefaultRunDuration)
	client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: prices.WorkflowPermanentID, Parameters: map[string]any{"sku": "B-2"}})

	for run, err := range client.ListRunsOfWorkflow(ctx, prices.WorkflowPermanentID, skyvern.ListRunsOfWorkflowParams{}) {
		if err != nil {
			log.Fatal(err)
		}
		if run.TriggerType == skyvern.TriggerTypeScheduled {
			fmt.Println("scheduled run", run.Status, run.WorkflowScheduleID == weekdays.Schedule.WorkflowScheduleID)
		}
	}
	// Output:
	// enabled: true next firings listed: 5
	// scheduled run completed true
}
