package browsertest

// ProfileDir returns the profile directory of c, for the tests.
func ProfileDir(c *Chromium) string { return c.dir }
