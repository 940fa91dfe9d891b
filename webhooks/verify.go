package webhooks

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strings"
	"sync"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// The errors of this package. Functions return them as they are or wrapped
// with %w, so test for them with errors.Is. No error message of this package
// contains the key, the body or the expected signature.
var (
	// ErrMissingSignature means the request carried no x-skyvern-signature
	// (the signature given was empty).
	ErrMissingSignature = errors.New("webhooks: missing signature")
	// ErrInvalidSignature means the signature is not 64 lower-case hex
	// digits, or is not the HMAC-SHA256 of the body under any configured key.
	ErrInvalidSignature = errors.New("webhooks: invalid signature")
	// ErrNoKey means no non-empty key was configured, so nothing can be
	// verified. It is a configuration error, not the sender's fault.
	ErrNoKey = errors.New("webhooks: no API key configured")
	// ErrBodyTooLarge means the request body exceeded the handler's limit
	// (see WithMaxBodyBytes). The handlers answer it with 413.
	ErrBodyTooLarge = errors.New("webhooks: body too large")
	// ErrStale means a handler configured with WithFreshnessWindow or
	// WithRequiredTimestamp got an x-skyvern-timestamp outside the window,
	// unreadable, or (when required) absent.
	ErrStale = errors.New("webhooks: timestamp missing or outside the freshness window")
	// ErrMalformedPayload means the body was genuinely signed but is not the
	// JSON object expected. The handlers answer it with 400.
	ErrMalformedPayload = errors.New("webhooks: malformed payload")
)

// errSignatureForm is returned for a signature that cannot be one Skyvern
// sent, before any HMAC is computed.
var errSignatureForm = fmt.Errorf("%w: want 64 lower-case hex digits", ErrInvalidSignature)

// Sign returns the signature Skyvern sends in x-skyvern-signature for body
// under apiKey: the HMAC-SHA256 of the exact bytes, as 64 lower-case hex
// digits. It is meant for tests and fake servers; with Marshal it signs a
// payload the way Skyvern does. Sign does not refuse an empty key, but
// nothing in this package verifies a signature made with one.
func Sign(body []byte, apiKey string) string {
	mac := hmac.New(sha256.New, []byte(apiKey))
	mac.Write(body)
	var sum [sha256.Size]byte
	return hex.EncodeToString(mac.Sum(sum[:0]))
}

// Verify reports whether signature, the value of the x-skyvern-signature
// header, is the signature of body under apiKey. body must be the bytes
// exactly as received: any re-encoding, even of whitespace or escapes,
// breaks the signature. Only the body is signed, not the headers.
//
// It returns nil for a genuine body, ErrNoKey when apiKey is empty,
// ErrMissingSignature when signature is empty, and ErrInvalidSignature
// otherwise (including a signature in upper case or with a prefix such as
// "sha256="). The comparison runs in constant time. Verify reads body
// whatever its size; bound it before (Handler does).
func Verify(body []byte, signature, apiKey string) error {
	if apiKey == "" {
		return ErrNoKey
	}
	var want [sha256.Size]byte
	if err := decodeSignature(signature, &want); err != nil {
		return err
	}
	if !macMatches(hmac.New(sha256.New, []byte(apiKey)), nil, body, &want) {
		return ErrInvalidSignature
	}
	return nil
}

// Parse verifies body as Verify does and then decodes it as the run it
// reports, the same type Client.GetRun returns. Legacy members of the
// payload (task_id, workflow_run_id, extracted_information, ...) and members
// newer than this SDK are kept, as raw JSON, in the run's Extra map; unknown
// run types and statuses decode as they are.
//
// The run's raw members (Output, RunRequest and the values in Extra) are
// slices of body, not copies, so that a large output is not held twice:
// do not modify body while you use the run.
//
// Besides Verify's errors it returns an error matching ErrMalformedPayload
// when the signed body is not a JSON object of the expected shape.
func Parse(body []byte, signature, apiKey string) (*skyvern.RunResponse, error) {
	if err := Verify(body, signature, apiKey); err != nil {
		return nil, err
	}
	return decodeRun(body)
}

// Verifier checks signatures against any of several keys, for a key
// rotation: deliveries signed with the old key and with the new one are
// both accepted while the change is under way. It keeps its HMAC state
// between calls, so it verifies without allocating. A Verifier is safe for
// concurrent use; the zero Verifier has no key.
type Verifier struct {
	macs []*sync.Pool // one pool of *macState per key
}

// macState is a keyed HMAC with room for its sum, so that verifying with a
// pooled one allocates nothing.
type macState struct {
	mac hash.Hash
	sum [sha256.Size]byte
}

// NewVerifier returns a Verifier accepting signatures made with any of keys.
// Empty keys are ignored; a Verifier left with no key rejects everything
// with ErrNoKey.
//
// Which key signs a delivery depends on the run (see "Which key signs" in
// the package documentation): a task run's delivery is signed with the key
// that created it, a workflow run's with the key that started it, a task
// v2 run's with the organisation's newest key, a cancellation's with the
// canceller's, and a replay's with the key of whoever asked for it. When
// rotating, keep the old key here until no run created with it can still
// finish, and until nobody replays with it.
func NewVerifier(keys ...string) *Verifier {
	v := new(Verifier)
	for _, k := range keys {
		if k == "" {
			continue
		}
		key := []byte(k)
		v.macs = append(v.macs, &sync.Pool{New: func() any { return &macState{mac: hmac.New(sha256.New, key)} }})
	}
	return v
}

// Verify is the package's Verify with the Verifier's keys: it returns nil
// when signature is the signature of body under one of them, ErrNoKey when
// the Verifier has no key, ErrMissingSignature when signature is empty, and
// ErrInvalidSignature otherwise.
func (v *Verifier) Verify(body []byte, signature string) error {
	if v == nil || len(v.macs) == 0 {
		return ErrNoKey
	}
	var want [sha256.Size]byte
	if err := decodeSignature(signature, &want); err != nil {
		return err
	}
	for _, pool := range v.macs {
		m := pool.Get().(*macState)
		m.mac.Reset()
		ok := macMatches(m.mac, m.sum[:0], body, &want)
		pool.Put(m)
		if ok {
			return nil
		}
	}
	return ErrInvalidSignature
}

// Parse is the package's Parse with the Verifier's keys.
func (v *Verifier) Parse(body []byte, signature string) (*skyvern.RunResponse, error) {
	if err := v.Verify(body, signature); err != nil {
		return nil, err
	}
	return decodeRun(body)
}

// ParseTOTPRequest is the package's ParseTOTPRequest with the Verifier's
// keys.
func (v *Verifier) ParseTOTPRequest(body []byte, signature string) (*TOTPRequest, error) {
	if err := v.Verify(body, signature); err != nil {
		return nil, err
	}
	return decodeTOTPRequest(body)
}

// decodeSignature decodes the header value into dst. Skyvern only ever sends
// 64 lower-case hex digits, so anything else is refused as it is.
func decodeSignature(sig string, dst *[sha256.Size]byte) error {
	if sig == "" {
		return ErrMissingSignature
	}
	if len(sig) != 2*sha256.Size {
		return errSignatureForm
	}
	for i := range dst {
		hi, ok1 := hexDigit(sig[2*i])
		lo, ok2 := hexDigit(sig[2*i+1])
		if !ok1 || !ok2 {
			return errSignatureForm
		}
		dst[i] = hi<<4 | lo
	}
	return nil
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// macMatches feeds body to mac, a freshly keyed or reset HMAC, and compares
// the result, appended to buf, with want in constant time.
func macMatches(mac hash.Hash, buf, body []byte, want *[sha256.Size]byte) bool {
	mac.Write(body)
	return hmac.Equal(mac.Sum(buf), want[:])
}

// decodeRun decodes a verified body as a run.
func decodeRun(body []byte) (*skyvern.RunResponse, error) {
	if !isObject(body) {
		return nil, errNotObject
	}
	run := new(skyvern.RunResponse)
	// One pass, and the run's raw members (Output, Extra values such as the
	// legacy outputs) share body's bytes rather than copying them.
	if err := jsonobj.UnmarshalOwned(body, run); err != nil {
		return nil, &payloadError{err: err}
	}
	return run, nil
}

var errNotObject = fmt.Errorf("%w: not a JSON object", ErrMalformedPayload)

// isObject reports whether body starts, after any whitespace, with "{".
func isObject(body []byte) bool {
	b := bytes.TrimLeft(body, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

// payloadError is a decoding failure of a signed body. Its message says
// where the body went wrong but quotes none of it (encoding/json and
// skyvern.Time errors can quote input); the underlying error stays
// reachable with errors.As.
type payloadError struct{ err error }

func (e *payloadError) Error() string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(e.err, &syn):
		return fmt.Sprintf("%v: JSON syntax error at byte %d", ErrMalformedPayload, syn.Offset)
	case errors.As(e.err, &typ) && typ.Field != "":
		kind, _, _ := strings.Cut(typ.Value, " ") // "number 1e999" quotes the body
		return fmt.Sprintf("%v: field %s cannot hold a JSON %s", ErrMalformedPayload, typ.Field, kind)
	}
	return ErrMalformedPayload.Error()
}

func (e *payloadError) Unwrap() []error { return []error{ErrMalformedPayload, e.err} }
