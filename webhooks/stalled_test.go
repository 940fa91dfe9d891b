package webhooks_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// heldBody signals entered on its first Read, then waits for release
// before reading on: by then the handler has made its buffer, so a heap
// measurement taken while every request is held counts what each costs.
type heldBody struct {
	io.ReadCloser
	once    sync.Once
	entered *sync.WaitGroup
	release <-chan struct{}
}

func (b *heldBody) Read(p []byte) (int, error) {
	b.once.Do(func() {
		b.entered.Done()
		<-b.release
	})
	return b.ReadCloser.Read(p)
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestHandlerUnderStalledSenders(t *testing.T) {
	const (
		senders   = 200
		announced = 32 << 20
	)
	var entered sync.WaitGroup
	entered.Add(senders)
	release := make(chan struct{})
	var called bool
	h := webhooks.Handler(testKey, func(context.Context, *skyvern.RunResponse) error {
		called = true
		return nil
	}, quiet(), webhooks.WithReadTimeout(50*time.Millisecond))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = &heldBody{ReadCloser: r.Body, entered: &entered, release: release}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()

	before := heapInUse()
	conns := make([]net.Conn, senders)
	for i := range conns {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		_, err = io.WriteString(c, "POST /skyvern HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"+
			"Content-Length: "+strconv.Itoa(announced)+"\r\nx-skyvern-signature: "+sign(runBody, testKey)+"\r\n\r\n{")
		require.NoError(t, err)
		conns[i] = c
	}
	entered.Wait() // every handler is reading its body
	held := heapInUse() - before
	t.Logf("heap held by %d stalled senders that announced %d bytes: %.1f MiB (%.1f KiB each)",
		senders, announced, float64(held)/(1<<20), float64(held)/senders/(1<<10))
	assert.Less(t, held, uint64(senders*64<<10), "memory grows with the bytes received, not with Content-Length")
	close(release)

	for i, c := range conns {
		// A safety net so that a failure ends the test; the server's own
		// read deadline closes the connection long before.
		require.NoError(t, c.SetReadDeadline(time.Now().Add(time.Minute)))
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err, "sender %d gets an answer", i)
		assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode, "sender %d", i)
		assert.True(t, resp.Close, "sender %d is told the connection closes", i)
		_, err = io.Copy(io.Discard, resp.Body)
		require.NoError(t, err)
		_, err = br.ReadByte()
		assert.ErrorIs(t, err, io.EOF, "sender %d: the server closed the connection", i)
	}
	assert.False(t, called)
}
