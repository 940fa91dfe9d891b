package skyverntest

import (
	"bytes"
	"crypto/sha256"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// onlyReader hides every method of a reader but Read.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestSpoolKeepsWithinItsLimits(t *testing.T) {
	content := bytes.Repeat([]byte("abcdefgh"), 1<<10) // 8 KiB
	sum := sha256.Sum256(content)
	tests := []struct {
		name           string
		maxSize, keep  int64
		hint           int64
		kept, tooLarge bool
	}{
		{"kept, its length known", 1 << 20, 1 << 20, int64(len(content)) + 200, true, false},
		{"kept, its length unknown", 1 << 20, 1 << 20, 0, true, false},
		{"kept exactly at the limit", int64(len(content)), int64(len(content)), 0, true, false},
		{"not kept beyond keep", 1 << 20, int64(len(content)) - 1, 0, false, false},
		{"kept with no bound", 1 << 20, -1, 0, true, false},
		{"nothing kept with keep 0", 1 << 20, 0, 0, false, false},
		{"too large", int64(len(content)) - 1, -1, 0, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := spool(onlyReader{bytes.NewReader(content)}, tc.maxSize, tc.keep, tc.hint)
			require.NoError(t, err)
			assert.Equal(t, tc.tooLarge, f.tooLarge)
			if tc.tooLarge {
				assert.Nil(t, f.data)
				return
			}
			assert.EqualValues(t, len(content), f.size)
			assert.Equal(t, sum, f.sum)
			if tc.kept {
				assert.Equal(t, content, f.data)
			} else {
				assert.Nil(t, f.data)
			}
		})
	}
}

// TestSpoolCopiesAKeptFileOnce: with the request's length known, a kept
// file is read straight into one buffer of its size.
func TestSpoolCopiesAKeptFileOnce(t *testing.T) {
	const size = 8 << 20
	src := onlyReader{io.LimitReader(zeros{}, size)}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := spool(src, 16<<20, 16<<20, size+512)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Len(t, f.data, size)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("keeping 8 MiB allocated %.2f MiB", float64(allocated)/(1<<20))
	assert.Less(t, allocated, uint64(size+size/8), "one buffer of the file's size")
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestFileStoreBoundsTheContentItKeeps(t *testing.T) {
	var fs fileStore
	add := func(id, content string, keep int64) {
		fs.add(&StoredFile{FileID: id, Content: []byte(content), Size: int64(len(content))}, keep)
	}
	add("f1", "aaaa", 10)
	add("f2", "bbbb", 10)
	add("f3", "cccc", 10) // drops f1's content
	f1, _ := fs.get("f1")
	f2, _ := fs.get("f2")
	f3, _ := fs.get("f3")
	assert.Nil(t, f1.Content)
	assert.EqualValues(t, 4, f1.Size, "its size is kept")
	assert.Equal(t, "bbbb", string(f2.Content))
	assert.Equal(t, "cccc", string(f3.Content))
	add("f4", strings.Repeat("d", 11), 10) // larger than the bound
	f4, _ := fs.get("f4")
	assert.Nil(t, f4.Content)
	assert.EqualValues(t, 8, fs.kept)

	assert.True(t, fs.delete("f2"))
	assert.False(t, fs.delete("f2"))
	_, ok := fs.get("f2")
	assert.False(t, ok)
	assert.EqualValues(t, 4, fs.kept)
}

func TestSkyvernRange(t *testing.T) {
	const size = 100
	tests := []struct {
		header      string
		first, last int64
		ok          bool
	}{
		{"", -1, 0, true},
		{"bytes=0-9", 0, 9, true},
		{"BYTES= 5-", 5, 99, true},
		{"bytes=90-1000", 90, 99, true},
		{"bytes=-10", 90, 99, true},
		{"bytes=-1000", 0, 99, true},
		{"bytes=-0", -1, 0, true},
		{"bytes=0-1,5-6", -1, 0, true},
		{"bytes=a-b", -1, 0, true},
		{"bytes=+1-2", -1, 0, true},
		{"items=0-9", -1, 0, true},
		{"bytes=100-", 0, 0, false},
		{"bytes=9-5", 0, 0, false},
	}
	for _, tc := range tests {
		first, last, ok := skyvernRange(tc.header, size)
		assert.Equal(t, tc.ok, ok, tc.header)
		if ok {
			assert.Equal(t, tc.first, first, tc.header)
			if first >= 0 {
				assert.Equal(t, tc.last, last, tc.header)
			}
		}
	}
}
