package browser

import (
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern"
)

// Schema returns the JSON schema of the type of v (v itself, or what it
// points to), as Extract and Prompt send it to shape Skyvern's answer:
//
//   - a struct is an object whose properties are its fields as
//     encoding/json encodes them (json tags, embedded structs, "-"
//     skipped); fields without omitempty or omitzero are required; a
//     field's `description:"..."` tag describes it to the AI;
//   - a slice or array is an array of its elements ([]byte: a string);
//   - a map with string keys is an object of its values;
//   - string, bool, the integer and float kinds and json.Number are
//     string, boolean, integer and number; time.Time and skyvern.Time are
//     strings in date-time format, as is any encoding.TextUnmarshaler;
//   - an interface, json.RawMessage and any other json.Unmarshaler accept
//     any value ({}), as does a type met again inside itself.
//
// It returns an error for v nil, and for a type with no JSON form (a
// channel, a function, a complex number).
func Schema(v any) (map[string]any, error) {
	if v == nil {
		return nil, fmt.Errorf("no value to derive a JSON schema from: pass a pointer to the value to decode into")
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return schemaOf(t, map[reflect.Type]bool{})
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	skyvernTimeType = reflect.TypeFor[skyvern.Time]()
	numberType      = reflect.TypeFor[json.Number]()
	rawType         = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textType        = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// schemaOf returns the schema of t; seen holds the types being described,
// to stop at a recursive type.
func schemaOf(t reflect.Type, seen map[reflect.Type]bool) (map[string]any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType, skyvernTimeType:
		return map[string]any{"type": "string", "format": "date-time"}, nil
	case numberType:
		return map[string]any{"type": "number"}, nil
	case rawType:
		return map[string]any{}, nil
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(unmarshalerType) {
		return map[string]any{}, nil
	}
	if pt.Implements(textType) {
		return map[string]any{"type": "string"}, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return map[string]any{"type": "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}, nil
	case reflect.String:
		return map[string]any{"type": "string"}, nil
	case reflect.Interface:
		return map[string]any{}, nil
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return map[string]any{"type": "string", "contentEncoding": "base64"}, nil
		}
		items, err := schemaOf(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "array", "items": items}, nil
	case reflect.Map:
		if k := t.Key(); k.Kind() != reflect.String && !reflect.PointerTo(k).Implements(textType) {
			if !isInteger(k.Kind()) {
				return nil, fmt.Errorf("%v has no JSON schema: JSON object keys are strings", t)
			}
		}
		vals, err := schemaOf(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "object", "additionalProperties": vals}, nil
	case reflect.Struct:
		if seen[t] {
			return map[string]any{}, nil
		}
		seen[t] = true
		defer delete(seen, t)
		props := map[string]any{}
		var required []string
		if err := structFields(t, seen, props, &required); err != nil {
			return nil, err
		}
		s := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		return s, nil
	}
	return nil, fmt.Errorf("%v has no JSON schema: encoding/json cannot decode into a %v", t, t.Kind())
}

func isInteger(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// structFields adds the properties of struct t to props, those of its
// untagged embedded structs included, as encoding/json flattens them (a
// field of the outer struct wins over one of the same name inside).
func structFields(t reflect.Type, seen map[reflect.Type]bool, props map[string]any, required *[]string) error {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		var (
			s   map[string]any
			err error
		)
		if hasOpt(opts, "string") {
			s = map[string]any{"type": "string"}
		} else if s, err = schemaOf(f.Type, seen); err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
		if d := f.Tag.Get("description"); d != "" {
			s = withDescription(s, d)
		}
		props[name] = s
		if !hasOpt(opts, "omitempty") && !hasOpt(opts, "omitzero") {
			*required = append(*required, name)
		}
	}
	for _, et := range embedded {
		if seen[et] {
			continue
		}
		inner := map[string]any{}
		var req []string
		if err := structFields(et, seen, inner, &req); err != nil {
			return err
		}
		for k, v := range inner {
			if _, ok := props[k]; !ok {
				props[k] = v
			}
		}
		for _, r := range req {
			if !slices.Contains(*required, r) {
				*required = append(*required, r)
			}
		}
	}
	return nil
}

// withDescription returns a copy of s with a description.
func withDescription(s map[string]any, d string) map[string]any {
	c := maps.Clone(s)
	c["description"] = d
	return c
}

func hasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}
