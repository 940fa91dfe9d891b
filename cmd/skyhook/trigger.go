package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern/internal/wire"
)

const triggerHelp = `trigger --forward-to URL [flags]

Delivers, offline, the signed webhook of a synthetic run that reached the
given status: the server's bytes, headers and retries, signed with
SKYVERN_API_KEY (or --key). No Skyvern account or network is needed.

Example:
  skyhook trigger --forward-to http://localhost:8080/webhooks/skyvern \
      --status failed --failure-reason "login page changed"
  skyhook trigger --forward-to http://localhost:8080/hook --output @result.json
`

var (
	finalStatuses = []string{"completed", "failed", "timed_out", "terminated", "canceled"}
	runTypes      = []string{"task_v1", "task_v2", "task_v3", "workflow_run", "openai_cua", "anthropic_cua", "ui_tars", "yutori_navigator"}
)

func triggerCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) int {
	c := newCommand("trigger", triggerHelp, stdout, stderr)
	to := c.fs.String("forward-to", "", "the receiver's URL (required)")
	status := c.fs.String("status", "completed", "final status: "+strings.Join(finalStatuses, ", "))
	runType := c.fs.String("run-type", "task_v2", "run type: "+strings.Join(runTypes, ", "))
	output := c.fs.String("output", "", "the run's output as JSON, or @FILE to read it (default null)")
	reason := c.fs.String("failure-reason", "", "the run's failure_reason")
	runID := c.fs.String("run-id", "", "the run's id (default: a new one for the run type)")
	key := c.fs.String("key", "", "the key to sign with (default: SKYVERN_API_KEY)")
	backoff := c.fs.Duration("backoff", time.Second, "base wait between attempts (the server's is 1s)")
	if code, done := c.parse(args); done {
		return code
	}
	if c.fs.NArg() > 0 {
		return c.fail("unexpected argument %q", c.fs.Arg(0))
	}
	if err := checkURL("forward-to", *to); err != nil {
		return c.fail("%v", err)
	}
	if !slices.Contains(finalStatuses, *status) {
		return c.fail("--status %q is not a final status (want %s)", *status, strings.Join(finalStatuses, ", "))
	}
	if !slices.Contains(runTypes, *runType) {
		return c.fail("--run-type %q is unknown (want %s)", *runType, strings.Join(runTypes, ", "))
	}
	out := json.RawMessage("null")
	if *output != "" {
		b := []byte(*output)
		if name, ok := strings.CutPrefix(*output, "@"); ok {
			var err error
			if b, err = os.ReadFile(name); err != nil {
				return c.fail("--output: %v", err)
			}
		}
		if !json.Valid(b) {
			return c.fail("--output is not valid JSON")
		}
		out = b
	}
	k := *key
	if k == "" {
		k = getenv("SKYVERN_API_KEY")
	}
	if k == "" {
		return c.fail("no key to sign with: set SKYVERN_API_KEY or pass --key")
	}
	id := *runID
	if id == "" {
		id = newRunID(*runType)
	}
	raw, err := syntheticRun(id, *status, *runType, out, *reason, time.Now())
	if err != nil {
		return c.fail("%v", err)
	}
	body, err := webhookBody(raw)
	if err != nil {
		return c.fail("%v", err)
	}
	return sendOne(ctx, c, newDelivery(id, *status, body, k, time.Now()), *to, *backoff)
}

// newRunID makes an id of the run type's form.
func newRunID(runType string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	prefix := "tsk_"
	switch runType {
	case "task_v2":
		prefix = "tsk_v2_"
	case "workflow_run":
		prefix = "wr_"
	}
	return prefix + hex.EncodeToString(b[:])
}

// syntheticRun is the Get Run body of a finished run, in the members and
// order of the server's Run Response.
func syntheticRun(id, status, runType string, output json.RawMessage, reason string, now time.Time) ([]byte, error) {
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") }
	var fr any
	if reason != "" {
		fr = reason
	}
	var downloads any
	if status == "completed" {
		downloads = []any{}
	}
	appURL := "https://app.skyvern.com/runs/" + id
	if runType == "task_v1" {
		appURL = "https://app.skyvern.com/tasks/" + id
	}
	o := wire.Object{
		{Key: "run_id", Value: id},
		{Key: "status", Value: status},
		{Key: "output", Value: output},
		{Key: "downloaded_files", Value: downloads},
		{Key: "recording_url", Value: nil},
		{Key: "recording_archived", Value: false},
		{Key: "screenshot_urls", Value: nil},
		{Key: "failure_reason", Value: fr},
		{Key: "created_at", Value: ts(now.Add(-3 * time.Second))},
		{Key: "modified_at", Value: ts(now)},
		{Key: "queued_at", Value: ts(now.Add(-3 * time.Second))},
		{Key: "started_at", Value: ts(now.Add(-2 * time.Second))},
		{Key: "finished_at", Value: ts(now)},
		{Key: "app_url", Value: appURL},
		{Key: "browser_session_id", Value: nil},
		{Key: "browser_profile_id", Value: nil},
		{Key: "max_screenshot_scrolls", Value: nil},
		{Key: "script_run", Value: nil},
		{Key: "errors", Value: []any{}},
		{Key: "step_count", Value: nil},
		{Key: "run_type", Value: runType},
	}
	if runType == "workflow_run" {
		o = append(o, wire.Object{
			{Key: "run_with", Value: "agent"}, {Key: "ai_fallback", Value: nil},
			{Key: "script_id", Value: nil}, {Key: "browser_seed_source", Value: nil},
		}...)
	}
	return wire.Marshal(o)
}
