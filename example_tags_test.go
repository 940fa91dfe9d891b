package skyvern_test

import (
	"context"
	"fmt"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// Tag a workflow run, find it again by its tag, and read what changed.
func ExampleClient_ApplyRunTags() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	wf, _ := client.CreateWorkflow(ctx, skyvern.WorkflowRequest{YAMLDefinition: "title: Invoices\nworkflow_definition: {parameters: [], blocks: []}\n"})
	run, _ := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: wf.WorkflowPermanentID})

	tags, err := client.ApplyRunTags(ctx, run.RunID, skyvern.TagChanges{
		Tags:   []skyvern.TagLabel{{Key: "customer", Value: "acme"}, {Value: "nightly"}},
		Colors: map[string]skyvern.TagColor{"customer": skyvern.TagColorTeal},
	})
	if err != nil {
		panic(err)
	}
	for _, t := range tags.Tags {
		fmt.Println("tagged", t.Label())
	}

	// ListRuns takes the same terms: "key:value", "key:*" or a label.
	for r, err := range client.ListRuns(ctx, skyvern.ListRunsParams{Tags: []string{"customer:acme"}}) {
		if err != nil {
			panic(err)
		}
		fmt.Println("found", r.RunID == run.RunID)
	}

	client.DeleteRunTag(ctx, run.RunID, "customer")
	history, _ := client.GetRunTagHistory(ctx, run.RunID, skyvern.TagHistoryParams{Key: "customer"})
	for _, e := range history.Events {
		fmt.Printf("%s %s %q\n", e.EventType, e.Key, e.Value)
	}
	// Removing a tag leaves its label registered, with its color.
	values, _ := client.ListTagValues(ctx, skyvern.ListTagValuesParams{Key: "customer"})
	fmt.Println(values[0].Value, values[0].Color)
	// Output:
	// tagged nightly
	// tagged customer:acme
	// found true
	// delete customer ""
	// set customer "acme"
	// acme teal
}
