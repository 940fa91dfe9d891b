package webhooks_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// eventWait bounds how long a test waits for the server to do something it
// should do within a read timeout of a fraction of a second: long enough
// for a loaded machine, and a failure rather than a hang.
const eventWait = 30 * time.Second

// closeCountingServer serves h and sends on the returned channel each time
// the server closes a connection.
func closeCountingServer(t *testing.T, h http.Handler) (*httptest.Server, <-chan struct{}) {
	closed := make(chan struct{}, 1000)
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			closed <- struct{}{}
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, closed
}

// rawRequest sends head (a request line and headers, with no blank line),
// then a blank line and body, and leaves the connection open.
func rawRequest(t *testing.T, addr, head, body string) net.Conn {
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	_, err = io.WriteString(c, head+"\r\n\r\n"+body)
	require.NoError(t, err)
	return c
}

// A sender that stops part way through a small body, or sends more than
// the limit in chunks and stops, is answered; then the server must close
// the connection within the read timeout, not read on, without a deadline,
// looking for the end of the body while the sender keeps TCP open.
func TestHandlerClosesTheConnectionAfterAnEarlyAnswer(t *testing.T) {
	signed := "Host: 127.0.0.1\r\nContent-Type: application/json\r\nx-skyvern-signature: " + sign(runBody, testKey)
	tests := []struct {
		name    string
		senders int
		head    string
		body    string
		status  int
	}{
		{"one byte of an announced 1000", 50, "POST /skyvern HTTP/1.1\r\n" + signed + "\r\nContent-Length: 1000", "{", http.StatusRequestTimeout},
		{"a chunked body over the limit", 20, "POST /skyvern HTTP/1.1\r\n" + signed + "\r\nTransfer-Encoding: chunked",
			"7d0\r\n" + strings.Repeat("x", 2000) + "\r\n", http.StatusRequestEntityTooLarge},
		{"an announced body over the limit", 20, "POST /skyvern HTTP/1.1\r\n" + signed + "\r\nContent-Length: 2000", "{", http.StatusRequestEntityTooLarge},
		{"a body sent with another method", 20, "PUT /skyvern HTTP/1.1\r\n" + signed + "\r\nContent-Length: 1000", "{", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := webhooks.Handler(testKey, func(context.Context, *skyvern.RunResponse) error { return nil },
				quiet(), webhooks.WithReadTimeout(200*time.Millisecond), webhooks.WithMaxBodyBytes(1000))
			srv, closed := closeCountingServer(t, h)
			conns := make([]net.Conn, tt.senders)
			for i := range conns {
				conns[i] = rawRequest(t, srv.Listener.Addr().String(), tt.head, tt.body)
			}
			for i, c := range conns {
				require.NoError(t, c.SetReadDeadline(time.Now().Add(eventWait)))
				resp, err := http.ReadResponse(bufio.NewReader(c), nil)
				require.NoError(t, err, "sender %d gets an answer", i)
				resp.Body.Close()
				assert.Equal(t, tt.status, resp.StatusCode, "sender %d", i)
				assert.True(t, resp.Close, "sender %d is told the connection closes", i)
			}
			// Every sender keeps its connection open (until the cleanup).
			timeout := time.After(eventWait)
			for i := range tt.senders {
				select {
				case <-closed:
				case <-timeout:
					t.Fatalf("the server closed %d of %d connections; the others are still held", i, tt.senders)
				}
			}
		})
	}
}
