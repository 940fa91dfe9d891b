package jsonobj

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fz has a field of each kind the decoder handles itself or hands on, an
// embedded struct, names that fold (K and the Kelvin sign), and nested
// types with their own Extra.
type fz struct {
	S      string            `json:"s,omitempty"`
	Status string            `json:"status"`
	K      string            // untagged: named K
	N      int8              `json:"n"`
	U      uint16            `json:"u"`
	F      float32           `json:"f"`
	B      bool              `json:"b"`
	P      *int              `json:"p"`
	A      any               `json:"a"`
	L      []fzInner         `json:"l"`
	M      map[string]string `json:"m"`
	R      json.RawMessage   `json:"r"`
	Num    json.Number       `json:"num"`
	Bytes  []byte            `json:"bytes"`
	Arr    [2]int            `json:"arr"`
	Inner  *fzInner          `json:"inner"`
	Custom custom            `json:"custom"`
	Embedded
	Extra map[string]json.RawMessage `json:"-"`
}

type fzInner struct {
	X     int                        `json:"x"`
	Y     []string                   `json:"y"`
	Extra map[string]json.RawMessage `json:"-"`
}

// custom is a foreign type with its own UnmarshalJSON.
type custom struct{ Got string }

func (c *custom) UnmarshalJSON(b []byte) error {
	if string(b) == `"fail"` {
		return errors.New("custom refuses")
	}
	c.Got = string(b)
	return nil
}

// fzNames are the member names fz's fields decode from.
var fzNames = []string{"s", "status", "K", "n", "u", "f", "b", "p", "a", "l", "m", "r", "num", "bytes", "arr", "inner", "custom", "c"}

// clearExtra removes the Extra maps, which encoding/json does not fill.
func clearExtra(v *fz) {
	v.Extra = nil
	if v.Inner != nil {
		v.Inner.Extra = nil
	}
	for i := range v.L {
		v.L[i].Extra = nil
	}
}

// refExtra is the Extra map encoding/json implies for the object data:
// the members whose names match no field, exactly or under
// bytes.EqualFold, the last of each name.
func refExtra(t *testing.T, data []byte, names []string) map[string]json.RawMessage {
	var all map[string]json.RawMessage
	if json.Unmarshal(data, &all) != nil || all == nil {
		return nil
	}
	var out map[string]json.RawMessage
	for k, v := range all {
		known := false
		for _, n := range names {
			if bytes.EqualFold([]byte(k), []byte(n)) {
				known = true
			}
		}
		if !known {
			if out == nil {
				out = map[string]json.RawMessage{}
			}
			out[k] = v
		}
	}
	return out
}

// lastMember returns the raw value of the last member of the object data
// that encoding/json would decode into the field named name.
func lastMember(data []byte, name string, names []string) []byte {
	var got []byte
	_ = Members(data, func(key, value []byte) error {
		k := unquoteKey(key)
		exact := false
		for _, n := range names {
			if string(k) == n {
				exact = true
			}
		}
		if string(k) == name || !exact && bytes.EqualFold(k, []byte(name)) {
			got = value
		}
		return nil
	})
	return got
}

func checkAgainstEncodingJSON(t *testing.T, data []byte) {
	var want, got fz
	wantErr := json.Unmarshal(data, &want)
	gotErr := Unmarshal(data, &got)
	var ownedGot fz
	ownedErr := UnmarshalOwned(append([]byte(nil), data...), &ownedGot)
	if wantErr != nil {
		require.Error(t, gotErr, "encoding/json refuses this: %v", wantErr)
		require.Error(t, ownedErr)
		var syn *json.SyntaxError
		if errors.As(wantErr, &syn) {
			assert.Equal(t, wantErr.Error(), gotErr.Error(), "the same syntax error")
		}
		return
	}
	require.NoError(t, gotErr)
	require.NoError(t, ownedErr)
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		assert.Equal(t, refExtra(t, data, fzNames), got.Extra, "Extra holds exactly the unmatched members")
		if got.Inner != nil {
			if inner := lastMember(data, "inner", fzNames); len(inner) > 0 && inner[0] == '{' {
				assert.Equal(t, refExtra(t, inner, []string{"x", "y"}), got.Inner.Extra, "nested Extra")
			}
		}
	}
	assert.Equal(t, got.Extra, ownedGot.Extra)
	clearExtra(&got)
	clearExtra(&ownedGot)
	assert.True(t, reflect.DeepEqual(want, got), "want %#v\n got %#v", want, got)
	assert.True(t, reflect.DeepEqual(want, ownedGot), "owned: want %#v\n got %#v", want, ownedGot)
}

var fzSeeds = []string{
	`{}`, `null`, `[]`, `"s"`, `1`, ` {"s":"x"} `, `{"s":"x",}`, `{"s" "x"}`, `{"s":"x"`, `{"s":"x"}x`,
	`{"ſtatus":"failed","status":"completed"}`, `{"status":"completed","ſtatus":"failed"}`,
	`{"\u212a":"kelvin"}`, `{"k":"lower"}`, `{"STATUS":"x","Status":"y"}`, `{"st\u0061tus":"esc"}`,
	`{"n":127}`, `{"n":128}`, `{"n":-0}`, `{"n":1.0}`, `{"n":1e2}`, `{"u":-1}`, `{"u":65535}`, `{"f":3.4e39}`, `{"f":1e-50}`,
	`{"n":01}`, `{"n":-}`, `{"n":1.}`, `{"n":1e}`, `{"n":"1"}`, `{"b":null,"s":null,"n":null}`,
	`{"p":null}`, `{"p":5}`, `{"p":"x"}`, `{"a":{"x":[1,"2",true,null,{"y":1e400}]}}`, `{"a":1e400}`,
	`{"l":[{"x":1,"zz":2},{"y":["a"]}],"l":[{"x":3}]}`, `{"l":null}`, `{"l":[]}`, `{"l":{}}`,
	`{"m":{"a":"b","a":"c"}}`, `{"m":{"a":1}}`, `{"r":null}`, `{"r": [1, {"a" : 2}] }`,
	`{"num":"12"}`, `{"num":"x"}`, `{"num":12.5e3}`, `{"bytes":"aGk="}`, `{"bytes":"!"}`, `{"bytes":[1,2]}`,
	`{"arr":[1,2,3]}`, `{"inner":{"x":1,"new":{"deep":[]}},"INNER":{"y":[]}}`, `{"inner":null}`,
	`{"custom":"ok"}`, `{"custom":"fail"}`, `{"custom":"fail","n":"x"}`, `{"custom":"fail","x":}`,
	`{"c":true,"C":false}`, `{"unknown":"\ud800","\u00e9":1,"x\"y":[{"}":"{"}]}`, "{\"s\":\"\xff\xfe\"}",
	"{\"s\":\"a\tb\"}", `{"s":"\ud83d\ude00\ud83d"}`, `{"s":"\x"}`, `{"s":"\u12"}`, `{"n":"x","s":}`,
	`[` + strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001) + `]`,
	`{"a":` + strings.Repeat(`[`, 9998) + strings.Repeat(`]`, 9998) + `}`,
}

func TestUnmarshalAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range fzSeeds {
		t.Run(s[:min(len(s), 40)], func(t *testing.T) { checkAgainstEncodingJSON(t, []byte(s)) })
	}
}

// FuzzUnmarshal checks that Unmarshal accepts and refuses exactly what
// encoding/json does, fills the fields with the same values, and keeps in
// Extra exactly the members encoding/json would not decode into a field.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range fzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkAgainstEncodingJSON(t, []byte(s)) })
}

func TestFoldedNameFillsTheFieldAndNotExtra(t *testing.T) {
	var v fz
	require.NoError(t, Unmarshal([]byte(`{"ſtatus":"failed","status":"completed"}`), &v))
	assert.Equal(t, "completed", v.Status)
	assert.Nil(t, v.Extra, "ſtatus matched Status, as in encoding/json")
	b, err := Marshal(v)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"status":"completed"`)
	assert.NotContains(t, string(b), "failed")
}

func TestOwnedSharesTheInputAndUnmarshalCopies(t *testing.T) {
	data := []byte(`{"r":[1,2],"zz":{"a":1}}`)
	var copied, shared fz
	require.NoError(t, Unmarshal(data, &copied))
	require.NoError(t, UnmarshalOwned(data, &shared))
	data[6] = '7' // "r":[7,2]
	assert.Equal(t, `[1,2]`, string(copied.R))
	assert.Equal(t, `[7,2]`, string(shared.R), "shares the input")
	assert.Equal(t, len(shared.R), cap(shared.R), "capped, so an append cannot overwrite the next member")
	assert.Equal(t, len(shared.Extra["zz"]), cap(shared.Extra["zz"]))
}

func TestRegisteredDecoder(t *testing.T) {
	type withShape struct {
		S     shape                      `json:"shape"`
		Extra map[string]json.RawMessage `json:"-"`
	}
	var v withShape
	require.NoError(t, Unmarshal([]byte(`{"shape":{"sides":3}}`), &v))
	assert.Equal(t, triangle{}, v.S)
	assert.Error(t, Unmarshal([]byte(`{"shape":1}`), &v))
}

type shape interface{ sides() int }

type triangle struct{}

func (triangle) sides() int { return 3 }

func init() {
	Register(func(data []byte) (shape, error) {
		if string(data) == `{"sides":3}` {
			return triangle{}, nil
		}
		return nil, errors.New("not a shape")
	})
}

func TestTake(t *testing.T) {
	type req struct {
		ID    string                     `json:"id"`
		Extra map[string]json.RawMessage `json:"-"`
	}
	var r req
	require.NoError(t, Unmarshal([]byte(`{"Agent_ID":"a","x":1}`), &r))
	raw, ok := Take(&r.Extra, "agent_id")
	assert.True(t, ok)
	assert.Equal(t, json.RawMessage(`"a"`), raw)
	assert.Equal(t, map[string]json.RawMessage{"x": json.RawMessage(`1`)}, r.Extra)
	_, ok = Take(&r.Extra, "agent_id")
	assert.False(t, ok)
	_, ok = Take(&r.Extra, "X")
	assert.True(t, ok)
	assert.Nil(t, r.Extra, "nil once empty")
}

func TestRegisterRefusesConcreteTypes(t *testing.T) {
	assert.PanicsWithValue(t,
		"jsonobj: Register(jsonobj.triangle): only an interface type registers a decoder; give the type an UnmarshalJSON method instead",
		func() { Register(func([]byte) (triangle, error) { return triangle{}, nil }) })
}

// An interface field with no registered decoder is left, in Extra, to the
// struct's method; without an Extra field it is an error, as in
// encoding/json.
func TestUnregisteredInterfaceFieldGoesToExtra(t *testing.T) {
	type named interface{ Name() string }
	type withIface struct {
		N     named                      `json:"n"`
		K     int                        `json:"k"`
		Extra map[string]json.RawMessage `json:"-"`
	}
	var v withIface
	require.NoError(t, Unmarshal([]byte(`{"n":{"x":1},"k":2}`), &v))
	assert.Equal(t, withIface{K: 2, Extra: map[string]json.RawMessage{"n": json.RawMessage(`{"x":1}`)}}, v)
	var w struct {
		N named `json:"n"`
	}
	assert.Error(t, Unmarshal([]byte(`{"n":{"x":1}}`), &w))
}
