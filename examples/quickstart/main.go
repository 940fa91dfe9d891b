// Command quickstart runs one Skyvern task from start to finish: it starts
// the task with a webhook_url, receives and verifies the webhook, prints the
// run, and replays the webhook twice, to show what a replay does:
//
//   - replayed to the receiver that processed it, the webhook is answered as
//     a duplicate and the receiver's function does not run again, because
//     webhooks.Handler recognises the run by its run_id and status. A replay
//     recovers a delivery that a receiver missed or failed, not one it
//     processed;
//   - replayed to a receiver built with webhooks.WithDeduplicator(nil), the
//     function runs again. That is the way to process a run a second time
//     on purpose, with a function that copes with repeats.
//
// Without SKYVERN_API_KEY it runs against the fake Skyvern server of package
// skyverntest, started in-process, so it needs no account and no network:
//
//	go run ./examples/quickstart
//
// With SKYVERN_API_KEY set it runs against the real API (SKYVERN_BASE_URL,
// else Skyvern Cloud). Skyvern cannot call localhost, so give it a public
// URL (for example a tunnel) that forwards to the receiver's -listen
// address:
//
//	SKYVERN_API_KEY=... go run ./examples/quickstart -webhook-url https://abc.tunnel.example/skyvern -listen 127.0.0.1:8080
//
// The URL must reach the receiver's /skyvern path; the second replay goes
// to the same URL with /replays appended.
//
// Should the webhook never arrive, the run is still found by polling.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv("SKYVERN_API_KEY"), os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "quickstart:", err)
			os.Exit(1)
		}
	}
}

const (
	defaultPrompt = "Find the top post on Hacker News and return its title and points"
	defaultURL    = "https://news.ycombinator.com"
)

func run(ctx context.Context, args []string, apiKey string, out io.Writer) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	prompt := fs.String("prompt", defaultPrompt, "what the browser agent should do")
	startURL := fs.String("url", defaultURL, "the page to start from")
	webhookURL := fs.String("webhook-url", "", "public URL that reaches the receiver (needed with the real API)")
	listen := fs.String("listen", "127.0.0.1:0", "address of the local webhook receiver")
	timeout := fs.Duration("timeout", 15*time.Minute, "how long to wait for the run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	out = &syncWriter{w: out} // the webhook handler prints from its own goroutine

	// 1. A client: for the real API, or for the fake server.
	var client *skyvern.Client
	if apiKey == "" {
		srv, err := skyverntest.Start()
		if err != nil {
			return err
		}
		defer srv.Close()
		srv.OnPrompt(defaultPrompt, skyverntest.Outcome{Output: map[string]any{
			"title": "Show HN: A typed Go SDK for browser agents", "points": 512,
		}})
		client, apiKey = srv.Client(), srv.APIKey
		fmt.Fprintf(out, "No SKYVERN_API_KEY set: using the fake Skyvern server at %s\n", srv.URL)
	} else {
		if *webhookURL == "" {
			return errors.New("with SKYVERN_API_KEY set, pass -webhook-url: a public URL (such as a tunnel) " +
				"that forwards to -listen, because Skyvern cannot call localhost")
		}
		var err error
		if client, err = skyvern.NewClient(skyvern.WithAPIKey(apiKey), skyvern.WithUserAgent("skyvern-go-quickstart")); err != nil {
			return err
		}
		fmt.Fprintf(out, "Using the Skyvern API at %s\n", client.BaseURL())
	}

	// 2. A webhook receiver that verifies each callback and hands the run
	// to a Waiter, which polls Get Run should the webhook not come. It
	// counts how often its function runs, to show what the replays do.
	waiter := skyvern.NewWaiter(client)
	var calls atomic.Int64
	receive := func(_ context.Context, run *skyvern.RunResponse) error {
		n := calls.Add(1)
		fmt.Fprintf(out, "Webhook received and verified: %s is %s (the receiver's function ran: %d)\n", run.RunID, run.Status, n)
		waiter.Deliver(run)
		return nil
	}
	mux := http.NewServeMux()
	// The receiver to use: it runs the function once per run and status,
	// however many copies Skyvern sends.
	mux.Handle("/skyvern", webhooks.Handler(apiKey, receive))
	// A receiver without deduplication runs the function for every copy,
	// replays included, so its function must cope with repeats.
	mux.Handle("/skyvern/replays", webhooks.Handler(apiKey, receive, webhooks.WithDeduplicator(nil)))
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	receiver := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go receiver.Serve(ln)
	defer receiver.Close()
	if *webhookURL == "" {
		*webhookURL = "http://" + ln.Addr().String() + "/skyvern"
	}
	fmt.Fprintf(out, "Webhook receiver listening on %s, reached as %s\n", ln.Addr(), *webhookURL)

	// 3. Start the task, and wait for it to finish.
	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: *prompt, URL: *startURL, WebhookURL: *webhookURL})
	if err != nil {
		return fmt.Errorf("starting the task: %w", err)
	}
	fmt.Fprintf(out, "Started run %s (%s); waiting for it to finish...\n", run.RunID, run.Status)
	if run, err = waiter.Wait(ctx, run.RunID); err != nil {
		return err
	}
	printRun(out, run)

	// 4. Replay the webhook to its own URL, whose receiver processed it:
	// it is answered as a duplicate, and the function does not run again.
	if err := replay(ctx, out, client, run.RunID, "", &calls); err != nil {
		return err
	}
	// 5. Replay it to the receiver without deduplication: the function runs.
	replays, err := url.JoinPath(*webhookURL, "replays")
	if err != nil {
		return err
	}
	return replay(ctx, out, client, run.RunID, replays, &calls)
}

// replay asks Skyvern to send run runID's webhook again, to target or, when
// target is "", to the run's own webhook URL, and says what the receiver
// did with it. Skyvern answers once the receiver has, and the receiver's
// function runs before its answer, so calls is up to date by then.
func replay(ctx context.Context, out io.Writer, client *skyvern.Client, runID, target string, calls *atomic.Int64) error {
	before := calls.Load()
	rep, err := client.RetryRunWebhook(ctx, runID, skyvern.RetryRunWebhookRequest{WebhookURL: target})
	if err != nil {
		return fmt.Errorf("replaying the webhook: %w", err)
	}
	ran := calls.Load() > before
	fmt.Fprintf(out, "Replayed the webhook to %s: ", rep.TargetWebhookURL)
	switch {
	case rep.Delivered() && ran:
		fmt.Fprintf(out, "HTTP %d, processed: the receiver's function ran again\n", rep.StatusCode)
	case rep.Delivered():
		fmt.Fprintf(out, "HTTP %d, answered as a duplicate: this receiver had processed the run, "+
			"so its function did not run again\n", rep.StatusCode)
	case rep.StatusCode == http.StatusTooEarly:
		fmt.Fprintln(out, "HTTP 425: this receiver was still processing the run, so its function did not run again")
	default:
		fmt.Fprintf(out, "not delivered (%s)\n", rep)
	}
	return nil
}

// syncWriter serialises writes from several goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// printRun shows a finished run the way a user wants to read it.
func printRun(out io.Writer, run *skyvern.RunResponse) {
	fmt.Fprintf(out, "Run %s %s", run.RunID, run.Status)
	if !run.StartedAt.IsZero() && !run.FinishedAt.IsZero() {
		fmt.Fprintf(out, " after %s", run.FinishedAt.Sub(run.StartedAt.Time).Round(time.Millisecond))
	}
	fmt.Fprintln(out)
	if run.FailureReason != "" {
		fmt.Fprintf(out, "  failure reason: %s\n", run.FailureReason)
	}
	var output any
	if err := run.DecodeOutput(&output); err == nil {
		pretty, _ := json.MarshalIndent(output, "  ", "  ")
		fmt.Fprintf(out, "  output: %s\n", pretty)
	}
	if run.AppURL != "" {
		fmt.Fprintf(out, "  in the app: %s\n", run.AppURL)
	}
}
