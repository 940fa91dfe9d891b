package skyvern_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// staleServer is a raw HTTP/1.1 server on 127.0.0.1 that answers the first
// request on each connection and keeps the connection open. When a client
// is about to reuse a connection (reuse is called from the client's
// GotConn trace), it either closes it, as a load balancer drops an idle
// connection at the moment the client picks it, or, with readThenHangUp,
// reads the next request in full and then closes without answering.
type staleServer struct {
	t              *testing.T
	ln             net.Listener
	readThenHangUp bool
	wg             sync.WaitGroup

	mu       sync.Mutex
	conns    map[string]*staleConn // by the client's address
	received map[string]int        // requests read in full, by X-Call
}

type staleConn struct{ net.Conn }

func newStaleServer(t *testing.T, readThenHangUp bool) *staleServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &staleServer{t: t, ln: ln, readThenHangUp: readThenHangUp,
		conns: map[string]*staleConn{}, received: map[string]int{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *staleServer) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := &staleConn{Conn: nc}
		s.mu.Lock()
		s.conns[nc.RemoteAddr().String()] = c
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(c)
	}
}

func (s *staleServer) serve(c *staleConn) {
	defer s.wg.Done()
	defer c.Close()
	br := bufio.NewReader(c)
	for first := true; ; first = false {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, err = io.Copy(io.Discard, req.Body)
		if err != nil {
			return
		}
		s.mu.Lock()
		s.received[req.Header.Get("X-Call")]++
		s.mu.Unlock()
		if !first {
			return // reused with readThenHangUp: read in full, never answered
		}
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(runJSON), runJSON)
	}
}

// reuse is called as the client takes the pooled connection from addr. It
// reports whether it closed the connection.
func (s *staleServer) reuse(addr string) bool {
	s.mu.Lock()
	c := s.conns[addr]
	s.mu.Unlock()
	if c == nil || s.readThenHangUp {
		return false // the connection reads the next request, then hangs up
	}
	c.Close() // FIN, with nothing unread: the idle connection is gone
	return true
}

func (s *staleServer) copies(call string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received[call]
}

// staleResult is what the test saw of one RunTask call.
type staleResult struct {
	err    error
	reused bool // some attempt took a pooled connection
	wrote  bool // some attempt wrote the whole request to a connection
}

// watchedConn is a client connection that reports when the client's
// transport closes it.
type watchedConn struct {
	net.Conn
	once   sync.Once
	closed chan struct{}
}

func (c *watchedConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// runTasksOverStaleConnections makes n RunTask calls in turn. With
// observed, the calls go through an http.Transport whose connections
// report their closing, and each reuse waits until the transport has seen
// the server's close: the connection dies after the client picked it and
// before the request is handed to it. Without, they use the SDK's own
// transport and race the close.
func runTasksOverStaleConnections(t *testing.T, s *staleServer, n int, observed bool) []staleResult {
	opts := []skyvern.Option{skyvern.WithAPIKey(testKey), skyvern.WithBaseURL("http://" + s.ln.Addr().String()),
		skyvern.WithRetryWait(time.Millisecond, time.Millisecond)}
	if observed {
		tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			var d net.Dialer
			nc, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &watchedConn{Conn: nc, closed: make(chan struct{})}, nil
		}}
		t.Cleanup(tr.CloseIdleConnections)
		opts = append(opts, skyvern.WithHTTPClient(&http.Client{Transport: tr}))
	}
	c, err := skyvern.NewClient(opts...)
	require.NoError(t, err)
	results := make([]staleResult, n)
	for i := range results {
		r := &results[i]
		var mu sync.Mutex
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
			GotConn: func(info httptrace.GotConnInfo) {
				if !info.Reused {
					return
				}
				r.reused = true
				if s.reuse(info.Conn.LocalAddr().String()) && observed {
					<-info.Conn.(*watchedConn).closed
				}
			},
			WroteRequest: func(info httptrace.WroteRequestInfo) {
				if info.Err == nil {
					mu.Lock()
					r.wrote = true
					mu.Unlock()
				}
			},
		})
		_, err := c.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"}, skyvern.WithHeader("X-Call", fmt.Sprint(i)))
		mu.Lock() // the trace hooks write r under mu too
		r.err = err
		mu.Unlock()
	}
	return results
}

// checkStale asserts that no request the server read is reported as
// safe (never arrived) or started twice, and counts the spurious
// ErrOutcomeUnknown: requests the server never read, reported as may-exist.
func checkStale(t *testing.T, s *staleServer, results []staleResult) (spurious, unwritten, ok int) {
	for i, r := range results {
		copies := s.copies(fmt.Sprint(i))
		require.LessOrEqual(t, copies, 1, "call %d: the run was started twice", i)
		switch {
		case r.err == nil:
			ok++
			assert.Equal(t, 1, copies, "call %d succeeded", i)
		case errors.Is(r.err, skyvern.ErrOutcomeUnknown):
			if copies == 0 {
				spurious++
				if !r.wrote {
					unwritten++
				}
			}
		default:
			assert.Zero(t, copies, "call %d: reported as never arrived, but the server read it: %v", i, r.err)
		}
	}
	return spurious, unwritten, ok
}

func TestStaleKeepAliveConnections(t *testing.T) {
	const n = 300
	t.Run("a pooled connection that died before the request was written is retried", func(t *testing.T) {
		s := newStaleServer(t, false)
		spurious, unwritten, ok := checkStale(t, s, runTasksOverStaleConnections(t, s, n, true))
		t.Logf("closed before the write: %d of %d RunTask calls got a spurious ErrOutcomeUnknown (%d never written in full); %d succeeded",
			spurious, n, unwritten, ok)
		assert.Zero(t, unwritten, "a request never written in full to a reused connection cannot have arrived")
	})
	t.Run("a pooled connection closed as it is reused never hides a request that arrived", func(t *testing.T) {
		s := newStaleServer(t, false)
		spurious, unwritten, ok := checkStale(t, s, runTasksOverStaleConnections(t, s, n, false))
		t.Logf("closed during the reuse: %d of %d RunTask calls got a spurious ErrOutcomeUnknown (%d never written in full); %d succeeded",
			spurious, n, unwritten, ok)
		assert.Zero(t, unwritten, "a request never written in full to a reused connection cannot have arrived")
	})
	t.Run("a request read in full before the hang-up still may have created the run", func(t *testing.T) {
		s := newStaleServer(t, true)
		results := runTasksOverStaleConnections(t, s, 60, false)
		checkStale(t, s, results)
		hungUp := 0
		for i, r := range results {
			if !r.reused {
				continue
			}
			hungUp++
			assert.ErrorIs(t, r.err, skyvern.ErrOutcomeUnknown, "call %d", i)
			assert.Equal(t, 1, s.copies(fmt.Sprint(i)), "call %d was sent once, not retried", i)
		}
		assert.Positive(t, hungUp)
	})
}
