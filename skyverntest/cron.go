package skyverntest

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// This file reads the cron expressions of workflow schedules as the
// server's parser, croniter (3.0.4, the version Skyvern locks), reads
// them: the five fields of standard cron (minute, hour, day of month,
// month, day of week) and an optional sixth, the second; each a list of
// "*", "n", "a-b" and steps ("*/n", "a-b/n", "a/n", any n of at least 1),
// with month and weekday names (JAN, MON...; 0 and 7 are Sunday), "?" as
// "*" in the day fields, "L" (the month's last day) in the day of month,
// "d#n" (the nth weekday d of the month, n from 1 to 5) in the day of
// week, and the @hourly, @daily, @midnight, @weekly, @monthly, @yearly
// and @annually shorthands. When both day fields are restricted, a day
// matches either, as croniter's default day_or does; an "#" weekday must
// also fall on a listed day of the month, as in croniter. croniter's
// seventh field, the year, is not read: such an expression is refused as
// invalid. croniter refuses "W", "L" in the day of week, "L-n" and "H",
// and so does the fake.
//
// Server: skyvern/forge/sdk/workflow/schedules.py validate_cron_expression
// and calculate_next_runs, over croniter.

// Messages of the server's 400 for an expression: one croniter cannot
// read (croniter.is_valid is false), and one it reads but that never fires
// (its CroniterBadDateError, a ValueError the route answers as it does
// the others).
const (
	cronInvalid   = "Invalid cron expression"
	cronNeverDue  = "failed to find next date"
	cronMaxNthDay = 5
)

// cronSpec is a parsed cron expression: a bit set of the allowed values of
// each field.
type cronSpec struct {
	second, minute, hour, dom, month, dow uint64
	domAny, dowAny                        bool     // the field was "*" or "?"
	domLast                               bool     // "L": the month's last day
	nth                                   [7]uint8 // "d#n": bit n of nth[d]
	hasNth                                bool
}

// cronField describes one field: its range and its names.
type cronField struct {
	min, max int
	names    []string // names[i] is value min+i
}

var (
	cronSecond = cronField{min: 0, max: 59}
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

// parseCron parses a cron expression of five or six fields, and reports
// whether it could.
func parseCron(expr string) (*cronSpec, bool) {
	expr = strings.TrimSpace(expr)
	if long, ok := cronShorthands[strings.ToLower(expr)]; ok {
		expr = long
	}
	f := strings.Fields(expr)
	if len(f) != 5 && len(f) != 6 {
		return nil, false
	}
	c := cronSpec{second: 1}
	ok := true
	parse := func(s string, fd cronField) uint64 {
		set, good := parseCronField(s, fd)
		ok = ok && good
		return set
	}
	if len(f) == 6 {
		c.second = parse(f[5], cronSecond)
	}
	c.minute = parse(f[0], cronMinute)
	c.hour = parse(f[1], cronHour)
	c.month = parse(f[3], cronMonth)
	dom := strings.ReplaceAll(f[2], "?", "*")
	var rest []string
	for part := range strings.SplitSeq(dom, ",") {
		if strings.EqualFold(part, "L") {
			c.domLast = true
		} else {
			rest = append(rest, part)
		}
	}
	if len(rest) > 0 {
		c.dom = parse(strings.Join(rest, ","), cronDom)
	}
	dow := strings.ReplaceAll(f[4], "?", "*")
	if strings.Contains(dow, "#") {
		c.hasNth = true
		for part := range strings.SplitSeq(dow, ",") {
			day, n, found := strings.Cut(part, "#")
			d, okDay := cronDow.value(day)
			k, err := strconv.Atoi(n)
			if !found || !okDay || err != nil || k < 1 || k > cronMaxNthDay || n[0] == '+' {
				return nil, false
			}
			c.nth[d%7] |= 1 << k
		}
	} else {
		c.dow = parse(dow, cronDow)
	}
	if !ok {
		return nil, false
	}
	if c.dow&(1<<7) != 0 { // 7 is Sunday too
		c.dow = c.dow&^(1<<7) | 1
	}
	c.domAny, c.dowAny = dom == "*", dow == "*"
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
			if err != nil || n < 1 || stepText[0] == '+' {
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
		for v := lo; v <= hi && v >= lo; v += step {
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
	dom := c.dom&(1<<t.Day()) != 0 ||
		c.domLast && t.AddDate(0, 0, 1).Day() == 1
	if c.hasNth {
		nth := c.nth[t.Weekday()]&(1<<((t.Day()-1)/7+1)) != 0
		return (c.domAny || dom) && nth
	}
	dow := c.dow&(1<<int(t.Weekday())) != 0
	if !c.domAny && !c.dowAny {
		return dom || dow
	}
	return (c.domAny || dom) && dow
}

// cronHorizon bounds the search for the next firing: an expression that
// matches no day within it (such as "0 0 30 2 *") never fires. It spans
// the longest gap between two 29ths of February (2096 to 2104).
const cronHorizon = 9 * 366 * 24 * time.Hour

// next returns the first time strictly after after whose wall-clock time
// in loc matches c, to the second, and false when there is none within
// cronHorizon. A wall-clock time skipped by a daylight-saving change never
// fires; one repeated by it fires at each occurrence.
func (c *cronSpec) next(after time.Time, loc *time.Location) (time.Time, bool) {
	// Truncating the absolute time is truncating the wall-clock time: zone
	// offsets are whole minutes.
	t := after.Truncate(time.Minute).In(loc)
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
			// the first allowed second of this minute after after
			from := 0
			if d := after.Sub(t); d >= 0 {
				from = int(d/time.Second) + 1
			}
			if from < 60 {
				if rest := c.second >> from << from; rest != 0 {
					return t.Add(time.Duration(bits.TrailingZeros64(rest)) * time.Second).UTC(), true
				}
			}
			jump = t.Add(time.Minute)
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
		return nil, cronNeverDue
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
