package temporal_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/skyvern-go/skyvern"
	skytemporal "github.com/skyvern-go/skyvern/contrib/temporal"
	"github.com/skyvern-go/skyvern/skyverntest"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// PriceWorkflow reads a price with a Skyvern task, as a step that survives
// restarts and lost webhooks.
func PriceWorkflow(ctx workflow.Context, productURL string) (string, error) {
	run, err := skytemporal.Run(ctx, skytemporal.StartRequest{Task: &skyvern.TaskRunRequest{
		Prompt: "Return the price",
		URL:    productURL,
	}}, skytemporal.WaitOptions{})
	if err != nil {
		return "", err // the run could not be started, or the workflow was cancelled
	}
	if run.Status != skyvern.RunStatusCompleted {
		return "", fmt.Errorf("run %s ended %s: %s", run.RunID, run.Status, run.FailureReason)
	}
	var out struct {
		Price string `json:"price"`
	}
	if err := run.DecodeOutput(&out); err != nil {
		return "", err
	}
	return out.Price, nil
}

// A worker registers the activities and the workflow; a receiver, on
// another server, signals the workflow when Skyvern's webhook comes.
func ExampleRun() {
	ctx := context.Background()
	sky, _ := skyverntest.Start() // Skyvern
	defer sky.Close()
	sky.OnPrompt("Return the price", skyverntest.Outcome{Output: map[string]any{"price": "9.99"}})
	tc := sharedTemporal() // client.Dial(...) in production

	receiver := httptest.NewServer(skytemporal.Handler(tc, sky.APIKey))
	defer receiver.Close()

	acts, err := skytemporal.NewActivities(sky.Client(), receiver.URL+"/skyvern")
	if err != nil {
		panic(err)
	}
	w := worker.New(tc, "prices", worker.Options{})
	acts.Register(w)
	w.RegisterWorkflow(PriceWorkflow)
	if err := w.Start(); err != nil {
		panic(err)
	}
	defer w.Stop()

	we, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "price-42", TaskQueue: "prices"}, PriceWorkflow, "https://shop.example.com/42")
	if err != nil {
		panic(err)
	}
	var price string
	if err := we.Get(ctx, &price); err != nil {
		panic(err)
	}
	fmt.Println("price:", price)
	// Output: price: 9.99
}
