package jsonobj

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type sample struct {
	A    string `json:"a,omitempty"`
	B    int    `json:"b,omitempty"`
	Skip string `json:"-"`
	Embedded
	Extra map[string]json.RawMessage `json:"-"`
}

// decodeSample decodes data as a sample and returns its Extra apart.
func decodeSample(data []byte, v *sample) (map[string]json.RawMessage, error) {
	err := Unmarshal(data, v)
	extra := v.Extra
	v.Extra = nil
	return extra, err
}

type Embedded struct {
	C bool `json:"c,omitempty"`
}

func TestDecodeKeepsUnknownMembers(t *testing.T) {
	data := []byte(` { "a" : "x\"}{" , "new\"key": {"n": ["}", "{", "\\"]}, "b": 2, "c": true, "tail": null } `)
	var v sample
	extra, err := decodeSample(data, &v)
	require.NoError(t, err)
	assert.Equal(t, sample{A: `x"}{`, B: 2, Embedded: Embedded{C: true}}, v)
	assert.Equal(t, map[string]json.RawMessage{
		`new"key`: json.RawMessage(`{"n": ["}", "{", "\\"]}`),
		"tail":    json.RawMessage(`null`),
	}, extra)
}

func TestDecodeWithNothingUnknownReturnsNil(t *testing.T) {
	var v sample
	extra, err := decodeSample([]byte(`{"a":"x","b":1}`), &v)
	require.NoError(t, err)
	assert.Nil(t, extra)
}

func TestDecodeRejectsInvalidJSON(t *testing.T) {
	var v sample
	_, err := decodeSample([]byte(`{"a":`), &v)
	assert.Error(t, err)
}

func TestMarshalAppendsExtraInOrder(t *testing.T) {
	b, err := Marshal(sample{A: "x", Extra: map[string]json.RawMessage{"z": json.RawMessage(`1`), "m": json.RawMessage(`[true]`), "a": json.RawMessage(`"dup"`)}})
	require.NoError(t, err)
	assert.Equal(t, `{"a":"x","m":[true],"z":1}`, string(b), "a member v wrote is not written twice")

	b, err = Marshal(sample{Extra: map[string]json.RawMessage{"b": json.RawMessage(`null`)}})
	require.NoError(t, err)
	assert.Equal(t, `{"b":null}`, string(b), "an omitted field can be sent explicitly")

	_, err = Marshal(sample{Extra: map[string]json.RawMessage{"bad": json.RawMessage(`{`)}})
	assert.Error(t, err)
}

func TestSetMembers(t *testing.T) {
	b, err := SetMembers([]byte(`{"a":1,"b\u0022":2,"c":3}`), Member{"b\"", json.RawMessage(`"x"`)}, Member{"d", json.RawMessage(`[4]`)}, Member{"a", json.RawMessage(`null`)})
	require.NoError(t, err)
	assert.Equal(t, `{"a":null,"b\u0022":"x","c":3,"d":[4]}`, string(b))
	b, err = SetMembers([]byte(`{}`), Member{"k", json.RawMessage(`true`)})
	require.NoError(t, err)
	assert.Equal(t, `{"k":true}`, string(b))
	_, err = SetMembers([]byte(`{}`), Member{"k", json.RawMessage(`tru`)})
	assert.Error(t, err)
}

// FuzzMembers checks that Members sees exactly the top-level members that
// encoding/json sees, with the same values.
func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":"\"","b":[{"c":"}"}]}`, ` { "x\\" : { } , "y" : [ 1 , 2 ] } `, `[1]`, `"s"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &want) != nil || want == nil {
			return
		}
		got := map[string]json.RawMessage{}
		err := Members([]byte(s), func(key, value []byte) error {
			got[string(unquoteKey(key))] = append(json.RawMessage(nil), value...)
			return nil
		})
		require.NoError(t, err)
		require.Equal(t, len(want), len(got))
		for k, v := range want {
			require.JSONEq(t, string(v), string(got[k]), "member %q", k)
		}
	})
}

func TestDecodeTreatsKnownNamesInAnotherCaseAsKnown(t *testing.T) {
	// encoding/json fills A from "A", so it must not also be kept as unknown.
	var v sample
	extra, err := decodeSample([]byte(`{"A":"x","\u0062":3,"z":1}`), &v)
	require.NoError(t, err)
	assert.Equal(t, "x", v.A)
	assert.Equal(t, 3, v.B)
	assert.Equal(t, map[string]json.RawMessage{"z": json.RawMessage(`1`)}, extra)
}

func TestDecodeStepsOverRawMessageValuesExactly(t *testing.T) {
	type withRaw struct {
		Out   json.RawMessage            `json:"out"`
		N     int                        `json:"n"`
		Extra map[string]json.RawMessage `json:"-"`
	}
	// The first "out" is a prefix of the last one's bytes: the scan must not
	// be fooled into stepping by the wrong length.
	var v withRaw
	err := Unmarshal([]byte(`{"out":1,"n":2,"x":[1],"out":12,"y":{"out":1}}`), &v)
	require.NoError(t, err)
	extra := v.Extra
	assert.Equal(t, json.RawMessage(`12`), v.Out)
	assert.Equal(t, map[string]json.RawMessage{"x": json.RawMessage(`[1]`), "y": json.RawMessage(`{"out":1}`)}, extra)
}
