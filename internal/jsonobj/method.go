package jsonobj

import (
	"encoding/json"
	"reflect"
	"sync/atomic"
	"unsafe"
)

// A struct type with an UnmarshalJSON method is decoded by that method,
// wherever it appears: the decoder never skips it. What the method does is
// learnt the first time a value of the type is decoded: the decoder calls
// it on a fresh value with the bytes of the value, and watches whether it
// forwards them to Unmarshal with the value it was called on. If it does,
// later values of the type are decoded in the decoder's own pass (no
// second scan of their bytes, raw values shared when the input is owned)
// and the method is then called with their bytes all the same, its call
// to Unmarshal returning at once: whatever the method does besides
// forwarding (before or after) still runs. If it does not, the method
// decodes every value itself, as encoding/json would have it.
//
// The decoder tells Unmarshal about the call it makes through calls, a
// small table of the calls in progress indexed by the value's address.

const (
	methodUnknown  int32 = iota // not seen yet
	methodForwards              // forwards to Unmarshal
	methodOwn                   // decodes by itself
)

// methodCall is a call of a value's UnmarshalJSON by the decoder. Its
// fields are atomic because a decoder in another goroutine may read a
// call it finds in the table while this one reuses it.
type methodCall struct {
	t       atomic.Value   // the value's reflect.Type
	v, data atomic.Uintptr // the value's address, the bytes' address
	n       atomic.Int64   // the bytes' length
	decoded atomic.Bool    // the value is already decoded from the bytes
	hit     atomic.Bool    // Unmarshal was called with this value and bytes
}

var calls [64]atomic.Pointer[methodCall]

func callSlot(v uintptr) *atomic.Pointer[methodCall] {
	return &calls[(v>>4)%uintptr(len(calls))]
}

// forwarded reports whether Unmarshal was called, with v (of type t) and
// data, by the UnmarshalJSON method the decoder is calling on v with data,
// and then whether the decoder has decoded v already.
func forwarded(t reflect.Type, v unsafe.Pointer, data []byte) (hit, decoded bool) {
	if len(data) == 0 {
		return false, false
	}
	c := callSlot(uintptr(v)).Load()
	if c == nil || c.v.Load() != uintptr(v) || c.data.Load() != uintptr(unsafe.Pointer(&data[0])) || c.n.Load() != int64(len(data)) || c.t.Load() != t {
		return false, false
	}
	c.hit.Store(true)
	return true, c.decoded.Load()
}

// callMethod calls v's UnmarshalJSON with data, noting the call so that
// Unmarshal recognises it, and reports whether the method forwarded.
func (d *decoder) callMethod(v reflect.Value, data []byte, decoded bool) (bool, error) {
	p := v.Addr()
	addr := uintptr(p.UnsafePointer())
	c := &d.call
	c.t.Store(v.Type())
	c.v.Store(addr)
	c.data.Store(uintptr(unsafe.Pointer(&data[0])))
	c.n.Store(int64(len(data)))
	c.decoded.Store(decoded)
	c.hit.Store(false)
	slot := callSlot(addr)
	slot.Store(c)
	err := p.Interface().(json.Unmarshaler).UnmarshalJSON(data)
	slot.CompareAndSwap(c, nil)
	return c.hit.Load(), err
}

// decMethod decodes a struct whose pointer has an UnmarshalJSON method.
func (c *codec) decMethod(d *decoder, v reflect.Value) error {
	start := d.i
	if c.mode.Load() == methodUnknown {
		if err := d.skip(); err != nil {
			return err
		}
		// Learn what the method does on a value of its own, so that v is
		// decoded the same way as every later value.
		hit, _ := d.callMethod(reflect.New(v.Type()).Elem(), d.data[start:d.i:d.i], false)
		if hit {
			c.mode.CompareAndSwap(methodUnknown, methodForwards)
		} else {
			c.mode.CompareAndSwap(methodUnknown, methodOwn)
		}
		d.i = start
	}
	if c.mode.Load() == methodForwards {
		if err := c.plan.decStruct(d, v); err != nil {
			return err
		}
		// Should the method not forward this time (or should another
		// goroutine's call take the table's slot), it decodes the value
		// again, over what the decoder put there: the same result.
		_, err := d.callMethod(v, d.data[start:d.i:d.i], true)
		return err
	}
	if err := d.skip(); err != nil {
		return err
	}
	_, err := d.callMethod(v, d.data[start:d.i:d.i], false)
	return err
}
