package jsonobj

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"sync"
)

// encoder is how a struct type is encoded: as a method-less struct type
// with the same fields (so that encoding/json does the work without
// calling the type's MarshalJSON again), then its Extra members.
type encoder struct {
	mirror reflect.Type // pointer to the method-less struct
	extra  int
	plan   *structPlan
	err    error
}

var encoders sync.Map // reflect.Type -> *encoder

func encoderFor(t reflect.Type) *encoder {
	if e, ok := encoders.Load(t); ok {
		return e.(*encoder)
	}
	e := &encoder{extra: -1}
	if t.Kind() != reflect.Struct {
		e.err = fmt.Errorf("jsonobj: cannot encode %v: not a struct", t)
	} else {
		e.extra = extraIndex(t)
		e.plan = structCodec(t).plan
		fields := make([]reflect.StructField, t.NumField())
		for i := range fields {
			f := t.Field(i)
			fields[i] = reflect.StructField{Name: f.Name, PkgPath: f.PkgPath, Type: f.Type, Tag: f.Tag, Anonymous: f.Anonymous}
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					e.err = fmt.Errorf("jsonobj: cannot encode %v: %v", t, r)
				}
			}()
			e.mirror = reflect.PointerTo(reflect.StructOf(fields))
		}()
	}
	got, _ := encoders.LoadOrStore(t, e)
	return got.(*encoder)
}

// Marshal encodes v, a struct, as its MarshalJSON method: its fields as
// encoding/json encodes them, then the members of its Extra field in
// sorted order, so that the output is deterministic. A member of Extra
// whose name a field already wrote is skipped; one whose name matches a
// field that was left out (an omitempty field at its zero value) is
// written, which lets a caller send an explicit null or zero for such a
// field.
func Marshal[T any](v T) ([]byte, error) {
	e := encoderFor(reflect.TypeFor[T]())
	if e.err != nil {
		return nil, e.err
	}
	p := reflect.ValueOf(&v)
	b, err := json.Marshal(p.Convert(e.mirror).Interface())
	if err != nil || e.extra < 0 {
		return b, err
	}
	return appendExtra(b, p.Elem().Field(e.extra).Interface().(map[string]json.RawMessage), e.plan)
}

// Member is a member of a JSON object: its name and its value.
type Member struct {
	Name  string
	Value json.RawMessage
}

// SetMembers returns obj, a JSON object as Marshal writes it, with the
// value of each of members in place of the value of obj's member of the
// same name, or, when obj has none, added at its end. It is for a
// MarshalJSON method, or another encoding of a type, that writes some
// members differently from the fields (a secret revealed, a member whose
// value is worked out).
func SetMembers(obj []byte, members ...Member) ([]byte, error) {
	for _, m := range members {
		if !Valid(m.Value) {
			return nil, fmt.Errorf("jsonobj: member %q is not valid JSON", m.Name)
		}
	}
	done := make([]bool, len(members))
	out := make([]byte, 0, len(obj)+64)
	out = append(out, '{')
	write := func(key, value []byte) {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, key...)
		out = append(out, ':')
		out = append(out, value...)
	}
	err := Members(obj, func(key, value []byte) error {
		name := string(unquoteKey(key))
		for i, m := range members {
			if !done[i] && m.Name == name {
				done[i] = true
				value = m.Value
				break
			}
		}
		write(append([]byte{'"'}, append(key, '"')...), value)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, m := range members {
		if !done[i] {
			k, _ := json.Marshal(m.Name)
			write(k, m.Value)
		}
	}
	return append(out, '}'), nil
}

// appendExtra appends the members of extra to b, the encoding of a struct
// with plan p.
func appendExtra(b []byte, extra map[string]json.RawMessage, p *structPlan) ([]byte, error) {
	if len(extra) == 0 {
		return b, nil
	}
	keys := make([]string, 0, len(extra))
	var written map[string]bool
	for k := range extra {
		if f := p.exact[k]; f != nil {
			if !f.omit {
				continue // always written by the struct itself
			}
			if written == nil {
				written = map[string]bool{}
				_ = Members(b, func(key, _ []byte) error {
					written[string(unquoteKey(key))] = true
					return nil
				})
			}
			if written[k] {
				continue
			}
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return b, nil
	}
	sort.Strings(keys)
	size := len(b)
	for _, k := range keys {
		size += len(k) + len(extra[k]) + 8
	}
	out := bytes.NewBuffer(make([]byte, 0, size))
	out.Write(b[:len(b)-1]) // without the closing brace
	first := len(b) == 2
	for _, k := range keys {
		raw := extra[k]
		if len(raw) == 0 {
			raw = json.RawMessage("null")
		} else if !Valid(raw) {
			return nil, fmt.Errorf("jsonobj: extra member %q is not valid JSON", k)
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

// unquoteKey decodes a checked member name as encoding/json does.
func unquoteKey(key []byte) []byte {
	for _, c := range key {
		if !plainByte[c] {
			return unquote(nil, key)
		}
	}
	return key
}

// Members calls fn for each member of the JSON object in data, with the
// member's name as it appears between its quotes (escapes not decoded) and
// its raw value. data must be valid JSON (as after json.Valid or a
// successful json.Unmarshal); a value that is not an object yields no calls.
func Members(data []byte, fn func(key, value []byte) error) error {
	d := decoder{data: data}
	d.ws()
	if d.i >= len(data) || data[d.i] != '{' {
		return nil
	}
	d.i++
	d.ws()
	if d.i < len(data) && data[d.i] == '}' {
		return nil
	}
	for {
		ks := d.i + 1
		if _, _, err := d.scanString(); err != nil {
			return err
		}
		key := data[ks : d.i-1]
		if err := d.colon(); err != nil {
			return err
		}
		start := d.i
		if err := d.skip(); err != nil {
			return err
		}
		if err := fn(key, data[start:d.i]); err != nil {
			return err
		}
		more, err := d.next('}')
		if err != nil || !more {
			return err
		}
	}
}
