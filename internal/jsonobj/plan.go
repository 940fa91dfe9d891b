package jsonobj

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// codec is how one Go type is decoded. Codecs are built once per type and
// cached; a type that contains itself (a tree) refers to its own codec.
type codec struct {
	dec  func(d *decoder, v reflect.Value) error
	elem *codec      // of a pointer's, slice's or map's element
	plan *structPlan // of a struct
	// method says a struct is decoded through its UnmarshalJSON method,
	// and mode what that method does (see method.go).
	method bool
	mode   atomic.Int32
}

// structPlan is how a struct's members map to its fields.
type structPlan struct {
	t      reflect.Type
	fields []field // in declaration order
	exact  map[string]*field
	folded map[string]*field
	// extra is the index of the Extra field, or -1.
	extra int
	// unsupported, when set, says why the struct cannot be decoded here.
	unsupported string
}

// field is one JSON member of a struct.
type field struct {
	name  string
	index []int // through embedded structs, as reflect.Value.FieldByIndex
	pos   int   // in structPlan.fields
	tag   bool  // named by its tag
	omit  bool  // omitempty or omitzero
	codec *codec
	// deferred says the member goes into Extra, for the struct's own
	// UnmarshalJSON to decode: the field has an interface type with
	// methods that no decoder is registered for.
	deferred bool
}

var (
	codecs   sync.Map // reflect.Type -> *codec
	buildMu  sync.Mutex
	decoders = map[reflect.Type]func(d *decoder, v reflect.Value) error{}
)

var (
	rawMessageType   = reflect.TypeFor[json.RawMessage]()
	numberType       = reflect.TypeFor[json.Number]()
	extraType        = reflect.TypeFor[map[string]json.RawMessage]()
	unmarshalerType  = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerT = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// Register makes the decoder decode every value of the interface type T
// with decode, which gets the value's JSON (checked, null included): for a
// field type with several implementations, which encoding/json cannot
// decode by itself. It must be called from an init function, before any
// decoding. It panics when T is not an interface type: any other type
// says how it decodes with its own UnmarshalJSON method, which the decoder
// always calls (see Unmarshal), so there is only one place for that.
func Register[T any](decode func(data []byte) (T, error)) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Interface {
		panic(fmt.Sprintf("jsonobj: Register(%v): only an interface type registers a decoder; give the type an UnmarshalJSON method instead", t))
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	decoders[t] = func(d *decoder, v reflect.Value) error {
		start := d.i
		if err := d.skip(); err != nil {
			return err
		}
		x, err := decode(d.data[start:d.i:d.i])
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(&x).Elem())
		return nil
	}
}

// codecFor returns t's codec.
func codecFor(t reflect.Type) *codec {
	if c, ok := codecs.Load(t); ok {
		return c.(*codec)
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	building := map[reflect.Type]*codec{}
	c := build(t, building)
	for t, c := range building {
		codecs.Store(t, c)
	}
	return c
}

// structCodec returns the codec that decodes the struct type t itself,
// whatever methods t has: the one its own UnmarshalJSON forwards to.
func structCodec(t reflect.Type) *codec {
	c := codecFor(t)
	if c.plan != nil && !c.method {
		return c
	}
	// t has an UnmarshalJSON of its own.
	key := struct{ t reflect.Type }{t}
	if c, ok := codecs.Load(key); ok {
		return c.(*codec)
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	building := map[reflect.Type]*codec{}
	plan := c.plan
	if plan == nil {
		plan = newPlan(t, building)
	}
	c = &codec{plan: plan, dec: plan.decStruct}
	for t, c := range building {
		codecs.Store(t, c)
	}
	codecs.Store(key, c)
	return c
}

func build(t reflect.Type, building map[reflect.Type]*codec) *codec {
	if c, ok := codecs.Load(t); ok {
		return c.(*codec)
	}
	if c, ok := building[t]; ok {
		return c
	}
	c := &codec{}
	building[t] = c
	kind := t.Kind()
	switch {
	case t == rawMessageType:
		c.dec = decRaw
	case decoders[t] != nil:
		c.dec = decoders[t]
	case kind == reflect.Pointer:
		c.elem = build(t.Elem(), building)
		c.dec = c.decPointer
	case kind == reflect.Struct && reflect.PointerTo(t).Implements(unmarshalerType):
		c.plan = newPlan(t, building)
		c.dec = c.decMethod
		c.method = true
		if c.plan.unsupported != "" {
			c.mode.Store(methodOwn)
		}
	case kind == reflect.Struct && extraIndex(t) >= 0:
		c.plan = newPlan(t, building)
		c.dec = c.plan.decStruct
	case reflect.PointerTo(t).Implements(unmarshalerType):
		c.dec = decUnmarshaler
	case reflect.PointerTo(t).Implements(textUnmarshalerT):
		c.dec = decFallback
	case t == numberType:
		c.dec = decNumber
	case kind == reflect.String:
		c.dec = decString
	case kind == reflect.Bool:
		c.dec = decBool
	case kind >= reflect.Int && kind <= reflect.Int64:
		c.dec = decInt
	case kind >= reflect.Uint && kind <= reflect.Uintptr:
		c.dec = decUint
	case kind == reflect.Float32 || kind == reflect.Float64:
		c.dec = decFloat
	case kind == reflect.Interface && t.NumMethod() == 0:
		c.dec = decAny
	case kind == reflect.Struct:
		c.plan = newPlan(t, building)
		c.dec = c.plan.decStruct
		if c.plan.unsupported != "" {
			c.dec = decFallback // encoding/json knows what to do
		}
	case kind == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		c.elem = build(t.Elem(), building)
		c.dec = c.decSlice
	case kind == reflect.Map && t.Key().Kind() == reflect.String && !reflect.PointerTo(t.Key()).Implements(textUnmarshalerT):
		c.elem = build(t.Elem(), building)
		c.dec = c.decMap
	default: // byte slices, arrays, maps with other keys, interfaces with methods, ...
		c.dec = decFallback
	}
	return c
}

// extraIndex returns the index of t's Extra field, a
// map[string]json.RawMessage tagged `json:"-"`, or -1.
func extraIndex(t reflect.Type) int {
	f, ok := t.FieldByName("Extra")
	if !ok || len(f.Index) != 1 || f.Type != extraType || f.Tag.Get("json") != "-" {
		return -1
	}
	return f.Index[0]
}

// newPlan maps the JSON member names of struct type t to its fields by
// encoding/json's rules: tags, embedded structs, and the Go rules for
// fields hidden by others of the same name.
func newPlan(t reflect.Type, building map[reflect.Type]*codec) *structPlan {
	p := &structPlan{t: t, extra: extraIndex(t)}
	type level struct {
		t     reflect.Type
		index []int
	}
	next := []level{{t: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	var fields []field
	for len(next) > 0 {
		current := next
		next = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, l := range current {
			if visited[l.t] {
				continue
			}
			visited[l.t] = true
			for i := 0; i < l.t.NumField(); i++ {
				sf := l.t.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTag(name) {
					name = ""
				}
				index := append(slices.Clip(l.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					if hasOpt(opts, "string") {
						switch ft.Kind() {
						case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
							reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
							reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
							p.unsupported = fmt.Sprintf("field %s has the ,string option", sf.Name)
						}
					}
					f := field{name: name, tag: name != "", index: index,
						omit: hasOpt(opts, "omitempty") || hasOpt(opts, "omitzero")}
					if f.name == "" {
						f.name = sf.Name
					}
					f.codec = build(sf.Type, building)
					f.deferred = p.extra >= 0 && sf.Type.Kind() == reflect.Interface && sf.Type.NumMethod() > 0 && decoders[sf.Type] == nil
					fields = append(fields, f)
					if count[l.t] > 1 {
						// The struct is embedded twice at this depth: the
						// copy makes its names collide and drop out below.
						fields = append(fields, f)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, level{t: ft, index: index})
				}
			}
		}
	}
	slices.SortStableFunc(fields, func(a, b field) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tag != b.tag {
			if a.tag {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	// Of the fields sharing a name, the shallowest wins, a tagged one
	// before an untagged one; a tie hides them all.
	kept := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		if j-i == 1 || len(fields[i].index) != len(fields[i+1].index) || fields[i].tag != fields[i+1].tag {
			kept = append(kept, fields[i])
		}
		i = j
	}
	slices.SortFunc(kept, func(a, b field) int { return slices.Compare(a.index, b.index) })
	p.fields = kept
	p.exact = make(map[string]*field, len(kept))
	p.folded = make(map[string]*field, len(kept))
	for i := range p.fields {
		f := &p.fields[i]
		f.pos = i
		p.exact[f.name] = f
		// The first field of a folded name wins, as in encoding/json.
		if k := string(appendFolded(nil, []byte(f.name))); p.folded[k] == nil {
			p.folded[k] = f
		}
	}
	return p
}

func (p *structPlan) unsupportedError() error {
	return fmt.Errorf("jsonobj: cannot decode %v: %s", p.t, p.unsupported)
}

// value returns the field of struct v that f names, allocating the
// embedded pointers on the way.
func (f *field) value(v reflect.Value) (reflect.Value, error) {
	if len(f.index) == 1 {
		return v.Field(f.index[0]), nil
	}
	for i, x := range f.index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return reflect.Value{}, fmt.Errorf("json: cannot set embedded pointer to unexported struct: %v", v.Type().Elem())
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, nil
}

func hasOpt(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

// validTag reports whether encoding/json accepts s as a member name in a tag.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// appendFolded appends name in the form encoding/json compares member
// names in when no field has the exact name: each rune replaced by the
// smallest rune of its simple case-folding orbit, so that "ſtatus"
// (U+017F) matches "status" as it does there.
func appendFolded(out, name []byte) []byte {
	for i := 0; i < len(name); {
		if c := name[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(name[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}
