// Package jsonobj decodes and encodes JSON objects whose members are partly
// modelled by a Go struct, keeping the members the struct does not model.
//
// The SDK's response types use it so that a field Skyvern adds next month
// (or a legacy field it still sends) survives a decode and a re-encode.
package jsonobj

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// typeInfo describes a struct type for Decode.
type typeInfo struct {
	// names holds the JSON member names the type's fields decode from.
	names map[string]struct{}
	// raw maps the names of its json.RawMessage fields to their index.
	raw map[string]int
	// folded holds the names in lower case: encoding/json matches member
	// names to fields ignoring case.
	folded map[string]struct{}
}

var types sync.Map // reflect.Type -> *typeInfo

var rawMessageType = reflect.TypeFor[json.RawMessage]()

func info(t reflect.Type) *typeInfo {
	if v, ok := types.Load(t); ok {
		return v.(*typeInfo)
	}
	ti := &typeInfo{names: make(map[string]struct{}, t.NumField()), raw: make(map[string]int), folded: make(map[string]struct{})}
	addFields(t, ti.names)
	for name := range ti.names {
		ti.folded[strings.ToLower(name)] = struct{}{}
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); f.Type == rawMessageType && name != "" && name != "-" {
			ti.raw[name] = i
		}
	}
	v, _ := types.LoadOrStore(t, ti)
	return v.(*typeInfo)
}

// addFields adds the JSON names of t's fields, following embedded structs as
// encoding/json does.
func addFields(t reflect.Type, names map[string]struct{}) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(ft, names)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names[name] = struct{}{}
	}
}

// Decode unmarshals the JSON object data into v, a pointer to a struct type
// that has no UnmarshalJSON method of its own, and returns the members whose
// names match none of the struct's JSON field names. It returns a nil map
// when there are none. A JSON null leaves v unchanged.
func Decode(data []byte, v any) (map[string]json.RawMessage, error) {
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	// json.Unmarshal has validated data, so the scan below may trust it.
	rv := reflect.ValueOf(v).Elem()
	ti := info(rv.Type())
	// A json.RawMessage field holds its value's exact bytes, so the scan can
	// step over that value (often the run's large output) by comparing
	// instead of parsing.
	hint := func(key []byte) []byte {
		if i, ok := ti.raw[string(key)]; ok {
			return rv.Field(i).Bytes()
		}
		return nil
	}
	type span struct {
		key        string
		start, end int
	}
	var spanBuf [8]span
	spans, size := spanBuf[:0], 0
	err := members(data, hint, func(key []byte, start, end int) error {
		if _, ok := ti.names[string(key)]; ok {
			return nil
		}
		k, err := unquoteKey(key)
		if err != nil {
			return err
		}
		if _, ok := ti.folded[strings.ToLower(k)]; ok { // a known name in escapes or another case
			return nil
		}
		spans = append(spans, span{k, start, end})
		size += end - start
		return nil
	})
	if err != nil || len(spans) == 0 {
		return nil, err
	}
	// One copy of all the unknown values, which must not alias data.
	buf := make([]byte, size)
	extra := make(map[string]json.RawMessage, len(spans))
	off := 0
	for _, s := range spans {
		n := copy(buf[off:], data[s.start:s.end])
		extra[s.key] = buf[off : off+n : off+n]
		off += n
	}
	return extra, nil
}

// Encode marshals v, a struct value whose type has no MarshalJSON method of
// its own, and appends the members of extra, in sorted order so that the
// output is deterministic. A member of extra whose name v already wrote is
// skipped; one whose name matches a field that v left out (an omitempty
// field at its zero value) is written, which lets a caller send an explicit
// null or zero for such a field.
func Encode(v any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	written := make(map[string]bool)
	_ = Members(b, func(key, _ []byte) error {
		k, _ := unquoteKey(key)
		written[k] = true
		return nil
	})
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if !written[k] {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return b, nil
	}
	sort.Strings(keys)
	out := bytes.NewBuffer(make([]byte, 0, len(b)+64*len(keys)))
	out.Write(b[:len(b)-1]) // without the closing brace
	first := len(written) == 0
	for _, k := range keys {
		raw := extra[k]
		if len(raw) == 0 {
			raw = json.RawMessage("null")
		} else if !json.Valid(raw) {
			return nil, fmt.Errorf("extra member %q is not valid JSON", k)
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		out.Write(kb)
		out.WriteByte(':')
		out.Write(raw)
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// unquoteKey decodes a member name as encoding/json does (escapes, and
// invalid UTF-8 replaced by U+FFFD), quickly for plain ASCII names.
func unquoteKey(key []byte) (string, error) {
	plain := true
	for _, c := range key {
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return string(key), nil
	}
	var s string
	err := json.Unmarshal(append(append([]byte{'"'}, key...), '"'), &s)
	return s, err
}

// Members calls fn for each member of the JSON object in data, with the
// member's name as it appears between its quotes (escapes not decoded) and
// its raw value. data must be valid JSON (as after json.Valid or a
// successful json.Unmarshal); a value that is not an object yields no calls.
func Members(data []byte, fn func(key, value []byte) error) error {
	return members(data, nil, func(key []byte, start, end int) error { return fn(key, data[start:end]) })
}

// members is Members with the value as offsets into data. When hint
// returns bytes for a member name and the member's value is exactly those
// bytes, the value is stepped over without being parsed.
func members(data []byte, hint func(key []byte) []byte, fn func(key []byte, start, end int) error) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] == '}' {
			return nil
		}
		if data[i] == ',' {
			i = skipSpace(data, i+1)
		}
		end := skipString(data, i)
		key := data[i+1 : end-1]
		i = skipSpace(data, end)
		i = skipSpace(data, i+1) // the colon
		vend := -1
		if hint != nil {
			if h := hint(key); len(h) > 0 && bytes.HasPrefix(data[i:], h) && endsValue(data, i+len(h)) {
				vend = i + len(h)
			}
		}
		if vend < 0 {
			vend = skipValue(data, i)
		}
		if err := fn(key, i, vend); err != nil {
			return err
		}
		i = vend
	}
}

// endsValue reports whether a value may end just before data[i]: a
// number "1" is a prefix of "12", but not of "1,".
func endsValue(data []byte, i int) bool {
	if i >= len(data) {
		return true
	}
	switch data[i] {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index just past the string that starts at data[i].
func skipString(data []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(data[i:], '"')
		if j < 0 {
			return len(data)
		}
		i += j
		// Count the backslashes before the quote: an odd number escapes it.
		n := 0
		for k := i - 1; k >= 0 && data[k] == '\\'; k-- {
			n++
		}
		i++
		if n%2 == 0 {
			return i
		}
	}
}

// skipValue returns the index just past the value that starts at data[i].
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i = skipString(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default:
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return i
			}
			i++
		}
		return i
	}
}
