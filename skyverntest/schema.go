package skyverntest

import (
	"bytes"
	"encoding"
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

	"github.com/skyvern-go/skyvern/internal/wire"
)

// This file makes the SDK's own types the fake's schema. Requests are
// checked against the Go type they decode into, as Skyvern's server
// (FastAPI and pydantic v2) checks them against its models, and answered
// with the same 422 validation list; responses are rendered from SDK values
// with every member the type has, null where the value is unset, as the
// server writes its models.

// validationError is one entry of FastAPI's 422 list.
type validationError = wire.Object

func invalid(typ string, loc []any, msg string, input any, ctx wire.Object) validationError {
	e := wire.Object{
		{Key: "type", Value: typ},
		{Key: "loc", Value: loc},
		{Key: "msg", Value: msg},
		{Key: "input", Value: input},
	}
	if ctx != nil {
		e = append(e, wire.Member{Key: "ctx", Value: ctx})
	}
	return e
}

// field is a member of a struct type as encoding/json sees it.
type field struct {
	index    int
	name     string
	typ      reflect.Type
	optional bool      // omitempty or omitzero: may be absent, and unset renders as null
	how      renderHow // how renderField writes it, decided once for the type
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
			optional: strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero"), how: howOf(f.Type)})
	}
	v, _ := fieldCache.LoadOrStore(t, out)
	return v.([]field)
}

// render renders v, an SDK struct (or a pointer to one), as the server
// writes the model it stands for: every member in field order, unset ones
// as null, nested structs rendered the same way. Extra members are not
// rendered: the server writes only what its model has. Members named in
// drop are left out, for models of the server that lack them.
func render(v any, drop ...string) wire.Object {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	return renderStruct(rv, drop)
}

// renderStruct renders the struct value rv as render does.
func renderStruct(rv reflect.Value, drop []string) wire.Object {
	fields := fieldsOf(rv.Type())
	o := make(wire.Object, 0, len(fields))
	for _, f := range fields {
		if slices.Contains(drop, f.name) {
			continue
		}
		o = append(o, wire.Member{Key: f.name, Value: renderField(rv.Field(f.index), f.how, f.optional)})
	}
	return o
}

var (
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	isZeroer       = reflect.TypeFor[interface{ IsZero() bool }]()
	marshaler      = reflect.TypeFor[json.Marshaler]()
	textMarshaler  = reflect.TypeFor[encoding.TextMarshaler]()
)

// renderHow is how renderField writes a value of one type: the decisions
// that depend only on the type, taken once for it by howOf.
type renderHow uint8

const (
	howAsIs         renderHow = iota // the value as it is (null when nil)
	howString                        // a string kind, as a plain string
	howInt                           // an integer kind encoding/json writes as its digits
	howFloat                         // a float64 kind encoding/json writes as a number
	howBool                          // a bool kind encoding/json writes as true or false
	howNumber                        // a number kind with a JSON encoding of its own
	howStruct                        // a nested struct, rendered
	howZeroer                        // a struct with IsZero (a time): null when zero
	howZeroerStruct                  // the same, rendered when not zero
	howPtrStruct                     // a pointer to a struct, rendered
	howPtrPlain                      // a pointer to a plain string, number or bool
	howStructs                       // a slice of structs, each rendered
	howRaw                           // json.RawMessage: null when empty
)

// plain reports whether encoding/json writes values of t, a string,
// number or bool kind, as their plain value, with no method of their own.
func plain(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64, reflect.Bool:
	default:
		return false
	}
	pt := reflect.PointerTo(t)
	return !pt.Implements(marshaler) && !pt.Implements(textMarshaler)
}

// howOf decides how renderField writes values of type t.
func howOf(t reflect.Type) renderHow {
	switch t.Kind() {
	case reflect.Pointer:
		switch e := t.Elem(); {
		case e.Kind() == reflect.Struct && !t.Implements(isZeroer):
			return howPtrStruct
		case plain(e):
			return howPtrPlain
		}
	case reflect.Slice:
		if t == rawMessageType {
			return howRaw
		}
		if t.Elem().Kind() == reflect.Struct && !t.Elem().Implements(isZeroer) { // times encode themselves
			return howStructs
		}
	case reflect.String:
		return howString
	case reflect.Int, reflect.Int64, reflect.Int32:
		if plain(t) {
			return howInt
		}
		return howNumber
	case reflect.Float64:
		if plain(t) {
			return howFloat
		}
		return howNumber
	case reflect.Bool:
		if plain(t) {
			return howBool
		}
	case reflect.Struct:
		switch z, m := t.Implements(isZeroer), t.Implements(marshaler); {
		case z && m:
			return howZeroer
		case z:
			return howZeroerStruct
		case !m:
			return howStruct
		}
	}
	return howAsIs
}

// renderField returns the value to write for one field, of the kind how
// says: null for an unset pointer, slice, map, interface, time or
// (optional) string or number; a nested struct rendered with all its
// members; anything else as it is, plain strings, numbers and bools as
// their Go value (cheaper to encode).
func renderField(v reflect.Value, how renderHow, optional bool) any {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		if v.IsNil() {
			return nil
		}
	}
	switch how {
	case howString:
		if optional && v.Len() == 0 {
			return nil
		}
		return v.String() // named string types as plain strings
	case howInt, howFloat, howNumber:
		if optional && v.IsZero() {
			return nil // an unset number; a bool, by contrast, is false
		}
		switch how {
		case howInt:
			return v.Int()
		case howFloat:
			return v.Float()
		}
	case howBool:
		return v.Bool()
	case howStruct:
		return renderStruct(v, nil)
	case howZeroer, howZeroerStruct:
		i := v.Interface()
		if i.(interface{ IsZero() bool }).IsZero() {
			return nil
		}
		if how == howZeroerStruct {
			return renderStruct(v, nil)
		}
		return i
	case howPtrStruct:
		return renderStruct(v.Elem(), nil)
	case howPtrPlain:
		switch e := v.Elem(); e.Kind() {
		case reflect.String:
			return e.String()
		case reflect.Float64:
			return e.Float()
		case reflect.Bool:
			return e.Bool()
		default:
			return e.Int()
		}
	case howStructs:
		list := make([]wire.Object, v.Len())
		for i := range list {
			list[i] = renderStruct(v.Index(i), nil)
		}
		return list
	case howRaw:
		if v.Len() == 0 {
			return nil
		}
	}
	return v.Interface()
}

var enumCache sync.Map // reflect.Type -> bool

// enumOf reports whether values of type t are an enum of the SDK: a string
// type with an IsKnown method, or one whose constants enumValues lists.
func enumOf(t reflect.Type) bool {
	if t.Kind() != reflect.String {
		return false
	}
	if v, ok := enumCache.Load(t); ok {
		return v.(bool)
	}
	_, ok := t.MethodByName("IsKnown")
	if !ok {
		_, ok = enumValues[t]
	}
	enumCache.Store(t, ok)
	return ok
}

// knownEnum reports whether v, of an enum type, holds one of its values.
func knownEnum(v reflect.Value) bool {
	if k, ok := v.Interface().(interface{ IsKnown() bool }); ok {
		return k.IsKnown()
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
	return invalid("enum", loc, "Input should be "+expected, input, wire.Object{{Key: "expected", Value: expected}})
}

// checkEnums walks a decoded value and reports each enum-typed field (or
// element, or the dynamic value of an interface field such as a Proxy)
// that holds a value its type does not know. Values whose type cannot hold
// an enum (mayHoldEnum) are not walked.
func checkEnums(loc []any, v reflect.Value, errs []validationError) []validationError {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if !v.IsNil() {
			errs = checkEnums(loc, v.Elem(), errs)
		}
	case reflect.Struct:
		for _, f := range fieldsOf(v.Type()) {
			if mayHoldEnum(f.typ) {
				errs = checkEnums(append(slices.Clip(loc), f.name), v.Field(f.index), errs)
			}
		}
	case reflect.Slice:
		if mayHoldEnum(v.Type()) {
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

var mayHoldCache sync.Map // reflect.Type -> bool

// mayHoldEnum reports whether checkEnums can find an enum in a value of
// type t: an enum string, an interface (whose dynamic value may be one),
// or a pointer, struct or slice (of strings or structs) leading to one.
func mayHoldEnum(t reflect.Type) bool {
	if v, ok := mayHoldCache.Load(t); ok {
		return v.(bool)
	}
	return mayHold(t, map[reflect.Type]bool{})
}

func mayHold(t reflect.Type, visiting map[reflect.Type]bool) bool {
	if v, ok := mayHoldCache.Load(t); ok {
		return v.(bool)
	}
	if visiting[t] {
		return true // a cycle: decided where it started, checked to be safe meanwhile
	}
	visiting[t] = true
	var holds bool
	switch t.Kind() {
	case reflect.Interface:
		holds = true
	case reflect.Pointer:
		holds = mayHold(t.Elem(), visiting)
	case reflect.Slice:
		if k := t.Elem().Kind(); k == reflect.String || k == reflect.Struct {
			holds = mayHold(t.Elem(), visiting)
		}
	case reflect.Struct:
		for _, f := range fieldsOf(t) {
			if mayHold(f.typ, visiting) {
				holds = true
				break
			}
		}
	case reflect.String:
		holds = enumOf(t)
	}
	delete(visiting, t)
	if len(visiting) == 0 {
		mayHoldCache.Store(t, holds) // only outside a cycle, where a guess was made
	}
	return holds
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
	if trimmed[0] == '{' {
		var m map[string]json.RawMessage
		if json.Unmarshal(trimmed, &m) == nil {
			return m, nil // valid, and an object: one pass
		}
	}
	if !json.Valid(trimmed) {
		// Python reports where the value it expected was missing.
		pos := len(trimmed)
		var syn *json.SyntaxError
		if err := json.Unmarshal(trimmed, new(any)); errors.As(err, &syn) && syn.Offset < int64(len(trimmed)) {
			pos = int(max(syn.Offset-1, 0))
		}
		return nil, []validationError{invalid("json_invalid", []any{"body", pos}, "JSON decode error",
			map[string]any{}, wire.Object{{Key: "error", Value: "Expecting value"}})}
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
			map[string]any{}, wire.Object{{Key: "error", Value: err.Error()}})}
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
		found := false
		for a := range strings.SplitSeq(r, "|") {
			if _, found = m[a]; found {
				break
			}
		}
		if !found {
			first, _, _ := strings.Cut(r, "|")
			missing(first)
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
		// raw is valid JSON: a string when it is quoted.
		if raw[0] != '"' {
			return one(invalid("string_type", loc, "Input should be a valid string", rawValue(raw), nil))
		}
		if enumOf(base) {
			var s string
			if bytes.IndexByte(raw, '\\') < 0 {
				s = string(raw[1 : len(raw)-1])
			} else {
				json.Unmarshal(raw, &s)
			}
			if !knownEnum(reflect.ValueOf(s).Convert(base)) {
				return one(enumError(loc, base, s))
			}
		}
	case reflect.Bool:
		if string(raw) != "true" && string(raw) != "false" {
			return one(invalid("bool_type", loc, "Input should be a valid boolean", rawValue(raw), nil))
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if isNumber(raw) && len(raw) < 300 && !bytes.ContainsAny(raw, ".eE") {
			return nil // an integer literal a float64 holds
		}
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return one(invalid("int_type", loc, "Input should be a valid integer", rawValue(raw), nil))
		}
		if f, err := n.Float64(); err != nil || f != math.Trunc(f) {
			return one(invalid("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", rawValue(raw), nil))
		}
	case reflect.Float64:
		if isNumber(raw) {
			return nil
		}
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return one(invalid("float_type", loc, "Input should be a valid number", rawValue(raw), nil))
		}
	case reflect.Map:
		var obj map[string]json.RawMessage
		if raw[0] != '{' || json.Unmarshal(raw, &obj) != nil {
			return one(invalid("dict_type", loc, "Input should be a valid dictionary", rawValue(raw), nil))
		}
		var errs []validationError
		for _, k := range sortedKeys(obj) {
			errs = append(errs, checkValue(append(slices.Clip(loc), k), obj[k], base.Elem())...)
		}
		return errs
	case reflect.Slice:
		var list []json.RawMessage
		if raw[0] != '[' || json.Unmarshal(raw, &list) != nil {
			return one(invalid("list_type", loc, "Input should be a valid list", rawValue(raw), nil))
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
				"Input should be a valid dictionary or object to extract fields from", rawValue(raw), nil))
		}
		return checkObject(loc, m, raw, base, nil)
	}
	return nil
}

// isNumber reports whether raw, valid JSON, is a number literal.
func isNumber(raw []byte) bool { return raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9' }

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

// length bounds the characters of a string query parameter, or the
// values of a list one (0: no bound).
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
			if lim.maxLen > 0 && len(vals) > lim.maxLen { // pydantic's max_length of a list
				errs = append(errs, invalid("too_long", loc, fmt.Sprintf("List should have at most %d items after validation, not %d", lim.maxLen, len(vals)),
					vals, wire.Object{{Key: "field_type", Value: "List"}, {Key: "max_length", Value: lim.maxLen}, {Key: "actual_length", Value: len(vals)}}))
				continue
			}
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
				s, wire.Object{{Key: "ge", Value: lim.ge}}))
		case lim.le > 0 && n > lim.le:
			return one(invalid("less_than_equal", loc, fmt.Sprintf("Input should be less than or equal to %d", lim.le),
				s, wire.Object{{Key: "le", Value: lim.le}}))
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
				s, wire.Object{{Key: "min_length", Value: lim.minLen}}))
		case lim.maxLen > 0 && n > lim.maxLen:
			return one(invalid("string_too_long", loc, fmt.Sprintf("String should have at most %d characters", lim.maxLen),
				s, wire.Object{{Key: "max_length", Value: lim.maxLen}}))
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
