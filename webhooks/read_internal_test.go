package webhooks

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stingyReader serves data and checks, at each Read, that the buffer it is
// offered stays within what it has already sent: the reader's memory grows
// with the bytes received, not with what the sender announced.
type stingyReader struct {
	t    *testing.T
	r    io.Reader
	sent int
}

func (s *stingyReader) Read(p []byte) (int, error) {
	if len(p) > max(eagerBytes+1, s.sent+chunkBytes) {
		s.t.Errorf("offered %d bytes to fill after receiving %d", len(p), s.sent)
	}
	n, err := s.r.Read(p)
	s.sent += n
	return n, err
}

func TestReadAll(t *testing.T) {
	data := make([]byte, 3<<20+12345)
	for i := range data {
		data[i] = byte(i * 7)
	}
	tests := []struct {
		name      string
		size      int
		announced int64
		oneByte   bool
	}{
		{"an empty body", 0, 0, false},
		{"a small announced body", 8 << 10, 8 << 10, false},
		{"a body announced at the eager limit", eagerBytes, eagerBytes, false},
		{"a large announced body", len(data), int64(len(data)), false},
		{"a large announced body arriving a byte at a time", 200 << 10, 200 << 10, true},
		{"a large body of unknown length", len(data), -1, false},
		{"a body of unknown length arriving a byte at a time", 100 << 10, -1, true},
		{"a small body longer than announced", 20 << 10, 10, false},
		{"a large body longer than announced", len(data), 1 << 20, false},
		{"a body shorter than announced", 100 << 10, 1 << 20, false},
		{"a body of exactly one chunk", chunkBytes, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is read whole", func(t *testing.T) {
			var r io.Reader = bytes.NewReader(data[:tt.size])
			if tt.oneByte {
				r = iotest.OneByteReader(r)
			}
			got, err := readAll(&stingyReader{t: t, r: r}, tt.announced, &account{})
			require.NoError(t, err)
			assert.True(t, bytes.Equal(data[:tt.size], got), "got %d bytes, want %d", len(got), tt.size)
		})
	}

	t.Run("an announced body gets one buffer of its size", func(t *testing.T) {
		got, err := readAll(bytes.NewReader(data), int64(len(data)), &account{})
		require.NoError(t, err)
		assert.Equal(t, len(data)+1, cap(got), "the announced size and a byte to see the end")
	})

	t.Run("a read error is returned", func(t *testing.T) {
		boom := errors.New("reset")
		for _, announced := range []int64{100, 1 << 20, -1} {
			_, err := readAll(io.MultiReader(bytes.NewReader(data[:50<<10]), iotest.ErrReader(boom)), announced, &account{})
			assert.ErrorIs(t, err, boom, "announced %d", announced)
		}
	})
}

func TestDefaultMaxBufferedBytes(t *testing.T) {
	for _, tt := range []struct {
		opts []HandlerOption
		want int64
	}{
		{nil, DefaultMaxBufferedBytes},
		{[]HandlerOption{WithMaxBodyBytes(1000)}, DefaultMaxBufferedBytes},
		{[]HandlerOption{WithMaxBodyBytes(256 << 20)}, 512 << 20},
		{[]HandlerOption{WithMaxBufferedBytes(5 << 20)}, 5 << 20},
		{[]HandlerOption{WithMaxBufferedBytes(5 << 20), WithMaxBufferedBytes(0)}, DefaultMaxBufferedBytes},
	} {
		assert.Equal(t, tt.want, newConfig("k", tt.opts).buffered.max)
	}
}
