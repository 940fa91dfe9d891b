// Command durable runs a Skyvern task as a durable Temporal workflow step,
// with every part a real deployment has, in one process and offline:
//
//   - Skyvern: skyverntest's fake server, standing in for Skyvern Cloud;
//   - Temporal: an embedded server (temporaltest), standing in for your
//     Temporal cluster;
//   - replica A, a worker: the Skyvern activities and the workflow;
//   - replica B, a webhook receiver: its own http.Server, which turns
//     Skyvern's webhooks into signals to the waiting workflow;
//   - a starter, which starts the workflow and prints its result.
//
// In production each part is its own process: dial your Temporal cluster
// with client.Dial instead of temporaltest, build the Skyvern client with
// skyvern.NewClient, and serve the receiver at a public URL.
//
//	go run ./examples/durable
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/skyvern-go/skyvern"
	skytemporal "github.com/skyvern-go/skyvern/contrib/temporal"
	"github.com/skyvern-go/skyvern/skyverntest"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"
)

const taskQueue = "skyvern-example"

// PriceWorkflow reads a product's price with a Skyvern task. The task's
// run id is recorded in the workflow's history as soon as it starts, so a
// worker that dies mid-run, a deploy or a lost webhook costs nothing but
// time.
func PriceWorkflow(ctx workflow.Context, productURL string) (string, error) {
	run, err := skytemporal.Run(ctx, skytemporal.StartRequest{Task: &skyvern.TaskRunRequest{
		Prompt: "Return the product's price",
		URL:    productURL,
	}}, skytemporal.WaitOptions{})
	if err != nil {
		return "", err
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

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// Skyvern. Runs take half a second here, minutes on Skyvern.
	sky, err := skyverntest.Start(skyverntest.WithRunDuration(500 * time.Millisecond))
	if err != nil {
		return err
	}
	defer sky.Close()
	sky.OnPrompt("Return the product's price", skyverntest.Outcome{Output: map[string]any{"price": "19.99 EUR"}})
	apiKey := sky.APIKey // your Skyvern API key: it also signs the webhooks

	// Temporal.
	ts := temporaltest.NewServer()
	defer ts.Stop()
	tc := ts.GetDefaultClient()

	// Replica B: the webhook receiver. Any number of replicas may serve it:
	// the URL names the workflow to signal.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /skyvern", skytemporal.Handler(tc, apiKey))
	receiver := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      time.Minute,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	go receiver.Serve(ln)
	defer receiver.Shutdown(context.Background())
	webhookURL := "http://" + ln.Addr().String() + "/skyvern" // Skyvern Cloud needs a public https URL

	// Replica A: the worker.
	acts, err := skytemporal.NewActivities(sky.Client(), webhookURL)
	if err != nil {
		return err
	}
	w := worker.New(tc, taskQueue, worker.Options{})
	acts.Register(w)
	w.RegisterWorkflow(PriceWorkflow)
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()

	// The starter.
	we, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "price-check-42", TaskQueue: taskQueue},
		PriceWorkflow, "https://shop.example.com/product/42")
	if err != nil {
		return err
	}
	var price string
	if err := we.Get(ctx, &price); err != nil {
		return err
	}
	fmt.Println("price:", price)
	for _, d := range sky.Webhooks() {
		fmt.Printf("webhook for %s answered %d by the receiver\n", d.RunID, d.StatusCode)
	}
	if len(sky.Webhooks()) == 0 {
		return errors.New("no webhook was sent")
	}
	return nil
}
