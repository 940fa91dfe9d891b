package skyvern_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// A search reaches Skyvern's first 1000 matches and no further: ListRuns
// yields them, then ErrSearchLimit, and never asks for the page Skyvern
// would refuse.
func TestListRunsSearchEndsWithErrSearchLimit(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := context.Background()
	for range 1005 {
		_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", URL: "https://shop.example.com"})
		require.NoError(t, err)
	}
	_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", URL: "https://rare.example.com"})
	require.NoError(t, err)

	list := func(p skyvern.ListRunsParams) (n, requests int, last error) {
		before := countRoute(srv, skyverntest.RouteListRuns)
		for run, err := range client.ListRuns(ctx, p) {
			if err != nil {
				assert.Nil(t, run)
				last = err
				continue
			}
			require.Nil(t, last, "nothing follows the error")
			n++
		}
		return n, countRoute(srv, skyverntest.RouteListRuns) - before, last
	}

	n, reqs, err := list(skyvern.ListRunsParams{SearchKey: "shop.example"})
	assert.Equal(t, 1000, n)
	assert.ErrorIs(t, err, skyvern.ErrSearchLimit)
	assert.Equal(t, 10, reqs, "pages of 100, none refused")

	n, reqs, err = list(skyvern.ListRunsParams{SearchKey: "shop.example", PageSize: 30, Page: 3})
	assert.Equal(t, 940, n, "matches 61 to 1000; the last page is cut at 1000")
	assert.ErrorIs(t, err, skyvern.ErrSearchLimit)
	assert.Equal(t, 32, reqs)

	n, reqs, err = list(skyvern.ListRunsParams{SearchKey: "shop.example", Page: 11})
	assert.Zero(t, n)
	assert.ErrorIs(t, err, skyvern.ErrSearchLimit)
	assert.Zero(t, reqs, "a page past the limit is not asked for")

	n, _, err = list(skyvern.ListRunsParams{SearchKey: "rare.example"})
	assert.Equal(t, 1, n)
	assert.NoError(t, err, "a search with fewer matches ends as any listing")

	n, _, err = list(skyvern.ListRunsParams{PageSize: 100, Page: 10})
	assert.Equal(t, 106, n, "no limit without a search")
	assert.NoError(t, err)
}

func countRoute(srv *skyverntest.Server, route string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}
