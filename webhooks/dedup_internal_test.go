package webhooks

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryDeduplicatorIsBoundedInSizeAndTime(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	d := NewMemoryDeduplicator(2, time.Minute).(*memoryDeduplicator)
	d.now = func() time.Time { return now }

	done := func(key string) {
		t.Helper()
		state, err := d.Begin(ctx, key)
		require.NoError(t, err)
		require.Equal(t, DeliveryNew, state, key)
		require.NoError(t, d.End(ctx, key, true))
	}
	state := func(key string) DeliveryState {
		t.Helper()
		s, err := d.Begin(ctx, key)
		require.NoError(t, err)
		if s == DeliveryNew {
			require.NoError(t, d.End(ctx, key, false)) // leave no trace
		}
		return s
	}

	t.Run("the oldest key goes when it is full", func(t *testing.T) {
		done("a")
		done("b")
		done("c")
		assert.Equal(t, DeliveryNew, state("a"))
		assert.Equal(t, DeliveryDone, state("b"))
		assert.Equal(t, DeliveryDone, state("c"))
		assert.Equal(t, 2, d.order.Len())
		assert.Len(t, d.done, 2)
	})

	t.Run("keys expire after the time-to-live, pruned on use", func(t *testing.T) {
		now = now.Add(time.Minute)
		assert.Equal(t, DeliveryNew, state("b"))
		assert.Zero(t, d.order.Len())
		assert.Empty(t, d.done)
	})

	t.Run("a key in progress is neither new nor done, and a failure forgets it", func(t *testing.T) {
		s, err := d.Begin(ctx, "x")
		require.NoError(t, err)
		require.Equal(t, DeliveryNew, s)
		assert.Equal(t, DeliveryInProgress, state("x"))
		require.NoError(t, d.End(ctx, "x", false))
		assert.Equal(t, DeliveryNew, state("x"))
		assert.Empty(t, d.inProgress)
	})

	t.Run("defaults replace sizes and durations out of range", func(t *testing.T) {
		m := NewMemoryDeduplicator(0, -1).(*memoryDeduplicator)
		assert.Equal(t, DefaultDedupSize, m.size)
		assert.Equal(t, DefaultDedupTTL, m.ttl)
	})
}
