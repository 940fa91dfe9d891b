package skyverntest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/skyvern-go/skyvern/webhooks"
)

// This file makes the SDK's own types the fake's schema. Requests are
// checked against the Go type they decode into, as Skyvern's server
// (FastAPI and pydantic v2) checks them against its models, and answered
// with the same 422 validation list; responses are rendered from SDK values
// with every member the type has, null where the value is unset, as the
// server writes its models.

// validationError is one entry of FastAPI's 422 list.
type validationError = webhooks.Object

func invalid(typ string, loc []any, msg string, input any, ctx webhooks.Object) validationError {
	e := webhooks.Object{
		{Key: "type", Value: typ},
		{Key: "loc", Value: loc},
		{Key: "msg", Value: msg},
		{Key: "input", Value: input},
	}
	if ctx != nil {
		e = append(e, webhooks.Member{Key: "ctx", Value: ctx})
	}
	return e
}

// field is a member of a struct type as encoding/json sees it.
type field struct {
	index    int
	name     string
	typ      reflect.Type
	optional bool // omitempty or omitzero: may be absent, and unset renders as null
}

var fieldCache sync.Map // reflect.Type -> []field

// fieldsOf returns the JSON members of struct type t, in field order.
// Fields tagged "-" and unexported fields are left out.
func fieldsOf(t reflect.Type) []field {
	if v, ok := fieldCache.Load(t); ok {
		return v.([]field)
	}
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		out = append(out, field{index: i, name: name, typ: f.Type,
			optional: strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")})
	}
	v, _ := fieldCache.LoadOrStore(t, out)
	return v.([]field)
}

// render renders v, an SDK struct (or a pointer to one), as the server
// writes the model it stands for: every member in field order, unset ones
// as null, nested structs rendered the same way. Extra members are not
// rendered: the server writes only what its model has. Members named in
// drop are left out, for models of the server that lack them.
func render(v any, drop ...string) webhooks.Object {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	fields := fieldsOf(rv.Type())
	o := make(webhooks.Object, 0, len(fields))
	for _, f := range fields {
		if slices.Contains(drop, f.name) {
			continue
		}
		o = append(o, webhooks.Member{Key: f.name, Value: renderField(rv.Field(f.index), f.optional)})
	}
	return o
}

var (
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	isZeroer       = reflect.TypeFor[interface{ IsZero() bool }]()
	marshaler      = reflect.TypeFor[json.Marshaler]()
)

// renderField returns the value to write for one field: null for an unset
// pointer, slice, map, interface, time or (optional) string; a nested
// struct rendered with all its members; anything else as it is.
func renderField(v reflect.Value, optional bool) any {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct && !v.Type().Implements(isZeroer) {
			return render(v.Interface())
		}
	case reflect.Slice:
		if v.IsNil() || v.Type() == rawMessageType && v.Len() == 0 {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Struct && !v.Type().Elem().Implements(isZeroer) { // times encode themselves
			list := make([]webhooks.Object, v.Len())
			for i := range list {
				list[i] = render(v.Index(i).Interface())
			}
			return list
		}
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
	case reflect.String:
		if optional && v.Len() == 0 {
			return nil
		}
		return v.String() // named string types as plain strings: cheaper to encode
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64:
		if optional && v.IsZero() {
			return nil // an unset number; a bool, by contrast, is false
		}
	case reflect.Struct:
		if v.Type().Implements(isZeroer) && v.Interface().(interface{ IsZero() bool }).IsZero() {
			return nil
		}
		if !v.Type().Implements(marshaler) {
			return render(v.Interface())
		}
	}
	return v.Interface()
}

// enumOf reports whether values of type t are an enum of the SDK: a string
// type with an IsKnown method, or one whose constants enumValues lists.
func enumOf(t reflect.Type) bool {
	if t.Kind() != reflect.String {
		return false
	}
	if _, ok := t.MethodByName("IsKnown"); ok {
		return true
	}
	_, ok := enumValues[t]
	return ok
}

// knownEnum reports whether v, of an enum type, holds one of its values.
func knownEnum(v reflect.Value) bool {
	if m := v.MethodByName("IsKnown"); m.IsValid() {
		if out := m.Call(nil); len(out) == 1 && out[0].Kind() == reflect.Bool {
			return out[0].Bool()
		}
	}
	return slices.Contains(enumValues[v.Type()], v.String())
}

// enumError is pydantic's error for a value outside an enum.
func enumError(loc []any, t reflect.Type, input any) validationError {
	vals := enumValues[t]
	quoted := make([]string, len(vals))
	for i, v := range vals {
		quoted[i] = "'" + v + "'"
	}
	expected := strings.Join(quoted, ", ")
	if n := len(quoted); n > 1 {
		expected = strings.Join(quoted[:n-1], ", ") + " or " + quoted[n-1]
	}
	return invalid("enum", loc, "Input should be "+expected, input, webhooks.Object{{Key: "expected", Value: expected}})
}

// checkEnums walks a decoded value and reports each enum-typed field (or
// element, or the dynamic value of an interface field such as a Proxy)
// that holds a value its type does not know.
func checkEnums(loc []any, v reflect.Value, errs []validationError) []validationError {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if !v.IsNil() {
			errs = checkEnums(loc, v.Elem(), errs)
		}
	case reflect.Struct:
		for _, f := range fieldsOf(v.Type()) {
			errs = checkEnums(append(slices.Clip(loc), f.name), v.Field(f.index), errs)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.String || v.Type().Elem().Kind() == reflect.Struct {
			for i := range v.Len() {
				errs = checkEnums(append(slices.Clip(loc), i), v.Index(i), errs)
			}
		}
	case reflect.String:
		if v.Len() > 0 && enumOf(v.Type()) && !knownEnum(v) {
			errs = append(errs, enumError(loc, v.Type(), v.String()))
		}
	}
	return errs
}

// members decodes a JSON object body into its members, or returns the
// validation errors FastAPI answers for a body that is not one. An empty
// body is missing unless optional; then it, and null, give a nil map.
func members(body []byte, optional bool) (map[string]json.RawMessage, []validationError) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		if optional {
			return nil, nil
		}
		return nil, []validationError{invalid("missing", []any{"body"}, "Field required", nil, nil)}
	}
	if !json.Valid(trimmed) {
		// Python reports where the value it expected was missing.
		pos := len(trimmed)
		var syn *json.SyntaxError
		if err := json.Unmarshal(trimmed, new(any)); errors.As(err, &syn) && syn.Offset < int64(len(trimmed)) {
			pos = int(max(syn.Offset-1, 0))
		}
		return nil, []validationError{invalid("json_invalid", []any{"body", pos}, "JSON decode error",
			map[string]any{}, webhooks.Object{{Key: "error", Value: "Expecting value"}})}
	}
	if string(trimmed) == "null" && optional {
		return nil, nil
	}
	if trimmed[0] != '{' {
		return nil, []validationError{invalid("model_attributes_type", []any{"body"},
			"Input should be a valid dictionary or object to extract fields from", json.RawMessage(trimmed), nil)}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &m); err != nil {
		return nil, []validationError{invalid("json_invalid", []any{"body", 0}, "JSON decode error",
			map[string]any{}, webhooks.Object{{Key: "error", Value: err.Error()}})}
	}
	return m, nil
}

// checkObject checks the members m of the object at loc (whole is its
// JSON, which a missing member's error quotes) against struct type t, as
// pydantic checks them against the model t stands for. A member is
// required when its field is not omitempty or omitzero, or when it is
// named in required; "a|b" there requires a or b. Members t does not have
// are ignored, as pydantic ignores them. Nested struct fields are checked
// the same way.
func checkObject(loc []any, m map[string]json.RawMessage, whole []byte, t reflect.Type, required []string) []validationError {
	var errs []validationError
	missing := func(name string) {
		errs = append(errs, invalid("missing", append(slices.Clip(loc), name), "Field required",
			json.RawMessage(bytes.TrimSpace(whole)), nil))
	}
	for _, r := range required {
		alts := strings.Split(r, "|")
		if !slices.ContainsFunc(alts, func(a string) bool { _, ok := m[a]; return ok }) {
			missing(alts[0])
		}
	}
	for _, f := range fieldsOf(t) {
		raw, ok := m[f.name]
		if !ok {
			if !f.optional {
				missing(f.name)
			}
			continue
		}
		errs = append(errs, checkValue(append(slices.Clip(loc), f.name), raw, f.typ)...)
	}
	return errs
}

// checkValue checks one JSON value against the Go type it decodes into.
func checkValue(loc []any, raw json.RawMessage, t reflect.Type) []validationError {
	raw = bytes.TrimSpace(raw)
	input := rawValue(raw)
	null := string(raw) == "null"
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if null {
		// Pointers, maps, slices, interfaces and strings stand for
		// nullable members; a plain bool or number does not.
		switch t.Kind() {
		case reflect.Bool:
			return []validationError{invalid("bool_type", loc, "Input should be a valid boolean", nil, nil)}
		case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64:
			return []validationError{invalid("int_type", loc, "Input should be a valid integer", nil, nil)}
		}
		return nil
	}
	one := func(e validationError) []validationError { return []validationError{e} }
	switch {
	case base == rawMessageType || base.Kind() == reflect.Interface:
		return nil // any JSON value
	case base.Implements(marshaler) && base.Kind() == reflect.Struct && base.NumField() == 1:
		return nil // a value type of its own, such as a time
	}
	switch base.Kind() {
	case reflect.String:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return one(invalid("string_type", loc, "Input should be a valid string", input, nil))
		}
		if enumOf(base) && !knownEnum(reflect.ValueOf(s).Convert(base)) {
			return one(enumError(loc, base, s))
		}
	case reflect.Bool:
		if string(raw) != "true" && string(raw) != "false" {
			return one(invalid("bool_type", loc, "Input should be a valid boolean", input, nil))
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return one(invalid("int_type", loc, "Input should be a valid integer", input, nil))
		}
		if f, err := n.Float64(); err != nil || f != math.Trunc(f) {
			return one(invalid("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", input, nil))
		}
	case reflect.Float64:
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return one(invalid("float_type", loc, "Input should be a valid number", input, nil))
		}
	case reflect.Map:
		var obj map[string]json.RawMessage
		if raw[0] != '{' || json.Unmarshal(raw, &obj) != nil {
			return one(invalid("dict_type", loc, "Input should be a valid dictionary", input, nil))
		}
		var errs []validationError
		for _, k := range sortedKeys(obj) {
			errs = append(errs, checkValue(append(slices.Clip(loc), k), obj[k], base.Elem())...)
		}
		return errs
	case reflect.Slice:
		var list []json.RawMessage
		if raw[0] != '[' || json.Unmarshal(raw, &list) != nil {
			return one(invalid("list_type", loc, "Input should be a valid list", input, nil))
		}
		var errs []validationError
		for i, item := range list {
			errs = append(errs, checkValue(append(slices.Clip(loc), i), item, base.Elem())...)
		}
		return errs
	case reflect.Struct:
		m, errs := members(raw, false)
		if errs != nil {
			return one(invalid("model_attributes_type", loc,
				"Input should be a valid dictionary or object to extract fields from", input, nil))
		}
		return checkObject(loc, m, raw, base, nil)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// limit bounds a query parameter, as FastAPI's Query(ge=, le=,
// min_length=, max_length=) does. Zero means no bound, except that ge is
// given with hasGE.
type limit struct {
	ge, le         int
	hasGE          bool
	minLen, maxLen int
}

// between bounds an integer query parameter to lo..hi (hi 0: no upper bound).
func between(lo, hi int) limit { return limit{ge: lo, hasGE: true, le: hi} }

// length bounds the characters of a string query parameter (0: no bound).
func length(lo, hi int) limit { return limit{minLen: lo, maxLen: hi} }

// decodeQuery fills the struct *dst from q by its fields' url tags (the
// tags go-querystring encodes the SDK's params with), as FastAPI reads
// query parameters: the last value of a repeated scalar, every value of a
// list, integers and booleans parsed as pydantic parses them, enums
// checked, and the limits applied.
func decodeQuery(q url.Values, dst reflect.Value, limits map[string]limit) []validationError {
	var errs []validationError
	t := dst.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			errs = append(errs, decodeQuery(q, dst.Field(i), limits)...)
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("url"), ",")
		if name == "" || name == "-" {
			continue
		}
		vals := q[name]
		if len(vals) == 0 {
			continue
		}
		fv := dst.Field(i)
		loc := []any{"query", name}
		lim := limits[name]
		if fv.Kind() == reflect.Slice {
			list := reflect.MakeSlice(fv.Type(), len(vals), len(vals))
			for j, v := range vals {
				errs = append(errs, setScalar(list.Index(j), append(slices.Clip(loc), j), v, limit{})...)
			}
			fv.Set(list)
			continue
		}
		errs = append(errs, setScalar(fv, loc, vals[len(vals)-1], lim)...)
	}
	return errs
}

// setScalar parses one query value into v.
func setScalar(v reflect.Value, loc []any, s string, lim limit) []validationError {
	one := func(e validationError) []validationError { return []validationError{e} }
	switch v.Kind() {
	case reflect.Pointer: // an optional parameter, such as *bool
		p := reflect.New(v.Type().Elem())
		if errs := setScalar(p.Elem(), loc, s, lim); errs != nil {
			return errs
		}
		v.Set(p)
	case reflect.Int:
		n, err := strconv.Atoi(strings.TrimSpace(s))
		switch {
		case err != nil:
			return one(invalid("int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer", s, nil))
		case lim.hasGE && n < lim.ge:
			return one(invalid("greater_than_equal", loc, fmt.Sprintf("Input should be greater than or equal to %d", lim.ge),
				s, webhooks.Object{{Key: "ge", Value: lim.ge}}))
		case lim.le > 0 && n > lim.le:
			return one(invalid("less_than_equal", loc, fmt.Sprintf("Input should be less than or equal to %d", lim.le),
				s, webhooks.Object{{Key: "le", Value: lim.le}}))
		}
		v.SetInt(int64(n))
	case reflect.Bool:
		switch strings.ToLower(s) {
		case "1", "on", "t", "true", "y", "yes":
			v.SetBool(true)
		case "0", "off", "f", "false", "n", "no":
			v.SetBool(false)
		default:
			return one(invalid("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", s, nil))
		}
	case reflect.String:
		switch n := utf8.RuneCountInString(s); {
		case n < lim.minLen:
			return one(invalid("string_too_short", loc, fmt.Sprintf("String should have at least %d characters", lim.minLen),
				s, webhooks.Object{{Key: "min_length", Value: lim.minLen}}))
		case lim.maxLen > 0 && n > lim.maxLen:
			return one(invalid("string_too_long", loc, fmt.Sprintf("String should have at most %d characters", lim.maxLen),
				s, webhooks.Object{{Key: "max_length", Value: lim.maxLen}}))
		}
		v.SetString(s)
		if enumOf(v.Type()) && !knownEnum(v) {
			return one(enumError(loc, v.Type(), s))
		}
	}
	return nil
}

// formatErrors writes a validation list as one line, the way Skyvern
// reports a model it validates itself (rather than FastAPI's request
// validation): "loc -> loc: msg; ...", without the "body" part.
func formatErrors(errs []validationError) string {
	parts := make([]string, 0, len(errs))
	for _, e := range errs {
		var locs []string
		var msg string
		for _, m := range e {
			switch m.Key {
			case "loc":
				for _, p := range m.Value.([]any) {
					if p != "body" {
						locs = append(locs, fmt.Sprint(p))
					}
				}
			case "msg":
				msg = m.Value.(string)
			}
		}
		if len(locs) > 0 {
			msg = strings.Join(locs, " -> ") + ": " + msg
		}
		parts = append(parts, msg)
	}
	return strings.Join(parts, "; ")
}

// rawValue returns a JSON value as it was sent, or null.
func rawValue(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	return raw
}
