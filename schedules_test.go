package skyvern_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
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
