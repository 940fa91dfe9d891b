package skyvern

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBackoff(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	resp := func(code int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: code, Header: h}
	}
	const first, maxWait, maxRA = 100 * time.Millisecond, 2 * time.Second, 30 * time.Second

	t.Run("Retry-After in seconds is honoured on 429 and 503", func(t *testing.T) {
		assert.Equal(t, 7*time.Second, backoff(first, maxWait, maxRA, 0, resp(429, "7"), now))
		assert.Equal(t, 7*time.Second, backoff(first, maxWait, maxRA, 3, resp(503, "7"), now))
	})
	t.Run("Retry-After as an HTTP date is honoured", func(t *testing.T) {
		date := now.Add(12 * time.Second).Format(http.TimeFormat)
		assert.Equal(t, 12*time.Second, backoff(first, maxWait, maxRA, 0, resp(429, date), now))
		past := now.Add(-time.Minute).Format(http.TimeFormat)
		assert.Equal(t, time.Duration(0), backoff(first, maxWait, maxRA, 0, resp(429, past), now))
	})
	t.Run("Retry-After is capped", func(t *testing.T) {
		assert.Equal(t, maxRA, backoff(first, maxWait, maxRA, 0, resp(429, "86400000"), now))
	})
	t.Run("a garbage Retry-After falls back to the backoff", func(t *testing.T) {
		for range 100 {
			d := backoff(first, maxWait, maxRA, 0, resp(429, "soon"), now)
			assert.LessOrEqual(t, d, first)
			d = backoff(first, maxWait, maxRA, 0, resp(429, "-5"), now)
			assert.LessOrEqual(t, d, first)
		}
	})
	t.Run("Retry-After on other statuses is ignored", func(t *testing.T) {
		for range 100 {
			assert.LessOrEqual(t, backoff(first, maxWait, maxRA, 0, resp(500, "20"), now), first)
		}
	})
	t.Run("the backoff is exponential with full jitter and a cap", func(t *testing.T) {
		for i, ceiling := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond,
			800 * time.Millisecond, 1600 * time.Millisecond, maxWait, maxWait, maxWait} {
			var lo, hi time.Duration = ceiling, 0
			for range 2000 {
				d := backoff(first, maxWait, maxRA, i, nil, now)
				assert.GreaterOrEqual(t, d, time.Duration(0))
				assert.LessOrEqual(t, d, ceiling)
				lo, hi = min(lo, d), max(hi, d)
			}
			// Full jitter spreads waits over the whole range.
			assert.Less(t, lo, ceiling/4, "retry %d", i)
			assert.Greater(t, hi, 3*ceiling/4, "retry %d", i)
		}
		assert.LessOrEqual(t, backoff(first, maxWait, maxRA, 62, nil, now), maxWait, "no overflow on many retries")
	})
}

func TestTheSDKTransportDropsIdleConnectionsBeforeLoadBalancersDo(t *testing.T) {
	// Load balancers commonly drop connections idle for 60 s; a client
	// that keeps them longer reuses dead ones.
	assert.Positive(t, defaultTransport.IdleConnTimeout)
	assert.Less(t, defaultTransport.IdleConnTimeout, 60*time.Second)
	assert.Equal(t, 64, defaultTransport.MaxIdleConnsPerHost)
}

func TestAnHTTPClientWithoutTransportGetsTheTunedOne(t *testing.T) {
	for name, hc := range map[string]*http.Client{"no option": nil, "a client without a transport": {}} {
		got := newHTTPClient(&engineSettings{httpClient: hc}).Transport.(*attemptTransport).base
		assert.Same(t, defaultTransport, got, name)
	}
	own := &http.Transport{}
	got := newHTTPClient(&engineSettings{httpClient: &http.Client{Transport: own}}).Transport.(*attemptTransport).base
	assert.Same(t, own, got, "a transport of the caller's is used as given")
}

func TestTheConfigNeverShowsTheKey(t *testing.T) {
	const key = "sk-internal-4b1d-secret"
	cfg := defaultConfig()
	if err := WithAPIKey(key)(&cfg); err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{cfg, &cfg, []config{cfg}, struct{ c config }{cfg}, cfg.key} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%t", "%d"} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, key, "%s of %T", verb, v)
			assert.NotContains(t, strings.ToLower(out), fmt.Sprintf("%x", key), "%s of %T", verb, v)
		}
	}
	assert.Equal(t, []string{key}, cfg.key.header(), "the header value is still there for requests")
}
