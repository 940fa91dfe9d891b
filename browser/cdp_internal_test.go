package browser

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern/browser/browsertest"
)

const testKey = "sk-test-0123456789abcdef"

// keyProxy stands in for a Skyvern session's browser address: it lets a
// CDP connection through to target only with the key in x-api-key, and
// refuses any other with a body that repeats the headers it got, as a
// careless server might.
type keyProxy struct {
	*httptest.Server
	mu   sync.Mutex
	keys []string // the x-api-key of each request
}

func newKeyProxy(t *testing.T, target string) *keyProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	u.Scheme = "http"
	rp := httputil.NewSingleHostReverseProxy(u)
	kp := &keyProxy{}
	kp.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kp.mu.Lock()
		kp.keys = append(kp.keys, r.Header.Get("x-api-key"))
		kp.mu.Unlock()
		if r.Header.Get("x-api-key") != testKey {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, "refused: headers %v", r.Header)
			return
		}
		r.Header.Del("x-api-key")
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(kp.Close)
	return kp
}

func (kp *keyProxy) seen() []string {
	kp.mu.Lock()
	defer kp.mu.Unlock()
	return append([]string(nil), kp.keys...)
}

// TestHandshakeCarriesKey: the key goes on the handshake (and on the
// /json/version read of an http address), and a refusal never repeats it.
func TestHandshakeCarriesKey(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	chrome := browsertest.LaunchChromium(t)
	target, _ := url.Parse(chrome.Address())
	kp := newKeyProxy(t, "http://"+target.Host)
	header := http.Header{"x-api-key": {testKey}}

	for _, addr := range []string{
		"ws://" + strings.TrimPrefix(kp.URL, "http://") + target.Path, // the WebSocket itself
		kp.URL, // read through /json/version
	} {
		b, err := dial(ctx, addr, header)
		if err != nil {
			t.Fatalf("dial %s with the key: %v", addr, err)
		}
		if _, err := b.NewPage(ctx); err != nil {
			t.Errorf("NewPage over the proxied connection: %v", err)
		}
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
	for i, k := range kp.seen() {
		if k != testKey {
			t.Errorf("request %d carried x-api-key %q, want the key", i, k)
		}
	}

	// A wrong key is refused; the error names the refusal, not the key.
	wrong := "sk-wrong-secret-value"
	_, err := dial(ctx, "ws://"+strings.TrimPrefix(kp.URL, "http://")+target.Path, http.Header{"x-api-key": {wrong}})
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("dial with a wrong key = %v, want a 403 refusal", err)
	}
	if strings.Contains(err.Error(), wrong) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), wrong) {
		t.Errorf("the error shows the key: %v", err)
	}
	_, err = dial(ctx, kp.URL, http.Header{"x-api-key": {wrong}})
	if err == nil || strings.Contains(fmt.Sprintf("%v %+v", err, err), wrong) {
		t.Errorf("dial through /json/version with a wrong key = %v, want an error without the key", err)
	}
}

// TestDialBoundedByContext: a browser address that accepts the
// connection but never answers the handshake costs no more than ctx.
func TestDialBoundedByContext(t *testing.T) {
	stall := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-stall
	}))
	defer srv.Close()
	defer close(stall)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/devtools/browser/x", nil)
	if err == nil || ctx.Err() == nil || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("dial of a silent browser = %v, want the context's deadline", err)
	}
}

func TestWSAddress(t *testing.T) {
	for _, tc := range []struct{ in, dial, host string }{
		{"wss://sessions.example.com/pbs_1/devtools", "wss://sessions.example.com:443/pbs_1/devtools", "sessions.example.com"},
		{"ws://127.0.0.1:9222/devtools/browser/x", "ws://127.0.0.1:9222/devtools/browser/x", "127.0.0.1:9222"},
		{"ws://host/x", "ws://host:80/x", "host"},
	} {
		got, err := wsAddress(context.Background(), tc.in, nil)
		if err != nil || got != tc.in {
			t.Errorf("wsAddress(%q) = %q, %v; want it as it is", tc.in, got, err)
		}
		dial, host, err := withPort(got)
		if err != nil || dial != tc.dial || host != tc.host {
			t.Errorf("withPort(%q) = %q, %q, %v; want %q, %q", got, dial, host, err, tc.dial, tc.host)
		}
	}
	for _, bad := range []string{"ftp://x", "::", "127.0.0.1:9222"} {
		if _, err := wsAddress(context.Background(), bad, nil); err == nil {
			t.Errorf("wsAddress(%q) succeeded, want an error", bad)
		}
	}
}
