// Command skyvern-fake serves a fake Skyvern API on a loopback port, for
// trying and testing code that uses Skyvern, in any language, without an
// account, a browser or the internet.
//
// It serves Skyvern's run routes (Run Task, Run Workflow, Get Run, Cancel
// Run and Cancel Runs, Retry Run Webhook, the run lists, a run's timeline
// and artifacts) and workflow routes (create, get, update, delete, list and
// versions, under /v1/workflows and /v1/agents) as Skyvern's server does
// (see package skyverntest). It runs every run to the outcome chosen by its
// flags, and sends signed webhooks to the runs' webhook_url (or their
// workflow's webhook_callback_url), loopback addresses included. It prints
// its URL and API key, logs each request and webhook to standard error, and
// stops on interrupt. What it keeps lives in memory and ends with it.
//
// Usage:
//
//	go run ./cmd/skyvern-fake [flags]
//
// Flags:
//
//	-port int              port on 127.0.0.1 (default: a free port)
//	-api-key string        API key to accept and sign with (default: random)
//	-run-duration duration time from created to final status (default 1s)
//	-outcome string        completed, failed, terminated, timed_out, canceled or hold (default completed)
//	-output string         JSON output of completed runs (default null)
//	-failure-reason string failure_reason of failed or terminated runs
//	-workflows string      comma-separated workflow ids to accept besides those
//	                       created through the API (default: any)
//	-webhook-backoff duration base wait between webhook attempts (default 1s)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return
	case err != nil:
		fmt.Fprintln(os.Stderr, "skyvern-fake:", err)
		os.Exit(2)
	}
}

// run serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("skyvern-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.Int("port", 0, "port on 127.0.0.1 (0: a free port)")
	apiKey := fs.String("api-key", "", "API key to accept and sign webhooks with (default: random)")
	duration := fs.Duration("run-duration", skyverntest.DefaultRunDuration, "time from created to final status")
	outcome := fs.String("outcome", "completed", "how runs end: completed, failed, terminated, timed_out, canceled or hold")
	output := fs.String("output", "", "JSON output of completed runs (default null)")
	reason := fs.String("failure-reason", "", "failure_reason of failed or terminated runs")
	workflows := fs.String("workflows", "", "comma-separated workflow ids to accept besides those created through the API (default: any)")
	backoff := fs.Duration("webhook-backoff", skyverntest.DefaultWebhookBackoff, "base wait between webhook delivery attempts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	o := skyverntest.Outcome{FailureReason: *reason}
	switch *outcome {
	case "hold":
		o.Hold = true
	case "completed", "failed", "terminated", "timed_out", "canceled":
		o.Status = skyvern.RunStatus(*outcome)
	default:
		return fmt.Errorf("-outcome %q: want completed, failed, terminated, timed_out, canceled or hold", *outcome)
	}
	if *output != "" {
		if !json.Valid([]byte(*output)) {
			return fmt.Errorf("-output is not valid JSON: %s", *output)
		}
		o.Output = json.RawMessage(*output)
	}

	opts := []skyverntest.Option{
		skyverntest.WithPort(*port),
		skyverntest.WithRunDuration(*duration),
		skyverntest.WithDefaultOutcome(o),
		skyverntest.WithWebhookBackoff(*backoff),
		skyverntest.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))),
		skyverntest.WithMaxRecords(0), // nobody reads them here
	}
	if *apiKey != "" {
		opts = append(opts, skyverntest.WithAPIKey(*apiKey))
	}
	var ids []string
	for _, id := range strings.Split(*workflows, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		opts = append(opts, skyverntest.WithAnyWorkflow())
	}
	srv, err := skyverntest.Start(opts...)
	if err != nil {
		return err
	}
	defer srv.Close()
	for _, id := range ids {
		srv.OnWorkflow(id, o)
	}

	fmt.Fprintf(stdout, "skyvern-fake: serving the Skyvern API on %s (Ctrl-C to stop)\n", srv.URL)
	fmt.Fprintf(stdout, "SKYVERN_BASE_URL=%s\n", srv.URL)
	fmt.Fprintf(stdout, "SKYVERN_API_KEY=%s\n", srv.APIKey)
	<-ctx.Done()
	return nil
}
