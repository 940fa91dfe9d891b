package jsonobj

import (
	"encoding/json"
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is encoding/json's limit on nested arrays and objects.
const maxDepth = 10000

// errSyntax marks input that is not valid JSON. The decoder does not build
// its own message: syntaxError asks encoding/json for the exact error it
// gives for the same input.
var errSyntax = errors.New("jsonobj: invalid JSON")

// syntaxError returns the *json.SyntaxError encoding/json reports for data.
func syntaxError(data []byte) error {
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	return errors.New("jsonobj: invalid JSON") // unreachable unless the scanners disagree
}

// plainByte[c] is true for the bytes a string may hold as they are that
// need no further look: printable ASCII other than '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// ws skips JSON whitespace.
func (d *decoder) ws() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// scanString steps over the string that starts at d.data[d.i] (a '"'),
// checking it. It returns the bytes between the quotes and whether they
// hold an escape or a byte that is not ASCII (and so need unquoting).
func (d *decoder) scanString() (s []byte, special bool, err error) {
	data := d.data
	start := d.i + 1
	i := start
	for {
		for i < len(data) && plainByte[data[i]] {
			i++
		}
		if i >= len(data) {
			return nil, false, errSyntax
		}
		switch c := data[i]; {
		case c == '"':
			d.i = i + 1
			return data[start:i], special, nil
		case c == '\\':
			special = true
			if i+1 >= len(data) {
				return nil, false, errSyntax
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if hex4(data[i+2:]) < 0 {
					return nil, false, errSyntax
				}
				i += 6
			default:
				return nil, false, errSyntax
			}
		case c < 0x20:
			return nil, false, errSyntax
		default: // not ASCII: any byte is accepted, invalid UTF-8 is replaced when unquoting
			special = true
			i++
		}
	}
}

// hex4 decodes the four hex digits at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// unquote appends the decoded form of s, the checked content of a string
// with escapes or non-ASCII bytes, to buf, as encoding/json decodes it:
// invalid UTF-8 and unpaired surrogates become U+FFFD.
func unquote(buf, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			switch s[i+1] {
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r := hex4(s[i+2:])
				i += 6
				if utf16.IsSurrogate(r) {
					if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, hex4(s[i+2:])); dec != utf8.RuneError {
							i += 6
							buf = utf8.AppendRune(buf, dec)
							continue
						}
					}
					r = utf8.RuneError
				}
				buf = utf8.AppendRune(buf, r)
				continue
			default: // '"', '\\', '/'
				buf = append(buf, s[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, n := utf8.DecodeRune(s[i:])
			buf = utf8.AppendRune(buf, r)
			i += n
		}
	}
	return buf
}

// scanNumber steps over the number at d.data[d.i], checking its form.
func (d *decoder) scanNumber() ([]byte, error) {
	data, start := d.data, d.i
	i := start
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		i++
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	default:
		return nil, errSyntax
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			return nil, errSyntax
		}
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			return nil, errSyntax
		}
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	}
	d.i = i
	return data[start:i], nil
}

// literal steps over the literal word (true, false or null) at d.data[d.i].
func (d *decoder) literal(word string) error {
	if len(d.data)-d.i < len(word) || string(d.data[d.i:d.i+len(word)]) != word {
		return errSyntax
	}
	d.i += len(word)
	return nil
}

// skip steps over the value at d.data[d.i], checking it.
func (d *decoder) skip() error {
	if d.i >= len(d.data) {
		return errSyntax
	}
	switch c := d.data[d.i]; c {
	case '"':
		_, _, err := d.scanString()
		return err
	case '{', '[':
		return d.skipComposite(c)
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		_, err := d.scanNumber()
		return err
	}
}

// skipComposite steps over an object or an array.
func (d *decoder) skipComposite(open byte) error {
	if err := d.enter(); err != nil {
		return err
	}
	d.i++
	d.ws()
	closing := byte(']')
	if open == '{' {
		closing = '}'
	}
	if d.i < len(d.data) && d.data[d.i] == closing {
		d.i++
		d.depth--
		return nil
	}
	for {
		if open == '{' {
			if d.i >= len(d.data) || d.data[d.i] != '"' {
				return errSyntax
			}
			if _, _, err := d.scanString(); err != nil {
				return err
			}
			if err := d.colon(); err != nil {
				return err
			}
		}
		if err := d.skip(); err != nil {
			return err
		}
		more, err := d.next(closing)
		if err != nil {
			return err
		}
		if !more {
			d.depth--
			return nil
		}
	}
}

// enter counts one more level of nesting, refusing what encoding/json refuses.
func (d *decoder) enter() error {
	d.depth++
	if d.depth > maxDepth {
		return errSyntax
	}
	return nil
}

// colon steps over the colon after a member name and the whitespace around
// it, and checks that a value follows.
func (d *decoder) colon() error {
	d.ws()
	if d.i >= len(d.data) || d.data[d.i] != ':' {
		return errSyntax
	}
	d.i++
	d.ws()
	if d.i >= len(d.data) {
		return errSyntax
	}
	return nil
}

// next steps over what follows a member or an element: a comma (it reports
// true, and the next member or element must follow) or the closing byte.
func (d *decoder) next(closing byte) (bool, error) {
	d.ws()
	if d.i >= len(d.data) {
		return false, errSyntax
	}
	switch d.data[d.i] {
	case ',':
		d.i++
		d.ws()
		if d.i >= len(d.data) || d.data[d.i] == closing {
			return false, errSyntax
		}
		return true, nil
	case closing:
		d.i++
		return false, nil
	}
	return false, errSyntax
}

// Valid reports whether data is one valid JSON value, as json.Valid does.
func Valid(data []byte) bool {
	d := decoder{data: data}
	d.ws()
	if d.skip() != nil {
		return false
	}
	d.ws()
	return d.i == len(data)
}
