package webhooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Marshal encodes v as JSON byte for byte as Skyvern's server serialises a
// webhook or TOTP body, so that Sign(Marshal(v), key) is the signature
// Skyvern would send for the same payload. Use it to build deliveries in
// tests and fake servers.
//
// v is first encoded by encoding/json (so MarshalJSON methods and json tags
// apply, struct fields keep their order and map keys are sorted; use Object
// for another key order), then rewritten the way Skyvern writes it:
//   - no whitespace between tokens;
//   - strings in raw UTF-8, escaping only '"', '\' and control characters
//     below U+0020 (\n \r \t \b \f, others as \u00XX in lower-case hex), so
//     '<', '>', '&', U+2028, U+2029 and emoji are written as they are;
//   - every number with a whole value written as an integer, exactly (3.0
//     is 3, 1e20 is 100000000000000000000), and integers of any size kept
//     digit for digit;
//   - other numbers as Python writes a float: the shortest digits that read
//     back the same, in scientific form below 1e-4 (1e-05, 1.5e-07).
//
// Invalid UTF-8 in a Go string has already become U+FFFD when encoding/json
// encodes it, so such a string is not signed as the bytes it held. Marshal
// returns encoding/json's errors, and an error for a number beyond the range
// of a float64 that is not an integer literal.
func Marshal(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	out := make([]byte, 0, len(raw))
	type level struct {
		object bool
		n      int // tokens written at this level
	}
	var stack []level
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			out = append(out, byte(d))
			continue
		}
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			switch {
			case top.n == 0:
			case top.object && top.n%2 == 1:
				out = append(out, ':')
			default:
				out = append(out, ',')
			}
			top.n++
		}
		switch t := tok.(type) {
		case json.Delim:
			out = append(out, byte(t))
			stack = append(stack, level{object: t == '{'})
		case string:
			out = appendString(out, t)
		case json.Number:
			if out, err = appendNumber(out, string(t)); err != nil {
				return nil, err
			}
		case bool:
			out = strconv.AppendBool(out, t)
		case nil:
			out = append(out, "null"...)
		}
	}
}

// Object is a JSON object whose members are written in slice order, for
// payloads that need a key order of their own (Skyvern writes members in
// the order its server built them, not sorted). Values may be anything
// encoding/json encodes, Objects included.
//
//	webhooks.Object{{Key: "run_id", Value: "tsk_1"}, {Key: "status", Value: "completed"}}
type Object []Member

// Member is one member of an Object.
type Member struct {
	Key   string
	Value any
}

// MarshalJSON encodes o with its members in order. A nil Object is {}.
func (o Object) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.Value)
		if err != nil {
			return nil, fmt.Errorf("member %q: %w", m.Key, err)
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// appendString writes s quoted, escaping what Python's json.dumps escapes
// with ensure_ascii=False.
func appendString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

var errNumberRange = errors.New("webhooks: number out of the range of a float64")

// appendNumber writes the JSON number s as Skyvern's server would write the
// value it decoded: integers as they are, whole floats as integers, other
// floats in Python's repr.
func appendNumber(b []byte, s string) ([]byte, error) {
	if !strings.ContainsAny(s, ".eE") {
		if s == "-0" {
			s = "0"
		}
		return append(b, s...), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, errNumberRange
	}
	switch {
	case f == 0:
		return append(b, '0'), nil
	case f == math.Trunc(f):
		return strconv.AppendFloat(b, f, 'f', 0, 64), nil
	}
	// Python's repr: fixed notation when the decimal exponent is in
	// [-4, 16), scientific otherwise, with at least two exponent digits
	// (strconv's 'e' format writes those too).
	e := strconv.AppendFloat(nil, f, 'e', -1, 64)
	exp, _ := strconv.Atoi(string(e[bytes.IndexByte(e, 'e')+1:]))
	if exp < -4 || exp >= 16 {
		return append(b, e...), nil
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64), nil
}
