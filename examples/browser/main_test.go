package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/skyvern-go/skyvern/browser/browsertest"
)

// TestOrderOffline runs the example as a user without an API key does:
// against the fake server and a local Chromium.
func TestOrderOffline(t *testing.T) {
	browsertest.RequireChromium(t)
	defer goleak.VerifyNone(t)

	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, "", &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		`No SKYVERN_API_KEY set: using the fake Skyvern server at http://127\.0\.0\.1:\d+`,
		`Browser session pbs_\d+ is up\.`,
		`the stale selector #submit-order fell back to Skyvern's AI`,
		`Extracted: "Thank you! Plan pro ordered for ada@example\.com\."`,
		`Validated: the order is confirmed \(workflow run wr_\d+\)\.`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
}
