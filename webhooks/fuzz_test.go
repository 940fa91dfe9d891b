package webhooks_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// FuzzReceive feeds arbitrary bodies, signatures and keys to Verify, Parse,
// a Verifier and Handler. None may panic, and none may accept a body that
// was not signed with the key. Seeds live in testdata/fuzz/FuzzReceive.
func FuzzReceive(f *testing.F) {
	f.Add([]byte(runBody), sign(runBody, testKey), testKey)
	f.Fuzz(func(t *testing.T, body []byte, signature, key string) {
		genuine := key != "" && signature == webhooks.Sign(body, key)

		if err := webhooks.Verify(body, signature, key); (err == nil) != genuine {
			t.Fatalf("Verify = %v for a genuine=%v signature", err, genuine)
		}
		const other = "sk-fuzz-other"
		byOther := signature == webhooks.Sign(body, other)
		if err := webhooks.NewVerifier(key, other).Verify(body, signature); (err == nil) != (genuine || byOther) {
			t.Fatalf("Verifier.Verify = %v for a genuine=%v signature", err, genuine || byOther)
		}

		run, err := webhooks.Parse(body, signature, key)
		switch {
		case err == nil && (!genuine || run == nil):
			t.Fatalf("Parse accepted a body not signed with the key")
		case err != nil && genuine && !errors.Is(err, webhooks.ErrMalformedPayload):
			t.Fatalf("Parse of a genuine body: %v", err)
		}

		called := false
		h := webhooks.Handler(key, func(context.Context, *skyvern.RunResponse) error {
			called = true
			return nil
		}, webhooks.WithLogger(nil), webhooks.WithDeduplicator(nil), webhooks.WithMaxBodyBytes(1<<20))
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("x-skyvern-signature", signature)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if (called || w.Code == http.StatusOK) && !genuine {
			t.Fatalf("Handler answered %d (called=%v) to a body not signed with the key", w.Code, called)
		}

		if key == "" {
			return
		}
		// With the right signature, any body is either a run or malformed.
		good := webhooks.Sign(body, key)
		if _, err := webhooks.Parse(body, good, key); err != nil && !errors.Is(err, webhooks.ErrMalformedPayload) {
			t.Fatalf("Parse with the right signature: %v", err)
		}
		if len(body) > 0 {
			changed := bytes.Clone(body)
			changed[len(changed)/2] ^= 1
			if err := webhooks.Verify(changed, good, key); !errors.Is(err, webhooks.ErrInvalidSignature) {
				t.Fatalf("Verify of a changed body = %v", err)
			}
		}
	})
}
