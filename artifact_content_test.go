package skyvern_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"image/png"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// finishedRunArtifacts starts a task on srv (a manual clock), lets it
// finish and returns its recording and final screenshot.
func finishedRunArtifacts(t *testing.T, srv *skyverntest.Server, client *skyvern.Client) (recording, screenshot skyvern.Artifact) {
	t.Helper()
	ctx := context.Background()
	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Save the invoice"})
	require.NoError(t, err)
	srv.Advance(time.Hour)
	arts, err := skyvern.Collect(client.ListRunArtifacts(ctx, run.RunID, nil))
	require.NoError(t, err)
	require.Len(t, arts, 2)
	require.Equal(t, skyvern.ArtifactTypeRecording, arts[0].ArtifactType)
	require.Equal(t, skyvern.ArtifactTypeScreenshotFinal, arts[1].ArtifactType)
	return arts[0], arts[1]
}

func readAll(t *testing.T, c *skyvern.ArtifactContent) []byte {
	t.Helper()
	defer c.Close()
	b, err := io.ReadAll(c)
	require.NoError(t, err)
	return b
}

// TestGetArtifactContentThroughTheFake downloads a run's artifacts whole
// and in ranges from skyverntest.
func TestGetArtifactContentThroughTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	rec, shot := finishedRunArtifacts(t, srv, client)

	whole, err := client.GetArtifactContent(ctx, rec.ArtifactID, skyvern.GetArtifactContentParams{})
	require.NoError(t, err)
	assert.Equal(t, "video/webm", whole.ContentType)
	assert.Nil(t, whole.Range)
	all := readAll(t, whole)
	assert.EqualValues(t, len(all), whole.Length)
	assert.Equal(t, []byte{0x1A, 0x45, 0xDF, 0xA3}, all[:4], "a WebM header")
	size := int64(len(all))

	ranges := []struct {
		name        string
		r           skyvern.ByteRange
		first, last int64
	}{
		{"BytesBetween", skyvern.BytesBetween(10, 19), 10, 19},
		{"BytesBetween past the end", skyvern.BytesBetween(size-3, size+100), size - 3, size - 1},
		{"BytesFrom", skyvern.BytesFrom(size - 5), size - 5, size - 1},
		{"LastBytes", skyvern.LastBytes(7), size - 7, size - 1},
		{"LastBytes more than there is", skyvern.LastBytes(size * 2), 0, size - 1},
	}
	for _, tc := range ranges {
		t.Run(tc.name, func(t *testing.T) {
			part, err := client.GetArtifactContent(ctx, rec.ArtifactID, skyvern.GetArtifactContentParams{Range: tc.r})
			require.NoError(t, err)
			require.NotNil(t, part.Range, "a 206 answer")
			assert.Equal(t, skyvern.ContentRange{First: tc.first, Last: tc.last, Size: size}, *part.Range)
			assert.EqualValues(t, tc.last-tc.first+1, part.Length)
			assert.Equal(t, "video/webm", part.ContentType)
			assert.Equal(t, all[tc.first:tc.last+1], readAll(t, part))
		})
	}

	t.Run("a range beyond the end is a RangeError", func(t *testing.T) {
		_, err := client.GetArtifactContent(ctx, rec.ArtifactID, skyvern.GetArtifactContentParams{Range: skyvern.BytesFrom(size)})
		assert.ErrorIs(t, err, skyvern.ErrRangeNotSatisfiable)
		var rangeErr *skyvern.RangeError
		require.ErrorAs(t, err, &rangeErr)
		assert.Equal(t, size, rangeErr.Size)
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, apiErr.StatusCode)
		assert.Contains(t, err.Error(), "bytes="+strconv.FormatInt(size, 10)+"-")
	})
	t.Run("a screenshot is a PNG", func(t *testing.T) {
		c, err := client.GetArtifactContent(ctx, shot.ArtifactID, skyvern.GetArtifactContentParams{})
		require.NoError(t, err)
		assert.Equal(t, "image/png", c.ContentType)
		_, err = png.Decode(bytes.NewReader(readAll(t, c)))
		assert.NoError(t, err)
	})
	t.Run("an unknown artifact is not found", func(t *testing.T) {
		_, err := client.GetArtifactContent(ctx, "a_404", skyvern.GetArtifactContentParams{})
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
	})
	t.Run("bad arguments are refused before sending", func(t *testing.T) {
		before := len(srv.Requests())
		_, err := client.GetArtifactContent(ctx, "", skyvern.GetArtifactContentParams{})
		assert.ErrorIs(t, err, skyvern.ErrEmptyID)
		for _, r := range []skyvern.ByteRange{skyvern.BytesBetween(5, 2), skyvern.BytesBetween(-1, 2), skyvern.BytesFrom(-1), skyvern.LastBytes(0)} {
			_, err := client.GetArtifactContent(ctx, rec.ArtifactID, skyvern.GetArtifactContentParams{Range: r})
			assert.ErrorContains(t, err, "GetArtifactContent")
		}
		assert.Len(t, srv.Requests(), before)
	})
}

func TestByteRangeHeaders(t *testing.T) {
	for want, r := range map[string]skyvern.ByteRange{
		"":            {},
		"bytes=0-99":  skyvern.BytesBetween(0, 99),
		"bytes=1024-": skyvern.BytesFrom(1024),
		"bytes=-500":  skyvern.LastBytes(500),
	} {
		assert.Equal(t, want, r.String())
	}
	f := setup(t)
	f.handle("GET /v1/artifacts/{id}/content", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Content-Range", "bytes 100-103/*")
		w.WriteHeader(http.StatusPartialContent)
		io.WriteString(w, "\x89PNG")
	})
	c, err := f.client.GetArtifactContent(context.Background(), "a_1", skyvern.GetArtifactContentParams{Range: skyvern.BytesBetween(100, 103)})
	require.NoError(t, err)
	assert.Equal(t, skyvern.ContentRange{First: 100, Last: 103, Size: -1}, *c.Range)
	assert.Equal(t, "\x89PNG", string(readAll(t, c)))
	r := f.only()
	assert.Equal(t, "/v1/artifacts/a_1/content", r.Path)
	assert.Equal(t, "bytes=100-103", r.Header.Get("Range"))
	assert.Equal(t, "*/*", r.Header.Get("Accept"))
}

func TestGetArtifactContentMalformedPartialAnswer(t *testing.T) {
	f := setup(t)
	f.handle("GET /v1/artifacts/{id}/content", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Range", "bytes nonsense")
		w.WriteHeader(http.StatusPartialContent)
	})
	_, err := f.client.GetArtifactContent(context.Background(), "a_1", skyvern.GetArtifactContentParams{Range: skyvern.BytesFrom(1)})
	assert.ErrorIs(t, err, skyvern.ErrMalformedResponse)
}

// TestGetArtifactContentIsRetriedUntilTheHeaders: a download is retried
// like a read until an answer's headers arrive.
func TestGetArtifactContentIsRetriedUntilTheHeaders(t *testing.T) {
	f := setup(t)
	f.handle("GET /v1/artifacts/{id}/content", sequence(status(502, ``), hangUp, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "bytes")
	}))
	c, err := f.client.GetArtifactContent(context.Background(), "a_1", skyvern.GetArtifactContentParams{})
	require.NoError(t, err)
	assert.Equal(t, "bytes", string(readAll(t, c)))
	assert.Len(t, f.requests(), 3)
}

// TestGetArtifactContentTimeoutCoversOnlyTheHeaders: WithTimeout bounds an
// attempt until the headers arrive, not the reading of the body.
func TestGetArtifactContentTimeoutCoversOnlyTheHeaders(t *testing.T) {
	const timeout = 50 * time.Millisecond
	release := make(chan struct{})
	f := setup(t, skyvern.WithTimeout(timeout), skyvern.WithMaxRetries(0))
	f.handle("GET /v1/artifacts/slow-body/content", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first,")
		w.(http.Flusher).Flush()
		<-release
		io.WriteString(w, "rest")
	})
	never := make(chan struct{})
	f.handle("GET /v1/artifacts/slow-headers/content", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-never:
		case <-r.Context().Done(): // the client gave up
		}
	})
	t.Cleanup(func() { close(never) })

	t.Run("a body read for longer than the timeout is not cut", func(t *testing.T) {
		c, err := f.client.GetArtifactContent(context.Background(), "slow-body", skyvern.GetArtifactContentParams{})
		require.NoError(t, err)
		defer c.Close()
		first := make([]byte, len("first,"))
		_, err = io.ReadFull(c, first)
		require.NoError(t, err)
		// A timer of the same length started now ends after the attempt's.
		wait, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		<-wait.Done()
		close(release)
		rest, err := io.ReadAll(c)
		require.NoError(t, err)
		assert.Equal(t, "first,rest", string(first)+string(rest))
	})
	t.Run("headers that do not come in time are a timeout", func(t *testing.T) {
		_, err := f.client.GetArtifactContent(context.Background(), "slow-headers", skyvern.GetArtifactContentParams{})
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		var reqErr *skyvern.RequestError
		assert.True(t, errors.As(err, &reqErr))
	})
	t.Run("the context still ends a download", func(t *testing.T) {
		f2 := setup(t)
		hold := make(chan struct{})
		defer close(hold)
		f2.handle("GET /v1/artifacts/{id}/content", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "x")
			w.(http.Flusher).Flush()
			select {
			case <-hold:
			case <-r.Context().Done():
			}
		})
		ctx, cancel := context.WithCancel(context.Background())
		c, err := f2.client.GetArtifactContent(ctx, "a_1", skyvern.GetArtifactContentParams{})
		require.NoError(t, err)
		defer c.Close()
		one := make([]byte, 1)
		_, err = io.ReadFull(c, one)
		require.NoError(t, err)
		cancel()
		_, err = io.ReadAll(c)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

// TestGetArtifactContent64MiBWithBoundedMemory downloads 64 MiB, served
// by skyverntest from a content that allocates nothing, and checks that
// the download allocated far less: it is streamed, with no size cap.
func TestGetArtifactContent64MiBWithBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads 64 MiB")
	}
	const size = 64 << 20
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	rec, _ := finishedRunArtifacts(t, srv, client)
	require.NoError(t, srv.SetArtifactContent(rec.ArtifactID, patternAt{}, size))
	want := sha256.New()
	io.Copy(want, &pattern{n: size})

	got := sha256.New()
	allocated, _ := measure(t, func() {
		c, err := client.GetArtifactContent(context.Background(), rec.ArtifactID, skyvern.GetArtifactContentParams{})
		require.NoError(t, err)
		defer c.Close()
		assert.EqualValues(t, size, c.Length)
		n, err := io.Copy(got, c)
		require.NoError(t, err)
		assert.EqualValues(t, size, n)
	})
	assert.Equal(t, want.Sum(nil), got.Sum(nil))
	t.Logf("downloading 64 MiB allocated %.2f MiB in all", float64(allocated)/(1<<20))
	assert.Less(t, allocated, uint64(8<<20))

	assert.Error(t, srv.SetArtifactContent("a_404", patternAt{}, 1), "an artifact no run has")
}

// patternAt is pattern as an io.ReaderAt.
type patternAt struct{}

func (patternAt) ReadAt(b []byte, off int64) (int, error) {
	p := pattern{off: off, n: off + int64(len(b))}
	return p.Read(b)
}
