package jsonobj

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renamed forwards and then moves its "old_name" member to Name: logic
// beyond forwarding, which must run wherever the type is decoded.
type renamed struct {
	Name  string                     `json:"name,omitempty"`
	Extra map[string]json.RawMessage `json:"-"`
}

func (r *renamed) UnmarshalJSON(data []byte) error {
	if err := Unmarshal(data, r); err != nil {
		return err
	}
	if raw, ok := r.Extra["old_name"]; ok && r.Name == "" {
		delete(r.Extra, "old_name")
		if len(r.Extra) == 0 {
			r.Extra = nil
		}
		return json.Unmarshal(raw, &r.Name)
	}
	return nil
}

// upper decodes itself without forwarding.
type upper struct {
	S     string                     `json:"s"`
	Extra map[string]json.RawMessage `json:"-"`
}

func (u *upper) UnmarshalJSON(data []byte) error {
	var aux struct {
		S string `json:"s"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	u.S = strings.ToUpper(aux.S)
	return nil
}

// refusing refuses an object without "id" after forwarding.
type refusing struct {
	ID string `json:"id"`
}

var errNoID = errors.New("no id")

func (r *refusing) UnmarshalJSON(data []byte) error {
	if err := Unmarshal(data, r); err != nil {
		return err
	}
	if r.ID == "" {
		return errNoID
	}
	return nil
}

type holder struct {
	One   renamed            `json:"one"`
	Ptr   *renamed           `json:"ptr"`
	List  []renamed          `json:"list"`
	Map   map[string]renamed `json:"map"`
	Up    upper              `json:"up"`
	Ups   []upper            `json:"ups"`
	Extra map[string]json.RawMessage
}

const holderJSON = `{"one":{"old_name":"a"},"ptr":{"old_name":"b","x":1},"list":[{"old_name":"c"},{"name":"d","old_name":"e"}],` +
	`"map":{"k":{"old_name":"f"}},"up":{"s":"g"},"ups":[{"s":"h"},{"s":"i"}]}`

func checkHolder(t *testing.T, h holder) {
	t.Helper()
	assert.Equal(t, "a", h.One.Name)
	assert.Nil(t, h.One.Extra)
	require.NotNil(t, h.Ptr)
	assert.Equal(t, "b", h.Ptr.Name)
	assert.Equal(t, map[string]json.RawMessage{"x": json.RawMessage(`1`)}, h.Ptr.Extra)
	assert.Equal(t, []renamed{{Name: "c"}, {Name: "d", Extra: map[string]json.RawMessage{"old_name": json.RawMessage(`"e"`)}}}, h.List)
	assert.Equal(t, map[string]renamed{"k": {Name: "f"}}, h.Map)
	assert.Equal(t, upper{S: "G"}, h.Up)
	assert.Equal(t, []upper{{S: "H"}, {S: "I"}}, h.Ups)
}

// TestMethodsRunWhenNested checks that a type's UnmarshalJSON runs
// wherever the type is decoded, whatever it does besides forwarding or
// instead of it, on the first value of the type and on later ones.
func TestMethodsRunWhenNested(t *testing.T) {
	for i := range 3 {
		var h holder
		require.NoError(t, Unmarshal([]byte(holderJSON), &h), "decode %d", i)
		checkHolder(t, h)
		var h2 holder
		require.NoError(t, UnmarshalOwned([]byte(holderJSON), &h2), "owned decode %d", i)
		checkHolder(t, h2)
		var h3 holder
		require.NoError(t, json.Unmarshal([]byte(holderJSON), &h3), "encoding/json %d", i)
		checkHolder(t, h3)
	}
}

func TestMethodErrorsStopTheDecode(t *testing.T) {
	var v struct {
		Items []refusing `json:"items"`
	}
	err := Unmarshal([]byte(`{"items":[{"id":"1"},{"id":""}]}`), &v)
	assert.ErrorIs(t, err, errNoID)
	err = UnmarshalOwned([]byte(`[{"id":"1"},{}]`), &v.Items)
	assert.ErrorIs(t, err, errNoID)
	require.NoError(t, UnmarshalOwned([]byte(`[{"id":"1"},{"id":"2"}]`), &v.Items))
	assert.Equal(t, []refusing{{ID: "1"}, {ID: "2"}}, v.Items)
}

// TestMethodsRunWhenNestedConcurrently decodes from several goroutines at
// once, so that calls in progress share the table of calls.
func TestMethodsRunWhenNestedConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				var h holder
				if !assert.NoError(t, UnmarshalOwned([]byte(holderJSON), &h)) {
					return
				}
				checkHolder(t, h)
			}
		}()
	}
	wg.Wait()
}

// wrapper's method hands the whole object to its first field, which sits
// at the wrapper's address: that is not the wrapper forwarding.
type wrapper struct {
	Inner renamed `json:"inner"`
	N     int     `json:"n"`
}

func (w *wrapper) UnmarshalJSON(data []byte) error {
	if err := Unmarshal(data, &w.Inner); err != nil {
		return err
	}
	w.N = len(w.Inner.Extra)
	return nil
}

func TestMethodForwardingAnotherValueAtTheSameAddress(t *testing.T) {
	data := []byte(`[{"name":"a","inner":{"name":"x"},"n":9},{"old_name":"b","z":1}]`)
	var got []wrapper
	require.NoError(t, UnmarshalOwned(data, &got))
	var want []wrapper
	require.NoError(t, json.Unmarshal(data, &want))
	assert.Equal(t, want, got)
	assert.Equal(t, "a", got[0].Inner.Name)
	assert.Equal(t, 2, got[0].N, `"inner" and "n" are the inner value's unknown members`)
	assert.Equal(t, 2, got[1].N)
}
