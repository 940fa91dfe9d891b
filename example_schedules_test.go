package skyvern_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

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
