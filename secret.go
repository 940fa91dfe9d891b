package skyvern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/skyvern-go/skyvern/internal/endpoint"
)

// Secret holds a value that must not leak, such as a password, a card
// number or a TOTP seed: make one with NewSecret, read it back with Reveal.
//
// Nothing but Reveal and the SDK's own requests to Skyvern ever shows the
// value. Every fmt verb (%v, %+v, %#v, %s, %q, %x, ...) prints "[redacted]"
// ("[empty]" for the zero Secret), and so does log/slog. json.Marshal writes
// the string "[redacted]", so a struct logged as JSON (slog's JSONHandler,
// most structured loggers) does not carry it either; only the Client's
// credential calls write the value, in the body they send to Skyvern's own
// origin. json.Unmarshal reads a JSON string into a Secret as the value, so
// configuration can be decoded into the SDK's types; it reads the marker
// "[redacted]" as the value too, and a request carrying such a Secret is
// refused with ErrRedactedSecret before it is sent.
//
// A Secret keeps its value inside a function value, which reflection
// cannot look into, so printers that walk a struct by reflection and follow
// pointers (go-spew, go-cmp, testify's failure diffs) find nothing but a
// function. The Client holds its API key the same way. A Secret is
// immutable and safe to copy and to share between goroutines; a copy is
// equal to its original under reflect.DeepEqual (and testify's Equal), two
// Secrets made apart are not, whatever their values. The zero Secret is
// empty.
type Secret struct {
	p *heldValue
}

// heldValue holds a value out of reflection's reach: reflection cannot walk
// into the variables a closure captures. get returns the value as a
// one-element slice, the form of an HTTP header's values, so that the API
// key is set on every request without a copy; callers must not change it.
type heldValue struct {
	get func() []string
}

// NewSecret returns a Secret holding value. An empty value gives the zero
// Secret, which requests leave out.
func NewSecret(value string) Secret {
	if value == "" {
		return Secret{}
	}
	v := []string{value}
	return Secret{&heldValue{get: func() []string { return v }}}
}

// Reveal returns the value, or "" for the zero Secret. Keep the result out
// of logs and errors.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return s.p.get()[0]
}

// header returns the value as the values of an HTTP header, shared and
// read-only, or nil for the zero Secret.
func (s Secret) header() []string {
	if s.p == nil {
		return nil
	}
	return s.p.get()
}

// IsZero reports whether s is empty. It makes `json:",omitzero"` leave an
// empty Secret out.
func (s Secret) IsZero() bool { return s.p == nil }

// String returns "[redacted]", or "[empty]" for the zero Secret.
func (s Secret) String() string {
	if s.p == nil {
		return "[empty]"
	}
	return "[redacted]"
}

// GoString returns the same as String, for %#v.
func (s Secret) GoString() string { return s.String() }

// Format prints String for every verb and flag.
func (s Secret) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) }

// LogValue makes log/slog print String.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON writes "[redacted]", or null for the zero Secret: never the
// value. The Client sends the value to Skyvern by other means.
func (s Secret) MarshalJSON() ([]byte, error) {
	if s.p == nil {
		return []byte("null"), nil
	}
	return []byte(`"[redacted]"`), nil
}

// UnmarshalJSON reads a JSON string as the value; null gives the zero
// Secret.
func (s *Secret) UnmarshalJSON(data []byte) error {
	var v *string
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("skyvern: a Secret must be a JSON string: %w", err)
	}
	if v == nil {
		*s = Secret{}
		return nil
	}
	*s = NewSecret(*v)
	return nil
}

const redacted = "[redacted]"

// refuseRedacted returns a *RequestError matching ErrRedactedSecret if one
// of the secret values about to be sent is the redaction marker, which only
// a json.Marshal and json.Unmarshal round trip puts there.
func refuseRedacted(to endpoint.Call, values []string) error {
	if slices.Contains(values, redacted) {
		return &RequestError{Method: to.Op.Method, Path: to.Path, Err: ErrRedactedSecret}
	}
	return nil
}

// redactSecrets replaces every trace of the values in the *APIErrors of
// err's tree (detail, validation entries, body) by "[redacted]", and
// returns err. Skyvern's 422 answers repeat the input they refused.
func redactSecrets(err error, values []string) error {
	if len(values) == 0 {
		return err
	}
	var forms []string // each value as it may appear in text and in JSON
	for _, v := range values {
		forms = appendForms(forms, v)
	}
	visitErrors(err, func(e error) {
		if ae, ok := e.(*APIError); ok {
			ae.redact(values, forms)
		}
	})
	return err
}

func (e *APIError) redact(values, forms []string) {
	e.Detail = replaceAll(e.Detail, forms)
	e.RawDetail = redactJSON(e.RawDetail, values, forms)
	for i := range e.ValidationErrors {
		v := &e.ValidationErrors[i]
		v.Msg = replaceAll(v.Msg, forms)
		v.Input = redactJSON(v.Input, values, forms)
		v.Ctx = redactJSON(v.Ctx, values, forms)
		for j, l := range v.Loc {
			if s, ok := l.(string); ok {
				v.Loc[j] = replaceAll(s, forms)
			}
		}
	}
	if len(e.Body) > 0 {
		cut := len(e.Body) >= maxErrorKeep
		body := redactJSON(e.Body, values, forms)
		if cut {
			// The body was cut off: its end may be the start of a value.
			body = []byte(trimPrefixTail(string(body), forms))
		}
		e.Body = body
	}
}

// appendForms appends v as written, and as JSON encoders escape it (Go's
// with and without HTML escaping, Python's ensure_ascii).
func appendForms(forms []string, v string) []string {
	add := func(f string) {
		if f != "" && !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	add(v)
	for _, html := range []bool{true, false} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		_ = enc.Encode(v)
		q := strings.TrimSpace(b.String())
		add(q[1 : len(q)-1])
	}
	var ascii strings.Builder
	for _, r := range v {
		switch {
		case r == '"' || r == '\\':
			ascii.WriteByte('\\')
			ascii.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(&ascii, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(&ascii, `\u%04x`, r)
			}
		default:
			ascii.WriteRune(r)
		}
	}
	add(ascii.String())
	return forms
}

func replaceAll(s string, forms []string) string {
	for _, f := range forms {
		s = strings.ReplaceAll(s, f, redacted)
	}
	return s
}

// redactJSON redacts the values in raw: in every string of the document
// when raw is valid JSON (so that any escaping is seen through), else as
// text.
func redactJSON(raw []byte, values, forms []string) []byte {
	if len(raw) == 0 {
		return raw
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil || dec.More() {
		return []byte(replaceAll(string(raw), forms))
	}
	changed := false
	doc = redactValue(doc, values, &changed)
	if !changed {
		return raw
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return []byte(replaceAll(string(raw), forms))
	}
	return out
}

func redactValue(v any, values []string, changed *bool) any {
	switch v := v.(type) {
	case string:
		r := replaceAll(v, values)
		if r != v {
			*changed = true
		}
		return r
	case []any:
		for i := range v {
			v[i] = redactValue(v[i], values, changed)
		}
	case map[string]any:
		for k, x := range v {
			if rk := replaceAll(k, values); rk != k {
				delete(v, k)
				k, *changed = rk, true
			}
			v[k] = redactValue(x, values, changed)
		}
	}
	return v
}

// trimPrefixTail cuts from s an ending that is the start of one of forms.
func trimPrefixTail(s string, forms []string) string {
	longest := 0
	for _, f := range forms {
		for n := len(f) - 1; n > longest; n-- {
			if strings.HasSuffix(s, f[:n]) {
				longest = n
				break
			}
		}
	}
	if longest == 0 {
		return s
	}
	return s[:len(s)-longest] + redacted
}

// visitErrors calls fn for err and every error it wraps.
func visitErrors(err error, fn func(error)) {
	for err != nil {
		fn(err)
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				visitErrors(e, fn)
			}
			return
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return
		}
	}
}
