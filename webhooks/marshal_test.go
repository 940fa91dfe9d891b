package webhooks_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
	"github.com/skyvern-go/skyvern/webhooks"
)

// The expected bytes below are written by hand from the serialisation rules
// of Skyvern's server (compact separators, raw UTF-8, Python's escapes,
// whole floats as integers, Python's float repr).
func TestMarshalWritesSkyvernsBytes(t *testing.T) {
	created, err := skyvern.ParseTime("2026-01-31T15:20:42.160725")
	require.NoError(t, err)

	tests := []struct {
		name string
		v    any
		want string
	}{
		// Key order.
		{"an ordered Object keeps its key order", wire.Object{{Key: "z", Value: 1}, {Key: "a", Value: 2}, {Key: "m", Value: 3}}, `{"z":1,"a":2,"m":3}`},
		{"a map is written with its keys sorted", map[string]any{"b": 1, "a": 2, "c": 3}, `{"a":2,"b":1,"c":3}`},
		{"a struct is written in field order under its json tags", struct {
			Zeta  string `json:"zeta"`
			Alpha int    `json:"alpha,omitempty"`
			Empty int    `json:"empty,omitempty"`
			Skip  string `json:"-"`
		}{"z", 1, 0, "x"}, `{"zeta":"z","alpha":1}`},
		{"a nil Object is an empty object", wire.Object(nil), `{}`},
		{"a nil slice is null", []int(nil), `null`},

		// Strings.
		{"HTML characters are written raw", `<a href="/x">&amp;</a>`, `"<a href=\"/x\">&amp;</a>"`},
		{"U+2028 and U+2029 are written raw", "a\u2028b\u2029c", "\"a\xe2\x80\xa8b\xe2\x80\xa9c\""},
		{"emoji and accented letters are written as UTF-8", "😀 é €", "\"\xf0\x9f\x98\x80 \xc3\xa9 \xe2\x82\xac\""},
		{"quote and backslash are escaped", `say "hi" \o/`, `"say \"hi\" \\o/"`},
		{"control characters use short escapes where Python has one", "\n\r\t\b\f", `"\n\r\t\b\f"`},
		{"other control characters use lower-case \\u00XX", "\x00\x01\x1b\x1f", `"\u0000\u0001\u001b\u001f"`},
		{"DEL is not a control character for Python's json", "\x7f", "\"\x7f\""},
		{"escapes in keys follow the same rules", map[string]int{"<k>\n": 1}, `{"<k>\n":1}`},
		{"invalid UTF-8 has become U+FFFD", "a\xffb", "\"a\xef\xbf\xbdb\""},

		// Numbers.
		{"a whole float is an integer", 3.0, `3`},
		{"a negative whole float is an integer", -2.0, `-2`},
		{"negative zero is zero", math.Copysign(0, -1), `0`},
		{"1e20 is written out in full", 1e20, `100000000000000000000`},
		{"1e21 is written out in full", 1e21, `1000000000000000000000`},
		{"1e23 is written as the float's exact integer", 1e23, `99999999999999991611392`},
		{"0.1 keeps its shortest digits", 0.1, `0.1`},
		{"a float that needs 17 digits keeps them", 0.30000000000000004, `0.30000000000000004`},
		{"1e-4 stays in fixed notation", 0.0001, `0.0001`},
		{"1e-5 switches to scientific notation", 0.00001, `1e-05`},
		{"1e-07 has a two-digit exponent", 1e-07, `1e-07`},
		{"1.5e-07 keeps its mantissa", 1.5e-07, `1.5e-07`},
		{"a negative tiny float", -2.5e-10, `-2.5e-10`},
		{"a large non-whole float stays fixed", 1234567890123456.5, `1234567890123456.5`},
		{"an int64 is written as is", int64(math.MaxInt64), `9223372036854775807`},
		{"a uint64 beyond int64 is written as is", uint64(math.MaxUint64), `18446744073709551615`},
		{"an integer literal of any size is kept", json.Number("123456789012345678901234567890"), `123456789012345678901234567890`},
		{"a json.Number with a whole value is an integer", json.Number("1.0"), `1`},
		{"a json.Number keeps a non-whole value", json.Number("2.50"), `2.5`},

		// Nesting and raw JSON.
		{"nested objects and lists are rewritten recursively", wire.Object{
			{Key: "list", Value: []any{1.0, wire.Object{{Key: "k", Value: nil}}, []int{}, map[string]any{}}},
			{Key: "t", Value: true},
			{Key: "f", Value: false},
			{Key: "deep", Value: map[string]any{"x": []any{[]any{2.0, 0.5}}}},
		}, `{"list":[1,{"k":null},[],{}],"t":true,"f":false,"deep":{"x":[[2,0.5]]}}`},
		{"raw JSON is re-read and rewritten", json.RawMessage(` { "a" : "\u003c\u00e9\/" , "n" : [ 3.0 , 1E2 ] } `), `{"a":"<é/","n":[3,100]}`},
		{"escapes in raw JSON are decoded: a surrogate pair, a lone surrogate, a control character",
			json.RawMessage(`"\ud83d\ude00 \ud800 \u0001\u000a\""`), "\"\xf0\x9f\x98\x80 \xef\xbf\xbd \\u0001\\n\\\"\""},
		{"each invalid UTF-8 byte of raw JSON becomes U+FFFD", json.RawMessage("\"a\xff\xfeb\""), "\"a\xef\xbf\xbd\xef\xbf\xbdb\""},
		{"each invalid UTF-8 byte of a string becomes U+FFFD", "a\xff\xfeb", "\"a\xef\xbf\xbd\xef\xbf\xbdb\""},
		{"an Object in a map in a struct is written in order", struct {
			M map[string]any `json:"m"`
		}{map[string]any{"o": wire.Object{{Key: "z<", Value: 1.0}, {Key: "a", Value: []any{0.5, nil}}}}},
			`{"m":{"o":{"z<":1,"a":[0.5,null]}}}`},
		{"integer types of every size", []any{int8(-8), uint16(16), int32(-32), uint64(64), int(0)}, `[-8,16,-32,64,0]`},

		// SDK types.
		{"a TOTPRequest is written as Skyvern sends it", webhooks.TOTPRequest{TaskID: "tsk_1", WorkflowPermanentID: "wpid_1"},
			`{"task_id":"tsk_1","workflow_permanent_id":"wpid_1"}`},
		{"a RunResponse uses its MarshalJSON, Extra members last", skyvern.RunResponse{
			RunID:     "tsk_1",
			Status:    skyvern.RunStatusCompleted,
			Output:    json.RawMessage(`{"p":3.0,"s":"<b>"}`),
			CreatedAt: created,
			Extra:     map[string]json.RawMessage{"task_id": json.RawMessage(`"tsk_1"`), "extracted_information": json.RawMessage(`{"p":3.0}`)},
		}, `{"run_id":"tsk_1","status":"completed","output":{"p":3,"s":"<b>"},"recording_archived":false,` +
			`"created_at":"2026-01-31T15:20:42.160725","extracted_information":{"p":3},"task_id":"tsk_1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := webhooks.Marshal(tt.v)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestMarshalReproducesBodiesInSkyvernsForm(t *testing.T) {
	for name, body := range map[string]string{"task v1": taskV1Body, "task v2": taskV2Body, "workflow run": workflowBody} {
		t.Run("a "+name+" body comes back byte for byte", func(t *testing.T) {
			got, err := webhooks.Marshal(json.RawMessage(body))
			require.NoError(t, err)
			assert.Equal(t, body, string(got))
		})
	}
}

func TestSignOfMarshalIsWhatSkyvernSends(t *testing.T) {
	// The same vectors as TestSignMatchesAnIndependentHMAC, built as values.
	body, err := webhooks.Marshal(wire.Object{{Key: "run_id", Value: "tsk_1"}, {Key: "status", Value: skyvern.RunStatusCompleted}})
	require.NoError(t, err)
	assert.Equal(t, "811f15ada21338a5c8b96c8b75829dab020d77b10a4a858c7f00b7f621830104", webhooks.Sign(body, testKey))

	body, err = webhooks.Marshal(webhooks.TOTPRequest{TaskID: "tsk_1"})
	require.NoError(t, err)
	assert.Equal(t, "d85ba6be528bdf8cc265895f99ab876652dc643f8d2b20558897993c5494074a", webhooks.Sign(body, testKey))
}

func TestMarshalReportsWhatCannotBeWritten(t *testing.T) {
	for name, v := range map[string]any{
		"NaN":                               math.NaN(),
		"an infinity inside an Object":      wire.Object{{Key: "x", Value: math.Inf(1)}},
		"a number beyond the float64 range": json.Number("1.5e999"),
		"a channel":                         make(chan int),
		"a map that holds itself":           cyclic(),
		"a list that holds itself":          cyclicList(),
	} {
		t.Run(name+" is an error", func(t *testing.T) {
			got, err := webhooks.Marshal(v)
			assert.Error(t, err)
			assert.Nil(t, got)
		})
	}
}

func TestObjectMarshalJSONWritesSkyvernsForm(t *testing.T) {
	// Through encoding/json, which escapes HTML characters again.
	got, err := json.Marshal(wire.Object{{Key: "p", Value: 3.0}, {Key: "s", Value: "<é>"}, {Key: "n", Value: wire.Object(nil)}})
	require.NoError(t, err)
	assert.Equal(t, `{"p":3,"s":"\u003cé\u003e","n":{}}`, string(got))
}

func cyclic() map[string]any {
	m := map[string]any{}
	m["self"] = m
	return m
}

func cyclicList() []any {
	l := []any{nil}
	l[0] = l
	return l
}

// deepNode is a recursive type: its depth is bounded only by its value.
type deepNode struct {
	Next *deepNode `json:"next,omitempty"`
}

// holder reaches its contents through an interface, which encoding/json
// encodes by reflection.
type holder struct {
	V any `json:"v"`
}

func TestMarshalRefusesValuesNestedTooDeep(t *testing.T) {
	const million = 1_000_000
	nest := func(levels int, wrap func(any) any) any {
		var v any = "leaf"
		for range levels {
			v = wrap(v)
		}
		return v
	}
	wraps := []struct {
		name string
		wrap func(any) any
	}{
		{"[]any", func(v any) any { return []any{v} }},
		{"map[string]any", func(v any) any { return map[string]any{"k": v} }},
		{"Object", func(v any) any { return wire.Object{{Key: "k", Value: v}} }},
		{"a struct holding any", func(v any) any { return holder{V: v} }},
		{"a struct and an Object in turn", func(v any) any {
			return holder{V: wire.Object{{Key: "k", Value: v}}}
		}},
		{"a pointer to a struct holding any", func(v any) any { return &holder{V: v} }},
	}
	t.Run("[]any a million levels deep is an error, not a stack overflow", func(t *testing.T) {
		_, err := webhooks.Marshal(nest(million, wraps[0].wrap))
		assert.ErrorIs(t, err, webhooks.ErrTooDeep)
	})
	for _, w := range wraps {
		t.Run(w.name+" 20000 levels deep is an error", func(t *testing.T) {
			_, err := webhooks.Marshal(nest(20000, w.wrap))
			assert.ErrorIs(t, err, webhooks.ErrTooDeep)
		})
	}

	t.Run("a recursive type a million levels deep is an error", func(t *testing.T) {
		var n *deepNode
		for range million {
			n = &deepNode{Next: n}
		}
		_, err := webhooks.Marshal(n)
		assert.ErrorIs(t, err, webhooks.ErrTooDeep)
		_, err = webhooks.Marshal([]any{map[string]any{"n": n}})
		assert.ErrorIs(t, err, webhooks.ErrTooDeep)
	})

	t.Run("a value that holds itself is an error", func(t *testing.T) {
		m := map[string]any{}
		m["self"] = m
		_, err := webhooks.Marshal(m)
		assert.ErrorIs(t, err, webhooks.ErrTooDeep)
		var p any
		p = &p
		_, err = webhooks.Marshal(holder{V: p})
		assert.ErrorIs(t, err, webhooks.ErrTooDeep)
	})

	t.Run("10000 levels, as deep as encoding/json reads, are written", func(t *testing.T) {
		for _, w := range wraps[:3] {
			b, err := webhooks.Marshal(nest(10000, w.wrap))
			require.NoError(t, err, w.name)
			assert.True(t, json.Valid(b), "%s: encoding/json reads it back", w.name)
			_, err = webhooks.Marshal(nest(10001, w.wrap))
			assert.ErrorIs(t, err, webhooks.ErrTooDeep, w.name)
		}
		var n *deepNode
		for range 10000 { // the innermost is {}
			n = &deepNode{Next: n}
		}
		b, err := webhooks.Marshal(holder{V: nil})
		require.NoError(t, err)
		assert.Equal(t, `{"v":null}`, string(b))
		b, err = webhooks.Marshal(n)
		require.NoError(t, err)
		assert.True(t, json.Valid(b))
		_, err = webhooks.Marshal([]any{n})
		assert.ErrorIs(t, err, webhooks.ErrTooDeep, "one level more")
	})
}

// The fake renders its answers and webhooks with internal/wire, whose
// ordered Object is not part of this package's API; Marshal is that
// renderer, so what the fake signs is what Marshal writes.
func TestMarshalIsTheFakesRenderer(t *testing.T) {
	type payload struct {
		Z string  `json:"z"`
		A float64 `json:"a"`
	}
	for _, v := range []any{
		wire.Object{{Key: "z", Value: "<é>"}, {Key: "a", Value: 3.0}},
		payload{Z: "<é>", A: 3},
	} {
		got, err := webhooks.Marshal(v)
		require.NoError(t, err)
		want, err := wire.Marshal(v)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
		assert.Equal(t, `{"z":"<é>","a":3}`, string(got), "a struct keeps its field order as an Object does")
	}
	assert.Same(t, wire.ErrTooDeep, webhooks.ErrTooDeep)
}
