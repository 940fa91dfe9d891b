package skyvern_test

import (
	"encoding/json"
	"reflect"
	"sync"
	"testing"

	"github.com/skyvern-go/skyvern"
)

// plainTypes caches plainType's answers: building a type with
// reflect.StructOf is slow and every call would make a new one.
var plainTypes sync.Map // plainKey -> reflect.Type

type plainKey struct {
	t          reflect.Type
	keepValues bool
}

var (
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	// valueTypes are the SDK's value types that newPlainValues keeps.
	valueTypes = map[reflect.Type]bool{reflect.TypeFor[skyvern.Time](): true, reflect.TypeFor[skyvern.JSONObject](): true}
)

// plainType is the benchmarks' encoding/json baseline: the SDK type t with
// every method taken away, so that json.Unmarshal into it does the same
// work the plain way (no custom decoders, no datetime parsing, no Extra).
// Structs become unnamed structs of their exported fields with the same
// json tags, embedded structs inlined; a named type with its own JSON
// methods becomes its underlying basic kind, or json.RawMessage when it is
// a struct with no exported field of its own (Time, Secret); a union
// interface becomes json.RawMessage; a type met again inside itself becomes
// json.RawMessage too, since reflect cannot build recursive types. With
// keepValues, the value types skyvern.Time and skyvern.JSONObject stay
// themselves, so that the baseline decodes them as the SDK does.
func plainType(t reflect.Type, keepValues bool) reflect.Type {
	key := plainKey{t, keepValues}
	if p, ok := plainTypes.Load(key); ok {
		return p.(reflect.Type)
	}
	p := plainOf(t, map[reflect.Type]bool{}, keepValues)
	plainTypes.Store(key, p)
	return p
}

func plainOf(t reflect.Type, seen map[reflect.Type]bool, keepValues bool) reflect.Type {
	if keepValues && valueTypes[t] {
		return t
	}
	custom := t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) ||
		t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType)
	switch t.Kind() {
	case reflect.Pointer:
		return reflect.PointerTo(plainOf(t.Elem(), seen, keepValues))
	case reflect.Slice:
		if t == rawMessageType || t.Elem().Kind() == reflect.Uint8 {
			return t
		}
		return reflect.SliceOf(plainOf(t.Elem(), seen, keepValues))
	case reflect.Map:
		return reflect.MapOf(plainKind(t.Key()), plainOf(t.Elem(), seen, keepValues))
	case reflect.Interface:
		if t.NumMethod() > 0 { // a union: its members' shapes vary
			return rawMessageType
		}
		return t
	case reflect.Struct:
		if custom && !hasNamedField(t) || seen[t] {
			return rawMessageType
		}
		seen[t] = true
		defer delete(seen, t)
		var fields []reflect.StructField
		taken := map[string]bool{}
		for f := range plainFields(t, seen, keepValues) {
			if !taken[f.Name] {
				taken[f.Name] = true
				fields = append(fields, f)
			}
		}
		return reflect.StructOf(fields)
	default:
		return plainKind(t)
	}
}

// hasNamedField reports whether t has an exported field of its own (not
// embedded): a struct with JSON methods and none, like Time or Secret, is a
// scalar on the wire.
func hasNamedField(t reflect.Type) bool {
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && !f.Anonymous {
			return true
		}
	}
	return false
}

// plainKind is a basic type's unnamed kind (a string enum becomes string).
func plainKind(t reflect.Type) reflect.Type {
	switch t.Kind() {
	case reflect.String:
		return reflect.TypeFor[string]()
	case reflect.Bool:
		return reflect.TypeFor[bool]()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return reflect.TypeFor[int64]()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return reflect.TypeFor[uint64]()
	case reflect.Float32, reflect.Float64:
		return reflect.TypeFor[float64]()
	}
	return rawMessageType
}

// plainFields yields t's exported fields made plain, inlining embedded
// structs as encoding/json does, and dropping fields tagged "-".
func plainFields(t reflect.Type, seen map[reflect.Type]bool, keepValues bool) func(func(reflect.StructField) bool) {
	return func(yield func(reflect.StructField) bool) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Tag.Get("json") == "-" {
				continue
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				et := f.Type
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					for g := range plainFields(et, seen, keepValues) {
						if !yield(g) {
							return
						}
					}
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if !yield(reflect.StructField{Name: f.Name, Type: plainOf(f.Type, seen, keepValues), Tag: f.Tag}) {
				return
			}
		}
	}
}

// newPlain returns a pointer to a new zero plain T, for json.Unmarshal.
func newPlain[T any]() any {
	return reflect.New(plainType(reflect.TypeFor[T](), false)).Interface()
}

// newPlainValues is newPlain keeping the SDK's value types: Time, which
// parses Skyvern's datetimes, and JSONObject, which keeps numbers exact. It
// is the baseline of the decode benchmarks and of
// FuzzRunResponseAgreesWithEncodingJSON, whose decoders do that work too.
func newPlainValues[T any]() any {
	return reflect.New(plainType(reflect.TypeFor[T](), true)).Interface()
}

// TestPlainType checks the baseline type: no methods anywhere a decoder
// would look, and the same values decoded as the SDK type gets.
func TestPlainType(t *testing.T) {
	p := plainType(reflect.TypeFor[skyvern.RunResponse](), false)
	if p.NumMethod() != 0 || reflect.PointerTo(p).NumMethod() != 0 {
		t.Fatalf("%v has methods", p)
	}
	if p != plainType(reflect.TypeFor[skyvern.RunResponse](), false) {
		t.Fatal("plainType built the type twice")
	}
	plain := newPlain[skyvern.RunResponse]()
	if err := json.Unmarshal([]byte(benchRun), plain); err != nil {
		t.Fatal(err)
	}
	var sdk skyvern.RunResponse
	if err := json.Unmarshal([]byte(benchRun), &sdk); err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(plain).Elem()
	if got := v.FieldByName("RunID").String(); got != sdk.RunID {
		t.Errorf("RunID = %q, want %q", got, sdk.RunID)
	}
	if got := v.FieldByName("StepCount").Elem().Int(); got != int64(*sdk.StepCount) {
		t.Errorf("StepCount = %d, want %d", got, *sdk.StepCount)
	}
	if got := string(v.FieldByName("CreatedAt").Bytes()); got != `"2026-01-31T15:20:42.160725"` {
		t.Errorf("CreatedAt kept raw = %s", got)
	}
	if got := v.FieldByName("DownloadedFiles").Len(); got != len(sdk.DownloadedFiles) {
		t.Errorf("%d files, want %d", got, len(sdk.DownloadedFiles))
	}
}
