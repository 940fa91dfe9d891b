package skyvern_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// A List method over an unpaged list sends its one request only when the
// loop starts, and Collect gathers its items.
func TestUnpagedListIsLazyAndCollects(t *testing.T) {
	f := setup(t)
	f.reply("GET /v1/tag-keys", 200, `[{"key":"env"},{"key":"team"}]`)
	seq := f.client.ListTagKeys(context.Background())
	assert.Empty(t, f.requests(), "no request before the loop starts")
	keys, err := skyvern.Collect(seq)
	require.NoError(t, err)
	require.Len(t, keys, 2)
	assert.Equal(t, "team", keys[1].Key)
	assert.Len(t, f.requests(), 1)
}

// Collect returns the error that ends a sequence, bad input included.
func TestCollectReturnsTheError(t *testing.T) {
	f := setup(t, skyvern.WithMaxRetries(0))
	f.reply("GET /v1/tag-keys", 404, `{"detail":"no"}`)
	keys, err := skyvern.Collect(f.client.ListTagKeys(context.Background()))
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Empty(t, keys)

	_, err = skyvern.Collect(f.client.ListRunTimeline(context.Background(), ""))
	assert.ErrorIs(t, err, skyvern.ErrEmptyID, "bad input is yielded as the error")
}
