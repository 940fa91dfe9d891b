package main

import (
	"context"
	"io"
	"time"
)

const replayHelp = `replay RUN_ID --to URL [flags]

Gets the run from Skyvern (SKYVERN_API_KEY, SKYVERN_BASE_URL), writes its
webhook as the server would, signs it with the key and delivers it to URL
with the server's headers and retries. Exit code 1 when no attempt was
answered 2xx.

Example:
  skyhook replay wr_123456789 --to http://localhost:8080/webhooks/skyvern
`

func replayCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) int {
	c := newCommand("replay", replayHelp, stdout, stderr)
	to := c.fs.String("to", "", "the receiver's URL (required)")
	backoff := c.fs.Duration("backoff", time.Second, "base wait between attempts (the server's is 1s)")
	runID, args := positional(args)
	if code, done := c.parse(args); done {
		return code
	}
	if runID == "" && c.fs.NArg() > 0 {
		runID = c.fs.Arg(0)
	}
	if runID == "" {
		return c.fail("a RUN_ID is required")
	}
	if err := checkURL("to", *to); err != nil {
		return c.fail("%v", err)
	}
	a, err := newAPI(getenv)
	if err != nil {
		return c.fail("%v", err)
	}
	d, err := a.deliveryOf(ctx, runID)
	if err != nil {
		return c.fail("%v", err)
	}
	return sendOne(ctx, c, d, *to, *backoff)
}

// sendOne delivers d and prints each attempt; exit 1 when it failed.
func sendOne(ctx context.Context, c *command, d *delivery, url string, backoff time.Duration) int {
	ok := newSender(backoff, func(r result) { c.report(r) }).send(ctx, d, url)
	if !ok {
		return 1
	}
	return 0
}

// report prints one attempt.
func (c *command) report(r result) {
	if c.json {
		c.emit(r)
		return
	}
	c.printf("%s", r.line())
}
