// Package jsonobj decodes and encodes the SDK's JSON object types: structs
// whose fields model part of an object and whose Extra field keeps the
// members they do not model, so that a field Skyvern adds next month (or a
// legacy field it still sends) survives a decode and a re-encode.
//
// # The pattern a type follows
//
// A response or request type is a struct with json tags and, last, an
// Extra field, and it forwards its two JSON methods here:
//
//	type Thing struct {
//		ID   string `json:"id,omitempty"`
//		When Time   `json:"when,omitzero"`
//		// Extra holds members this type does not model.
//		Extra map[string]json.RawMessage `json:"-"`
//	}
//
//	// UnmarshalJSON decodes a thing, keeping unmodelled members in Extra.
//	func (t *Thing) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, t) }
//
//	// MarshalJSON encodes the thing, Extra included.
//	func (t Thing) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(t) }
//
// Nothing else is needed: no plain copy of the type, no registration. A
// type whose decoding needs more (another name for a field, a member whose
// Go type depends on a sibling's value) does it in the same method, after
// Unmarshal, taking the members it decodes out of Extra with Take. A
// member whose field has an interface type with methods lands in Extra
// too, for the method to decode, unless that interface has a decoder
// given with Register.
//
// That method is the one way a type says how it decodes, and the decoder
// honours it wherever the type appears (a field, a list element, a map
// value), as encoding/json does. It stays fast: the first value of a type
// shows whether the method forwards to Unmarshal; if it does, the decoder
// decodes each value in its own pass, so a body is read once however
// deeply these types nest, and then calls the method with the value's
// bytes, its call to Unmarshal returning at once. Whatever else the method
// does runs, nested or not.
//
// # What the decoder does
//
// It decodes exactly as encoding/json would into the same struct without
// methods, in one pass that also checks the JSON: the same member-name
// matching (exact name first, then the case-insensitive match of
// encoding/json, Unicode simple folding included), the same treatment of
// null, of type mismatches (noted, decoding goes on, the first is returned)
// and of values of foreign types, whose UnmarshalJSON it calls with the
// value's bytes. A member either fills a field or goes into Extra, never
// both. Types it does not decode itself (byte slices, arrays, maps with
// non-string keys, encoding.TextUnmarshaler types) are handed to
// encoding/json, value by value. Syntax errors are encoding/json's own
// *json.SyntaxError. On an error the value may be partly filled.
//
// Unmarshal copies the raw values it keeps (json.RawMessage fields, Extra
// values), as the json.Unmarshaler contract requires. UnmarshalOwned lets
// them share the input instead, for callers that hand the buffer over.
package jsonobj

import (
	"encoding/json"
	"reflect"
	"unsafe"
)

// Unmarshal decodes the JSON value data into the struct v points to, as
// v's UnmarshalJSON method; see the package documentation. Raw values kept
// in v are copies, so data may be reused afterwards.
func Unmarshal[T any](data []byte, v *T) error {
	rv := reflect.ValueOf(v)
	if v == nil || rv.Elem().Kind() != reflect.Struct {
		return &json.InvalidUnmarshalError{Type: rv.Type()}
	}
	if hit, decoded := forwarded(rv.Type().Elem(), unsafe.Pointer(v), data); hit && decoded {
		return nil // the decoder calling v's method has decoded v already
	}
	d := decoder{data: data}
	return d.run(structCodec(rv.Type().Elem()), rv.Elem())
}

// UnmarshalOwned is json.Unmarshal for a caller that gives data away: v,
// a non-nil pointer to any type, is decoded as json.Unmarshal decodes it,
// with the SDK's types decoded as Unmarshal does, except that raw values
// (json.RawMessage fields, Extra values) are slices of data rather than
// copies. The caller must not modify data afterwards.
func UnmarshalOwned(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &json.InvalidUnmarshalError{Type: reflect.TypeOf(v)}
	}
	d := decoder{data: data, owned: true}
	return d.run(codecFor(rv.Type().Elem()), rv.Elem())
}

// Take removes the member name from *extra, matching it as encoding/json
// matches a field's name (exactly, else without regard to case), and
// returns its value; *extra becomes nil when nothing else is left in it.
// It is for an UnmarshalJSON method that, after Unmarshal, decodes a
// member its fields do not model: another name of a field, or a member
// whose Go type depends on another's value.
func Take(extra *map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	key, found := name, false
	if _, found = (*extra)[name]; !found {
		want := string(appendFolded(nil, []byte(name)))
		for k := range *extra {
			if string(appendFolded(nil, []byte(k))) == want {
				key, found = k, true
				break
			}
		}
	}
	if !found {
		return nil, false
	}
	raw := (*extra)[key]
	delete(*extra, key)
	if len(*extra) == 0 {
		*extra = nil
	}
	return raw, true
}
