package skyvern

import (
	"fmt"
	"time"
)

// Time is an instant as Skyvern's API sends it. It embeds time.Time, so all
// of time.Time's methods work on it directly.
//
// Skyvern writes most datetimes without a timezone
// ("2026-01-31T15:20:42.160725", meaning UTC) and some in RFC 3339
// ("2026-01-31T15:20:42Z", "...+02:00"). Time decodes both forms to an
// instant in UTC, and a JSON null to the zero Time. It encodes the way the
// server does: UTC without a timezone, to the microsecond, the fraction left
// out when it is zero; the zero Time encodes as null.
type Time struct {
	time.Time
}

// ParseTime parses s in any of the forms Time decodes (RFC 3339 or Skyvern's
// timezone-less UTC form, with "T" or a space before the time) and returns
// the instant in UTC.
func ParseTime(s string) (Time, error) {
	if t, ok := parseNaive(s); ok {
		return Time{t}, nil
	}
	layout := "2006-01-02T15:04:05" // fractional seconds of any length are accepted
	if hasZone(s) {
		layout = time.RFC3339Nano
	} else if len(s) > 10 && s[10] == ' ' {
		layout = "2006-01-02 15:04:05"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return Time{}, fmt.Errorf("skyvern: cannot parse %q as a datetime (want RFC 3339 or 2006-01-02T15:04:05.999999)", s)
	}
	return Time{t.UTC()}, nil
}

// hasZone reports whether s ends in "Z" or a numeric offset such as "+02:00".
func hasZone(s string) bool {
	n := len(s)
	if n > 19 && (s[n-1] == 'Z' || s[n-1] == 'z') {
		return true
	}
	return n >= 25 && (s[n-6] == '+' || s[n-6] == '-') && s[n-3] == ':'
}

// String formats t as Skyvern does (see MarshalJSON), or "" for the zero Time.
func (t Time) String() string {
	if t.IsZero() {
		return ""
	}
	return string(t.appendFormat(nil))
}

func (t Time) appendFormat(b []byte) []byte {
	u := t.UTC()
	if u.Nanosecond()/1000 == 0 {
		return u.AppendFormat(b, "2006-01-02T15:04:05")
	}
	return u.AppendFormat(b, "2006-01-02T15:04:05.000000")
}

// MarshalJSON encodes t in Skyvern's own form: UTC without a timezone, to the
// microsecond ("2026-01-31T15:20:42.160725"). The zero Time encodes as null.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 28)
	b = append(b, '"')
	b = t.appendFormat(b)
	return append(b, '"'), nil
}

// UnmarshalJSON decodes an RFC 3339 or timezone-less (UTC) datetime string,
// or null, which leaves the zero Time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("skyvern: datetime must be a JSON string, got %.40s", b)
	}
	v, err := ParseTime(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// parseNaive is a fast path for the form Skyvern sends most,
// "2006-01-02T15:04:05" with an optional fraction, read as UTC. It reports
// false for anything else, which then goes through time.Parse.
func parseNaive(s string) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	nsec := 0
	if len(s) > 19 {
		if s[19] != '.' || len(s) == 20 {
			return time.Time{}, false
		}
		for i, scale := 20, 100000000; i < len(s); i, scale = i+1, scale/10 {
			c := s[i]
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			nsec += int(c-'0') * scale
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // such as February 30
		return time.Time{}, false
	}
	return t, true
}
