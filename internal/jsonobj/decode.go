package jsonobj

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// decoder is the state of one decode: the input, the position, and the
// first error of the kind encoding/json notes and goes on after (a value
// of the wrong type for its field).
type decoder struct {
	data  []byte
	i     int
	depth int
	// owned says the caller gave data to the result: raw values may share
	// its bytes instead of being copied.
	owned bool
	saved error
	// path holds the names of the struct fields being decoded, for
	// json.UnmarshalTypeError.Field.
	path []string
	// spans holds the unknown members of the objects being decoded, until
	// each object ends and they go into its Extra map.
	spans []span
	buf   []byte // scratch for unquoting
	fold  []byte // scratch for folding names
	call  methodCall
}

type span struct {
	key        string
	start, end int
}

// run decodes the whole input as one value into v with c.
func (d *decoder) run(c *codec, v reflect.Value) error {
	d.ws()
	var err error
	if d.i >= len(d.data) {
		err = errSyntax
	} else if err = c.dec(d, v); err == nil {
		d.ws()
		if d.i < len(d.data) {
			err = errSyntax
		}
	}
	switch {
	case err == errSyntax:
		return syntaxError(d.data)
	case err != nil:
		// encoding/json checks the whole input before it decodes, so a
		// syntax error anywhere wins over any other error.
		if !Valid(d.data) {
			return syntaxError(d.data)
		}
		return err
	}
	return d.saved
}

// save notes err, unless an earlier error was noted, and adds the field
// path to a type error as encoding/json does.
func (d *decoder) save(err error) {
	if d.saved != nil {
		return
	}
	if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field == "" && len(d.path) > 0 {
		te.Field = strings.Join(d.path, ".")
	}
	d.saved = err
}

// mismatch steps over a value that t cannot hold and notes the type error.
func (d *decoder) mismatch(t reflect.Type) error {
	what := "number"
	switch d.data[d.i] {
	case '"':
		what = "string"
	case '{':
		what = "object"
	case '[':
		what = "array"
	case 't', 'f':
		what = "bool"
	}
	if err := d.skip(); err != nil {
		return err
	}
	d.save(&json.UnmarshalTypeError{Value: what, Type: t, Offset: int64(d.i)})
	return nil
}

// raw steps over the value at d.i and returns its bytes, shared with the
// input when the decoder owns it and copied into dst otherwise.
func (d *decoder) raw(dst []byte) ([]byte, error) {
	start := d.i
	if err := d.skip(); err != nil {
		return nil, err
	}
	b := d.data[start:d.i:d.i]
	if d.owned {
		return b, nil
	}
	return append(dst[:0], b...), nil
}

// str reads a string value.
func (d *decoder) str() (string, error) {
	s, special, err := d.scanString()
	if err != nil {
		return "", err
	}
	if !special {
		return string(s), nil
	}
	d.buf = unquote(d.buf[:0], s)
	return string(d.buf), nil
}

// key reads a member name; the bytes are valid until the next call.
func (d *decoder) key() ([]byte, error) {
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		return nil, errSyntax
	}
	s, special, err := d.scanString()
	if err != nil {
		return nil, err
	}
	if special {
		d.buf = unquote(d.buf[:0], s)
		s = d.buf
	}
	return s, d.colon()
}

// decString decodes a string kind.
func decString(d *decoder, v reflect.Value) error {
	switch d.data[d.i] {
	case '"':
		s, err := d.str()
		if err != nil {
			return err
		}
		v.SetString(s)
		return nil
	case 'n':
		return d.literal("null")
	}
	return d.mismatch(v.Type())
}

// decNumber decodes a json.Number.
func decNumber(d *decoder, v reflect.Value) error {
	switch c := d.data[d.i]; {
	case c == '"':
		start := d.i
		s, err := d.str()
		if err != nil {
			return err
		}
		if !isNumber(s) {
			return fmt.Errorf("json: invalid number literal, trying to unmarshal %s into Number", d.data[start:d.i])
		}
		v.SetString(s)
		return nil
	case c == 'n':
		return d.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		n, err := d.scanNumber()
		if err != nil {
			return err
		}
		v.SetString(string(n))
		return nil
	}
	return d.mismatch(v.Type())
}

// isNumber reports whether s is a JSON number and nothing else.
func isNumber(s string) bool {
	d := decoder{data: []byte(s)}
	_, err := d.scanNumber()
	return err == nil && d.i == len(s)
}

// decBool decodes a bool kind.
func decBool(d *decoder, v reflect.Value) error {
	switch d.data[d.i] {
	case 't':
		if err := d.literal("true"); err != nil {
			return err
		}
		v.SetBool(true)
		return nil
	case 'f':
		if err := d.literal("false"); err != nil {
			return err
		}
		v.SetBool(false)
		return nil
	case 'n':
		return d.literal("null")
	}
	return d.mismatch(v.Type())
}

// number reads a number value for one of the numeric kinds; ok is false
// (and nothing is read) for null or a value of another type, which the
// caller passes to nullOrMismatch.
func (d *decoder) number() (n []byte, ok bool, err error) {
	if c := d.data[d.i]; c != '-' && (c < '0' || c > '9') {
		return nil, false, nil
	}
	n, err = d.scanNumber()
	return n, err == nil, err
}

func (d *decoder) nullOrMismatch(t reflect.Type) error {
	if d.data[d.i] == 'n' {
		return d.literal("null")
	}
	return d.mismatch(t)
}

func (d *decoder) badNumber(n []byte, t reflect.Type) {
	d.save(&json.UnmarshalTypeError{Value: "number " + string(n), Type: t, Offset: int64(d.i)})
}

// smallInt parses n, a checked JSON number, when it is an integer of at
// most 18 digits, which cannot overflow an int64.
func smallInt(n []byte) (int64, bool) {
	neg := n[0] == '-'
	digits := n
	if neg {
		digits = n[1:]
	}
	if len(digits) > 18 {
		return 0, false
	}
	var x int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		x = x*10 + int64(c-'0')
	}
	if neg {
		x = -x
	}
	return x, true
}

func decInt(d *decoder, v reflect.Value) error {
	n, ok, err := d.number()
	if err != nil {
		return err
	}
	if !ok {
		return d.nullOrMismatch(v.Type())
	}
	x, small := smallInt(n)
	if !small {
		if x, err = strconv.ParseInt(string(n), 10, 64); err != nil {
			d.badNumber(n, v.Type())
			return nil
		}
	}
	if v.OverflowInt(x) {
		d.badNumber(n, v.Type())
		return nil
	}
	v.SetInt(x)
	return nil
}

func decUint(d *decoder, v reflect.Value) error {
	n, ok, err := d.number()
	if err != nil {
		return err
	}
	if !ok {
		return d.nullOrMismatch(v.Type())
	}
	x, small := smallInt(n)
	var u uint64
	if small && n[0] != '-' {
		u = uint64(x)
	} else if u, err = strconv.ParseUint(string(n), 10, 64); err != nil {
		d.badNumber(n, v.Type())
		return nil
	}
	if v.OverflowUint(u) {
		d.badNumber(n, v.Type())
		return nil
	}
	v.SetUint(u)
	return nil
}

func decFloat(d *decoder, v reflect.Value) error {
	n, ok, err := d.number()
	if err != nil {
		return err
	}
	if !ok {
		return d.nullOrMismatch(v.Type())
	}
	f, err := strconv.ParseFloat(string(n), v.Type().Bits())
	if err != nil || v.OverflowFloat(f) {
		d.badNumber(n, v.Type())
		return nil
	}
	v.SetFloat(f)
	return nil
}

// decRaw decodes a json.RawMessage: the value's bytes, null included.
func decRaw(d *decoder, v reflect.Value) error {
	b, err := d.raw(v.Bytes())
	if err != nil {
		return err
	}
	v.SetBytes(b)
	return nil
}

// decUnmarshaler hands the value to the type's own UnmarshalJSON, with the
// value's bytes, as encoding/json does.
func decUnmarshaler(d *decoder, v reflect.Value) error {
	start := d.i
	if err := d.skip(); err != nil {
		return err
	}
	return v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(d.data[start:d.i])
}

// decFallback decodes a value of a type this package does not decode
// itself with encoding/json, which gives the value encoding/json's own
// meaning.
func decFallback(d *decoder, v reflect.Value) error {
	start := d.i
	if err := d.skip(); err != nil {
		return err
	}
	err := json.Unmarshal(d.data[start:d.i], v.Addr().Interface())
	if _, ok := err.(*json.UnmarshalTypeError); ok {
		d.save(err)
		return nil
	}
	return err
}

// decAny decodes an empty interface as encoding/json does: objects as
// map[string]any, arrays as []any, numbers as float64.
func decAny(d *decoder, v reflect.Value) error {
	if !v.IsNil() {
		if e := v.Elem(); e.Kind() == reflect.Pointer && !e.IsNil() {
			// encoding/json decodes into what the pointer points to.
			return decFallback(d, v)
		}
	}
	x, err := d.anyValue()
	if err != nil {
		return err
	}
	if x == nil {
		v.SetZero()
	} else {
		v.Set(reflect.ValueOf(x))
	}
	return nil
}

func (d *decoder) anyValue() (any, error) {
	switch c := d.data[d.i]; c {
	case '"':
		return d.str()
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	case '[':
		if err := d.enter(); err != nil {
			return nil, err
		}
		d.i++
		d.ws()
		out := make([]any, 0)
		if d.i < len(d.data) && d.data[d.i] == ']' {
			d.i++
			d.depth--
			return out, nil
		}
		for {
			if d.i >= len(d.data) {
				return nil, errSyntax
			}
			x, err := d.anyValue()
			if err != nil {
				return nil, err
			}
			out = append(out, x)
			more, err := d.next(']')
			if err != nil {
				return nil, err
			}
			if !more {
				d.depth--
				return out, nil
			}
		}
	case '{':
		if err := d.enter(); err != nil {
			return nil, err
		}
		d.i++
		d.ws()
		out := make(map[string]any)
		if d.i < len(d.data) && d.data[d.i] == '}' {
			d.i++
			d.depth--
			return out, nil
		}
		for {
			k, err := d.key()
			if err != nil {
				return nil, err
			}
			name := string(k)
			x, err := d.anyValue()
			if err != nil {
				return nil, err
			}
			out[name] = x
			more, err := d.next('}')
			if err != nil {
				return nil, err
			}
			if !more {
				d.depth--
				return out, nil
			}
		}
	default:
		n, err := d.scanNumber()
		if err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			d.save(&json.UnmarshalTypeError{Value: "number " + string(n), Type: reflect.TypeFor[float64](), Offset: int64(d.i)})
			return nil, nil
		}
		return f, nil
	}
}

// decPointer decodes into what a pointer points to, allocating it; null
// sets the pointer to nil.
func (c *codec) decPointer(d *decoder, v reflect.Value) error {
	if d.data[d.i] == 'n' {
		if err := d.literal("null"); err != nil {
			return err
		}
		v.SetZero()
		return nil
	}
	if v.IsNil() {
		v.Set(reflect.New(v.Type().Elem()))
	}
	return c.elem.dec(d, v.Elem())
}

// decSlice decodes an array into a slice the way encoding/json does:
// elements already there are decoded into, and the length is what the
// array holds.
func (c *codec) decSlice(d *decoder, v reflect.Value) error {
	switch d.data[d.i] {
	case '[':
	case 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
		v.SetZero()
		return nil
	default:
		return d.mismatch(v.Type())
	}
	if err := d.enter(); err != nil {
		return err
	}
	d.i++
	d.ws()
	i := 0
	if d.i < len(d.data) && d.data[d.i] == ']' {
		d.i++
	} else {
		for {
			if d.i >= len(d.data) {
				return errSyntax
			}
			if i >= v.Cap() {
				v.Grow(1)
			}
			if i >= v.Len() {
				v.SetLen(i + 1)
			}
			if err := c.elem.dec(d, v.Index(i)); err != nil {
				return err
			}
			i++
			more, err := d.next(']')
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	d.depth--
	if i < v.Len() {
		v.SetLen(i)
	}
	if i == 0 {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	}
	return nil
}

// decMap decodes an object into a map with string keys, adding to the map
// that is there; each value is decoded into a fresh element.
func (c *codec) decMap(d *decoder, v reflect.Value) error {
	switch d.data[d.i] {
	case '{':
	case 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
		v.SetZero()
		return nil
	default:
		return d.mismatch(v.Type())
	}
	if err := d.enter(); err != nil {
		return err
	}
	t := v.Type()
	if v.IsNil() {
		v.Set(reflect.MakeMap(t))
	}
	d.i++
	d.ws()
	if d.i < len(d.data) && d.data[d.i] == '}' {
		d.i++
		d.depth--
		return nil
	}
	elem := reflect.New(t.Elem()).Elem()
	kt := t.Key()
	for {
		k, err := d.key()
		if err != nil {
			return err
		}
		kv := reflect.ValueOf(string(k))
		if kt != kv.Type() {
			kv = kv.Convert(kt)
		}
		elem.SetZero()
		if err := c.elem.dec(d, elem); err != nil {
			return err
		}
		v.SetMapIndex(kv, elem)
		more, err := d.next('}')
		if err != nil {
			return err
		}
		if !more {
			d.depth--
			return nil
		}
	}
}

// decStruct decodes an object into a struct: members whose names match a
// field (as encoding/json matches them) fill it, and the others go into
// the struct's Extra field if it has one. Null leaves the struct as it is.
func (p *structPlan) decStruct(d *decoder, v reflect.Value) error {
	var extra *map[string]json.RawMessage
	if p.extra >= 0 {
		extra = v.Field(p.extra).Addr().Interface().(*map[string]json.RawMessage)
	}
	return p.decStructInto(d, v, extra)
}

// decStructInto is decStruct with the unknown members going to *extra, or
// nowhere when extra is nil.
func (p *structPlan) decStructInto(d *decoder, v reflect.Value, extra *map[string]json.RawMessage) error {
	switch d.data[d.i] {
	case '{':
	case 'n':
		return d.literal("null")
	default:
		return d.mismatch(v.Type())
	}
	if p.unsupported != "" {
		return p.unsupportedError()
	}
	if err := d.enter(); err != nil {
		return err
	}
	d.i++
	d.ws()
	base := len(d.spans)
	if d.i < len(d.data) && d.data[d.i] == '}' {
		d.i++
	} else {
		next := 0 // the field members usually come in
		for {
			k, err := d.key()
			if err != nil {
				return err
			}
			var f *field
			if next < len(p.fields) && string(k) == p.fields[next].name {
				f = &p.fields[next]
			} else if f = p.exact[string(k)]; f == nil {
				d.fold = appendFolded(d.fold[:0], k)
				f = p.folded[string(d.fold)]
			}
			if f != nil && f.deferred {
				next = f.pos + 1
				f = nil
			}
			switch {
			case f != nil:
				next = f.pos + 1
				fv, err := f.value(v)
				if err != nil {
					d.save(err)
					if err := d.skip(); err != nil {
						return err
					}
					break
				}
				d.path = append(d.path, f.name)
				err = f.codec.dec(d, fv)
				d.path = d.path[:len(d.path)-1]
				if err != nil {
					return err
				}
			case extra != nil:
				name := string(k)
				start := d.i
				if err := d.skip(); err != nil {
					return err
				}
				d.spans = append(d.spans, span{name, start, d.i})
			default:
				if err := d.skip(); err != nil {
					return err
				}
			}
			more, err := d.next('}')
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	d.depth--
	if extra != nil {
		*extra = d.extra(d.spans[base:])
		d.spans = d.spans[:base]
	}
	return nil
}

// extra builds an Extra map from the spans of an object's unknown members:
// slices of the input when the decoder owns it, else one copy for all.
func (d *decoder) extra(spans []span) map[string]json.RawMessage {
	if len(spans) == 0 {
		return nil
	}
	m := make(map[string]json.RawMessage, len(spans))
	if d.owned {
		for _, s := range spans {
			m[s.key] = d.data[s.start:s.end:s.end]
		}
		return m
	}
	size := 0
	for _, s := range spans {
		size += s.end - s.start
	}
	buf := make([]byte, 0, size)
	for _, s := range spans {
		off := len(buf)
		buf = append(buf, d.data[s.start:s.end]...)
		m[s.key] = buf[off:len(buf):len(buf)]
	}
	return m
}
