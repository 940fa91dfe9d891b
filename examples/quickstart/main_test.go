package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuickstartAgainstTheFake runs the README's first command as a user
// without an API key does.
func TestQuickstartAgainstTheFake(t *testing.T) {
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, run(ctx, nil, "", &out), out.String())

	text := out.String()
	assert.Contains(t, text, "No SKYVERN_API_KEY set: using the fake Skyvern server at http://127.0.0.1:")
	assert.Regexp(t, `Started run tsk_\d+ \(created\)`, text)
	assert.Regexp(t, `Webhook received and verified: tsk_\d+ is completed`, text)
	assert.Contains(t, text, `"title": "Show HN: A typed Go SDK for browser agents"`)

	// The replay to the receiver that processed the run does not run its
	// function; the replay to the receiver without deduplication does.
	assert.Regexp(t, `Replayed the webhook to http://127\.0\.0\.1:\d+/skyvern: HTTP (200, answered as a duplicate|425).* its function did not run again\n`, text)
	assert.Regexp(t, `Replayed the webhook to http://127\.0\.0\.1:\d+/skyvern/replays: HTTP 200, processed: the receiver's function ran again\n`, text)
	assert.Equal(t, 2, strings.Count(text, "Webhook received and verified"), "the original delivery and the second replay")
	assert.Contains(t, text, "(the receiver's function ran: 2)")
	assert.NotContains(t, text, "(the receiver's function ran: 3)")
}

func TestQuickstartNeedsAPublicWebhookURLForTheRealAPI(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), nil, "sk-real-key", &out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-webhook-url")
}
