package skyverntest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

func TestActionRunsAreBoundedLikeRuns(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithMaxRuns(2))
	client := srv.Client()
	ctx := context.Background()
	act := func(wrID string) (*skyvern.SDKActionResult, error) {
		return client.RunSDKAction(ctx, skyvern.SDKActionRequest{URL: "https://example.com",
			WorkflowRunID: wrID, Action: skyvern.ActAction{Intention: "x"}})
	}
	var ids []string
	for range 3 {
		res, err := act("")
		require.NoError(t, err)
		ids = append(ids, res.WorkflowRunID)
	}
	_, err := act(ids[0])
	assert.ErrorIs(t, err, skyvern.ErrNotFound, "the oldest action run is forgotten beyond WithMaxRuns")
	for _, id := range ids[1:] {
		res, err := act(id)
		if assert.NoError(t, err, id) {
			assert.Equal(t, id, res.WorkflowRunID)
		}
	}
}
