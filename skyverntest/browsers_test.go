package skyverntest_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// recordingBrowsers is a Browsers that starts nothing: it hands out
// made-up addresses and records which sessions are open.
type recordingBrowsers struct {
	mu      sync.Mutex
	open    map[string]bool
	closed  []string
	openErr error
}

func (b *recordingBrowsers) Open(ctx context.Context, id string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openErr != nil {
		return "", b.openErr
	}
	if b.open == nil {
		b.open = map[string]bool{}
	}
	b.open[id] = true
	return "ws://127.0.0.1:9/devtools/browser/" + id, nil
}

func (b *recordingBrowsers) Close(id string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open[id] {
		return errors.New("close of a browser not open: " + id)
	}
	delete(b.open, id)
	b.closed = append(b.closed, id)
	return nil
}

func (b *recordingBrowsers) state() (open int, closed []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.open), append([]string(nil), b.closed...)
}

// A session gets its browser's address on create and on every read;
// closing the session closes its browser once; the server's Close
// closes the browsers still open.
func TestWithBrowsers(t *testing.T) {
	b := &recordingBrowsers{}
	srv, err := skyverntest.Start(skyverntest.WithBrowsers(b))
	require.NoError(t, err)
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	s1, err := c.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
	require.NoError(t, err)
	assert.Equal(t, "ws://127.0.0.1:9/devtools/browser/"+s1.BrowserSessionID, s1.BrowserAddress)
	got, err := c.GetBrowserSession(ctx, s1.BrowserSessionID)
	require.NoError(t, err)
	assert.Equal(t, s1.BrowserAddress, got.BrowserAddress)
	s2, err := c.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
	require.NoError(t, err)

	require.NoError(t, c.CloseBrowserSession(ctx, s1.BrowserSessionID))
	require.NoError(t, c.CloseBrowserSession(ctx, s1.BrowserSessionID)) // closing again closes nothing
	open, closed := b.state()
	assert.Equal(t, 1, open)
	assert.Equal(t, []string{s1.BrowserSessionID}, closed)

	srv.Close()
	open, closed = b.state()
	assert.Equal(t, 0, open)
	assert.Equal(t, []string{s1.BrowserSessionID, s2.BrowserSessionID}, closed)
}

// A browser that does not start fails the create with a 500 and leaves
// the session failed, so that no run can use it.
func TestWithBrowsersOpenFails(t *testing.T) {
	b := &recordingBrowsers{openErr: errors.New("no chromium here")}
	srv := skyverntest.NewServer(t, skyverntest.WithBrowsers(b))
	c := srv.Client(skyvern.WithMaxRetries(0))
	ctx := context.Background()

	_, err := c.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
	detail := refusedWith(t, err, http.StatusInternalServerError)
	assert.Contains(t, detail, "no chromium here")
	for s, err := range c.ListBrowserSessions(ctx) {
		require.NoError(t, err)
		t.Errorf("session %s (%s) is listed as active", s.BrowserSessionID, s.Status)
	}
}

func TestWithBrowsersNil(t *testing.T) {
	_, err := skyverntest.Start(skyverntest.WithBrowsers(nil))
	require.ErrorContains(t, err, "WithBrowsers")
}

// OnActionContext's function gets a context that ends with the server.
func TestOnActionContextEndsWithServer(t *testing.T) {
	srv, err := skyverntest.Start()
	require.NoError(t, err)
	defer srv.Close()
	entered := make(chan struct{})
	srv.OnActionContext(func(ctx context.Context, req skyvern.SDKActionRequest) skyverntest.ActionOutcome {
		close(entered)
		<-ctx.Done()
		return skyverntest.ActionOutcome{FailureReason: "ended: " + ctx.Err().Error()}
	})
	done := make(chan error, 1)
	go func() {
		_, err := srv.Client(skyvern.WithMaxRetries(0)).RunSDKAction(context.Background(), skyvern.SDKActionRequest{
			URL: "https://example.com", Action: skyvern.ActAction{Intention: "wait"}})
		done <- err
	}()
	<-entered
	srv.Close() // cancels the action, then waits for its handler
	err = <-done
	require.Error(t, err)
}
