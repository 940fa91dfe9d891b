package wire

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestSkyvernsRetryRules(t *testing.T) {
	for status, want := range map[int]bool{200: false, 302: false, 400: false, 403: true, 404: false,
		408: true, 425: true, 429: true, 500: true, 503: true, 599: true} {
		if got := Retryable(status, nil); got != want {
			t.Errorf("Retryable(%d) = %v, want %v", status, got, want)
		}
	}
	if !Retryable(0, errors.New("connection refused")) {
		t.Error("no answer is retried")
	}

	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"2": 2 * time.Second, "1.5": 1500 * time.Millisecond, "-1": 0, "120": MaxRetryAfter,
		now.Add(10 * time.Second).Format(http.TimeFormat): 10 * time.Second,
		now.Add(time.Hour).Format(http.TimeFormat):        MaxRetryAfter,
	} {
		if got, ok := ParseRetryAfter(v, now); !ok || got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v", v, got, ok, want)
		}
	}
	if _, ok := ParseRetryAfter("soon", now); ok {
		t.Error(`"soon" is not a Retry-After`)
	}

	if d := Backoff(2, time.Second, nil, now); d < 2*time.Second || d >= 3*time.Second {
		t.Errorf("Backoff(2, 1s) = %v, want [2s, 3s)", d)
	}
	if d := Backoff(1, time.Second, http.Header{"Retry-After": {"7"}}, now); d != 7*time.Second {
		t.Errorf("a Retry-After sets the wait: %v", d)
	}
}
