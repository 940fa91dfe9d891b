// Command skyvern-fake serves a fake Skyvern API on a loopback port, for
// trying and testing code that uses Skyvern, in any language, without an
// account, a browser or the internet.
//
// It serves Skyvern's run routes (Run Task, Run Workflow, Get Run, Cancel
// Run and Cancel Runs, Retry Run Webhook, the run lists, a run's timeline
// and artifacts), workflow routes (create, get, update, delete, list and
// versions, under /v1/workflows and /v1/agents), a workflow's runs with
// their retry and browser-profile reset, schedules (which fire on the
// server's clock) and folders, browser sessions and profiles with login
// and download runs, file uploads and artifact content, credentials and
// 2FA codes, tags, scripts, custom LLMs and SDK actions, as Skyvern's
// server does (see package skyverntest, whose Routes lists them all). It
// runs every run to the outcome chosen by its flags, and sends signed
// webhooks to the runs' webhook_url (or their workflow's
// webhook_callback_url), loopback addresses included; a webhook URL on
// another private or internal host is refused with 400, as Skyvern refuses
// it, unless -allow-webhook-host names the host. What it keeps lives
// in memory and ends with it.
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
//	                       created through the API
//	-any-workflow          accept any workflow id, not only those (the real
//	                       server answers 404 for an unknown one)
//	-webhook-backoff duration base wait between webhook attempts (default 1s)
//	-manual-clock          stop the server's clock: runs move on and webhooks
//	                       go out only when the admin API advances it
//	-admin                 serve the admin API (default true; -admin=false
//	                       to turn it off)
//	-max-records int       requests and webhook deliveries kept for the admin
//	                       API, the most recent of each (default 10000)
//	-allow-webhook-host list  hosts (names or IP addresses, comma-separated;
//	                       the flag may be repeated) whose webhook URLs are
//	                       accepted although Skyvern refuses private and
//	                       internal hosts, as its ALLOWED_HOSTS setting does:
//	                       for a receiver in another container, say
//	                       -allow-webhook-host receiver,10.0.0.7
//	-loopback-webhooks     accept webhook URLs on loopback hosts, which
//	                       Skyvern refuses (default true; -loopback-webhooks=false
//	                       to refuse them with Skyvern's 400)
//
// # Output
//
// On standard output it prints, once it listens, a line for people and
// three for programs (the last only with the admin API):
//
//	skyvern-fake: serving the Skyvern API on http://127.0.0.1:41234 (Ctrl-C to stop)
//	SKYVERN_BASE_URL=http://127.0.0.1:41234
//	SKYVERN_API_KEY=...
//	SKYVERN_FAKE_ADMIN_URL=http://127.0.0.1:41234/_skyverntest/
//
// On standard error it logs, each line starting "skyvern-fake: ", every
// request with its status, each run created (with its run id) and
// finished, why a request was refused with 403 (no x-api-key, or a wrong
// one: the key itself is never logged), the detail of each 422, and each
// webhook delivery attempt. On interrupt (Ctrl-C, SIGINT or SIGTERM) it
// closes the server, says goodbye on one line and exits with status 0; a
// second interrupt ends it at once.
//
// # Admin API
//
// So that a test suite in Python, TypeScript or any language can do what a
// Go test does with package skyverntest, the command serves an admin API
// on the same port, under /_skyverntest/, a prefix Skyvern's API never
// uses. It is on by default, as it is what the command is for; the server
// listens on 127.0.0.1 only, and every admin call needs the same x-api-key
// header as the API. The endpoints take and give JSON (durations as
// strings such as "1.5s"; errors as {"detail": "..."}):
//
//	GET  /_skyverntest/clock                  {"now": ...}
//	POST /_skyverntest/clock/advance          {"duration": "1s"}: with -manual-clock, move
//	                                          the clock and answer once all that fell due
//	                                          is done, webhooks delivered (409 otherwise)
//	GET  /_skyverntest/runs                   every run, oldest first
//	GET  /_skyverntest/runs/{run_id}          one run: {"run", "webhook_url",
//	                                          "webhook_failure_reason", "held"}
//	POST /_skyverntest/runs/{run_id}/finish   {"status": "failed", "output": ...,
//	                                          "failure_reason": "...", "webhook_copies": 2,
//	                                          "webhook_delay": "1s"}: end a run now, such
//	                                          as one held by -outcome hold; with
//	                                          -manual-clock its webhook goes out at
//	                                          the next clock/advance ("0s" will do)
//	POST /_skyverntest/faults                 {"route": "GET /v1/runs/{run_id}",
//	                                          "status_code": 503, "retry_after": "0",
//	                                          "times": 2, ...}: make calls of a route fail
//	                                          (also "body", "delay", "drop_connection",
//	                                          "truncate", "malformed", "after")
//	DELETE /_skyverntest/faults?route=...     clear the faults of a route (the parameter
//	                                          may be repeated), or of all without one
//	GET  /_skyverntest/requests               the requests received (keys redacted), each
//	                                          with the status answered and "faulted"
//	GET  /_skyverntest/webhooks?run_id=...    the webhook deliveries, with the signed
//	                                          body as sent and the receiver's answer
//
// skyverntest.WithAdminAPI documents each endpoint in full. A test drives
// a run to its webhook like this:
//
//	curl -s -H "x-api-key: $SKYVERN_API_KEY" -d '{"prompt":"Find the price","webhook_url":"http://127.0.0.1:9000/hook"}' $SKYVERN_BASE_URL/v1/run/tasks
//	curl -s -H "x-api-key: $SKYVERN_API_KEY" -d '{"duration":"1s"}' ${SKYVERN_FAKE_ADMIN_URL}clock/advance
//	curl -s -H "x-api-key: $SKYVERN_API_KEY" "${SKYVERN_FAKE_ADMIN_URL}webhooks?run_id=tsk_..."
package main

import (
	"bytes"
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
	"sync"
	"syscall"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// prefix starts every line the command writes to standard error.
const prefix = "skyvern-fake: "

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second interrupt ends the process at once
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return
	case err != nil:
		fmt.Fprintln(os.Stderr, prefix+err.Error())
		os.Exit(2)
	}
}

// run serves until ctx ends. It writes the log to stderr, each line
// prefixed; flag errors and -help go there as the flag package writes
// them.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("skyvern-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.Int("port", 0, "port on 127.0.0.1 (0: a free port)")
	apiKey := fs.String("api-key", "", "API key to accept and sign webhooks with (default: random)")
	duration := fs.Duration("run-duration", skyverntest.DefaultRunDuration, "time from created to final status")
	outcome := fs.String("outcome", "completed", "how runs end: completed, failed, terminated, timed_out, canceled or hold")
	output := fs.String("output", "", "JSON output of completed runs (default null)")
	reason := fs.String("failure-reason", "", "failure_reason of failed or terminated runs")
	workflows := fs.String("workflows", "", "comma-separated workflow ids to accept besides those created through the API")
	anyWorkflow := fs.Bool("any-workflow", false, "accept any workflow id (the real server answers 404 for an unknown one)")
	backoff := fs.Duration("webhook-backoff", skyverntest.DefaultWebhookBackoff, "base wait between webhook delivery attempts")
	manualClock := fs.Bool("manual-clock", false, "stop the server's clock: only the admin API's clock/advance moves it")
	admin := fs.Bool("admin", true, "serve the admin API under /_skyverntest/ (same x-api-key)")
	maxRecords := fs.Int("max-records", 10000, "requests and webhook deliveries kept for the admin API, the most recent of each")
	var hookHosts []string
	fs.Func("allow-webhook-host", "comma-separated hosts (names or IP addresses) whose webhook URLs are accepted although\n"+
		"Skyvern refuses private and internal hosts, such as another container's; repeatable", func(v string) error {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h == "" {
				return errors.New("a host is empty")
			}
			hookHosts = append(hookHosts, h)
		}
		return nil
	})
	loopbackHooks := fs.Bool("loopback-webhooks", true, "accept webhook URLs on loopback hosts, which Skyvern refuses")
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
	if *maxRecords < 0 {
		return fmt.Errorf("-max-records %d is negative", *maxRecords)
	}

	logs := &prefixWriter{w: stderr, prefix: prefix}
	opts := []skyverntest.Option{
		skyverntest.WithPort(*port),
		skyverntest.WithRunDuration(*duration),
		skyverntest.WithDefaultOutcome(o),
		skyverntest.WithWebhookBackoff(*backoff),
		skyverntest.WithLogger(slog.New(slog.NewTextHandler(logs, nil))),
		skyverntest.WithLoopbackWebhooks(*loopbackHooks),
	}
	if len(hookHosts) > 0 {
		opts = append(opts, skyverntest.WithAllowedWebhookHosts(hookHosts...))
	}
	if *admin {
		opts = append(opts, skyverntest.WithAdminAPI(), skyverntest.WithMaxRecords(*maxRecords))
	} else {
		opts = append(opts, skyverntest.WithMaxRecords(0)) // nobody can read them
	}
	if *apiKey != "" {
		opts = append(opts, skyverntest.WithAPIKey(*apiKey))
	}
	if *anyWorkflow {
		opts = append(opts, skyverntest.WithAnyWorkflow())
	}
	if *manualClock {
		opts = append(opts, skyverntest.WithManualClock())
	}
	srv, err := skyverntest.Start(opts...)
	if err != nil {
		return err
	}
	defer srv.Close()
	for _, id := range strings.Split(*workflows, ",") {
		if id = strings.TrimSpace(id); id != "" {
			srv.OnWorkflow(id, o)
		}
	}

	fmt.Fprintf(stdout, "skyvern-fake: serving the Skyvern API on %s (Ctrl-C to stop)\n", srv.URL)
	fmt.Fprintf(stdout, "SKYVERN_BASE_URL=%s\n", srv.URL)
	fmt.Fprintf(stdout, "SKYVERN_API_KEY=%s\n", srv.APIKey)
	if *admin {
		fmt.Fprintf(stdout, "SKYVERN_FAKE_ADMIN_URL=%s%s\n", srv.URL, skyverntest.AdminPrefix)
	}
	<-ctx.Done()
	srv.Close()
	fmt.Fprintln(logs, "stopped: the server is closed; goodbye")
	return nil
}

// prefixWriter starts every line written through it with prefix. It is
// safe for concurrent use; each Write should hold whole lines, as slog's
// handlers write them.
type prefixWriter struct {
	mu      sync.Mutex
	w       io.Writer
	prefix  string
	midLine bool
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out bytes.Buffer
	for rest := b; len(rest) > 0; {
		if !p.midLine {
			out.WriteString(p.prefix)
		}
		line, after, found := bytes.Cut(rest, []byte("\n"))
		out.Write(line)
		if found {
			out.WriteByte('\n')
		}
		p.midLine, rest = !found, after
	}
	if _, err := p.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(b), nil
}
