package schemacheck

import "github.com/skyvern-go/skyvern/skyverntest"

// scheduledWorkflow is a workflow whose runs send their webhook to the
// walk's receiver, so that the runs its schedules start send one too.
const scheduledWorkflow = `{"json_definition":{"title":"Scheduled","webhook_callback_url":"${hook}",` +
	`"workflow_definition":{"parameters":[{"parameter_type":"workflow","key":"q","workflow_parameter_type":"string"}],"blocks":[]}}}`

// schedulesWalk walks the routes of schedules, folders and the workflow-run
// operations of workflows.go's area (retry, reset profile), on workflows
// of their own.
var schedulesWalk = []step{
	{route: skyverntest.RouteCreateWorkflow, path: "/v1/workflows", want: 200, body: scheduledWorkflow,
		save: map[string]string{"swf": "workflow_permanent_id"}},

	// Schedules.
	{route: skyverntest.RouteCreateSchedule, path: "/v1/workflows/${swf}/schedules", want: 200,
		body: `{"cron_expression":"0 * * * *","timezone":"Europe/Paris","parameters":{"q":"hourly"},"name":"hourly"}`},
	{route: skyverntest.RouteCreateAgentSchedule, path: "/v1/agents/${swf}/schedules", want: 200,
		body: `{"cron_expression":"30 6 * * 1-5","timezone":"UTC","enabled":false,"description":"weekdays"}`},
	{route: skyverntest.RouteCreateSchedule, path: "/v1/workflows/${swf}/schedules", want: 400,
		body: `{"cron_expression":"every day","timezone":"UTC"}`, why: "an expression croniter cannot read"},
	{route: skyverntest.RouteCreateSchedule, path: "/v1/workflows/${swf}/schedules", want: 400,
		body: `{"cron_expression":"* * * * *","timezone":"UTC"}`, why: "firings closer than five minutes"},
	{route: skyverntest.RouteCreateSchedule, path: "/v1/workflows/${swf}/schedules", want: 400,
		body: `{"cron_expression":"0 0 * * *","timezone":"Mars/Base"}`, why: "an unknown time zone"},
	{route: skyverntest.RouteCreateSchedule, path: "/v1/workflows/${swf}/schedules", want: 422,
		body: `{"timezone":"UTC"}`, why: "cron_expression is required"},
	{route: skyverntest.RouteCreateSchedule, path: "/v1/workflows/" + unknownWorkflow + "/schedules", want: 404,
		body: `{"cron_expression":"0 0 * * *","timezone":"UTC"}`, why: "an unknown workflow"},
	{route: skyverntest.RouteListWorkflowSchedules, path: "/v1/workflows/${swf}/schedules", want: 200},
	{route: skyverntest.RouteListAgentSchedules, path: "/v1/agents/${swf}/schedules", want: 200},
	{route: skyverntest.RouteListWorkflowSchedules, path: "/v1/workflows/" + unknownWorkflow + "/schedules", want: 404},
	{route: skyverntest.RouteCreateSchedule, path: "/v1/workflows/${swf}/schedules", want: 200,
		body: `{"cron_expression":"*/15 * * * *","timezone":"America/New_York"}`, save: map[string]string{"sched": "schedule.workflow_schedule_id"}},
	{advance: true},
	{route: skyverntest.RouteListSchedules, path: "/v1/schedules", want: 200},
	{route: skyverntest.RouteListSchedules, path: "/v1/schedules?status=paused&search=sched&page=1&page_size=2", want: 200},
	{route: skyverntest.RouteListSchedules, path: "/v1/schedules?status=sleeping", want: 422, why: "status is active or paused"},
	{route: skyverntest.RouteListSchedules, path: "/v1/schedules?page_size=101", want: 422, why: "at most 100 a page"},
	{route: skyverntest.RouteListWorkflowRunsByID, path: "/v1/workflows/${swf}/runs", want: 200,
		why: "the scheduled runs, trigger_type scheduled"},
}

// schedulesByIDWalk walks the routes of one schedule, and folders and the
// workflow-run operations.
var schedulesByIDWalk = []step{
	{route: skyverntest.RouteGetSchedule, path: "/v1/workflows/${swf}/schedules/${sched}", want: 200},
	{route: skyverntest.RouteGetAgentSchedule, path: "/v1/agents/${swf}/schedules/${sched}", want: 200},
	{route: skyverntest.RouteGetSchedule, path: "/v1/workflows/${swf}/schedules/wfs_404", want: 404, why: "an unknown schedule"},
	{route: skyverntest.RouteGetSchedule, path: "/v1/workflows/" + unknownWorkflow + "/schedules/${sched}", want: 404, why: "an unknown workflow"},
	{route: skyverntest.RouteUpdateSchedule, path: "/v1/workflows/${swf}/schedules/${sched}", want: 200,
		body: `{"cron_expression":"0 12 * * *","timezone":"Asia/Tokyo","name":"noon"}`},
	{route: skyverntest.RouteUpdateAgentSchedule, path: "/v1/agents/${swf}/schedules/${sched}", want: 200,
		body: `{"cron_expression":"0 12 * * *","timezone":"Asia/Tokyo","enabled":null}`},
	{route: skyverntest.RouteUpdateSchedule, path: "/v1/workflows/${swf}/schedules/${sched}", want: 400,
		body: `{"cron_expression":"0 12 * *","timezone":"UTC"}`, why: "four fields"},
	{route: skyverntest.RouteUpdateSchedule, path: "/v1/workflows/${swf}/schedules/wfs_404", want: 404,
		body: `{"cron_expression":"0 12 * * *","timezone":"UTC"}`},
	{route: skyverntest.RouteDisableSchedule, path: "/v1/workflows/${swf}/schedules/${sched}/disable", want: 200},
	{route: skyverntest.RouteDisableAgentSchedule, path: "/v1/agents/${swf}/schedules/${sched}/disable", want: 200},
	{route: skyverntest.RouteEnableSchedule, path: "/v1/workflows/${swf}/schedules/${sched}/enable", want: 200},
	{route: skyverntest.RouteEnableAgentSchedule, path: "/v1/agents/${swf}/schedules/${sched}/enable", want: 200},
	{route: skyverntest.RouteEnableSchedule, path: "/v1/workflows/${swf}/schedules/wfs_404/enable", want: 404},
	{route: skyverntest.RouteDeleteSchedule, path: "/v1/workflows/${swf}/schedules/${sched}", want: 200},
	{route: skyverntest.RouteDeleteAgentSchedule, path: "/v1/agents/${swf}/schedules/${sched}", want: 404, why: "deleted already"},
	{route: skyverntest.RouteCreateAgentSchedule, path: "/v1/agents/${swf}/schedules", want: 200,
		body: `{"cron_expression":"@daily","timezone":"UTC"}`, save: map[string]string{"sched2": "schedule.workflow_schedule_id"}},
	{route: skyverntest.RouteDeleteAgentSchedule, path: "/v1/agents/${swf}/schedules/${sched2}", want: 200},

	// Folders.
	{route: skyverntest.RouteCreateFolder, path: "/v1/folders", want: 200, body: `{"title":"Finance","description":"month-end"}`,
		save: map[string]string{"folder": "folder_id"}},
	{route: skyverntest.RouteCreateFolder, path: "/v1/folders", want: 200, body: `{"title":"Empty"}`,
		save: map[string]string{"folder2": "folder_id"}},
	{route: skyverntest.RouteCreateFolder, path: "/v1/folders", want: 422, body: `{}`, why: "title is required"},
	{route: skyverntest.RouteCreateFolder, path: "/v1/folders", want: 422, body: `{"title":""}`, why: "title has at least 1 character"},
	{route: skyverntest.RouteUpdateWorkflowFolder, path: "/v1/workflows/${swf}/folder", want: 200, body: `{"folder_id":"${folder}"}`},
	{route: skyverntest.RouteUpdateAgentFolder, path: "/v1/agents/${swf}/folder", want: 200, body: `{"folder_id":"${folder}"}`},
	{route: skyverntest.RouteUpdateWorkflowFolder, path: "/v1/workflows/${swf}/folder", want: 400, body: `{"folder_id":"fld_404"}`,
		why: "an unknown folder"},
	{route: skyverntest.RouteUpdateWorkflowFolder, path: "/v1/workflows/" + unknownWorkflow + "/folder", want: 404, body: `{"folder_id":null}`},
	{route: skyverntest.RouteGetFolder, path: "/v1/folders/${folder}", want: 200},
	{route: skyverntest.RouteGetFolder, path: "/v1/folders/fld_404", want: 404},
	{route: skyverntest.RouteListFolders, path: "/v1/folders", want: 200},
	{route: skyverntest.RouteListFolders, path: "/v1/folders?search=fin&page=1&page_size=500", want: 200},
	{route: skyverntest.RouteListFolders, path: "/v1/folders?page_size=501", want: 422},
	{route: skyverntest.RouteUpdateFolder, path: "/v1/folders/${folder}", want: 200, body: `{"title":"Accounting"}`},
	{route: skyverntest.RouteUpdateFolder, path: "/v1/folders/${folder}", want: 200, body: `{}`},
	{route: skyverntest.RouteUpdateFolder, path: "/v1/folders/fld_404", want: 404, body: `{"title":"x"}`},
	{route: skyverntest.RouteDeleteFolder, path: "/v1/folders/${folder2}?delete_workflows=true", want: 200},
	{route: skyverntest.RouteDeleteFolder, path: "/v1/folders/${folder}", want: 200},
	{route: skyverntest.RouteDeleteFolder, path: "/v1/folders/${folder}", want: 404, why: "deleted already"},

	// Workflow runs: retry and reset profile.
	{route: skyverntest.RouteRunWorkflow, path: "/v1/run/workflows", want: 200,
		body: `{"workflow_id":"${swf}","parameters":{"q":"retry me"}}`, save: map[string]string{"swr": "run_id"}},
	{route: skyverntest.RouteRetryWorkflowRun, path: "/v1/workflows/runs/${swr}/retry", want: 400, why: "the run has not finished"},
	{advance: true},
	{route: skyverntest.RouteRetryWorkflowRun, path: "/v1/workflows/runs/${swr}/retry", want: 200},
	{route: skyverntest.RouteRetryAgentRun, path: "/v1/agents/runs/${swr}/retry", want: 200},
	{route: skyverntest.RouteRetryWorkflowRun, path: "/v1/workflows/runs/wr_404/retry", want: 404},
	{route: skyverntest.RouteResetWorkflowBrowserProfile, path: "/v1/workflows/${swf}/browser_session/reset_profile", want: 204},
	{route: skyverntest.RouteResetAgentBrowserProfile, path: "/v1/agents/${swf}/browser_session/reset_profile", want: 204},
	{route: skyverntest.RouteResetWorkflowBrowserProfile, path: "/v1/workflows/" + unknownWorkflow + "/browser_session/reset_profile", want: 404},
	{advance: true},
}
