package skyvern_test

import (
	"context"
	"fmt"
	"log"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// Tag a workflow run, find it again by its tag, and read what changed.
func ExampleClient_ApplyRunTags() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	srv.OnWorkflow("wpid_invoices", skyverntest.Outcome{}) // a saved workflow, to the fake
	client := srv.Client()
	ctx := context.Background()

	nightly, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_invoices"})
	if err != nil {
		log.Fatal(err)
	}
	tags, err := client.ApplyRunTags(ctx, nightly.RunID, skyvern.TagChanges{
		Tags:   []skyvern.TagLabel{{Key: "customer", Value: "acme"}, {Value: "nightly"}},
		Colors: map[string]skyvern.TagColor{"customer": skyvern.TagColorTeal},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range tags.Tags {
		fmt.Println("tagged", t.Label())
	}
	for r, err := range client.ListRuns(ctx, skyvern.ListRunsParams{Tags: []string{"customer:acme"}}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("found", r.RunID == nightly.RunID, r.Status)
	}

	client.DeleteRunTag(ctx, nightly.RunID, "customer")
	history, _ := client.GetRunTagHistory(ctx, nightly.RunID, skyvern.TagHistoryParams{Key: "customer"})
	for _, e := range history.Events {
		fmt.Printf("%s %s %q\n", e.EventType, e.Key, e.Value)
	}
	// Removing a tag leaves its label registered, with its color.
	values, _ := skyvern.Collect(client.ListTagValues(ctx, skyvern.ListTagValuesParams{Key: "customer"}))
	fmt.Println(values[0].Value, values[0].Color)
	// Output:
	// tagged nightly
	// tagged customer:acme
	// found true created
	// delete customer ""
	// set customer "acme"
	// acme teal
}
