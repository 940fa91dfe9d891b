// Package wire writes JSON byte for byte as Skyvern's server does (its
// Python json.dumps form), for webhooks.Marshal, which exports it, and for
// the fake server in skyverntest, which renders every answer with it.
// Object, a JSON object with its members in a chosen order, lives here
// rather than in an exported package: only the fake needs it.
package wire

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Marshal encodes v as Skyvern's server writes JSON; webhooks.Marshal is
// this function, and documents the form. Object values keep their member
// order.
func Marshal(v any) ([]byte, error) {
	return appendValue(make([]byte, 0, 512), v, 0)
}

// ErrTooDeep is Marshal's error for a value nested too deep, exported as
// webhooks.ErrTooDeep, which documents it.
var ErrTooDeep = errors.New("webhooks: value nested more than 10000 levels deep, or holding itself")

// maxDepth is how many arrays and objects a value may nest: encoding/json's
// decoder refuses deeper input. Marshal recurses once per level, and walks
// a value it hands to encoding/json first, whose encoder has no limit, so a
// deeper value is an error rather than a stack overflow.
const maxDepth = 10000

// appendValue appends v, found inside depth arrays and objects, in
// Skyvern's form.
func appendValue(b []byte, v any, depth int) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case Object:
		return appendObject(b, v, depth)
	case string:
		return appendString(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			break // encoding/json's error
		}
		if v != 0 && v == math.Trunc(v) && math.Abs(v) < 1e21 {
			// encoding/json's digits, which appendNumber keeps as an
			// integer: exact up to 2^53, zero-padded beyond.
			return strconv.AppendFloat(b, v, 'f', -1, 64), nil
		}
		return appendFloat(b, v), nil
	case []any:
		if v == nil {
			return append(b, "null"...), nil
		}
		if depth >= maxDepth {
			return nil, ErrTooDeep
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		if v == nil {
			return append(b, "null"...), nil
		}
		if depth >= maxDepth {
			return nil, ErrTooDeep
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(appendString(b, k), ':')
			var err error
			if b, err = appendValue(b, v[k], depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case json.RawMessage:
		if v == nil {
			return append(b, "null"...), nil
		}
		if json.Valid(v) {
			return appendJSON(slices.Grow(b, len(v)), v)
		}
	case json.Marshaler:
		// What encoding/json would write, without its reflection: the
		// method's JSON, rewritten (its compacting and HTML escapes are
		// undone by the rewrite anyway). A nil pointer, an error or
		// invalid JSON is left to encoding/json, for its null or error.
		if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || !rv.IsNil() {
			if raw, err := v.MarshalJSON(); err == nil && json.Valid(raw) {
				return appendJSON(slices.Grow(b, len(raw)), raw)
			}
		}
	}
	return appendEncoded(b, v, depth)
}

// appendEncoded appends v, found inside depth arrays and objects, as
// encoding/json encodes it, rewritten.
func appendEncoded(b []byte, v any, depth int) ([]byte, error) {
	if !within(reflect.ValueOf(v), maxDepth-depth, 0) {
		return nil, ErrTooDeep
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return appendJSON(slices.Grow(b, len(raw)), raw)
}

// appendObject appends o, found depth levels down, with its members in
// order.
func appendObject(b []byte, o Object, depth int) ([]byte, error) {
	if depth >= maxDepth {
		return nil, ErrTooDeep
	}
	b = append(b, '{')
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendString(b, m.Key), ':')
		var err error
		if b, err = appendValue(b, m.Value, depth+1); err != nil {
			if err == ErrTooDeep {
				return nil, err // a path of 10000 members says nothing
			}
			return nil, fmt.Errorf("member %q: %w", m.Key, err)
		}
	}
	return append(b, '}'), nil
}

// appendJSON appends data, one valid JSON value, rewritten in Skyvern's
// form in a single pass.
func appendJSON(b, data []byte) ([]byte, error) {
	for i := 0; i < len(data); {
		switch c := data[i]; {
		case c == '"':
			j, plain := stringEnd(data, i+1)
			if plain {
				b = append(b, data[i:j+1]...)
			} else {
				b = appendQuoted(b, data[i+1:j])
			}
			i = j + 1
		case c == '-' || '0' <= c && c <= '9':
			j := i + 1
			for j < len(data) && isNumberByte(data[j]) {
				j++
			}
			var err error
			if b, err = appendNumber(b, data[i:j]); err != nil {
				return nil, err
			}
			i = j
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default: // punctuation, and the letters of true, false and null
			b = append(b, c)
			i++
		}
	}
	return b, nil
}

func isNumberByte(c byte) bool {
	return '0' <= c && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// stringEnd returns the index of the quote closing the JSON string whose
// contents start at data[i], and whether the contents can be written as
// they are: no escape and valid UTF-8 (valid JSON holds no control
// character).
func stringEnd(data []byte, i int) (end int, plain bool) {
	end = i + bytes.IndexByte(data[i:], '"')
	if bytes.IndexByte(data[i:end], '\\') < 0 {
		return end, utf8.Valid(data[i:end])
	}
	for ; data[i] != '"'; i++ {
		if data[i] == '\\' {
			i++ // the escaped character, a quote perhaps
		}
	}
	return i, false
}

const hexDigits = "0123456789abcdef"

// appendString writes s quoted, escaping what Python's json.dumps escapes
// with ensure_ascii=False, and each byte of invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(append(b, s[start:i]...), utf8.RuneError)
				start = i + 1
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = appendEscape(append(b, s[start:i]...), c)
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscape writes the ASCII character c, which Python escapes.
func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// appendQuoted writes the contents of a JSON string, s, decoded as
// encoding/json decodes it (escapes resolved, invalid UTF-8 and lone
// surrogates as U+FFFD) and quoted as appendString quotes.
func appendQuoted(b, s []byte) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '\\':
			var r rune
			r, i = unescape(s, i)
			if r < utf8.RuneSelf {
				if r >= 0x20 && r != '"' && r != '\\' {
					b = append(b, byte(r))
				} else {
					b = appendEscape(b, byte(r))
				}
			} else {
				b = utf8.AppendRune(b, r)
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			b = utf8.AppendRune(b, r) // RuneError for an invalid byte
			i += size
		}
	}
	return append(b, '"')
}

// unescape decodes the escape at s[i] (a backslash) in valid JSON and
// returns its rune and the index after it.
func unescape(s []byte, i int) (rune, int) {
	switch s[i+1] {
	case 'b':
		return '\b', i + 2
	case 'f':
		return '\f', i + 2
	case 'n':
		return '\n', i + 2
	case 'r':
		return '\r', i + 2
	case 't':
		return '\t', i + 2
	case 'u':
		r := hex4(s[i+2 : i+6])
		i += 6
		if !utf16.IsSurrogate(r) {
			return r, i
		}
		if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
			if dec := utf16.DecodeRune(r, hex4(s[i+2:i+6])); dec != utf8.RuneError {
				return dec, i + 6
			}
		}
		return utf8.RuneError, i
	}
	return rune(s[i+1]), i + 2 // '"', '\\' or '/'
}

// hex4 decodes four hex digits, which valid JSON guarantees.
func hex4(h []byte) rune {
	var r rune
	for _, c := range h {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// Object is a JSON object whose members are written in slice order, for
// payloads that need a key order of their own (Skyvern writes members in
// the order its server built them, not sorted). Values may be anything
// encoding/json encodes, Objects included.
//
//	wire.Object{{Key: "run_id", Value: "tsk_1"}, {Key: "status", Value: "completed"}}
type Object []Member

// Member is one member of an Object.
type Member struct {
	Key   string
	Value any
}

// MarshalJSON encodes o with its members in order, as Marshal writes it.
// A nil Object is {}.
func (o Object) MarshalJSON() ([]byte, error) {
	return appendObject(nil, o, 0)
}

var errNumberRange = errors.New("webhooks: number out of the range of a float64")

// appendNumber writes the JSON number s as Skyvern's server would write the
// value it decoded: integers as they are, whole floats as integers, other
// floats in Python's repr.
func appendNumber(b, s []byte) ([]byte, error) {
	if !bytes.ContainsAny(s, ".eE") {
		if len(s) == 2 && s[0] == '-' && s[1] == '0' {
			return append(b, '0'), nil
		}
		return append(b, s...), nil
	}
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return nil, errNumberRange
	}
	return appendFloat(b, f), nil
}

// appendFloat writes f, a finite float, as Python writes the float Skyvern
// decoded: whole values as integers, others in Python's repr.
func appendFloat(b []byte, f float64) []byte {
	switch {
	case f == 0:
		return append(b, '0')
	case f == math.Trunc(f):
		return strconv.AppendFloat(b, f, 'f', 0, 64)
	}
	// Python's repr: fixed notation when the decimal exponent is in
	// [-4, 16), scientific otherwise, with at least two exponent digits
	// (strconv's 'e' format writes those too).
	if exp := decimalExponent(f); exp < -4 || exp >= 16 {
		return strconv.AppendFloat(b, f, 'e', -1, 64)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// decimalExponent returns the exponent of f's shortest decimal form in
// scientific notation.
func decimalExponent(f float64) int {
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	i := bytes.IndexByte(e, 'e')
	exp, _ := strconv.Atoi(string(e[i+1:]))
	return exp
}

// within reports whether v, as encoding/json encodes it, nests at most
// limit arrays and objects, and takes at most maxDepth steps through
// pointers and interfaces besides (a pointer that leads to itself). It
// walks only what its type does not bound: interfaces and recursive types.
// A value with a MarshalJSON or MarshalText method counts as a leaf; the
// JSON a method writes is checked by encoding/json, which refuses to
// compact JSON nested deeper than it reads.
func within(v reflect.Value, limit, hops int) bool {
	if !v.IsValid() {
		return true
	}
	if hops > 4*maxDepth {
		return false
	}
	t := v.Type()
	if d := typeDepth(t); d >= 0 {
		return d <= limit
	}
	if t == objectType {
		if v.IsNil() {
			return true
		}
		if limit < 1 {
			return false
		}
		for i := range v.Len() {
			if !within(v.Index(i).Field(1), limit-1, hops+1) { // Member.Value
				return false
			}
		}
		return true
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		return v.IsNil() || within(v.Elem(), limit, hops+1)
	case reflect.Slice, reflect.Map:
		if v.IsNil() {
			return true
		}
	}
	if limit < 1 {
		return false
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if !within(v.Index(i), limit-1, hops+1) {
				return false
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if !within(it.Value(), limit-1, hops+1) {
				return false
			}
		}
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() || f.Anonymous {
				if !within(v.Field(i), limit-1, hops+1) {
					return false
				}
			}
		}
	}
	return true
}

var (
	objectType        = reflect.TypeFor[Object]()
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	typeDepths        sync.Map // reflect.Type: int, typeDepth's answer
)

// typeDepth returns how many arrays and objects a value of type t nests at
// most, as encoding/json encodes it, or -1 when its type does not bound it
// (it holds an interface, or a type that holds itself).
func typeDepth(t reflect.Type) int {
	if d, ok := typeDepths.Load(t); ok {
		return d.(int)
	}
	d := staticDepth(t, map[reflect.Type]bool{})
	typeDepths.Store(t, d)
	return d
}

func staticDepth(t reflect.Type, visiting map[reflect.Type]bool) int {
	if t != objectType && (t.Implements(marshalerType) || t.Implements(textMarshalerType)) {
		return 0
	}
	if visiting[t] {
		return -1
	}
	visiting[t] = true
	defer delete(visiting, t)
	inner := 0
	switch t.Kind() {
	case reflect.Interface:
		return -1
	case reflect.Pointer:
		return staticDepth(t.Elem(), visiting)
	case reflect.Slice, reflect.Array, reflect.Map:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return 0 // base64
		}
		inner = staticDepth(t.Elem(), visiting)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			d := staticDepth(f.Type, visiting)
			if d < 0 {
				return -1
			}
			inner = max(inner, d)
		}
	default:
		return 0
	}
	if inner < 0 {
		return -1
	}
	return inner + 1
}
