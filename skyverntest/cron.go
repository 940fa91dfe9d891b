package skyverntest

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// This file reads the cron expressions of workflow schedules: the five
// fields of standard cron (minute, hour, day of month, month, day of
// week), each a list of "*", "n", "a-b" and steps ("*/n", "a-b/n", "a/n"),
// with month and weekday names (JAN, MON...; 0 and 7 are Sunday), "?" as
// "*" in the day fields, and the @hourly, @daily, @midnight, @weekly,
// @monthly, @yearly and @annually shorthands. When both day fields are
// restricted, a day matches either, as in Vixie cron and croniter.

// cronInvalid is the server's message for an expression it cannot read.
const cronInvalid = "Invalid cron expression"

// cronSpec is a parsed cron expression: a bit set of the allowed values of
// each field.
type cronSpec struct {
	minute, hour, dom, month, dow uint64
	domAny, dowAny                bool // the field was "*" or "?"
}

// cronField describes one field: its range and its names.
type cronField struct {
	min, max int
	names    []string // names[i] is value min+i
}

var (
	cronMinute = cronField{min: 0, max: 59}
	cronHour   = cronField{min: 0, max: 23}
	cronDom    = cronField{min: 1, max: 31}
	cronMonth  = cronField{min: 1, max: 12, names: []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}}
	cronDow    = cronField{min: 0, max: 7, names: []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}}
)

var cronShorthands = map[string]string{
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
	"@monthly":  "0 0 1 * *",
	"@weekly":   "0 0 * * 0",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@hourly":   "0 * * * *",
}

// parseCron parses a five-field cron expression, and reports whether it
// could.
func parseCron(expr string) (*cronSpec, bool) {
	expr = strings.TrimSpace(expr)
	if long, ok := cronShorthands[strings.ToLower(expr)]; ok {
		expr = long
	}
	f := strings.Fields(expr)
	if len(f) != 5 {
		return nil, false
	}
	var c cronSpec
	ok := true
	parse := func(s string, fd cronField) uint64 {
		set, good := parseCronField(s, fd)
		ok = ok && good
		return set
	}
	c.minute = parse(f[0], cronMinute)
	c.hour = parse(f[1], cronHour)
	c.dom = parse(strings.ReplaceAll(f[2], "?", "*"), cronDom)
	c.month = parse(f[3], cronMonth)
	c.dow = parse(strings.ReplaceAll(f[4], "?", "*"), cronDow)
	if !ok {
		return nil, false
	}
	if c.dow&(1<<7) != 0 { // 7 is Sunday too
		c.dow = c.dow&^(1<<7) | 1
	}
	c.domAny, c.dowAny = f[2] == "*" || f[2] == "?", f[4] == "*" || f[4] == "?"
	return &c, true
}

// parseCronField parses one field's comma-separated list into a bit set.
func parseCronField(s string, fd cronField) (uint64, bool) {
	var set uint64
	for part := range strings.SplitSeq(s, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 || n > fd.max-fd.min+1 {
				return 0, false
			}
			step = n
		}
		lo, hi := fd.min, fd.max
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var okA, okB bool
			lo, okA = fd.value(a)
			hi, okB = fd.value(b)
			if !okA || !okB || lo > hi {
				return 0, false
			}
		default:
			v, ok := fd.value(rng)
			if !ok {
				return 0, false
			}
			lo = v
			if !hasStep { // "a/n" runs from a to the field's end
				hi = v
			}
		}
		for v := lo; v <= hi; v += step {
			set |= 1 << v
		}
	}
	return set, true
}

// value reads one number or name of the field.
func (fd cronField) value(s string) (int, bool) {
	for i, name := range fd.names {
		if strings.EqualFold(s, name) {
			return fd.min + i, true
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < fd.min || n > fd.max || s[0] == '+' {
		return 0, false
	}
	return n, true
}

func (c *cronSpec) dayMatches(t time.Time) bool {
	dom := c.dom&(1<<t.Day()) != 0
	dow := c.dow&(1<<int(t.Weekday())) != 0
	if !c.domAny && !c.dowAny {
		return dom || dow
	}
	return dom && dow
}

// cronHorizon bounds the search for the next firing: an expression that
// matches no day within it (such as "0 0 30 2 *") never fires.
const cronHorizon = 5 * 366 * 24 * time.Hour

// next returns the first minute strictly after after whose wall-clock time
// in loc matches c, and false when there is none within cronHorizon. A
// wall-clock time skipped by a daylight-saving change never fires; one
// repeated by it fires at each occurrence.
func (c *cronSpec) next(after time.Time, loc *time.Location) (time.Time, bool) {
	// Truncating the absolute time is truncating the wall-clock time: zone
	// offsets are whole minutes.
	t := after.Truncate(time.Minute).Add(time.Minute).In(loc)
	limit := after.Add(cronHorizon)
	for t.Before(limit) {
		var jump time.Time
		switch {
		case c.month&(1<<int(t.Month())) == 0:
			jump = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
		case !c.dayMatches(t):
			jump = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		case c.hour&(1<<t.Hour()) == 0:
			jump = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, loc)
		case c.minute&(1<<t.Minute()) == 0:
			// to the next allowed minute of this hour, else the next hour
			rest := c.minute >> (t.Minute() + 1) << (t.Minute() + 1)
			if rest == 0 {
				jump = t.Add(time.Duration(60-t.Minute()) * time.Minute)
			} else {
				jump = t.Add(time.Duration(bits.TrailingZeros64(rest)-t.Minute()) * time.Minute)
			}
		default:
			return t.UTC(), true
		}
		if !jump.After(t) { // a daylight-saving change folded the jump back
			jump = t.Add(time.Minute)
		}
		t = jump
	}
	return time.Time{}, false
}

// Skyvern's rules for a schedule's expression: its firings are at least
// five minutes apart, checked over a day of firings.
const (
	cronMinInterval   = 5 * time.Minute
	cronSampleWindow  = 25 * time.Hour
	cronSampleMaximum = 2000
)

// checkCron parses expr as Skyvern validates a schedule's expression, from
// now in UTC, or returns the server's message for what is wrong.
func checkCron(expr string, now time.Time) (*cronSpec, string) {
	c, ok := parseCron(expr)
	if !ok {
		return nil, cronInvalid
	}
	first, ok := c.next(now, time.UTC)
	if !ok {
		return nil, cronInvalid
	}
	prev := first
	for range cronSampleMaximum - 1 {
		t, ok := c.next(prev, time.UTC)
		if !ok {
			break
		}
		if t.Sub(prev) < cronMinInterval {
			return nil, fmt.Sprintf("Cron interval must be at least %d minutes", int(cronMinInterval/time.Minute))
		}
		if t.Sub(first) >= cronSampleWindow {
			break
		}
		prev = t
	}
	return c, ""
}

// loadTimezone reads an IANA time zone name, as Python's ZoneInfo does
// (Go's "" and "Local" are not zone names there), or returns the server's
// message for a name it does not know.
func loadTimezone(name string) (*time.Location, string) {
	loc, err := time.LoadLocation(name)
	if name == "" || name == "Local" || err != nil {
		return nil, "Invalid timezone '" + name + "'"
	}
	return loc, ""
}
