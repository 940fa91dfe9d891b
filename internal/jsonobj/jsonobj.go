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

// fieldNames maps a struct type to the set of JSON member names its fields
// decode from.
var fieldNames sync.Map // reflect.Type -> map[string]struct{}

func known(t reflect.Type) map[string]struct{} {
	if v, ok := fieldNames.Load(t); ok {
		return v.(map[string]struct{})
	}
	names := make(map[string]struct{}, t.NumField())
	addFields(t, names)
	v, _ := fieldNames.LoadOrStore(t, names)
	return v.(map[string]struct{})
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
	names := known(reflect.TypeOf(v).Elem())
	var extra map[string]json.RawMessage
	err := Members(data, func(key, value []byte) error {
		if _, ok := names[string(key)]; ok {
			return nil
		}
		k, err := unquoteKey(key)
		if err != nil {
			return err
		}
		if _, ok := names[k]; ok { // a known name written with escapes
			return nil
		}
		if extra == nil {
			extra = make(map[string]json.RawMessage)
		}
		extra[k] = bytes.Clone(value)
		return nil
	})
	return extra, err
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
		vend := skipValue(data, i)
		if err := fn(key, data[i:vend]); err != nil {
			return err
		}
		i = vend
	}
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
