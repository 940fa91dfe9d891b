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
// instant in UTC, to the nanosecond, and a JSON null to the zero Time. It
// encodes the way the server does: UTC without a timezone, the fraction left
// out when it is zero; the zero Time encodes as null.
//
// Skyvern's datetimes are Python datetimes: they hold microseconds and
// years 1 to 9999. Time therefore encodes to the microsecond, dropping any
// finer part, and an instant whose UTC date falls outside years 0000 to
// 9999 (as "9999-12-31T23:30:00-05:00" does) is written in RFC 3339 with
// the smallest whole-hour offset that keeps the date in range
// ("9999-12-31T23:30:00-05:00" again). Whatever Time decodes, it encodes
// to a form it decodes again, to the same instant but for the part below a
// microsecond; an instant no such form reaches is an error to encode.
type Time struct {
	time.Time
}

// ParseTime parses s in any of the forms Time decodes (RFC 3339 or Skyvern's
// timezone-less UTC form, with "T" or a space before the time) and returns
// the instant in UTC.
func ParseTime(s string) (Time, error) { return parseTime(s) }

func parseTime[S string | []byte](s S) (Time, error) {
	if t, ok := parseNaive(s); ok {
		return Time{t}, nil
	}
	layout := "2006-01-02T15:04:05" // fractional seconds of any length are accepted
	if hasZone(s) {
		layout = time.RFC3339Nano
	} else if len(s) > 10 && s[10] == ' ' {
		layout = "2006-01-02 15:04:05"
	}
	t, err := time.Parse(layout, string(s))
	if err != nil {
		return Time{}, fmt.Errorf("skyvern: cannot parse %q as a datetime (want RFC 3339 or 2006-01-02T15:04:05.999999)", string(s))
	}
	return Time{t.UTC()}, nil
}

// hasZone reports whether s ends in "Z" or a numeric offset such as "+02:00".
func hasZone[S string | []byte](s S) bool {
	n := len(s)
	if n > 19 && (s[n-1] == 'Z' || s[n-1] == 'z') {
		return true
	}
	return n >= 25 && (s[n-6] == '+' || s[n-6] == '-') && s[n-3] == ':'
}

// String formats t as Skyvern does (see MarshalJSON), or "" for the zero Time
// or one that cannot be encoded.
func (t Time) String() string {
	if t.IsZero() {
		return ""
	}
	b, _ := t.appendFormat(nil)
	return string(b)
}

// Years a timezone-less or RFC 3339 datetime can hold.
var (
	minTime = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

func (t Time) appendFormat(b []byte) ([]byte, error) {
	u := t.UTC()
	u = u.Add(-time.Duration(u.Nanosecond() % 1000)) // Skyvern's precision
	layout := "2006-01-02T15:04:05"
	if u.Nanosecond() != 0 {
		layout = "2006-01-02T15:04:05.000000"
	}
	if !u.Before(minTime) && u.Before(maxTime) {
		return u.AppendFormat(b, layout), nil
	}
	// Out of range in UTC: write it with the offset, in whole hours if they
	// do, else in minutes, that brings the date back in range, as the
	// value was most likely decoded from.
	offset := func(by time.Duration) time.Duration {
		if u.Before(minTime) {
			return (minTime.Sub(u) + by - 1) / by * by
		}
		return -(u.Sub(maxTime)/by + 1) * by
	}
	off := offset(time.Hour)
	if off.Abs() >= 24*time.Hour {
		off = offset(time.Minute)
	}
	if off.Abs() >= 24*time.Hour {
		return b, fmt.Errorf("skyvern: cannot encode %v: Skyvern's datetimes hold years 0001 to 9999", t.Time)
	}
	return u.In(time.FixedZone("", int(off/time.Second))).AppendFormat(b, layout+"Z07:00"), nil
}

// MarshalJSON encodes t in Skyvern's own form: UTC without a timezone, to the
// microsecond ("2026-01-31T15:20:42.160725"); see Time for instants beyond
// year 9999 in UTC. The zero Time encodes as null.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 34)
	b = append(b, '"')
	b, err := t.appendFormat(b)
	if err != nil {
		return nil, err
	}
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
	v, err := parseTime(b[1 : len(b)-1])
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// parseNaive is a fast path for the form Skyvern sends most,
// "2006-01-02T15:04:05" with an optional fraction, read as UTC. It reports
// false for anything else, which then goes through time.Parse.
func parseNaive[S string | []byte](s S) (time.Time, bool) {
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
