package skyverntest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, msg := loadTimezone(name)
	require.Empty(t, msg)
	return loc
}

// nextN returns the n firings of expr after from, in loc, as RFC 3339 UTC.
func nextN(t *testing.T, expr string, from time.Time, loc *time.Location, n int) []string {
	t.Helper()
	c, ok := parseCron(expr)
	require.True(t, ok, expr)
	var out []string
	for range n {
		next, ok := c.next(from, loc)
		require.True(t, ok, expr)
		out = append(out, next.Format(time.RFC3339))
		from = next
	}
	return out
}

func TestCronNextFollowsEachFieldsSyntax(t *testing.T) {
	from := time.Date(2026, 3, 2, 10, 7, 30, 0, time.UTC) // a Monday
	cases := []struct {
		name, expr string
		want       []string
	}{
		{"every fifth minute starts at the next multiple", "*/5 * * * *", []string{"2026-03-02T10:10:00Z", "2026-03-02T10:15:00Z"}},
		{"a list of minutes", "0,30 * * * *", []string{"2026-03-02T10:30:00Z", "2026-03-02T11:00:00Z"}},
		{"a range with a step", "0 9-17/4 * * *", []string{"2026-03-02T13:00:00Z", "2026-03-02T17:00:00Z", "2026-03-03T09:00:00Z"}},
		{"a start with a step runs to the field's end", "50/5 * * * *", []string{"2026-03-02T10:50:00Z", "2026-03-02T10:55:00Z", "2026-03-02T11:50:00Z"}},
		{"weekday names and a range", "0 8 * * MON-fri", []string{"2026-03-03T08:00:00Z", "2026-03-04T08:00:00Z"}},
		{"7 is Sunday", "0 0 * * 7", []string{"2026-03-08T00:00:00Z", "2026-03-15T00:00:00Z"}},
		{"month names", "0 0 1 jan,Jul *", []string{"2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z"}},
		{"day of month and weekday both restricted match either", "0 12 15 * SUN", []string{"2026-03-08T12:00:00Z", "2026-03-15T12:00:00Z", "2026-03-22T12:00:00Z"}},
		{"a question mark is any day", "0 6 ? * 3", []string{"2026-03-04T06:00:00Z", "2026-03-11T06:00:00Z"}},
		{"a day that only leap years have", "0 0 29 2 *", []string{"2028-02-29T00:00:00Z"}},
		{"@hourly", "@hourly", []string{"2026-03-02T11:00:00Z", "2026-03-02T12:00:00Z"}},
		{"@daily", "@DAILY", []string{"2026-03-03T00:00:00Z"}},
		{"@weekly", "@weekly", []string{"2026-03-08T00:00:00Z"}},
		{"@monthly", "@monthly", []string{"2026-04-01T00:00:00Z"}},
		{"@yearly", "@yearly", []string{"2027-01-01T00:00:00Z"}},
		// The extensions croniter reads; the expected firings are croniter 3.0.4's.
		{"L is the month's last day", "0 0 L * *", []string{"2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z"}},
		{"L in a list, in February", "0 0 1,l 2 *", []string{"2027-02-01T00:00:00Z", "2027-02-28T00:00:00Z", "2028-02-01T00:00:00Z", "2028-02-29T00:00:00Z"}},
		{"the second Monday", "0 0 * * 1#2", []string{"2026-03-09T00:00:00Z", "2026-04-13T00:00:00Z"}},
		{"the first Friday by name, and the first Sunday as 7", "0 0 * * fri#1,7#1", []string{"2026-03-06T00:00:00Z", "2026-04-03T00:00:00Z", "2026-04-05T00:00:00Z"}},
		{"a fifth weekday only some months have", "0 0 * * 5#5", []string{"2026-05-29T00:00:00Z", "2026-07-31T00:00:00Z"}},
		{"a sixth field is the second", "*/10 * * * * 0,30", []string{"2026-03-02T10:10:00Z", "2026-03-02T10:10:30Z", "2026-03-02T10:20:00Z"}},
		{"a second later in the current minute", "7 10 * * * 45", []string{"2026-03-02T10:07:45Z", "2026-03-03T10:07:45Z"}},
		{"a step beyond the field's range", "5/70 * * * *", []string{"2026-03-02T11:05:00Z"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, nextN(t, c.expr, from, time.UTC, len(c.want)))
		})
	}
}

func TestCronNextIsStrictlyAfter(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 10, 0, 0, time.UTC)
	assert.Equal(t, []string{"2026-03-02T10:15:00Z"}, nextN(t, "*/5 * * * *", at, time.UTC, 1))
}

func TestCronNextReadsWallClockTimeInTheTimezone(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	from := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, []string{"2026-01-10T14:00:00Z", "2026-01-11T14:00:00Z"}, nextN(t, "0 9 * * *", from, ny, 2),
		"9:00 in New York is 14:00 UTC in winter")
	summer := time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, []string{"2026-07-10T13:00:00Z"}, nextN(t, "0 9 * * *", summer, ny, 1),
		"and 13:00 UTC in summer")
}

func TestCronNextAcrossDaylightSavingChanges(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	t.Run("a time skipped in spring does not fire that day", func(t *testing.T) {
		// 2026-03-08: 02:00 EST becomes 03:00 EDT.
		from := time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC)
		assert.Equal(t, []string{"2026-03-09T06:30:00Z"}, nextN(t, "30 2 * * *", from, ny, 1))
	})
	t.Run("a time repeated in autumn fires at both occurrences", func(t *testing.T) {
		// 2026-11-01: 02:00 EDT becomes 01:00 EST.
		from := time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC)
		assert.Equal(t, []string{"2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"}, nextN(t, "30 1 * * *", from, ny, 2))
	})
	t.Run("every hour keeps its pace through the change", func(t *testing.T) {
		from := time.Date(2026, 11, 1, 4, 30, 0, 0, time.UTC)
		assert.Equal(t, []string{"2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"},
			nextN(t, "0 * * * *", from, ny, 3))
	})
}

func TestCronNeverFiringExpressionHasNoNextRun(t *testing.T) {
	c, ok := parseCron("0 0 30 2 *")
	require.True(t, ok)
	_, ok = c.next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC)
	assert.False(t, ok)
	for _, expr := range []string{"0 0 30 2 *", "0 0 1 * 1#2", "0 0 L * 1#2"} {
		_, msg := checkCron(expr, time.Now())
		assert.Equal(t, "failed to find next date", msg, "croniter reads %q but finds no date", expr)
	}
}

func TestParseCronRefusesMalformedExpressions(t *testing.T) {
	for _, expr := range []string{
		"", "* * * *", "* * * * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * 32 * *",
		"* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "a * * * *", "0 0 * * * 60",
		"1,,2 * * * *", "-1 * * * *", "+1 * * * *", "1- * * * *", "* * * foo *", "@every 5m", "@reboot", "L * * * *",
		// croniter refuses these too
		"0 0 * * 5L", "0 0 * * L", "0 0 15W * *", "0 0 L-2 * *", "0 0 L/2 * *", "0 0 * * 1#6", "0 0 * * 1#0",
		"0 0 * * 1#2,3", "0 0 * * 1-2#1", "0 0 * * *#1", "H 0 * * *", "0 0 * * fri-mon",
		// croniter reads a seventh field, the year; the fake does not
		"0 0 * * * 0 2027",
	} {
		_, ok := parseCron(expr)
		assert.False(t, ok, "%q", expr)
	}
}

func TestCheckCronRefusesFiringsCloserThanFiveMinutes(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, expr := range []string{"* * * * *", "*/4 * * * *", "0,5,10,15,20,25,30,35,40,45,50,55,59 * * * *"} {
		_, msg := checkCron(expr, now)
		assert.Equal(t, "Cron interval must be at least 5 minutes", msg, expr)
	}
	for _, expr := range []string{"*/5 * * * *", "0 9 * * 1-5", "@yearly"} {
		_, msg := checkCron(expr, now)
		assert.Empty(t, msg, expr)
	}
	_, msg := checkCron("61 * * * *", now)
	assert.Equal(t, "Invalid cron expression", msg)
}

func TestLoadTimezoneTakesIANANamesOnly(t *testing.T) {
	for _, name := range []string{"UTC", "Europe/Paris", "America/New_York"} {
		_, msg := loadTimezone(name)
		assert.Empty(t, msg, name)
	}
	for _, name := range []string{"", "Local", "Mars/Olympus", "../etc/passwd"} {
		_, msg := loadTimezone(name)
		assert.Equal(t, "Invalid timezone '"+name+"'", msg)
	}
}

func BenchmarkCronNext(b *testing.B) {
	c, _ := parseCron("0 9 * * 1-5")
	loc, _ := loadTimezone("Europe/Paris")
	from := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		c.next(from, loc)
	}
}
