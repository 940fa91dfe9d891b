package browsertest

// ProfileDir returns the profile directory of c, for the tests.
func ProfileDir(c *Chromium) string { return c.dir }

// Leftovers lists the live processes of every Chromium the tests
// started.
func Leftovers() []int { return leftovers() }

// SameURL is sameURL, for its test.
var SameURL = sameURL
