package webhooks_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// watchedBody reports, once, that its request has settled: the handler
// asked for more after want bytes had arrived (it waits for bytes that will
// not come), or the handler returned.
type watchedBody struct {
	io.ReadCloser
	want    int
	n       int
	once    sync.Once
	settled func()
}

func (b *watchedBody) Read(p []byte) (int, error) {
	if b.n >= b.want {
		b.settle()
	}
	n, err := b.ReadCloser.Read(p)
	b.n += n
	return n, err
}

func (b *watchedBody) settle() { b.once.Do(b.settled) }

// watchingServer serves h, calling settled once for each request, as
// watchedBody describes; handlers counts the handlers still running.
func watchingServer(t *testing.T, h http.Handler, want int, settled func()) (srv *httptest.Server, handlers *sync.WaitGroup) {
	handlers = new(sync.WaitGroup)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		b := &watchedBody{ReadCloser: r.Body, want: want, settled: settled}
		r.Body = b
		h.ServeHTTP(w, r)
		b.settle()
	}))
	t.Cleanup(srv.Close)
	return srv, handlers
}

// paddedRun is a signed-able run whose body is exactly size bytes.
func paddedRun(size int) []byte {
	const head, tail = `{"run_id":"wr_big","status":"completed","output":"`, `"}`
	return []byte(head + strings.Repeat("x", size-len(head)-len(tail)) + tail)
}

// stallSender announces announced bytes, sends sent of them from payload
// and goes silent, keeping the connection open until the test ends.
func stallSender(t *testing.T, addr string, announced int, payload []byte) net.Conn {
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	go func() {
		// The server may answer 503 and close before taking it all.
		_, _ = io.WriteString(c, "POST /skyvern HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"+
			"Content-Length: "+strconv.Itoa(announced)+"\r\nx-skyvern-signature: "+sign(runBody, testKey)+"\r\n\r\n")
		_, _ = c.Write(payload)
	}()
	return c
}

// Eight unauthenticated senders announce 64 MiB, send 32 MiB and a byte,
// and stall. Together they must not make the handler hold more than its
// bound; and once they are gone, a delivery up to the body limit is read.
func TestHandlerBoundsTheBytesHeldForStalledSenders(t *testing.T) {
	const (
		senders   = 8
		announced = webhooks.DefaultMaxBodyBytes
		sent      = announced/2 + 1
	)
	var called sync.WaitGroup
	h := webhooks.Handler(testKey, func(context.Context, *skyvern.RunResponse) error {
		called.Done()
		return nil
	}, quiet(), webhooks.WithDeduplicator(nil), webhooks.WithReadTimeout(10*time.Minute))
	settled := make(chan struct{}, 2*senders)
	srv, handlers := watchingServer(t, h, sent, func() { settled <- struct{}{} })
	payload := bytes.Repeat([]byte{' '}, sent)

	before := heapInUse()
	conns := make([]net.Conn, senders)
	for i := range conns {
		conns[i] = stallSender(t, srv.Listener.Addr().String(), announced, payload)
	}
	for range senders { // each handler waits for bytes that do not come, or has answered
		<-settled
	}
	held := heapInUse() - before
	runtime.KeepAlive(payload) // counted in before
	t.Logf("heap held with %d senders stalled after %d of %d bytes: %.1f MiB (bound %d MiB; %.1f MiB sent)",
		senders, sent, announced, float64(held)/(1<<20), webhooks.DefaultMaxBufferedBytes>>20, float64(senders*sent)/(1<<20))
	assert.Less(t, held, uint64(webhooks.DefaultMaxBufferedBytes+8<<20), "the bytes held for bodies stay within the bound")

	for _, c := range conns {
		c.Close()
	}
	handlers.Wait()

	body := paddedRun(webhooks.DefaultMaxBodyBytes)
	req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("x-skyvern-signature", webhooks.Sign(body, testKey))
	called.Add(1)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "a delivery at the body limit gets through once the senders are gone")
}

// While other bodies hold the bound, a request is answered 503 with
// Retry-After and its connection closed; a request whose body is the only
// one held is read whatever the bound.
func TestHandlerMaxBufferedBytes(t *testing.T) {
	const limit = 4 << 20
	okFn := func(context.Context, *skyvern.RunResponse) error { return nil }
	opts := []webhooks.HandlerOption{quiet(), webhooks.WithDeduplicator(nil), webhooks.WithMaxBodyBytes(limit),
		webhooks.WithMaxBufferedBytes(1 << 20), webhooks.WithReadTimeout(10 * time.Minute)}

	t.Run("a lone body up to the limit is read", func(t *testing.T) {
		h := webhooks.Handler(testKey, okFn, opts...)
		for _, chunked := range []bool{false, true} {
			body := paddedRun(limit)
			var r io.Reader = bytes.NewReader(body)
			if chunked {
				r = io.MultiReader(r) // no length: read as chunks to the end
			}
			req := httptest.NewRequest(http.MethodPost, "/skyvern", r)
			if chunked {
				req.ContentLength = -1
			}
			req.Header.Set("x-skyvern-signature", webhooks.Sign(body, testKey))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			assert.Equal(t, http.StatusOK, w.Code, "chunked %v", chunked)
		}
	})

	t.Run("a body beside one that holds the bound is refused", func(t *testing.T) {
		h := webhooks.Handler(testKey, okFn, opts...)
		const held = 2 << 20
		var settled sync.WaitGroup
		settled.Add(1)
		var once sync.Once
		srv, _ := watchingServer(t, h, held/2+1, func() { once.Do(settled.Done) })
		stallSender(t, srv.Listener.Addr().String(), held, bytes.Repeat([]byte{' '}, held/2+1))
		settled.Wait()

		req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(runBody))
		require.NoError(t, err)
		req.Header.Set("x-skyvern-signature", sign(runBody, testKey))
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		assert.Equal(t, "30", resp.Header.Get("Retry-After"), "the read timeout, at most 30 seconds")
		assert.True(t, resp.Close, "the connection is closed")
	})
}
