package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tokenMarshal is Marshal as it was first written: encoding/json encodes v,
// and json.Decoder.Token re-reads it token by token, each token written in
// Skyvern's form. It is slow but plainly right, so Marshal is held to
// produce the same bytes.
func tokenMarshal(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out []byte
	type level struct {
		object bool
		n      int
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
			out = appendString(out, t) // a decoded string is valid UTF-8
		case json.Number:
			if out, err = appendNumber(out, []byte(t)); err != nil {
				return nil, err
			}
		case bool:
			out = strconv.AppendBool(out, t)
		case nil:
			out = append(out, "null"...)
		}
	}
}

// markupValues are values whose encoding is easy to get wrong.
func markupValues() []any {
	return []any{
		"plain", "", "<>&'\"\\/", "\u2028\u2029", "😀 é €", "\x00\x01\x1f\x7f\n\r\t\b\f",
		"bad \xff utf8 \xe2\x82", "\xed\xa0\x80 encoded surrogate", "\xef\xbf\xbd",
		0, -1, int64(math.MinInt64), uint64(math.MaxUint64), int8(-3), float32(0.1), float32(1e20),
		0.0, math.Copysign(0, -1), 1.0, -2.5, 1e20, 1e21, 1e23, 1e-4, 1e-5, 1.5e-7, 123456789.123, 1e16, 1.5e16,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 0.30000000000000004, 1e-6, 9.99e-7,
		float64(1 << 53), float64(1<<53 + 2), float64(1 << 63), -1.5e17, 9.999999999999999e20,
		true, false, nil,
		json.Number("1.0"), json.Number("-0"), json.Number("1E2"), json.Number("12345678901234567890123"), json.Number(""),
		json.RawMessage(` { "a" : [ 1.0 , "\u003c\/\ud83d\ude00\ud800\u0041\ud800\ud800\udc00\"" , null , true ] , "b\u0000" : -0.0 } `),
		json.RawMessage("\"raw \xff bytes\""), json.RawMessage(nil), json.RawMessage(`"\u00e9\u2028\uD83D\uDE00"`),
		[]any{}, []any(nil), map[string]any{}, map[string]any(nil), []int{1, 2}, []string(nil),
		map[string]any{"b": 1, "a\xff": 2, "<": []any{3.5}},
		Object{{Key: "z<", Value: Object{{Key: "\n", Value: 1e-7}}}, {Key: "a", Value: []any{Object{}, Object(nil)}}},
		rawMarshaler(` { "t" : "<\u00e9>\u2028" , "n" : [ 1.0, -0 ] } `), rawMarshaler(`{"a":`), rawMarshaler(""),
		(*ptrMarshaler)(nil), &ptrMarshaler{}, errMarshaler{}, time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		struct {
			A string  `json:"a"`
			B float64 `json:"b,omitempty"`
			C Object  `json:"c"`
			D any     `json:"d"`
		}{"x<y", 0, Object{{Key: "k", Value: 2.0}}, map[string]any{"e": "f&g"}},
	}
}

// rawMarshaler's JSON is its own text, valid or not, spaced and escaped as
// encoding/json would not write it.
type rawMarshaler string

func (m rawMarshaler) MarshalJSON() ([]byte, error) { return []byte(m), nil }

// ptrMarshaler has its method on the pointer; a nil one is null.
type ptrMarshaler struct{}

func (m *ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`{"p" : 1.50}`), nil }

// errMarshaler always fails.
type errMarshaler struct{}

func (errMarshaler) MarshalJSON() ([]byte, error) { return nil, errors.New("no") }

func TestMarshalMatchesTheTokenRewrite(t *testing.T) {
	values := markupValues()
	values = append(values, values) // all of them nested in a list
	nested := Object{}
	for i, v := range markupValues() {
		nested = append(nested, Member{Key: strconv.Itoa(i), Value: v})
	}
	values = append(values, nested, map[string]any{"all": nested})
	for i, v := range values {
		want, wantErr := tokenMarshal(v)
		got, err := Marshal(v)
		require.Equal(t, wantErr == nil, err == nil, "value %d (%#v): %v / %v", i, v, wantErr, err)
		assert.Equal(t, string(want), string(got), "value %d (%#v)", i, v)
	}
}

func FuzzMarshalMatchesTheTokenRewrite(f *testing.F) {
	for _, v := range markupValues() {
		if b, err := json.Marshal(v); err == nil {
			f.Add(string(b))
		}
	}
	f.Add(`{"a":"\ud800","b":[1e400,-0,0.5e-3]}`)
	f.Fuzz(func(t *testing.T, s string) {
		raw := json.RawMessage(s)
		if !json.Valid(raw) {
			return
		}
		want, wantErr := tokenMarshal(raw)
		got, err := Marshal(raw)
		require.Equal(t, wantErr == nil, err == nil, "%v / %v", wantErr, err)
		assert.Equal(t, string(want), string(got))

		var v any
		if json.Unmarshal(raw, &v) == nil {
			want, wantErr = tokenMarshal(v)
			got, err = Marshal(v)
			require.Equal(t, wantErr == nil, err == nil, "%v / %v", wantErr, err)
			assert.Equal(t, string(want), string(got))
		}
	})
}
