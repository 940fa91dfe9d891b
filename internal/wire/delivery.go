package wire

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Skyvern's webhook sender's retry rules
// (skyvern/services/webhook_delivery.py, deliver_webhook_with_retries),
// shared by the fake's sender and cmd/skyhook.
const (
	// MaxAttempts is how many times a webhook is sent at most.
	MaxAttempts = 3
	// MaxRetryAfter caps the receiver's Retry-After.
	MaxRetryAfter = 30 * time.Second
	// AttemptTimeout bounds one attempt.
	AttemptTimeout = 30 * time.Second
)

// Retryable reports whether an attempt is sent again: no answer (err, a
// network error or a timeout), 403, 408, 425, 429 or 5xx.
func Retryable(status int, err error) bool {
	if err != nil {
		return true
	}
	switch status {
	case http.StatusForbidden, http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return status >= 500 && status <= 599
}

// Backoff is the wait after failed attempt n (from 1): the receiver's
// Retry-After in header (nil for none), capped at MaxRetryAfter, else
// base×2ⁿ⁻¹ plus a random part below base.
func Backoff(n int, base time.Duration, header http.Header, now time.Time) time.Duration {
	if header != nil {
		if d, ok := ParseRetryAfter(header.Get("Retry-After"), now); ok {
			return d
		}
	}
	var jitter time.Duration
	if base > 0 {
		jitter = rand.N(base)
	}
	return base<<(n-1) + jitter
}

// ParseRetryAfter reads a Retry-After of seconds (possibly fractional, as
// Skyvern's sender reads it) or an HTTP date, capped at MaxRetryAfter.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || secs != secs {
			secs = 0
		}
		return time.Duration(min(secs, MaxRetryAfter.Seconds()) * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), MaxRetryAfter), true
	}
	return 0, false
}
